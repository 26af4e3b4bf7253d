#include "match/load.h"

#include "rules/loader.h"
#include "rules/logsource_map.h"

namespace vigie::match {

LoadedRules load_rule_set(const RuleSources& sources) {
  LoadedRules out;
  CompileOptions options;
  for (const std::string& f : sources.logsource_map_files) {
    rules::load_logsource_map_file(f, options.logsource, out.diags);
  }
  if (!sources.placeholders_file.empty()) {
    rules::load_placeholders_file(sources.placeholders_file, options.placeholders, out.diags);
  }
  rules::LoadResult loaded = rules::load_rule_paths(sources.rule_paths, out.diags);
  out.files = loaded.files;
  options.extra_fields = rules::correlation_fields(loaded.correlations);
  options.extra_fields.insert(options.extra_fields.end(), sources.extra_fields.begin(),
                              sources.extra_fields.end());
  out.correlations = std::move(loaded.correlations);
  out.rules = RuleSet::compile(std::move(loaded.rules), options, out.diags);
  out.diags.sort();
  return out;
}

}  // namespace vigie::match
