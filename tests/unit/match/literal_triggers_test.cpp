// Literal triggers (CompileOptions::literal_triggers): a rule that needs some literal is evaluated
// only when the prefilters found one of its literals. These tests check that the shortcut never
// changes a result: rule shapes one by one, then every SigmaHQ Windows rule over generated events,
// against the reference mode that evaluates every rule of the event's logsource.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "event_generator.h"
#include "match/rule_set.h"
#include "rules/loader.h"
#include "test_support.h"

namespace vigie {
namespace {

using testing::compile_yaml;
using testing::rule_with_detection;
using testing::run;

match::CompileOptions reference_mode() {
  match::CompileOptions o;
  o.literal_triggers = false;
  return o;
}

struct ShapeCase {
  const char* name;
  const char* detection;
  const char* event;
  bool expected;
  bool triggered;  // the rule is a trigger rule (not evaluated on every event)
};

class TriggerShapes : public ::testing::TestWithParam<ShapeCase> {};

TEST_P(TriggerShapes, SameResultAsEvaluatingEveryRule) {
  const ShapeCase& c = GetParam();
  const std::string yaml = rule_with_detection(c.detection);
  auto fast = compile_yaml(yaml);
  auto reference = compile_yaml(yaml, reference_mode());
  ASSERT_EQ(fast.diags.errors(), 0u) << fast.diags.render_text();
  ASSERT_EQ(fast.rules->size(), 1u);
  EXPECT_EQ(fast.rules->stats().trigger_rules, c.triggered ? 1u : 0u);
  EXPECT_EQ(reference.rules->stats().trigger_rules, 0u);
  const bool fast_hit = !run(fast.rules, c.event).empty();
  const bool reference_hit = !run(reference.rules, c.event).empty();
  EXPECT_EQ(reference_hit, c.expected);
  EXPECT_EQ(fast_hit, c.expected);
}

const ShapeCase kShapes[] = {
    {"contains", "  sel:\n    CommandLine|contains: vssadmin\n  condition: sel\n",
     R"({"CommandLine": "C:\\x\\VSSADMIN.exe delete shadows"})", true, true},
    {"contains_miss", "  sel:\n    CommandLine|contains: vssadmin\n  condition: sel\n",
     R"({"CommandLine": "notepad.exe"})", false, true},
    {"and_with_number",
     "  sel:\n    CommandLine|contains: whoami\n    LogonType: 3\n  condition: sel\n",
     R"({"CommandLine": "whoami /all", "LogonType": "3"})", true, true},
    {"and_literal_absent",
     "  sel:\n    CommandLine|contains: whoami\n    LogonType: 3\n  condition: sel\n",
     R"({"CommandLine": "hostname", "LogonType": 3})", false, true},
    {"or_of_literals",
     "  a:\n    Image|endswith: '\\cmd.exe'\n  b:\n    ParentImage|endswith: '\\winword.exe'\n"
     "  condition: a or b\n",
     R"({"ParentImage": "C:\\Office\\WINWORD.EXE"})", true, true},
    {"or_with_regex_is_always",
     "  a:\n    Image|endswith: '\\cmd.exe'\n  b:\n    CommandLine|re: 'a[0-9]+z'\n"
     "  condition: a or b\n",
     R"({"CommandLine": "a123z"})", true, false},
    {"not_is_always", "  sel:\n    CommandLine|contains: vssadmin\n  condition: not sel\n",
     R"({"CommandLine": "notepad.exe"})", true, false},
    {"not_on_absent_field", "  sel:\n    CommandLine|contains: vssadmin\n  condition: not sel\n",
     R"({"Image": "x"})", true, false},
    {"and_not_filter",
     "  sel:\n    Image|endswith: '\\rundll32.exe'\n  filter:\n    CommandLine|contains: "
     "shell32.dll\n  condition: sel and not filter\n",
     R"({"Image": "C:\\W\\rundll32.exe", "CommandLine": "rundll32 evil.dll,Go"})", true, true},
    {"and_not_filter_filtered",
     "  sel:\n    Image|endswith: '\\rundll32.exe'\n  filter:\n    CommandLine|contains: "
     "shell32.dll\n  condition: sel and not filter\n",
     R"({"Image": "C:\\W\\rundll32.exe", "CommandLine": "rundll32 shell32.dll,Control"})", false,
     true},
    {"one_of_pattern",
     "  sel_a:\n    CommandLine|contains: mimikatz\n  sel_b:\n    Image|endswith: "
     "'\\procdump.exe'\n"
     "  condition: 1 of sel_*\n",
     R"({"Image": "D:\\t\\procdump.exe"})", true, true},
    {"all_of_them",
     "  sel_a:\n    CommandLine|contains: '-ma'\n  sel_b:\n    CommandLine|contains: lsass\n"
     "  condition: all of them\n",
     R"({"CommandLine": "procdump -ma lsass.exe"})", true, true},
    {"glob_with_needle",
     "  sel:\n    CommandLine: '*net* group*domain admins*'\n  condition: sel\n",
     R"({"CommandLine": "net.exe group \"Domain Admins\" /domain"})", true, true},
    {"short_glob_is_always", "  sel:\n    CommandLine: 'a?b'\n  condition: sel\n",
     R"({"CommandLine": "axb"})", true, false},
    {"list_of_values",
     "  sel:\n    Image|endswith:\n      - '\\a.exe'\n      - '\\b.exe'\n"
     "  condition: sel\n",
     R"({"Image": "C:\\xB.EXE"})", false, true},
    {"list_of_values_hit",
     "  sel:\n    Image|endswith:\n      - '\\a.exe'\n      - '\\b.exe'\n"
     "  condition: sel\n",
     R"({"Image": "C:\\x\\B.EXE"})", true, true},
    {"keyword_plain", "  keywords:\n    - sekurlsa\n  condition: keywords\n",
     R"({"Message": "Invoking SEKURLSA::logonpasswords"})", true, true},
    {"keyword_glob", "  keywords:\n    - 'lsadump::*dcsync'\n  condition: keywords\n",
     R"({"a": "x", "b": "lsadump:: /user:krbtgt dcsync"})", true, true},
    {"keyword_glob_across_values", "  keywords:\n    - 'lsadump::*dcsync'\n  condition: keywords\n",
     R"({"a": "lsadump::", "b": "dcsync"})", false, true},
    {"keyword_in_list_value", "  keywords:\n    - evil\n  condition: keywords\n",
     R"({"tags": ["good", "EVIL-thing"]})", true, true},
    {"keyword_in_number", "  keywords:\n    - '4624'\n  condition: keywords\n",
     R"({"EventID": 4624})", true, true},
    {"keyword_in_bool", "  keywords:\n    - 'true'\n  condition: keywords\n",
     R"({"Enabled": true})", true, true},
    {"exists_only_is_always", "  sel:\n    CommandLine|exists: true\n  condition: sel\n",
     R"({"CommandLine": ""})", true, false},
    {"cased_literal", "  sel:\n    CommandLine|contains|cased: Evil\n  condition: sel\n",
     R"({"CommandLine": "evil"})", false, true},
    {"ascii_needle_in_non_ascii_text",
     "  sel:\n    CommandLine|contains: 'mimikatz'\n  condition: sel\n",
     R"({"CommandLine": "D:\\Équipe\\MIMIKATZ.exe «privilege::debug»"})", true, true},
    {"ascii_needle_across_non_ascii", "  sel:\n    CommandLine|contains: 'ab'\n  condition: sel\n",
     R"({"CommandLine": "aÉb"})", false, true},
    {"non_ascii_value", "  sel:\n    TargetUserName|contains: 'élodie'\n  condition: sel\n",
     R"({"TargetUserName": "ÉLODIE.MARTIN"})", true, true},
};

INSTANTIATE_TEST_SUITE_P(Shapes, TriggerShapes, ::testing::ValuesIn(kShapes),
                         [](const auto& info) { return std::string(info.param.name); });

// Two rules that share a literal in one event: both are found, each once.
TEST(LiteralTriggers, RulesSharingANeedleBothMatchOnce) {
  const std::string yaml =
      "title: a\nid: 11111111-0000-0000-0000-000000000001\nlogsource: {}\n"
      "detection:\n  sel:\n    CommandLine|contains: vssadmin\n  condition: sel\n"
      "---\n"
      "title: b\nid: 11111111-0000-0000-0000-000000000002\nlogsource: {}\n"
      "detection:\n  sel:\n    CommandLine|contains:\n      - vssadmin\n      - delete\n"
      "  condition: sel\n";
  auto c = compile_yaml(yaml);
  ASSERT_EQ(c.diags.errors(), 0u) << c.diags.render_text();
  EXPECT_EQ(run(c.rules, R"({"CommandLine": "vssadmin delete shadows"})"),
            (std::vector<std::uint32_t>{0, 1}));
}

// Every SigmaHQ Windows rule over generated Winlogbeat events (a tenth of them attack traces):
// the fast path and the reference give the same matches, event by event.
TEST(LiteralTriggers, SigmaHqWindowsRulesMatchAsTheReference) {
  const std::filesystem::path windows = testing::shared_dir() / "sigmahq" / "rules" / "windows";
  if (!std::filesystem::is_directory(windows)) GTEST_SKIP() << "no corpus at " << windows;
  rules::Diagnostics diags;
  rules::LoadResult loaded = rules::load_rule_paths({windows.string()}, diags);
  ASSERT_GT(loaded.rules.size(), 2000u);
  auto reference = match::RuleSet::compile(loaded.rules, reference_mode(), diags);
  auto fast = match::RuleSet::compile(std::move(loaded.rules), {}, diags);
  ASSERT_EQ(fast->size(), reference->size());
  // Most rules need a literal: the shortcut is in use, not silently off.
  EXPECT_GT(fast->stats().trigger_rules, fast->size() * 8 / 10);

  bench::GeneratorOptions options;
  options.events = 20'000;
  options.attack_share = 0.1;
  options.seed = 7;
  const bench::EventCorpus corpus = bench::generate_events(options);
  event::ReaderOptions read_options;
  read_options.keep_unknown_fields = fast->needs_all_fields();
  event::JsonReader reader(fast->fields(), read_options);
  event::JsonReader reference_reader(reference->fields(), read_options);
  match::Matcher fast_matcher(fast);
  match::Matcher reference_matcher(reference);
  event::Event e;
  event::Event reference_event;
  std::size_t matches = 0;
  std::size_t rules_seen = 0;
  std::vector<bool> matched_rule(fast->size(), false);
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    ASSERT_TRUE(reader.read(corpus.line(i), event::InputFormat::kAuto, e).ok());
    ASSERT_TRUE(
        reference_reader.read(corpus.line(i), event::InputFormat::kAuto, reference_event).ok());
    auto got = fast_matcher.match(e);
    const std::vector<std::uint32_t> fast_hits(got.begin(), got.end());
    auto want = reference_matcher.match(reference_event);
    const std::vector<std::uint32_t> reference_hits(want.begin(), want.end());
    ASSERT_EQ(fast_hits, reference_hits) << "event " << i << ": " << corpus.line(i);
    matches += fast_hits.size();
    for (std::uint32_t r : fast_hits) {
      if (!matched_rule[r]) ++rules_seen;
      matched_rule[r] = true;
    }
  }
  // The comparison means something only if many rules fire.
  EXPECT_GT(matches, 2'000u);
  EXPECT_GT(rules_seen, 30u);
}

}  // namespace
}  // namespace vigie
