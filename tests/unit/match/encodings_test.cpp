#include "match/encodings.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::match {
namespace {

using namespace std::string_view_literals;

// Reference decoder for the round-trip checks (strict: padded input, standard alphabet).
std::string decode_base64(std::string_view s) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i + 4 <= s.size(); i += 4) {
    const int a = val(s[i]), b = val(s[i + 1]);
    const int c = s[i + 2] == '=' ? 0 : val(s[i + 2]);
    const int d = s[i + 3] == '=' ? 0 : val(s[i + 3]);
    const unsigned v = (unsigned(a) << 18) | (unsigned(b) << 12) | (unsigned(c) << 6) | unsigned(d);
    out.push_back(static_cast<char>(v >> 16));
    if (s[i + 2] != '=') out.push_back(static_cast<char>((v >> 8) & 0xFF));
    if (s[i + 3] != '=') out.push_back(static_cast<char>(v & 0xFF));
  }
  return out;
}

TEST(Base64, Rfc4648Vectors) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {""sv, ""sv},
      {"f"sv, "Zg=="sv},
      {"fo"sv, "Zm8="sv},
      {"foo"sv, "Zm9v"sv},
      {"foob"sv, "Zm9vYg=="sv},
      {"fooba"sv, "Zm9vYmE="sv},
      {"foobar"sv, "Zm9vYmFy"sv},
      {"\x00\xFF\x10"sv, "AP8Q"sv},
      {"\xFB\xFF"sv, "+/8="sv},
  };
  for (const auto& [in, want] : cases) {
    EXPECT_EQ(base64(in), want);
    EXPECT_EQ(decode_base64(want), in);
  }
}

TEST(Base64, RoundTripsRandomBytes) {
  std::mt19937 rng(42);
  for (int n = 0; n < 64; ++n) {
    std::string bytes(static_cast<std::size_t>(n), '\0');
    for (char& c : bytes) c = static_cast<char>(rng() & 0xFF);
    EXPECT_EQ(decode_base64(base64(bytes)), bytes);
  }
}

struct OffsetCase {
  std::string_view value;
  std::vector<std::string> want;
};

// Expected values computed with pySigma's algorithm (SigmaBase64OffsetModifier):
//   b64encode(i * b" " + value)[(0, 2, 3)[i] : (None, -3, -2)[(len(value) + i) % 3]]
class Base64Offset : public testing::TestWithParam<OffsetCase> {};

TEST_P(Base64Offset, MatchesPySigma) { EXPECT_EQ(base64offset(GetParam().value), GetParam().want); }

// Whatever precedes and follows the value, base64 of the whole contains the variant of the
// value's offset modulo 3: this is the guarantee the modifier relies on.
TEST_P(Base64Offset, VariantOccursInEncodingOfAnyEmbedding) {
  const std::string_view value = GetParam().value;
  const std::vector<std::string> variants = base64offset(value);
  std::mt19937 rng(7);
  for (int trial = 0; trial < 60; ++trial) {
    std::string data(static_cast<std::size_t>(trial % 6), '\0');
    for (char& c : data) c = static_cast<char>(rng() & 0xFF);
    const std::size_t offset = data.size();
    data.append(value);
    const std::size_t tail = rng() % 5;
    for (std::size_t k = 0; k < tail; ++k) data.push_back(static_cast<char>(rng() & 0xFF));
    const std::string encoded = base64(data);
    EXPECT_NE(encoded.find(variants[offset % 3]), std::string::npos)
        << "offset " << offset << " tail " << tail;
    EXPECT_EQ(decode_base64(encoded), data);
  }
}

INSTANTIATE_TEST_SUITE_P(
    PySigma, Base64Offset,
    testing::Values(
        OffsetCase{"a"sv, {"Y", "", "h"}},  // pySigma also yields an empty middle variant
        OffsetCase{"ab"sv, {"YW", "Fi", "hY"}}, OffsetCase{"abc"sv, {"YWJj", "FiY", "hYm"}},
        OffsetCase{"abcd"sv, {"YWJjZ", "FiY2", "hYmNk"}},
        OffsetCase{"abcde"sv, {"YWJjZG", "FiY2Rl", "hYmNkZ"}},
        OffsetCase{"abcdef"sv, {"YWJjZGVm", "FiY2RlZ", "hYmNkZW"}},
        OffsetCase{"http://"sv, {"aHR0cDovL", "h0dHA6Ly", "odHRwOi8v"}},  // SIGMA.md
        OffsetCase{"cmd.exe"sv, {"Y21kLmV4Z", "NtZC5leG", "jbWQuZXhl"}},
        OffsetCase{"abcdefgh"sv, {"YWJjZGVmZ2", "FiY2RlZmdo", "hYmNkZWZna"}},
        OffsetCase{"abcdefghi"sv, {"YWJjZGVmZ2hp", "FiY2RlZmdoa", "hYmNkZWZnaG"}},
        OffsetCase{"powershell"sv, {"cG93ZXJzaGVsb", "Bvd2Vyc2hlbG", "wb3dlcnNoZWxs"}},
        OffsetCase{"0123456789"sv, {"MDEyMzQ1Njc4O", "AxMjM0NTY3OD", "wMTIzNDU2Nzg5"}},
        OffsetCase{"IEX ("sv, {"SUVYIC", "lFWCAo", "JRVggK"}},
        OffsetCase{"/c ping"sv, {"L2MgcGluZ", "9jIHBpbm", "vYyBwaW5n"}},
        OffsetCase{"\xC3\xA9"sv, {"w6", "Op", "Dq"}},
        OffsetCase{"\x00\xFF\x10"sv, {"AP8Q", "D/E", "A/x"}},
        // wide|base64offset: the UTF-16LE bytes of "cmd" and "ping".
        OffsetCase{"c\x00m\x00"
                   "d\x00"sv,
                   {"YwBtAGQA", "MAbQBkA", "jAG0AZA"}},
        OffsetCase{"p\x00i\x00n\x00g\x00"sv, {"cABpAG4AZw", "AAaQBuAGcA", "wAGkAbgBnA"}}));

TEST(Base64OffsetEdge, EmptyValue) {
  EXPECT_EQ(base64offset(""), (std::vector<std::string>{"", "", ""}));
}

TEST(Utf16, Table) {
  struct Case {
    std::string_view in;
    std::string_view le;
    std::string_view be;
  };
  const Case cases[] = {
      {""sv, ""sv, ""sv},
      {"A"sv, "A\x00"sv,
       "\x00"
       "A"sv},
      {"cmd"sv,
       "c\x00m\x00"
       "d\x00"sv,
       "\x00"
       "c\x00m\x00"
       "d"sv},
      {"\xC3\xA9"sv, "\xE9\x00"sv, "\x00\xE9"sv},                          // é U+00E9
      {"\xE2\x82\xAC"sv, "\xAC\x20"sv, "\x20\xAC"sv},                      // € U+20AC
      {"\xD0\x96"sv, "\x16\x04"sv, "\x04\x16"sv},                          // Ж U+0416
      {"\xF0\x9F\x98\x80"sv, "\x3D\xD8\x00\xDE"sv, "\xD8\x3D\xDE\x00"sv},  // U+1F600
      {"\xF4\x8F\xBF\xBF"sv, "\xFF\xDB\xFF\xDF"sv, "\xDB\xFF\xDF\xFF"sv},  // U+10FFFF
      {"\xF0\x90\x80\x80"sv, "\x00\xD8\x00\xDC"sv, "\xD8\x00\xDC\x00"sv},  // U+10000
      {"\xFF"
       "a"sv,
       "\xFD\xFF"
       "a\x00"sv,
       "\xFF\xFD\x00"
       "a"sv},  // invalid -> U+FFFD
  };
  for (const Case& c : cases) {
    EXPECT_EQ(utf16le(c.in), c.le) << testing::PrintToString(std::string(c.in));
    EXPECT_EQ(utf16be(c.in), c.be) << testing::PrintToString(std::string(c.in));
    EXPECT_EQ(wide(c.in), c.le);
    EXPECT_EQ(utf16_bom(c.in), std::string("\xFF\xFE") + std::string(c.le));
  }
}

TEST(Utf16, WideThenBase64) {
  // SigmaHQ's `|wide|base64`: base64 of UTF-16LE.
  EXPECT_EQ(base64(wide("cmd")), "YwBtAGQA");
}

}  // namespace
}  // namespace vigie::match
