#!/usr/bin/env bash
# Fuzz smoke run: builds every libFuzzer target (tests/fuzz/<name>_fuzz.cpp) with clang-14 into
# build/fuzz and runs each for a short time on a temporary copy of its seed corpus
# tests/fuzz/corpus/<name>/ (an empty corpus if that folder does not exist). The seed folders
# are never written to.
#
#   scripts/fuzz_smoke.sh [--no-build] [--build-dir DIR] [--seconds N] [TARGET...]
#
#   TARGET       a target name (json_fuzz) or its short name (json); default: all of them
#   --no-build   run what DIR already holds (fails if a target was not built)
#   --build-dir  default <repo>/build/fuzz
#   --seconds    time per target, default $VIGIE_FUZZ_SECONDS or 20; 0 = only replay the seeds
#
# A crash, leak, timeout or out-of-memory input fails the run: its reproducer is kept under
# DIR/fuzz-artifacts/<target>/ and the script prints the command that replays it. Every target
# runs even after one fails; the exit status is non-zero if any failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly FUZZ_DIR="${ROOT}/tests/fuzz"

build_dir="${ROOT}/build/fuzz"
seconds="${VIGIE_FUZZ_SECONDS:-20}"
do_build=1
jobs="${VIGIE_JOBS:-$(nproc 2>/dev/null || echo 2)}"
selected=()

log() { printf 'fuzz_smoke: %s\n' "$*"; }
die() {
  printf 'fuzz_smoke: error: %s\n' "$*" >&2
  exit 1
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) do_build=0 ;;
    --build-dir)
      [[ $# -ge 2 ]] || die "--build-dir needs a value"
      build_dir="$2"
      shift
      ;;
    --seconds)
      [[ $# -ge 2 ]] || die "--seconds needs a value"
      seconds="$2"
      shift
      ;;
    -h | --help)
      awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    -*) die "unknown option: $1" ;;
    *) selected+=("${1%_fuzz}_fuzz") ;;
  esac
  shift
done
[[ "${seconds}" =~ ^[0-9]+$ ]] || die "--seconds / VIGIE_FUZZ_SECONDS must be a whole number"
mkdir -p "${build_dir}"
build_dir="$(cd "${build_dir}" && pwd)"

# The targets are the tests/fuzz/*_fuzz.cpp file names, as tests/CMakeLists.txt defines them.
targets=()
if [[ ${#selected[@]} -gt 0 ]]; then
  for name in "${selected[@]}"; do
    [[ -f "${FUZZ_DIR}/${name}.cpp" ]] || die "no fuzz target ${name} (${FUZZ_DIR}/${name}.cpp)"
    targets+=("${name}")
  done
else
  shopt -s nullglob
  for src in "${FUZZ_DIR}"/*_fuzz.cpp; do
    targets+=("$(basename "${src}" .cpp)")
  done
  shopt -u nullglob
fi
if [[ ${#targets[@]} -eq 0 ]]; then
  log "no fuzz targets (no ${FUZZ_DIR}/*_fuzz.cpp): nothing to do"
  if [[ -n "${VIGIE_FUZZ_STATUS_FILE:-}" ]]; then
    printf 'passed=0\nfailed=0\n' >"${VIGIE_FUZZ_STATUS_FILE}"
  fi
  exit 0
fi
log "targets: ${targets[*]}"

if [[ ${do_build} -eq 1 ]]; then
  command -v clang++-14 >/dev/null 2>&1 ||
    die "clang++-14 not found (Debian packages clang-14 and libclang-rt-14-dev)"
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=)
  if command -v ccache >/dev/null 2>&1; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  # -O1 -g without NDEBUG: fast enough to fuzz, and assertions stay armed.
  cmake -S "${ROOT}" -B "${build_dir}" -G Ninja \
    -DCMAKE_CXX_COMPILER=clang++-14 \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DVIGIE_FUZZ=ON -DVIGIE_BENCHMARKS=OFF \
    "${launcher[@]}"
  cmake --build "${build_dir}" -j "${jobs}" --target "${targets[@]}"
fi

# The fuzzers themselves run under ASan+UBSan; make UB fatal and leaks reported.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1${ASAN_OPTIONS:+:${ASAN_OPTIONS}}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:${UBSAN_OPTIONS}}"

work="$(mktemp -d "${TMPDIR:-/tmp}/vigie-fuzz.XXXXXX")"
trap 'rm -rf "${work}"' EXIT
mkdir -p "${build_dir}/fuzz-logs"

passed=0
failed=()
for target in "${targets[@]}"; do
  short="${target%_fuzz}"
  binary="${build_dir}/tests/${target}"
  [[ -x "${binary}" ]] || binary="$(find "${build_dir}" -type f -name "${target}" -perm -u+x \
    -print -quit)"
  if [[ -z "${binary}" || ! -x "${binary}" ]]; then
    log "FAIL ${target}: binary not found under ${build_dir}"
    failed+=("${target}")
    continue
  fi

  corpus="${work}/${short}"
  mkdir -p "${corpus}"
  seeds="${FUZZ_DIR}/corpus/${short}"
  seed_count=0
  if [[ -d "${seeds}" ]]; then
    cp -R "${seeds}/." "${corpus}/"
    seed_count="$(find "${corpus}" -type f | wc -l)"
  fi
  artifacts="${build_dir}/fuzz-artifacts/${target}"
  rm -rf "${artifacts}"
  mkdir -p "${artifacts}"
  logfile="${build_dir}/fuzz-logs/${target}.log"

  args=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="${artifacts}/")
  for dict in "${FUZZ_DIR}/${short}.dict" "${FUZZ_DIR}/${target}.dict"; do
    if [[ -f "${dict}" ]]; then
      args+=(-dict="${dict}")
    fi
  done
  if [[ "${seconds}" -eq 0 ]]; then
    args+=(-runs=0)
  else
    args+=(-max_total_time="${seconds}")
  fi

  log "run ${target}: ${seconds}s, ${seed_count} seed(s), log ${logfile}"
  rc=0
  # The outer timeout only guards against a fuzzer that ignores -max_total_time (a hang in init).
  (cd "${work}" && timeout --kill-after=10 "$((seconds + 120))" \
    "${binary}" "${args[@]}" "${corpus}") >"${logfile}" 2>&1 || rc=$?

  if [[ ${rc} -eq 0 ]]; then
    stats="$(grep -E '^(stat::number_of_executed_units|stat::new_units_added):' "${logfile}" |
      tr '\n' ' ' || true)"
    log "ok   ${target}: ${stats:-no stats}"
    passed=$((passed + 1))
    continue
  fi

  failed+=("${target}")
  log "FAIL ${target}: exit ${rc}$([[ ${rc} -eq 124 ]] && echo ' (killed by timeout: hang)')"
  echo "---- last 60 lines of ${logfile} ----"
  tail -n 60 "${logfile}"
  echo "----"
  shopt -s nullglob
  reproducers=("${artifacts}"/*)
  shopt -u nullglob
  for repro in "${reproducers[@]}"; do
    log "reproducer: ${repro}"
    log "replay it:  ${binary} ${repro}"
  done
  if [[ ${#reproducers[@]} -eq 0 ]]; then
    log "no reproducer written (see the log above)"
  fi
done

if [[ -n "${VIGIE_FUZZ_STATUS_FILE:-}" ]]; then
  printf 'passed=%d\nfailed=%d\n' "${passed}" "${#failed[@]}" >"${VIGIE_FUZZ_STATUS_FILE}"
fi
log "${passed} passed, ${#failed[@]} failed"
if [[ ${#failed[@]} -gt 0 ]]; then
  die "failing fuzz targets: ${failed[*]}"
fi
