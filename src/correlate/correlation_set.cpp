#include "correlate/correlation_set.h"

#include <algorithm>
#include <functional>
#include <unordered_map>

namespace vigie::correlate {
namespace {

using rules::CorrelationBound;
using rules::CorrelationType;

constexpr std::size_t kMaxInputs = 64;  // temporal items keep a 64-bit mask of matched inputs

struct Target {
  bool is_correlation = false;
  std::uint32_t index = 0;
  bool operator==(const Target&) const = default;
};

void error(rules::Diagnostics& diags, const std::string& file, rules::SourcePos pos,
           const char* code, std::string message) {
  diags.error(code, file, pos.line, pos.column, std::move(message));
}

std::string state_key(const rules::Correlation& c) {
  if (!c.id.empty()) return c.id;
  if (!c.name.empty()) return "name:" + c.name;
  return "title:" + c.title;
}

}  // namespace

bool Bounds::holds(double v) const {
  for (const CorrelationBound& b : ops) {
    bool ok = true;
    switch (b.op) {
      case CorrelationBound::Op::kGt:
        ok = v > b.value;
        break;
      case CorrelationBound::Op::kGte:
        ok = v >= b.value;
        break;
      case CorrelationBound::Op::kLt:
        ok = v < b.value;
        break;
      case CorrelationBound::Op::kLte:
        ok = v <= b.value;
        break;
      case CorrelationBound::Op::kEq:
        ok = v == b.value;
        break;
      case CorrelationBound::Op::kNeq:
        ok = v != b.value;
        break;
    }
    if (!ok) return false;
  }
  return true;
}

bool Bounds::lower_bounds_only() const {
  return std::all_of(ops.begin(), ops.end(), [](const CorrelationBound& b) {
    return b.op == CorrelationBound::Op::kGt || b.op == CorrelationBound::Op::kGte;
  });
}

std::shared_ptr<const CorrelationSet> CorrelationSet::compile(
    std::vector<rules::Correlation> models, std::shared_ptr<const match::RuleSet> rule_set,
    rules::Diagnostics& diags) {
  auto set = std::shared_ptr<CorrelationSet>(new CorrelationSet());
  set->rules_ = rule_set;
  const match::RuleSet& rs = *rule_set;

  // Names and ids of single-event rules and of correlations.
  std::unordered_map<std::string, Target> targets;
  for (std::uint32_t i = 0; i < rs.size(); ++i) {
    const rules::Rule& r = rs.rule(i);
    if (!r.id.empty()) targets.emplace(r.id, Target{false, i});
    if (!r.name.empty()) targets.emplace(r.name, Target{false, i});
  }
  for (std::uint32_t i = 0; i < models.size(); ++i) {
    if (!models[i].id.empty()) targets.emplace(models[i].id, Target{true, i});
    if (!models[i].name.empty()) targets.emplace(models[i].name, Target{true, i});
  }

  const std::size_t n = models.size();
  std::vector<std::vector<Target>> resolved(n);
  std::vector<char> bad(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const rules::Correlation& c = models[i];
    for (const rules::RuleReference& ref : c.rules) {
      auto it = targets.find(ref.ref);
      if (it == targets.end()) {
        error(diags, c.file, ref.pos, "unknown-rule-reference",
              "'" + ref.ref +
                  "' names no loaded rule or correlation (by id or name); a rule with errors is "
                  "not loaded");
        bad[i] = 1;
        continue;
      }
      resolved[i].push_back(it->second);
    }
    for (const rules::CorrelationAlias& a : c.aliases) {
      for (const auto& [ref, field] : a.fields) {
        if (!targets.contains(ref.ref)) {
          error(diags, c.file, ref.pos, "unknown-rule-reference",
                "alias '" + a.alias + "' names '" + ref.ref + "', which is no loaded rule");
          bad[i] = 1;
        }
      }
    }
    if (c.rules.size() > kMaxInputs) {
      error(diags, c.file, c.rules_pos, "bad-value",
            "a correlation may reference at most 64 rules");
      bad[i] = 1;
    }
  }

  // Cycles: strongly connected components (Tarjan). Every reference between two correlations of
  // one component, or to itself, closes a cycle and is reported where it is written.
  std::vector<std::size_t> index(n, 0), low(n, 0), component(n, n);
  std::vector<std::size_t> stack;
  std::vector<bool> on_stack(n, false);
  std::size_t counter = 1;
  std::function<void(std::size_t)> strongconnect = [&](std::size_t i) {
    index[i] = low[i] = counter++;
    stack.push_back(i);
    on_stack[i] = true;
    for (const Target& t : resolved[i]) {
      if (!t.is_correlation) continue;
      if (index[t.index] == 0) {
        strongconnect(t.index);
        low[i] = std::min(low[i], low[t.index]);
      } else if (on_stack[t.index]) {
        low[i] = std::min(low[i], index[t.index]);
      }
    }
    if (low[i] != index[i]) return;
    std::size_t member;
    do {
      member = stack.back();
      stack.pop_back();
      on_stack[member] = false;
      component[member] = i;
    } while (member != i);
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (index[i] == 0) strongconnect(i);
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < resolved[i].size(); ++k) {
      const Target& t = resolved[i][k];
      if (!t.is_correlation || component[t.index] != component[i]) continue;
      error(diags, models[i].file, models[i].rules[k].pos, "correlation-cycle",
            "'" + models[i].rules[k].ref + "' leads back to this correlation: references " +
                "must not form a cycle");
      bad[i] = 1;
    }
  }

  // Order: consumed before consumers. Drops spread to consumers.
  std::vector<std::uint32_t> order;
  std::vector<int> placed(n, -1);
  std::function<bool(std::size_t)> place = [&](std::size_t i) -> bool {
    if (placed[i] >= 0) return placed[i] == 1;
    placed[i] = 0;  // provisional: reached again only through a cycle, which is already reported
    bool ok = !bad[i];
    for (std::size_t k = 0; k < resolved[i].size(); ++k) {
      const Target& t = resolved[i][k];
      if (!t.is_correlation || place(t.index)) continue;
      if (!bad[i]) {
        error(diags, models[i].file, models[i].rules[k].pos, "reference-has-errors",
              "'" + models[i].rules[k].ref +
                  "' is a correlation with errors: this correlation cannot run either");
        bad[i] = 1;
      }
      ok = false;
    }
    if (ok) order.push_back(static_cast<std::uint32_t>(i));
    placed[i] = ok ? 1 : 2;
    return ok;
  };
  for (std::size_t i = 0; i < n; ++i) place(i);

  // Compile in order; correlations' indices in the set follow `order`.
  std::vector<std::uint32_t> set_index(n, ValueSource::kNone);
  for (std::uint32_t model : order) {
    rules::Correlation& c = models[model];
    CompiledCorrelation cc;
    bool ok = true;
    for (std::size_t k = 0; k < resolved[model].size(); ++k) {
      const Target& t = resolved[model][k];
      CorrelationInput in;
      in.is_correlation = t.is_correlation;
      in.index = t.is_correlation ? set_index[t.index] : t.index;
      const std::string& ref = c.rules[k].ref;
      // The field a name stands for in this input's events: an alias entry for this rule
      // (written as any of the rule's names), else the name itself.
      auto field_for = [&](const std::string& name) -> std::string {
        for (const rules::CorrelationAlias& a : c.aliases) {
          if (a.alias != name) continue;
          for (const auto& [aref, field] : a.fields) {
            auto it = targets.find(aref.ref);
            if (aref.ref == ref || (it != targets.end() && it->second == t)) return field;
          }
        }
        return name;
      };
      auto source_for = [&](const std::string& name, rules::SourcePos pos) -> ValueSource {
        std::string field = field_for(name);
        ValueSource src;
        if (!t.is_correlation) {
          if (auto id = rs.fields().find(field)) src.index = *id;
          return src;
        }
        const CompiledCorrelation& lower = set->items_[in.index];
        const auto& g = lower.rule.group_by;
        auto it = std::find(g.begin(), g.end(), field);
        if (it == g.end()) {
          error(diags, c.file, pos, "group-by-unavailable",
                "'" + ref + "' is a correlation that does not group by '" + field +
                    "': its results carry only its own group-by fields");
          ok = false;
        } else {
          src.index = static_cast<std::uint32_t>(it - g.begin());
        }
        return src;
      };
      for (std::size_t g = 0; g < c.group_by.size(); ++g) {
        in.group.push_back(source_for(c.group_by[g], c.group_by_pos[g]));
      }
      if (!c.fields.empty()) {
        if (t.is_correlation) {
          error(diags, c.file, c.field_pos, "bad-condition",
                "condition.field cannot be read from '" + ref +
                    "', a correlation: its results carry group values only");
          ok = false;
        } else {
          for (const std::string& f : c.fields) in.fields.push_back(source_for(f, c.field_pos));
        }
      }
      cc.inputs.push_back(std::move(in));
    }
    if (!ok) continue;
    cc.condition.ops = c.condition;
    bool temporal =
        c.type == CorrelationType::kTemporal || c.type == CorrelationType::kTemporalOrdered;
    if (temporal && cc.condition.ops.empty()) {
      CorrelationBound all;
      all.op = CorrelationBound::Op::kGte;
      all.value = static_cast<double>(c.rules.size());
      all.pos = c.rules_pos;
      cc.condition.ops.push_back(all);
    }
    bool monotone = c.type == CorrelationType::kEventCount ||
                    c.type == CorrelationType::kValueCount || temporal ||
                    c.type == CorrelationType::kValueSum;
    cc.eager = monotone && cc.condition.lower_bounds_only();
    cc.needs_payload = c.type != CorrelationType::kEventCount ||
                       std::any_of(cc.inputs.begin(), cc.inputs.end(),
                                   [](const CorrelationInput& in) { return in.is_correlation; });
    cc.state_key = state_key(c);
    cc.rule = std::move(c);
    set_index[model] = static_cast<std::uint32_t>(set->items_.size());
    set->items_.push_back(std::move(cc));
  }

  set->by_rule_.resize(rs.size());
  set->by_correlation_.resize(set->items_.size());
  set->rule_reported_.assign(rs.size(), 1);
  std::vector<char> rule_generated(rs.size(), 0), corr_generated(set->items_.size(), 0);
  for (std::uint32_t ci = 0; ci < set->items_.size(); ++ci) {
    const CompiledCorrelation& cc = set->items_[ci];
    for (std::uint32_t k = 0; k < cc.inputs.size(); ++k) {
      const CorrelationInput& in = cc.inputs[k];
      auto& consumers =
          in.is_correlation ? set->by_correlation_[in.index] : set->by_rule_[in.index];
      consumers.push_back({ci, k});
      if (cc.rule.generate) (in.is_correlation ? corr_generated : rule_generated)[in.index] = 1;
    }
  }
  for (std::uint32_t r = 0; r < rs.size(); ++r) {
    set->rule_reported_[r] = set->by_rule_[r].empty() || rule_generated[r];
  }
  for (std::uint32_t ci = 0; ci < set->items_.size(); ++ci) {
    set->items_[ci].reported = set->by_correlation_[ci].empty() || corr_generated[ci];
  }
  return set;
}

}  // namespace vigie::correlate
