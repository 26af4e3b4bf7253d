# Every third-party dependency is found here, and only here. All come from Debian 12 packages
# (scripts/setup.sh installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(simdjson REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(OpenSSL REQUIRED)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
# GeoIP country and ASN lookups (src/enrich/geoip.cpp): libmaxminddb-dev.
pkg_check_modules(MAXMINDDB REQUIRED IMPORTED_TARGET libmaxminddb)
find_package(CLI11 CONFIG QUIET)
if(VIGIE_TESTS)
  find_package(GTest REQUIRED)
endif()
if(VIGIE_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
