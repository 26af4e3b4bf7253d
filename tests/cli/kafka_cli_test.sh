#!/usr/bin/env bash
# `vigie mock-broker` and `vigie produce` (docs/kafka.md):
#   - mock-broker prints exactly one line, bootstrap.servers=127.0.0.1:PORT,... (one per broker),
#     writes the same list to --port-file, and exits 0 on SIGTERM;
#   - produce sends one message per record, split as `vigie hunt` splits its input: a Windows
#     event XML file reformatted with one element per line still gives one message per <Event>,
#     an HL7 v2 file with one segment per line one message per MSH; blank lines and comments are
#     skipped; it prints "produced N records to TOPIC" on stderr and exits 0;
#   - --key-field, --key, --header and a file on standard input work; usage errors exit 2;
#   - a delivery that fails (nothing listens) exits 1 with "produced 0 records", and no record's
#     content appears on stderr.
#
#   tests/cli/kafka_cli_test.sh VIGIE_BINARY [SOURCE_DIR]
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

broker_pid=""
cleanup() {
  [[ -n "${broker_pid}" ]] && kill "${broker_pid}" 2>/dev/null
  wait 2>/dev/null
  rm -rf "${tmp}"
}
trap cleanup EXIT

"${vigie}" mock-broker --brokers 3 --topic ad:3 --topic ehr:2 --port-file "${tmp}/bootstrap" \
  >"${tmp}/broker.out" 2>"${tmp}/broker.err" &
broker_pid=$!
for _ in $(seq 100); do [[ -s "${tmp}/bootstrap" ]] && break; sleep 0.1; done
[[ -s "${tmp}/bootstrap" ]] || {
  fail "mock-broker wrote no --port-file: $(cat "${tmp}/broker.err")"
  finish "kafka cli"
}
bootstrap="$(cat "${tmp}/bootstrap")"
[[ "${bootstrap}" =~ ^127\.0\.0\.1:[0-9]+,127\.0\.0\.1:[0-9]+,127\.0\.0\.1:[0-9]+$ ]] ||
  fail "not three loopback brokers: ${bootstrap}"
[[ "$(cat "${tmp}/broker.out")" == "bootstrap.servers=${bootstrap}" ]] ||
  fail "stdout is not exactly the bootstrap line: $(cat "${tmp}/broker.out")"

produce() { "${vigie}" produce --bootstrap "${bootstrap}" "$@"; }
# expect_produced NAME COUNT TOPIC ARGS...: exit 0 and "produced COUNT records to TOPIC".
expect_produced() {
  local name="$1" count="$2" topic="$3"
  shift 3
  local status=0
  produce --topic "${topic}" "$@" >"${tmp}/${name}.out" 2>"${tmp}/${name}.err" || status=$?
  [[ ${status} -eq 0 ]] || fail "${name}: exit ${status}: $(cat "${tmp}/${name}.err")"
  grep -qx "produced ${count} records to ${topic}" "${tmp}/${name}.err" ||
    fail "${name}: expected ${count} records: $(cat "${tmp}/${name}.err")"
  [[ ! -s "${tmp}/${name}.out" ]] || fail "${name}: wrote to stdout"
}

# Windows event XML, one <Event> per line, then one element per line: 7 messages either way.
xml="${shared}/formats/windows_wef_forwardedevents.xml"
[[ "$(grep -c '<Event ' "${xml}")" -eq 7 ]] || fail "the XML sample no longer holds 7 events"
expect_produced xml 7 ad --input "${xml}" --header vigie-tenant=010000099
sed 's/></>\n</g' "${xml}" >"${tmp}/events.xml"
[[ "$(wc -l <"${tmp}/events.xml")" -gt 100 ]] || fail "events.xml is not spread over lines"
expect_produced xml_lines 7 ad --input "${tmp}/events.xml"

# HL7 v2: the sample's 3 messages (segments separated by CR), then one segment per line.
hl7="${shared}/formats/ehr_hl7v2_pamfr_adt.er7"
expect_produced hl7 3 ehr --input "${hl7}" --key 010000099
tr '\r' '\n' <"${hl7}" >"${tmp}/adt_lf.hl7"
[[ "$(wc -l <"${tmp}/adt_lf.hl7")" -ge 12 ]] || fail "adt_lf.hl7 is not one segment per line"
expect_produced hl7_lines 3 ehr --input "${tmp}/adt_lf.hl7"

# JSON lines with blank lines and a comment: skipped. On standard input, keyed by a field.
winlogbeat="${shared}/formats/windows_winlogbeat_raw.ndjson"
records="$(grep -cv -e '^[[:space:]]*$' -e '^[[:space:]]*#' "${winlogbeat}")"
{
  echo '# a comment'
  sed 'a\
' "${winlogbeat}"
} >"${tmp}/spaced.ndjson"
expect_produced blank "${records}" ad --input - --format winlogbeat \
  --key-field winlog.event_data.TargetUserName --header source=test <"${tmp}/spaced.ndjson"

# Usage errors: exit 2.
status=0
produce --topic ad --input "${tmp}/absent.log" 2>/dev/null || status=$?
[[ ${status} -eq 2 ]] || fail "a missing input exited ${status}, not 2"
status=0
produce --topic ad --input "${xml}" --header novalue 2>/dev/null || status=$?
[[ ${status} -eq 2 ]] || fail "a header without = exited ${status}, not 2"
status=0
produce --topic ad --input "${xml}" --property no.such.property=1 2>/dev/null || status=$?
[[ ${status} -eq 2 ]] || fail "an unknown property exited ${status}, not 2"

# Nothing listens there: every delivery fails (after message.timeout.ms), exit 1.
status=0
"${vigie}" produce --bootstrap 127.0.0.1:1 --topic ad --input "${hl7}" \
  --property message.timeout.ms=1500 >/dev/null 2>"${tmp}/down.err" || status=$?
[[ ${status} -eq 1 ]] || fail "failed deliveries exited ${status}, not 1"
grep -qx 'produced 0 records to ad' "${tmp}/down.err" || fail "down: $(cat "${tmp}/down.err")"
grep -q '3 records not delivered' "${tmp}/down.err" || fail "down: $(cat "${tmp}/down.err")"

# Where and why, never what: no record content on stderr.
if grep -Eq 'MSH\||PID\||<Event|"winlog"' "${tmp}"/*.err; then
  fail "a record's content reached stderr"
fi

# SIGTERM: the mock cluster stops and exits 0.
kill -TERM "${broker_pid}"
status=0
wait "${broker_pid}" || status=$?
broker_pid=""
[[ ${status} -eq 0 ]] || fail "mock-broker exited ${status} on SIGTERM"

finish "kafka cli"
