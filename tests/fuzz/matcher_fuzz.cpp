// libFuzzer target for vigie::match::Matcher on untrusted events: every input is read as a JSON
// record (auto shape, every field kept) and matched by a rule set that exercises each prefilter
// path (field literals, globs, keywords with and without wildcards, non-ASCII and cased needles,
// regexes, numbers, cidr, fieldref, negations), compiled twice: with literal triggers and in the
// reference mode that evaluates every rule. The two must agree on every input; a difference
// aborts. Besides crashes, this checks the trigger sets and the order-free prefilter scans.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

#include "event/json_reader.h"
#include "match/rule_set.h"
#include "rules/loader.h"

namespace {

using vigie::event::Event;
using vigie::event::InputFormat;
using vigie::event::JsonReader;
using vigie::event::ReaderOptions;
using vigie::match::CompileOptions;
using vigie::match::Matcher;
using vigie::match::RuleSet;

constexpr std::string_view kRules = R"(title: literals
id: 00000000-0000-4000-8000-000000000001
logsource: {}
detection:
  sel:
    CommandLine|contains:
      - vssadmin
      - ' /c '
      - 'é'
    Image|endswith: '\cmd.exe'
  filter:
    ParentImage|startswith: 'C:\Windows\'
  condition: sel and not filter
---
title: globs and lists
id: 00000000-0000-4000-8000-000000000002
logsource: {}
detection:
  a:
    CommandLine: '*net*group*admins*'
  b:
    Image|endswith:
      - '\a.exe'
      - '\b.exe'
    User|contains|cased: 'SYSTEM'
  condition: 1 of them
---
title: keywords
id: 00000000-0000-4000-8000-000000000003
logsource: {}
detection:
  keywords:
    - mimikatz
    - 'sekurlsa::*'
    - '4769'
    - 'ÉCOLE'
    - 'a?c'
  condition: keywords
---
title: keywords all
id: 00000000-0000-4000-8000-000000000004
logsource: {}
detection:
  keywords:
    '|all':
      - kerberos
      - '0x17'
  condition: keywords
---
title: mixed
id: 00000000-0000-4000-8000-000000000005
logsource: {}
detection:
  sel:
    EventID: 4624
    LogonType|gte: 3
  re:
    CommandLine|re|i: 'ab+c'
  net:
    IpAddress|cidr: ['10.0.0.0/8', 'fe80::/10']
  ref:
    TargetUserName|fieldref: SubjectUserName
  condition: (sel and not net) or re or ref
)";

std::shared_ptr<const RuleSet> compile(bool triggers) {
  vigie::rules::Diagnostics diags;
  vigie::rules::LoadResult loaded = vigie::rules::load_rule_text(kRules, "fuzz.yml", diags);
  CompileOptions options;
  options.literal_triggers = triggers;
  auto rules = RuleSet::compile(std::move(loaded.rules), options, diags);
  if (diags.errors() != 0 || rules->size() != 5) std::abort();
  return rules;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::shared_ptr<const RuleSet> fast = compile(true);
  static const std::shared_ptr<const RuleSet> reference = compile(false);
  static JsonReader fast_reader(fast->fields(), ReaderOptions{.keep_unknown_fields = true});
  static JsonReader reference_reader(reference->fields(),
                                     ReaderOptions{.keep_unknown_fields = true});
  static Matcher fast_matcher(fast);
  static Matcher reference_matcher(reference);
  static Event fast_event;
  static Event reference_event;

  const std::string_view record(reinterpret_cast<const char*>(data), size);
  const bool ok = fast_reader.read(record, InputFormat::kAuto, fast_event).ok();
  if (ok != reference_reader.read(record, InputFormat::kAuto, reference_event).ok()) std::abort();
  if (!ok) return 0;
  auto got = fast_matcher.match(fast_event);
  const std::vector<std::uint32_t> fast_hits(got.begin(), got.end());
  auto want = reference_matcher.match(reference_event);
  if (fast_hits != std::vector<std::uint32_t>(want.begin(), want.end())) std::abort();
  return 0;
}
