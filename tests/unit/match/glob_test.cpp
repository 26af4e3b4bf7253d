#include "match/glob.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "common/utf8.h"

namespace vigie::match {
namespace {

struct GlobCase {
  std::string pattern;  // raw Sigma value (escapes and wildcards)
  bool case_insensitive;
  std::string value;  // as found in the event (folded by the test when case-insensitive)
  bool want;
};

class GlobTable : public testing::TestWithParam<GlobCase> {};

TEST_P(GlobTable, Match) {
  const GlobCase& c = GetParam();
  const Glob g = Glob::compile(SigmaString::parse(c.pattern), c.case_insensitive);
  const std::string value = c.case_insensitive ? utf8::folded(c.value) : c.value;
  EXPECT_EQ(g.match(value), c.want)
      << "pattern " << c.pattern << " value " << testing::PrintToString(c.value);
}

INSTANTIATE_TEST_SUITE_P(
    Table, GlobTable,
    testing::Values(
        // Plain equality.
        GlobCase{"abc", false, "abc", true}, GlobCase{"abc", false, "abcd", false},
        GlobCase{"abc", false, "", false}, GlobCase{"", false, "", true},
        GlobCase{"", false, "a", false}, GlobCase{" a ", false, "a", false},
        // `*` in every position; it spans newlines and may be empty.
        GlobCase{"*", false, "", true}, GlobCase{"*", false, "any\nthing", true},
        GlobCase{"abc*", false, "abcdef", true}, GlobCase{"abc*", false, "xabc", false},
        GlobCase{"*.exe", false, "cmd.exe", true}, GlobCase{"*.exe", false, "cmd.exe ", false},
        GlobCase{"*cmd*", false, "a cmd b", true}, GlobCase{"*cmd*", false, "cm d", false},
        GlobCase{"a*b", false, "ab", true}, GlobCase{"a*b", false, "a\nb", true},
        GlobCase{"a*b", false, "a\r\n\r\nxb", true}, GlobCase{"a*b", false, "ba", false},
        GlobCase{"*a*b*c*", false, "xaybzc", true}, GlobCase{"*a*b*c*", false, "xaybz", false},
        GlobCase{"a*a*a", false, "aaa", true}, GlobCase{"a*a*a", false, "aa", false},
        GlobCase{"*ab*ab", false, "abab", true}, GlobCase{"*ab*ab", false, "ababab", true},
        GlobCase{"ab*ba", false, "aba", false}, GlobCase{"ab*ba", false, "abba", true},
        GlobCase{"*x*y", false, "xyxy", true}, GlobCase{"*x*y", false, "xyx", false},
        // `?` is one code point, whatever its byte length, newline included.
        GlobCase{"?", false, "a", true}, GlobCase{"?", false, "", false},
        GlobCase{"?", false, "ab", false}, GlobCase{"?", false, "\n", true},
        GlobCase{"?", false, "\xC3\xA9", true},          // é, 2 bytes
        GlobCase{"?", false, "\xE2\x82\xAC", true},      // €, 3 bytes
        GlobCase{"?", false, "\xF0\x9F\x98\x80", true},  // U+1F600, 4 bytes
        GlobCase{"??", false, "\xC3\xA9", false},
        GlobCase{"??", false, "\xC3\xA9\xE2\x82\xAC", true},
        GlobCase{"*??", false, "\xE2\x82\xAC", false},  // a star never stops inside a character
        GlobCase{"*?", false, "\xE2\x82\xAC", true},
        GlobCase{"*?\xE2\x82\xAC", false, "x\xE2\x82\xAC", true},
        GlobCase{"a?c", false, "abc", true},
        GlobCase{"a?c", false,
                 "a\xC3\xA9"
                 "c",
                 true},
        GlobCase{"a?c", false, "ac", false}, GlobCase{"a?c", false, "a\nc", true},
        GlobCase{"?\xC3\xA9", false, "\xC3\xA9\xC3\xA9", true},
        GlobCase{"?", false, "\xFF", true},  // an invalid byte counts as one character
        GlobCase{"??", false, "\xC3", false},
        // Escapes.
        GlobCase{R"(a\*b)", false, "a*b", true}, GlobCase{R"(a\*b)", false, "axb", false},
        GlobCase{R"(a\?b)", false, "axb", false}, GlobCase{R"(a\?b)", false, "a?b", true},
        GlobCase{R"(C:\\*)", false, "C:\\Windows", true},
        GlobCase{R"(C:\\*)", false, "C:Windows", false},
        GlobCase{R"(\Device\*)", false, "\\Device*", true},
        GlobCase{R"(\Device\*)", false, "\\Device\\x", false},
        GlobCase{R"(tail\)", false, "tail\\", true},
        // Case-insensitive: literal folded at compile time, value folded by the caller.
        GlobCase{"CMD.EXE", true, "cmd.exe", true}, GlobCase{"cmd.exe", true, "CMD.EXE", true},
        GlobCase{"CMD.EXE", false, "cmd.exe", false},
        GlobCase{R"(*\WINDOWS\\*)", true, "C:\\Windows\\system32", true},
        // `\*` is an escaped star, so this pattern ends with a literal '*'.
        GlobCase{R"(*\WINDOWS\*)", true, "C:\\Windows\\system32", false},
        GlobCase{R"(*\WINDOWS\*)", true, "C:\\Windows*", true},
        GlobCase{"\xC3\x89"
                 "COLE*",
                 true,
                 "\xC3\xA9"
                 "cole primaire",
                 true},                                         // École
        GlobCase{"*\xD0\x96*", true, "\xD0\xB6", true},         // Ж vs ж
        GlobCase{"\xCE\xA9?", true, "\xCF\x89\xCE\xA9", true},  // Ω? vs ωΩ
        GlobCase{"\xC3\x89", false, "\xC3\xA9", false}));

TEST(Glob, FastPathShapes) {
  auto kind = [](const char* p) { return Glob::compile(SigmaString::parse(p), false).kind(); };
  EXPECT_EQ(kind("abc"), Glob::Kind::kExact);
  EXPECT_EQ(kind(""), Glob::Kind::kExact);
  EXPECT_EQ(kind("abc*"), Glob::Kind::kPrefix);
  EXPECT_EQ(kind("*abc"), Glob::Kind::kSuffix);
  EXPECT_EQ(kind("*abc*"), Glob::Kind::kInfix);
  EXPECT_EQ(kind("*"), Glob::Kind::kAny);
  EXPECT_EQ(kind("a*b"), Glob::Kind::kGeneral);
  EXPECT_EQ(kind("a?"), Glob::Kind::kGeneral);
  EXPECT_TRUE(Glob::compile(SigmaString::parse("X"), true).case_insensitive());
  EXPECT_TRUE(Glob().match(""));
  EXPECT_FALSE(Glob().match("x"));
}

TEST(Glob, UnnormalisedInputIsNormalised) {
  SigmaString s;
  using K = SigmaString::PartKind;
  s.parts = {{K::kAnyRun, {}},  {K::kAnyRun, {}},   {K::kLiteral, "a"},
             {K::kLiteral, ""}, {K::kLiteral, "b"}, {K::kAnyRun, {}}};
  const Glob g = Glob::compile(s, false);
  EXPECT_EQ(g.kind(), Glob::Kind::kInfix);
  EXPECT_TRUE(g.match("xaby"));
  EXPECT_FALSE(g.match("a b"));
}

// Adversarial patterns: without the last-star-only backtracking these take exponential time.
// No timing assertion, only that they finish with the right answer.
TEST(Glob, AdversarialPatternsAreNotExponential) {
  const std::string value(100 * 1024, 'a');
  EXPECT_FALSE(Glob::compile(SigmaString::parse("*a*a*a*a*a*b"), false).match(value));
  EXPECT_FALSE(Glob::compile(SigmaString::parse("*a?a?a?a?a?b"), false).match(value));
  EXPECT_FALSE(Glob::compile(SigmaString::parse("*?*?*?*?*?b"), false).match(value));
  EXPECT_TRUE(Glob::compile(SigmaString::parse("*a*a*a*a*a*a"), false).match(value));
  EXPECT_TRUE(Glob::compile(SigmaString::parse("a*a?a*"), false).match(value));
  std::string almost = value;
  almost.back() = 'b';
  EXPECT_TRUE(Glob::compile(SigmaString::parse("*a*a*a*a*a*b"), false).match(almost));
}

// Reference: dynamic programming over code points, the definition of the semantics.
bool reference_match(const SigmaString& p, const std::string& v) {
  struct Item {
    SigmaString::PartKind kind;
    std::string ch;
  };
  std::vector<Item> items;
  for (const auto& part : p.parts) {
    if (part.kind != SigmaString::PartKind::kLiteral) {
      items.push_back({part.kind, {}});
      continue;
    }
    for (std::size_t i = 0; i < part.text.size();) {
      const std::size_t len = utf8::char_length_at(part.text, i);
      items.push_back({part.kind, part.text.substr(i, len)});
      i += len;
    }
  }
  std::vector<std::string> chars;
  for (std::size_t i = 0; i < v.size();) {
    const std::size_t len = utf8::char_length_at(v, i);
    chars.push_back(v.substr(i, len));
    i += len;
  }
  const std::size_t m = items.size();
  const std::size_t n = chars.size();
  // dp[j][i]: items[j..] match chars[i..]
  std::vector<std::vector<char>> dp(m + 1, std::vector<char>(n + 1, 0));
  dp[m][n] = 1;
  for (std::size_t j = m; j-- > 0;) {
    for (std::size_t i = n + 1; i-- > 0;) {
      const Item& it = items[j];
      if (it.kind == SigmaString::PartKind::kAnyRun) {
        dp[j][i] = dp[j + 1][i] || (i < n && dp[j][i + 1]);
      } else if (i < n) {
        const bool ok = it.kind == SigmaString::PartKind::kAnyOne || it.ch == chars[i];
        dp[j][i] = ok && dp[j + 1][i + 1];
      }
    }
  }
  return dp[0][0];
}

TEST(Glob, AgreesWithReferenceOnRandomPatterns) {
  std::mt19937 rng(1234);
  const std::vector<std::string> pattern_atoms = {"a", "b", "\xC3\xA9", "*", "?", "ab"};
  const std::vector<std::string> value_atoms = {"a", "b", "\xC3\xA9", "\xE2\x82\xAC", "\n"};
  for (int round = 0; round < 3000; ++round) {
    std::string raw;
    const int plen = static_cast<int>(rng() % 8);
    for (int k = 0; k < plen; ++k) raw += pattern_atoms[rng() % pattern_atoms.size()];
    std::string value;
    const int vlen = static_cast<int>(rng() % 10);
    for (int k = 0; k < vlen; ++k) value += value_atoms[rng() % value_atoms.size()];
    const SigmaString p = SigmaString::parse(raw);
    ASSERT_EQ(Glob::compile(p, false).match(value), reference_match(p, value))
        << "pattern " << raw << " value " << testing::PrintToString(value);
  }
}

}  // namespace
}  // namespace vigie::match
