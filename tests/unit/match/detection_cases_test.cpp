// Data-driven detection cases: each folder tests/data/detection/<case>/ is one ctest test.
//
//   rules/*.yml          one or more Sigma rules (every rule needs an `id`)
//   events.jsonl         one JSON record per line, any of the three shapes (flat, evtx-json,
//                        winlogbeat), read with --format auto; blank lines are skipped but counted
//   expected.txt         one line per expected match, `LINE RULE_ID`, sorted by line then rule
//                        id; lines starting with '#' and blank lines are comments; no match line at
//                        all = nothing may match
//   placeholders.yml     optional: the --placeholders file
//   logsource_map.yml    optional: a --logsource-map file applied over the built-in map
//
// Rules are loaded with match::load_rule_set() (what `vigie hunt` does) and must load without
// errors; events are read with event::JsonReader and matched with match::Matcher, as `vigie hunt
// --format auto` does. The test compares the set of (line, rule id) matches with expected.txt and
// prints the missing and the unexpected ones. See docs/testing.md for how to add a case.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "event/json_reader.h"
#include "match/load.h"
#include "match/rule_set.h"

namespace vigie::match {
namespace {

namespace fs = std::filesystem;

fs::path cases_root() { return fs::path(VIGIE_SOURCE_DIR) / "tests" / "data" / "detection"; }

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(cases_root(), ec)) {
    if (e.is_directory(ec)) names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

using Match = std::pair<std::int64_t, std::string>;  // (1-based input line, rule id)

std::string describe(const Match& m) { return std::to_string(m.first) + " " + m.second; }

// Parses expected.txt; reports format problems as test failures.
std::set<Match> read_expected(const fs::path& path) {
  std::set<Match> out;
  std::ifstream in(path);
  EXPECT_TRUE(static_cast<bool>(in)) << "cannot read " << path;
  std::string line;
  int n = 0;
  Match previous{0, ""};
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos || line[0] == '#') continue;
    std::istringstream fields(line);
    std::int64_t event_line = 0;
    std::string rule_id, extra;
    if (!(fields >> event_line >> rule_id) || (fields >> extra) || event_line < 1) {
      ADD_FAILURE() << path << ":" << n << ": expected `LINE RULE_ID`, got '" << line << "'";
      continue;
    }
    Match m{event_line, rule_id};
    EXPECT_LT(previous, m) << path << ":" << n
                           << ": lines must be sorted by line then rule id, without duplicates";
    previous = m;
    out.insert(std::move(m));
  }
  return out;
}

class DetectionCase : public ::testing::TestWithParam<std::string> {};

TEST_P(DetectionCase, MatchesExpected) {
  const fs::path dir = cases_root() / GetParam();
  ASSERT_TRUE(fs::is_directory(dir / "rules")) << dir << " has no rules/ folder";

  RuleSources sources;
  sources.rule_paths = {(dir / "rules").string()};
  if (fs::exists(dir / "placeholders.yml")) {
    sources.placeholders_file = (dir / "placeholders.yml").string();
  }
  if (fs::exists(dir / "logsource_map.yml")) {
    sources.logsource_map_files = {(dir / "logsource_map.yml").string()};
  }
  LoadedRules loaded = load_rule_set(sources);
  ASSERT_EQ(loaded.diags.errors(), 0u) << loaded.diags.render_text();
  if (loaded.diags.warnings() > 0) {
    std::cout << "rule warnings (allowed):\n" << loaded.diags.render_text();
  }
  const RuleSet& rules = *loaded.rules;
  ASSERT_GT(rules.size(), 0u);
  std::map<std::string, std::string> titles;  // rule id -> title, for messages
  for (std::uint32_t i = 0; i < rules.size(); ++i) {
    ASSERT_FALSE(rules.rule(i).id.empty()) << rules.rule(i).file << ": every rule needs an id";
    titles[rules.rule(i).id] = rules.rule(i).title;
  }

  const std::set<Match> expected = read_expected(dir / "expected.txt");
  for (const Match& m : expected) {
    EXPECT_TRUE(titles.contains(m.second))
        << "expected.txt names rule id " << m.second << ", which no rule of rules/ has";
  }

  event::ReaderOptions options;
  options.keep_unknown_fields = rules.needs_all_fields();
  event::JsonReader reader(rules.fields(), options);
  Matcher matcher(loaded.rules);
  event::Event ev;
  std::set<Match> actual;
  std::ifstream in(dir / "events.jsonl", std::ios::binary);
  ASSERT_TRUE(static_cast<bool>(in)) << "cannot read " << dir / "events.jsonl";
  std::string line;
  std::int64_t line_no = 0, events = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Status s = reader.read(line, event::InputFormat::kAuto, ev);
    ASSERT_TRUE(s.ok()) << "events.jsonl:" << line_no << ": " << s.to_string();
    ev.line = line_no;
    ++events;
    for (std::uint32_t idx : matcher.match(ev)) actual.insert({line_no, rules.rule(idx).id});
  }
  ASSERT_GT(events, 0) << "events.jsonl has no event";
  for (const Match& m : expected) {
    EXPECT_LE(m.first, line_no) << "expected.txt names line " << m.first << " past the end";
  }

  std::string missing, unexpected;
  for (const Match& m : expected) {
    if (!actual.contains(m)) missing += "  " + describe(m) + "  (" + titles[m.second] + ")\n";
  }
  for (const Match& m : actual) {
    if (!expected.contains(m)) unexpected += "  " + describe(m) + "  (" + titles[m.second] + ")\n";
  }
  EXPECT_TRUE(missing.empty() && unexpected.empty())
      << "case " << GetParam() << ": " << actual.size() << " matches, " << expected.size()
      << " expected\n"
      << (missing.empty() ? "" : "missing (expected, did not match):\n" + missing)
      << (unexpected.empty() ? "" : "unexpected (matched, not in expected.txt):\n" + unexpected);
}

std::string param_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string n = info.param;
  for (char& c : n) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return n;
}

INSTANTIATE_TEST_SUITE_P(Data, DetectionCase, ::testing::ValuesIn(case_names()), param_name);

TEST(DetectionCasesFolder, HasTheRegressionSuite) {
  const std::vector<std::string> names = case_names();
  EXPECT_GE(names.size(), 15u) << cases_root() << " lost cases";
  for (const std::string& n : names) {
    const fs::path dir = cases_root() / n;
    EXPECT_TRUE(fs::is_regular_file(dir / "events.jsonl")) << n << " has no events.jsonl";
    EXPECT_TRUE(fs::is_regular_file(dir / "expected.txt")) << n << " has no expected.txt";
  }
}

}  // namespace
}  // namespace vigie::match
