// Helpers shared by the ingest tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "common/timestamp.h"
#include "ingest/zone.h"

namespace vigie::ingest::testing {

// The shared data folder (formats): $VIGIE_SHARED_DIR, else <source>/../shared.
inline std::filesystem::path shared_dir() {
  if (const char* env = std::getenv("VIGIE_SHARED_DIR"); env != nullptr && *env != '\0') return env;
  return VIGIE_SHARED_DIR;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// An RFC 3339 text that must parse: test data written as text, compared as milliseconds.
inline std::int64_t ms(std::string_view rfc3339) {
  const std::optional<std::int64_t> v = parse_timestamp_ms(rfc3339);
  EXPECT_TRUE(v.has_value()) << rfc3339;
  return v.value_or(0);
}

// Europe/Paris from the system tzdata (the tests need the tzdata package, as Vigie does).
inline const Zone& paris() {
  static const std::shared_ptr<const Zone> kZone = [] {
    auto z = load_zone("Europe/Paris");
    if (!z.ok()) {
      ADD_FAILURE() << z.status().to_string();
      return std::shared_ptr<const Zone>();
    }
    return *z;
  }();
  return kZone ? *kZone : Zone::utc();
}

}  // namespace vigie::ingest::testing
