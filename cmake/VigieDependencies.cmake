# Every third-party dependency is found here, and only here. All come from Debian 12 packages
# (scripts/setup.sh installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(simdjson REQUIRED)
find_package(yaml-cpp REQUIRED)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
find_package(CLI11 CONFIG QUIET)
if(VIGIE_TESTS)
  find_package(GTest REQUIRED)
endif()
if(VIGIE_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
