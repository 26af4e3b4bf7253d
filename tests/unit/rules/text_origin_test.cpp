// Positions of bytes of decoded YAML scalars in the file (rules/text_origin.h): every scalar style,
// escapes, folding, block indicators, multi-byte UTF-8 (columns count bytes), CRLF, and the
// loader's use of it (condition tokens, modifiers, value origins, a byte order mark).
#include "rules/text_origin.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "rules/loader.h"

namespace vigie::rules {
namespace {

std::vector<std::string_view> split_lines(const std::string& text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(std::string_view(text).substr(start, end - start));
    if (end == text.size()) break;
    start = end + 1;
  }
  return lines;
}

// The origin of the scalar whose node starts at 1-based `line`:`column` (as yaml-cpp marks it:
// opening quote, block indicator, tag or first byte) and whose decoded text is `decoded`.
TextOrigin origin(const std::string& yaml, int line, int column, std::string_view decoded) {
  const std::vector<std::string_view> lines = split_lines(yaml);
  return scalar_origin(lines, line - 1, column - 1, 1, decoded);
}

// line:col of a position, for readable failures.
std::string lc(SourcePos p) { return std::to_string(p.line) + ":" + std::to_string(p.column); }

TEST(TextOrigin, PlainOneLine) {
  const TextOrigin o = origin("a: value\n", 1, 4, "value");
  EXPECT_EQ(lc(o.start()), "1:4");
  EXPECT_EQ(lc(o.at(0)), "1:4");
  EXPECT_EQ(lc(o.at(4)), "1:8");
  EXPECT_EQ(lc(o.at(5)), "1:9");  // the end: just after the last byte
}

TEST(TextOrigin, PlainMultiLineFolds) {
  // "one" (space) "two" (newline for the empty line) "three"; trailing blanks are dropped.
  const TextOrigin o = origin("a: one  \n  two\n\n  three\n", 1, 4, "one two\nthree");
  EXPECT_EQ(lc(o.at(2)), "1:6");
  EXPECT_EQ(lc(o.at(3)), "1:7");  // the folded space: end of line 1
  EXPECT_EQ(lc(o.at(4)), "2:3");
  EXPECT_EQ(lc(o.at(7)), "2:6");  // the newline of the empty line: end of line 2
  EXPECT_EQ(lc(o.at(8)), "4:3");
  EXPECT_EQ(lc(o.at(13)), "4:8");
}

TEST(TextOrigin, SingleQuotedDoubledQuote) {
  // a: 'it''s x'  -> it's x
  const TextOrigin o = origin("a: 'it''s x'\n", 1, 4, "it's x");
  EXPECT_EQ(lc(o.start()), "1:5");
  EXPECT_EQ(lc(o.at(2)), "1:7");  // the quote: first of the two written
  EXPECT_EQ(lc(o.at(3)), "1:9");
  EXPECT_EQ(lc(o.at(5)), "1:11");
  EXPECT_EQ(lc(o.at(6)), "1:12");  // the end: the closing quote
}

TEST(TextOrigin, SingleQuotedMultiLine) {
  const TextOrigin o = origin("a: 'one\n\n   two'\n", 1, 4, "one\ntwo");
  EXPECT_EQ(lc(o.at(3)), "1:8");
  EXPECT_EQ(lc(o.at(4)), "3:4");
  EXPECT_EQ(lc(o.at(7)), "3:7");
}

TEST(TextOrigin, DoubleQuotedEscapes) {
  // cols: a1 :2 3 "4 \t5-6 x7 \u00e98-13 y14 \U0001F60015-24 z25 "26
  const std::string yaml = "a: \"\\tx\\u00e9y\\U0001F600z\"\n";
  const std::string decoded = "\tx\xC3\xA9y\xF0\x9F\x98\x80z";
  const TextOrigin o = origin(yaml, 1, 4, decoded);
  EXPECT_EQ(lc(o.at(0)), "1:5");  // a byte an escape produces: its backslash
  EXPECT_EQ(lc(o.at(1)), "1:7");
  EXPECT_EQ(lc(o.at(2)), "1:8");
  EXPECT_EQ(lc(o.at(3)), "1:8");  // both bytes of U+00E9
  EXPECT_EQ(lc(o.at(4)), "1:14");
  EXPECT_EQ(lc(o.at(5)), "1:15");
  EXPECT_EQ(lc(o.at(8)), "1:15");  // all four bytes of U+1F600
  EXPECT_EQ(lc(o.at(9)), "1:25");
  EXPECT_EQ(lc(o.at(10)), "1:26");
}

TEST(TextOrigin, DoubleQuotedSimpleEscapesAndEscapedLineBreak) {
  // a: "q\"\\ \  (escaped break) / continued on line 2 after its indentation.
  const std::string yaml = "a: \"q\\\"\\\\ \\\n   two\"\n";
  const TextOrigin o = origin(yaml, 1, 4, "q\"\\ two");
  EXPECT_EQ(lc(o.at(0)), "1:5");
  EXPECT_EQ(lc(o.at(1)), "1:6");
  EXPECT_EQ(lc(o.at(2)), "1:8");
  EXPECT_EQ(lc(o.at(3)), "1:10");  // the space before the escaped break is kept
  EXPECT_EQ(lc(o.at(4)), "2:4");
  EXPECT_EQ(lc(o.at(7)), "2:7");
}

TEST(TextOrigin, LiteralBlock) {
  const std::string yaml = "a: |\n  one\n\n  two\nb: 1\n";
  const TextOrigin o = origin(yaml, 1, 4, "one\n\ntwo\n");
  EXPECT_EQ(lc(o.start()), "2:3");
  EXPECT_EQ(lc(o.at(0)), "2:3");
  EXPECT_EQ(lc(o.at(3)), "2:6");  // a line break: end of its line
  EXPECT_EQ(lc(o.at(5)), "4:3");
  EXPECT_EQ(lc(o.at(8)), "4:6");
  EXPECT_EQ(lc(o.at(9)), "4:6");  // the end: after the last byte written, not the next line
}

TEST(TextOrigin, LiteralBlockWithIndentationIndicatorAndKeep) {
  // |+2 under a top-level key: indentation 2, the extra spaces are content, every break kept.
  const std::string yaml = "a: |+2\n    x\n     y\n\nb: 1\n";
  const TextOrigin o = origin(yaml, 1, 4, "  x\n   y\n\n");
  EXPECT_EQ(lc(o.start()), "2:3");
  EXPECT_EQ(lc(o.at(2)), "2:5");
  EXPECT_EQ(lc(o.at(4)), "3:3");
  EXPECT_EQ(lc(o.at(7)), "3:6");
  EXPECT_EQ(lc(o.at(9)), "3:7");
}

TEST(TextOrigin, LiteralBlockWithLeadingEmptyLineAndComment) {
  const std::string yaml = "a: |- # note\n\n    x y\n";
  const TextOrigin o = origin(yaml, 1, 4, "\nx y");
  EXPECT_EQ(lc(o.start()), "3:5");  // the value starts at its first content byte
  EXPECT_EQ(lc(o.at(1)), "3:5");
  EXPECT_EQ(lc(o.at(3)), "3:7");
}

TEST(TextOrigin, FoldedBlockStripWithMoreIndentedLine) {
  const std::string yaml = "a: >-\n  one\n  two\n\n   more\n  end\n";
  const TextOrigin o = origin(yaml, 1, 4, "one two\n\n more\nend");
  EXPECT_EQ(lc(o.at(3)), "2:6");  // the folded space
  EXPECT_EQ(lc(o.at(4)), "3:3");
  EXPECT_EQ(lc(o.at(9)), "5:3");  // the more-indented line keeps its extra space
  EXPECT_EQ(lc(o.at(10)), "5:4");
  EXPECT_EQ(lc(o.at(15)), "6:3");
  EXPECT_EQ(lc(o.at(18)), "6:6");
}

TEST(TextOrigin, FoldedBlockInSequenceWithIndicatorsInEitherOrder) {
  const std::string yaml = "k:\n  - >2-\n      p\n      q\n";
  const TextOrigin o = origin(yaml, 2, 5, "  p\n  q");
  EXPECT_EQ(lc(o.at(2)), "3:7");
  EXPECT_EQ(lc(o.at(6)), "4:7");
}

TEST(TextOrigin, CrLfLineEnds) {
  const std::string yaml = "a: >\r\n  fold\r\n  ed\r\nb: 'x\r\n\r\n  y'\r\n";
  const TextOrigin folded = origin(yaml, 1, 4, "fold ed\n");
  EXPECT_EQ(lc(folded.at(4)), "2:7");
  EXPECT_EQ(lc(folded.at(5)), "3:3");
  const TextOrigin quoted = origin(yaml, 4, 4, "x\ny");
  EXPECT_EQ(lc(quoted.at(2)), "6:3");
}

TEST(TextOrigin, MultiByteColumnsCountBytes) {
  // é is two bytes, so two columns: the x after "é " is at column 8, not 7.
  const std::string yaml = "a: \"\xC3\xA9 x\"\n\xC3\xA9t\xC3\xA9: y\n";
  const TextOrigin o = origin(yaml, 1, 4, "\xC3\xA9 x");
  EXPECT_EQ(lc(o.at(0)), "1:5");
  EXPECT_EQ(lc(o.at(3)), "1:8");
  EXPECT_EQ(lc(origin(yaml, 2, 8, "y").at(0)), "2:8");
}

TEST(TextOrigin, TagsAnchorsAndFlowCollections) {
  EXPECT_EQ(lc(origin("a: !!str &x 'v'\n", 1, 4, "v").at(0)), "1:14");
  EXPECT_EQ(lc(origin("a: [x, \"y z\"]\n", 1, 8, "y z").at(2)), "1:11");
  EXPECT_EQ(lc(origin("a: {k: v w\n  x}\n", 1, 8, "v w x").at(4)), "2:3");
}

TEST(TextOrigin, DisagreementOrBadMarkStaysInsideTheDocument) {
  // Decoded text that is not what the source says: positions are approximate, never a crash.
  const TextOrigin o = origin("a: 'abc'\n", 1, 4, "abd\n\nzzz");
  EXPECT_EQ(lc(o.at(0)), "1:5");
  EXPECT_EQ(lc(origin("a: x\n", 7, 1, "x").at(0)), "7:1");
  EXPECT_EQ(lc(origin("a: x\n", 1, 40, "x").at(0)), "1:40");
  EXPECT_EQ(lc(origin("a: |\n", 1, 4, "x\n").at(0)), "1:4");
  EXPECT_EQ(lc(origin("a: \"\\", 1, 4, "x").at(0)), "1:5");
  const TextOrigin from_pos(SourcePos{3, 7});
  EXPECT_EQ(lc(from_pos.at(5)), "3:12");
}

// ---- through the loader --------------------------------------------------------------------

std::string rule_with(const std::string& detection_tail) {
  return "title: t\nid: 5b0f5d3a-9c61-4d7e-8a53-2f6c1e0b7a99\nlogsource: {product: windows}\n"
         "detection:\n  sel:\n    A: x\n" +
         detection_tail;
}

struct ConditionCase {
  const char* name;
  const char* detection_tail;  // from line 7 on
  int line;
  int column;
  const char* message_part;
};

class ConditionPosition : public ::testing::TestWithParam<ConditionCase> {};

TEST_P(ConditionPosition, PointsAtTheToken) {
  Diagnostics d;
  load_rule_text(rule_with(GetParam().detection_tail), "c.yml", d);
  ASSERT_EQ(d.errors(), 1u) << d.render_text();
  EXPECT_EQ(d.items()[0].line, GetParam().line) << d.render_text();
  EXPECT_EQ(d.items()[0].column, GetParam().column) << d.render_text();
  EXPECT_NE(d.items()[0].message.find(GetParam().message_part), std::string::npos)
      << d.render_text();
}

INSTANTIATE_TEST_SUITE_P(
    Styles, ConditionPosition,
    ::testing::Values(
        ConditionCase{"plain", "  condition: sel and %\n", 7, 22, "'%'"},
        ConditionCase{"plain_multi_line", "  condition: sel\n    and\n    not %\n", 9, 9, "'%'"},
        ConditionCase{"single_quoted", "  condition: 'sel and ''x'\n", 7, 23, "'''"},
        ConditionCase{"double_quoted_escape", "  condition: \"sel\\tand\\x20%\"\n", 7, 27, "'%'"},
        ConditionCase{"double_quoted_end", "  condition: \"sel and\"\n", 7, 22, "ends"},
        ConditionCase{"literal", "  condition: |\n    sel\n      and %\n", 9, 11, "'%'"},
        ConditionCase{"literal_end", "  condition: |\n    sel and\nlevel: low\n", 8, 12, "ends"},
        ConditionCase{"literal_indicator", "  condition: |2\n      sel\n       and %\n", 9, 12,
                      "'%'"},
        ConditionCase{"folded", "  condition: >\n    sel and\n    not %\n", 9, 9, "'%'"},
        ConditionCase{"folded_strip_keep", "  condition: >-\n    sel\n\n    and %\n", 10, 9, "'%'"},
        ConditionCase{"list_entry", "  condition:\n    - sel\n    - 'sel or !'\n", 9, 15, "'!'"},
        // A non-ASCII character is quoted whole and reported at its first byte.
        ConditionCase{"utf8", "  condition: \"\xC3\xA9\" \n", 7, 15, "'\xC3\xA9'"}),
    [](const ::testing::TestParamInfo<ConditionCase>& info) { return info.param.name; });

TEST(TextOriginLoader, ModifierPositionInAQuotedKeyWithEscapes) {
  // "F\tG|endswith": the escape takes two columns and decodes to one byte, so the modifier is one
  // column further in the file than its offset in the key says.
  Diagnostics d;
  LoadResult r = load_rule_text(
      rule_with("  s2:\n    \"F\\tG|endswith\": x\n  condition: sel or s2\n"), "k.yml", d);
  ASSERT_EQ(d.errors(), 0u) << d.render_text();
  ASSERT_EQ(r.rules.size(), 1u);
  const FieldItem& item = r.rules[0].detection.selections[1].groups[0][0];
  EXPECT_EQ(item.field, "F\tG");
  ASSERT_EQ(item.modifier_pos.size(), 1u);
  EXPECT_EQ(lc(item.modifier_pos[0]), "8:11");  // cols: "5 F6 \t7-8 G9 |10 e11
}

TEST(TextOriginLoader, ModifierColumnAfterMultiByteCountsBytes) {
  // cols: s2 3-4, :5, {7, \xC3\x89 (one character, two bytes) 8-9, x 12, B 15, | 16, contains 17.
  Diagnostics d;
  LoadResult r = load_rule_text(
      rule_with("  s2: {\xC3\x89: x, B|contains: y}\n  condition: sel or s2\n"), "u.yml", d);
  ASSERT_EQ(d.errors(), 0u) << d.render_text();
  ASSERT_EQ(r.rules.size(), 1u);
  const FieldItem& item = r.rules[0].detection.selections[1].groups[0][1];
  EXPECT_EQ(item.field, "B");
  ASSERT_EQ(item.modifier_pos.size(), 1u);
  EXPECT_EQ(lc(item.modifier_pos[0]), "7:17");
  EXPECT_EQ(lc(item.values[0].pos), "7:27");
}

// Every byte of every value loaded from a rule is at a place of the file that writes it: the same
// byte, the backslash of an escape, or (a space or newline) a line folding.
TEST(TextOriginLoader, EveryValueByteMapsToItsSource) {
  const std::string yaml = rule_with(
      "  s2:\n"
      "    B|contains|all:\n"
      "      - plain value\n"
      "      - 'it''s'\n"
      "      - \"t\\tab \\u00e9 \\\"q\\\" \xC3\xA9\"\n"
      "      - |\n"
      "          literal\n"
      "            more\n"
      "      - >-\n"
      "          folded\n"
      "          text\n"
      "\n"
      "            spaced\n"
      "      - plain\n"
      "        continued\n"
      "      - \"quoted\n"
      "\n"
      "        broken \\\n"
      "        escaped\"\n"
      "  condition: sel and s2\n");
  Diagnostics d;
  LoadResult r = load_rule_text(yaml, "p.yml", d);
  ASSERT_EQ(d.errors(), 0u) << d.render_text();
  ASSERT_EQ(r.rules.size(), 1u);
  const std::vector<std::string_view> lines = split_lines(yaml);
  std::size_t checked = 0;
  for (const Selection& sel : r.rules[0].detection.selections) {
    for (const auto& group : sel.groups) {
      for (const FieldItem& item : group) {
        for (const RuleValue& v : item.values) {
          for (std::size_t i = 0; i < v.text.size(); ++i) {
            const SourcePos p = v.origin.at(i);
            ASSERT_GE(p.line, 1);
            ASSERT_LE(static_cast<std::size_t>(p.line), lines.size());
            const std::string_view l = lines[p.line - 1];
            const char c = static_cast<std::size_t>(p.column) <= l.size() ? l[p.column - 1] : '\n';
            const bool fold = v.text[i] == ' ' || v.text[i] == '\n';
            EXPECT_TRUE(c == v.text[i] || c == '\\' || fold)
                << "'" << v.text << "' byte " << i << " at " << lc(p) << " reads '" << c << "'";
            ++checked;
          }
          EXPECT_EQ(lc(v.pos), lc(v.origin.start()));
        }
      }
    }
  }
  EXPECT_GT(checked, 80u);
}

TEST(TextOriginLoader, ByteOrderMarkIsNotAColumn) {
  // The escape makes the position depend on reading the source at the right byte.
  Diagnostics d;
  load_rule_text(
      "\xEF\xBB\xBF{title: t, logsource: {product: windows}, detection: {sel: {A: 1}, "
      "condition: \"sel\\tand %\"}, id: 5b0f5d3a-9c61-4d7e-8a53-2f6c1e0b7a98}\n",
      "bom.yml", d);
  ASSERT_EQ(d.errors(), 1u) << d.render_text();
  EXPECT_EQ(lc({d.items()[0].line, d.items()[0].column}), "1:89") << d.render_text();
}

}  // namespace
}  // namespace vigie::rules
