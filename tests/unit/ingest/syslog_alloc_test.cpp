// Counts heap allocations made by the syslog parser and the frame splitter once warmed up
// (STYLE.md: no per-event heap allocation on the hot path; measure it), with the counting
// operator new of tests/unit/support/allocation_counter.h.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "ingest/syslog.h"
#include "ingest_test_support.h"
#include "tests/unit/support/allocation_counter.h"

namespace vigie::ingest {
namespace {

TEST(SyslogAlloc, ParsingDoesNotAllocateOnceWarm) {
  if (!vigie::testing::kCountAllocations) GTEST_SKIP() << "allocation counting is off under ASan";
  const std::string rfc5424_example =
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
      "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
      "[examplePriority@32473 class=\"high\"] \xEF\xBB\xBFmsg";
  const std::vector<std::string> lines = {
      rfc5424_example,
      "<166>Mar 14 2026 01:03:05 ASA-GHT-01 : %ASA-6-113005: AAA",
      "Mar 14 01:01:58 ovpn-ght01 openvpn[2231]: x",
      "<13>Oct 27 02:30:00 h t: in the overlap",
      "<13>2024-07-01T12:00:00 host tag: x",
      "<13>1 - - - - - [a x=\"1]",
      "id=firewall",
  };
  const SyslogTimeContext ctx{&testing::paris(), testing::ms("2026-03-14T00:00:00Z")};
  SyslogMessage m;
  for (const std::string& line : lines) (void)parse_syslog(line, ctx, m);  // warm up
  const long before = vigie::testing::allocations().load();
  for (int round = 0; round < 100; ++round) {
    for (const std::string& line : lines) (void)parse_syslog(line, ctx, m);
  }
  EXPECT_EQ(vigie::testing::allocations().load(), before);
}

TEST(SyslogAlloc, SplittingDoesNotAllocate) {
  if (!vigie::testing::kCountAllocations) GTEST_SKIP() << "allocation counting is off under ASan";
  const std::string stream = "17 <13>1 - - - - - -\n<13>Mar 14 01:01:58 h t: m\n7 <13>1 x";
  const long before = vigie::testing::allocations().load();
  FrameSplitter splitter;
  std::string_view pending = stream;
  int frames = 0;
  for (;;) {
    const FrameSplitter::Step s = splitter.finish(pending);
    pending.remove_prefix(s.consumed);
    if (s.outcome == FrameSplitter::Outcome::kEnd) break;
    frames += s.outcome == FrameSplitter::Outcome::kFrame ? 1 : 0;
  }
  EXPECT_EQ(vigie::testing::allocations().load(), before);
  EXPECT_EQ(frames, 3);
}

}  // namespace
}  // namespace vigie::ingest
