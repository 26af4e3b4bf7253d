#!/usr/bin/env bash
# `vigie decode` and `vigie hunt` on HL7 v2 ADT files in every layout a GAM feed comes in
# (ingest/hl7_frame.h, picked by auto-detection on a regular file that starts with MSH):
#   - an MLLP capture, a file with one segment per line (CRLF, LF) and a CR-only file built from
#     the shared one-message-per-line sample decode to exactly the same JSON lines as the sample,
#     with 0 rejects, and `vigie hunt` reads the same 3 events from them;
#   - garbage between MLLP blocks, an oversized message and a message cut short are rejects with
#     their line and a code (hl7-not-a-message, hl7-too-large, the decoder's), never the record's
#     content (patient data), the other messages still come out, and the exit status is 1.
#
#   tests/cli/hl7_framing_test.sh VIGIE_BINARY [SOURCE_DIR]
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

# The test key (never a real one): patient identifiers become tokens, so the comparison covers them.
ehr_tenant
decode() { "${vigie}" decode --family ehr --config "${tmp}/vigie.yml" --tenant 010000099 "$@"; }

sample="${shared}/formats/ehr_hl7v2_pamfr_adt.er7"
[[ -s "${sample}" ]] || fail "no shared sample ${sample}"
decode --input "${sample}" >"${tmp}/sample.jsonl" 2>"${tmp}/sample.err" ||
  fail "decode of the sample exited with $?: $(cat "${tmp}/sample.err")"
grep -q '^vigie decode: 3 events decoded, 0 rejected$' "${tmp}/sample.err" ||
  fail "sample summary: $(cat "${tmp}/sample.err")"
grep -q '"patient.token":"pt1:' "${tmp}/sample.jsonl" || fail "the sample's events carry no patient token"

# The sample's messages (one per line, segments separated by CR) in the other layouts, and the
# bad files. Messages start on lines 1, 6 and 11 of a segment-per-line file.
python3 - "${sample}" "${tmp}" <<'PY'
import sys
sample, out = sys.argv[1], sys.argv[2]
messages = [m for m in open(sample, "rb").read().split(b"\n") if m.strip()]
assert len(messages) == 3, len(messages)


def lines(end):
    return b"".join(m.replace(b"\r", end) + end for m in messages)


def write(name, data):
    open(f"{out}/{name}", "wb").write(data)


write("adt.mllp", b"".join(b"\x0b" + m + b"\x1c\r" for m in messages))
write("adt_crlf.hl7", lines(b"\r\n"))
write("adt_lf.hl7", lines(b"\n"))
write("adt_cr.hl7", lines(b"\r"))
# A capture written one block per line, with noise that carries a patient's name on line 2.
write("noise.mllp", b"\x0b" + messages[0] + b"\x1c\r\nPATIENT-TEST ALPHA keepalive\n"
      + b"".join(b"\x0b" + m + b"\x1c\r\n" for m in messages[1:]))
# The last message cut inside its MSH: the decoder's reject, on line 11.
write("cut.hl7", lines(b"\n")[: lines(b"\n").rfind(b"MSH|") + 30])
PY

for layout in adt.mllp adt_crlf.hl7 adt_lf.hl7 adt_cr.hl7; do
  decode --input "${tmp}/${layout}" >"${tmp}/${layout}.jsonl" 2>"${tmp}/${layout}.err" ||
    fail "decode of ${layout} exited with $?: $(cat "${tmp}/${layout}.err")"
  grep -q '^vigie decode: 3 events decoded, 0 rejected$' "${tmp}/${layout}.err" ||
    fail "${layout} summary: $(cat "${tmp}/${layout}.err")"
  cmp -s "${tmp}/sample.jsonl" "${tmp}/${layout}.jsonl" ||
    fail "${layout} did not decode to the same events as the one-message-per-line sample"
  "${vigie}" hunt --rules rules --input "${tmp}/${layout}" >/dev/null 2>"${tmp}/${layout}.hunt" ||
    fail "hunt on ${layout} exited with $?"
  grep -q ' 3 events read, 0 rejected,' "${tmp}/${layout}.hunt" ||
    fail "hunt on ${layout}: $(cat "${tmp}/${layout}.hunt")"
done

# An access audited by INS only (the FHIR sample names its patient by INS) takes the IPP token
# the ADT gave with the same INS earlier in the input (patient.token_via ins-link): it then
# compares equal to the ADT's events. Tokens only: no identifier in clear is involved.
{
  cat "${sample}"
  echo
  grep -v '^#' "${shared}/formats/ehr_fhir_r4_auditevent_balp.ndjson"
} | decode --input - >"${tmp}/linked.jsonl" 2>/dev/null || fail "decode of ADT + FHIR exited with $?"
adt_token="$(grep -o '"patient.token":"pt1:ipp:[a-z2-7]*"' "${tmp}/sample.jsonl" | sort -u)"
[[ "$(wc -l <<<"${adt_token}")" -eq 1 ]] || fail "the ADT sample is not one patient: ${adt_token}"
linked="$(grep '"ehr.format":"fhir-auditevent"' "${tmp}/linked.jsonl" | grep -c "${adt_token}.*\"patient.token_via\":\"ins-link\"" || true)"
[[ "${linked}" -ge 1 ]] || fail "no INS-only access was linked to the ADT's IPP token"
grep -q '"patient.token_via"' <(decode --input "${shared}/formats/ehr_fhir_r4_auditevent_balp.ndjson" 2>/dev/null) &&
  fail "linked without any ADT"

# Standard input is not auto-detected: --format hl7v2-adt cuts it by message too.
for layout in adt.mllp adt_crlf.hl7; do
  decode --format hl7v2-adt --input - <"${tmp}/${layout}" >"${tmp}/${layout}.stdin.jsonl" 2>/dev/null ||
    fail "decode --format hl7v2-adt of ${layout} on stdin exited with $?"
  cmp -s "${tmp}/sample.jsonl" "${tmp}/${layout}.stdin.jsonl" ||
    fail "${layout} on stdin with --format hl7v2-adt did not decode to the sample's events"
done

# Rejects name the line and the code, never the record: no name, IPP, INS or RPPS on stderr.
no_content() {
  if grep -Eq 'PATIENT-TEST|ALPHA|100000123|180019912345691|810009999982|MERCIER' "$1"; then
    fail "$2: a reject shows the record's content"
  fi
}
expect_reject() {  # file, exit status wanted, events wanted, reject line wanted (regex)
  local status=0
  decode --input "${tmp}/$1" "${@:5}" >"${tmp}/$1.out" 2>"${tmp}/$1.err" || status=$?
  [[ ${status} -eq $2 ]] || fail "$1 exited ${status}, expected $2"
  [[ "$(wc -l <"${tmp}/$1.out")" -eq $3 ]] || fail "$1: not $3 events: $(cat "${tmp}/$1.err")"
  grep -Eq "^${tmp}/$1:$4" "${tmp}/$1.err" || fail "$1: no reject '$4': $(cat "${tmp}/$1.err")"
  no_content "${tmp}/$1.err" "$1"
}
expect_reject noise.mllp 1 3 '2: rejected \[hl7-not-a-message\] '
grep -q '^vigie decode: 3 events decoded, 1 rejected$' "${tmp}/noise.mllp.err" ||
  fail "noise.mllp summary: $(cat "${tmp}/noise.mllp.err")"
expect_reject cut.hl7 1 2 '11: rejected \[[a-z0-9-]+\] '
expect_reject adt_lf.hl7 1 0 '6: rejected \[hl7-too-large\] ' --max-line-bytes 300
[[ "$(grep -c 'rejected \[hl7-too-large\]' "${tmp}/adt_lf.hl7.err")" -eq 3 ]] ||
  fail "not one hl7-too-large per message: $(cat "${tmp}/adt_lf.hl7.err")"

finish "hl7 framing"
