// Counts heap allocations made by JsonReader::read() once warmed up (STYLE.md: no per-event heap
// allocation on the hot path; measure it), with the counting operator new of
// tests/unit/support/allocation_counter.h.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "event/json_reader.h"
#include "tests/unit/support/allocation_counter.h"

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
  if (!testing::kCountAllocations) GTEST_SKIP() << "allocation counting is off under ASan";
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
    const long start = testing::allocations().load();
    for (int warm = 0; warm < 2; ++warm) {
      for (const std::string& line : lines)
        ASSERT_TRUE(reader.read(line, InputFormat::kAuto, ev).ok());
    }
    const long before = testing::allocations().load();
    ASSERT_GT(before - start, 0) << "the counter sees the warm-up growing the buffers";
    for (int round = 0; round < 10; ++round) {
      for (const std::string& line : lines) {
        const Status s = reader.read(line, InputFormat::kAuto, ev);
        if (!s.ok()) FAIL() << s.to_string();
      }
    }
    EXPECT_EQ(testing::allocations().load() - before, 0) << "keep_unknown_fields=" << keep_unknown;
  }
}

}  // namespace
}  // namespace vigie::event
