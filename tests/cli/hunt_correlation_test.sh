#!/usr/bin/env bash
# `vigie hunt` with correlation rules (tests/data/correlation_hunt): the jsonl output is exactly
# expected.jsonl (correlation alerts only: the single-event rules feed correlations with
# `generate: false` and are not printed), the summary on stderr counts the alerts and the late
# event, the text output has one line per alert, and the establishment is a wall: without the
# tenant field the same input gives a spray alert for j.petit that the walled run does not.
#
#   tests/cli/hunt_correlation_test.sh VIGIE_BINARY [SOURCE_DIR]
set -euo pipefail

vigie="$1"
source_dir="${2:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
cd "${source_dir}"
data=tests/data/correlation_hunt
failed=0
fail() {
  echo "FAIL: $*"
  failed=$((failed + 1))
}

err="$(mktemp)"
trap 'rm -f "${err}"' EXIT

actual="$("${vigie}" hunt --rules "${data}/rules.yml" --input "${data}/events.jsonl" 2>"${err}")" ||
  fail "hunt exited with status $?"
if [[ "${actual}" != "$(cat "${data}/expected.jsonl")" ]]; then
  fail "jsonl output differs from ${data}/expected.jsonl"
  diff <(printf '%s\n' "${actual}") "${data}/expected.jsonl" || true
fi
grep -q '^vigie hunt: 2 correlation alerts; not correlated: 1 late,' "${err}" ||
  fail "stderr lacks the correlation summary: $(cat "${err}")"
grep -q '"type":"correlation"' <<<"${actual}" || fail "no correlation object"
if grep -vq '"type":"correlation"' <<<"${actual}"; then
  fail "a single-event match of a rule that only feeds generate:false correlations was printed"
fi

text="$("${vigie}" hunt --rules "${data}/rules.yml" --input "${data}/events.jsonl" --output text \
  2>/dev/null)"
[[ "$(grep -c 'temporal_ordered=2 TargetUserName=dr.martin tenant=chu-a' <<<"${text}")" -eq 1 ]] ||
  fail "text output lacks the spray alert: ${text}"
[[ "$(wc -l <<<"${text}")" -eq 2 ]] || fail "text output should have 2 lines: ${text}"

merged="$("${vigie}" hunt --rules "${data}/rules.yml" --input "${data}/events.jsonl" \
  --tenant-field no_such_field 2>/dev/null)"
grep -q '"group":{"TargetUserName":"j.petit"}' <<<"${merged}" ||
  fail "without tenants, j.petit's failures in two establishments should merge"
if grep -q 'j.petit' <<<"${actual}"; then fail "j.petit alerted across establishments"; fi

# Replaying the same input gives the same alert ids.
again="$("${vigie}" hunt --rules "${data}/rules.yml" --input "${data}/events.jsonl" 2>/dev/null)"
[[ "${again}" == "${actual}" ]] || fail "a replay gave different output"

echo "hunt correlation: ${failed} failed"
[[ "${failed}" -eq 0 ]]
