#include "common/utf8.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace vigie::utf8 {
namespace {

using namespace std::string_view_literals;

std::string encode(char32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    s.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    s.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
  return s;
}

TEST(Utf8Valid, Table) {
  struct Case {
    std::string_view text;
    bool valid;
  };
  const Case cases[] = {
      {""sv, true},
      {"plain ascii"sv, true},
      {"nul\0inside"sv, true},
      {"\xC3\xA9"sv, true},           // é
      {"\xE2\x82\xAC"sv, true},       // €
      {"\xF0\x9F\x98\x80"sv, true},   // U+1F600
      {"\xF4\x8F\xBF\xBF"sv, true},   // U+10FFFF
      {"\xEF\xBF\xBF"sv, true},       // U+FFFF
      {"\xC3"sv, false},              // truncated
      {"\xE2\x82"sv, false},          // truncated
      {"\x80"sv, false},              // lone continuation
      {"\xC0\x80"sv, false},          // overlong NUL
      {"\xC1\x81"sv, false},          // overlong 'A'
      {"\xE0\x80\xAF"sv, false},      // overlong '/'
      {"\xF0\x80\x80\xAF"sv, false},  // overlong '/'
      {"\xED\xA0\x80"sv, false},      // surrogate U+D800
      {"\xF4\x90\x80\x80"sv, false},  // U+110000
      {"\xF5\x80\x80\x80"sv, false},  // lead beyond F4
      {"\xFF"sv, false},
      {"a\xC3(b"sv, false},  // bad continuation
  };
  for (const Case& c : cases) {
    EXPECT_EQ(valid(c.text), c.valid) << testing::PrintToString(std::string(c.text));
  }
}

TEST(Utf8HasNonAscii, Table) {
  EXPECT_FALSE(has_non_ascii(""));
  EXPECT_FALSE(has_non_ascii("abc\x7F"));
  EXPECT_TRUE(has_non_ascii("abc\xC3\xA9"));
  EXPECT_TRUE(has_non_ascii("\x80"));
}

TEST(Utf8CodepointLength, AllLeadBytes) {
  for (int b = 0; b < 256; ++b) {
    std::size_t want = 1;
    if (b >= 0xC2 && b <= 0xDF) want = 2;
    if (b >= 0xE0 && b <= 0xEF) want = 3;
    if (b >= 0xF0 && b <= 0xF4) want = 4;
    EXPECT_EQ(codepoint_length(static_cast<unsigned char>(b)), want) << b;
  }
}

TEST(Utf8CharLengthAt, WellFormedAndNot) {
  const std::string_view s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xC3z\x80"sv;
  EXPECT_EQ(char_length_at(s, 0), 1u);             // a
  EXPECT_EQ(char_length_at(s, 1), 2u);             // é
  EXPECT_EQ(char_length_at(s, 2), 1u);             // continuation byte on its own
  EXPECT_EQ(char_length_at(s, 3), 3u);             // €
  EXPECT_EQ(char_length_at(s, 6), 4u);             // U+1F600
  EXPECT_EQ(char_length_at(s, 10), 1u);            // C3 followed by 'z'
  EXPECT_EQ(char_length_at(s, 12), 1u);            // lone continuation at the end
  EXPECT_EQ(char_length_at("\xE2\x82"sv, 0), 1u);  // truncated at the end of the text
}

TEST(Utf8Fold, Table) {
  struct Case {
    std::string_view in;
    std::string_view want;
  };
  const Case cases[] = {
      {"", ""},
      {"CMD.EXE /C Whoami", "cmd.exe /c whoami"},
      {"\\\\?\\C:\\WINDOWS\\", "\\\\?\\c:\\windows\\"},
      {"\xC3\x89", "\xC3\xA9"},                  // É -> é
      {"\xC3\x84", "\xC3\xA4"},                  // Ä -> ä
      {"\xC3\x80\xC3\x9E", "\xC3\xA0\xC3\xBE"},  // À Þ -> à þ
      {"\xC3\x97", "\xC3\x97"},                  // × is not a letter
      {"\xC3\x9F", "\xC3\x9F"},                  // ß has no one-character fold
      {"\xC5\xB8", "\xC3\xBF"},                  // Ÿ -> ÿ (Latin Ext-A to Latin-1)
      {"\xC5\x81\xC5\x90", "\xC5\x82\xC5\x91"},  // Ł Ő -> ł ő
      {"\xC4\x8C", "\xC4\x8D"},                  // Č -> č
      {"\xC6\x81", "\xC9\x93"},                  // Ɓ -> ɓ (Latin Ext-B)
      {"\xC7\x84\xC7\x85", "\xC7\x86\xC7\x86"},  // Ǆ ǅ -> ǆ ǆ
      {"\xC8\x80", "\xC8\x81"},                  // Ȁ -> ȁ
      {"\xCE\xA9", "\xCF\x89"},                  // Ω -> ω
      {"\xCE\x91\xCE\x92\xCE\xA3", "\xCE\xB1\xCE\xB2\xCF\x83"},  // ΑΒΣ -> αβσ
      {"\xCE\x86", "\xCE\xAC"},                                  // Ά -> ά
      {"\xCF\x82", "\xCF\x82"},                  // final sigma stays (lowercase mapping)
      {"\xD0\x94", "\xD0\xB4"},                  // Д -> д
      {"\xD0\x96", "\xD0\xB6"},                  // Ж -> ж
      {"\xD0\x81\xD0\x87", "\xD1\x91\xD1\x97"},  // Ё Ї -> ё ї
      {"\xD2\x90", "\xD2\x91"},                  // Ґ -> ґ
      {"\xD4\xB1", "\xD5\xA1"},                  // Armenian Ա -> ա
      {"\xE1\xBA\xA0", "\xE1\xBA\xA1"},          // Ạ -> ạ (Latin Extended Additional)
      {"\xEF\xBC\xA1\xEF\xBC\xBA", "\xEF\xBD\x81\xEF\xBD\x9A"},  // fullwidth A Z -> a z
      // Left unmapped because the lowercase form has another UTF-8 length.
      {"\xC4\xB0", "\xC4\xB0"},          // İ (-> i)
      {"\xE1\xBA\x9E", "\xE1\xBA\x9E"},  // ẞ (-> ß)
      {"\xE2\x84\xAA", "\xE2\x84\xAA"},  // KELVIN SIGN (-> k)
      {"\xE2\x84\xA6", "\xE2\x84\xA6"},  // OHM SIGN (-> ω)
      {"\xC8\xBA", "\xC8\xBA"},          // Ⱥ (-> U+2C65)
      // Invalid bytes pass through; valid neighbours are still folded.
      {"A\x80"
       "B",
       "a\x80"
       "b"},
      {"\xFF\xC3", "\xFF\xC3"},
      {"\xC3"
       "A",
       "\xC3"
       "a"},
      {"\xC1\x81", "\xC1\x81"},  // overlong 'A' is not an 'A'
      {"X\xC3", "x\xC3"},        // truncated at the end
      {"\xEF\xBC", "\xEF\xBC"},  // truncated fullwidth
      {"ÉCOLE Ωmega ДЖ", "école ωmega дж"},
  };
  std::string out;
  for (const Case& c : cases) {
    fold(c.in, out);
    EXPECT_EQ(out, c.want) << testing::PrintToString(std::string(c.in));
    EXPECT_EQ(folded(c.in), c.want);
  }
}

TEST(Utf8Fold, LowercaseIsAFixedPoint) {
  const std::string lower = "école ωmega дж ß ǆ ա ạ ａ";
  EXPECT_EQ(folded(lower), lower);
}

// Over every code point: folding keeps the byte length, yields valid UTF-8, is idempotent, and
// agrees with fold_codepoint.
TEST(Utf8Fold, EveryCodePointKeepsLengthAndIsIdempotent) {
  std::string once;
  std::string twice;
  std::size_t mapped = 0;
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    const std::string in = encode(cp);
    fold(in, once);
    ASSERT_EQ(once.size(), in.size()) << std::hex << static_cast<unsigned>(cp);
    ASSERT_TRUE(valid(once)) << std::hex << static_cast<unsigned>(cp);
    ASSERT_EQ(once, encode(fold_codepoint(cp))) << std::hex << static_cast<unsigned>(cp);
    fold(once, twice);
    ASSERT_EQ(twice, once) << std::hex << static_cast<unsigned>(cp);
    if (once != in) ++mapped;
  }
  // The number of code points mapped, cross-checked against Python 3.11's str.lower() (Unicode
  // 14) over the folded blocks, minus the four length-changing ones (U+0130, U+023A, U+023E,
  // U+1E9E): guards against a range silently dropping out of the table.
  EXPECT_EQ(mapped, 615u);
}

TEST(Utf8FoldAscii, OnlyAsciiLetters) {
  std::string s = "MiXeD 123 \xC3\x89 [Z]";
  fold_ascii_inplace(s.data(), s.size());
  EXPECT_EQ(s, "mixed 123 \xC3\x89 [z]");
  for (int b = 0; b < 256; ++b) {
    const int want = (b >= 'A' && b <= 'Z') ? b + 32 : b;
    EXPECT_EQ(kAsciiLower[static_cast<std::size_t>(b)], want);
  }
  static_assert(kAsciiLower['Q'] == 'q' && kAsciiLower['@'] == '@' && kAsciiLower['['] == '[');
}

TEST(Utf8Fold, ReusesTheOutputBuffer) {
  std::string out;
  out.reserve(64);
  const char* data = out.data();
  fold("SHORT", out);
  EXPECT_EQ(out, "short");
  fold("A", out);
  EXPECT_EQ(out, "a");
  EXPECT_EQ(out.data(), data);
}

}  // namespace
}  // namespace vigie::utf8
