// CorrelationSet: Sigma correlation rules resolved against a compiled RuleSet, ready to evaluate.
//
// Compilation resolves every `rules:` entry (by id or name) to a single-event rule of the RuleSet
// or to another correlation (chaining, any depth), orders correlations so that each one comes
// after those it consumes, resolves `group-by` and `condition.field` through `aliases` to a
// FieldId per referenced rule (or to a group-by position of a referenced correlation), and
// decides how each condition is evaluated. Problems are diagnostics with file:line:col:
//   unknown-rule-reference  a `rules` or alias entry names no loaded rule or correlation
//   correlation-cycle       a correlation reaches itself through its references
//   reference-has-errors    a correlation consumes a correlation that was dropped for errors
//   group-by-unavailable    a group-by name a referenced correlation does not group by
//   bad-condition           condition.field used with a referenced correlation (results carry
//                           group values only)
// A correlation with an error is dropped (and so is every correlation that consumes it).
//
// Immutable and thread-safe once built, like RuleSet; engines (engine.h) hold per-stream state.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "event/field_table.h"
#include "match/rule_set.h"
#include "rules/correlation.h"
#include "rules/diagnostics.h"

namespace vigie::correlate {

// Where a group-by or condition value comes from for one referenced rule.
struct ValueSource {
  static constexpr std::uint32_t kNone = ~0u;
  // Single-event rule: a field of the event. Correlation: a position in its group values.
  std::uint32_t index = kNone;
};

struct CorrelationInput {
  bool is_correlation = false;
  std::uint32_t index = 0;          // RuleSet rule index, or CorrelationSet index
  std::vector<ValueSource> group;   // one per group-by entry
  std::vector<ValueSource> fields;  // one per condition.field entry (value_* types)
};

// A condition as a range: lower/upper bounds and excluded values, all AND-ed.
struct Bounds {
  std::vector<rules::CorrelationBound> ops;
  bool holds(double v) const;
  // True when every comparison is gt/gte: the aggregate can only grow as events are added, so
  // the condition can be decided as soon as it holds.
  bool lower_bounds_only() const;
};

struct CompiledCorrelation {
  rules::Correlation rule;
  std::vector<CorrelationInput> inputs;  // in `rules` order
  Bounds condition;                      // temporal without condition: gte (number of inputs)
  // Decided as events arrive (gt/gte on event_count, value_count, temporal, temporal_ordered,
  // value_sum); otherwise decided when the watermark passes the end of a window.
  bool eager = false;
  // Items keep per-event payload (values, numbers, rule masks, chained references).
  bool needs_payload = false;
  // Whether this correlation's own results are reported (false when every correlation that
  // consumes it says generate: false).
  bool reported = true;
  // A stable key for snapshots: the id, else "name:" + name, else "title:" + title.
  std::string state_key;
};

class CorrelationSet {
 public:
  // Compiles `models` against `rules` (which must have interned every field the models read;
  // match::load_rule_set does). Correlations with errors are dropped and reported in `diags`.
  static std::shared_ptr<const CorrelationSet> compile(std::vector<rules::Correlation> models,
                                                       std::shared_ptr<const match::RuleSet> rules,
                                                       rules::Diagnostics& diags);

  std::size_t size() const { return items_.size(); }
  // In evaluation order: every correlation comes after the correlations it consumes.
  const CompiledCorrelation& at(std::uint32_t i) const { return items_[i]; }
  const match::RuleSet& rules() const { return *rules_; }
  const std::shared_ptr<const match::RuleSet>& rules_ptr() const { return rules_; }

  // (correlation, input) pairs that consume single-event rule `rule`.
  struct Consumer {
    std::uint32_t correlation;
    std::uint32_t input;
  };
  const std::vector<Consumer>& consumers_of_rule(std::uint32_t rule) const {
    return by_rule_[rule];
  }
  const std::vector<Consumer>& consumers_of_correlation(std::uint32_t c) const {
    return by_correlation_[c];
  }
  // Whether a match of single-event rule `rule` is reported on its own: false when correlations
  // consume it and all of them say generate: false.
  bool rule_reported(std::uint32_t rule) const { return rule_reported_[rule] != 0; }

 private:
  std::shared_ptr<const match::RuleSet> rules_;
  std::vector<CompiledCorrelation> items_;
  std::vector<std::vector<Consumer>> by_rule_;
  std::vector<std::vector<Consumer>> by_correlation_;
  std::vector<char> rule_reported_;
};

}  // namespace vigie::correlate
