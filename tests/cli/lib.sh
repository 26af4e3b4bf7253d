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
trap 'rm -rf "${tmp}"' EXIT
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
