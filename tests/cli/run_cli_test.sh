#!/usr/bin/env bash
# `vigie run` as an operator drives it: `--check` on a good and a broken configuration (each
# mistake as FILE:LINE:COL), /metrics /healthz /readyz while it runs, SIGHUP with a broken rule
# file (refused, the running rules stay), SIGTERM (drains, writes, exits 0), and a restart that
# resumes from the store (nothing read twice), on `vigie mock-broker`.
#
#   tests/cli/run_cli_test.sh VIGIE_BINARY [SOURCE_DIR]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

data=tests/data/correlation_hunt
vigie="$(realpath "${vigie}")"  # the run goes on in ${tmp}

start_mock_broker --topic ad:1
cp "${data}/rules.yml" "${tmp}/rules.yml"
port=$((20000 + RANDOM % 20000))

cat >"${tmp}/vigie.yaml" <<EOF
version: 1
kafka:
  bootstrap_servers: \${VIGIE_TEST_BOOTSTRAP}
  group_id: cli
  properties: {session.timeout.ms: "4000", heartbeat.interval.ms: "200"}
routes:
  - {topic: ad, family: ad}
rules:
  paths: [rules.yml]
store:
  path: store
  sync: false
metrics:
  address: 127.0.0.1:${port}
processing:
  batch_time: 100ms
EOF

# --check: a good configuration, then one with mistakes, each named where it is.
VIGIE_TEST_BOOTSTRAP="${bootstrap}" "${vigie}" run --config "${tmp}/vigie.yaml" --check \
  >"${tmp}/check.out" 2>&1 || fail "--check refuses a good configuration: $(cat "${tmp}/check.out")"
grep -q ': ok (1 routes' "${tmp}/check.out" || fail "--check output: $(cat "${tmp}/check.out")"
if "${vigie}" run --config "${tmp}/vigie.yaml" --check >"${tmp}/unset.out" 2>&1; then
  fail "--check accepts an unset \${VIGIE_TEST_BOOTSTRAP}"
fi
grep -q "vigie.yaml:3:22: error: \[unset-env\] environment variable VIGIE_TEST_BOOTSTRAP" \
  "${tmp}/unset.out" || fail "unset variable not reported at 4:22: $(cat "${tmp}/unset.out")"
sed 's/family: ad}/family: adx}/' "${tmp}/vigie.yaml" >"${tmp}/bad.yaml"
set +e
VIGIE_TEST_BOOTSTRAP=x "${vigie}" run --config "${tmp}/bad.yaml" --check >"${tmp}/bad.out" 2>&1
status=$?
set -e
[[ ${status} -eq 2 ]] || fail "--check on a bad file exits ${status}, not 2"
grep -q 'bad.yaml:7:.*\[bad-value\] family must be one of: ad, vpn, ehr' "${tmp}/bad.out" ||
  fail "bad family not reported: $(cat "${tmp}/bad.out")"

# Run: half the events, metrics, a broken reload, the other half, SIGTERM.
head -8 "${data}/events.jsonl" >"${tmp}/first.jsonl"
tail -n +9 "${data}/events.jsonl" >"${tmp}/second.jsonl"
"${vigie}" produce --bootstrap "${bootstrap}" --topic ad --input "${tmp}/first.jsonl" 2>/dev/null
(cd "${tmp}" && VIGIE_TEST_BOOTSTRAP="${bootstrap}" exec "${vigie}" run --config vigie.yaml \
  2>"${tmp}/run.log") &
run_pid=$!
for _ in $(seq 200); do
  curl -fs "http://127.0.0.1:${port}/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fs "http://127.0.0.1:${port}/readyz" >/dev/null || fail "/readyz never became 200"
curl -fs "http://127.0.0.1:${port}/healthz" | grep -q ok || fail "/healthz is not ok"
echo 'detection: [unclosed' >>"${tmp}/rules.yml"
kill -HUP "${run_pid}"
"${vigie}" produce --bootstrap "${bootstrap}" --topic ad --input "${tmp}/second.jsonl" 2>/dev/null
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:${port}/metrics" >"${tmp}/metrics" 2>/dev/null || true
  grep -q '^vigie_records_consumed_total 16$' "${tmp}/metrics" && break
  sleep 0.1
done
grep -q '^vigie_records_consumed_total 16$' "${tmp}/metrics" ||
  fail "/metrics does not count 16 records: $(grep consumed "${tmp}/metrics")"
grep -q '^vigie_records_rejected_total{reason="not-an-object",topic="ad"} 1$' "${tmp}/metrics" ||
  fail "/metrics lacks the reject by reason"
grep -q '^vigie_consumer_lag{partition="0",topic="ad"} 0$' "${tmp}/metrics" ||
  fail "/metrics lacks the consumer lag: $(grep lag "${tmp}/metrics")"
grep -q 'reload-refused' "${tmp}/run.log" || fail "the broken rule file was not refused on SIGHUP"
grep -q 'rules.yml:[0-9]*:[0-9]*: error' "${tmp}/run.log" ||
  fail "the refused reload does not say where: $(grep reload "${tmp}/run.log")"
kill -TERM "${run_pid}"
set +e
wait "${run_pid}"
status=$?
set -e
run_pid=""
[[ ${status} -eq 0 ]] || fail "SIGTERM: exit ${status}, not 0: $(tail -3 "${tmp}/run.log")"
grep -q 'stopped records=16 events=15 rejected=1' "${tmp}/run.log" ||
  fail "stop line: $(grep stopped "${tmp}/run.log")"
if grep -qi 'dr.martin\|sec.leroy\|203.0.113' "${tmp}/run.log"; then
  fail "the log holds field values"
fi

# The stored alerts are hunt's, and a restart resumes from the store: nothing read again.
ids="$("${vigie}" alerts list --store "${tmp}/store" --format json 2>/dev/null |
  grep '"kind":"correlation"' | grep -o '"id":"[0-9a-f]*"' | sort | tr '\n' ' ')"
want="$(grep -o '"id":"[0-9a-f]*"' "${data}/expected.jsonl" | sort | tr '\n' ' ')"
[[ "${ids}" == "${want}" ]] || fail "stored correlation alerts ${ids} are not hunt's ${want}"
cp "${data}/rules.yml" "${tmp}/rules.yml"
(cd "${tmp}" && VIGIE_TEST_BOOTSTRAP="${bootstrap}" timeout 60 "${vigie}" run --config vigie.yaml \
  --stop-at-end 2>"${tmp}/again.log") || fail "restart failed: $(tail -3 "${tmp}/again.log")"
grep -q 'stopped records=0 ' "${tmp}/again.log" ||
  fail "the restart read records again: $(grep stopped "${tmp}/again.log")"
finish run_cli
