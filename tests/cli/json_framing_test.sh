#!/usr/bin/env bash
# `vigie decode` and `vigie hunt` on JSON files whose records span lines (ingest/json_frame.h,
# picked by auto-detection on a regular file, and for a named JSON format):
#   - the shared Winlogbeat sample pretty-printed (LF, CRLF) and as a top-level array, the ad
#     plugin's evtx_dump sample as `evtx_dump -o json` writes it ("Record <n>" before each record),
#     the shared FHIR AuditEvents pretty-printed, as an array and in one pretty-printed searchset
#     Bundle decode to exactly the JSON lines of the one-per-line originals (patient tokens
#     included, with the test key), with 0 rejects, and `vigie hunt` reads as many events from them
#     and finds the same matches;
#   - JSON lines stay line-framed (a broken line costs that line only), and so does a text log
#     whose lines start with "[";
#   - garbage between records, an oversized record and a record cut short are rejects with their
#     line and code (json-not-a-record, json-too-large, json-truncated), never the record's content
#     (patient data), the other records still come out, and the exit status is 1.
#
#   tests/cli/json_framing_test.sh VIGIE_BINARY [SOURCE_DIR]
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

# The test key (never a real one): patient identifiers become tokens, so the comparison covers them.
ehr_tenant
decode_ad() { "${vigie}" decode --family ad "$@"; }
decode_ehr() { "${vigie}" decode --family ehr --config "${tmp}/vigie.yml" --tenant 010000099 "$@"; }

beat="${shared}/formats/windows_winlogbeat_raw.ndjson"
fhir="${shared}/formats/ehr_fhir_r4_auditevent_balp.ndjson"
evtx="plugins/ad/samples/security_evtx_dump.jsonl"
for f in "${beat}" "${fhir}" "${evtx}"; do
  [[ -s "${f}" ]] || fail "no sample ${f}"
done

# The files, from the one-per-line samples. evtx_dump -o json prints "Record <EventRecordID>",
# then the record indented by two spaces (serde_json's pretty printer, as json.dumps(indent=2)).
python3 - "${beat}" "${fhir}" "${evtx}" "${tmp}" <<'PY'
import json
import sys

beat, fhir, evtx, out = sys.argv[1:]


def records(path):
    return [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]


def write(name, text):
    open(f"{out}/{name}", "w", encoding="utf-8", newline="").write(text)


def pretty(r):
    return json.dumps(r, indent=2, ensure_ascii=False)


beats, events, audits = records(beat), records(fhir), records(evtx)
assert len(beats) == 23 and len(events) == 6 and len(audits) >= 10
write("beat_pretty.json", "".join(pretty(r) + "\n" for r in beats))
write("beat_crlf.json", "".join(pretty(r).replace("\n", "\r\n") + "\r\n" for r in beats))
write("beat_array.json", json.dumps(beats, indent=2, ensure_ascii=False) + "\n")
write("evtx_dump.json", "".join(
    f"Record {r['Event']['System']['EventRecordID']}\n{pretty(r)}\n" for r in audits))
write("fhir_pretty.json", "".join(pretty(r) + "\n" for r in events))
write("fhir_array.json", json.dumps(events, indent=2, ensure_ascii=False) + "\n")
bundle = {"resourceType": "Bundle", "type": "searchset", "total": len(events),
          "entry": [{"fullUrl": f"urn:uuid:{i + 1}", "resource": r, "search": {"mode": "match"}}
                    for i, r in enumerate(events)]}
write("fhir_bundle.json", pretty(bundle) + "\n")

# Garbage between records: a line that carries a patient's name, then the next AuditEvent; and a
# non-object element in an array. Each reject's line is written beside the file.
text = pretty(events[0]) + "\n"
garbage_line = text.count("\n") + 1
text += "PATIENT-TEST ALPHA 100000123 (export interrupted)\n"
text += "".join(pretty(r) + "\n" for r in events[1:])
write("fhir_noise.json", text)
write("fhir_noise.line", f"{garbage_line}\n")
text = "[\n  " + json.dumps(events[0]) + ",\n  \"100000123\",\n  " + json.dumps(events[1]) + "\n]\n"
write("fhir_array_noise.json", text)
# The last record cut short: json-truncated on the line of its "{".
text = "".join(pretty(r) + "\n" for r in events)
cut_at = text.rfind("\n{") + 1
write("fhir_cut.json", text[: cut_at + 200])
write("fhir_cut.line", f"{text[:cut_at].count(chr(10)) + 1}\n")
# JSON lines with a broken second line: read line by line, it costs that line only.
lines = [json.dumps(r) for r in events]
lines[1] = lines[1][:60]
write("fhir_broken.ndjson", "\n".join(lines) + "\n")
PY

# The same JSON lines as the originals, 0 rejects, whether the format is sniffed or named.
expect_same() {  # family, original, file, events wanted, [decode options]
  local family="$1" original="$2" file="$3" count="$4"
  shift 4
  "decode_${family}" --input "${original}" "$@" >"${tmp}/${file}.want" 2>/dev/null ||
    fail "decode of ${original} exited with $?"
  "decode_${family}" --input "${tmp}/${file}" "$@" >"${tmp}/${file}.jsonl" 2>"${tmp}/${file}.err" ||
    fail "decode of ${file} $* exited with $?: $(cat "${tmp}/${file}.err")"
  grep -q "^vigie decode: ${count} events decoded, 0 rejected$" "${tmp}/${file}.err" ||
    fail "${file} $* summary: $(cat "${tmp}/${file}.err")"
  cmp -s "${tmp}/${file}.want" "${tmp}/${file}.jsonl" ||
    fail "${file} $* did not decode to the same events as ${original}"
}
for file in beat_pretty.json beat_crlf.json beat_array.json; do
  expect_same ad "${beat}" "${file}" 23
  expect_same ad "${beat}" "${file}" 23 --format winlogbeat
done
expect_same ad "${evtx}" evtx_dump.json "$(grep -c . "${evtx}")"
expect_same ad "${evtx}" evtx_dump.json "$(grep -c . "${evtx}")" --format evtx-json
for file in fhir_pretty.json fhir_array.json fhir_bundle.json; do
  expect_same ehr "${fhir}" "${file}" 6
  expect_same ehr "${fhir}" "${file}" 6 --format fhir-auditevent
done
grep -q '"patient.token":"pt1:' "${tmp}/fhir_bundle.json.jsonl" ||
  fail "the Bundle's events carry no patient token"

# `vigie hunt` reads as many events and finds the same matches (their line aside).
matches() { sed 's/"line":[0-9]*,//'; }
hunt_same() {  # original, file
  local want got
  want="$("${vigie}" hunt --rules rules --input "$1" 2>&1 >"${tmp}/hunt.want" |
    grep -o ' [0-9]* events read, 0 rejected,')" || fail "hunt on $1: no summary"
  got="$("${vigie}" hunt --rules rules --input "${tmp}/$2" 2>&1 >"${tmp}/hunt.got" |
    grep -o ' [0-9]* events read, 0 rejected,')" || fail "hunt on $2: no summary"
  [[ -n "${want}" && "${got}" == "${want}" ]] || fail "hunt on $2 read '${got}', not '${want}'"
  [[ "$(matches <"${tmp}/hunt.got")" == "$(matches <"${tmp}/hunt.want")" ]] ||
    fail "hunt on $2 found other matches than on $1"
}
for file in beat_pretty.json beat_crlf.json beat_array.json; do hunt_same "${beat}" "${file}"; done
hunt_same "${evtx}" evtx_dump.json
for file in fhir_pretty.json fhir_array.json fhir_bundle.json; do hunt_same "${fhir}" "${file}"; done

# Rejects name the line and the code, never the record: no clear patient identifier, no name.
grep -v '^#' plugins/ehr/tests/data/clear_identifiers.txt | grep . >"${tmp}/ids.txt"
no_content() {
  if grep -F -f "${tmp}/ids.txt" "$1" || grep -Eq 'PATIENT-TEST|ALPHA|mleroy|LEROY' "$1"; then
    fail "$2: a reject shows the record's content"
  fi
}
expect_reject() {  # file, events wanted, reject line wanted (regex), [decode options]
  local status=0
  decode_ehr --input "${tmp}/$1" "${@:4}" >"${tmp}/$1.out" 2>"${tmp}/$1.err" || status=$?
  [[ ${status} -eq 1 ]] || fail "$1 exited ${status}, expected 1"
  [[ "$(wc -l <"${tmp}/$1.out")" -eq $2 ]] || fail "$1: not $2 events: $(cat "${tmp}/$1.err")"
  grep -Eq "^${tmp}/$1:$3" "${tmp}/$1.err" || fail "$1: no reject '$3': $(cat "${tmp}/$1.err")"
  no_content "${tmp}/$1.err" "$1"
}
expect_reject fhir_noise.json 6 "$(cat "${tmp}/fhir_noise.line"): rejected \[json-not-a-record\] "
grep -q '^vigie decode: 6 events decoded, 1 rejected$' "${tmp}/fhir_noise.json.err" ||
  fail "fhir_noise.json summary: $(cat "${tmp}/fhir_noise.json.err")"
expect_reject fhir_array_noise.json 2 '3: rejected \[json-not-a-record\] '
expect_reject fhir_cut.json 5 "$(cat "${tmp}/fhir_cut.line"): rejected \[json-truncated\] "
# Over the record limit: each record once, on the line of its "{" (the Bundle's is line 1).
expect_reject fhir_pretty.json 0 '1: rejected \[json-too-large\] ' --max-line-bytes 1000
[[ "$(grep -c 'rejected \[json-too-large\]' "${tmp}/fhir_pretty.json.err")" -eq 6 ]] ||
  fail "not one json-too-large per record: $(cat "${tmp}/fhir_pretty.json.err")"
expect_reject fhir_bundle.json 0 '1: rejected \[json-too-large\] ' --max-line-bytes 4000
# JSON lines stay line-framed: the broken line 2 is one reject, the 5 other lines decode.
expect_reject fhir_broken.ndjson 5 '2: rejected \[truncated\] '
grep -q '^vigie decode: 5 events decoded, 1 rejected$' "${tmp}/fhir_broken.ndjson.err" ||
  fail "fhir_broken.ndjson summary: $(cat "${tmp}/fhir_broken.ndjson.err")"
# A text log whose lines start with "[" is not a JSON array: still one reject per line.
printf '[info] service started\n[warn] {"not": "json framing"}\n' >"${tmp}/brackets.log"
status=0
decode_ad --input "${tmp}/brackets.log" >/dev/null 2>"${tmp}/brackets.err" || status=$?
[[ ${status} -eq 1 ]] || fail "brackets.log exited ${status}, expected 1"
[[ "$(grep -c '^[^:]*brackets.log:[12]: rejected \[unknown-format\] ' "${tmp}/brackets.err")" -eq 2 ]] ||
  fail "brackets.log was not read line by line: $(cat "${tmp}/brackets.err")"
# hunt gives the same reject, with its line (and exits 0: rejects are counted, not fatal).
"${vigie}" hunt --rules rules --input "${tmp}/fhir_noise.json" >/dev/null 2>"${tmp}/hunt_noise.err" ||
  fail "hunt on fhir_noise.json exited with $?"
grep -q "^${tmp}/fhir_noise.json:$(cat "${tmp}/fhir_noise.line"): rejected \[json-not-a-record\] " \
  "${tmp}/hunt_noise.err" || fail "hunt reject: $(cat "${tmp}/hunt_noise.err")"
grep -q ' 6 events read, 1 rejected,' "${tmp}/hunt_noise.err" ||
  fail "hunt on fhir_noise.json: $(cat "${tmp}/hunt_noise.err")"
no_content "${tmp}/hunt_noise.err" "hunt on fhir_noise.json"

finish "json framing"
