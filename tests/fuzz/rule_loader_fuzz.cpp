// libFuzzer target: arbitrary bytes as a Sigma rule file, through loading and compilation.
// Nothing may crash, hang or leak; every problem must be a diagnostic.
#include <cstddef>
#include <cstdint>
#include <string>

#include "match/rule_set.h"
#include "rules/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  vigie::rules::Diagnostics diags;
  vigie::rules::LoadResult loaded = vigie::rules::load_rule_text(text, "fuzz.yml", diags);
  vigie::match::CompileOptions options;
  options.placeholders["p"] = {"a", "b*"};
  auto rules = vigie::match::RuleSet::compile(std::move(loaded.rules), options, diags);
  (void)diags.render_text();
  (void)diags.render_json();
  return rules->size() > 1000000 ? 1 : 0;
}
