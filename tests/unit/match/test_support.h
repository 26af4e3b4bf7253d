// Helpers for match tests: compile rules from YAML text and run them on JSON events.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "event/json_reader.h"
#include "match/rule_set.h"
#include "rules/loader.h"

namespace vigie::testing {

// The shared data folder (SigmaHQ corpus, formats): $VIGIE_SHARED_DIR, else <source>/../shared.
inline std::filesystem::path shared_dir() {
  if (const char* env = std::getenv("VIGIE_SHARED_DIR"); env != nullptr && *env != '\0') return env;
  return VIGIE_SHARED_DIR;
}

struct Compiled {
  std::shared_ptr<const match::RuleSet> rules;
  rules::Diagnostics diags;
};

inline Compiled compile_yaml(const std::string& yaml, match::CompileOptions options = {}) {
  Compiled c;
  rules::LoadResult loaded = rules::load_rule_text(yaml, "test.yml", c.diags);
  c.rules = match::RuleSet::compile(std::move(loaded.rules), options, c.diags);
  return c;
}

// A rule without logsource (applies to every event) around `detection` (indented by 2).
inline std::string rule_with_detection(const std::string& detection) {
  return "title: test\nid: 11111111-2222-3333-4444-555555555555\nlogsource: {}\ndetection:\n" +
         detection;
}

// Indices of the rules of `rs` that match the JSON `record` read in `format`.
inline std::vector<std::uint32_t> run(const std::shared_ptr<const match::RuleSet>& rs,
                                      const std::string& record,
                                      event::InputFormat format = event::InputFormat::kAuto) {
  event::ReaderOptions opts;
  opts.keep_unknown_fields = rs->needs_all_fields();
  event::JsonReader reader(rs->fields(), opts);
  event::Event e;
  Status s = reader.read(record, format, e);
  EXPECT_TRUE(s.ok()) << s.to_string();
  match::Matcher m(rs);
  auto hits = m.match(e);
  return {hits.begin(), hits.end()};
}

}  // namespace vigie::testing
