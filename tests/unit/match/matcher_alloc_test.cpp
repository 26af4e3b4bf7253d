// Counts heap allocations made by JsonReader::read() + Matcher::match() once warmed up (STYLE.md:
// no per-event heap allocation on the hot path; measure it). Replacing the global operator new only
// counts: it forwards to malloc, so the other tests of this binary are unaffected.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <new>
#include <string>
#include <vector>

#include "event/json_reader.h"
#include "event_generator.h"
#include "match/rule_set.h"
#include "rules/loader.h"

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

// Under AddressSanitizer the allocator stays ASan's own, and the test below is skipped.
#if VIGIE_COUNT_ALLOCATIONS
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif

namespace vigie::match {
namespace {

std::filesystem::path shared_dir() {
  if (const char* env = std::getenv("VIGIE_SHARED_DIR"); env != nullptr && *env != '\0') return env;
  return VIGIE_SHARED_DIR;
}

// Every SigmaHQ Windows rule (keywords, globs, regexes, triggers, folded non-ASCII values) over
// generated events: the second pass over the same events allocates nothing.
TEST(MatcherAllocationTest, NoHeapAllocationOnceWarmedUp) {
  if (!VIGIE_COUNT_ALLOCATIONS) GTEST_SKIP() << "allocation counting is off under ASan";
  const std::filesystem::path windows = shared_dir() / "sigmahq" / "rules" / "windows";
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
  const long start = g_allocations.load();
  pass();
  pass();
  const long before = g_allocations.load();
  ASSERT_GT(before - start, 0) << "the counter sees the warm-up growing the buffers";
  matches = 0;
  pass();
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_GT(matches, 100u) << "the pass must exercise matching rules";
}

}  // namespace
}  // namespace vigie::match
