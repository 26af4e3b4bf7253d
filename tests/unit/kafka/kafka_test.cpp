// The Kafka module against librdkafka's mock cluster (each test starts its own, on loopback):
// produce and consume back (keys, values, headers, Java-compatible partitioning by key), a
// consumer group splitting partitions and handing them over cooperatively, start offsets chosen
// by the rebalance listener (cooperative and eager), pause/resume, a broker outage, and the
// idempotent producer under injected Produce errors. Label `integration`.
#include "kafka/kafka.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "kafka/consumer.h"
#include "kafka/mock_cluster.h"
#include "kafka/producer.h"

namespace vigie::kafka {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Kafka error codes (protocol), for injection.
constexpr int kLeaderNotAvailable = 5;
constexpr int kNotLeaderForPartition = 6;
constexpr int kRequestTimedOut = 7;
constexpr int kNotEnoughReplicas = 19;
constexpr int kApiProduce = 0;

// The Java clients' murmur2 (org.apache.kafka.common.utils.Utils.murmur2), to check that keys land
// where a Java producer would put them.
std::int32_t java_murmur2(const std::string& data) {
  const auto len = static_cast<std::uint32_t>(data.size());
  constexpr std::uint32_t kSeed = 0x9747b28c;
  constexpr std::uint32_t kM = 0x5bd1e995;
  constexpr int kR = 24;
  std::uint32_t h = kSeed ^ len;
  const auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(data[i]) & 0xffU; };
  const std::size_t blocks = len / 4;
  for (std::size_t i = 0; i < blocks; ++i) {
    const std::size_t o = i * 4;
    std::uint32_t k = byte(o) | (byte(o + 1) << 8) | (byte(o + 2) << 16) | (byte(o + 3) << 24);
    k *= kM;
    k ^= k >> kR;
    k *= kM;
    h *= kM;
    h ^= k;
  }
  const std::size_t tail = blocks * 4;
  switch (len % 4) {
    case 3:
      h ^= byte(tail + 2) << 16;
      [[fallthrough]];
    case 2:
      h ^= byte(tail + 1) << 8;
      [[fallthrough]];
    case 1:
      h ^= byte(tail);
      h *= kM;
      break;
    default:
      break;
  }
  h ^= h >> 13;
  h *= kM;
  h ^= h >> 15;
  return static_cast<std::int32_t>(h);
}

std::int32_t java_partition(const std::string& key, int partitions) {
  return static_cast<std::int32_t>((static_cast<std::uint32_t>(java_murmur2(key)) & 0x7fffffffU) %
                                   static_cast<std::uint32_t>(partitions));
}

// Short timeouts. librdkafka 2.0.2's mock cluster holds a group's first JoinGroup for 3 s (the
// broker's group.initial.rebalance.delay.ms) without counting it as activity: a session timeout
// of 3 s or less expires the member before it is ever assigned anything. Later rebalances wait
// session.timeout.ms - 1 s for members to rejoin, so 4 s is the shortest that works.
// KAFKA_TEST_DEBUG=cgrp,fetch (librdkafka's `debug` contexts) prints the clients' debug logs.
const char* debug_contexts() { return std::getenv("KAFKA_TEST_DEBUG"); }

Properties with_debug(Properties props) {
  if (debug_contexts() != nullptr) props.emplace_back("debug", debug_contexts());
  return props;
}

Properties consumer_props(const std::string& strategy = "cooperative-sticky") {
  return with_debug({{"partition.assignment.strategy", strategy},
                     {"session.timeout.ms", "4000"},
                     {"heartbeat.interval.ms", "200"},
                     {"fetch.wait.max.ms", "50"},
                     {"reconnect.backoff.ms", "50"},
                     {"reconnect.backoff.max.ms", "500"}});
}

Properties producer_props() {
  return with_debug(
      {{"linger.ms", "5"}, {"reconnect.backoff.ms", "50"}, {"reconnect.backoff.max.ms", "500"}});
}

// A consumed message, copied (views die at the next poll).
struct Got {
  std::string topic;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::string key;
  std::string value;
  std::optional<std::string> tenant;
  std::optional<std::string> trace;
  std::int64_t timestamp_ms = -1;
};

// Records what the group gives and takes; returns the start offsets the test sets (the way the
// stream processor returns the offsets stored with its state).
class Recorder : public RebalanceListener {
 public:
  std::vector<std::optional<std::int64_t>> on_assigned(
      const std::vector<TopicPartition>& tps) override {
    std::vector<std::optional<std::int64_t>> out;
    ++assign_calls;
    for (const TopicPartition& tp : tps) {
      owned.insert(tp);
      ++assigned_total;
      auto it = next.find(tp);
      out.push_back(it == next.end() ? std::nullopt : std::optional<std::int64_t>(it->second));
    }
    return out;
  }
  void on_revoked(const std::vector<TopicPartition>& tps, bool lost) override {
    ++revoke_calls;
    for (const TopicPartition& tp : tps) {
      owned.erase(tp);
      revoked.push_back(tp);
    }
    any_lost = any_lost || lost;
  }

  std::set<TopicPartition> owned;
  std::vector<TopicPartition> revoked;
  std::map<TopicPartition, std::int64_t> next;  // start offsets to hand back
  int assign_calls = 0;
  int revoke_calls = 0;
  int assigned_total = 0;
  bool any_lost = false;
};

// Polls every consumer in turn (100 ms each) until done() or the time limit; copies messages into
// `sink` and, when given, advances the consumer's recorder offsets past them.
bool poll_until(const std::vector<std::pair<Consumer*, Recorder*>>& consumers,
                const std::function<bool()>& done, milliseconds limit, std::vector<Got>* sink) {
  const auto deadline = Clock::now() + limit;
  std::vector<Message> batch;
  while (Clock::now() < deadline) {
    for (auto [consumer, recorder] : consumers) {
      const Status s = consumer->poll_batch(500, 100, batch);
      EXPECT_TRUE(s.ok()) << s.to_string();
      for (const Message& m : batch) {
        if (recorder != nullptr) recorder->next[{std::string(m.topic), m.partition}] = m.offset + 1;
        if (sink == nullptr) continue;
        Got g;
        g.topic = std::string(m.topic);
        g.partition = m.partition;
        g.offset = m.offset;
        g.key = std::string(m.key);
        g.value = std::string(m.value);
        if (auto t = m.header("tenant")) g.tenant = std::string(*t);
        if (auto t = m.header("trace")) g.trace = std::string(*t);
        g.timestamp_ms = m.timestamp_ms;
        sink->push_back(std::move(g));
      }
    }
    if (done()) return true;
  }
  return done();
}

class KafkaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Errors and warnings only (a broker outage is noisy by design); never payloads anyway.
    set_log_handler([](LogLevel level, std::string_view facility, std::string_view message) {
      if (level <= LogLevel::kWarning || debug_contexts() != nullptr) {
        std::fprintf(stderr, "kafka %d %.*s: %.*s\n", static_cast<int>(level),
                     static_cast<int>(facility.size()), facility.data(),
                     static_cast<int>(message.size()), message.data());
      }
    });
    auto cluster = MockCluster::start(3);
    ASSERT_TRUE(cluster.ok()) << cluster.status().to_string();
    cluster_ = std::move(cluster).value();
  }

  std::unique_ptr<Producer> producer(bool idempotent = true) {
    auto p = Producer::create(cluster_->bootstraps(), producer_props(), idempotent);
    EXPECT_TRUE(p.ok()) << p.status().to_string();
    return p.ok() ? std::move(p).value() : nullptr;
  }

  std::unique_ptr<Consumer> consumer(const std::string& group, RebalanceListener* recorder,
                                     const Properties& props = consumer_props()) {
    auto c = Consumer::create(cluster_->bootstraps(), group, props, recorder);
    EXPECT_TRUE(c.ok()) << c.status().to_string();
    return c.ok() ? std::move(c).value() : nullptr;
  }

  std::unique_ptr<MockCluster> cluster_;  // declared first: destroyed after every client
};

TEST_F(KafkaTest, ProduceThenConsumeBackWithKeysHeadersAndJavaPartitioning) {
  constexpr int kPartitions = 4;
  ASSERT_TRUE(cluster_->create_topic("ad", kPartitions).ok());
  auto p = producer();
  ASSERT_NE(p, nullptr);
  constexpr int kKeyed = 40;
  for (int i = 0; i < kKeyed; ++i) {
    const std::string key = "user-" + std::to_string(i % 10);
    const Status s = p->produce("ad", key, "v-" + std::to_string(i),
                                {{"tenant", "010000099"}, {"trace", "t-" + std::to_string(i)}});
    ASSERT_TRUE(s.ok()) << s.to_string();
  }
  // No key (random partition), and an explicit partition.
  ASSERT_TRUE(p->produce("ad", "", "unkeyed").ok());
  ASSERT_TRUE(p->produce("ad", "pinned-key", "pinned", {}, 2).ok());
  const Status flushed = p->flush(10000);
  ASSERT_TRUE(flushed.ok()) << flushed.to_string();
  EXPECT_EQ(p->delivered(), static_cast<std::uint64_t>(kKeyed + 2));
  EXPECT_EQ(p->failed(), 0U);

  Recorder r;
  auto c = consumer("round-trip", &r);
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->subscribe({"ad"}).ok());
  std::vector<Got> got;
  ASSERT_TRUE(poll_until(
      {{c.get(), &r}}, [&] { return got.size() >= kKeyed + 2; }, milliseconds(20000), &got))
      << got.size() << " messages consumed";
  EXPECT_EQ(got.size(), static_cast<std::size_t>(kKeyed + 2));

  std::map<std::string, std::set<std::int32_t>> partitions_of_key;
  std::set<std::string> values;
  for (const Got& g : got) {
    EXPECT_EQ(g.topic, "ad");
    EXPECT_TRUE(values.insert(g.value).second) << "twice: " << g.value;
    EXPECT_GT(g.timestamp_ms, 0);
    if (g.value == "unkeyed") {
      EXPECT_EQ(g.key, "");
      EXPECT_FALSE(g.tenant.has_value());
      continue;
    }
    if (g.value == "pinned") {
      EXPECT_EQ(g.partition, 2);
      EXPECT_EQ(g.key, "pinned-key");
      continue;
    }
    const int i = std::stoi(g.value.substr(2));
    EXPECT_EQ(g.key, "user-" + std::to_string(i % 10));
    EXPECT_EQ(g.tenant, std::optional<std::string>("010000099"));
    EXPECT_EQ(g.trace, std::optional<std::string>("t-" + std::to_string(i)));
    EXPECT_EQ(g.partition, java_partition(g.key, kPartitions)) << g.key;
    partitions_of_key[g.key].insert(g.partition);
  }
  EXPECT_EQ(partitions_of_key.size(), 10U);
  for (const auto& [key, parts] : partitions_of_key) EXPECT_EQ(parts.size(), 1U) << key;

  // Everything consumed: no lag on the partitions that hold messages.
  std::set<std::int32_t> used;
  for (const Got& g : got) used.insert(g.partition);
  int known = 0;
  for (const auto& [topic, partition, lag] : c->lag()) {
    if (used.count(partition) == 0 || lag < 0) continue;
    ++known;
    EXPECT_EQ(lag, 0) << topic << " [" << partition << "]";
  }
  EXPECT_GT(known, 0);
  ASSERT_TRUE(c->close().ok());
  ASSERT_TRUE(c->close().ok());  // idempotent
  std::vector<Message> batch;
  EXPECT_EQ(c->poll_batch(10, 0, batch).code(), "kafka-closed");
}

TEST_F(KafkaTest, GroupSplitsPartitionsAndHandsThemOverCooperatively) {
  ASSERT_TRUE(cluster_->create_topic("vpn", 4).ok());
  Recorder r1;
  Recorder r2;
  auto c1 = consumer("split", &r1);
  auto c2 = consumer("split", &r2);
  ASSERT_TRUE(c1 && c2);
  ASSERT_TRUE(c1->subscribe({"vpn"}).ok());
  ASSERT_TRUE(poll_until(
      {{c1.get(), &r1}}, [&] { return r1.owned.size() == 4; }, milliseconds(15000), nullptr));
  EXPECT_EQ(c1->assignment().size(), 4U);

  ASSERT_TRUE(c2->subscribe({"vpn"}).ok());
  ASSERT_TRUE(poll_until(
      {{c1.get(), &r1}, {c2.get(), &r2}},
      [&] { return r1.owned.size() == 2 && r2.owned.size() == 2; }, milliseconds(15000), nullptr))
      << r1.owned.size() << " + " << r2.owned.size();
  // Cooperative: c1 gave up exactly the two partitions c2 took, and kept the others throughout.
  EXPECT_EQ(r1.revoked.size(), 2U);
  EXPECT_EQ(r1.assigned_total, 4);
  EXPECT_FALSE(r1.any_lost);
  std::set<TopicPartition> all(r1.owned);
  all.insert(r2.owned.begin(), r2.owned.end());
  EXPECT_EQ(all.size(), 4U);

  // c1 leaves: its revocation runs in close(), c2 gets the two partitions added to its own.
  const std::set<TopicPartition> had = r1.owned;
  ASSERT_TRUE(c1->close().ok());
  EXPECT_TRUE(r1.owned.empty());
  EXPECT_EQ(r1.revoked.size(), 4U);
  ASSERT_TRUE(poll_until(
      {{c2.get(), &r2}}, [&] { return r2.owned.size() == 4; }, milliseconds(15000), nullptr));
  EXPECT_TRUE(r2.revoked.empty()) << "cooperative: c2 never gave anything back";
  EXPECT_EQ(r2.assigned_total, 4);
  for (const TopicPartition& tp : had) EXPECT_EQ(r2.owned.count(tp), 1U);
  EXPECT_EQ(c2->assignment().size(), 4U);
}

class StartOffsetTest : public KafkaTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(StartOffsetTest, OnAssignedOffsetsAreHonoured) {
  ASSERT_TRUE(cluster_->create_topic("ehr", 1).ok());
  auto p = producer();
  ASSERT_NE(p, nullptr);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(p->produce("ehr", "k", "v" + std::to_string(i)).ok());
  ASSERT_TRUE(p->flush(10000).ok());

  Recorder r;
  r.next[{"ehr", 0}] = 5;
  auto c = consumer("offsets", &r, consumer_props(GetParam()));
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->subscribe({"ehr"}).ok());
  std::vector<Got> got;
  ASSERT_TRUE(poll_until(
      {{c.get(), nullptr}}, [&] { return got.size() >= 5; }, milliseconds(15000), &got));
  ASSERT_EQ(got.size(), 5U);
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].offset, static_cast<std::int64_t>(5 + i));
    EXPECT_EQ(got[i].value, "v" + std::to_string(5 + i));
  }
  ASSERT_TRUE(c->close().ok());
}

INSTANTIATE_TEST_SUITE_P(Assignors, StartOffsetTest,
                         ::testing::Values("cooperative-sticky", "range"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param) == "range" ? "Eager" : "Cooperative";
                         });

TEST_F(KafkaTest, PauseStopsFetchingAndResumeRestartsIt) {
  ASSERT_TRUE(cluster_->create_topic("dpi", 1).ok());
  auto p = producer();
  ASSERT_NE(p, nullptr);
  Recorder r;
  auto c = consumer("pause", &r);
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->subscribe({"dpi"}).ok());
  ASSERT_TRUE(poll_until(
      {{c.get(), &r}}, [&] { return r.owned.size() == 1; }, milliseconds(15000), nullptr));
  ASSERT_TRUE(c->pause_all().ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(p->produce("dpi", "", "m" + std::to_string(i)).ok());
  ASSERT_TRUE(p->flush(10000).ok());
  std::vector<Got> got;
  (void)poll_until(
      {{c.get(), &r}}, [] { return false; }, milliseconds(800), &got);
  EXPECT_TRUE(got.empty()) << got.size() << " messages while paused";
  ASSERT_TRUE(c->resume({{"dpi", 0}}).ok());
  ASSERT_TRUE(poll_until(
      {{c.get(), &r}}, [&] { return got.size() >= 5; }, milliseconds(10000), &got));
  EXPECT_EQ(got.size(), 5U);
  EXPECT_EQ(c->pause({{"dpi", 7}}).code(), "kafka-assign");
}

TEST_F(KafkaTest, AListenerThatThrowsFailsThePollAndLeavesItsPartitionsPaused) {
  ASSERT_TRUE(cluster_->create_topic("vpn", 1).ok());
  auto p = producer();
  ASSERT_NE(p, nullptr);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(p->produce("vpn", "", "m" + std::to_string(i)).ok());
  ASSERT_TRUE(p->flush(10000).ok());
  struct Throwing : RebalanceListener {
    std::vector<std::optional<std::int64_t>> on_assigned(
        const std::vector<TopicPartition>&) override {
      throw std::runtime_error("state store unavailable");
    }
    void on_revoked(const std::vector<TopicPartition>&, bool) override {}
  } listener;
  auto c = consumer("throwing", &listener);
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->subscribe({"vpn"}).ok());
  std::vector<Message> batch;
  Status failure;
  const auto deadline = Clock::now() + milliseconds(15000);
  while (failure.ok() && Clock::now() < deadline) {
    failure = c->poll_batch(100, 100, batch);
    EXPECT_TRUE(batch.empty());
  }
  EXPECT_EQ(failure.code(), "kafka-listener");
  EXPECT_TRUE(batch.empty());
  // Assigned but paused: nothing comes, and the next polls are ok again.
  EXPECT_EQ(c->assignment().size(), 1U);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(c->poll_batch(100, 100, batch).ok());
    EXPECT_TRUE(batch.empty());
  }
}

TEST_F(KafkaTest, BrokerDownThenUpLosesNothing) {
  constexpr int kPartitions = 4;
  ASSERT_TRUE(cluster_->create_topic("syslog", kPartitions).ok());
  auto p = producer();
  ASSERT_NE(p, nullptr);
  Recorder r;
  auto c = consumer("outage", &r);
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->subscribe({"syslog"}).ok());

  auto send = [&](int from, int to) {
    for (int i = from; i < to; ++i) {
      ASSERT_TRUE(p->produce("syslog", "host-" + std::to_string(i % 16), std::to_string(i)).ok());
    }
  };
  std::vector<Got> got;
  send(0, 50);
  ASSERT_TRUE(p->flush(10000).ok());
  ASSERT_TRUE(poll_until(
      {{c.get(), &r}}, [&] { return got.size() >= 50; }, milliseconds(15000), &got));

  // Broker 1 leads some partitions (and may be the group coordinator): while it is down, those
  // partitions take nothing and give nothing; the rest goes on.
  ASSERT_TRUE(cluster_->broker_down(1).ok());
  send(50, 100);
  (void)poll_until(
      {{c.get(), &r}}, [] { return false; }, milliseconds(1500), &got);
  ASSERT_TRUE(cluster_->broker_up(1).ok());
  const Status flushed = p->flush(20000);
  ASSERT_TRUE(flushed.ok()) << flushed.to_string();
  EXPECT_EQ(p->delivered(), 100U);
  EXPECT_EQ(p->failed(), 0U);
  ASSERT_TRUE(poll_until(
      {{c.get(), &r}}, [&] { return got.size() >= 100; }, milliseconds(20000), &got))
      << got.size() << " of 100";

  // Each message exactly once: the recorder hands back the next offsets after any rejoin.
  std::set<std::string> values;
  for (const Got& g : got) EXPECT_TRUE(values.insert(g.value).second) << "twice: " << g.value;
  EXPECT_EQ(values.size(), 100U);
}

TEST_F(KafkaTest, IdempotentProducerDeliversEachMessageOnceDespiteProduceErrors) {
  ASSERT_TRUE(cluster_->create_topic("ehr-audit", 2).ok());
  auto p = producer();
  ASSERT_NE(p, nullptr);
  // Warm up (producer id, metadata), then fail the next Produce requests with retriable errors.
  ASSERT_TRUE(p->produce("ehr-audit", "warm", "warm").ok());
  ASSERT_TRUE(p->flush(10000).ok());
  ASSERT_TRUE(cluster_
                  ->push_request_errors(
                      kApiProduce, {kNotLeaderForPartition, kRequestTimedOut, kNotEnoughReplicas,
                                    kLeaderNotAvailable, kRequestTimedOut, kNotLeaderForPartition})
                  .ok());
  constexpr int kCount = 300;
  for (int i = 0; i < kCount; ++i) {
    ASSERT_TRUE(p->produce("ehr-audit", "user-" + std::to_string(i % 7), std::to_string(i)).ok());
  }
  const Status flushed = p->flush(20000);
  ASSERT_TRUE(flushed.ok()) << flushed.to_string();
  EXPECT_EQ(p->delivered(), static_cast<std::uint64_t>(kCount + 1));
  EXPECT_EQ(p->failed(), 0U);

  Recorder r;
  auto c = consumer("idempotence", &r);
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->subscribe({"ehr-audit"}).ok());
  std::vector<Got> got;
  ASSERT_TRUE(poll_until(
      {{c.get(), &r}}, [&] { return got.size() >= kCount + 1; }, milliseconds(15000), &got));
  // Nothing more arrives: no duplicate was written.
  (void)poll_until(
      {{c.get(), &r}}, [] { return false; }, milliseconds(500), &got);
  EXPECT_EQ(got.size(), static_cast<std::size_t>(kCount + 1));
  std::set<std::string> values;
  std::map<std::int32_t, int> last_of_partition;  // in order within a partition, too
  for (const Got& g : got) {
    EXPECT_TRUE(values.insert(g.value).second) << "twice: " << g.value;
    if (g.value == "warm") continue;
    const int i = std::stoi(g.value);
    auto [it, fresh] = last_of_partition.emplace(g.partition, i);
    if (!fresh) {
      EXPECT_LT(it->second, i) << "partition " << g.partition;
      it->second = i;
    }
  }
}

TEST_F(KafkaTest, CreateTopicsOnAMockClusterToleratesExistingTopics) {
  // On this process's mock cluster through its own API (the 2.0 mock has no CreateTopics).
  const Status s = create_topics(cluster_->bootstraps(), {}, {{"made", 3}, {"also", 1}});
  ASSERT_TRUE(s.ok()) << s.to_string();
  const Status again = create_topics(cluster_->bootstraps(), {}, {{"made", 3}});
  ASSERT_TRUE(again.ok()) << again.to_string();
  EXPECT_EQ(cluster_->create_topic("made", 3).code(), "kafka-mock");
  auto p = producer();
  ASSERT_NE(p, nullptr);
  ASSERT_TRUE(p->produce("made", "", "x", {}, 2).ok());
  ASSERT_TRUE(p->flush(10000).ok());
  EXPECT_EQ(p->delivered(), 1U);
}

TEST_F(KafkaTest, CreateTopicsThroughTheAdminApiFailsFastWhereUnsupported) {
  // A bootstrap list this process's registry does not know goes through CreateTopics: the mock
  // cluster, reached like an out-of-process one, answers that it does not implement it, at once
  // (instead of a 30 s wait for a controller it never names).
  const std::string other_spelling = cluster_->bootstraps() + ",";
  const auto start = Clock::now();
  const Status s = create_topics(other_spelling, {}, {{"made", 3}});
  EXPECT_EQ(s.code(), "kafka-admin");
  EXPECT_NE(s.message().find("does not implement CreateTopics"), std::string::npos)
      << s.to_string();
  EXPECT_LT(Clock::now() - start, milliseconds(10000));
}

TEST_F(KafkaTest, BadPropertiesAreConfigErrorsThatNeverEchoTheValue) {
  auto unknown = Producer::create(cluster_->bootstraps(), {{"no.such.property", "x"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), "kafka-config");
  auto invalid = Consumer::create(cluster_->bootstraps(), "g",
                                  {{"session.timeout.ms", "secret-looking-value"}}, nullptr);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.status().code(), "kafka-config");
  EXPECT_EQ(invalid.status().message().find("secret-looking-value"), std::string::npos);
  EXPECT_EQ(cluster_->broker_down(9).code(), "kafka-mock");
}

TEST_F(KafkaTest, LogHandlerReceivesClientLogsWithoutPayloads) {
  // Shared with the handler: a librdkafka thread may still hold a copy of it after the reset.
  struct Seen {
    std::mutex mu;
    std::vector<std::string> lines;
  };
  auto seen = std::make_shared<Seen>();
  set_log_handler([seen](LogLevel, std::string_view facility, std::string_view message) {
    const std::lock_guard<std::mutex> lock(seen->mu);
    seen->lines.push_back(std::string(facility) + ": " + std::string(message));
  });
  {
    // Nothing listens there: the client logs its connection failures.
    auto p = Producer::create("127.0.0.1:1", {{"reconnect.backoff.ms", "10"}});
    ASSERT_TRUE(p.ok());
    ASSERT_TRUE((*p)->produce("t", "", "payload-that-must-not-be-logged").ok());
    const auto deadline = Clock::now() + milliseconds(5000);
    while (Clock::now() < deadline) {
      {
        const std::lock_guard<std::mutex> lock(seen->mu);
        if (!seen->lines.empty()) break;
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
  }
  set_log_handler(nullptr);
  const std::lock_guard<std::mutex> lock(seen->mu);
  EXPECT_FALSE(seen->lines.empty());
  for (const std::string& line : seen->lines) {
    EXPECT_EQ(line.find("payload-that-must-not-be-logged"), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace vigie::kafka
