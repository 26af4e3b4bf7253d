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
# The stream processor (issue 5): Kafka client and mock cluster (librdkafka-dev), alert store
# (librocksdb-dev).
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)
pkg_check_modules(ROCKSDB REQUIRED IMPORTED_TARGET rocksdb)
# Metrics and health endpoint (src/observe/http_server.cpp): libcpp-httplib-dev. Debian builds
# cpp-httplib as a shared library (libcpp-httplib.so) with OpenSSL, zlib and Brotli support, and
# the header's class layouts depend on those CPPHTTPLIB_* defines: take them, and the library, from
# its pkg-config file (Debian ships no CMake config for it).
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
find_package(CLI11 CONFIG QUIET)
if(VIGIE_TESTS)
  find_package(GTest REQUIRED)
endif()
if(VIGIE_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
