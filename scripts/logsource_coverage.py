#!/usr/bin/env python3
"""Which Sigma logsources of a rule corpus does Vigie's logsource map cover?

Lists every (product, service, category) that the corpus's rules declare (by default only the
`product: windows` rules), with the number of rules using it and whether the map covers it:

  mapped    at least one map entry fits (same rule as LogsourceMap::entries_for: each key the
            rule sets equals the entry's value, ASCII case-insensitively)
  unmapped  no entry, but the map's `unmapped:` list records why (no real log behind it)
  MISSING   neither: the map needs an entry, or an `unmapped` record

Exit status: 0 when nothing is MISSING, 1 otherwise, 2 on a usage error. Python 3 standard
library only; the YAML is read line by line (the map's own layout, plus one-line flow items), so
this is not a general YAML parser.

Examples:
  scripts/logsource_coverage.py
  scripts/logsource_coverage.py --corpus ../shared/sigmahq --extra site-logsources.yml
  scripts/logsource_coverage.py --all-products --missing-only
"""

import argparse
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_MAP = os.path.join(REPO, "src", "rules", "logsource_map.yml")
KEYS = ("product", "service", "category")


def default_corpus():
    for candidate in (os.path.join(REPO, "..", "shared", "sigmahq"), "/work/shared/sigmahq"):
        if os.path.isdir(candidate):
            return os.path.normpath(candidate)
    return None


def strip_comment(line):
    """Drops a `# comment` that is outside quotes."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


def unquote(value):
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
        if value and value[0] == "'":
            value = value.replace("''", "'")
    return value


def split_flow(text):
    """Top-level `key: value` pairs of a flow mapping `{...}` (nested values kept as text)."""
    inner = text.strip()
    if inner.startswith("{") and inner.endswith("}"):
        inner = inner[1:-1]
    parts, depth, quote, current = [], 0, None, ""
    for ch in inner:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += ch
    parts.append(current)
    pairs = {}
    for part in parts:
        if ":" in part:
            key, _, value = part.partition(":")
            pairs[key.strip()] = value.strip()
    return pairs


def brace_balance(text):
    balance, quote = 0, None
    for ch in text:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "{":
            balance += 1
        elif ch == "}":
            balance -= 1
    return balance


def read_map(path):
    """Returns (operations, unmapped): operations are dicts with name/product/service/category/
    disabled in file order; unmapped are dicts with product/service/category/reason."""
    items = {"entries": [], "unmapped": []}
    section = None
    current = None
    key_indent = None
    pending = None  # a flow item spanning several lines
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = strip_comment(raw.rstrip("\n"))
            if pending is not None:
                pending += " " + line.strip()
                if brace_balance(pending) <= 0:
                    current.update({k: unquote(v) for k, v in split_flow(pending).items()})
                    pending = None
                continue
            if not line.strip():
                continue
            top = re.match(r"^([A-Za-z_][\w-]*):(.*)$", line)
            if top:
                section = top.group(1)
                current = None
                continue
            if section not in items:
                continue
            item = re.match(r"^(\s*)-\s+(.*)$", line)
            if item and (key_indent is None or len(item.group(1)) + 2 <= key_indent):
                current = {}
                items[section].append(current)
                key_indent = len(item.group(1)) + 2
                rest = item.group(2)
                if rest.startswith("{"):
                    if brace_balance(rest) > 0:
                        pending = rest
                    else:
                        current.update({k: unquote(v) for k, v in split_flow(rest).items()})
                    continue
                line = " " * key_indent + rest
            if current is None:
                continue
            pair = re.match(r"^(\s*)([\w-]+):\s*(.*)$", line)
            if pair and len(pair.group(1)) == key_indent:
                current[pair.group(2)] = unquote(pair.group(3))
    return items["entries"], items["unmapped"]


def build_map(paths):
    """Applies map files in order with the loader's rules: same name replaces, `disabled` removes."""
    entries, unmapped = [], []
    for path in paths:
        operations, extra_unmapped = read_map(path)
        for op in operations:
            name = op.get("name", "")
            index = next((i for i, e in enumerate(entries) if e.get("name") == name), None)
            if op.get("disabled", "").lower() == "true":
                if index is not None:
                    del entries[index]
            elif index is not None:
                entries[index] = op
            else:
                entries.append(op)
        unmapped.extend(extra_unmapped)
    return entries, unmapped


def fitting_entries(entries, logsource):
    names = []
    for e in entries:
        if all(not logsource[k] or logsource[k].lower() == e.get(k, "").lower() for k in KEYS):
            names.append(e.get("name", "?"))
    return names


def find_unmapped(unmapped, logsource):
    for u in unmapped:
        if all(logsource[k].lower() == u.get(k, "").lower() for k in KEYS):
            return u
    return None


LOGSOURCE_KEY = re.compile(r"^\s+(product|service|category):\s*(.*)$")


def corpus_logsources(corpus):
    """Counts rules per (product, service, category) over every rules* folder of the corpus."""
    counts = {}
    folders = sorted(d for d in os.listdir(corpus) if d.startswith("rules"))
    for folder in folders:
        for root, _, files in os.walk(os.path.join(corpus, folder)):
            for name in files:
                if not name.endswith((".yml", ".yaml")):
                    continue
                with open(os.path.join(root, name), encoding="utf-8", errors="replace") as f:
                    lines = f.read().splitlines()
                documents = [[]]
                for line in lines:
                    if line.strip() == "---":
                        documents.append([])
                    else:
                        documents[-1].append(line)
                for doc in documents:
                    logsource = read_logsource(doc)
                    if logsource is not None:
                        key = tuple(logsource[k] for k in KEYS)
                        counts[key] = counts.get(key, 0) + 1
    return counts


def read_logsource(lines):
    inside, found, logsource = False, False, {k: "" for k in KEYS}
    for line in lines:
        if re.match(r"^logsource:\s*$", line):
            inside = found = True
            continue
        if not inside:
            continue
        m = LOGSOURCE_KEY.match(line)
        if m:
            logsource[m.group(1)] = unquote(strip_comment(m.group(2)))
        elif line and not line[0].isspace() and not line.startswith("#"):
            inside = False
    return logsource if found else None


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=default_corpus(),
                        help="folder holding rules*/ (default: the shared SigmaHQ snapshot)")
    parser.add_argument("--map", default=DEFAULT_MAP, help="the base map (default: built-in)")
    parser.add_argument("--extra", action="append", default=[],
                        help="a user map applied on top, as --logsource-map does (repeatable)")
    parser.add_argument("--all-products", action="store_true",
                        help="list every product, not only windows (only windows counts for the "
                             "exit status)")
    parser.add_argument("--missing-only", action="store_true", help="print only MISSING rows")
    args = parser.parse_args(argv)
    if not args.corpus or not os.path.isdir(args.corpus):
        parser.error("no corpus folder; pass --corpus")
    for path in [args.map] + args.extra:
        if not os.path.isfile(path):
            parser.error("no such map file: %s" % path)

    entries, unmapped = build_map([args.map] + args.extra)
    counts = corpus_logsources(args.corpus)

    rows = []
    for key in sorted(counts):
        logsource = dict(zip(KEYS, key))
        if logsource["product"] != "windows" and not args.all_products:
            continue
        names = fitting_entries(entries, logsource)
        record = find_unmapped(unmapped, logsource)
        if names:
            shown = ", ".join(names[:4])
            if len(names) > 4:
                shown += ", ... (%d entries)" % len(names)
            status, detail = "mapped", shown
        elif record is not None:
            status, detail = "unmapped", record.get("reason", "")
        else:
            status, detail = "MISSING", ""
        rows.append((key, counts[key], status, detail))

    width = [max([len(h)] + [len(r[0][i]) for r in rows]) for i, h in enumerate(KEYS)]
    header = "  ".join(h.ljust(w) for h, w in zip(KEYS, width)) + "  rules  status    entries / reason"
    print(header)
    print("-" * len(header))
    for key, count, status, detail in rows:
        if args.missing_only and status != "MISSING":
            continue
        cells = "  ".join((v or "-").ljust(w) for v, w in zip(key, width))
        print("%s  %5d  %-8s  %s" % (cells, count, status, detail))

    windows = [r for r in rows if r[0][0] == "windows"]
    missing = [r for r in windows if r[2] == "MISSING"]
    print()
    print("windows: %d logsources used by %d rules: %d mapped, %d documented unmapped, %d missing"
          % (len(windows), sum(r[1] for r in windows),
             sum(1 for r in windows if r[2] == "mapped"),
             sum(1 for r in windows if r[2] == "unmapped"), len(missing)))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
