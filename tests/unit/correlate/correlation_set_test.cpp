// Compiling correlations against the loaded rules: references by id and by name across files,
// evaluation order, what chained correlations may read, and which matches are reported.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.h"

namespace vigie::correlate {
namespace {

using testing::base_rule;
using testing::Feed;
using testing::load_yaml;

const std::string kFailed = base_rule("failed", "fail", "00000000-0000-0000-0000-00000000000a");
const std::string kSuccess = base_rule("success", "ok", "00000000-0000-0000-0000-00000000000b");

std::string corr(const std::string& name, const std::string& id_suffix, const std::string& body,
                 const std::string& extra = "") {
  return "---\ntitle: " + name + "\nid: 30000000-0000-0000-0000-0000000000" + id_suffix +
         "\nname: " + name + "\nlevel: high\n" + extra + "correlation:\n" + body;
}

std::vector<std::string> codes(const LoadedDetection& d) {
  std::vector<std::string> out;
  for (const rules::Diagnostic& diag : d.diags.items()) out.push_back(diag.code);
  return out;
}

TEST(CorrelationSet, ReferencesByIdAndByNameAreTheSameRule) {
  auto d = load_yaml(kFailed +
                     corr("by_id", "01",
                          "  type: event_count\n"
                          "  rules: [00000000-0000-0000-0000-00000000000a]\n"
                          "  timespan: 1m\n  condition: {gte: 2}\n") +
                     corr("by_name", "02",
                          "  type: event_count\n  rules: [failed]\n  timespan: 1m\n"
                          "  condition: {gte: 2}\n"));
  ASSERT_EQ(d.diags.errors(), 0u) << d.diags.render_text();
  ASSERT_EQ(d.correlations->size(), 2u);
  EXPECT_EQ(d.correlations->at(0).inputs[0].index, d.correlations->at(1).inputs[0].index);
  Feed f(d);
  f.event(0, R"("action":"fail")");
  f.event(1, R"("action":"fail")");
  EXPECT_EQ(f.alerts().size(), 2u);
}

TEST(CorrelationSet, AConsumerDeclaredBeforeWhatItConsumesRunsAfterIt) {
  auto d = load_yaml(kFailed + kSuccess +
                     corr("then", "01",
                          "  type: temporal_ordered\n  rules: [burst, success]\n"
                          "  group-by: [user]\n  timespan: 5m\n") +
                     corr("burst", "02",
                          "  type: event_count\n  rules: [failed]\n  group-by: [user]\n"
                          "  timespan: 1m\n  condition: {gte: 2}\n"));
  ASSERT_EQ(d.diags.errors(), 0u) << d.diags.render_text();
  ASSERT_EQ(d.correlations->size(), 2u);
  EXPECT_EQ(d.correlations->at(0).rule.name, "burst");
  EXPECT_EQ(d.correlations->at(1).rule.name, "then");
  EXPECT_FALSE(d.correlations->at(0).reported);  // only feeds "then", generate: false
  EXPECT_TRUE(d.correlations->at(1).reported);
  Feed f(d);
  f.event(0, R"("action":"fail","user":"u")");
  f.event(1, R"("action":"fail","user":"u")");
  f.event(2, R"("action":"ok","user":"u")");
  ASSERT_EQ(f.alerts().size(), 1u);
  EXPECT_EQ(d.correlations->at(f.alerts()[0].correlation).rule.name, "then");
}

TEST(CorrelationSet, AChainedCorrelationGroupsOnlyByWhatItsInputGroupsBy) {
  auto d = load_yaml(kFailed +
                     corr("burst", "01",
                          "  type: event_count\n  rules: [failed]\n  group-by: [user]\n"
                          "  timespan: 1m\n  condition: {gte: 2}\n") +
                     corr("by_host", "02",
                          "  type: event_count\n  rules: [burst]\n  group-by: [host]\n"
                          "  timespan: 1h\n  condition: {gte: 2}\n"));
  EXPECT_EQ(codes(d), std::vector<std::string>{"group-by-unavailable"});
  EXPECT_EQ(d.correlations->size(), 1u);  // burst still runs
}

TEST(CorrelationSet, AValueTypeCannotReadAFieldOfACorrelation) {
  auto d = load_yaml(kFailed +
                     corr("burst", "01",
                          "  type: event_count\n  rules: [failed]\n  group-by: [user]\n"
                          "  timespan: 1m\n  condition: {gte: 2}\n") +
                     corr("hosts", "02",
                          "  type: value_count\n  rules: [burst]\n  group-by: [user]\n"
                          "  timespan: 1h\n  condition: {field: host, gte: 2}\n"));
  EXPECT_EQ(codes(d), std::vector<std::string>{"bad-condition"});
}

TEST(CorrelationSet, EveryReferenceOfACycleIsReportedAndItsConsumersFail) {
  auto d = load_yaml(kFailed +
                     corr("a", "01",
                          "  type: event_count\n  rules: [failed, c]\n  timespan: 1m\n"
                          "  condition: {gte: 2}\n") +
                     corr("b", "02",
                          "  type: event_count\n  rules: [a]\n  timespan: 1m\n"
                          "  condition: {gte: 2}\n") +
                     corr("c", "03",
                          "  type: event_count\n  rules: [b]\n  timespan: 1m\n"
                          "  condition: {gte: 2}\n") +
                     corr("d", "04",
                          "  type: event_count\n  rules: [c]\n  timespan: 1m\n"
                          "  condition: {gte: 2}\n") +
                     corr("self", "05",
                          "  type: event_count\n  rules: [self]\n  timespan: 1m\n"
                          "  condition: {gte: 2}\n"));
  EXPECT_EQ(codes(d),
            (std::vector<std::string>{"correlation-cycle", "correlation-cycle", "correlation-cycle",
                                      "reference-has-errors", "correlation-cycle"}))
      << d.diags.render_text();
  EXPECT_EQ(d.correlations->size(), 0u);
}

TEST(CorrelationSet, AnAliasNamingARuleOutsideRulesIsAnError) {
  auto d = load_yaml(kFailed + corr("x", "01",
                                    "  type: event_count\n  rules: [failed]\n"
                                    "  aliases:\n    who:\n      failed: user\n"
                                    "      nowhere: account\n"
                                    "  group-by: [who]\n  timespan: 1m\n  condition: {gte: 2}\n"));
  EXPECT_EQ(codes(d), std::vector<std::string>{"bad-alias"});
  EXPECT_EQ(d.correlations->size(), 0u);
}

TEST(CorrelationSet, ReferencesReachRulesInOtherFiles) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("vigie_corrset_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "base.yml") << kFailed;
  std::ofstream(dir / "spray.yml") << corr("spray", "01",
                                           "  type: event_count\n  rules: [failed]\n"
                                           "  timespan: 1m\n  condition: {gte: 2}\n");
  LoadedDetection d = load_detection({{dir.string()}, "", {}, {"tenant"}});
  fs::remove_all(dir);
  EXPECT_EQ(d.diags.errors(), 0u) << d.diags.render_text();
  EXPECT_EQ(d.correlations->size(), 1u);
  EXPECT_EQ(d.loaded(), 2u);
}

}  // namespace
}  // namespace vigie::correlate
