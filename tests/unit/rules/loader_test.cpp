#include "rules/loader.h"

#include <gtest/gtest.h>

namespace vigie::rules {
namespace {

constexpr const char* kFull = R"(title: Full Rule
id: 5b0f5d3a-9c61-4d7e-8a53-2f6c1e0b7a01
name: full_rule
status: test
description: what it catches
author: Vigie
date: 2026-12-01
modified: 2026-12-02
license: DRL-1.1
references:
  - https://example.invalid/a
tags:
  - attack.t1070.001
  - attack.defense-evasion
related:
  - id: 11111111-2222-3333-4444-555555555555
    type: similar
falsepositives:
  - admins
fields:
  - SubjectUserName
logsource:
  product: Windows
  service: security
detection:
  selection:
    EventID: 1102
  condition: selection
level: high
custom_key: kept
)";

TEST(Loader, ReadsEveryMetadataField) {
  Diagnostics d;
  LoadResult r = load_rule_text(kFull, "full.yml", d);
  ASSERT_EQ(d.errors(), 0u) << d.render_text();
  EXPECT_EQ(d.warnings(), 0u) << d.render_text();
  ASSERT_EQ(r.rules.size(), 1u);
  const Rule& rule = r.rules[0];
  EXPECT_EQ(rule.title, "Full Rule");
  EXPECT_EQ(rule.id, "5b0f5d3a-9c61-4d7e-8a53-2f6c1e0b7a01");
  EXPECT_EQ(rule.name, "full_rule");
  EXPECT_EQ(rule.status, "test");
  EXPECT_EQ(rule.level, "high");
  EXPECT_EQ(rule.license, "DRL-1.1");
  EXPECT_EQ(rule.tags, (std::vector<std::string>{"attack.t1070.001", "attack.defense-evasion"}));
  EXPECT_EQ(rule.references.size(), 1u);
  EXPECT_EQ(rule.falsepositives, std::vector<std::string>{"admins"});
  EXPECT_EQ(rule.fields, std::vector<std::string>{"SubjectUserName"});
  ASSERT_EQ(rule.related.size(), 1u);
  EXPECT_EQ(rule.related[0].type, "similar");
  EXPECT_EQ(rule.product, "windows");  // logsource values are case-insensitive
  EXPECT_EQ(rule.service, "security");
  EXPECT_EQ(rule.custom.at("custom_key"), "kept");
  EXPECT_EQ(rule.pos.line, 1);
  ASSERT_EQ(rule.detection.selections.size(), 1u);
  EXPECT_EQ(rule.detection.selections[0].pos.line, 26);
  EXPECT_EQ(rule.detection.selections[0].pos.column, 3);
}

TEST(Loader, MultiDocumentFileKeepsGoodDocumentsAndLines) {
  std::string yaml =
      std::string(kFull) + "---\ntitle: second\nid: 22222222-3333-4444-5555-666666666666\n" +
      "logsource: {product: windows}\ndetection:\n  sel:\n    A|bogus: 1\n  condition: sel\n" +
      "---\ntitle: third\nid: 33333333-4444-5555-6666-777777777777\n" +
      "logsource: {product: windows}\ndetection:\n  sel: {A: 1}\n  condition: sel\n";
  Diagnostics d;
  LoadResult r = load_rule_text(yaml, "multi.yml", d);
  ASSERT_EQ(r.rules.size(), 3u);  // the modifier is checked at compile time, not load time
  EXPECT_EQ(r.rules[1].pos.line, 32);
  EXPECT_EQ(r.rules[2].title, "third");
  EXPECT_EQ(r.rules[2].pos.line, 40);
}

TEST(Loader, SyntaxErrorInOneDocumentDoesNotHideTheOthers) {
  std::string yaml =
      "title: broken\nlogsource: {product: windows\ndetection: x\n---\n"
      "title: ok\nid: 22222222-3333-4444-5555-666666666666\nlogsource: {product: windows}\n"
      "detection:\n  sel: {A: 1}\n  condition: sel\n";
  Diagnostics d;
  LoadResult r = load_rule_text(yaml, "f.yml", d);
  ASSERT_EQ(r.rules.size(), 1u);
  EXPECT_EQ(r.rules[0].title, "ok");
  ASSERT_EQ(d.errors(), 1u);
  EXPECT_EQ(d.items()[0].code, "yaml-syntax");
  EXPECT_LE(d.items()[0].line, 3);
}

TEST(Loader, DuplicateIdsAcrossDocuments) {
  std::string doc =
      "title: a\nid: 22222222-3333-4444-5555-666666666666\nlogsource: {product: windows}\n"
      "detection:\n  sel: {A: 1}\n  condition: sel\n";
  Diagnostics d;
  // load_rule_paths checks duplicates; load_rule_text of one file must at least load both docs.
  LoadResult r = load_rule_text(doc + "---\n" + doc, "dup.yml", d);
  EXPECT_EQ(r.rules.size(), 2u);
}

TEST(Loader, BrokenSelectionGivesOneErrorNotFollowOnOnes) {
  // filter_b has its own error; the condition still names it, directly and through patterns, and
  // `2 of filter_*` still counts it: no undefined-identifier, no quantifier-exceeds.
  std::string yaml =
      "title: t\nid: 22222222-3333-4444-5555-666666666666\nlogsource: {product: windows}\n"
      "detection:\n  sel: {A: 1}\n  filter_a: {B: 1}\n  filter_b: {}\n"
      "  condition: sel and not filter_b and not 2 of filter_* and not typo\n";
  Diagnostics d;
  LoadResult r = load_rule_text(yaml, "b.yml", d);
  EXPECT_TRUE(r.rules.empty());
  ASSERT_EQ(d.items().size(), 2u) << d.render_text();
  EXPECT_EQ(d.items()[0].code, "bad-selection");
  EXPECT_EQ(d.items()[1].code, "undefined-identifier");  // a real typo is still reported
  EXPECT_NE(d.items()[1].message.find("'typo'"), std::string::npos);
}

TEST(Loader, AbsentAndNullConditionAreMissing) {
  const std::string head =
      "title: t\nid: 22222222-3333-4444-5555-666666666666\nlogsource: {product: windows}\n"
      "detection:\n  sel: {A: 1}\n";
  for (const std::string& tail :
       {std::string(), std::string("  condition:\n"), std::string("  condition: ~\n")}) {
    Diagnostics d;
    LoadResult r = load_rule_text(head + tail, "c.yml", d);
    EXPECT_TRUE(r.rules.empty());
    ASSERT_EQ(d.errors(), 1u) << d.render_text();
    EXPECT_EQ(d.items()[0].code, "missing-required-key") << d.render_text();
    EXPECT_EQ(d.items()[0].line, tail.empty() ? 5 : 6) << d.render_text();
    EXPECT_EQ(d.items()[0].column, 3) << d.render_text();
  }
}

TEST(Condition, DeepNestingIsRejectedNotACrash) {
  std::string deep(100000, '(');
  deep += "a";
  deep += std::string(100000, ')');
  Condition c;
  Diagnostics d;
  EXPECT_FALSE(parse_condition(deep, {1, 1}, "deep.yml", c, d));
  ASSERT_EQ(d.errors(), 1u);
  EXPECT_EQ(d.items()[0].code, "condition-too-deep");
}

TEST(Condition, LongFlatConditionIsFine) {
  std::string flat = "a";
  for (int i = 0; i < 5000; ++i) flat += " or a";
  Condition c;
  Diagnostics d;
  EXPECT_TRUE(parse_condition(flat, {1, 1}, "flat.yml", c, d)) << d.render_text();
}

struct ConditionError {
  const char* text;
  const char* code;
  int column;  // of the offending token, the condition starting at column 1
};

class ConditionErrorTest : public ::testing::TestWithParam<ConditionError> {};

TEST_P(ConditionErrorTest, ReportsCodeAndColumn) {
  Condition c;
  Diagnostics d;
  EXPECT_FALSE(parse_condition(GetParam().text, {1, 1}, "c.yml", c, d));
  ASSERT_EQ(d.errors(), 1u) << d.render_text();
  EXPECT_EQ(d.items()[0].code, GetParam().code);
  EXPECT_EQ(d.items()[0].column, GetParam().column) << d.render_text();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ConditionErrorTest,
    ::testing::Values(ConditionError{"(a and b", "condition-syntax", 1},
                      ConditionError{"a and b)", "condition-syntax", 8},
                      ConditionError{"a and", "condition-syntax", 6},
                      ConditionError{"", "condition-syntax", 1},
                      ConditionError{"a AND b", "condition-syntax", 3},
                      ConditionError{"a and & b", "condition-syntax", 7},
                      ConditionError{"sel | count() by User > 5", "pipe-aggregation", 5},
                      ConditionError{"sel | near other", "pipe-aggregation", 5},
                      ConditionError{"sel*", "condition-syntax", 1},
                      ConditionError{"them", "condition-syntax", 1},
                      ConditionError{"0 of sel*", "condition-syntax", 1},
                      ConditionError{"1 of", "condition-syntax", 5},
                      ConditionError{"a and not", "condition-syntax", 10}));

TEST(Condition, PrecedenceBuildsTheRightTree) {
  Condition c;
  Diagnostics d;
  ASSERT_TRUE(parse_condition("a or not b and 1 of c*", {1, 1}, "p.yml", c, d));
  const ConditionNode& root = c.nodes[c.root];
  ASSERT_EQ(root.kind, ConditionNode::Kind::kOr);
  ASSERT_EQ(root.children.size(), 2u);
  const ConditionNode& right = c.nodes[root.children[1]];
  ASSERT_EQ(right.kind, ConditionNode::Kind::kAnd);
  EXPECT_EQ(c.nodes[right.children[0]].kind, ConditionNode::Kind::kNot);
  EXPECT_EQ(c.nodes[right.children[1]].kind, ConditionNode::Kind::kOneOf);
  EXPECT_EQ(c.nodes[right.children[1]].pattern, "c*");
}

}  // namespace
}  // namespace vigie::rules
