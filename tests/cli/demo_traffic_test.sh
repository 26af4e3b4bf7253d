#!/usr/bin/env bash
# `vigie demo-traffic` and the health rule pack (rules/health, docs/demo.md):
#   - a day of the demo's traffic is written (config.yaml with keys and staff directories, one
#     log per establishment and one per establishment and topic, stories.json), the same bytes
#     for the same seed, and `vigie hunt` reads every record of every establishment with no
#     reject;
#   - each story's rules (stories.json) fire in its establishment, their correlation alerts
#     inside the story's time;
#   - on the everyday traffic alone (--no-attacks) no story correlation fires anywhere, nor the
#     SAM-recon and departed-account rules; the single-event rules with known benign triggers stay
#     within a handful (VPN from abroad: the CHU's cross-border staff; RC4 ticket: the lab's
#     legacy analyser gateway).
#
#   tests/cli/demo_traffic_test.sh VIGIE_BINARY [SOURCE_DIR]
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

generate() {  # folder, extra options
  local out="$1"
  shift
  "${vigie}" demo-traffic --out "${out}" "$@" 2>"${out}.err" ||
    fail "demo-traffic $* exited with $?: $(cat "${out}.err")"
  for f in config.yaml stories.json; do
    [[ -s "${out}/${f}" ]] || fail "demo-traffic $* wrote no ${f}"
  done
}
# 80,000 records a day (the demo streams 300,000): the same people at work, fewer computer-account
# events, so that the test writes about 300 MB rather than a gigabyte.
events=80000
generate "${tmp}/attacks" --events "${events}"
generate "${tmp}/again" --events "${events}"
generate "${tmp}/quiet" --events "${events}" --no-attacks
grep -q '^vigie demo-traffic: [0-9]* records (ad [0-9]*, vpn [0-9]*, ehr [0-9]*) for 3 establishments, 3 stories' \
  "${tmp}/attacks.err" || fail "summary: $(cat "${tmp}/attacks.err")"
grep -q ' 0 stories' "${tmp}/quiet.err" || fail "--no-attacks summary: $(cat "${tmp}/quiet.err")"
for f in "${tmp}"/attacks/*.log "${tmp}"/attacks/*/*.log "${tmp}"/attacks/*.csv \
  "${tmp}"/attacks/*.key "${tmp}/attacks/stories.json"; do
  cmp -s "${f}" "${tmp}/again/${f#"${tmp}/attacks/"}" || fail "${f#"${tmp}/"} differs for the same seed"
done
rm -rf "${tmp}/again"
[[ "$(stat -c %a "${tmp}/attacks/990000011.key")" == 600 ]] || fail "the key file is not mode 0600"

tenants=(990000011 990000029 990000037)
hunt() {  # folder, tenant
  "${vigie}" hunt --rules rules --config "$1/config.yaml" --tenant "$2" --input "$1/$2.log" \
    >"$1/$2.jsonl" 2>"$1/$2.hunt" || fail "hunt of $1/$2.log exited with $?"
  grep -q ' events read, 0 rejected,' "$1/$2.hunt" || fail "hunt of $1/$2.log: $(grep -v '^ ' "$1/$2.hunt")"
}
for t in "${tenants[@]}"; do
  hunt "${tmp}/attacks" "${t}"
  hunt "${tmp}/quiet" "${t}"
done
# Without a GeoIP database the VPN-from-abroad rule cannot fire: expect it only with one.
geoip=1
if grep -qi 'no GeoIP database' "${tmp}/attacks/${tenants[0]}.hunt"; then
  echo "note: no GeoIP database, the VPN-from-abroad rule is not checked"
  geoip=0
fi

python3 - "${tmp}" "${geoip}" <<'PY' || fail "rules and stories disagree (above)"
import json, sys
from collections import Counter

tmp, geoip = sys.argv[1], sys.argv[2] == "1"
abroad = "1cc3c30d-4cc2-4ba6-8727-1c7f73d1415a"
rc4 = "0e4f7c52-6a1d-4b3e-9f28-7d5c3a9e1b02"
# Single-event story rules with known benign triggers, and how many a day may give per tenant.
benign_budget = {abroad: 3, rc4: 6}
problems = []


def alerts(run, tenant):
    with open(f"{tmp}/{run}/{tenant}.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


stories = json.load(open(f"{tmp}/attacks/stories.json", encoding="utf-8"))["stories"]
if len(stories) != 3:
    problems.append(f"{len(stories)} stories, expected 3")
story_rules = set()
for s in stories:
    got = alerts("attacks", s["tenant"])
    fired = {a["rule_id"] for a in got}
    for rule in s["rule_ids"]:
        story_rules.add(rule)
        if rule == abroad and not geoip:
            continue
        if rule not in fired:
            problems.append(f"story {s['name']}: rule {rule} did not fire in {s['tenant']}")
    for a in got:
        if a["type"] == "correlation" and a["rule_id"] in s["rule_ids"]:
            if not (s["start"] <= a["window_end"] <= s["end"]):
                problems.append(f"story {s['name']}: {a['rule_title']} at {a['window_end']}, "
                                f"outside {s['start']}..{s['end']}")
    print(f"{s['name']} ({s['tenant']}): " + ", ".join(
        f"{a['rule_title']}" for a in got if a["type"] == "correlation"))

for tenant in ("990000011", "990000029", "990000037"):
    counts = Counter(a["rule_id"] for a in alerts("quiet", tenant))
    for a in alerts("quiet", tenant):
        if a["type"] == "correlation" and a["rule_id"] in story_rules:
            problems.append(f"everyday traffic of {tenant}: story correlation {a['rule_title']} "
                            f"({a['window_start']}..{a['window_end']}, group {a['group']})")
    for rule, n in counts.items():
        if rule in story_rules and rule not in benign_budget:
            problems.append(f"everyday traffic of {tenant}: story rule {rule} fired {n} times")
        if rule in benign_budget and n > benign_budget[rule]:
            problems.append(f"everyday traffic of {tenant}: {rule} fired {n} times, "
                            f"more than {benign_budget[rule]}")
    print(f"everyday {tenant}: " + (", ".join(f"{r} x{n}" for r, n in sorted(counts.items()))
                                    or "no alert"))

for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)
PY

finish "demo traffic"
