// Counts heap allocations made by JsonReader::read() once warmed up (STYLE.md: no per-event heap
// allocation on the hot path; measure it). Replacing the global operator new only counts: it
// forwards to malloc, so the other tests of this binary are unaffected.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <new>
#include <string>
#include <vector>

#include "event/json_reader.h"

#if defined(__SANITIZE_ADDRESS__)
#define VIGIE_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VIGIE_COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef VIGIE_COUNT_ALLOCATIONS
#define VIGIE_COUNT_ALLOCATIONS 1
#endif

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

// Under AddressSanitizer the allocator stays ASan's own (it checks new/delete pairing for the
// whole binary), and the test below is skipped.
#if VIGIE_COUNT_ALLOCATIONS
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif

namespace vigie::event {
namespace {

std::vector<std::string> sample_lines() {
  std::vector<std::string> lines;
  for (const char* file :
       {"security_evtx_dump.jsonl", "security_winlogbeat.ndjson", "security_flat.ndjson"}) {
    std::ifstream in(std::string(VIGIE_SOURCE_DIR) + "/plugins/ad/samples/" + file);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  return lines;
}

TEST(JsonReaderAllocationTest, NoHeapAllocationOnceWarmedUp) {
  if (!VIGIE_COUNT_ALLOCATIONS) GTEST_SKIP() << "allocation counting is off under ASan";
  const std::vector<std::string> lines = sample_lines();
  ASSERT_GE(lines.size(), 30u);
  for (bool keep_unknown : {false, true}) {
    FieldTable table;
    for (const char* name : {"TargetUserName", "CommandLine", "Keywords", "host.name", "Data",
                             "Execution_ProcessID", "IpAddress"}) {
      table.intern(name);
    }
    JsonReader reader(table, ReaderOptions{.keep_unknown_fields = keep_unknown});
    Event ev;
    const long start = g_allocations.load();
    for (int warm = 0; warm < 2; ++warm) {
      for (const std::string& line : lines)
        ASSERT_TRUE(reader.read(line, InputFormat::kAuto, ev).ok());
    }
    const long before = g_allocations.load();
    ASSERT_GT(before - start, 0) << "the counter sees the warm-up growing the buffers";
    for (int round = 0; round < 10; ++round) {
      for (const std::string& line : lines) {
        const Status s = reader.read(line, InputFormat::kAuto, ev);
        if (!s.ok()) FAIL() << s.to_string();
      }
    }
    EXPECT_EQ(g_allocations.load() - before, 0) << "keep_unknown_fields=" << keep_unknown;
  }
}

}  // namespace
}  // namespace vigie::event
