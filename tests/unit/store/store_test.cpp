#include "store/store.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>  // popen
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store_test_support.h"

namespace vigie::store {
namespace {

using testing::hex_id;
using testing::sample_alert;
using testing::StoreDir;

std::unique_ptr<Store> open_ok(const std::string& dir, const StoreOptions& options = {}) {
  Result<std::unique_ptr<Store>> s = Store::open(dir, options);
  EXPECT_TRUE(s.ok()) << s.status().to_string();
  return s.ok() ? std::move(s).value() : nullptr;
}

CommitResult commit_ok(Store& store, const Batch& b) {
  Result<CommitResult> r = store.commit(b);
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  return r.ok() ? *r : CommitResult{};
}

// The path of this test binary, for tests that run a helper test in a child process.
std::string self_path() { return std::filesystem::read_symlink("/proc/self/exe").string(); }

std::vector<std::string> ids_of(const std::vector<AlertRecord>& alerts) {
  std::vector<std::string> out;
  out.reserve(alerts.size());
  for (const AlertRecord& a : alerts) out.push_back(a.id);
  return out;
}

// ------------------------------------------------------------------------------------------------
// Commit, reopen, replay

TEST(Store, CommitThenReopenShowsAlertsStateAndOffsets) {
  StoreDir tmp;
  AlertRecord a1 = sample_alert(1);
  AlertRecord a2 = sample_alert(2, "chu-sud", "rule-b", 2000);
  a2.created_ms = 1234;  // kept as given
  {
    std::unique_ptr<Store> store = open_ok(tmp.path());
    ASSERT_NE(store, nullptr);
    Batch b;
    EXPECT_TRUE(b.empty());
    b.add_alert(a1);
    b.add_alert(a2);
    b.put_state("corr/ad/3", std::string("snap\0shot", 9));
    b.put_state("corr/ad/4", "gone soon");
    b.delete_state("corr/ad/4");
    b.put_offset("ad", 3, 101);
    b.put_offset("ad", 10, 7);
    b.put_offset("vpn", 0, 55);
    b.put_offset("ad", 3, 102);  // the later one wins
    EXPECT_EQ(b.alerts(), 2U);
    EXPECT_FALSE(b.empty());
    const CommitResult r = commit_ok(*store, b);
    EXPECT_EQ(r.alerts_inserted, 2U);
    EXPECT_EQ(r.alerts_already_stored, 0U);
    b.clear();
    EXPECT_TRUE(b.empty());
    EXPECT_EQ(b.alerts(), 0U);
  }
  std::unique_ptr<Store> store = open_ok(tmp.path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->dir(), tmp.path());
  EXPECT_EQ(store->alert_count(), 2U);

  std::optional<AlertRecord> got1 = store->alert(a1.id);
  ASSERT_TRUE(got1.has_value());
  EXPECT_GT(got1->created_ms, 1'600'000'000'000);  // stamped with the wall clock at commit
  a1.created_ms = got1->created_ms;
  EXPECT_EQ(*got1, a1);
  std::optional<AlertRecord> got2 = store->alert(a2.id);
  ASSERT_TRUE(got2.has_value());
  EXPECT_EQ(*got2, a2);
  EXPECT_FALSE(store->alert(hex_id(99)).has_value());

  EXPECT_EQ(store->state("corr/ad/3"), std::string("snap\0shot", 9));
  EXPECT_FALSE(store->state("corr/ad/4").has_value());
  EXPECT_EQ(store->offset("ad", 3), 102);
  EXPECT_EQ(store->offset("ad", 10), 7);
  EXPECT_FALSE(store->offset("ad", 4).has_value());
  using Offset = std::tuple<std::string, std::int32_t, std::int64_t>;
  EXPECT_EQ(store->offsets(), (std::vector<Offset>{{"ad", 3, 102}, {"ad", 10, 7}, {"vpn", 0, 55}}));

  std::vector<std::string> seen;
  store->for_each_alert([&](const AlertRecord& a) { seen.push_back(a.id); });
  EXPECT_EQ(seen, (std::vector<std::string>{a1.id, a2.id}));
  EXPECT_EQ(store->read_errors(), 0U);
}

TEST(Store, StateAndOffsetsOnlyBatchAndEmptyBatch) {
  StoreDir tmp;
  std::unique_ptr<Store> store = open_ok(tmp.path());
  ASSERT_NE(store, nullptr);
  const CommitResult none = commit_ok(*store, Batch());
  EXPECT_EQ(none.alerts_inserted, 0U);
  Batch b;
  b.put_state("k", "v1");
  b.put_offset("ehr", 1, 9);
  commit_ok(*store, b);
  b.clear();
  b.put_state("k", "v2");
  b.put_offset("ehr", 1, 12);
  commit_ok(*store, b);
  EXPECT_EQ(store->state("k"), "v2");
  EXPECT_EQ(store->offset("ehr", 1), 12);
  EXPECT_EQ(store->alert_count(), 0U);
}

TEST(Store, ReplayDoesNotOverwriteAnAnalystsChanges) {
  StoreDir tmp;
  std::unique_ptr<Store> store = open_ok(tmp.path());
  ASSERT_NE(store, nullptr);
  const AlertRecord original = sample_alert(5);
  Batch b;
  b.add_alert(original);
  b.put_offset("ad", 0, 10);
  ASSERT_EQ(commit_ok(*store, b).alerts_inserted, 1U);

  // An analyst takes the alert.
  AlertRecord triaged = *store->alert(original.id);
  const std::int64_t created = triaged.created_ms;
  triaged.status = "closed";
  triaged.created_ms = 0;  // 0 keeps the stored value
  ASSERT_TRUE(store->update_alert(triaged).ok());

  // The processor crashed before... no: after; the replay regenerates the same alert twice.
  Batch replay;
  replay.add_alert(original);
  replay.add_alert(original);
  replay.add_alert(sample_alert(6));
  replay.put_offset("ad", 0, 12);
  const CommitResult r = commit_ok(*store, replay);
  EXPECT_EQ(r.alerts_inserted, 1U);
  EXPECT_EQ(r.alerts_already_stored, 2U);

  std::optional<AlertRecord> stored = store->alert(original.id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->status, "closed");
  EXPECT_EQ(stored->created_ms, created);
  EXPECT_EQ(store->alert_count(), 2U);
  EXPECT_EQ(store->offset("ad", 0), 12);  // state and offsets of a replay are still written
}

TEST(Store, UpdateOfAnUnknownIdFails) {
  StoreDir tmp;
  std::unique_ptr<Store> store = open_ok(tmp.path());
  ASSERT_NE(store, nullptr);
  const Status s = store->update_alert(sample_alert(1));
  EXPECT_EQ(s.code(), "alert-not-found");
  EXPECT_EQ(store->alert_count(), 0U);
}

TEST(Store, AnAlertWithoutIdFailsTheWholeBatchWithoutContents) {
  StoreDir tmp;
  std::unique_ptr<Store> store = open_ok(tmp.path());
  ASSERT_NE(store, nullptr);
  Batch b;
  b.add_alert(sample_alert(1));
  AlertRecord bad = sample_alert(2, "SECRET-TENANT");
  bad.id.clear();
  b.add_alert(bad);
  b.put_offset("ad", 0, 5);
  Result<CommitResult> r = store->commit(b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), "invalid-alert");
  EXPECT_NE(r.status().message().find("position 1"), std::string::npos);
  EXPECT_EQ(r.status().message().find("SECRET"), std::string::npos);
  EXPECT_EQ(store->alert_count(), 0U);
  EXPECT_FALSE(store->offset("ad", 0).has_value());
}

TEST(Store, SyncOffCommitsSurviveReopen) {
  StoreDir tmp;
  StoreOptions options;
  options.sync = false;
  {
    std::unique_ptr<Store> store = open_ok(tmp.path(), options);
    ASSERT_NE(store, nullptr);
    Batch b;
    b.add_alert(sample_alert(1));
    b.put_offset("ad", 0, 1);
    commit_ok(*store, b);
  }
  std::unique_ptr<Store> store = open_ok(tmp.path(), options);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->alert_count(), 1U);
  EXPECT_EQ(store->offset("ad", 0), 1);
}

// ------------------------------------------------------------------------------------------------
// Atomicity

TEST(Store, AFailedCommitLeavesNothingAndTheStoreReopens) {
  StoreDir tmp;
  {
    StoreOptions options;
    options.fail_commit_after = 1;
    std::unique_ptr<Store> store = open_ok(tmp.path(), options);
    ASSERT_NE(store, nullptr);
    Batch first;
    first.add_alert(sample_alert(1));
    first.put_state("corr/ad/0", "s1");
    first.put_offset("ad", 0, 100);
    commit_ok(*store, first);

    Batch second;
    second.add_alert(sample_alert(2));
    second.put_state("corr/ad/0", "s2");
    second.put_offset("ad", 0, 200);
    for (int attempt = 0; attempt < 2; ++attempt) {  // the 2nd and later commits all fail
      Result<CommitResult> r = store->commit(second);
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), "store-write-failed");
      EXPECT_EQ(r.status().message().rfind("RocksDB write failed: ", 0), 0U)
          << r.status().message();
    }
    EXPECT_EQ(store->offset("ad", 0), 100);
    EXPECT_EQ(store->state("corr/ad/0"), "s1");
    EXPECT_FALSE(store->alert(hex_id(2)).has_value());
    EXPECT_EQ(store->alert_count(), 1U);
    EXPECT_TRUE(store->list({}).size() == 1);
  }
  // The restart resumes from offset 100 and replays the second batch.
  std::unique_ptr<Store> store = open_ok(tmp.path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->offset("ad", 0), 100);
  EXPECT_EQ(store->alert_count(), 1U);
  Batch second;
  second.add_alert(sample_alert(1));  // regenerated by the replay
  second.add_alert(sample_alert(2));
  second.put_state("corr/ad/0", "s2");
  second.put_offset("ad", 0, 200);
  const CommitResult r = commit_ok(*store, second);
  EXPECT_EQ(r.alerts_inserted, 1U);
  EXPECT_EQ(r.alerts_already_stored, 1U);
  EXPECT_EQ(store->offset("ad", 0), 200);
  EXPECT_EQ(store->state("corr/ad/0"), "s2");
  EXPECT_EQ(store->alert_count(), 2U);
}

// A crash at any instant: a child process commits batches in a loop until it is killed with
// SIGKILL; the store must then hold exactly the batches below the stored offset.
constexpr int kCrashAlertsPerBatch = 7;

Batch crash_batch(std::int64_t n) {
  Batch b;
  for (int k = 0; k < kCrashAlertsPerBatch; ++k) {
    b.add_alert(sample_alert(static_cast<std::uint64_t>(n * kCrashAlertsPerBatch + k), "chu",
                             "rule-" + std::to_string(k), n));
  }
  b.put_state("corr/ad/0", std::to_string(n + 1));
  b.put_offset("ad", 0, n + 1);
  return b;
}

// Runs in a child process started by the next test (does nothing in a normal run).
TEST(StoreCrashChild, CommitsUntilKilled) {
  const char* dir = std::getenv("VIGIE_STORE_CRASH_CHILD_DIR");
  if (dir == nullptr) return;
  StoreOptions options;
  options.sync = false;  // a process crash loses nothing written to the OS
  std::unique_ptr<Store> store = open_ok(dir, options);
  ASSERT_NE(store, nullptr);
  // Bounded, in case the parent dies before killing it (the parent then sees a normal exit).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (std::int64_t n = store->offset("ad", 0).value_or(0);
       std::chrono::steady_clock::now() < deadline; ++n) {
    ASSERT_TRUE(store->commit(crash_batch(n)).ok());
    if (n % 50 == 0) {
      ASSERT_TRUE(store->flush().ok());  // crash during flushes too
    }
  }
}

TEST(Store, AKilledWriterResumesExactly) {
  StoreDir tmp;
  const std::string self = self_path();
  const std::string env = "VIGIE_STORE_CRASH_CHILD_DIR=" + tmp.path();
  std::string filter = "--gtest_filter=StoreCrashChild.*";
  std::int64_t previous = 0;
  for (int round = 0; round < 3; ++round) {
    char* argv[] = {const_cast<char*>(self.c_str()), filter.data(), nullptr};
    char* envp[] = {const_cast<char*>(env.c_str()), nullptr};
    pid_t pid = 0;
    ASSERT_EQ(::posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv, envp), 0);
    // Wait until the child has committed something new, then kill it at an arbitrary instant.
    for (int i = 0; i < 200; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20 + round * 7));
      StoreOptions ro;
      ro.read_only = true;
      Result<std::unique_ptr<Store>> peek = Store::open(tmp.path(), ro);
      if (peek.ok() && (*peek)->offset("ad", 0).value_or(0) > previous + 20) break;
    }
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child ended on its own: " << status;

    std::unique_ptr<Store> store = open_ok(tmp.path());
    ASSERT_NE(store, nullptr);
    const std::int64_t n = store->offset("ad", 0).value_or(0);
    EXPECT_GT(n, previous);
    EXPECT_EQ(store->state("corr/ad/0"), std::to_string(n));
    EXPECT_EQ(store->alert_count(), static_cast<std::uint64_t>(n * kCrashAlertsPerBatch));
    std::uint64_t count = 0;
    store->for_each_alert([&](const AlertRecord& a) {
      EXPECT_LT(a.time_ms, n);  // no alert of a batch beyond the offset
      ++count;
    });
    EXPECT_EQ(count, static_cast<std::uint64_t>(n * kCrashAlertsPerBatch));
    ListQuery q;
    q.rule_id = "rule-3";
    EXPECT_EQ(store->list(q).size(), static_cast<std::size_t>(n));
    // Replaying the last batch (what a restart does when it reprocesses) doubles nothing.
    const CommitResult replay = commit_ok(*store, crash_batch(n - 1));
    EXPECT_EQ(replay.alerts_inserted, 0U);
    EXPECT_EQ(store->read_errors(), 0U);
    previous = n;
  }
}

// ------------------------------------------------------------------------------------------------
// list()

class StoreList : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_ok(tmp_.path());
    ASSERT_NE(store_, nullptr);
    Batch b;
    // id  tenant     rule     time
    b.add_alert(sample_alert(1, "chu-nord", "rule-a", 1000));
    b.add_alert(sample_alert(2, "chu-nord", "rule-b", 3000));
    b.add_alert(sample_alert(3, "chu-sud", "rule-a", 2000));
    b.add_alert(sample_alert(4, "chu-nord", "rule-a", 4000));
    b.add_alert(sample_alert(5, "", "rule-a", 5000));
    b.add_alert(sample_alert(6, "chu-nord", "rule-a", 3000));  // same time as 2: id order
    b.add_alert(sample_alert(7, "chu-nord-2", "rule-c", -500));
    ASSERT_EQ(commit_ok(*store_, b).alerts_inserted, 7U);
  }

  std::vector<std::string> list(const ListQuery& q) { return ids_of(store_->list(q)); }
  static std::vector<std::string> ids(std::initializer_list<int> ns) {
    std::vector<std::string> out;
    for (const int n : ns) out.push_back(hex_id(static_cast<std::uint64_t>(n)));
    return out;
  }

  StoreDir tmp_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreList, EverythingNewestFirst) { EXPECT_EQ(list({}), ids({5, 4, 2, 6, 3, 1, 7})); }

TEST_F(StoreList, ByTenant) {
  ListQuery q;
  q.tenant = "chu-nord";  // not "chu-nord-2", not ""
  EXPECT_EQ(list(q), ids({4, 2, 6, 1}));
  q.tenant = "chu-nord-2";
  EXPECT_EQ(list(q), ids({7}));
  q.tenant = "nowhere";
  EXPECT_TRUE(list(q).empty());
}

TEST_F(StoreList, ByRule) {
  ListQuery q;
  q.rule_id = "rule-a";
  EXPECT_EQ(list(q), ids({5, 4, 6, 3, 1}));
  q.tenant = "chu-nord";  // both filters
  EXPECT_EQ(list(q), ids({4, 6, 1}));
}

TEST_F(StoreList, ByTimeRangeInclusiveWithLimit) {
  ListQuery q;
  q.from_ms = 2000;
  q.to_ms = 4000;
  EXPECT_EQ(list(q), ids({4, 2, 6, 3}));
  q.limit = 2;
  EXPECT_EQ(list(q), ids({4, 2}));
  q.limit = 0;
  EXPECT_TRUE(list(q).empty());
  q.limit = 10;
  q.tenant = "chu-nord";
  q.from_ms = -1000;
  q.to_ms = 2999;
  EXPECT_EQ(list(q), ids({1}));
  q.from_ms = 5;
  q.to_ms = 4;
  EXPECT_TRUE(list(q).empty());
  ListQuery negative;
  negative.to_ms = 0;
  EXPECT_EQ(list(negative), ids({7}));
}

TEST_F(StoreList, ByStatusFollowsUpdates) {
  ListQuery q;
  q.status = "new";
  EXPECT_EQ(list(q).size(), 7U);
  AlertRecord a = *store_->alert(hex_id(2));
  a.status = "closed";
  ASSERT_TRUE(store_->update_alert(a).ok());
  EXPECT_EQ(list(q), ids({5, 4, 6, 3, 1, 7}));
  q.status = "closed";
  EXPECT_EQ(list(q), ids({2}));
  q.tenant = "chu-nord";
  EXPECT_EQ(list(q), ids({2}));
  q.tenant = "chu-sud";
  EXPECT_TRUE(list(q).empty());

  // A new time moves the alert in every index.
  a.time_ms = 9000;
  ASSERT_TRUE(store_->update_alert(a).ok());
  EXPECT_EQ(list({}).front(), hex_id(2));
  ListQuery by_rule;
  by_rule.rule_id = "rule-b";
  by_rule.to_ms = 8999;
  EXPECT_TRUE(list(by_rule).empty());
  EXPECT_EQ(store_->alert_count(), 7U);
}

// ------------------------------------------------------------------------------------------------
// Concurrency

TEST(Store, ConcurrentCommitsWithOverlappingIdsStoreEachIdOnce) {
  StoreDir tmp;
  StoreOptions options;
  options.sync = false;  // the test is about atomicity, not durability
  std::unique_ptr<Store> store = open_ok(tmp.path(), options);
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 4;
  constexpr int kBatches = 60;
  constexpr int kPerBatch = 25;
  constexpr std::uint64_t kPool = 400;  // ids drawn from here: heavy overlap between threads
  std::atomic<std::size_t> inserted{0};
  std::atomic<std::size_t> already{0};
  std::atomic<int> failures{0};
  std::vector<std::set<std::uint64_t>> used(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(static_cast<std::uint64_t>(t) + 1);
      for (int i = 0; i < kBatches; ++i) {
        Batch b;
        for (int k = 0; k < kPerBatch; ++k) {
          const std::uint64_t n = rng() % kPool;
          used[static_cast<std::size_t>(t)].insert(n);
          b.add_alert(
              sample_alert(n, "t" + std::to_string(n % 3), "r", static_cast<std::int64_t>(n)));
        }
        b.put_offset("ad", t, i + 1);
        b.put_state("corr/ad/" + std::to_string(t), std::to_string(i));
        Result<CommitResult> r = store->commit(b);
        if (!r.ok()) {
          failures.fetch_add(1);
          continue;
        }
        inserted += r->alerts_inserted;
        already += r->alerts_already_stored;
        (void)store->list({.tenant = "t1", .limit = 5});  // readers run alongside
      }
    });
  }
  for (std::thread& th : threads) th.join();
  std::set<std::uint64_t> all;
  for (const auto& u : used) all.insert(u.begin(), u.end());

  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(inserted.load(), all.size());
  EXPECT_EQ(inserted.load() + already.load(),
            static_cast<std::size_t>(kThreads * kBatches * kPerBatch));
  EXPECT_EQ(store->alert_count(), all.size());
  std::size_t count = 0;
  std::string previous;
  store->for_each_alert([&](const AlertRecord& a) {
    EXPECT_LT(previous, a.id);
    previous = a.id;
    ++count;
  });
  EXPECT_EQ(count, all.size());
  EXPECT_EQ(store->list({}).size(), all.size());  // one index entry per id
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(store->offset("ad", t), kBatches);
}

// ------------------------------------------------------------------------------------------------
// Opening: locks, read-only, versions, foreign directories

TEST(Store, OpeningTheSameDirTwiceFailsClearly) {
  StoreDir tmp;
  std::unique_ptr<Store> first = open_ok(tmp.path());
  ASSERT_NE(first, nullptr);
  Result<std::unique_ptr<Store>> second = Store::open(tmp.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), "store-in-use");
  EXPECT_EQ(second.status().message(),
            "the store " + tmp.path() + " is already open in this process (RocksDB lock)");
}

// Runs in a child process started by the next test (does nothing in a normal run).
TEST(StoreLockChild, OpensTheDirGivenByTheParent) {
  const char* dir = std::getenv("VIGIE_STORE_LOCK_CHILD_DIR");
  if (dir == nullptr) return;
  Result<std::unique_ptr<Store>> s = Store::open(dir);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), "store-in-use");
  EXPECT_EQ(s.status().message(),
            "the store " + std::string(dir) + " is in use by another process (RocksDB lock)");
}

TEST(Store, AnotherProcessGetsTheLockMessage) {
  StoreDir tmp;
  std::unique_ptr<Store> first = open_ok(tmp.path());
  ASSERT_NE(first, nullptr);
  const std::string self = self_path();
  const std::string command = "VIGIE_STORE_LOCK_CHILD_DIR='" + tmp.path() + "' '" + self +
                              "' --gtest_filter=StoreLockChild.* 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) output.append(buf, n);
  const int status = ::pclose(pipe);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("[  PASSED  ] 1 test"), std::string::npos) << output;
}

TEST(Store, ReadOnlyOpenSeesCommitsWhileTheWriterHoldsTheStore) {
  StoreDir tmp;
  std::unique_ptr<Store> writer = open_ok(tmp.path());
  ASSERT_NE(writer, nullptr);
  Batch b;
  b.add_alert(sample_alert(1));
  b.put_offset("ad", 0, 10);
  b.put_state("corr/ad/0", "s1");
  commit_ok(*writer, b);

  StoreOptions ro;
  ro.read_only = true;
  std::unique_ptr<Store> reader = open_ok(tmp.path(), ro);
  ASSERT_NE(reader, nullptr);
  EXPECT_TRUE(reader->read_only());
  EXPECT_TRUE(reader->alert(hex_id(1)).has_value());
  EXPECT_EQ(reader->offset("ad", 0), 10);
  EXPECT_EQ(reader->state("corr/ad/0"), "s1");
  EXPECT_EQ(reader->alert_count(), 1U);
  EXPECT_EQ(reader->list({}).size(), 1U);

  // Later commits (in the WAL, then flushed) appear after catch_up().
  b.clear();
  b.add_alert(sample_alert(2, "chu-sud", "rule-b", 2000));
  b.put_offset("ad", 0, 20);
  commit_ok(*writer, b);
  EXPECT_FALSE(reader->alert(hex_id(2)).has_value());
  ASSERT_TRUE(reader->catch_up().ok());
  EXPECT_TRUE(reader->alert(hex_id(2)).has_value());
  EXPECT_EQ(reader->offset("ad", 0), 20);
  EXPECT_EQ(reader->alert_count(), 2U);

  b.clear();
  b.add_alert(sample_alert(3));
  commit_ok(*writer, b);
  ASSERT_TRUE(writer->flush().ok());
  ASSERT_TRUE(reader->catch_up().ok());
  EXPECT_EQ(reader->list({}).size(), 3U);
  EXPECT_EQ(reader->alert_count(), 3U);

  // An analyst's change made by the writer (then flushed) replaces what the reader had.
  AlertRecord closed = *writer->alert(hex_id(3));
  closed.status = "closed";
  ASSERT_TRUE(writer->update_alert(closed).ok());
  ASSERT_TRUE(writer->flush().ok());
  ASSERT_TRUE(reader->catch_up().ok());
  EXPECT_EQ(reader->alert(hex_id(3))->status, "closed");
  ListQuery still_new;
  still_new.status = "new";
  EXPECT_EQ(reader->list(still_new).size(), 2U);
  EXPECT_EQ(reader->alert_count(), 3U);

  // Writes are refused.
  Result<CommitResult> r = reader->commit(b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), "store-read-only");
  EXPECT_EQ(reader->update_alert(sample_alert(1)).code(), "store-read-only");
  EXPECT_EQ(reader->checkpoint(tmp.path("cp")).code(), "store-read-only");
  EXPECT_TRUE(reader->flush().ok());
  EXPECT_TRUE(writer->catch_up().ok());  // a no-op on the writer
  EXPECT_EQ(reader->read_errors(), 0U);

  // The writer can close and reopen while the reader stays open.
  writer.reset();
  writer = open_ok(tmp.path());
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(reader->catch_up().ok());
  EXPECT_EQ(reader->alert_count(), 3U);
}

TEST(Store, MissingStore) {
  StoreDir tmp;
  StoreOptions ro;
  ro.read_only = true;
  Result<std::unique_ptr<Store>> s = Store::open(tmp.path(), ro);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), "store-not-found");
  EXPECT_NE(s.status().message().find(tmp.path()), std::string::npos);

  StoreOptions no_create;
  no_create.create_if_missing = false;
  s = Store::open(tmp.path(), no_create);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), "store-not-found");
  EXPECT_FALSE(std::filesystem::exists(tmp.path()));
}

TEST(Store, ANewerFormatIsRefusedClearly) {
  StoreDir tmp;
  { ASSERT_NE(open_ok(tmp.path()), nullptr); }
  // Rewrite the marker as a future Vigie would (RocksDB directly: only this module's tests may).
  auto set_marker = [&](const std::string& marker) {
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), tmp.path(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    descriptors.reserve(names.size());
    for (const std::string& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(
        rocksdb::DB::Open(rocksdb::DBOptions(), tmp.path(), descriptors, &handles, &db).ok());
    for (rocksdb::ColumnFamilyHandle* h : handles) {
      if (h->GetName() == "meta") {
        EXPECT_TRUE(db->Put({}, h, "format", marker).ok());
      }
    }
    for (rocksdb::ColumnFamilyHandle* h : handles)
      EXPECT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    EXPECT_TRUE(db->Close().ok());
    delete db;
  };
  set_marker("vigie-store 2");
  Result<std::unique_ptr<Store>> s = Store::open(tmp.path());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), "store-version");
  EXPECT_EQ(s.status().message(), "the store " + tmp.path() +
                                      " has format 'vigie-store 2', newer than this build reads "
                                      "('vigie-store 1'): open it with a newer Vigie");
  StoreOptions ro;
  ro.read_only = true;
  EXPECT_EQ(Store::open(tmp.path(), ro).status().code(), "store-version");

  set_marker("something else");
  s = Store::open(tmp.path());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), "not-a-store");

  set_marker(std::string(kFormatVersion));
  EXPECT_NE(open_ok(tmp.path()), nullptr);
}

TEST(Store, ForeignDirectoriesAreNotStores) {
  StoreDir tmp;
  // A folder with other files.
  std::filesystem::create_directories(tmp.path("files"));
  std::ofstream(tmp.path("files") + "/notes.txt") << "hello";
  Result<std::unique_ptr<Store>> s = Store::open(tmp.path("files"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), "not-a-store");
  EXPECT_NE(s.status().message().find(tmp.path("files")), std::string::npos);

  // A regular file.
  std::ofstream(tmp.path("plain")) << "x";
  EXPECT_EQ(Store::open(tmp.path("plain")).status().code(), "not-a-store");

  // Another application's RocksDB database.
  {
    rocksdb::Options o;
    o.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(o, tmp.path("other"), &db).ok());
    EXPECT_TRUE(db->Put({}, "k", "v").ok());
    EXPECT_TRUE(db->Close().ok());
    delete db;
  }
  s = Store::open(tmp.path("other"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), "not-a-store");
  EXPECT_NE(s.status().message().find("not a Vigie store"), std::string::npos);

  // An empty existing folder is fine: the store is created in it.
  std::filesystem::create_directories(tmp.path("empty"));
  EXPECT_NE(open_ok(tmp.path("empty")), nullptr);
}

// ------------------------------------------------------------------------------------------------
// Backup

TEST(Store, CheckpointIsAnOpenableCopy) {
  StoreDir tmp;
  std::unique_ptr<Store> store = open_ok(tmp.path());
  ASSERT_NE(store, nullptr);
  Batch b;
  b.add_alert(sample_alert(1));
  b.add_alert(sample_alert(2));
  b.put_offset("ad", 1, 33);
  b.put_state("corr/ad/1", "snap");
  commit_ok(*store, b);
  ASSERT_TRUE(store->checkpoint(tmp.path("backup")).ok());
  // Later commits do not reach the copy.
  b.clear();
  b.add_alert(sample_alert(3));
  b.put_offset("ad", 1, 44);
  commit_ok(*store, b);

  Status again = store->checkpoint(tmp.path("backup"));
  EXPECT_EQ(again.code(), "store-checkpoint-failed");

  std::unique_ptr<Store> copy = open_ok(tmp.path("backup"));
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(copy->alert_count(), 2U);
  EXPECT_EQ(copy->offset("ad", 1), 33);
  EXPECT_EQ(copy->state("corr/ad/1"), "snap");
  EXPECT_EQ(copy->list({}).size(), 2U);
  EXPECT_FALSE(copy->alert(hex_id(3)).has_value());
  EXPECT_TRUE(store->flush().ok());
}

}  // namespace
}  // namespace vigie::store
