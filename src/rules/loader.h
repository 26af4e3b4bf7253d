// Sigma rule loading: YAML files -> Rule models, with every problem collected as a Diagnostic.
//
// Loading never throws and never stops at the first problem: a file with errors yields the rules
// that are valid and a diagnostic (file:line:col, stable code) per problem. A rule with an error
// is not returned. Multi-document files (`---`) yield one rule per detection document.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rules/correlation.h"
#include "rules/diagnostics.h"
#include "rules/rule.h"

namespace vigie::rules {

using Placeholders = std::map<std::string, std::vector<std::string>>;

struct LoadResult {
  std::vector<Rule> rules;
  // Correlation documents, checked for syntax only: references are resolved by the correlation
  // compiler (correlate/correlation_set.h), which sees every loaded file.
  std::vector<Correlation> correlations;
  std::size_t files = 0;
};

// Loads files and directories (recursively, *.yml / *.yaml, in sorted path order).
LoadResult load_rule_paths(const std::vector<std::string>& paths, Diagnostics& diags);
// Loads one YAML text; `file` names it in diagnostics.
LoadResult load_rule_text(std::string_view yaml, const std::string& file, Diagnostics& diags);

// Whether identifier `name` is among those `1 of PATTERN` / `all of PATTERN` reach: `them` is
// every identifier not starting with '_'; a '*' pattern matches by glob, and reaches '_'
// identifiers only when the pattern itself starts with '_'.
bool in_quantifier(std::string_view pattern, std::string_view name);

// Placeholder file: a YAML map name -> list of values (or one scalar).
bool load_placeholders_file(const std::string& path, Placeholders& into, Diagnostics& diags);

// Parses a condition string; `base` is the position of its first character in the file.
// Errors go to `diags` (code "condition-syntax" etc.) and return false.
bool parse_condition(std::string_view text, SourcePos base, const std::string& file, Condition& out,
                     Diagnostics& diags);

}  // namespace vigie::rules
