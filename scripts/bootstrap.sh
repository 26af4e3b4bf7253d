#!/usr/bin/env bash
# Vigie bootstrap: installs what a fresh Debian 12 machine is missing, builds, and runs.
#
#   scripts/bootstrap.sh demo [ARGS...]  install, Release build, run `vigie demo [ARGS...]`
#   scripts/bootstrap.sh test            install, then every test stage (what CI runs):
#                                          1. build/release  Release, -Werror, full ctest
#                                          2. build/asan     ASan+UBSan, ctest -LE integration
#                                          3. build/fuzz     clang-14 libFuzzer smoke run
#   scripts/bootstrap.sh build           install, Release build (no run)
#   scripts/bootstrap.sh check-deps      list missing Debian packages; exit 1 if any (no install)
#
# Idempotent: re-running reuses the build directories and installs nothing already present.
# Environment:
#   VIGIE_JOBS           build/test parallelism (default: nproc)
#   VIGIE_FUZZ_SECONDS   seconds per fuzz target in stage 3 (default 20; 0 = replay seeds only)
#   VIGIE_TEST_TIMEOUT   ctest per-test timeout for tests that set none (default 300 s)
#   VIGIE_SHARED_DIR     shared data folder for the tests (default: <repo>/../shared)
#   VIGIE_TEST_STAGES    stages `test` runs, in order (default "release asan fuzz"; CI runs all)
#   VIGIE_SKIP_APT=1     never call apt-get, only report what is missing
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT

# Every Debian package the build, the tests and the tools need: the one list to edit.
readonly PACKAGES=(
  build-essential cmake ninja-build pkg-config git python3
  clang-14 libclang-rt-14-dev
  librdkafka-dev libre2-dev libsimdjson-dev librocksdb-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  libssl-dev libhowardhinnant-date-dev libmaxminddb-dev python3-jsonschema tzdata
  curl ca-certificates openssl libcpp-httplib-dev
  clang-format clang-tidy
)

JOBS="${VIGIE_JOBS:-$(nproc 2>/dev/null || echo 2)}"
readonly JOBS
readonly START_SECONDS="${SECONDS}"
CURRENT_STAGE="setup"
PASSED_TOTAL=0
FAILED_TOTAL=0
SKIPPED_TOTAL=0

log() { printf 'bootstrap: %s\n' "$*"; }
die() {
  printf 'bootstrap: error: %s\n' "$*" >&2
  exit 1
}

banner() {
  CURRENT_STAGE="$1"
  printf '\n==================== %s ====================\n' "$1"
  printf 'bootstrap: elapsed %ss\n' "$((SECONDS - START_SECONDS))"
}

on_exit() {
  local rc=$?
  local total=$((SECONDS - START_SECONDS))
  if [[ ${rc} -ne 0 ]]; then
    printf '\nbootstrap: FAILED in stage "%s" (exit %d) after %ss\n' "${CURRENT_STAGE}" "${rc}" \
      "${total}" >&2
  else
    printf '\nbootstrap: done in %ss\n' "${total}"
  fi
}
trap on_exit EXIT

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
}

# ---------------------------------------------------------------------------------------------
# Packages
# ---------------------------------------------------------------------------------------------

# Prints the packages of PACKAGES that dpkg does not report as fully installed.
missing_packages() {
  local pkg status
  for pkg in "${PACKAGES[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null || true)"
    if [[ "${status}" != "install ok installed" ]]; then
      printf '%s\n' "${pkg}"
    fi
  done
}

ensure_packages() {
  banner "packages"
  command -v dpkg-query >/dev/null 2>&1 ||
    die "dpkg-query not found: this script supports Debian 12 (bookworm) only"
  local missing
  mapfile -t missing < <(missing_packages)
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "all ${#PACKAGES[@]} required Debian packages are installed"
    return 0
  fi
  log "missing Debian packages: ${missing[*]}"
  if [[ "${VIGIE_SKIP_APT:-0}" == "1" ]]; then
    die "VIGIE_SKIP_APT=1 and packages are missing: ${missing[*]}"
  fi
  if [[ "$(id -u)" -ne 0 ]]; then
    die "not root, cannot install the missing packages. Run as root, or first run:
  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
  fi
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  mapfile -t missing < <(missing_packages)
  if [[ ${#missing[@]} -ne 0 ]]; then
    die "still missing after apt-get install: ${missing[*]}"
  fi
}

# The free GeoIP country database for GeoIP enrichment (docs/enrichment.md): ip-location-db's
# geo-whois-asn-country (CC BY 4.0, data by NRO), from the npm registry, checked against the
# registry's sha512. Best effort: offline, Vigie runs with GeoIP off and says so once.
readonly GEOIP_DIR="${VIGIE_GEOIP_DIR:-/var/lib/vigie/geoip}"
readonly GEOIP_PACKAGE="https://registry.npmjs.org/@ip-location-db/geo-whois-asn-country-mmdb"
ensure_geoip() {
  local db="${GEOIP_DIR}/geo-whois-asn-country.mmdb"
  if [[ -s "${db}" ]]; then
    log "GeoIP database present: ${db}"
    return 0
  fi
  if [[ "${VIGIE_SKIP_GEOIP:-0}" == "1" ]]; then
    log "VIGIE_SKIP_GEOIP=1: no GeoIP database (GeoIP enrichment stays off)"
    return 0
  fi
  if ! mkdir -p "${GEOIP_DIR}" 2>/dev/null || [[ ! -w "${GEOIP_DIR}" ]]; then
    log "warning: cannot write ${GEOIP_DIR}; no GeoIP database (set VIGIE_GEOIP_DIR)"
    return 0
  fi
  local tmp meta tarball integrity
  tmp="$(mktemp -d)"
  if meta="$(curl -fsS --max-time 30 "${GEOIP_PACKAGE}/latest")" &&
    tarball="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["dist"]["tarball"])' <<<"${meta}")" &&
    integrity="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["dist"]["integrity"])' <<<"${meta}")" &&
    curl -fsS --max-time 300 -o "${tmp}/db.tgz" "${tarball}" &&
    [[ "sha512-$(openssl dgst -sha512 -binary "${tmp}/db.tgz" | base64 -w0)" == "${integrity}" ]] &&
    tar -xzf "${tmp}/db.tgz" -C "${tmp}" package/geo-whois-asn-country.mmdb package/NRO_LICENSE &&
    install -m 0644 "${tmp}/package/NRO_LICENSE" "${GEOIP_DIR}/NRO_LICENSE" &&
    install -m 0644 "${tmp}/package/geo-whois-asn-country.mmdb" "${db}"; then
    log "GeoIP database installed: ${db} (CC BY 4.0, NRO; ip-location-db)"
  else
    log "warning: could not download the GeoIP database; GeoIP enrichment stays off"
  fi
  rm -rf "${tmp}"
}

# ---------------------------------------------------------------------------------------------
# Builds
# ---------------------------------------------------------------------------------------------

# configure DIR BUILD_TYPE [CMAKE_ARGS...]: (re)configures DIR with Ninja.
configure() {
  local dir="$1" type="$2"
  shift 2
  local launcher=()
  if command -v ccache >/dev/null 2>&1; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  else
    # Cleared explicitly so a cache configured when ccache existed keeps building without it.
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=)
  fi
  # A directory configured with another generator cannot be reused: drop its cache only.
  if [[ -f "${dir}/CMakeCache.txt" ]] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' \
    "${dir}/CMakeCache.txt"; then
    log "${dir} was configured with another generator; resetting its CMake cache"
    rm -rf "${dir}/CMakeCache.txt" "${dir}/CMakeFiles"
  fi
  cmake -S "${ROOT}" -B "${dir}" -G Ninja -DCMAKE_BUILD_TYPE="${type}" "${launcher[@]}" "$@"
}

build() {
  local dir="$1"
  shift
  cmake --build "${dir}" -j "${JOBS}" "$@"
}

# run_ctest DIR [CTEST_ARGS...]: runs ctest and adds its counts to the totals.
run_ctest() {
  local dir="$1"
  shift
  local junit="${dir}/ctest-junit.xml"
  rm -f "${junit}"
  ctest --test-dir "${dir}" -j "${JOBS}" --output-on-failure \
    --timeout "${VIGIE_TEST_TIMEOUT:-300}" --output-junit "${junit}" "$@"
  if [[ -f "${junit}" ]]; then
    local tests failures disabled skipped
    tests="$(junit_attr tests "${junit}")"
    failures="$(junit_attr failures "${junit}")"
    disabled="$(junit_attr disabled "${junit}")"
    skipped="$(junit_attr skipped "${junit}")"
    PASSED_TOTAL=$((PASSED_TOTAL + tests - failures - disabled - skipped))
    FAILED_TOTAL=$((FAILED_TOTAL + failures))
    SKIPPED_TOTAL=$((SKIPPED_TOTAL + disabled + skipped))
  fi
}

# junit_attr NAME FILE: the integer attribute NAME of ctest's <testsuite> element (0 if absent).
junit_attr() {
  local value
  value="$(grep -o -m1 "[[:space:]]$1=\"[0-9]*\"" "$2" | grep -o '[0-9]\+' || true)"
  printf '%s' "${value:-0}"
}

build_release() {
  banner "build: build/release (Release)"
  configure "${ROOT}/build/release" Release
  build "${ROOT}/build/release"
}

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------

cmd_demo() {
  ensure_packages
  ensure_geoip
  build_release
  banner "demo: vigie demo"
  cd "${ROOT}"
  "${ROOT}/build/release/apps/vigie/vigie" demo "$@"
}

cmd_build() {
  ensure_packages
  ensure_geoip
  build_release
}

stage_release() {
  banner "1/3 build/release: Release, -Werror, all tests"
  configure "${ROOT}/build/release" Release -DVIGIE_WERROR=ON
  build "${ROOT}/build/release"
  run_ctest "${ROOT}/build/release"
}

stage_asan() {
  banner "2/3 build/asan: ASan+UBSan, ctest -LE integration"
  # Exported for the build too: gtest_discover_tests runs the instrumented binaries at build time.
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1${ASAN_OPTIONS:+:${ASAN_OPTIONS}}"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:${UBSAN_OPTIONS}}"
  configure "${ROOT}/build/asan" RelWithDebInfo -DVIGIE_SANITIZE=ON -DVIGIE_BENCHMARKS=OFF
  build "${ROOT}/build/asan"
  run_ctest "${ROOT}/build/asan" -LE integration
}

stage_fuzz() {
  banner "3/3 build/fuzz: libFuzzer smoke (clang-14, ${VIGIE_FUZZ_SECONDS:-20}s per target)"
  local fuzz_status="${ROOT}/build/fuzz/fuzz-smoke-status"
  rm -f "${fuzz_status}"
  VIGIE_FUZZ_STATUS_FILE="${fuzz_status}" "${ROOT}/scripts/fuzz_smoke.sh" \
    --build-dir "${ROOT}/build/fuzz"
  if [[ -f "${fuzz_status}" ]]; then
    local fuzz_passed
    fuzz_passed="$(grep -o '^passed=[0-9]*' "${fuzz_status}" | grep -o '[0-9]\+' || true)"
    PASSED_TOTAL=$((PASSED_TOTAL + ${fuzz_passed:-0}))
  fi
}

cmd_test() {
  ensure_packages
  if [[ ! -d "${VIGIE_SHARED_DIR}" ]]; then
    log "warning: VIGIE_SHARED_DIR=${VIGIE_SHARED_DIR} does not exist; tests needing it may skip"
  fi
  log "tools: $(cmake --version | head -n1); $(g++ --version | head -n1); jobs=${JOBS}"

  local stages=" ${VIGIE_TEST_STAGES:-release asan fuzz} " stage
  if [[ "${CI:-}" == "true" && "${stages}" != " release asan fuzz " ]]; then
    log "CI=true: ignoring VIGIE_TEST_STAGES, running every stage"
    stages=" release asan fuzz "
  fi
  for stage in ${stages}; do
    case "${stage}" in
      release | asan | fuzz) ;;
      *) die "unknown stage in VIGIE_TEST_STAGES: ${stage} (release, asan, fuzz)" ;;
    esac
  done
  if [[ "${stages}" == *" release "* ]]; then
    stage_release
  fi
  if [[ "${stages}" == *" asan "* ]]; then
    stage_asan
  fi
  if [[ "${stages}" == *" fuzz "* ]]; then
    stage_fuzz
  fi

  CURRENT_STAGE="summary"
  printf '\n==================== summary ====================\n'
  log "stages:${stages% } in $((SECONDS - START_SECONDS))s"
  # The plain closing line CI reads: "N passed, N failed[, N skipped]".
  printf 'total: %d passed, %d failed, %d skipped\n' "${PASSED_TOTAL}" "${FAILED_TOTAL}" \
    "${SKIPPED_TOTAL}"
}

cmd_check_deps() {
  trap - EXIT
  command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found (Debian 12 only)"
  local missing
  mapfile -t missing < <(missing_packages)
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "all ${#PACKAGES[@]} required Debian packages are installed"
    return 0
  fi
  log "missing Debian packages (${#missing[@]}): ${missing[*]}"
  return 1
}

main() {
  if [[ $# -lt 1 ]]; then
    usage >&2
    exit 2
  fi
  local command="$1"
  shift
  VIGIE_SHARED_DIR="${VIGIE_SHARED_DIR:-$(cd "${ROOT}/.." && pwd)/shared}"
  export VIGIE_SHARED_DIR
  case "${command}" in
    demo) cmd_demo "$@" ;;
    test) cmd_test "$@" ;;
    build) cmd_build "$@" ;;
    check-deps) cmd_check_deps "$@" ;;
    -h | --help | help)
      trap - EXIT
      usage
      ;;
    *)
      usage >&2
      die "unknown command: ${command}"
      ;;
  esac
}

main "$@"
