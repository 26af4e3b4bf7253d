// One call from rule sources (paths, placeholder file, logsource map files) to a compiled RuleSet,
// with every diagnostic of every stage collected. Used by `vigie rules check`, `vigie hunt` and the
// stream processor, so that all of them accept and reject exactly the same rules.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "match/rule_set.h"
#include "rules/diagnostics.h"

namespace vigie::match {

struct RuleSources {
  std::vector<std::string> rule_paths;
  std::string placeholders_file;                 // empty: none
  std::vector<std::string> logsource_map_files;  // applied in order over the built-in map
  // Fields the caller reads from events besides what rules test (interned into the RuleSet's
  // FieldTable so that readers materialise them), e.g. the tenant field.
  std::vector<std::string> extra_fields;
};

struct LoadedRules {
  std::shared_ptr<const RuleSet> rules;  // never null; may hold zero rules
  // Correlation documents as parsed (syntax checked, references not resolved): the correlation
  // compiler takes them from here. The fields they read are interned in `rules`' FieldTable.
  std::vector<rules::Correlation> correlations;
  rules::Diagnostics diags;  // sorted by file, line, column
  std::size_t files = 0;     // rule files read
};

LoadedRules load_rule_set(const RuleSources& sources);

}  // namespace vigie::match
