// The stream processor on librdkafka's mock cluster: it stores what `vigie hunt` finds on the same
// input, sends poison records to the dead-letter topic with their coordinates, stops on a store
// write failure without advancing offsets (a restart completes the work with no twin), and
// refuses a broken rule set on reload while it keeps running.
#include "pipeline/stream.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "config/config.h"
#include "kafka/consumer.h"
#include "kafka/kafka.h"
#include "kafka/mock_cluster.h"
#include "kafka/producer.h"
#include "observe/logger.h"
#include "observe/metrics.h"
#include "store/store.h"

namespace vigie::pipeline {
namespace {

namespace fs = std::filesystem;

const std::string kData = std::string(VIGIE_SOURCE_DIR) + "/tests/data/correlation_hunt/";

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

// The correlation alert ids `vigie hunt` prints for the same input (expected.jsonl).
std::set<std::string> hunt_ids() {
  std::set<std::string> ids;
  for (const std::string& l : lines_of(kData + "expected.jsonl")) {
    const std::size_t at = l.find("\"id\":\"");
    ids.insert(l.substr(at + 6, 32));
  }
  return ids;
}

class StreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kafka::set_log_handler({});
    auto c = kafka::MockCluster::start(3);
    ASSERT_TRUE(c.ok()) << c.status().message();
    cluster_ = std::move(*c);
    ASSERT_TRUE(cluster_->create_topic("ad", 1).ok());
    ASSERT_TRUE(cluster_->create_topic("dead", 1).ok());
    dir_ = fs::path(::testing::TempDir()) /
           ("vigie-stream-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  config::Config config(const std::string& group) const {
    config::Config c;
    c.kafka.bootstrap_servers = cluster_->bootstraps();
    c.kafka.group_id = group;
    c.kafka.dead_letter_topic = "dead";
    c.kafka.properties = {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "300"}};
    c.routes = {{"ad", "ad", "auto", 1}};
    c.rules.paths = {kData + "rules.yml"};
    c.store_path = (dir_ / "store").string();
    c.store_sync = false;
    c.processing.batch_ms = 50;
    c.processing.batch_records = 4;  // several batches even on 16 events
    return c;
  }

  void produce(const std::vector<std::string>& values) {
    auto p = kafka::Producer::create(cluster_->bootstraps(), {});
    ASSERT_TRUE(p.ok()) << p.status().message();
    for (const std::string& v : values) ASSERT_TRUE((*p)->produce("ad", "k", v).ok());
    ASSERT_TRUE((*p)->flush(30'000).ok());
  }

  // Runs to the end of the topic; the run's status.
  Status run(const config::Config& c, std::shared_ptr<store::Store> store,
             std::atomic<bool>* reload_later = nullptr) {
    observe::Logger log(observe::LogFormat::kText, nullptr);
    observe::Registry metrics;
    auto p = StreamProcessor::create(c, log, metrics, std::move(store), true);
    if (!p.ok()) return p.status();
    std::atomic<bool> stop{false}, reload{false};
    if (reload_later != nullptr) reload = reload_later->load();
    Status s = (*p)->run(stop, reload, true);
    last_stats_ = (*p)->stats();
    return s;
  }

  std::shared_ptr<store::Store> open_store(std::int64_t fail_after = -1) const {
    store::StoreOptions o;
    o.sync = false;
    o.fail_commit_after = fail_after;
    auto s = store::Store::open((dir_ / "store").string(), o);
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? std::shared_ptr<store::Store>(std::move(*s)) : nullptr;
  }

  static std::set<std::string> correlation_ids(const store::Store& s) {
    std::set<std::string> ids;
    s.for_each_alert([&](const store::AlertRecord& a) {
      if (a.kind == "correlation") ids.insert(a.id);
    });
    return ids;
  }

  std::unique_ptr<kafka::MockCluster> cluster_;
  fs::path dir_;
  StreamStats last_stats_;
};

TEST_F(StreamTest, StoresWhatHuntFindsAndOffsetsWithThem) {
  const std::vector<std::string> events = lines_of(kData + "events.jsonl");
  produce(events);
  std::shared_ptr<store::Store> store = open_store();
  ASSERT_TRUE(run(config("g1"), store).ok());
  EXPECT_EQ(last_stats_.records, events.size());
  EXPECT_EQ(correlation_ids(*store), hunt_ids());
  EXPECT_EQ(store->offset("ad", 0), static_cast<std::int64_t>(events.size()));
  // A second run resumes at the offsets in the store, whatever the group has committed: a new
  // group (no committed offset; auto.offset.reset=earliest) reads nothing again.
  ASSERT_TRUE(run(config("g2"), store).ok());
  EXPECT_EQ(last_stats_.records, 0u);
  EXPECT_EQ(correlation_ids(*store), hunt_ids());
}

TEST_F(StreamTest, PoisonRecordsGoToTheDeadLetterTopicWithTheirCoordinates) {
  std::vector<std::string> events = lines_of(kData + "events.jsonl");
  events.insert(events.begin() + 3, "this is not a log record");
  events.insert(events.begin() + 7, "{\"EventID\": 4624, \"TimeCreated");
  events.insert(events.begin() + 9, std::string(10'000, 'x'));  // oversized
  produce(events);
  std::shared_ptr<store::Store> store = open_store();
  config::Config c = config("g1");
  c.max_record_bytes = 4096;
  ASSERT_TRUE(run(c, store).ok());
  EXPECT_EQ(last_stats_.rejected, 4u);  // the three, and the input's own scalar line (offset 18)
  EXPECT_EQ(correlation_ids(*store), hunt_ids());  // the rest is processed as without them

  struct NoListener : kafka::RebalanceListener {
    std::vector<std::optional<std::int64_t>> on_assigned(
        const std::vector<kafka::TopicPartition>& tps) override {
      return std::vector<std::optional<std::int64_t>>(tps.size());
    }
    void on_revoked(const std::vector<kafka::TopicPartition>&, bool) override {}
  } listener;
  auto consumer = kafka::Consumer::create(cluster_->bootstraps(), "dlq-reader", {}, &listener);
  ASSERT_TRUE(consumer.ok());
  ASSERT_TRUE((*consumer)->subscribe({"dead"}).ok());
  std::vector<kafka::Message> got;
  std::set<std::string> offsets;
  std::string all;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (offsets.size() < 4 && std::chrono::steady_clock::now() < deadline) {
    ASSERT_TRUE((*consumer)->poll_batch(100, 200, got).ok());
    for (const kafka::Message& m : got) {
      EXPECT_EQ(m.header("vigie-source-topic"), std::optional<std::string_view>("ad"));
      EXPECT_EQ(m.header("vigie-family"), std::optional<std::string_view>("ad"));
      ASSERT_TRUE(m.header("vigie-source-offset").has_value());
      ASSERT_TRUE(m.header("vigie-reason").has_value());
      offsets.insert(std::string(*m.header("vigie-source-offset")));
      all += std::string(*m.header("vigie-source-offset")) + ":" +
             std::string(*m.header("vigie-reason")) + " ";
    }
  }
  EXPECT_EQ(all, "3:not-an-object 7:invalid-json 9:oversized 18:not-an-object ");
  (void)(*consumer)->close();
}

TEST_F(StreamTest, AStoreWriteFailureStopsWithoutAdvancingOffsetsAndARestartCompletes) {
  const std::vector<std::string> events = lines_of(kData + "events.jsonl");
  produce(events);
  {
    std::shared_ptr<store::Store> failing = open_store(/*fail_after=*/1);
    Status s = run(config("g1"), failing);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.code(), "store-write");
    // Only the first batch (4 records) was written, with its offset.
    EXPECT_EQ(failing->offset("ad", 0), std::optional<std::int64_t>(4));
  }
  std::shared_ptr<store::Store> store = open_store();
  ASSERT_TRUE(run(config("g1"), store).ok());
  EXPECT_EQ(store->offset("ad", 0), static_cast<std::int64_t>(events.size()));
  EXPECT_EQ(correlation_ids(*store), hunt_ids());
}

TEST_F(StreamTest, AReloadWithABrokenRuleFileIsRefusedAndTheRunningRulesStay) {
  const std::vector<std::string> events = lines_of(kData + "events.jsonl");
  const fs::path rules = dir_ / "rules.yml";
  fs::copy_file(kData + "rules.yml", rules);
  config::Config c = config("g1");
  c.rules.paths = {rules.string()};
  std::shared_ptr<store::Store> store = open_store();
  observe::Logger log(observe::LogFormat::kText, nullptr);
  observe::Registry metrics;
  auto p = StreamProcessor::create(c, log, metrics, store, false);
  ASSERT_TRUE(p.ok()) << p.status().message();
  std::atomic<bool> stop{false}, reload{false};
  Status status = Status::ok_status();
  std::thread running([&] { status = (*p)->run(stop, reload); });
  produce(std::vector<std::string>(events.begin(), events.begin() + 8));
  std::ofstream(rules, std::ios::app) << "\ndetection: [unclosed\n";  // the file no longer loads
  reload = true;
  while (reload.load()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  produce(std::vector<std::string>(events.begin() + 8, events.end()));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while ((*p)->stats().records < events.size() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE((*p)->healthy());
  stop = true;  // SIGTERM: drain, write, leave
  running.join();
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(store->offset("ad", 0), static_cast<std::int64_t>(events.size()));
  EXPECT_EQ(correlation_ids(*store), hunt_ids());
}

TEST_F(StreamTest, ABrokerOutageAndFetchErrorsAreWaitedOutWithNothingLost) {
  const std::vector<std::string> events = lines_of(kData + "events.jsonl");
  std::shared_ptr<store::Store> store = open_store();
  observe::Logger log(observe::LogFormat::kText, nullptr);
  observe::Registry metrics;
  auto p = StreamProcessor::create(config("g1"), log, metrics, store, false);
  ASSERT_TRUE(p.ok()) << p.status().message();
  std::atomic<bool> stop{false}, reload{false};
  Status status = Status::ok_status();
  std::thread running([&] { status = (*p)->run(stop, reload); });
  auto wait_for = [&](std::uint64_t records) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while ((*p)->stats().records < records && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return (*p)->stats().records;
  };
  produce(std::vector<std::string>(events.begin(), events.begin() + 8));
  ASSERT_EQ(wait_for(8), 8u);
  // Every broker down: the processor waits, it does not exit.
  for (int b = 1; b <= 3; ++b) ASSERT_TRUE(cluster_->broker_down(b).ok());
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_TRUE((*p)->healthy());
  for (int b = 1; b <= 3; ++b) ASSERT_TRUE(cluster_->broker_up(b).ok());
  // Fetches that fail (a leader change, a timeout) are retried.
  ASSERT_TRUE(cluster_->push_request_errors(1, {6, 7, 6}).ok());  // Fetch: NOT_LEADER, TIMEOUT
  produce(std::vector<std::string>(events.begin() + 8, events.end()));
  EXPECT_EQ(wait_for(events.size()), events.size());
  stop = true;
  running.join();
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(store->offset("ad", 0), static_cast<std::int64_t>(events.size()));
  EXPECT_EQ(correlation_ids(*store), hunt_ids());
}

TEST_F(StreamTest, CheckReportsEveryProblem) {
  config::Config c = config("g");
  c.kafka.bootstrap_servers.clear();
  c.routes.push_back({"vpn", "vpn", "no-such-format", 7});
  c.rules.paths = {(dir_ / "missing").string()};
  std::vector<std::string> warnings;
  const std::vector<std::string> problems = check_stream_config(c, warnings);
  std::string all;
  for (const std::string& p : problems) all += p + "\n";
  EXPECT_NE(all.find("kafka.bootstrap_servers"), std::string::npos) << all;
  EXPECT_NE(all.find("no format 'no-such-format'"), std::string::npos) << all;
  EXPECT_NE(all.find("(line 7)"), std::string::npos) << all;
  EXPECT_TRUE(check_stream_config(config("g"), warnings).empty());
}

}  // namespace
}  // namespace vigie::pipeline
