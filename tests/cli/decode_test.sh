#!/usr/bin/env bash
# `vigie decode` and `vigie hunt` on raw collector formats (issue 4 §5):
#   - --list-formats names every format with its family and logsource;
#   - the shared NXLog and Winlogbeat samples (the same 23 events) decode with no reject, and
#     `vigie hunt` finds the same matches on either, and on `vigie decode`'s own output;
#   - a bad record is a reject on stderr with its line and reason, never its content, the other
#     records still come out, and the exit status is 1; usage errors exit 2.
#
#   tests/cli/decode_test.sh VIGIE_BINARY [SOURCE_DIR]
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

formats="$("${vigie}" decode --list-formats)" || fail "--list-formats exited with $?"
for f in winlogbeat evtx-json nxlog flat; do
  grep -Eq "^ad +${f} +logsource product=windows" <<<"${formats}" || fail "format ${f} not listed"
done

nx="${shared}/formats/windows_nxlog_im_msvistalog.ndjson"
beat="${shared}/formats/windows_winlogbeat_raw.ndjson"
"${vigie}" decode --family ad --input "${nx}" --tenant 010000099 >"${tmp}/nx.jsonl" \
  2>"${tmp}/nx.err" || fail "decode of the NXLog sample exited with $?: $(cat "${tmp}/nx.err")"
[[ "$(wc -l <"${tmp}/nx.jsonl")" -eq "$(grep -c . "${nx}")" ]] || fail "not one event per NXLog line"
grep -q '^vigie decode: 23 events decoded, 0 rejected$' "${tmp}/nx.err" || fail "summary: $(cat "${tmp}/nx.err")"
head -1 "${tmp}/nx.jsonl" | grep -q '^{"@timestamp":"2026-03-14T00:04:30.000Z","tenant":"010000099",' ||
  fail "first NXLog event lacks its UTC time (local Paris time converted) or tenant"
grep -q '"Computer":"DC01.ght-exemple.local"' "${tmp}/nx.jsonl" || fail "Hostname not mapped to Computer"

# Windows event XML is cut by element, not by line: the sample's 4662 spans lines 9-13.
wef="${shared}/formats/windows_wef_forwardedevents.xml"
"${vigie}" decode --family ad --input "${wef}" >"${tmp}/wef.jsonl" 2>"${tmp}/wef.err" ||
  fail "decode of the WEF sample exited with $?: $(cat "${tmp}/wef.err")"
grep -q '^vigie decode: 7 events decoded, 0 rejected$' "${tmp}/wef.err" || fail "WEF summary: $(cat "${tmp}/wef.err")"
grep -q '"EventID":4662' "${tmp}/wef.jsonl" || fail "the multi-line 4662 event is missing"

# The same rules find the same events whichever way the logs came.
matches() { grep -o '"rule_id":"[^"]*"' | sort | uniq -c; }
from_nx="$("${vigie}" hunt --rules rules --input "${nx}" 2>/dev/null | matches)"
from_beat="$("${vigie}" hunt --rules rules --input "${beat}" 2>/dev/null | matches)"
from_decoded="$("${vigie}" hunt --rules rules --input "${tmp}/nx.jsonl" --format flat 2>/dev/null | matches)"
[[ -n "${from_beat}" ]] || fail "no match on the Winlogbeat sample"
[[ "${from_nx}" == "${from_beat}" ]] || fail "NXLog and Winlogbeat matches differ: ${from_nx} / ${from_beat}"
[[ "${from_decoded}" == "${from_beat}" ]] || fail "matches on decode output differ: ${from_decoded}"
from_named="$("${vigie}" hunt --rules rules --input "${nx}" --format nxlog 2>/dev/null | matches)"
[[ "${from_named}" == "${from_beat}" ]] || fail "hunt --format nxlog differs"

# SigmaHQ's FortiGate rules (logsource fortigate/event) run unchanged on raw FortiGate syslog.
forti="$("${vigie}" hunt --rules "${shared}/sigmahq/rules/network/fortinet" \
  --input "${shared}/formats/vpn_fortigate_sslvpn.log" 2>"${tmp}/forti.err")" ||
  fail "hunt on FortiGate exited with $?"
grep -q '"rule_title":"FortiGate - New Local User Created"' <<<"${forti}" ||
  fail "SigmaHQ's FortiGate rule did not match the raw sample: $(cat "${tmp}/forti.err")"
grep -q ' 0 rejected,' "${tmp}/forti.err" || fail "FortiGate sample had rejects: $(cat "${tmp}/forti.err")"

# A Kerberos ticket from a VPN pool address gets the VPN session that held the address (the
# FortiGate tunnel-up of mleroy from 203.0.113.45): one file mixing the gateway and the DC.
forti_log="${shared}/formats/vpn_fortigate_sslvpn.log"
{
  sed -n 11p "${forti_log}"
  sed -n 5,6p "${beat}"
  sed -n 12p "${forti_log}"
} >"${tmp}/mixed.log"
rule=tests/data/vpn_attribution/rules.yml
[[ "$("${vigie}" hunt --rules "${rule}" --input "${tmp}/mixed.log" 2>/dev/null | grep -c '"line":3')" -eq 1 ]] ||
  fail "the 4769 from the tunnel address was not attributed to the VPN session"
sed -n 2,3p "${tmp}/mixed.log" >"${tmp}/no-session.log"
[[ -z "$("${vigie}" hunt --rules "${rule}" --input "${tmp}/no-session.log" 2>/dev/null)" ]] ||
  fail "attributed without a VPN session"

# RFC 6587 octet counting (a TCP capture, rsyslog with octet-counted framing): each frame is one
# record even when its MSG spans lines (pretty-printed ATNA XML); a frame cut short at the end of
# the file is a reject (syslog-frame-truncated) with the line where it starts.
atna="${shared}/formats/ehr_atna_rfc5424_dicom_auditmessage.log"
grep -v '^#' "${atna}" | grep . >"${tmp}/atna.log"
python3 - "${tmp}/atna.log" "${tmp}/atna_octets.log" <<'PY'
import sys
out = b""
last_line = 1
for i, line in enumerate(open(sys.argv[1], "rb").read().splitlines()):
    if i % 2 == 0:
        line = line.replace(b"><", b">\n  <")  # the frame spans lines
    last_line = out.count(b"\n") + 1  # frames follow each other with no line break
    out += str(len(line)).encode() + b" " + line
open(sys.argv[2], "wb").write(out)
open(sys.argv[2] + ".cut", "wb").write(out[:-20])
open(sys.argv[2] + ".last", "w").write(str(last_line))
PY
"${vigie}" decode --family ehr --input "${tmp}/atna.log" >"${tmp}/atna.jsonl" 2>/dev/null ||
  fail "decode of the ATNA sample exited with $?"
"${vigie}" decode --family ehr --input "${tmp}/atna_octets.log" >"${tmp}/atna_octets.jsonl" \
  2>"${tmp}/atna_octets.err" || fail "octet-counted ATNA: $(cat "${tmp}/atna_octets.err")"
[[ -s "${tmp}/atna.jsonl" ]] || fail "the ATNA sample decoded to nothing"
cmp -s "${tmp}/atna.jsonl" "${tmp}/atna_octets.jsonl" ||
  fail "octet-counted frames did not decode to the same events as one message per line"
status=0
"${vigie}" decode --family ehr --input "${tmp}/atna_octets.log.cut" >/dev/null 2>"${tmp}/cut.err" || status=$?
[[ ${status} -eq 1 ]] || fail "a truncated frame exited ${status}, expected 1"
last_start="$(cat "${tmp}/atna_octets.log.last")"
grep -q "atna_octets.log.cut:${last_start}: rejected \[syslog-frame-truncated\]" "${tmp}/cut.err" ||
  fail "truncated frame: $(cat "${tmp}/cut.err")"

# Bad records: reported by line and reason, without their content; the rest still decoded.
{
  head -2 "${beat}"
  printf '%s\n' '{"winlog": {"event_id": 4625, "event_data": {"TargetUserName": "secret.value'
  printf '\xff\xfe garbage\n'
  sed -n 3p "${beat}"
} >"${tmp}/bad.jsonl"
status=0
"${vigie}" decode --family ad --input "${tmp}/bad.jsonl" >"${tmp}/bad.out" 2>"${tmp}/bad.err" || status=$?
[[ ${status} -eq 1 ]] || fail "decode with bad records exited ${status}, expected 1"
[[ "$(wc -l <"${tmp}/bad.out")" -eq 3 ]] || fail "the 3 good records were not all printed"
grep -Eq "bad.jsonl:3: rejected \[[a-z-]+\]" "${tmp}/bad.err" || fail "line 3 reject: $(cat "${tmp}/bad.err")"
grep -Eq "bad.jsonl:4: rejected \[[a-z-]+\]" "${tmp}/bad.err" || fail "line 4 reject: $(cat "${tmp}/bad.err")"
if grep -q 'secret.value' "${tmp}/bad.err"; then fail "a reject message holds a field value"; fi

status=0
"${vigie}" decode --family ad --format no-such --input "${nx}" >/dev/null 2>&1 || status=$?
[[ ${status} -eq 2 ]] || fail "unknown format exited ${status}, expected 2"
status=0
"${vigie}" decode --family ad --zone Mars/Olympus --input "${nx}" >/dev/null 2>&1 || status=$?
[[ ${status} -eq 2 ]] || fail "unknown zone exited ${status}, expected 2"

# --config: the tenant's zone applies to local timestamps; mistakes are file:line:col, exit 2.
cat >"${tmp}/vigie.yml" <<'YAML'
version: 1
tenants:
  - id: "010000099"
  - id: "973000001"
    zone: America/Cayenne
YAML
first_time() { head -1 | grep -o '"@timestamp":"[^"]*"'; }
[[ "$("${vigie}" decode --family ad --input "${nx}" --config "${tmp}/vigie.yml" --tenant 973000001 2>/dev/null | first_time)" == '"@timestamp":"2026-03-14T04:04:30.000Z"' ]] ||
  fail "the tenant's zone (America/Cayenne, UTC-3) was not applied"
[[ "$("${vigie}" decode --family ad --input "${nx}" --config "${tmp}/vigie.yml" --tenant 010000099 2>/dev/null | first_time)" == '"@timestamp":"2026-03-14T00:04:30.000Z"' ]] ||
  fail "the global zone (Europe/Paris) was not applied"
status=0
"${vigie}" decode --family ad --input "${nx}" --config "${tmp}/vigie.yml" --tenant 999 >/dev/null 2>&1 || status=$?
[[ ${status} -eq 2 ]] || fail "a tenant missing from --config exited ${status}, expected 2"
# Without --tenant, a configuration with establishments routes each syslog record by its
# HOSTNAME: that establishment's zone reads its local time, and a host no tenant claims is a
# reject (no-tenant), never an event without an establishment.
cat >"${tmp}/routing.yml" <<'YAML'
version: 1
tenants:
  - id: "010000099"
    syslog_hosts: ["ovpn-ght01"]
  - id: "973000001"
    zone: America/Cayenne
    syslog_hosts: ["*.ch-cayenne.local"]
YAML
ovpn="${shared}/formats/vpn_openvpn_server.log"
{
  grep -v '^#' "${ovpn}" | sed -n 1,2p
  grep -v '^#' "${ovpn}" | sed -n 1p | sed 's/ ovpn-ght01 / VPN1.CH-Cayenne.local /'
  grep -v '^#' "${ovpn}" | sed -n 1p | sed 's/ ovpn-ght01 / ovpn-unknown /'
} >"${tmp}/relay.log"
status=0
"${vigie}" decode --family vpn --input "${tmp}/relay.log" --config "${tmp}/routing.yml" \
  >"${tmp}/relay.jsonl" 2>"${tmp}/relay.err" || status=$?
[[ ${status} -eq 1 ]] || fail "routing: exit ${status}, expected 1 (one record routed nowhere)"
routed="$(grep -o '"@timestamp":"[^"]*","tenant":"[^"]*"' "${tmp}/relay.jsonl" | tr '\n' ' ')"
[[ "${routed}" == '"@timestamp":"2026-03-14T00:01:58.000Z","tenant":"010000099" "@timestamp":"2026-03-14T00:02:03.000Z","tenant":"010000099" "@timestamp":"2026-03-14T04:01:58.000Z","tenant":"973000001" ' ]] ||
  fail "routing by syslog host (and the Cayenne zone) gave: ${routed}"
grep -q 'relay.log:4: rejected \[no-tenant\]' "${tmp}/relay.err" || fail "routing: $(cat "${tmp}/relay.err")"
# vigie hunt routes the same way (a record routed nowhere keeps the event's own tenant field, here
# none), and --tenant overrides it.
cat >"${tmp}/ovpn_rule.yml" <<'YAML'
title: OpenVPN authentication failure
id: 5d0b6f7e-3c1a-4f2e-9b8d-7a6c5e4d3b21
status: test
logsource:
  product: openvpn
detection:
  selection:
    event.action: auth_failure
  condition: selection
level: low
YAML
hunted="$("${vigie}" hunt --rules "${tmp}/ovpn_rule.yml" --input "${tmp}/relay.log" --config "${tmp}/routing.yml" 2>/dev/null |
  grep -o '"tenant":"[^"]*"' | sort | uniq -c | tr -s ' ' | tr '\n' ' ')"
[[ "${hunted}" == ' 2 "tenant":"010000099"  1 "tenant":"973000001" ' ]] ||
  fail "hunt: routing by syslog host gave: ${hunted}"
hunted="$("${vigie}" hunt --rules "${tmp}/ovpn_rule.yml" --input "${tmp}/relay.log" --config "${tmp}/routing.yml" --tenant 973000001 2>/dev/null |
  grep -o '"tenant":"[^"]*"' | sort | uniq -c | tr -s ' ' | tr '\n' ' ')"
[[ "${hunted}" == ' 4 "tenant":"973000001" ' ]] || fail "hunt --tenant gave: ${hunted}"

printf 'version: 1
tenants:
  - id: a
    zonee: UTC
' >"${tmp}/bad.yml"
status=0
"${vigie}" decode --family ad --input "${nx}" --config "${tmp}/bad.yml" >/dev/null 2>"${tmp}/conf.err" || status=$?
[[ ${status} -eq 2 ]] || fail "a bad --config exited ${status}, expected 2"
grep -q "bad.yml:4:5: error: \[unknown-key\] unknown key 'zonee'" "${tmp}/conf.err" ||
  fail "bad config diagnostic: $(cat "${tmp}/conf.err")"

finish decode
