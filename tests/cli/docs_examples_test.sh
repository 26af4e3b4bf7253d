#!/usr/bin/env bash
# The examples of docs/correlation.md run as documented: `vigie rules check` loads every example
# rule without a diagnostic, and `vigie hunt` over the example events prints exactly
# docs/examples/correlation/expected.jsonl (one alert per example correlation, none for the
# look-alikes the events also hold).
#
#   tests/cli/docs_examples_test.sh VIGIE_BINARY [SOURCE_DIR]
set -euo pipefail

vigie="$1"
source_dir="${2:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
cd "${source_dir}"
dir=docs/examples/correlation
failed=0

check="$("${vigie}" rules check "${dir}" 2>&1)" || true
if [[ "${check}" != "14 rules loaded, 0 errors, 0 warnings" ]]; then
  echo "FAIL: vigie rules check ${dir} printed: ${check}"
  failed=1
fi
actual="$("${vigie}" hunt --rules "${dir}" --input "${dir}/events.jsonl" 2>/dev/null)"
if [[ "${actual}" != "$(cat "${dir}/expected.jsonl")" ]]; then
  echo "FAIL: vigie hunt output differs from ${dir}/expected.jsonl"
  diff <(printf '%s\n' "${actual}") "${dir}/expected.jsonl" || true
  failed=1
fi
[[ "${failed}" -eq 0 ]] && echo "docs examples: ok"
[[ "${failed}" -eq 0 ]]
