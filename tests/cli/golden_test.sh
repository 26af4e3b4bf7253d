#!/usr/bin/env bash
# Runs the built `vigie rules check` over every golden case of tests/golden/diagnostics and
# compares what the command prints (stdout and stderr together, as a rule author sees them) with
# NAME.expected, and its exit status with the contract: 1 when the summary counts errors, else 0.
# The unit test (tests/unit/rules/golden_test.cpp) pins the same text in-process; this pins the
# command itself.
#
#   tests/cli/golden_test.sh VIGIE_BINARY [SOURCE_DIR]
set -euo pipefail

vigie="$1"
source_dir="${2:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
cd "${source_dir}"

failed=0
checked=0
for expected in tests/golden/diagnostics/*.expected; do
  case_path="${expected%.expected}"
  if [[ -f "${case_path}.yml" ]]; then
    target="${case_path}.yml"
  elif [[ -d "${case_path}" ]]; then
    target="${case_path}"
  else
    echo "FAIL ${expected}: no ${case_path}.yml nor folder ${case_path}"
    failed=$((failed + 1))
    continue
  fi
  status=0
  actual="$("${vigie}" rules check "${target}" 2>&1)" || status=$?
  want_status=0
  if tail -n 1 "${expected}" | grep -Eqv ', 0 errors,'; then want_status=1; fi
  checked=$((checked + 1))
  if [[ "${actual}" != "$(cat "${expected}")" ]]; then
    echo "FAIL ${target}: output differs from ${expected}"
    diff <(printf '%s\n' "${actual}") "${expected}" || true
    failed=$((failed + 1))
  elif [[ "${status}" -ne "${want_status}" ]]; then
    echo "FAIL ${target}: exit status ${status}, expected ${want_status}"
    failed=$((failed + 1))
  fi
done
echo "${checked} golden cases checked: $((checked - failed)) passed, ${failed} failed"
[[ "${checked}" -gt 0 && "${failed}" -eq 0 ]]
