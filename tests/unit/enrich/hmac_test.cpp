// The HMAC-SHA256 composition of enrich/hmac.h against RFC 4231 (section 4): short and long keys,
// short and long messages, the key hashed when longer than a block, and incremental updates.
#include "enrich/hmac.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::enrich {
namespace {

std::string hex(const HmacSha256Digest& d) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : d) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::vector<unsigned char> bytes(std::string_view s) { return {s.begin(), s.end()}; }
std::vector<unsigned char> repeat(unsigned char b, std::size_t n) {
  return std::vector<unsigned char>(n, b);
}

struct Rfc4231Case {
  const char* name;
  std::vector<unsigned char> key;
  std::string data;
  const char* hmac_sha256;
};

std::vector<Rfc4231Case> rfc4231_cases() {
  std::vector<unsigned char> key4;
  for (unsigned char b = 1; b <= 25; ++b) key4.push_back(b);
  return {
      {"case1", repeat(0x0b, 20), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"case2_short_key", bytes("Jefe"), "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {"case3", repeat(0xaa, 20), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {"case4", key4, std::string(50, '\xcd'),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {"case6_key_longer_than_block", repeat(0xaa, 131),
       "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {"case7_long_key_long_data", repeat(0xaa, 131),
       "This is a test using a larger than block-size key and a larger than block-size data. The "
       "key needs to be hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
}

class Rfc4231Test : public ::testing::TestWithParam<Rfc4231Case> {};

TEST_P(Rfc4231Test, OneShot) {
  const Rfc4231Case& c = GetParam();
  const HmacSha256Key key(c.key);
  EXPECT_EQ(hex(key.mac(c.data)), c.hmac_sha256);
}

TEST_P(Rfc4231Test, IncrementalByteByByte) {
  const Rfc4231Case& c = GetParam();
  const HmacSha256Key key(c.key);
  HmacSha256 mac(key);
  for (char ch : c.data) mac.update(std::string_view(&ch, 1));
  EXPECT_EQ(hex(mac.finish()), c.hmac_sha256);
}

TEST_P(Rfc4231Test, KeyIsReusable) {
  const Rfc4231Case& c = GetParam();
  const HmacSha256Key key(c.key);
  const HmacSha256Digest first = key.mac(c.data);
  (void)key.mac("something else");
  EXPECT_EQ(key.mac(c.data), first);
}

INSTANTIATE_TEST_SUITE_P(Rfc4231, Rfc4231Test, ::testing::ValuesIn(rfc4231_cases()),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace vigie::enrich
