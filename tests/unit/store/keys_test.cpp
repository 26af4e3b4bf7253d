#include "store/keys.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace vigie::store::keys {
namespace {

TEST(StoreKeys, ComponentRoundTripsControlBytes) {
  const std::vector<std::string> values = {
      "",        "a", std::string("a\0b", 3), std::string("\x01\x02", 2), std::string("\0", 1),
      "chu-nord"};
  for (const std::string& v : values) {
    std::string encoded;
    append_component(encoded, v);
    encoded += "rest";
    std::string_view in = encoded;
    const std::optional<std::string> back = read_component(in);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, v);
    EXPECT_EQ(in, "rest");
  }
  std::string_view unterminated = "abc";
  EXPECT_FALSE(read_component(unterminated).has_value());
}

TEST(StoreKeys, OneValueIsNeverThePrefixOfAnother) {
  // Tenant "a" must not see the entries of tenant "a\0b" (nor of "ab").
  const std::string prefix = index_prefix("a");
  EXPECT_FALSE(index_key(std::string("a\0b", 3), 5, "id").starts_with(prefix));
  EXPECT_FALSE(index_key("ab", 5, "id").starts_with(prefix));
  EXPECT_TRUE(index_key("a", 5, "id").starts_with(prefix));
  EXPECT_LT(index_key("a", std::numeric_limits<std::int64_t>::min(), "\xff\xff"),
            prefix_upper_bound(prefix));
}

TEST(StoreKeys, TimesSortNewestFirst) {
  const std::vector<std::int64_t> times = {
      std::numeric_limits<std::int64_t>::min(), -1000, -1, 0, 1, 1'700'000'000'000,
      std::numeric_limits<std::int64_t>::max()};
  for (std::size_t i = 0; i < times.size(); ++i) {
    const std::string k = index_key("t", times[i], "id");
    std::int64_t t = 0;
    std::string_view id;
    ASSERT_TRUE(split_index_suffix(std::string_view(k).substr(2), t, id));
    EXPECT_EQ(t, times[i]);
    EXPECT_EQ(id, "id");
    if (i > 0) {
      EXPECT_LT(k, index_key("t", times[i - 1], "id")) << times[i];
    }
  }
}

TEST(StoreKeys, OffsetKeysRoundTripAndSortByPartition) {
  std::string topic;
  std::int32_t partition = 0;
  ASSERT_TRUE(read_offset_key(offset_key("ad", -3), topic, partition));
  EXPECT_EQ(topic, "ad");
  EXPECT_EQ(partition, -3);
  EXPECT_LT(offset_key("ad", 2), offset_key("ad", 10));
  EXPECT_LT(offset_key("ad", -1), offset_key("ad", 0));
  EXPECT_EQ(read_offset_value(offset_value(-7)), -7);
  EXPECT_EQ(read_offset_value(offset_value(1LL << 40)), 1LL << 40);
  EXPECT_FALSE(read_offset_value("short").has_value());
}

}  // namespace
}  // namespace vigie::store::keys
