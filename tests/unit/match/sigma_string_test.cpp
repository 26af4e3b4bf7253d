#include "match/sigma_string.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace vigie::match {
namespace {

using Kind = SigmaString::PartKind;
using Part = SigmaString::Part;

Part lit(std::string text) { return {Kind::kLiteral, std::move(text)}; }
const Part kRun{Kind::kAnyRun, {}};
const Part kOne{Kind::kAnyOne, {}};

struct ParseCase {
  std::string raw;
  std::vector<Part> parts;
};

class SigmaStringParse : public testing::TestWithParam<ParseCase> {};

TEST_P(SigmaStringParse, Parts) {
  const ParseCase& c = GetParam();
  const SigmaString s = SigmaString::parse(c.raw);
  EXPECT_EQ(s.parts, c.parts) << "raw: " << c.raw << " display: " << s.to_display();
  // The display form is a faithful re-escaping.
  EXPECT_EQ(SigmaString::parse(s.to_display()), s) << c.raw;
}

INSTANTIATE_TEST_SUITE_P(
    Table, SigmaStringParse,
    testing::Values(ParseCase{"", {}}, ParseCase{"abc", {lit("abc")}},
                    ParseCase{" padded ", {lit(" padded ")}},  // spaces are significant
                    ParseCase{"*", {kRun}}, ParseCase{"***", {kRun}}, ParseCase{"?", {kOne}},
                    ParseCase{"??", {kOne, kOne}},
                    ParseCase{"a*b?c", {lit("a"), kRun, lit("b"), kOne, lit("c")}},
                    ParseCase{"a**?*", {lit("a"), kRun, kOne, kRun}},
                    ParseCase{R"(\*)", {lit("*")}}, ParseCase{R"(\?)", {lit("?")}},
                    ParseCase{R"(\\)", {lit("\\")}},
                    // \\* is an escaped backslash, then a wildcard.
                    ParseCase{R"(\\*)", {lit("\\"), kRun}}, ParseCase{R"(\\\*)", {lit("\\*")}},
                    ParseCase{R"(\\\\)", {lit("\\\\")}},
                    // A backslash before any other character is literal, and so is the next one.
                    ParseCase{R"(\a)", {lit("\\a")}},
                    ParseCase{R"(C:\Windows\System32\)", {lit("C:\\Windows\\System32\\")}},
                    ParseCase{R"(C:\Windows\*.exe)", {lit("C:\\Windows*.exe")}},
                    ParseCase{R"(C:\Windows\\*.exe)", {lit("C:\\Windows\\"), kRun, lit(".exe")}},
                    ParseCase{R"(a\b\\c)", {lit("a\\b\\c")}},
                    // A trailing lone backslash is literal.
                    ParseCase{R"(abc\)", {lit("abc\\")}}, ParseCase{R"(\)", {lit("\\")}},
                    ParseCase{R"(*\*?)", {kRun, lit("*"), kOne}},
                    ParseCase{"line1\n*line2", {lit("line1\n"), kRun, lit("line2")}},
                    ParseCase{"\xC3\xA9?\xE2\x82\xAC",
                              {lit("\xC3\xA9"), kOne, lit("\xE2\x82\xAC")}}));

TEST(SigmaString, LiteralHasNoWildcards) {
  const SigmaString s = SigmaString::literal("a*b\\?c");
  ASSERT_EQ(s.parts.size(), 1u);
  EXPECT_FALSE(s.has_wildcards());
  EXPECT_EQ(s.plain(), "a*b\\?c");
  EXPECT_EQ(s.to_display(), "a\\*b\\\\\\?c");
  EXPECT_EQ(SigmaString::parse(s.to_display()), s);
  EXPECT_TRUE(SigmaString::literal("").parts.empty());
}

TEST(SigmaString, HasWildcardsAndPlain) {
  EXPECT_FALSE(SigmaString::parse("plain").has_wildcards());
  EXPECT_FALSE(SigmaString::parse(R"(esc\*aped)").has_wildcards());
  EXPECT_EQ(SigmaString::parse(R"(esc\*aped)").plain(), "esc*aped");
  EXPECT_TRUE(SigmaString::parse("a?").has_wildcards());
  EXPECT_TRUE(SigmaString::parse("*").has_wildcards());
}

TEST(SigmaString, PrependAppendAny) {
  SigmaString s = SigmaString::parse("mid");
  s.prepend_any().append_any();
  EXPECT_EQ(s.parts, (std::vector<Part>{kRun, lit("mid"), kRun}));
  s.prepend_any().append_any();  // already there: no double star
  EXPECT_EQ(s.parts, (std::vector<Part>{kRun, lit("mid"), kRun}));

  SigmaString empty = SigmaString::parse("");
  empty.prepend_any().append_any();  // contains '' = anything
  EXPECT_EQ(empty.parts, (std::vector<Part>{kRun}));

  SigmaString q = SigmaString::parse("?x");
  q.prepend_any();
  EXPECT_EQ(q.parts, (std::vector<Part>{kRun, kOne, lit("x")}));
}

TEST(SigmaString, LongestLiteral) {
  EXPECT_EQ(SigmaString::parse("ab*cdef?g").longest_literal(), "cdef");
  EXPECT_EQ(SigmaString::parse("abc*def").longest_literal(), "abc");  // first on ties
  EXPECT_EQ(SigmaString::parse("*?*").longest_literal(), "");
  EXPECT_EQ(SigmaString::parse("").longest_literal(), "");
}

// --- windash ---------------------------------------------------------------------------------

const char* const kEnDash = "\xE2\x80\x93";
const char* const kEmDash = "\xE2\x80\x94";
const char* const kHBar = "\xE2\x80\x95";

std::vector<std::string> displays(const std::vector<SigmaString>& v) {
  std::vector<std::string> out;
  out.reserve(v.size());
  for (const SigmaString& s : v) out.push_back(s.to_display());
  return out;
}

struct WindashCase {
  std::string raw;
  std::size_t variants;
};

class Windash : public testing::TestWithParam<WindashCase> {};

TEST_P(Windash, CountFirstAndDistinct) {
  const WindashCase& c = GetParam();
  const SigmaString s = SigmaString::parse(c.raw);
  const auto v = windash_variants(s);
  ASSERT_TRUE(v.has_value()) << c.raw;
  EXPECT_EQ(v->size(), c.variants) << c.raw;
  EXPECT_EQ(v->front(), s) << c.raw;
  const std::vector<std::string> d = displays(*v);
  EXPECT_EQ(std::set<std::string>(d.begin(), d.end()).size(), d.size()) << c.raw;
}

INSTANTIATE_TEST_SUITE_P(
    Table, Windash,
    testing::Values(
        // No position: no dash, a dash after a word character, a dash not followed by one.
        WindashCase{"whoami", 1}, WindashCase{"a-b", 1}, WindashCase{"-", 1}, WindashCase{"x -", 1},
        WindashCase{"- x", 1}, WindashCase{"-*", 1}, WindashCase{"", 1},
        // One position.
        WindashCase{" -exec", 5}, WindashCase{"/c", 5}, WindashCase{"--x", 5},
        WindashCase{"*-foo*", 5},  // start of a literal part after a wildcard counts
        WindashCase{"x*-y", 5}, WindashCase{" -_x", 5}, WindashCase{" -9", 5},
        WindashCase{"\xC3\xA9-x", 5},  // non-ASCII before the dash is a non-word byte
        // Two and three positions.
        WindashCase{"*ping -n 1 /w*", 25}, WindashCase{"-a -b /c", 125},
        WindashCase{"*-a*-b*/c*", 125},
        // Four positions: 625, still under the default cap.
        WindashCase{"-a -b -c -d", 625}));

TEST(Windash, OnePositionVariantsInOrder) {
  const auto v = windash_variants(SigmaString::parse(" -exec"));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(displays(*v),
            (std::vector<std::string>{" -exec", " /exec", std::string(" ") + kEnDash + "exec",
                                      std::string(" ") + kEmDash + "exec",
                                      std::string(" ") + kHBar + "exec"}));
  const auto slash = windash_variants(SigmaString::parse("/c"));
  ASSERT_TRUE(slash.has_value());
  EXPECT_EQ(displays(*slash),
            (std::vector<std::string>{"/c", "-c", std::string(kEnDash) + "c",
                                      std::string(kEmDash) + "c", std::string(kHBar) + "c"}));
}

TEST(Windash, CartesianProductOverPositions) {
  const auto v = windash_variants(SigmaString::parse("-a -b /c"));
  ASSERT_TRUE(v.has_value());
  const std::vector<std::string> d = displays(*v);
  const std::set<std::string> all(d.begin(), d.end());
  EXPECT_TRUE(all.count(std::string(kEmDash) + "a /b -c"));
  EXPECT_TRUE(all.count(std::string("/a ") + kHBar + "b " + kEnDash + "c"));
  EXPECT_TRUE(all.count("/a /b /c"));
  EXPECT_FALSE(all.count("-a-b /c"));
}

TEST(Windash, KeepsWildcards) {
  const auto v = windash_variants(SigmaString::parse("*-foo?*"));
  ASSERT_TRUE(v.has_value());
  ASSERT_EQ(v->size(), 5u);
  EXPECT_EQ((*v)[1].parts, (std::vector<Part>{kRun, lit("/foo"), kOne, kRun}));
}

TEST(Windash, Cap) {
  EXPECT_FALSE(windash_variants(SigmaString::parse("-a -b -c -d -e")).has_value());  // 3125
  EXPECT_TRUE(windash_variants(SigmaString::parse("-a -b -c -d -e"), 3125).has_value());
  EXPECT_FALSE(windash_variants(SigmaString::parse("-a"), 4).has_value());
  EXPECT_TRUE(windash_variants(SigmaString::parse("-a"), 5).has_value());
  EXPECT_TRUE(windash_variants(SigmaString::parse("none"), 1).has_value());
  // Many positions must not overflow the count.
  std::string many;
  for (int i = 0; i < 64; ++i) many += " -x";
  EXPECT_FALSE(
      windash_variants(SigmaString::parse(many), static_cast<std::size_t>(-1)).has_value());
}

}  // namespace
}  // namespace vigie::match
