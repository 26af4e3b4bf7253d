// libFuzzer target: arbitrary bytes as a Sigma rule file, through loading and compilation of its
// rules and correlations (references, chains, cycles). Nothing may crash, hang or leak; every
// problem must be a diagnostic.
#include <cstddef>
#include <cstdint>
#include <string>

#include "correlate/correlation_set.h"
#include "match/rule_set.h"
#include "rules/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  vigie::rules::Diagnostics diags;
  vigie::rules::LoadResult loaded = vigie::rules::load_rule_text(text, "fuzz.yml", diags);
  vigie::match::CompileOptions options;
  options.placeholders["p"] = {"a", "b*"};
  options.extra_fields = vigie::rules::correlation_fields(loaded.correlations);
  auto rules = vigie::match::RuleSet::compile(std::move(loaded.rules), options, diags);
  auto correlations =
      vigie::correlate::CorrelationSet::compile(std::move(loaded.correlations), rules, diags);
  (void)diags.render_text();
  (void)diags.render_json();
  return rules->size() + correlations->size() > 1000000 ? 1 : 0;
}
