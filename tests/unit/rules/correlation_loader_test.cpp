// Sigma correlation documents in the rule loader: the model each valid document yields, and every
// diagnostic code with its line:col.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "rules/correlation.h"
#include "rules/loader.h"

namespace vigie::rules {
namespace {

// Lines 1-3 of most documents below: a correlation's body starts on line 4.
constexpr const char* kHead =
    "title: t\n"
    "id: 5d1e0c3a-0060-4000-8000-000000000060\n"
    "correlation:\n";

LoadResult load(const std::string& yaml, Diagnostics& d) {
  return load_rule_text(yaml, "c.yml", d);
}

// One correlation, no diagnostic at all.
Correlation load_valid(const std::string& yaml) {
  Diagnostics d;
  LoadResult r = load(yaml, d);
  EXPECT_TRUE(d.empty()) << d.render_text();
  EXPECT_EQ(r.correlations.size(), 1u);
  return r.correlations.empty() ? Correlation{} : r.correlations[0];
}

TEST(CorrelationLoader, TypeNamesRoundTrip) {
  EXPECT_STREQ(correlation_type_name(CorrelationType::kEventCount), "event_count");
  EXPECT_STREQ(correlation_type_name(CorrelationType::kValueCount), "value_count");
  EXPECT_STREQ(correlation_type_name(CorrelationType::kTemporal), "temporal");
  EXPECT_STREQ(correlation_type_name(CorrelationType::kTemporalOrdered), "temporal_ordered");
  EXPECT_STREQ(correlation_type_name(CorrelationType::kValueSum), "value_sum");
  EXPECT_STREQ(correlation_type_name(CorrelationType::kValueAvg), "value_avg");
  EXPECT_STREQ(correlation_type_name(CorrelationType::kValuePercentile), "value_percentile");
}

TEST(CorrelationLoader, EventCountWithEveryMetadataKey) {
  Correlation c = load_valid(
      "title: Many failed logons\n"                   // 1
      "id: 5d1e0c3a-0060-4000-8000-000000000060\n"    // 2
      "name: many_failed\n"                           // 3
      "status: test\n"                                // 4
      "level: high\n"                                 // 5
      "description: d\n"                              // 6
      "author: a\n"                                   // 7
      "date: 2026-01-01\n"                            // 8
      "modified: 2026-01-02\n"                        // 9
      "license: DRL-1.1\n"                            // 10
      "tags: [attack.t1110]\n"                        // 11
      "references: [https://example.invalid]\n"       // 12
      "falsepositives: [admins]\n"                    // 13
      "generate: true\n"                              // 14
      "custom: kept\n"                                // 15
      "correlation:\n"                                // 16
      "  type: event_count\n"                         // 17
      "  rules:\n"                                    // 18
      "    - failed_logon\n"                          // 19
      "    - 5d1e0c3a-0059-4000-8000-000000000059\n"  // 20
      "  group-by:\n"                                 // 21
      "    - TargetUserName\n"                        // 22
      "    - Computer\n"                              // 23
      "  timespan: 1h\n"                              // 24
      "  condition:\n"                                // 25
      "    gte: 100\n");                              // 26
  EXPECT_EQ(c.file, "c.yml");
  EXPECT_EQ(c.pos.line, 1);
  EXPECT_EQ(c.title, "Many failed logons");
  EXPECT_EQ(c.id, "5d1e0c3a-0060-4000-8000-000000000060");
  EXPECT_EQ(c.name, "many_failed");
  EXPECT_EQ(c.status, "test");
  EXPECT_EQ(c.level, "high");
  EXPECT_EQ(c.description, "d");
  EXPECT_EQ(c.author, "a");
  EXPECT_EQ(c.date, "2026-01-01");
  EXPECT_EQ(c.modified, "2026-01-02");
  EXPECT_EQ(c.license, "DRL-1.1");
  EXPECT_EQ(c.tags, std::vector<std::string>{"attack.t1110"});
  EXPECT_EQ(c.references, std::vector<std::string>{"https://example.invalid"});
  EXPECT_EQ(c.falsepositives, std::vector<std::string>{"admins"});
  EXPECT_EQ(c.custom.at("custom"), "kept");
  EXPECT_TRUE(c.generate);
  EXPECT_EQ(c.type, CorrelationType::kEventCount);
  EXPECT_EQ(c.type_pos.line, 17);
  EXPECT_EQ(c.type_pos.column, 9);
  ASSERT_EQ(c.rules.size(), 2u);
  EXPECT_EQ(c.rules[0].ref, "failed_logon");
  EXPECT_EQ(c.rules[0].pos.line, 19);
  EXPECT_EQ(c.rules[0].pos.column, 7);
  EXPECT_EQ(c.rules[1].ref, "5d1e0c3a-0059-4000-8000-000000000059");
  EXPECT_EQ(c.rules[1].pos.line, 20);
  EXPECT_EQ(c.rules_pos.line, 19);
  EXPECT_EQ(c.group_by, (std::vector<std::string>{"TargetUserName", "Computer"}));
  ASSERT_EQ(c.group_by_pos.size(), 2u);
  EXPECT_EQ(c.group_by_pos[1].line, 23);
  EXPECT_EQ(c.group_by_pos[1].column, 7);
  EXPECT_EQ(c.timespan_ms, 3600000);
  EXPECT_EQ(c.timespan_pos.line, 24);
  EXPECT_EQ(c.timespan_pos.column, 13);
  ASSERT_EQ(c.condition.size(), 1u);
  EXPECT_EQ(c.condition[0].op, CorrelationBound::Op::kGte);
  EXPECT_EQ(c.condition[0].value, 100);
  EXPECT_EQ(c.condition[0].pos.line, 26);
  EXPECT_EQ(c.condition[0].pos.column, 10);
  EXPECT_EQ(c.condition_pos.line, 26);
  EXPECT_TRUE(c.fields.empty());
}

TEST(CorrelationLoader, ValueCountAcceptsAFieldListAndARange) {
  Correlation c = load_valid(std::string(kHead) +
                             "  type: value_count\n"
                             "  rules: failed_logon\n"  // one string: a one-element list
                             "  group-by: Computer\n"   // likewise
                             "  timespan: 30s\n"
                             "  condition:\n"
                             "    field: [TargetUserName, IpAddress]\n"
                             "    gt: 10\n"
                             "    lte: 200\n");
  EXPECT_EQ(c.type, CorrelationType::kValueCount);
  ASSERT_EQ(c.rules.size(), 1u);
  EXPECT_EQ(c.rules[0].ref, "failed_logon");
  EXPECT_EQ(c.group_by, std::vector<std::string>{"Computer"});
  EXPECT_EQ(c.timespan_ms, 30000);
  EXPECT_EQ(c.fields, (std::vector<std::string>{"TargetUserName", "IpAddress"}));
  EXPECT_EQ(c.field_pos.line, 9);
  EXPECT_EQ(c.field_pos.column, 12);
  ASSERT_EQ(c.condition.size(), 2u);
  EXPECT_EQ(c.condition[0].op, CorrelationBound::Op::kGt);
  EXPECT_EQ(c.condition[0].value, 10);
  EXPECT_EQ(c.condition[1].op, CorrelationBound::Op::kLte);
  EXPECT_EQ(c.condition[1].value, 200);
  EXPECT_FALSE(c.generate);
}

TEST(CorrelationLoader, TemporalWithoutConditionAndWithAliases) {
  Correlation c = load_valid(std::string(kHead) +
                             "  type: temporal\n"                      // 4
                             "  rules: [internal_error, new_conn]\n"   // 5
                             "  group-by: [internal_ip, remote_ip]\n"  // 6
                             "  timespan: 10s\n"                       // 7
                             "  aliases:\n"                            // 8
                             "    internal_ip:\n"                      // 9
                             "      internal_error: destination.ip\n"  // 10
                             "      new_conn: source.ip\n"             // 11
                             "    remote_ip:\n"                        // 12
                             "      internal_error: source.ip\n"       // 13
                             "      new_conn: destination.ip\n");      // 14
  EXPECT_EQ(c.type, CorrelationType::kTemporal);
  EXPECT_TRUE(c.condition.empty());  // every referenced rule
  EXPECT_EQ(c.timespan_ms, 10000);
  ASSERT_EQ(c.aliases.size(), 2u);
  EXPECT_EQ(c.aliases[0].alias, "internal_ip");
  EXPECT_EQ(c.aliases[0].pos.line, 9);
  EXPECT_EQ(c.aliases[0].pos.column, 5);
  ASSERT_EQ(c.aliases[0].fields.size(), 2u);
  EXPECT_EQ(c.aliases[0].fields[0].first.ref, "internal_error");
  EXPECT_EQ(c.aliases[0].fields[0].first.pos.line, 10);
  EXPECT_EQ(c.aliases[0].fields[0].first.pos.column, 7);
  EXPECT_EQ(c.aliases[0].fields[0].second, "destination.ip");
  EXPECT_EQ(c.aliases[1].alias, "remote_ip");
  EXPECT_EQ(c.aliases[1].fields[1].first.ref, "new_conn");
  EXPECT_EQ(c.aliases[1].fields[1].second, "destination.ip");
}

TEST(CorrelationLoader, TemporalOrderedWithGenerateInsideTheCorrelation) {
  Correlation c = load_valid(std::string(kHead) +
                             "  type: temporal_ordered\n"
                             "  rules: [many_failed, success]\n"
                             "  group-by: [User]\n"
                             "  timespan: 2d\n"
                             "  condition: {eq: 2}\n"
                             "  generate: true\n");
  EXPECT_EQ(c.type, CorrelationType::kTemporalOrdered);
  EXPECT_EQ(c.timespan_ms, 2 * 86400000LL);
  ASSERT_EQ(c.condition.size(), 1u);
  EXPECT_EQ(c.condition[0].op, CorrelationBound::Op::kEq);
  EXPECT_TRUE(c.generate);
}

TEST(CorrelationLoader, TopLevelGenerateWinsOverTheOneInside) {
  Correlation c = load_valid(std::string(kHead) +
                             "  type: temporal\n"
                             "  rules: [a, b]\n"
                             "  timespan: 1m\n"
                             "  generate: true\n"
                             "generate: false\n");
  EXPECT_FALSE(c.generate);
  EXPECT_TRUE(c.group_by.empty());  // one group
}

TEST(CorrelationLoader, ValueSumWithDecimalBound) {
  Correlation c = load_valid(std::string(kHead) +
                             "  type: value_sum\n"
                             "  rules: [download]\n"
                             "  group-by: [User]\n"
                             "  timespan: 5m\n"
                             "  condition: {field: Bytes, gt: 1000.5, neq: 2000}\n");
  EXPECT_EQ(c.type, CorrelationType::kValueSum);
  EXPECT_EQ(c.timespan_ms, 300000);
  EXPECT_EQ(c.fields, std::vector<std::string>{"Bytes"});
  EXPECT_EQ(c.field_pos.line, 8);
  EXPECT_EQ(c.field_pos.column, 22);
  ASSERT_EQ(c.condition.size(), 2u);
  EXPECT_DOUBLE_EQ(c.condition[0].value, 1000.5);
  EXPECT_EQ(c.condition[1].op, CorrelationBound::Op::kNeq);
}

TEST(CorrelationLoader, ValueAvgWithLowerThan) {
  Correlation c = load_valid(std::string(kHead) +
                             "  type: value_avg\n"
                             "  rules: [session]\n"
                             "  timespan: 1h\n"
                             "  condition: {field: Duration, lt: -0.5}\n");
  EXPECT_EQ(c.type, CorrelationType::kValueAvg);
  ASSERT_EQ(c.condition.size(), 1u);
  EXPECT_EQ(c.condition[0].op, CorrelationBound::Op::kLt);
  EXPECT_DOUBLE_EQ(c.condition[0].value, -0.5);
}

TEST(CorrelationLoader, ValuePercentileReadsThePercentile) {
  Correlation c = load_valid(std::string(kHead) +
                             "  type: value_percentile\n"
                             "  rules: [query]\n"
                             "  timespan: 1d\n"
                             "  condition:\n"
                             "    field: Rows\n"
                             "    percentile: 95\n"
                             "    gte: 500\n");
  EXPECT_EQ(c.type, CorrelationType::kValuePercentile);
  EXPECT_EQ(c.timespan_ms, 86400000);
  EXPECT_EQ(c.fields, std::vector<std::string>{"Rows"});
  EXPECT_EQ(c.percentile, 95);
  EXPECT_EQ(c.percentile_pos.line, 9);
  EXPECT_EQ(c.percentile_pos.column, 17);
  ASSERT_EQ(c.condition.size(), 1u);
  EXPECT_EQ(c.condition[0].value, 500);
}

// ---- timespan ----

struct TimespanCase {
  const char* text;
  std::int64_t ms;  // 0: bad-timespan
};

class CorrelationTimespanTest : public ::testing::TestWithParam<TimespanCase> {};

TEST_P(CorrelationTimespanTest, ParsesOrReportsAtTheValue) {
  std::string yaml = std::string(kHead) +
                     "  type: temporal\n  rules: [a, b]\n  timespan: " + GetParam().text + "\n";
  Diagnostics d;
  LoadResult r = load(yaml, d);
  if (GetParam().ms > 0) {
    ASSERT_TRUE(d.empty()) << d.render_text();
    ASSERT_EQ(r.correlations.size(), 1u);
    EXPECT_EQ(r.correlations[0].timespan_ms, GetParam().ms);
    return;
  }
  EXPECT_TRUE(r.correlations.empty());
  ASSERT_EQ(d.items().size(), 1u) << d.render_text();
  EXPECT_EQ(d.items()[0].code, "bad-timespan");
  EXPECT_EQ(d.items()[0].severity, Severity::kError);
  EXPECT_EQ(d.items()[0].line, 6);
  EXPECT_EQ(d.items()[0].column, 13);
  EXPECT_NE(d.items()[0].message.find("30s, 5m, 1h, 2d"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CorrelationTimespanTest,
    ::testing::Values(TimespanCase{"45s", 45000}, TimespanCase{"90m", 5400000},
                      TimespanCase{"3h", 10800000}, TimespanCase{"7d", 604800000},
                      TimespanCase{"'10s'", 10000}, TimespanCase{"366d", 366 * 86400000LL},
                      TimespanCase{"8784h", 366 * 86400000LL}, TimespanCase{"367d", 0},
                      TimespanCase{"8785h", 0}, TimespanCase{"99999999999d", 0},
                      TimespanCase{"0s", 0}, TimespanCase{"5", 0}, TimespanCase{"300", 0},
                      TimespanCase{"5M", 0}, TimespanCase{"1w", 0}, TimespanCase{"'5 m'", 0},
                      TimespanCase{"1.5h", 0}, TimespanCase{"-5m", 0}, TimespanCase{"m", 0},
                      TimespanCase{"[5m]", 0}, TimespanCase{"{a: 1}", 0}));

// ---- every diagnostic code, exactly one per document, at its line:col ----

struct DiagnosticCase {
  const char* name;
  std::string yaml;
  const char* code;
  Severity severity;
  int line;
  int column;
};

std::ostream& operator<<(std::ostream& os, const DiagnosticCase& c) { return os << c.name; }

class CorrelationDiagnosticTest : public ::testing::TestWithParam<DiagnosticCase> {};

TEST_P(CorrelationDiagnosticTest, ReportsCodeAtPosition) {
  const DiagnosticCase& c = GetParam();
  Diagnostics d;
  LoadResult r = load(c.yaml, d);
  ASSERT_EQ(d.items().size(), 1u) << d.render_text();
  const Diagnostic& item = d.items()[0];
  EXPECT_EQ(item.code, c.code) << d.render_text();
  EXPECT_EQ(item.severity, c.severity) << d.render_text();
  EXPECT_EQ(item.line, c.line) << d.render_text();
  EXPECT_EQ(item.column, c.column) << d.render_text();
  EXPECT_EQ(item.file, "c.yml");
  EXPECT_FALSE(item.message.empty());
  // A document with an error is not returned; one with only a warning is.
  EXPECT_EQ(r.correlations.size(), c.severity == Severity::kError ? 0u : 1u);
  EXPECT_TRUE(r.rules.empty());
}

const std::string kH = kHead;
// A valid event_count body after kHead: type (4), rules (5), timespan (6), condition (7).
const std::string kEventCount =
    kH + "  type: event_count\n  rules: [a]\n  timespan: 5m\n  condition: {gte: 10}\n";
// A temporal body after kHead: type (4), rules [a, b] (5), group-by [ip] (6), timespan (7).
const std::string kTemporal =
    kH + "  type: temporal\n  rules: [a, b]\n  group-by: [ip]\n  timespan: 10s\n";
// ... then aliases (8) with alias ip (9).
const std::string kTemporalAliases = kTemporal + "  aliases:\n    ip:\n";

INSTANTIATE_TEST_SUITE_P(
    Cases, CorrelationDiagnosticTest,
    ::testing::Values(
        // missing-required-key: absent (at the map) or null (at the key)
        DiagnosticCase{"MissingType", kH + "  rules: [a]\n  timespan: 5m\n  condition: {gte: 1}\n",
                       "missing-required-key", Severity::kError, 4, 3},
        DiagnosticCase{"NullType",
                       kH + "  type:\n  rules: [a]\n  timespan: 5m\n  condition: {gte: 1}\n",
                       "missing-required-key", Severity::kError, 4, 3},
        DiagnosticCase{"MissingRules",
                       kH + "  type: event_count\n  timespan: 5m\n  condition: {gte: 1}\n",
                       "missing-required-key", Severity::kError, 4, 3},
        DiagnosticCase{"NullRules",
                       kH + "  type: event_count\n  rules: ~\n  timespan: 5m\n"
                            "  condition: {gte: 1}\n",
                       "missing-required-key", Severity::kError, 5, 3},
        DiagnosticCase{"MissingTimespan",
                       kH + "  type: event_count\n  rules: [a]\n  condition: {gte: 1}\n",
                       "missing-required-key", Severity::kError, 4, 3},
        DiagnosticCase{"MissingCondition",
                       kH + "  type: value_count\n  rules: [a]\n  timespan: 5m\n",
                       "missing-required-key", Severity::kError, 4, 3},
        DiagnosticCase{"MissingField",
                       kH + "  type: value_sum\n  rules: [a]\n  timespan: 5m\n"
                            "  condition: {gte: 1}\n",
                       "missing-required-key", Severity::kError, 7, 14},
        DiagnosticCase{"MissingPercentile",
                       kH + "  type: value_percentile\n  rules: [a]\n  timespan: 5m\n"
                            "  condition: {field: B, gte: 1}\n",
                       "missing-required-key", Severity::kError, 7, 14},
        DiagnosticCase{"MissingTitle",
                       "id: 5d1e0c3a-0060-4000-8000-000000000060\ncorrelation:\n"
                       "  type: event_count\n  rules: [a]\n  timespan: 5m\n  condition: {gte: 1}\n",
                       "missing-required-key", Severity::kError, 1, 1},
        DiagnosticCase{"NullCorrelation",
                       "title: t\nid: 5d1e0c3a-0060-4000-8000-000000000060\n"
                       "correlation:\n",
                       "missing-required-key", Severity::kError, 3, 1},
        // bad-correlation-type, bad-correlation
        DiagnosticCase{"UnknownType",
                       kH + "  type: count\n  rules: [a]\n  timespan: 5m\n  condition: {gte: 1}\n",
                       "bad-correlation-type", Severity::kError, 4, 9},
        DiagnosticCase{"DetectionAndCorrelation",
                       "title: t\nid: 5d1e0c3a-0060-4000-8000-000000000060\n"
                       "logsource: {product: windows}\ndetection:\n  sel: {A: 1}\n"
                       "  condition: sel\ncorrelation:\n  type: event_count\n",
                       "bad-correlation", Severity::kError, 7, 1},
        // bad-value-type
        DiagnosticCase{"CorrelationNotAMap",
                       "title: t\nid: 5d1e0c3a-0060-4000-8000-000000000060\ncorrelation: 5\n",
                       "bad-value-type", Severity::kError, 3, 14},
        DiagnosticCase{"EmptyRules",
                       kH + "  type: event_count\n  rules: []\n  timespan: 5m\n"
                            "  condition: {gte: 1}\n",
                       "bad-value-type", Severity::kError, 5, 10},
        DiagnosticCase{"RulesAsMap",
                       kH + "  type: event_count\n  rules: {a: b}\n  timespan: 5m\n"
                            "  condition: {gte: 1}\n",
                       "bad-value-type", Severity::kError, 5, 10},
        DiagnosticCase{"EmptyRuleReference",
                       kH + "  type: event_count\n  rules: [a, '']\n  timespan: 5m\n"
                            "  condition: {gte: 1}\n",
                       "bad-value-type", Severity::kError, 5, 14},
        DiagnosticCase{"NestedRuleReference",
                       kH + "  type: event_count\n  rules: [a, [b]]\n  timespan: 5m\n"
                            "  condition: {gte: 1}\n",
                       "bad-value-type", Severity::kError, 5, 14},
        DiagnosticCase{"GroupByAsMap",
                       kH + "  type: event_count\n  rules: [a]\n  group-by: {a: b}\n"
                            "  timespan: 5m\n  condition: {gte: 1}\n",
                       "bad-value-type", Severity::kError, 6, 13},
        DiagnosticCase{"GenerateNotBoolean", kEventCount + "generate: maybe\n", "bad-value-type",
                       Severity::kError, 8, 11},
        DiagnosticCase{"GenerateInsideNotBoolean", kEventCount + "  generate: 1\n",
                       "bad-value-type", Severity::kError, 8, 13},
        DiagnosticCase{"AliasesNotAMap", kTemporal + "  aliases: [x]\n", "bad-value-type",
                       Severity::kError, 8, 12},
        DiagnosticCase{"AliasToAList", kTemporal + "  aliases:\n    ip: [x]\n", "bad-value-type",
                       Severity::kError, 9, 9},
        DiagnosticCase{"AliasFieldNotAString", kTemporalAliases + "      a: [x]\n",
                       "bad-value-type", Severity::kError, 10, 10},
        // bad-condition
        DiagnosticCase{"UnknownConditionKey",
                       kH + "  type: event_count\n  rules: [a]\n  timespan: 5m\n"
                            "  condition: {gte: 1, count: 5}\n",
                       "bad-condition", Severity::kError, 7, 23},
        DiagnosticCase{"OperatorNotANumber",
                       kH + "  type: event_count\n  rules: [a]\n  timespan: 5m\n"
                            "  condition: {gte: abc}\n",
                       "bad-condition", Severity::kError, 7, 20},
        DiagnosticCase{"OperatorQuoted",
                       kH + "  type: event_count\n  rules: [a]\n  timespan: 5m\n"
                            "  condition: {gte: '5'}\n",
                       "bad-condition", Severity::kError, 7, 20},
        DiagnosticCase{"FieldOnEventCount",
                       kH + "  type: event_count\n  rules: [a]\n  timespan: 5m\n"
                            "  condition: {field: User, gte: 1}\n",
                       "bad-condition", Severity::kError, 7, 15},
        DiagnosticCase{"FieldOnTemporal",
                       kH + "  type: temporal\n  rules: [a, b]\n  timespan: 5m\n"
                            "  condition: {field: User}\n",
                       "bad-condition", Severity::kError, 7, 15},
        DiagnosticCase{"FieldListOnValueSum",
                       kH + "  type: value_sum\n  rules: [a]\n  timespan: 5m\n"
                            "  condition: {field: [a, b], gte: 1}\n",
                       "bad-condition", Severity::kError, 7, 22},
        DiagnosticCase{"PercentileOnValueAvg",
                       kH + "  type: value_avg\n  rules: [a]\n  timespan: 5m\n"
                            "  condition: {field: B, percentile: 50, gte: 1}\n",
                       "bad-condition", Severity::kError, 7, 25},
        DiagnosticCase{"PercentileOutOfRange",
                       kH + "  type: value_percentile\n  rules: [a]\n  timespan: 5m\n"
                            "  condition: {field: B, percentile: 101, gte: 1}\n",
                       "bad-condition", Severity::kError, 7, 37},
        DiagnosticCase{"NoOperator",
                       kH + "  type: value_count\n  rules: [a]\n  timespan: 5m\n"
                            "  condition: {field: User}\n",
                       "bad-condition", Severity::kError, 7, 14},
        DiagnosticCase{"ConditionNotAMap",
                       kH + "  type: event_count\n  rules: [a]\n  timespan: 5m\n"
                            "  condition: [1]\n",
                       "bad-condition", Severity::kError, 7, 14},
        // bad-alias
        DiagnosticCase{"AliasNamesAnotherRule", kTemporalAliases + "      a: src\n      c: dst\n",
                       "bad-alias", Severity::kError, 11, 7},
        // warnings
        DiagnosticCase{"UnusedAlias",
                       kH + "  type: temporal\n  rules: [a, b]\n  timespan: 10s\n"
                            "  aliases:\n    ip:\n      a: src\n      b: dst\n",
                       "unused-alias", Severity::kWarning, 8, 5},
        DiagnosticCase{"DuplicateReference",
                       kH + "  type: event_count\n  rules: [a, b, a]\n  timespan: 5m\n"
                            "  condition: {gte: 1}\n",
                       "duplicate-reference", Severity::kWarning, 5, 17},
        DiagnosticCase{"DuplicateGroupBy",
                       kH + "  type: event_count\n  rules: [a]\n  group-by: [User, User]\n"
                            "  timespan: 5m\n  condition: {gte: 1}\n",
                       "duplicate-key", Severity::kWarning, 6, 20},
        DiagnosticCase{"DuplicateOperator",
                       kH + "  type: event_count\n  rules: [a]\n  timespan: 5m\n"
                            "  condition:\n    gte: 1\n    gte: 2\n",
                       "duplicate-key", Severity::kWarning, 9, 5},
        DiagnosticCase{"RangeNeverHolds",
                       kH + "  type: event_count\n  rules: [a]\n  timespan: 5m\n"
                            "  condition: {gt: 10, lt: 5}\n",
                       "condition-never-holds", Severity::kWarning, 7, 27},
        DiagnosticCase{"EqOutsideBound",
                       kH + "  type: value_sum\n  rules: [a]\n  timespan: 5m\n"
                            "  condition: {field: B, eq: 5, gt: 7}\n",
                       "condition-never-holds", Severity::kWarning, 7, 36},
        DiagnosticCase{"CountBetweenTwoWholeNumbers",
                       kH + "  type: event_count\n  rules: [a]\n  timespan: 5m\n"
                            "  condition: {gt: 5, lt: 6}\n",
                       "condition-never-holds", Severity::kWarning, 7, 26},
        DiagnosticCase{"NeqTheOnlyValue",
                       kH + "  type: event_count\n  rules: [a]\n  timespan: 5m\n"
                            "  condition: {gte: 5, lte: 5, neq: 5}\n",
                       "condition-never-holds", Severity::kWarning, 7, 36},
        DiagnosticCase{"TemporalCountAboveRules",
                       kH + "  type: temporal\n  rules: [a, b]\n  timespan: 5m\n"
                            "  condition: {gte: 3}\n",
                       "condition-never-holds", Severity::kWarning, 7, 20},
        DiagnosticCase{"UnknownCorrelationKey", kEventCount + "  window: 5m\n", "unknown-key",
                       Severity::kWarning, 8, 3},
        DiagnosticCase{"TemporalSingleRule",
                       kH + "  type: temporal_ordered\n  rules: [a]\n  timespan: 5m\n",
                       "temporal-single-rule", Severity::kWarning, 5, 10},
        DiagnosticCase{"InvalidLevel", kEventCount + "level: severe\n", "invalid-level",
                       Severity::kWarning, 8, 8},
        DiagnosticCase{"InvalidId",
                       "title: t\nid: not-a-uuid\ncorrelation:\n  type: event_count\n"
                       "  rules: [a]\n  timespan: 5m\n  condition: {gte: 1}\n",
                       "invalid-id", Severity::kWarning, 2, 5},
        DiagnosticCase{"MissingId",
                       "title: t\ncorrelation:\n  type: event_count\n"
                       "  rules: [a]\n  timespan: 5m\n  condition: {gte: 1}\n",
                       "missing-id", Severity::kWarning, 1, 1}),
    [](const ::testing::TestParamInfo<DiagnosticCase>& info) { return info.param.name; });

TEST(CorrelationLoader, MessagesNameTheAcceptedValues) {
  Diagnostics d;
  load(kH + "  type: count\n  rules: [a]\n  timespan: 5m\n  condition: {gte: 1, foo: 1}\n", d);
  ASSERT_EQ(d.items().size(), 2u) << d.render_text();
  for (const char* t : {"event_count", "value_count", "temporal", "temporal_ordered", "value_sum",
                        "value_avg", "value_percentile"}) {
    EXPECT_NE(d.items()[0].message.find(t), std::string::npos) << t;
  }
  EXPECT_NE(d.items()[1].message.find("gt, gte, lt, lte, eq, neq, field and percentile"),
            std::string::npos);
  Diagnostics m;
  load("title: t\ncorrelation:\n  type: temporal\n  rules: [a, b]\n  timespan: 5m\n", m);
  ASSERT_EQ(m.items().size(), 1u);
  EXPECT_NE(m.items()[0].message.find("correlation has no 'id'"), std::string::npos);
}

TEST(CorrelationLoader, EveryProblemOfOneDocumentIsReported) {
  Diagnostics d;
  LoadResult r = load(kH + "  type: value_count\n"       // 4
                           "  rules: [a, '']\n"          // 5: bad-value-type
                           "  timespan: 0s\n"            // 6: bad-timespan
                           "  condition: {bogus: 1}\n",  // 7: bad-condition, field, no operator
                      d);
  EXPECT_TRUE(r.correlations.empty());
  std::vector<std::string> codes;
  for (const Diagnostic& item : d.items()) codes.push_back(item.code);
  EXPECT_EQ(codes, (std::vector<std::string>{"bad-value-type", "bad-timespan", "bad-condition",
                                             "missing-required-key", "bad-condition"}))
      << d.render_text();
}

TEST(CorrelationLoader, MultiDocumentFileWithTwoRulesAndACorrelation) {
  const std::string yaml =
      "title: Failed logon\n"                               // 1
      "id: 5d1e0c3a-0059-4000-8000-000000000059\n"          // 2
      "name: failed_logon\n"                                // 3
      "logsource: {product: windows, service: security}\n"  // 4
      "detection:\n"                                        // 5
      "  sel: {EventID: 4625}\n"                            // 6
      "  condition: sel\n"                                  // 7
      "---\n"                                               // 8
      "title: Successful logon\n"                           // 9
      "id: 5d1e0c3a-0061-4000-8000-000000000061\n"          // 10
      "name: success_logon\n"                               // 11
      "logsource: {product: windows, service: security}\n"  // 12
      "detection:\n"                                        // 13
      "  sel: {EventID: 4624}\n"                            // 14
      "  condition: sel\n"                                  // 15
      "---\n"                                               // 16
      "title: Brute force then success\n"                   // 17
      "id: 5d1e0c3a-0060-4000-8000-000000000060\n"          // 18
      "correlation:\n"                                      // 19
      "  type: temporal_ordered\n"                          // 20
      "  rules:\n"                                          // 21
      "    - failed_logon\n"                                // 22
      "    - success_logon\n"                               // 23
      "  group-by: [TargetUserName, TargetUserName]\n"      // 24: duplicate-key
      "  timespan: 15m\n"                                   // 25
      "  condition: {gte: 2}\n";                            // 26
  Diagnostics d;
  LoadResult r = load(yaml, d);
  ASSERT_EQ(r.rules.size(), 2u);
  ASSERT_EQ(r.correlations.size(), 1u);
  const Correlation& c = r.correlations[0];
  EXPECT_EQ(c.pos.line, 17);
  EXPECT_EQ(c.type_pos.line, 20);
  ASSERT_EQ(c.rules.size(), 2u);
  EXPECT_EQ(c.rules[1].ref, "success_logon");
  EXPECT_EQ(c.rules[1].pos.line, 23);
  EXPECT_EQ(c.rules[1].pos.column, 7);
  EXPECT_EQ(c.timespan_pos.line, 25);
  EXPECT_EQ(c.timespan_ms, 900000);
  ASSERT_EQ(c.condition.size(), 1u);
  EXPECT_EQ(c.condition[0].pos.line, 26);
  EXPECT_EQ(c.condition[0].pos.column, 20);
  ASSERT_EQ(d.items().size(), 1u) << d.render_text();
  EXPECT_EQ(d.items()[0].code, "duplicate-key");
  EXPECT_EQ(d.items()[0].line, 24);
  EXPECT_EQ(d.items()[0].column, 30);
}

// Files in a fresh temporary folder, removed at the end of the test.
class TempFolder {
 public:
  explicit TempFolder(const std::string& name)
      : path_(std::filesystem::temp_directory_path() / name) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  std::string write(const std::string& file, const std::string& text) const {
    std::filesystem::path p = path_ / file;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

const std::string kRuleA =
    "title: a\nid: 5d1e0c3a-0059-4000-8000-000000000059\nname: failed_logon\n"
    "logsource: {product: windows}\ndetection:\n  sel: {A: 1}\n  condition: sel\n";

TEST(CorrelationLoader, DuplicateIdAcrossARuleAndACorrelation) {
  TempFolder dir("vigie_correlation_dup_id");
  const std::string a = dir.write("a.yml", kRuleA);
  const std::string b =
      dir.write("b.yml",
                "title: b\nid: 5d1e0c3a-0059-4000-8000-000000000059\ncorrelation:\n"
                "  type: event_count\n  rules: [failed_logon]\n  timespan: 5m\n"
                "  condition: {gte: 1}\n");
  Diagnostics d;
  LoadResult r = load_rule_paths({dir.path()}, d);
  EXPECT_EQ(r.rules.size(), 1u);
  EXPECT_TRUE(r.correlations.empty());  // the later document is dropped
  ASSERT_EQ(d.items().size(), 1u) << d.render_text();
  EXPECT_EQ(d.items()[0].code, "duplicate-id");
  EXPECT_EQ(d.items()[0].file, b);
  EXPECT_EQ(d.items()[0].line, 1);
  EXPECT_EQ(d.items()[0].column, 1);
  EXPECT_NE(d.items()[0].message.find(a + ":1"), std::string::npos) << d.items()[0].message;
}

TEST(CorrelationLoader, DuplicateNameAcrossDocumentsOfOneFile) {
  TempFolder dir("vigie_correlation_dup_name");
  const std::string f =
      dir.write("f.yml", kRuleA +
                             "---\n"                                                 // 8
                             "title: c\nid: 5d1e0c3a-0060-4000-8000-000000000060\n"  // 9-10
                             "name: failed_logon\ncorrelation:\n"                    // 11-12
                             "  type: event_count\n  rules: [failed_logon]\n"
                             "  timespan: 5m\n  condition: {gte: 1}\n");
  Diagnostics d;
  LoadResult r = load_rule_paths({f}, d);
  EXPECT_EQ(r.rules.size(), 1u);
  EXPECT_TRUE(r.correlations.empty());
  ASSERT_EQ(d.items().size(), 1u) << d.render_text();
  EXPECT_EQ(d.items()[0].code, "duplicate-name");
  EXPECT_EQ(d.items()[0].severity, Severity::kError);
  EXPECT_EQ(d.items()[0].line, 9);
  EXPECT_EQ(d.items()[0].column, 1);
  EXPECT_NE(d.items()[0].message.find(f + ":1"), std::string::npos) << d.items()[0].message;
}

TEST(CorrelationLoader, DuplicateNameBetweenTwoRulesKeepsTheFirst) {
  TempFolder dir("vigie_correlation_dup_rule_name");
  dir.write("a.yml", kRuleA);
  const std::string b =
      dir.write("b.yml",
                "title: b\nid: 5d1e0c3a-0061-4000-8000-000000000061\nname: failed_logon\n"
                "logsource: {product: windows}\ndetection:\n  sel: {B: 1}\n  condition: sel\n");
  Diagnostics d;
  LoadResult r = load_rule_paths({dir.path()}, d);
  ASSERT_EQ(r.rules.size(), 1u);
  EXPECT_EQ(r.rules[0].title, "a");
  ASSERT_EQ(d.items().size(), 1u) << d.render_text();
  EXPECT_EQ(d.items()[0].code, "duplicate-name");
  EXPECT_EQ(d.items()[0].file, b);
}

TEST(CorrelationLoader, UniqueIdsAndNamesAreAllKept) {
  TempFolder dir("vigie_correlation_unique");
  dir.write("a.yml", kRuleA);
  dir.write("b.yml",
            "title: b\nid: 5d1e0c3a-0060-4000-8000-000000000060\nname: many_failed\n"
            "correlation:\n  type: event_count\n  rules: [failed_logon]\n  timespan: 5m\n"
            "  condition: {gte: 1}\n");
  Diagnostics d;
  LoadResult r = load_rule_paths({dir.path()}, d);
  EXPECT_TRUE(d.empty()) << d.render_text();
  EXPECT_EQ(r.rules.size(), 1u);
  EXPECT_EQ(r.correlations.size(), 1u);
  EXPECT_EQ(r.files, 2u);
}

}  // namespace
}  // namespace vigie::rules
