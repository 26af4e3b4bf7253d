// The Sigma condition grammar (specification v2.1), as Vigie parses it:
//
//   condition   = or_expr ;
//   or_expr     = and_expr , { "or" , and_expr } ;
//   and_expr    = not_expr , { "and" , not_expr } ;
//   not_expr    = "not" , not_expr | quantified ;
//   quantified  = quantifier , "of" , target | primary ;
//   quantifier  = "1" | "any" | "all" | positive-integer ;
//   target      = "them" | pattern ;            (* pattern: identifier with '*' wildcards *)
//   primary     = "(" , or_expr , ")" | identifier ;
//   identifier  = ( letter | digit | "_" | "-" | "." )+ ;
//
// Precedence, lowest first: or, and, not, "x of", parentheses. Keywords are lowercase only, as in
// pySigma; an uppercase keyword is reported with a hint. `|` (the Sigma v1 aggregations
// `| count() by`, `| near`) is rejected and points to correlation rules. Nesting deeper than
// kMaxDepth is rejected (a malicious rule cannot overflow the stack).
#pragma once

#include <string>
#include <string_view>

#include "rules/diagnostics.h"
#include "rules/rule.h"

namespace vigie::rules {

inline constexpr int kMaxConditionDepth = 200;

// Parses `text`, the decoded condition scalar; `origin` maps its offsets to the file (token
// positions in diagnostics and in the ConditionNodes).
bool parse_condition_text(std::string_view text, const TextOrigin& origin, const std::string& file,
                          Condition& out, Diagnostics& diags);

}  // namespace vigie::rules
