# The set-up every CLI test shares. A test starts with
#
#   set -euo pipefail
#   # shellcheck source-path=SCRIPTDIR source=lib.sh
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"
#
# and gets, from its arguments VIGIE_BINARY [SOURCE_DIR]:
#   vigie       the binary under test
#   source_dir  the checkout (default: two folders above the test), also the current directory
#   shared      the shared samples folder (VIGIE_SHARED_DIR, default: ../shared beside the checkout)
#   tmp         a scratch folder, removed when the test exits
#   fail MSG    prints FAIL: MSG and counts it in ${failed}
#   finish NAME prints NAME's verdict and exits 1 when a check failed
#   start_mock_broker ARGS...
#               runs `vigie mock-broker ARGS` in the background and sets ${bootstrap}
#   run_pid     a background process of the test (e.g. `vigie run`), killed at exit if still set
#   ehr_tenant  writes ${tmp}/vigie.yml: tenant 010000099 with the test key (never a real one), so
#               that patient identifiers become tokens and comparisons cover them
# shellcheck shell=bash disable=SC2034  # the variables are the sourcing test's

vigie="$1"
source_dir="${2:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
cd "${source_dir}" || exit 2
shared="${VIGIE_SHARED_DIR:-${source_dir}/../shared}"
failed=0
fail() {
  echo "FAIL: $*"
  failed=$((failed + 1))
}
finish() {
  if [[ ${failed} -gt 0 ]]; then
    echo "$1: ${failed} check(s) failed"
    exit 1
  fi
  echo "$1: all checks passed"
}
tmp="$(mktemp -d)"
run_pid=""
broker_pid=""
cleanup() {
  [[ -n "${run_pid}" ]] && kill -9 "${run_pid}" 2>/dev/null
  [[ -n "${broker_pid}" ]] && kill "${broker_pid}" 2>/dev/null
  wait 2>/dev/null
  [[ -n "${VIGIE_KEEP_TMP:-}" ]] || rm -rf "${tmp}"
}
trap cleanup EXIT
start_mock_broker() {
  "${vigie}" mock-broker "$@" --port-file "${tmp}/bootstrap" >"${tmp}/broker.out" 2>&1 &
  broker_pid=$!
  for _ in $(seq 100); do
    [[ -s "${tmp}/bootstrap" ]] && break
    sleep 0.1
  done
  if [[ ! -s "${tmp}/bootstrap" ]]; then
    fail "mock-broker wrote no bootstrap address: $(cat "${tmp}/broker.out")"
    finish "$(basename "$0" .sh)"
  fi
  bootstrap="$(cat "${tmp}/bootstrap")"
}
ehr_tenant() {
  install -m 0600 plugins/ehr/tests/data/test.key "${tmp}/010000099.key"
  cat >"${tmp}/vigie.yml" <<'EOF'
version: 1
tenants:
  - id: "010000099"
    name: CHU A
    key_file: 010000099.key
EOF
}
