#!/usr/bin/env bash
# `vigie run` end to end on the mock cluster, and nothing lost or doubled across crashes:
#
#   1. `vigie mock-broker` serves a topic `logs` (3 partitions) and a dead-letter topic;
#      `vigie demo-traffic` writes a simulated day of three establishments (>= 100k records of AD,
#      VPN and EHR logs with the attack stories) and `vigie produce` sends each establishment's
#      file with its vigie-tenant header, keyed by establishment: each establishment's records
#      stay in event order on one partition, so that cross-source rules (a VPN lease, then AD
#      events from its address) see the same order in every run; a few poison records go in too.
#   2. Reference: `vigie run --stop-at-end` in its own group and store, uninterrupted.
#   3. Crash: another group and store; `vigie run` is SIGKILLed VIGIE_CRASH_KILLS times (default
#      20) at random moments, restarted each time, then run to the end.
#   4. The two stores hold exactly the same alerts (ids and contents, created_ms aside): 0
#      missing, 0 duplicated; the reference has correlation alerts and each story's rules fired.
#
#   tests/cli/stream_crash_test.sh VIGIE_BINARY [SOURCE_DIR]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

kills="${VIGIE_CRASH_KILLS:-20}"
events="${VIGIE_CRASH_EVENTS:-105000}"  # the generator gives about this many
RANDOM=7  # reproducible kill moments

start_mock_broker --brokers 3 --topic logs:3 --topic vigie-dead-letters:1

"${vigie}" demo-traffic --out "${tmp}/traffic" --events "${events}" --seed 11 >/dev/null 2>&1
first_tenant=""
for file in "${tmp}"/traffic/*.log; do
  tenant="$(basename "${file}" .log)"
  [[ -n "${first_tenant}" ]] || first_tenant="${tenant}"
  "${vigie}" produce --bootstrap "${bootstrap}" --topic logs --input "${file}" --key "${tenant}" \
    --header "vigie-tenant=${tenant}" 2>>"${tmp}/produce.err" || fail "produce ${tenant} failed"
done
# Poison: not JSON, a truncated object, a record that names no establishment.
printf '%s\n' 'not a log line at all' '{"EventID": 4624, "TimeCreated' >"${tmp}/poison.log"
"${vigie}" produce --bootstrap "${bootstrap}" --topic logs --input "${tmp}/poison.log" \
  --header "vigie-tenant=${first_tenant}" \
  2>>"${tmp}/produce.err" || fail "produce poison failed"
produced="$(awk '/^produced/ { n += $2 } END { print n + 0 }' "${tmp}/produce.err")"
[[ "${produced}" -ge 100000 ]] || fail "only ${produced} records produced (want >= 100000)"

config() {  # config NAME: a vigie.yaml beside the demo's (its key files), own group and store
  cat "${tmp}/traffic/config.yaml" >"${tmp}/traffic/$1.yaml"
  cat >>"${tmp}/traffic/$1.yaml" <<EOF
kafka:
  bootstrap_servers: "${bootstrap}"
  group_id: "$1"
  dead_letter_topic: vigie-dead-letters
  properties:
    session.timeout.ms: "4000"
    heartbeat.interval.ms: "200"
    group.instance.id: "$1-1"      # a restart takes the killed member's place at once
routes:
  - {topic: logs, family: ehr}   # every family; ehr: dead letters carry no payload
rules:
  paths: ["${source_dir}/rules"]
store:
  path: "${tmp}/$1.store"
  sync: false
processing:
  workers: 2
  lateness: 48h
  batch_records: 2000
  batch_time: 200ms
EOF
}

config reference
"${vigie}" run --config "${tmp}/traffic/reference.yaml" --check >/dev/null ||
  fail "run --check refuses the configuration"
timeout 600 "${vigie}" run --config "${tmp}/traffic/reference.yaml" --stop-at-end 2>"${tmp}/reference.log" ||
  fail "reference run exited with $?: $(tail -5 "${tmp}/reference.log")"

config crash
landed=0
for i in $(seq "${kills}"); do
  : >"${tmp}/crash.run.log"
  "${vigie}" run --config "${tmp}/traffic/crash.yaml" 2>"${tmp}/crash.run.log" &
  run_pid=$!
  # Wait for the partitions (the group's rebalance), then kill at a random moment of the work:
  # reading, processing or writing a batch (0 to 0.5 s in).
  for _ in $(seq 300); do
    grep -q partition-assigned "${tmp}/crash.run.log" && break
    sleep 0.05
  done
  sleep "0.$((RANDOM % 5))$((RANDOM % 10))"
  grep -q 'batches=\|stopped' "${tmp}/crash.run.log" || landed=$((landed + 1))
  kill -9 "${run_pid}" 2>/dev/null || true
  wait "${run_pid}" 2>/dev/null || true
  run_pid=""
  cat "${tmp}/crash.run.log" >>"${tmp}/crash.log"
  [[ $((i % 5)) -eq 0 ]] && echo "killed ${i} of ${kills}"
done
echo "${landed} of ${kills} kills landed while the processor ran"
timeout 600 "${vigie}" run --config "${tmp}/traffic/crash.yaml" --stop-at-end 2>>"${tmp}/crash.log" ||
  fail "last crash run exited with $?: $(tail -5 "${tmp}/crash.log")"

dump() {  # dump NAME: every alert, created_ms aside, one per line, sorted
  "${vigie}" alerts list --store "${tmp}/$1.store" --format json --limit 100000000 2>/dev/null |
    sed -E 's/,?"created_ms":[0-9]+//' | sort
}
dump reference >"${tmp}/reference.alerts"
dump crash >"${tmp}/crash.alerts"
total="$(wc -l <"${tmp}/reference.alerts")"
correlations="$(grep -c '"kind":"correlation"' "${tmp}/reference.alerts" || true)"
echo "reference: ${total} alerts (${correlations} correlation alerts) from ${produced} records"
[[ "${total}" -gt 0 ]] || fail "the reference run stored no alert"
[[ "${correlations}" -gt 0 ]] || fail "the reference run stored no correlation alert"
missing="$(comm -23 "${tmp}/reference.alerts" "${tmp}/crash.alerts" | wc -l)"
extra="$(comm -13 "${tmp}/reference.alerts" "${tmp}/crash.alerts" | wc -l)"
dups="$(cut -d, -f1 "${tmp}/crash.alerts" | uniq -d | wc -l)"
echo "after ${kills} kills: ${missing} missing, ${extra} extra, ${dups} duplicated ids"
[[ "${missing}" -eq 0 ]] || fail "${missing} alerts missing after the crashes:
$(comm -23 "${tmp}/reference.alerts" "${tmp}/crash.alerts" | cut -c1-400)"
[[ "${extra}" -eq 0 ]] || fail "${extra} alerts differ or were added after the crashes:
$(comm -13 "${tmp}/reference.alerts" "${tmp}/crash.alerts" | cut -c1-400)"
[[ "${dups}" -eq 0 ]] || fail "${dups} alert ids stored twice"
# Each story's rules fired in the reference run.
while read -r rule; do
  grep -q "\"rule_id\":\"${rule}\"" "${tmp}/reference.alerts" || fail "story rule ${rule} never fired"
done < <(grep -o '"rule_ids":\[[^]]*\]' "${tmp}/traffic/stories.json" | grep -oE '[0-9a-f-]{36}' | sort -u)
# The poison records were rejected, not lost: the log counts them.
grep -q 'rejected=[1-9]' "${tmp}/reference.log" || fail "no rejected record counted: $(tail -2 "${tmp}/reference.log")"
finish stream_crash
