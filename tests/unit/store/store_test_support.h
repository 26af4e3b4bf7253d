// Helpers shared by the store tests: a recursively removed temporary folder and sample alerts.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>  // mkdtemp

#include <cstdint>
#include <filesystem>
#include <string>

#include "store/alert_record.h"

namespace vigie::store::testing {

// A fresh folder under ::testing::TempDir(), removed with everything in it on destruction.
class StoreDir {
 public:
  StoreDir() {
    std::string pattern = ::testing::TempDir() + "vigie_store_test_XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) root_ = pattern;
    EXPECT_FALSE(root_.empty()) << "mkdtemp failed";
  }
  ~StoreDir() {
    std::error_code ec;
    if (!root_.empty()) std::filesystem::remove_all(root_, ec);
  }
  StoreDir(const StoreDir&) = delete;
  StoreDir& operator=(const StoreDir&) = delete;

  const std::string& root() const { return root_; }
  // A path inside the folder that does not exist yet (the store creates it).
  std::string path(const std::string& name = "store") const { return root_ + "/" + name; }

 private:
  std::string root_;
};

// A 32-hex-digit id from a number, as the producers derive them (content hash stand-in).
inline std::string hex_id(std::uint64_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 31; i >= 16 && n != 0; --i, n >>= 4) out[static_cast<std::size_t>(i)] = kHex[n & 15];
  return out;
}

inline AlertRecord sample_alert(std::uint64_t n, std::string tenant = "chu-nord",
                                std::string rule_id = "rule-a", std::int64_t time_ms = 1000) {
  AlertRecord a;
  a.id = hex_id(n);
  a.tenant = std::move(tenant);
  a.kind = "correlation";
  a.rule_id = std::move(rule_id);
  a.rule_name = "brute_force";
  a.rule_title = "Brute force on one account";
  a.rule_file = "rules/ad/brute_force.yml";
  a.level = "high";
  a.tags = {"attack.credential_access", "attack.t1110"};
  a.correlation_type = "event_count";
  a.group = {{"TargetUserName", "jdupont"}, {"IpAddress", "10.0.0.7"}};
  a.time_ms = time_ms;
  a.window_start_ms = time_ms - 300'000;
  a.window_end_ms = time_ms;
  a.value = 12;
  a.event_count = 12;
  a.events = {{"ad", 3, 100}, {"ad", 3, 101}};
  return a;
}

}  // namespace vigie::store::testing
