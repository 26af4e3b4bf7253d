#!/usr/bin/python3
"""Every event `vigie decode` prints for the shared samples validates against its family's
JSON Schema (schemas/<family>.schema.json, which builds on schemas/core.schema.json).

    validate_decoded.py VIGIE_BINARY SOURCE_DIR [SHARED_DIR]

Uses Debian's python3-jsonschema (draft 2020-12, with format checks for ipv4/ipv6). Also checks
that the schemas do reject a broken event, so the test cannot pass by validating nothing.
"""
import json
import pathlib
import subprocess
import sys

import jsonschema

FAMILY_OF_PREFIX = {"windows_": "ad", "vpn_": "vpn", "ehr_": "ehr"}


def validator_for(schemas, family):
    path = schemas / f"{family}.schema.json"
    if not path.exists():
        return None
    store = {}
    for p in schemas.glob("*.schema.json"):
        doc = json.loads(p.read_text())
        store[doc["$id"]] = doc
    schema = json.loads(path.read_text())
    resolver = jsonschema.RefResolver(base_uri=schema["$id"], referrer=schema, store=store)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, resolver=resolver, format_checker=jsonschema.FormatChecker())


def main():
    vigie, source = sys.argv[1], pathlib.Path(sys.argv[2])
    shared = pathlib.Path(sys.argv[3]) if len(sys.argv) > 3 else source.parent / "shared"
    schemas = source / "schemas"
    failures = 0
    checked = 0
    listed = subprocess.run([vigie, "decode", "--list-formats"], capture_output=True, text=True,
                            check=True).stdout
    built = {line.split()[0] for line in listed.splitlines() if line.strip()}
    samples = sorted((shared / "formats").glob("*"))
    for sample in samples:
        family = next((f for p, f in FAMILY_OF_PREFIX.items() if sample.name.startswith(p)), None)
        if family is None:
            continue
        if family not in built:
            print(f"skip {sample.name}: no {family} plugin in this build")
            continue
        validator = validator_for(schemas, family)
        if validator is None:
            print(f"skip {sample.name}: no schemas/{family}.schema.json yet")
            continue
        inputs = [(sample.name, str(sample), None)]
        if sample.name.startswith("ehr_fhir_"):
            # The same AuditEvents in one FHIR Bundle line (plugins/ehr/README.md, "Bundles").
            entries = [{"resource": json.loads(l)} for l in sample.read_text().splitlines()
                       if l.strip() and not l.startswith("#")]
            bundle = json.dumps({"resourceType": "Bundle", "type": "searchset", "entry": entries})
            inputs.append((sample.name + " as a Bundle", "-", bundle + "\n"))
        for name, path, stdin in inputs:
            run = subprocess.run([vigie, "decode", "--family", family, "--input", path,
                                  "--tenant", "010000099"], input=stdin, capture_output=True,
                                 text=True)
            if run.returncode != 0:
                failures += 1
                print(f"FAIL {name}: vigie decode exited {run.returncode}: {run.stderr.strip()}")
            if not run.stdout.strip():
                failures += 1
                print(f"FAIL {name}: no event")
            for n, line in enumerate(run.stdout.splitlines(), 1):
                event = json.loads(line)
                errors = sorted(validator.iter_errors(event), key=lambda e: list(e.path))
                checked += 1
                for e in errors:
                    failures += 1
                    where = "/".join(str(p) for p in e.path) or "(event)"
                    print(f"FAIL {name} event {n}: {where}: {e.message}")
    # The schemas must reject what they forbid.
    ad = validator_for(schemas, "ad")
    broken = {"@timestamp": "2026-03-14 00:04:30", "EventID": "4624", "Channel": "Security",
              "Computer": "x", "Provider_Name": "y", "TimeCreated_SystemTime": "z",
              "source.ip": "not-an-ip", "event.outcome": "maybe"}
    found = {"/".join(str(p) for p in e.path) for e in ad.iter_errors(broken)}
    for must in ("@timestamp", "EventID", "source.ip", "event.outcome"):
        if must not in found:
            failures += 1
            print(f"FAIL the ad schema accepts a bad {must}")
    print(f"{checked} decoded events checked, {failures} failure(s)")
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
