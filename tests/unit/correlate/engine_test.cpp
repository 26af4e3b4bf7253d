// Correlation semantics, one behaviour per test: each correlation type, sliding windows and their
// edges, event time and lateness, episodes, groups and tenants, chaining, generate, bounded state.
#include <gtest/gtest.h>

#include <string>

#include "test_support.h"

namespace vigie::correlate {
namespace {

using testing::base_rule;
using testing::Feed;
using testing::load_yaml;
using testing::t0;

const std::string kFailed = base_rule("failed", "fail", "00000000-0000-0000-0000-00000000000a");
const std::string kSuccess = base_rule("success", "ok", "00000000-0000-0000-0000-00000000000b");
const std::string kRead = base_rule("read", "read", "00000000-0000-0000-0000-00000000000c");

// A correlation document; `id_suffix` keeps ids distinct when a file has several.
std::string corr(const std::string& name, const std::string& id_suffix, const std::string& body,
                 const std::string& extra = "") {
  return "---\ntitle: " + name + "\nid: 10000000-0000-0000-0000-0000000000" + id_suffix +
         "\nname: " + name + "\nlevel: high\n" + extra + "correlation:\n" + body;
}

correlate::LoadedDetection load_ok(const std::string& yaml) {
  correlate::LoadedDetection d = load_yaml(yaml);
  EXPECT_EQ(d.diags.errors(), 0u) << d.diags.render_text();
  return d;
}

const std::string kCount3PerUser =
    "  type: event_count\n  rules: [failed]\n  group-by: [user]\n  timespan: 1m\n"
    "  condition: {gte: 3}\n";

TEST(EventCount, FiresWhenTheCountIsReachedWithinTheTimespan) {
  auto d = load_ok(kFailed + corr("spray", "01", kCount3PerUser));
  Feed f(d);
  f.event(0, R"("action":"fail","user":"alice")");
  f.event(10, R"("action":"fail","user":"alice")");
  EXPECT_TRUE(f.alerts().empty());
  f.event(20, R"("action":"fail","user":"alice")");
  ASSERT_EQ(f.alerts().size(), 1u);
  const Alert& a = f.alerts()[0];
  EXPECT_EQ(a.value, 3);
  EXPECT_EQ(a.group, std::vector<std::string>{"alice"});
  EXPECT_EQ(a.window_start, t0());
  EXPECT_EQ(a.window_end, t0() + 20'000);
  EXPECT_EQ(a.events, (std::vector<EventRef>{1, 2, 3}));
  EXPECT_EQ(a.event_count, 3u);
  EXPECT_EQ(a.id.size(), 32u);
}

TEST(EventCount, EventsOfOtherRulesDoNotCount) {
  auto d = load_ok(kFailed + kSuccess + corr("spray", "01", kCount3PerUser));
  Feed f(d);
  f.event(0, R"("action":"fail","user":"alice")");
  f.event(1, R"("action":"ok","user":"alice")");
  f.event(2, R"("action":"fail","user":"alice")");
  f.flush();
  EXPECT_TRUE(f.alerts().empty());
}

TEST(EventCount, GroupByKeepsGroupsApart) {
  auto d = load_ok(kFailed + corr("spray", "01", kCount3PerUser));
  Feed f(d);
  for (int i = 0; i < 2; ++i) {
    f.event(i, R"("action":"fail","user":"alice")");
    f.event(i, R"("action":"fail","user":"bob")");
  }
  EXPECT_TRUE(f.alerts().empty());
  f.event(5, R"("action":"fail","user":"bob")");
  ASSERT_EQ(f.alerts().size(), 1u);
  EXPECT_EQ(f.alerts()[0].group, std::vector<std::string>{"bob"});
}

TEST(EventCount, SeveralGroupByFieldsFormOneKey) {
  auto d = load_ok(kFailed + corr("spray", "01",
                                  "  type: event_count\n  rules: [failed]\n"
                                  "  group-by: [user, host]\n  timespan: 1m\n"
                                  "  condition: {gte: 2}\n"));
  Feed f(d);
  f.event(0, R"("action":"fail","user":"alice","host":"a")");
  f.event(1, R"("action":"fail","user":"alice","host":"b")");
  EXPECT_TRUE(f.alerts().empty());
  f.event(2, R"("action":"fail","user":"alice","host":"b")");
  ASSERT_EQ(f.alerts().size(), 1u);
  EXPECT_EQ(f.alerts()[0].group, (std::vector<std::string>{"alice", "b"}));
}

TEST(EventCount, WithoutGroupByAllEventsOfATenantFormOneGroup) {
  auto d = load_ok(kFailed + corr("spray", "01",
                                  "  type: event_count\n  rules: [failed]\n  timespan: 1m\n"
                                  "  condition: {gte: 3}\n"));
  Feed f(d);
  f.event(0, R"("action":"fail","user":"a")");
  f.event(1, R"("action":"fail","user":"b")");
  f.event(2, R"("action":"fail")");
  ASSERT_EQ(f.alerts().size(), 1u);
  EXPECT_TRUE(f.alerts()[0].group.empty());
}

TEST(SlidingWindow, AWindowThatStraddlesAFixedBucketBoundaryFires) {
  // 10:50, 10:55, 11:05 with 1h: fixed hourly buckets would see 2 + 1 and miss it.
  auto d = load_ok(kFailed + corr("spray", "01",
                                  "  type: event_count\n  rules: [failed]\n  group-by: [user]\n"
                                  "  timespan: 1h\n  condition: {gte: 3}\n"));
  Feed f(d);
  f.event(50 * 60, R"("action":"fail","user":"alice")");
  f.event(55 * 60, R"("action":"fail","user":"alice")");
  f.event(65 * 60, R"("action":"fail","user":"alice")");
  ASSERT_EQ(f.alerts().size(), 1u);
  EXPECT_EQ(f.alerts()[0].window_start, t0() + 50 * 60'000);
}

TEST(SlidingWindow, BothEdgesAreInclusive) {
  auto yaml = kFailed + corr("pair", "01",
                             "  type: event_count\n  rules: [failed]\n  group-by: [user]\n"
                             "  timespan: 1m\n  condition: {gte: 2}\n");
  auto d = load_ok(yaml);
  Feed f(d);
  f.event(0, R"("action":"fail","user":"alice")");
  f.event(60, R"("action":"fail","user":"alice")");  // exactly one timespan later
  EXPECT_EQ(f.alerts().size(), 1u);

  Feed g(d);
  g.event(0, R"("action":"fail","user":"alice")");
  g.event(60.001, R"("action":"fail","user":"alice")");  // one millisecond too late
  g.flush();
  EXPECT_TRUE(g.alerts().empty());
}

TEST(SlidingWindow, OneEventShortOrOneTooLateDoesNotFire) {
  auto d = load_ok(kFailed + corr("spray", "01", kCount3PerUser));
  Feed f(d);
  f.event(0, R"("action":"fail","user":"alice")");
  f.event(30, R"("action":"fail","user":"alice")");
  f.event(61, R"("action":"fail","user":"alice")");  // the first has left the window
  f.flush();
  EXPECT_TRUE(f.alerts().empty());
}

TEST(Episodes, AGroupAlertsOncePerEpisodeAndAgainAfterAQuietTimespan) {
  auto d = load_ok(kFailed + corr("spray", "01", kCount3PerUser));
  Feed f(d);
  for (int i = 0; i < 20; ++i) f.event(i * 10, R"("action":"fail","user":"alice")");
  EXPECT_EQ(f.alerts().size(), 1u);
  EXPECT_GT(f.engine().stats().episode_continued, 0u);
  // Ten minutes of silence, then a new burst: a new episode.
  for (int i = 0; i < 3; ++i) f.event(800 + i, R"("action":"fail","user":"alice")");
  ASSERT_EQ(f.alerts().size(), 2u);
  EXPECT_NE(f.alerts()[0].id, f.alerts()[1].id);
  EXPECT_EQ(f.alerts()[1].window_start, t0() + 800'000);
}

TEST(ValueCount, CountsDistinctValues) {
  auto d = load_ok(kRead + corr("browse", "01",
                                "  type: value_count\n  rules: [read]\n  group-by: [user]\n"
                                "  timespan: 1h\n  condition: {field: patient, gte: 3}\n"));
  Feed f(d);
  f.event(0, R"("action":"read","user":"u1","patient":"p1")");
  f.event(1, R"("action":"read","user":"u1","patient":"p1")");
  f.event(2, R"("action":"read","user":"u1","patient":"p2")");
  f.event(3, R"("action":"read","user":"u1","patient":"p2")");
  EXPECT_TRUE(f.alerts().empty());
  f.event(4, R"("action":"read","user":"u1","patient":"p3")");
  ASSERT_EQ(f.alerts().size(), 1u);
  EXPECT_EQ(f.alerts()[0].value, 3);
  EXPECT_EQ(f.alerts()[0].event_count, 5u);
}

TEST(ValueCount, AnEventWithoutTheFieldIsNotCounted) {
  auto d = load_ok(kRead + corr("browse", "01",
                                "  type: value_count\n  rules: [read]\n  group-by: [user]\n"
                                "  timespan: 1h\n  condition: {field: patient, gte: 2}\n"));
  Feed f(d);
  f.event(0, R"("action":"read","user":"u1","patient":"p1")");
  f.event(1, R"("action":"read","user":"u1")");
  f.flush();
  EXPECT_TRUE(f.alerts().empty());
  EXPECT_EQ(f.engine().stats().missing_value, 1u);
}

TEST(Temporal, AllRulesInAnyOrder) {
  auto d = load_ok(kFailed + kSuccess +
                   corr("both", "01",
                        "  type: temporal\n  rules: [success, failed]\n  group-by: [user]\n"
                        "  timespan: 5m\n"));
  Feed f(d);
  f.event(0, R"("action":"fail","user":"alice")");
  f.event(10, R"("action":"fail","user":"alice")");
  EXPECT_TRUE(f.alerts().empty());
  f.event(20, R"("action":"ok","user":"alice")");
  ASSERT_EQ(f.alerts().size(), 1u);
  EXPECT_EQ(f.alerts()[0].value, 2);
}

TEST(Temporal, AConditionAsksForSomeOfTheRules) {
  auto d = load_ok(kFailed + kSuccess + kRead +
                   corr("two_of_three", "01",
                        "  type: temporal\n  rules: [failed, success, read]\n"
                        "  group-by: [user]\n  timespan: 5m\n  condition: {gte: 2}\n"));
  Feed f(d);
  f.event(0, R"("action":"read","user":"alice")");
  f.event(10, R"("action":"read","user":"alice")");
  EXPECT_TRUE(f.alerts().empty());  // one rule, twice
  f.event(20, R"("action":"ok","user":"alice")");
  ASSERT_EQ(f.alerts().size(), 1u);
  EXPECT_EQ(f.alerts()[0].value, 2);
}

TEST(TemporalOrdered, RequiresTheOrderListed) {
  auto yaml = kFailed + kSuccess +
              corr("then", "01",
                   "  type: temporal_ordered\n  rules: [failed, success]\n  group-by: [user]\n"
                   "  timespan: 5m\n");
  auto d = load_ok(yaml);
  Feed wrong(d);
  wrong.event(0, R"("action":"ok","user":"alice")");
  wrong.event(10, R"("action":"fail","user":"alice")");
  wrong.flush();
  EXPECT_TRUE(wrong.alerts().empty());

  Feed right(d);
  right.event(0, R"("action":"ok","user":"alice")");
  right.event(10, R"("action":"fail","user":"alice")");
  right.event(20, R"("action":"ok","user":"alice")");
  ASSERT_EQ(right.alerts().size(), 1u);
  EXPECT_EQ(right.alerts()[0].value, 2);
}

TEST(ValueSum, FiresWhenTheSumExceedsTheBound) {
  auto d = load_ok(kRead + corr("volume", "01",
                                "  type: value_sum\n  rules: [read]\n  group-by: [user]\n"
                                "  timespan: 1h\n  condition: {field: bytes, gt: 1000}\n"));
  Feed f(d);
  f.event(0, R"("action":"read","user":"u","bytes":400)");
  f.event(1, R"("action":"read","user":"u","bytes":"500")");  // numeric strings count
  f.event(2, R"("action":"read","user":"u","bytes":"n/a")");  // not a number: skipped
  EXPECT_TRUE(f.alerts().empty());
  f.event(3, R"("action":"read","user":"u","bytes":101)");
  ASSERT_EQ(f.alerts().size(), 1u);
  EXPECT_EQ(f.alerts()[0].value, 1001);
  EXPECT_EQ(f.engine().stats().missing_value, 1u);
}

TEST(ValueAvg, IsDecidedWhenTheWindowCloses) {
  auto d = load_ok(kRead + corr("slow", "01",
                                "  type: value_avg\n  rules: [read]\n  group-by: [user]\n"
                                "  timespan: 1m\n  condition: {field: ms, gt: 100}\n"));
  Feed f(d, {.allowed_lateness_ms = 0});
  f.event(0, R"("action":"read","user":"u","ms":300)");
  // The first event alone averages 300, but the window is not complete yet.
  EXPECT_TRUE(f.alerts().empty());
  f.event(30, R"("action":"read","user":"u","ms":0)");
  f.event(40, R"("action":"read","user":"u","ms":0)");
  // [0, 60]: (300 + 0 + 0) / 3 = 100, not > 100. [30, 90] and [40, 100]: 0.
  f.event(200, R"("action":"other")");
  f.flush();
  EXPECT_TRUE(f.alerts().empty());

  Feed g(d, {.allowed_lateness_ms = 0});
  g.event(0, R"("action":"read","user":"u","ms":300)");
  g.event(30, R"("action":"read","user":"u","ms":1)");
  EXPECT_TRUE(g.alerts().empty());
  g.event(61, R"("action":"other")");  // the watermark passes 0 + 60s: [0, 60] is decided
  ASSERT_EQ(g.alerts().size(), 1u);
  EXPECT_EQ(g.alerts()[0].value, 150.5);
  EXPECT_EQ(g.alerts()[0].window_start, t0());
  EXPECT_EQ(g.alerts()[0].window_end, t0() + 60'000);
}

TEST(ValuePercentile, MatchesAHandComputedPercentile) {
  // Values 10, 20, 30, 40, 100; 90th percentile by linear interpolation: rank 0.9 * 4 = 3.6,
  // 40 + 0.6 * (100 - 40) = 76.
  auto make = [](const std::string& cond) {
    return kRead + corr("p90", "01",
                        "  type: value_percentile\n  rules: [read]\n  group-by: [user]\n"
                        "  timespan: 1h\n  condition: {field: ms, percentile: 90, " +
                            cond + "}\n");
  };
  for (const auto& [cond, fires] : std::vector<std::pair<std::string, bool>>{
           {"gte: 76", true}, {"gt: 76", false}, {"eq: 76", true}, {"lt: 76.01", true}}) {
    auto d = load_ok(make(cond));
    Feed f(d);
    for (int v : {40, 10, 100, 30, 20}) {
      f.event(v, R"("action":"read","user":"u","ms":)" + std::to_string(v));
    }
    f.flush();
    // Windows start at each event; only the first holds all five values.
    bool fired = !f.alerts().empty() && f.alerts()[0].value == 76;
    EXPECT_EQ(fired, fires) << cond;
  }
}

TEST(Conditions, LtIsDecidedAtCloseOverMaximalWindows) {
  auto d = load_ok(kSuccess + corr("rare", "01",
                                   "  type: event_count\n  rules: [success]\n  group-by: [user]\n"
                                   "  timespan: 1m\n  condition: {lt: 3}\n"));
  Feed f(d, {.allowed_lateness_ms = 0});
  // bob: 3 in one minute, so "fewer than 3" does not hold, although later windows hold fewer.
  // alice: 2 in [0, 60], then 2 in [10, 70]: one episode.
  f.event(0, R"("action":"ok","user":"bob")");
  f.event(0, R"("action":"ok","user":"alice")");
  f.event(10, R"("action":"ok","user":"bob")");
  f.event(10, R"("action":"ok","user":"alice")");
  f.event(20, R"("action":"ok","user":"bob")");
  EXPECT_TRUE(f.alerts().empty());  // nothing decided before a window closes
  f.event(60, R"("action":"other")");
  EXPECT_TRUE(f.alerts().empty());  // the edge is inclusive: [0, 60] is still open at 60
  f.event(61, R"("action":"other")");
  ASSERT_EQ(f.alerts().size(), 1u);
  EXPECT_EQ(f.alerts()[0].value, 2);
  EXPECT_EQ(f.alerts()[0].window_start, t0());
  EXPECT_EQ(f.alerts()[0].group, std::vector<std::string>{"alice"});
  f.event(70, R"("action":"ok","user":"alice")");
  f.flush();
  EXPECT_EQ(f.alerts().size(), 1u);  // [10, 70] continues the episode; bob never held
}

TEST(Conditions, RangeAndNeq) {
  auto make = [](const std::string& cond) {
    return kFailed + corr("range", "01",
                          "  type: event_count\n  rules: [failed]\n  group-by: [user]\n"
                          "  timespan: 1m\n  condition: {" +
                              cond + "}\n");
  };
  auto run = [&](const std::string& cond, int n) {
    auto d = load_ok(make(cond));
    Feed f(d);
    for (int i = 0; i < n; ++i) f.event(i, R"("action":"fail","user":"u")");
    f.flush();
    return f.alerts().size();
  };
  EXPECT_EQ(run("gt: 2, lte: 4", 2), 0u);
  EXPECT_EQ(run("gt: 2, lte: 4", 4), 1u);
  // The window starting at the first event holds 5; the later ones hold subsets of it and are
  // not judged on their own, so "at most 4" does not hold for this group.
  EXPECT_EQ(run("gt: 2, lte: 4", 5), 0u);
  EXPECT_EQ(run("eq: 3", 3), 1u);
  EXPECT_EQ(run("eq: 3", 5), 0u);
  EXPECT_EQ(run("neq: 3", 3), 0u);
  EXPECT_EQ(run("neq: 3", 4), 1u);
}

TEST(Aliases, GroupAcrossRulesWithDifferentFieldNames) {
  std::string a =
      "title: scan\nid: 00000000-0000-0000-0000-0000000000a1\nname: scan\nlogsource: {}\n"
      "detection:\n  sel: {action: scan}\n  condition: sel\n";
  std::string b =
      "---\ntitle: login\nid: 00000000-0000-0000-0000-0000000000a2\nname: login\n"
      "logsource: {}\ndetection:\n  sel: {action: login}\n  condition: sel\n";
  auto d = load_ok(a + b +
                   corr("scan_then_login", "01",
                        "  type: temporal_ordered\n  rules: [scan, login]\n  group-by: [ip]\n"
                        "  timespan: 10m\n  aliases:\n    ip:\n      scan: DestinationIp\n"
                        "      login: SourceIp\n"));
  Feed f(d);
  f.event(0, R"("action":"scan","DestinationIp":"10.0.0.5","SourceIp":"1.1.1.1")");
  f.event(10, R"("action":"login","SourceIp":"10.0.0.9")");
  EXPECT_TRUE(f.alerts().empty());
  f.event(20, R"("action":"login","SourceIp":"10.0.0.5")");
  ASSERT_EQ(f.alerts().size(), 1u);
  EXPECT_EQ(f.alerts()[0].group, std::vector<std::string>{"10.0.0.5"});
}

TEST(Generate, ReferencedRulesAreSilentUnlessACorrelationSaysGenerate) {
  auto quiet = load_ok(kFailed + kSuccess + corr("spray", "01", kCount3PerUser));
  const auto& rs = *quiet.rules;
  auto index_of = [&](const match::RuleSet& r, const std::string& name) {
    for (std::uint32_t i = 0; i < r.size(); ++i) {
      if (r.rule(i).name == name) return i;
    }
    return ~0u;
  };
  EXPECT_FALSE(quiet.correlations->rule_reported(index_of(rs, "failed")));
  EXPECT_TRUE(quiet.correlations->rule_reported(index_of(rs, "success")));

  auto loud = load_ok(kFailed + corr("spray", "01", kCount3PerUser, "generate: true\n"));
  EXPECT_TRUE(loud.correlations->rule_reported(index_of(*loud.rules, "failed")));
}

TEST(Chaining, ACorrelationOverACorrelationTwoLevelsDeep) {
  // Brute force (event_count) then a successful logon (temporal_ordered), then that twice in a
  // day (event_count over the temporal_ordered): the spec's example, one level deeper.
  std::string yaml = kFailed + kSuccess +
                     corr("brute", "01",
                          "  type: event_count\n  rules: [failed]\n  group-by: [user]\n"
                          "  timespan: 10m\n  condition: {gte: 3}\n") +
                     corr("brute_then_success", "02",
                          "  type: temporal_ordered\n  rules: [brute, success]\n"
                          "  group-by: [user]\n  timespan: 10m\n",
                          "generate: true\n") +
                     corr("twice", "03",
                          "  type: event_count\n  rules: [brute_then_success]\n"
                          "  group-by: [user]\n  timespan: 1d\n  condition: {gte: 2}\n",
                          "generate: true\n");
  auto d = load_ok(yaml);
  ASSERT_EQ(d.correlations->size(), 3u);
  Feed f(d);
  for (int burst : {0, 3600}) {
    for (int i = 0; i < 3; ++i) f.event(burst + i, R"("action":"fail","user":"alice")");
    f.event(burst + 30, R"("action":"ok","user":"alice")");
  }
  f.flush();
  std::vector<std::string> titles;
  for (const Alert& a : f.alerts()) titles.push_back(d.correlations->at(a.correlation).rule.name);
  EXPECT_EQ(titles, (std::vector<std::string>{"brute", "brute_then_success", "brute",
                                              "brute_then_success", "twice"}));
  const Alert& top = f.alerts().back();
  // Its inputs carry time window_end: the success events at +30 s and +3630 s.
  EXPECT_EQ(top.window_start, t0() + 30'000);
  EXPECT_EQ(top.window_end, t0() + 3'630'000);
  EXPECT_EQ(top.event_count, 8u);  // every event of both chains
}

TEST(Lateness, EventsWithinTheLatenessArePlacedAtTheirTime) {
  auto d = load_ok(kFailed + corr("spray", "01", kCount3PerUser));
  Feed f(d, {.allowed_lateness_ms = 60'000});
  f.event(50, R"("action":"fail","user":"alice")");
  f.event(0, R"("action":"fail","user":"alice")");  // 50 s late: within the lateness
  EXPECT_TRUE(f.alerts().empty());
  f.event(30, R"("action":"fail","user":"alice")");
  ASSERT_EQ(f.alerts().size(), 1u);
  EXPECT_EQ(f.alerts()[0].window_start, t0());
  EXPECT_EQ(f.alerts()[0].window_end, t0() + 50'000);
  EXPECT_EQ(f.alerts()[0].events, (std::vector<EventRef>{2, 3, 1}));  // in time order
  EXPECT_EQ(f.engine().stats().late, 0u);
}

TEST(Lateness, EventsBeyondTheLatenessAreCountedAndIgnored) {
  auto d = load_ok(kFailed + corr("spray", "01", kCount3PerUser));
  Feed f(d, {.allowed_lateness_ms = 10'000});
  f.event(100, R"("action":"fail","user":"alice")");
  f.event(80, R"("action":"fail","user":"alice")");  // 20 s behind: late
  f.event(85, R"("action":"fail","user":"alice")");  // late
  f.event(101, R"("action":"fail","user":"alice")");
  f.flush();
  EXPECT_TRUE(f.alerts().empty());
  EXPECT_EQ(f.engine().stats().late, 2u);
  EXPECT_EQ(f.engine().watermark(), t0() + 91'000);
}

TEST(Lateness, EventsWithoutTimeAreCounted) {
  auto d = load_ok(kFailed + corr("spray", "01", kCount3PerUser));
  Feed f(d);
  f.raw(R"({"action":"fail","user":"alice"})");
  EXPECT_EQ(f.engine().stats().untimed, 1u);
}

TEST(Tenants, TheSameUserInTwoEstablishmentsIsTwoGroups) {
  auto d = load_ok(kFailed + corr("spray", "01", kCount3PerUser));
  Feed f(d);
  f.event(0, R"("action":"fail","user":"alice","tenant":"chu-a")");
  f.event(1, R"("action":"fail","user":"alice","tenant":"chu-b")");
  f.event(2, R"("action":"fail","user":"alice","tenant":"chu-a")");
  f.event(3, R"("action":"fail","user":"alice","tenant":"chu-b")");
  EXPECT_TRUE(f.alerts().empty());
  f.event(4, R"("action":"fail","user":"alice","tenant":"chu-a")");
  ASSERT_EQ(f.alerts().size(), 1u);
  EXPECT_EQ(f.alerts()[0].tenant, "chu-a");
  f.event(5, R"("action":"fail","user":"alice")");  // no tenant: the empty tenant, a third wall
  f.flush();
  EXPECT_EQ(f.alerts().size(), 1u);
}

TEST(Groups, AnEventWithoutAGroupByFieldIsNotCorrelated) {
  auto d = load_ok(kFailed + corr("spray", "01", kCount3PerUser));
  Feed f(d);
  f.event(0, R"("action":"fail")");
  f.event(1, R"("action":"fail","user":null)");
  f.event(2, R"("action":"fail")");
  f.flush();
  EXPECT_TRUE(f.alerts().empty());
  EXPECT_EQ(f.engine().stats().missing_group_field, 3u);
}

TEST(Groups, ValuesCompareAsWritten) {
  auto d = load_ok(kFailed + corr("spray", "01", kCount3PerUser));
  Feed f(d);
  f.event(0, R"("action":"fail","user":"Alice")");
  f.event(1, R"("action":"fail","user":"alice")");
  f.event(2, R"("action":"fail","user":"ALICE")");
  f.flush();
  EXPECT_TRUE(f.alerts().empty());
}

TEST(AlertIds, DeriveFromContentSoReplaysGiveTheSameIds) {
  auto d = load_ok(kFailed + corr("spray", "01", kCount3PerUser));
  auto run = [&] {
    Feed f(d);
    for (int i = 0; i < 3; ++i) f.event(i, R"("action":"fail","user":"alice")");
    for (int i = 0; i < 3; ++i) f.event(i + 2, R"("action":"fail","user":"bob")");
    return f.alerts();
  };
  auto first = run(), second = run();
  ASSERT_EQ(first.size(), 2u);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(first[0].id, second[0].id);
  EXPECT_EQ(first[1].id, second[1].id);
  EXPECT_NE(first[0].id, first[1].id);
}

TEST(Bounds, GroupsBeyondTheCapAreEvictedOldestFirstAndCounted) {
  auto d = load_ok(kFailed + corr("spray", "01",
                                  "  type: event_count\n  rules: [failed]\n  group-by: [user]\n"
                                  "  timespan: 1h\n  condition: {gte: 2}\n"));
  EngineOptions o;
  o.limits.max_groups = 2;
  Feed f(d, o);
  f.event(0, R"("action":"fail","user":"u1")");
  f.event(1, R"("action":"fail","user":"u2")");
  f.event(2, R"("action":"fail","user":"u3")");  // evicts u1, the least recently active
  EXPECT_EQ(f.engine().stats().groups_evicted, 1u);
  EXPECT_EQ(f.engine().stats().items_evicted, 1u);
  EXPECT_EQ(f.engine().active_groups(), 2u);
  f.event(3, R"("action":"fail","user":"u1")");  // u1 starts over (and evicts u2)
  EXPECT_TRUE(f.alerts().empty());
  f.event(4, R"("action":"fail","user":"u3")");
  ASSERT_EQ(f.alerts().size(), 1u);
  EXPECT_EQ(f.alerts()[0].group, std::vector<std::string>{"u3"});
}

TEST(Bounds, EventsBeyondThePerGroupCapDropTheOldest) {
  auto d = load_ok(kRead + corr("browse", "01",
                                "  type: value_count\n  rules: [read]\n  group-by: [user]\n"
                                "  timespan: 1h\n  condition: {field: patient, gte: 4}\n"));
  EngineOptions o;
  o.limits.max_items_per_group = 3;
  Feed f(d, o);
  for (int i = 0; i < 5; ++i)
    f.event(i, R"("action":"read","user":"u","patient":"p)" + std::to_string(i) + "\"");
  f.flush();
  EXPECT_TRUE(f.alerts().empty());  // only 3 events are held: never 4 distinct
  EXPECT_EQ(f.engine().stats().items_evicted, 2u);
}

TEST(Bounds, AnAlertListsAtMostTheCappedEventsAndCountsThemAll) {
  auto d = load_ok(kFailed + corr("spray", "01",
                                  "  type: event_count\n  rules: [failed]\n  group-by: [user]\n"
                                  "  timespan: 1h\n  condition: {gte: 40}\n"));
  Feed f(d);
  for (int i = 0; i < 40; ++i) f.event(i, R"("action":"fail","user":"u")");
  ASSERT_EQ(f.alerts().size(), 1u);
  const Alert& a = f.alerts()[0];
  EXPECT_EQ(a.event_count, 40u);
  ASSERT_EQ(a.events.size(), 32u);  // Limits::max_alert_events
  EXPECT_EQ(a.events.front(), 1u);  // the first contributing events, in time order
  EXPECT_EQ(a.events.back(), 32u);
}

TEST(Bounds, StateExpiresWithEventTime) {
  auto d = load_ok(kFailed + corr("spray", "01", kCount3PerUser));
  Feed f(d, {.allowed_lateness_ms = 0});
  for (int u = 0; u < 100; ++u)
    f.event(0, R"("action":"fail","user":"u)" + std::to_string(u) + "\"");
  EXPECT_EQ(f.engine().active_groups(), 100u);
  f.event(3600, R"("action":"other")");
  EXPECT_EQ(f.engine().active_groups(), 0u);
}

}  // namespace
}  // namespace vigie::correlate
