// Counts heap allocations while decoding the samples, with the counting operator new of
// tests/unit/support/allocation_counter.h (included in this file only, as it requires).
// g++ 12 sees the counting operator new (malloc) inlined next to the library's delete and warns
// of a mismatch that is not one (delete is replaced too, with free).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include "ehr_test_support.h"
#include "tests/unit/support/allocation_counter.h"

namespace vigie::ehr_test {
namespace {

// STYLE.md: no per-record heap allocation once warmed up, pseudonymisation included.
TEST_F(EhrTest, DecodingDoesNotAllocateOnceWarm) {
  if (!vigie::testing::kCountAllocations) GTEST_SKIP() << "allocation counting is off under ASan";
  for (const SampleFile& s : sample_files()) {
    auto d = make(s.format);
    const auto lines = sample_lines(s.file);
    event::Event e;
    for (int warm = 0; warm < 2; ++warm) {
      for (const SampleLine& l : lines) ASSERT_TRUE(d->decode(l.text, ctx(), e).ok());
    }
    const long before = vigie::testing::allocations().load();
    for (int round = 0; round < 50; ++round) {
      for (const SampleLine& l : lines) (void)d->decode(l.text, ctx(), e);
    }
    EXPECT_EQ(vigie::testing::allocations().load(), before) << s.format;
  }
}

// A Bundle of the FHIR sample's AuditEvents, split and decoded as callers do (decoder.h).
TEST_F(EhrTest, SplittingABundleDoesNotAllocateOnceWarm) {
  if (!vigie::testing::kCountAllocations) GTEST_SKIP() << "allocation counting is off under ASan";
  auto d = make("fhir-auditevent");
  std::string bundle = R"({"resourceType":"Bundle","type":"searchset","entry":[)";
  for (const SampleLine& l : sample_lines("ehr_fhir_r4_auditevent_balp.ndjson")) {
    if (bundle.back() != '[') bundle += ',';
    bundle += R"({"resource":)" + l.text + R"(,"search":{"mode":"match"}})";
  }
  bundle += R"(,{"resource":{"resourceType":"OperationOutcome"}}]})";
  decode::Split parts;
  event::Event e;
  auto once = [&] {
    if (!d->split(bundle, parts).ok()) return false;
    for (std::string_view r : parts.records) {
      if (!d->decode(r, ctx(), e).ok()) return false;
    }
    return parts.records.size() == 6 && parts.skipped == 1;
  };
  for (int warm = 0; warm < 2; ++warm) ASSERT_TRUE(once());
  const long before = vigie::testing::allocations().load();
  for (int round = 0; round < 50; ++round) (void)once();
  EXPECT_EQ(vigie::testing::allocations().load(), before);
}

}  // namespace
}  // namespace vigie::ehr_test
