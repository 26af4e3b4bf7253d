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
};

struct LoadedRules {
  std::shared_ptr<const RuleSet> rules;  // never null; may hold zero rules
  rules::Diagnostics diags;              // sorted by file, line, column
  std::size_t files = 0;                 // rule files read
};

LoadedRules load_rule_set(const RuleSources& sources);

}  // namespace vigie::match
