#!/usr/bin/python3
"""`vigie decode --family ehr` end to end: privacy and schema.

1. With the test tenant's key (a configuration whose tenants[].key_file is the test key, copied
   with mode 0600 into a temporary folder), every shared ehr sample decodes with no reject, every
   patient field is a pt1 token, and no clear identifier of the samples
   (plugins/ehr/tests/data/clear_identifiers.txt) appears in stdout or stderr.
2. Damaged copies of the samples (cut at many lengths, a byte flipped): rejects are reported,
   and still no identifier in stdout or stderr.
3. Without a key: one warning (not one per record), patient.redacted, no token, no identifier.
4. A CSV export with a header row (--format dpi-flat) decodes, the header giving no event.
5. Every event validates against schemas/ehr.schema.json (python3-jsonschema, draft 2020-12),
   and the schema refuses a clear patient field, a malformed token and an unknown action.
6. A FHIR Bundle (one line) of the FHIR sample's AuditEvents, with an included Patient that
   carries clear identifiers and an OperationOutcome: with the key, the same events as the
   sample's lines, the other entries counted as skipped; with and without key and damaged, no
   clear identifier in stdout or stderr, every event valid.
7. Stay numbers (NDA): every NDA of the samples (HL7 PID-18 / PV1-19, the flat log's sejour_nda)
   is among the clear identifiers; with the key each record naming one has a patient.stay_token
   of kind nda, one token for the one stay across the HL7 and flat feeds, never the patient's
   patient.token; without a key no stay token and patient.redacted.

usage: decode_test.py VIGIE SOURCE_DIR SHARED_DIR
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    sys.exit("decode_test: python3-jsonschema is missing (scripts/bootstrap.sh installs it)")

FAILURES = []


def fail(message):
    FAILURES.append(message)
    print("FAIL " + message)


def run(vigie, args, stdin=None):
    r = subprocess.run([vigie, "decode", "--family", "ehr", *args], input=stdin,
                       capture_output=True, text=True, check=False)
    return r.returncode, r.stdout, r.stderr


def identifiers(source):
    path = os.path.join(source, "plugins", "ehr", "tests", "data", "clear_identifiers.txt")
    with open(path, encoding="utf-8") as f:
        return [l.strip() for l in f if l.strip() and not l.startswith("#")]


def sample_ndas(shared):
    """The stay numbers written in the samples, by file name: HL7 PID-18.1 and PV1-19.1, the flat
    log's sejour_nda."""
    found = {}
    for path in sorted(glob.glob(os.path.join(shared, "formats", "ehr_*"))):
        values = set()
        with open(path, encoding="utf-8", newline="") as f:  # keep the CRs between HL7 segments
            lines = f.read().split("\n")
        for line in lines:
            line = line.rstrip("\r")
            if line.startswith("MSH"):
                for seg in line.split("\r"):
                    fields = seg.split("|")
                    n = {"PID": 18, "PV1": 19}.get(fields[0])
                    if n is not None and len(fields) > n and fields[n].split("^")[0]:
                        values.add(fields[n].split("^")[0])
            elif line.lstrip().startswith("{"):
                value = json.loads(line).get("sejour_nda")
                if value:
                    values.add(str(value))
        if values:
            found[os.path.basename(path)] = values
    return found


def grep(text, ids, what):
    for i in ids:
        if i in text:
            fail(f"{what}: holds the clear identifier '{i}'")


def validator(source):
    store = {}
    for path in glob.glob(os.path.join(source, "schemas", "*.schema.json")):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        store[doc["$id"]] = doc
    schema = store["https://vigie.example/schemas/ehr.schema.json"]
    jsonschema.Draft202012Validator.check_schema(schema)
    resolver = jsonschema.RefResolver(base_uri=schema["$id"], referrer=schema, store=store)
    return jsonschema.Draft202012Validator(schema, resolver=resolver,
                                           format_checker=jsonschema.FormatChecker())


def validate(v, stdout, what):
    events = [json.loads(l) for l in stdout.splitlines() if l.strip()]
    for n, e in enumerate(events, 1):
        for err in v.iter_errors(e):
            where = "/".join(str(p) for p in err.path) or "(event)"
            fail(f"{what} event {n}: {where}: {err.message}")
    return events


def main():
    vigie, source, shared = sys.argv[1:4]
    ids = identifiers(source)
    v = validator(source)
    samples = sorted(glob.glob(os.path.join(shared, "formats", "ehr_*")))
    if len(samples) < 4:
        fail("fewer than four ehr samples")
    work = tempfile.mkdtemp(prefix="vigie_ehr_")
    try:
        key = os.path.join(work, "010000099.key")
        shutil.copyfile(os.path.join(source, "plugins", "ehr", "tests", "data", "test.key"), key)
        os.chmod(key, 0o600)
        config = os.path.join(work, "vigie.yml")
        with open(config, "w", encoding="utf-8") as f:
            f.write('version: 1\ntenants:\n  - id: "010000099"\n    key_file: 010000099.key\n')
        keyed = ["--config", config, "--tenant", "010000099"]

        # 7 (first half). Every NDA of the samples must be grepped for.
        ndas = sample_ndas(shared)
        if set(ndas) != {"ehr_hl7v2_pamfr_adt.er7", "ehr_dpi_vendor_flat_access.ndjson"}:
            fail(f"stay numbers expected in the HL7 and flat samples, found in {sorted(ndas)}")
        for name, values in ndas.items():
            for value in sorted(values - set(ids)):
                fail(f"{name}: the stay number '{value}' is not in clear_identifiers.txt")
        stay_tokens = set()

        # 1. With the key.
        total = 0
        for sample in samples:
            name = os.path.basename(sample)
            rc, out, err = run(vigie, ["--input", sample, *keyed])
            if rc != 0:
                fail(f"{name}: vigie decode exited {rc}: {err.strip()}")
            grep(out + err, ids, f"{name} (keyed)")
            events = validate(v, out, f"{name} (keyed)")
            total += len(events)
            for e in events:
                if e.get("tenant") != "010000099":
                    fail(f"{name}: event without its tenant")
                for k, value in e.items():
                    if k.startswith("patient.") and k.endswith("token") and \
                            not str(value).startswith("pt1:"):
                        fail(f"{name}: {k} is not a token")
            if "warning" in err:
                fail(f"{name}: a warning with a key configured: {err.strip()}")
            with_stay = [e for e in events if "patient.stay_token" in e]
            for e in with_stay:
                stay_tokens.add(e["patient.stay_token"])
                if not e["patient.stay_token"].startswith("pt1:nda:"):
                    fail(f"{name}: patient.stay_token is not an nda token")
                if e.get("patient.token") == e["patient.stay_token"]:
                    fail(f"{name}: the stay token stands for patient.token")
            want = {"ehr_hl7v2_pamfr_adt.er7": 3,
                    "ehr_dpi_vendor_flat_access.ndjson": 1}.get(name, 0)
            if len(with_stay) != want:
                fail(f"{name}: {len(with_stay)} events with patient.stay_token, expected {want}")
        if total < 18:
            fail(f"only {total} events decoded from the samples")
        if len(stay_tokens) != 1:
            fail(f"the samples' one stay gives {len(stay_tokens)} stay tokens across the feeds")

        # 2. Damaged records.
        damaged = []
        for sample in samples:
            with open(sample, encoding="utf-8", errors="surrogateescape") as f:
                lines = [l for l in f.read().split("\n") if l.strip() and not l.startswith("#")]
            for l in lines:
                for cut in range(5, len(l), 37):
                    damaged.append(l[:cut])
                    damaged.append(l[:cut] + "\x01" + l[cut + 1:])
        path = os.path.join(work, "damaged.log")
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write("\n".join(damaged) + "\n")
        rc, out, err = run(vigie, ["--input", path, *keyed])
        if rc != 1 or "rejected [" not in err:
            fail(f"damaged records: exit {rc}, no reject reported")
        grep(out + err, ids, "damaged records (stdout and stderr)")

        # 3. Without a key.
        for sample in samples:
            name = os.path.basename(sample)
            rc, out, err = run(vigie, ["--input", sample])
            if rc != 0:
                fail(f"{name} (no key): exit {rc}")
            if err.count("warning: no pseudonymisation key") != 1:
                fail(f"{name} (no key): expected exactly one key warning, got: {err.strip()}")
            grep(out + err, ids, f"{name} (no key)")
            events = validate(v, out, f"{name} (no key)")
            for e in events:
                if any(k.endswith("_token") or k == "patient.token" for k in e):
                    fail(f"{name} (no key): a token without a key")
            if not any(e.get("patient.redacted") is True for e in events):
                fail(f"{name} (no key): no event says patient.redacted")
            if name == "ehr_hl7v2_pamfr_adt.er7" and \
                    not all(e.get("patient.redacted") is True for e in events):
                fail(f"{name} (no key): an ADT message naming the stay is not patient.redacted")

        # 4. CSV with a header row.
        csv = ("ts;event;action;user_login;patient_ipp;sejour_uf\n"
               "2026-03-14 02:12:00;ACCESS_MEDICAL_DATA;READ;mleroy;100000123;6268\n"
               "2026-03-14 02:13:00;EXPORT;PRINT_PDF;mleroy;100000456;6268\n")
        rc, out, err = run(vigie, ["--format", "dpi-flat", "--input", "-", *keyed], stdin=csv)
        events = validate(v, out, "csv")
        if rc != 0 or len(events) != 2:
            fail(f"csv: exit {rc}, {len(events)} events: {err.strip()}")
        grep(out + err, ids, "csv")

        # 6. A FHIR Bundle.
        fhir = os.path.join(shared, "formats", "ehr_fhir_r4_auditevent_balp.ndjson")
        with open(fhir, encoding="utf-8") as f:
            audit_events = [json.loads(l) for l in f if l.strip() and not l.startswith("#")]
        patient = {"resourceType": "Patient", "id": "p-100000123",
                   "identifier": [{"system": "urn:oid:1.2.250.1.213.1.4.10",
                                   "value": "180019912345691"},
                                  {"system": "urn:oid:1.2.250.1.999.1.1.1", "value": "100000123"}],
                   "name": [{"family": "PATIENT-TEST", "given": ["ALPHA"]}],
                   "birthDate": "1980-01-01"}
        outcome = {"resourceType": "OperationOutcome",
                   "issue": [{"severity": "information", "code": "informational"}]}
        entries = [{"resource": r, "search": {"mode": "match"}} for r in audit_events]
        entries += [{"resource": patient, "search": {"mode": "include"}},
                    {"resource": outcome, "search": {"mode": "outcome"}}]
        line = json.dumps({"resourceType": "Bundle", "type": "searchset",
                           "total": len(audit_events), "entry": entries})
        bundle = os.path.join(work, "bundle.ndjson")
        with open(bundle, "w", encoding="utf-8") as f:
            f.write(line + "\n")
        _, expected, _ = run(vigie, ["--input", fhir, *keyed])
        rc, out, err = run(vigie, ["--input", bundle, *keyed])
        events = validate(v, out, "bundle (keyed)")
        if rc != 0 or out != expected or len(events) != len(audit_events):
            fail(f"bundle: exit {rc}, {len(events)} events, not the sample's: {err.strip()}")
        if "2 container entries skipped" not in err:
            fail(f"bundle: the skipped entries are not counted: {err.strip()}")
        grep(out + err, ids, "bundle (keyed)")
        rc, out, err = run(vigie, ["--input", bundle])
        events = validate(v, out, "bundle (no key)")
        if rc != 0 or not any(e.get("patient.redacted") is True for e in events):
            fail(f"bundle (no key): exit {rc}, no event says patient.redacted")
        grep(out + err, ids, "bundle (no key)")
        damaged = [line[:cut] for cut in range(5, len(line), 101)]
        damaged += [line[:cut] + "\x01" + line[cut + 1:] for cut in range(5, len(line), 211)]
        damaged += [line[:cut] + '"' + line[cut + 1:] for cut in range(7, len(line), 173)]
        path = os.path.join(work, "damaged_bundle.ndjson")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(damaged) + "\n")
        rc, out, err = run(vigie, ["--input", path, *keyed])
        validate(v, out, "damaged bundles")
        if rc != 1 or "rejected [" not in err:
            fail(f"damaged bundles: exit {rc}, no reject reported")
        grep(out + err, ids, "damaged bundles (stdout and stderr)")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    # 5. The schema refuses what it must.
    good = {"@timestamp": "2026-03-14T01:12:44.118Z", "ehr.format": "fhir-auditevent",
            "event.action": "patient-record-read"}
    if list(v.iter_errors(dict(good, **{"patient.stay_token": "pt1:nda:" + "a" * 26}))):
        fail("the schema refuses a patient.stay_token")
    for field, bad in [("patient.ipp", "100000123"), ("patient.name", "DUPONT"),
                       ("patient.token", "100000123"), ("patient.nir_token", "pt1:ipp:" + "a" * 26),
                       ("patient.nda", "24000006"), ("patient.stay_token", "24000006"),
                       ("patient.stay_token", "pt1:ipp:" + "a" * 26),
                       ("patient.token", "pt1:nda:" + "a" * 26),
                       ("event.action", "read"), ("patient.redacted", False),
                       ("ehr.care.start", "20260310093000")]:
        event = dict(good, **{field: bad})
        if not list(v.iter_errors(event)):
            fail(f"the schema accepts {field} = {bad!r}")
    if list(v.iter_errors(good)):
        fail("the schema refuses a minimal good event")

    print(f"decode_test: {len(FAILURES)} failure(s)")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
