#!/usr/bin/python3
"""Every vpn event `vigie decode` prints validates against schemas/vpn.schema.json.

Decodes the shared samples (../shared/formats/vpn_*.log) and the fuzz seed corpus
(tests/fuzz/corpus/vpn_decoders/, records beyond the samples) with auto-detection, checks that
nothing is rejected, and validates each event with python3-jsonschema (Draft 2020-12). Also checks
that the schema refuses events it must refuse, so a schema that accepts anything cannot pass.

usage: validate_schema.py VIGIE SOURCE_DIR SHARED_DIR
"""
import glob
import json
import os
import subprocess
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("validate_schema: python3-jsonschema is missing (scripts/bootstrap.sh installs it)")


def decode(vigie, text):
    r = subprocess.run([vigie, "decode", "--family", "vpn", "--input", "-"], input=text,
                       capture_output=True, text=True, check=False)
    if r.returncode != 0:
        sys.exit(f"validate_schema: vigie decode exited {r.returncode}:\n{r.stderr}")
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


def main():
    vigie, source, shared = sys.argv[1:4]
    store = {}
    for path in glob.glob(os.path.join(source, "schemas", "*.schema.json")):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        store[doc["$id"]] = doc
    schema = store["https://vigie.example/schemas/vpn.schema.json"]
    jsonschema.Draft202012Validator.check_schema(schema)
    # vpn.schema.json builds on core.schema.json: resolve it from the folder, never the network.
    resolver = jsonschema.RefResolver(base_uri=schema["$id"], referrer=schema, store=store)
    validator = jsonschema.Draft202012Validator(schema, resolver=resolver,
                                                format_checker=jsonschema.FormatChecker())

    inputs = {}
    for path in sorted(glob.glob(os.path.join(shared, "formats", "vpn_*.log"))):
        with open(path, encoding="utf-8") as f:
            lines = [l for l in f.read().splitlines() if l.strip() and not l.startswith("#")]
        inputs[os.path.basename(path)] = lines
    seeds = []
    for path in sorted(glob.glob(os.path.join(source, "tests/fuzz/corpus/vpn_decoders/*"))):
        with open(path, encoding="utf-8") as f:
            seeds.append(f.read().strip("\n"))
    inputs["fuzz seeds"] = seeds

    failures = 0
    total = 0
    vendors = set()
    for name, lines in inputs.items():
        if not lines:
            sys.exit(f"validate_schema: no records in {name}")
        events = decode(vigie, "\n".join(lines) + "\n")
        if len(events) != len(lines):
            sys.exit(f"validate_schema: {name}: {len(lines)} records, {len(events)} events")
        for i, event in enumerate(events, 1):
            total += 1
            vendors.add(event.get("vpn.vendor"))
            for error in validator.iter_errors(event):
                failures += 1
                print(f"{name} record {i}: {error.json_path}: {error.message}")

    # The schema must refuse what the contract forbids.
    good = {"@timestamp": "2026-03-14T00:02:11.123Z", "vpn.vendor": "fortigate",
            "event.action": "auth_failure", "event.outcome": "failure", "source.ip": "203.0.113.45"}
    bad = [
        {**good, "event.action": "login"},
        {**good, "vpn.vendor": "sonicwall"},
        {**good, "source.ip": "not-an-ip"},
        {**good, "network.bytes_in": "12"},
        {**good, "event.outcome": "success"},
        {k: v for k, v in good.items() if k != "event.action"},
        {**good, "@timestamp": "2026-03-14 00:02:11"},
    ]
    if list(validator.iter_errors(good)):
        failures += 1
        print("the reference event does not validate")
    for i, event in enumerate(bad):
        if not list(validator.iter_errors(event)):
            failures += 1
            print(f"bad event {i} validates but must not: {event}")

    expected = {"fortigate", "cisco-asa", "globalprotect", "pulse-secure", "openvpn"}
    if vendors != expected:
        failures += 1
        print(f"vendors seen {sorted(vendors)}, expected {sorted(expected)}")
    print(f"validate_schema: {total} events, {len(bad)} refusals checked, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
