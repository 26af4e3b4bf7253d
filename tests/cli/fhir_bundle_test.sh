#!/usr/bin/env bash
# `vigie decode` and `vigie hunt` on FHIR Bundles of AuditEvents (fhir-auditevent,
# plugins/ehr/README.md "Bundles"):
#   - the shared sample's AuditEvents wrapped in one searchset Bundle line give one event per
#     AuditEvent, the same events as the sample decoded line by line, with 0 rejects, whether the
#     format is sniffed (--format auto) or named;
#   - other resource types and entries without a resource are skipped and counted in the summary;
#   - a malformed Bundle is one reject with its line and code; an AuditEvent that cannot be decoded
#     is the reject of its entry only, the Bundle's other events still come out; no reject quotes
#     content, and no clear patient identifier of the samples is printed;
#   - `vigie hunt` finds the same matches in the Bundle as in the sample.
#
#   tests/cli/fhir_bundle_test.sh VIGIE_BINARY [SOURCE_DIR]
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"
sample="${shared}/formats/ehr_fhir_r4_auditevent_balp.ndjson"

# Wraps the JSON objects of stdin (one per line) into one Bundle line of type $1, each as an
# entry's resource, then appends the extra entries $2 (JSON, may be empty).
wrap() {
  awk -v type="$1" -v extra="$2" '
    BEGIN { printf "{\"resourceType\":\"Bundle\",\"type\":\"%s\",\"entry\":[", type }
    NF { printf "%s{\"fullUrl\":\"urn:uuid:%d\",\"resource\":%s}", (n ? "," : ""), n + 1, $0; n++ }
    END { if (extra != "") printf "%s%s", (n ? "," : ""), extra; print "]}" }'
}

count="$(grep -c . "${sample}")"
[[ "${count}" -ge 6 ]] || fail "the sample has ${count} AuditEvents"
"${vigie}" decode --family ehr --input "${sample}" >"${tmp}/lines.jsonl" 2>"${tmp}/lines.err" ||
  fail "decode of the sample exited with $?: $(cat "${tmp}/lines.err")"
wrap searchset "" <"${sample}" >"${tmp}/bundle.ndjson"
[[ "$(wc -l <"${tmp}/bundle.ndjson")" -eq 1 ]] || fail "the Bundle is not one line"

for format in auto fhir-auditevent; do
  "${vigie}" decode --family ehr --format "${format}" --input "${tmp}/bundle.ndjson" \
    >"${tmp}/bundle.jsonl" 2>"${tmp}/bundle.err" ||
    fail "decode of the Bundle (--format ${format}) exited with $?: $(cat "${tmp}/bundle.err")"
  [[ "$(wc -l <"${tmp}/bundle.jsonl")" -eq "${count}" ]] ||
    fail "--format ${format}: not one event per AuditEvent: $(wc -l <"${tmp}/bundle.jsonl")"
  cmp -s "${tmp}/bundle.jsonl" "${tmp}/lines.jsonl" ||
    fail "--format ${format}: the Bundle's events differ from the sample's"
  grep -q "^vigie decode: ${count} events decoded, 0 rejected$" "${tmp}/bundle.err" ||
    fail "--format ${format} summary: $(cat "${tmp}/bundle.err")"
done

# A search with an OperationOutcome and an included Patient, and a history deletion: skipped,
# counted, never printed.
patient='{"resourceType":"Patient","id":"p-100000123","identifier":[{"system":"urn:oid:1.2.250.1.213.1.4.10","value":"180019912345691"}],"name":[{"family":"PATIENT-TEST"}]}'
{
  echo '{"resourceType":"OperationOutcome","issue":[{"severity":"information","code":"informational"}]}'
  cat "${sample}"
  echo "${patient}"
} | wrap searchset '{"request":{"method":"DELETE","url":"AuditEvent/ae-1"}}' >"${tmp}/mixed.ndjson"
"${vigie}" decode --family ehr --input "${tmp}/mixed.ndjson" >"${tmp}/mixed.jsonl" \
  2>"${tmp}/mixed.err" || fail "decode of the mixed Bundle exited with $?: $(cat "${tmp}/mixed.err")"
cmp -s "${tmp}/mixed.jsonl" "${tmp}/lines.jsonl" || fail "the mixed Bundle's events differ"
grep -q "^vigie decode: ${count} events decoded, 0 rejected, 3 container entries skipped$" \
  "${tmp}/mixed.err" || fail "mixed summary: $(cat "${tmp}/mixed.err")"

# An empty search result, a malformed Bundle, and a Bundle with one AuditEvent without a time.
{
  echo '{"resourceType":"Bundle","type":"searchset","total":0}'
  echo '{"resourceType":"Bundle","type":"searchset","entry":{"resource":{"id":"p-100000123"}}}'
  {
    head -1 "${sample}"
    echo '{"resourceType":"AuditEvent","action":"R","entity":[{"what":{"reference":"Patient/p-100000123"}}]}'
    tail -1 "${sample}"
  } | wrap collection ""
} >"${tmp}/bad.ndjson"
status=0
"${vigie}" decode --family ehr --input "${tmp}/bad.ndjson" >"${tmp}/bad.jsonl" 2>"${tmp}/bad.err" ||
  status=$?
[[ "${status}" -eq 1 ]] || fail "rejects should exit 1, not ${status}"
grep -q '^[^:]*bad.ndjson:2: rejected \[bundle-malformed\] ' "${tmp}/bad.err" ||
  fail "malformed Bundle: $(cat "${tmp}/bad.err")"
grep -q '^[^:]*bad.ndjson:3: rejected \[bad-time\] .*(inner record at byte offset [0-9]*)$' \
  "${tmp}/bad.err" || fail "the bad AuditEvent's reject: $(cat "${tmp}/bad.err")"
grep -q '^vigie decode: 2 events decoded, 2 rejected$' "${tmp}/bad.err" ||
  fail "bad summary: $(cat "${tmp}/bad.err")"

# No clear patient identifier anywhere (plugins/ehr/tests/data/clear_identifiers.txt).
grep -v '^#' plugins/ehr/tests/data/clear_identifiers.txt | grep . >"${tmp}/ids.txt"
if grep -F -f "${tmp}/ids.txt" "${tmp}"/*.jsonl "${tmp}"/*.err; then
  fail "a clear patient identifier was printed"
fi

# The same matches in the Bundle as in the sample (a break-glass rule).
mkdir -p "${tmp}/rules"
cat >"${tmp}/rules/btg.yml" <<'EOF'
title: EHR break-glass access
id: 6c1e2f3a-4b5d-4e6f-8a9b-0c1d2e3f4a5b
status: test
logsource:
  product: ehr
  category: ehr_access
detection:
  selection:
    event.action: break-glass
  condition: selection
level: high
EOF
matches() { grep -o '"rule_id":"[^"]*","rule_title":"[^"]*".*"time":"[^"]*"' | sed 's/"line":[0-9]*,//'; }
from_sample="$("${vigie}" hunt --rules "${tmp}/rules" --input "${sample}" 2>/dev/null | matches)"
from_bundle="$("${vigie}" hunt --rules "${tmp}/rules" --input "${tmp}/mixed.ndjson" \
  2>"${tmp}/hunt.err" | matches)"
[[ -n "${from_sample}" ]] || fail "no break-glass match in the sample"
[[ "${from_bundle}" == "${from_sample}" ]] || fail "hunt matches differ: ${from_bundle} / ${from_sample}"
grep -q "^vigie hunt: ${count} events read, 0 rejected, 3 container entries skipped, 1 matches" \
  "${tmp}/hunt.err" || fail "hunt summary: $(cat "${tmp}/hunt.err")"

finish "fhir bundle"
