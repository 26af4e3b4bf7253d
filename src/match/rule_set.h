// RuleSet: Sigma rules compiled for evaluation; Matcher: the per-thread evaluator.
//
// Compilation resolves modifiers, placeholders and logsources, interns every referenced field into
// one FieldTable (readers use it to materialise only those fields), shares identical predicates
// between rules, and builds one literal prefilter (Aho-Corasick) per field. A RuleSet is immutable
// and thread-safe once built; share it as shared_ptr<const RuleSet> (reload swaps the pointer).
// A Matcher holds per-event scratch: one per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "event/event.h"
#include "event/field_table.h"
#include "rules/diagnostics.h"
#include "rules/loader.h"
#include "rules/logsource_map.h"
#include "rules/rule.h"

namespace vigie::match {

struct CompileOptions {
  rules::Placeholders placeholders;
  rules::LogsourceMap logsource = rules::builtin_logsource_map();
  // Evaluate a rule only when one of the literals it needs was found in the event (the default).
  // false evaluates every rule of the event's logsource and EventID: the reference the tests
  // compare the fast path against. Results are the same either way.
  bool literal_triggers = true;
  // Fields to intern although no rule tests them, so that readers materialise them: what
  // correlation rules group by or aggregate, and the tenant field.
  std::vector<std::string> extra_fields;
};

struct RuleSetStats {
  std::size_t rules = 0;
  std::size_t atoms = 0;      // distinct predicates after sharing
  std::size_t atom_refs = 0;  // predicate uses before sharing
  std::size_t prefilter_needles = 0;
  std::size_t trigger_rules = 0;  // rule expressions evaluated only when one of their needles hits
  std::size_t fields = 0;
};

class RuleSetImpl;

class RuleSet {
 public:
  // Compiles `rules`; rules with errors are dropped and reported in `diags` (with file:line:col).
  static std::shared_ptr<const RuleSet> compile(std::vector<rules::Rule> rules,
                                                const CompileOptions& options,
                                                rules::Diagnostics& diags);
  ~RuleSet();

  const event::FieldTable& fields() const;
  // True when some rule searches keywords (every field value): readers must keep unknown fields.
  bool needs_all_fields() const;
  std::size_t size() const;
  const rules::Rule& rule(std::uint32_t index) const;
  RuleSetStats stats() const;

  const RuleSetImpl& impl() const { return *impl_; }

 private:
  explicit RuleSet(std::unique_ptr<RuleSetImpl> impl);
  std::unique_ptr<RuleSetImpl> impl_;
};

class MatcherScratch;

class Matcher {
 public:
  explicit Matcher(std::shared_ptr<const RuleSet> rules);
  ~Matcher();
  Matcher(Matcher&&) noexcept;
  Matcher& operator=(Matcher&&) noexcept;

  // Evaluates every rule whose logsource the event belongs to. Returns the indices of the rules
  // that match, ascending; the span is valid until the next call. Never fails: a missing field is
  // "no match", not an error.
  std::span<const std::uint32_t> match(const event::Event& e);

  const RuleSet& rules() const { return *rules_; }

 private:
  std::shared_ptr<const RuleSet> rules_;
  std::unique_ptr<MatcherScratch> scratch_;
};

}  // namespace vigie::match
