// Snapshot and restore: the correlation state survives a restart exactly. The property: feed a
// random stream; at a random point snapshot, restore into a fresh engine and go on; the alerts
// (and counters) equal those of an uninterrupted run. Then malformed snapshots: refused with an
// error, never a crash, and the engine is left empty.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "test_support.h"

namespace vigie::correlate {
namespace {

using testing::base_rule;
using testing::Feed;
using testing::load_yaml;

std::string corr(const std::string& name, int n, const std::string& body) {
  char id[64];
  std::snprintf(id, sizeof id, "20000000-0000-0000-0000-%012d", n);
  return "---\ntitle: " + name + "\nid: " + id + "\nname: " + name +
         "\nlevel: high\ngenerate: true\ncorrelation:\n" + body;
}

// Every type, conditions decided early and at close, with and without group-by, a chain.
std::string rule_pack() {
  return base_rule("failed", "fail", "00000000-0000-0000-0000-00000000000a") +
         base_rule("success", "ok", "00000000-0000-0000-0000-00000000000b") +
         base_rule("read", "read", "00000000-0000-0000-0000-00000000000c") +
         corr("burst", 1,
              "  type: event_count\n  rules: [failed]\n  group-by: [user]\n  timespan: 2m\n"
              "  condition: {gte: 4}\n") +
         corr("quiet", 2,
              "  type: event_count\n  rules: [success]\n  group-by: [user]\n  timespan: 1m\n"
              "  condition: {lt: 2}\n") +
         corr("hosts", 3,
              "  type: value_count\n  rules: [read]\n  group-by: [user]\n  timespan: 5m\n"
              "  condition: {field: host, gte: 3}\n") +
         corr("then", 4,
              "  type: temporal\n  rules: [failed, success]\n  group-by: [user]\n"
              "  timespan: 3m\n") +
         corr("ordered", 5,
              "  type: temporal_ordered\n  rules: [failed, success]\n  group-by: [user]\n"
              "  timespan: 3m\n") +
         corr("volume", 6,
              "  type: value_sum\n  rules: [read]\n  group-by: [user]\n  timespan: 5m\n"
              "  condition: {field: bytes, gt: 5000}\n") +
         corr("average", 7,
              "  type: value_avg\n  rules: [read]\n  group-by: [user]\n  timespan: 2m\n"
              "  condition: {field: bytes, gt: 800}\n") +
         corr("p90", 8,
              "  type: value_percentile\n  rules: [read]\n  group-by: [host]\n  timespan: 10m\n"
              "  condition: {field: bytes, percentile: 90, gte: 1000}\n") +
         corr("everyone", 9,
              "  type: event_count\n  rules: [failed, read]\n  timespan: 30s\n"
              "  condition: {eq: 3}\n") +
         corr("bursts", 10,
              "  type: event_count\n  rules: [burst]\n  group-by: [user]\n  timespan: 30m\n"
              "  condition: {gte: 2}\n");
}

struct Input {
  double seconds;
  std::string fields;
};

// A stream with jitter: most events move forward, some step back within the lateness (60 s)
// and a few beyond it. With `jumps`, event time sometimes leaps hours or days ahead (a source
// that was down, a replay of old files): deadlines then fall far beyond the engine's timer wheel.
std::vector<Input> random_stream(std::uint32_t seed, int n, bool jumps = false) {
  std::mt19937 rng(seed);
  auto pick = [&](int k) { return static_cast<int>(rng() % static_cast<unsigned>(k)); };
  const char* actions[] = {"fail", "ok", "read", "read", "other"};
  std::vector<Input> out;
  double now = 0;
  for (int i = 0; i < n; ++i) {
    now += pick(12000) / 1000.0;
    if (jumps && pick(40) == 0) now += pick(3 * 86400);
    double t = now;
    if (pick(5) == 0) t -= pick(90000) / 1000.0;
    std::string f = std::string(R"("action":")") + actions[pick(5)] + R"(","user":"u)" +
                    std::to_string(pick(6)) + R"(","tenant":"t)" + std::to_string(pick(2)) +
                    R"(","host":"h)" + std::to_string(pick(4)) + "\"";
    if (pick(10) != 0) f += R"(,"bytes":)" + std::to_string(pick(1300));
    out.push_back({t, f});
  }
  return out;
}

void expect_same(const std::vector<Alert>& want, const std::vector<Alert>& got,
                 const std::string& where) {
  ASSERT_EQ(want.size(), got.size()) << where;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const Alert& a = want[i];
    const Alert& b = got[i];
    EXPECT_EQ(a.correlation, b.correlation) << where << " alert " << i;
    EXPECT_EQ(a.id, b.id) << where << " alert " << i;
    EXPECT_EQ(a.tenant, b.tenant) << where << " alert " << i;
    EXPECT_EQ(a.group, b.group) << where << " alert " << i;
    EXPECT_EQ(a.window_start, b.window_start) << where << " alert " << i;
    EXPECT_EQ(a.window_end, b.window_end) << where << " alert " << i;
    EXPECT_EQ(a.value, b.value) << where << " alert " << i;
    EXPECT_EQ(a.events, b.events) << where << " alert " << i;
    EXPECT_EQ(a.event_count, b.event_count) << where << " alert " << i;
  }
}

void expect_same(const Stats& a, const Stats& b, const std::string& where) {
  EXPECT_EQ(a.events, b.events) << where;
  EXPECT_EQ(a.untimed, b.untimed) << where;
  EXPECT_EQ(a.late, b.late) << where;
  EXPECT_EQ(a.missing_group_field, b.missing_group_field) << where;
  EXPECT_EQ(a.missing_value, b.missing_value) << where;
  EXPECT_EQ(a.alerts, b.alerts) << where;
  EXPECT_EQ(a.episode_continued, b.episode_continued) << where;
  EXPECT_EQ(a.groups_evicted, b.groups_evicted) << where;
  EXPECT_EQ(a.items_evicted, b.items_evicted) << where;
}

void check_property(const EngineOptions& options, std::uint32_t seeds, bool jumps = false) {
  auto d = load_yaml(rule_pack());
  ASSERT_EQ(d.diags.errors(), 0u) << d.diags.render_text();
  ASSERT_EQ(d.correlations->size(), 10u);
  std::size_t total_alerts = 0;
  for (std::uint32_t seed = 1; seed <= seeds; ++seed) {
    std::vector<Input> stream = random_stream(seed, 400, jumps);
    Feed whole(d, options);
    for (const Input& in : stream) whole.event(in.seconds, in.fields);
    whole.flush();
    total_alerts += whole.alerts().size();

    std::mt19937 rng(seed * 7919);
    for (int trial = 0; trial < 3; ++trial) {
      const std::size_t cut = rng() % (stream.size() + 1);
      const std::string where = "seed " + std::to_string(seed) + " cut " + std::to_string(cut);
      Feed first(d, options);
      for (std::size_t i = 0; i < cut; ++i) first.event(stream[i].seconds, stream[i].fields);
      const std::string bytes = first.engine().snapshot();

      Feed second(d, options);
      Status s = second.engine().restore(bytes);
      ASSERT_TRUE(s.ok()) << where << ": " << s.to_string();
      EXPECT_EQ(second.engine().snapshot(), bytes) << where << ": restore is not exact";
      EXPECT_EQ(second.engine().active_groups(), first.engine().active_groups()) << where;
      EXPECT_EQ(second.engine().watermark(), first.engine().watermark()) << where;
      second.continue_count(first.count());
      for (std::size_t i = cut; i < stream.size(); ++i) {
        second.event(stream[i].seconds, stream[i].fields);
      }
      second.flush();

      std::vector<Alert> joined = first.alerts();
      joined.insert(joined.end(), second.alerts().begin(), second.alerts().end());
      expect_same(whole.alerts(), joined, where);
      expect_same(whole.engine().stats(), second.engine().stats(), where);
    }
  }
  // The streams exercise the engine: alerts of many correlations, late events, evictions.
  EXPECT_GT(total_alerts, 10u * seeds);
}

TEST(Snapshot, RestoreContinuesExactlyLikeAnUninterruptedRun) {
  check_property({.allowed_lateness_ms = 60'000}, 12);
}

TEST(Snapshot, RestoreContinuesExactlyUnderTightCaps) {
  EngineOptions options{.allowed_lateness_ms = 60'000};
  options.limits.max_groups = 3;
  options.limits.max_items_per_group = 4;
  options.limits.max_alert_events = 2;
  check_property(options, 6);
}

TEST(Snapshot, RestoreContinuesExactlyAcrossLeapsInEventTime) {
  check_property({.allowed_lateness_ms = 60'000}, 8, /*jumps=*/true);
}

TEST(Snapshot, RestoreContinuesExactlyWithoutLatenessOrWithADayOfIt) {
  check_property({.allowed_lateness_ms = 0}, 4);
  check_property({.allowed_lateness_ms = 86'400'000}, 4, /*jumps=*/true);
}

TEST(Snapshot, TheStreamsHaveLateEventsAndEvictions) {
  // Guards the property tests above against streams too tame to test anything.
  auto d = load_yaml(rule_pack());
  EngineOptions options{.allowed_lateness_ms = 60'000};
  options.limits.max_groups = 3;
  options.limits.max_items_per_group = 4;
  Feed f(d, options);
  for (const Input& in : random_stream(1, 400)) f.event(in.seconds, in.fields);
  f.flush();
  EXPECT_GT(f.engine().stats().late, 0u);
  EXPECT_GT(f.engine().stats().groups_evicted, 0u);
  EXPECT_GT(f.engine().stats().items_evicted, 0u);
  EXPECT_GT(f.engine().stats().episode_continued, 0u);
}

std::string some_snapshot(const LoadedDetection& d) {
  Feed f(d, {.allowed_lateness_ms = 60'000});
  for (const Input& in : random_stream(3, 150)) f.event(in.seconds, in.fields);
  return f.engine().snapshot();
}

TEST(Snapshot, TruncatedSnapshotsAreRefusedAndLeaveTheEngineEmpty) {
  auto d = load_yaml(rule_pack());
  const std::string bytes = some_snapshot(d);
  ASSERT_GT(bytes.size(), 100u);
  Feed f(d);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    Status s = f.engine().restore(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(s.ok()) << "a snapshot cut at " << n << " bytes was accepted";
    ASSERT_EQ(f.engine().active_groups(), 0u);
  }
  EXPECT_TRUE(f.engine().restore(bytes).ok());
  EXPECT_GT(f.engine().active_groups(), 0u);
}

TEST(Snapshot, ForeignOrNewerSnapshotsAreRefused) {
  auto d = load_yaml(rule_pack());
  std::string bytes = some_snapshot(d);
  Feed f(d);
  std::string magic = bytes;
  magic[0] = 'X';
  Status s = f.engine().restore(magic);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.to_string().find("not a Vigie correlation snapshot"), std::string::npos);
  std::string version = bytes;
  version[4] = static_cast<char>(version[4] + 1);
  s = f.engine().restore(version);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.to_string().find("version"), std::string::npos);
  EXPECT_FALSE(f.engine().restore(bytes + "x").ok()) << "trailing bytes";
}

TEST(Snapshot, CorruptedBytesNeverCrash) {
  auto d = load_yaml(rule_pack());
  const std::string bytes = some_snapshot(d);
  std::mt19937 rng(42);
  Feed f(d);
  for (int i = 0; i < 2000; ++i) {
    std::string b = bytes;
    for (int k = 0; k < 1 + static_cast<int>(rng() % 4); ++k) {
      b[8 + rng() % (b.size() - 8)] = static_cast<char>(rng());
    }
    if (!f.engine().restore(b).ok()) {
      EXPECT_EQ(f.engine().active_groups(), 0u);
    }
    // Whatever was accepted must be usable.
    std::vector<Alert> out;
    f.engine().flush(out);
  }
}

TEST(Snapshot, StateOfARemovedCorrelationIsDroppedTheOthersContinue) {
  auto full = load_yaml(rule_pack());
  const std::string bytes = some_snapshot(full);
  // The same pack without "quiet" (id ...02): its state is dropped, the rest is restored.
  std::string pack = rule_pack();
  const std::size_t at = pack.find("---\ntitle: quiet");
  const std::size_t end = pack.find("---\ntitle: hosts");
  pack.erase(at, end - at);
  auto smaller = load_yaml(pack);
  ASSERT_EQ(smaller.diags.errors(), 0u);
  Feed f(smaller, {.allowed_lateness_ms = 60'000});
  ASSERT_TRUE(f.engine().restore(bytes).ok());
  EXPECT_GT(f.engine().active_groups(), 0u);

  Feed whole(full, {.allowed_lateness_ms = 60'000});
  ASSERT_TRUE(whole.engine().restore(bytes).ok());
  EXPECT_GT(whole.engine().active_groups(), f.engine().active_groups());
}

}  // namespace
}  // namespace vigie::correlate
