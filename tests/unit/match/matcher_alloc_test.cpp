// Counts heap allocations made by JsonReader::read() + Matcher::match() once warmed up (STYLE.md:
// no per-event heap allocation on the hot path; measure it), with the counting operator new of
// tests/unit/support/allocation_counter.h.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "event/json_reader.h"
#include "event_generator.h"
#include "match/rule_set.h"
#include "rules/loader.h"
#include "test_support.h"
#include "tests/unit/support/allocation_counter.h"

namespace vigie::match {
namespace {

// Every SigmaHQ Windows rule (keywords, globs, regexes, triggers, folded non-ASCII values) over
// generated events: the second pass over the same events allocates nothing.
TEST(MatcherAllocationTest, NoHeapAllocationOnceWarmedUp) {
  if (!testing::kCountAllocations) GTEST_SKIP() << "allocation counting is off under ASan";
  const std::filesystem::path windows = testing::shared_dir() / "sigmahq" / "rules" / "windows";
  if (!std::filesystem::is_directory(windows)) GTEST_SKIP() << "no corpus at " << windows;
  rules::Diagnostics diags;
  rules::LoadResult loaded = rules::load_rule_paths({windows.string()}, diags);
  auto rules = RuleSet::compile(std::move(loaded.rules), {}, diags);
  ASSERT_TRUE(rules->needs_all_fields());

  bench::GeneratorOptions options;
  options.events = 3'000;
  options.attack_share = 0.1;
  const bench::EventCorpus corpus = bench::generate_events(options);
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < corpus.size(); ++i) lines.emplace_back(corpus.line(i));
  // Events hold views into the reader's buffers, so each is matched right after it is read: the
  // count covers reader and matcher together, the whole per-event path.
  event::JsonReader reader(rules->fields(), {.keep_unknown_fields = true});
  Matcher matcher(rules);
  event::Event ev;
  std::size_t matches = 0;
  auto pass = [&] {
    for (const std::string& line : lines) {
      ASSERT_TRUE(reader.read(line, event::InputFormat::kAuto, ev).ok());
      matches += matcher.match(ev).size();
    }
  };
  const long start = testing::allocations().load();
  pass();
  pass();
  const long before = testing::allocations().load();
  ASSERT_GT(before - start, 0) << "the counter sees the warm-up growing the buffers";
  matches = 0;
  pass();
  EXPECT_EQ(testing::allocations().load() - before, 0);
  EXPECT_GT(matches, 100u) << "the pass must exercise matching rules";
}

}  // namespace
}  // namespace vigie::match
