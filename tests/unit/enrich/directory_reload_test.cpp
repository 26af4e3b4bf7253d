// DirectorySlot (enrich/directory.h): a reload builds a new directory and swaps it in while
// reader threads keep resolving; every reader sees one whole directory (never a mix, never a
// torn pointer), a failed reload keeps the current one.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "../support/temp_dir.h"
#include "enrich/directory.h"

namespace vigie::enrich {
namespace {

class ReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Two generations of one directory: mleroy changes unit, and the row count tells them apart.
    tmp_.write("a.csv", "sid,ad_account,unit\nS-1-5-21-1-2-3-10,GHTEX\\mleroy,A\n");
    tmp_.write("b.csv",
               "sid,ad_account,unit\nS-1-5-21-1-2-3-10,GHTEX\\mleroy,B\n"
               "S-1-5-21-1-2-3-11,GHTEX\\x,B\n");
    tmp_.write("broken.csv", "not,a,directory\n");
  }
  std::string path(const char* name) const { return tmp_.path() + "/" + name; }

  vigie::testing::TempDir tmp_;
};

TEST_F(ReloadTest, StartsEmptyAndSwapsOnReload) {
  DirectorySlot slot;
  std::string scratch;
  EXPECT_TRUE(slot.current()->entries().empty());
  EXPECT_EQ(slot.generation(), 0u);
  std::vector<Diagnostic> diags;
  ASSERT_TRUE(slot.reload(path("a.csv"), nullptr, diags).ok());
  const auto a = slot.current();
  EXPECT_EQ(slot.generation(), 1u);
  EXPECT_EQ(a->resolve(Source::kAd, "mleroy", 0, scratch).entry->unit, "A");
  ASSERT_TRUE(slot.reload(path("b.csv"), nullptr, diags).ok());
  EXPECT_EQ(slot.current()->resolve(Source::kAd, "mleroy", 0, scratch).entry->unit, "B");
  // The snapshot taken before the reload is still whole and usable.
  EXPECT_EQ(a->resolve(Source::kAd, "mleroy", 0, scratch).entry->unit, "A");
  EXPECT_TRUE(diags.empty());
}

TEST_F(ReloadTest, AFailedReloadKeepsTheCurrentDirectory) {
  DirectorySlot slot;
  std::vector<Diagnostic> diags;
  ASSERT_TRUE(slot.reload(path("a.csv"), nullptr, diags).ok());
  const auto before = slot.current();
  EXPECT_EQ(slot.reload(path("broken.csv"), nullptr, diags).code(), "no-key-column");
  EXPECT_EQ(slot.reload(path("missing.csv"), nullptr, diags).code(), "directory-unreadable");
  EXPECT_EQ(slot.current(), before);
  EXPECT_EQ(slot.generation(), 1u);
  slot.replace(nullptr);
  EXPECT_NE(slot.current(), nullptr) << "replace(nullptr) installs the empty directory";
}

TEST_F(ReloadTest, ReadersNeverSeeAMixWhileReloading) {
  DirectorySlot slot;
  std::vector<Diagnostic> diags;
  ASSERT_TRUE(slot.reload(path("a.csv"), nullptr, diags).ok());
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> lookups{0};
  std::atomic<std::int64_t> inconsistent{0};
  std::vector<std::thread> readers;
  readers.reserve(3);
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      std::string scratch;
      while (!stop.load(std::memory_order_relaxed)) {
        const auto snapshot = slot.current();
        const Resolution r = snapshot->resolve(Source::kAd, "GHTEX\\MLEROY", 0, scratch);
        const std::size_t rows = snapshot->entries().size();
        // Generation A has one row and unit A, generation B two rows and unit B.
        const bool ok =
            r.outcome == Outcome::kResolved &&
            ((rows == 1 && r.entry->unit == "A") || (rows == 2 && r.entry->unit == "B")) &&
            r.entry >= snapshot->entries().data() && r.entry < snapshot->entries().data() + rows;
        if (!ok) inconsistent.fetch_add(1);
        lookups.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  // Each reload waits for readers to have looked up since the previous one, so that lookups and
  // swaps interleave even on a loaded two-core machine.
  auto wait_for_lookups_after = [&](std::int64_t seen) {
    while (lookups.load() <= seen) std::this_thread::yield();
  };
  constexpr int kReloads = 200;
  int failed_reloads = 0;
  for (int i = 0; i < kReloads; ++i) {
    wait_for_lookups_after(lookups.load() + 1);
    std::vector<Diagnostic> d;
    if (!slot.reload(path(i % 2 == 0 ? "b.csv" : "a.csv"), nullptr, d).ok()) ++failed_reloads;
  }
  wait_for_lookups_after(lookups.load() + 1);
  stop = true;
  for (auto& th : readers) th.join();
  EXPECT_EQ(failed_reloads, 0);
  EXPECT_EQ(inconsistent.load(), 0);
  EXPECT_GT(lookups.load(), 2 * kReloads);
  EXPECT_EQ(slot.generation(), 1u + kReloads);
}

}  // namespace
}  // namespace vigie::enrich
