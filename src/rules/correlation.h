// The Sigma correlation rule model (specification v2.1 "correlation" documents), as parsed.
//
// The loader (loader.h) fills these from YAML documents that have a `correlation` key; the
// correlation compiler (correlate/correlation_set.h) resolves the references against the loaded
// rules and builds the evaluator. Like rules::Rule, nothing here is evaluated and every part keeps
// its source position so that later stages report problems at file:line:col.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "rules/text_origin.h"

namespace vigie::rules {

enum class CorrelationType {
  kEventCount,       // events per group
  kValueCount,       // distinct values of condition.field per group
  kTemporal,         // referenced rules that matched, any order
  kTemporalOrdered,  // referenced rules that matched in the order listed
  kValueSum,         // sum of the numeric condition.field
  kValueAvg,         // mean of the numeric condition.field
  kValuePercentile,  // condition.percentile-th percentile of the numeric condition.field
};

// The YAML spelling: "event_count", "value_count", ...
const char* correlation_type_name(CorrelationType t);

// One comparison of `condition`; several are AND-ed into a range.
struct CorrelationBound {
  enum class Op { kGt, kGte, kLt, kLte, kEq, kNeq };
  Op op = Op::kGte;
  double value = 0;
  SourcePos pos;  // the value
};

// A rule named in `rules:` or in an alias, by id or by name, as written.
struct RuleReference {
  std::string ref;
  SourcePos pos;
};

// `aliases: {alias: {rule_ref: field, ...}}`: the field `alias` stands for in each rule's events.
struct CorrelationAlias {
  std::string alias;
  SourcePos pos;
  std::vector<std::pair<RuleReference, std::string>> fields;
};

struct Correlation {
  std::string file;
  SourcePos pos;  // start of the YAML document
  std::string id, name, title, status, level, description, author, date, modified, license;
  std::vector<std::string> tags, references, falsepositives;

  CorrelationType type = CorrelationType::kEventCount;
  SourcePos type_pos;
  std::vector<RuleReference> rules;
  SourcePos rules_pos;
  std::vector<std::string> group_by;  // empty: one group (per tenant)
  std::vector<SourcePos> group_by_pos;
  std::int64_t timespan_ms = 0;
  SourcePos timespan_pos;
  std::vector<CorrelationBound> condition;  // empty only for temporal types (= all rules)
  SourcePos condition_pos;
  // condition.field: one field for the value_* types; value_count also accepts a list (distinct
  // tuples). Empty for the other types.
  std::vector<std::string> fields;
  SourcePos field_pos;
  double percentile = 0;  // value_percentile: condition.percentile, 0-100
  SourcePos percentile_pos;
  std::vector<CorrelationAlias> aliases;
  // Whether the referenced rules also alert on their own (top-level `generate`; default false).
  bool generate = false;
  std::map<std::string, std::string> custom;
};

// Every event field the correlations read (group-by names, condition fields, alias targets), for
// the rule compiler to intern so that readers materialise them. May repeat a name.
std::vector<std::string> correlation_fields(const std::vector<Correlation>& correlations);

}  // namespace vigie::rules
