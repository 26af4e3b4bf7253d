#include "rules/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>

#include "rules/condition_parser.h"

namespace vigie::rules {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxRuleFileBytes = 4 << 20;

// Keys a Sigma detection rule may have at top level (specification v2.1 + correlation/filter
// documents, which are recognised here and handled by their own loaders).
const std::set<std::string, std::less<>> kKnownKeys = {
    "title",     "id",         "name",        "related",
    "taxonomy",  "status",     "description", "license",
    "author",    "references", "date",        "modified",
    "logsource", "detection",  "fields",      "falsepositives",
    "level",     "tags",       "scope",       "correlation",
    "filter",    "generate",   "simulation",  "regression_tests_path"};

// A YAML document of a file, with the line where it starts.
struct DocumentText {
  std::string text;
  int first_line = 1;  // 1-based line of the document's first line in the file
};

// Splits a multi-document YAML stream at `---` / `...` markers so that a syntax error in one
// document does not hide the others. Markers are only recognised at column 1, which is where
// YAML requires them.
std::vector<DocumentText> split_documents(std::string_view yaml) {
  std::vector<DocumentText> docs;
  DocumentText cur;
  int line = 1;
  std::size_t pos = 0;
  auto is_marker = [](std::string_view l, std::string_view m) {
    return l.substr(0, 3) == m && (l.size() == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r');
  };
  while (pos <= yaml.size()) {
    std::size_t end = yaml.find('\n', pos);
    if (end == std::string_view::npos) end = yaml.size();
    std::string_view l = yaml.substr(pos, end - pos);
    if (is_marker(l, "---") || is_marker(l, "...")) {
      if (!cur.text.empty()) docs.push_back(std::move(cur));
      cur = DocumentText{};
      cur.first_line = line + 1;
      // Content after "--- " on the same line belongs to the next document; keep its line.
      if (l.size() > 4 && l[0] == '-') {
        std::string_view rest = l.substr(4);
        if (rest.find_first_not_of(" \t\r") != std::string_view::npos && rest[0] != '#') {
          cur.first_line = line;
          cur.text.append(4, ' ');
          cur.text.append(rest);
          cur.text.push_back('\n');
        }
      }
    } else {
      cur.text.append(l);
      cur.text.push_back('\n');
    }
    if (end == yaml.size()) break;
    pos = end + 1;
    ++line;
  }
  docs.push_back(std::move(cur));
  std::erase_if(docs, [](const DocumentText& d) {
    return d.text.find_first_not_of(" \t\r\n") == std::string::npos ||
           std::all_of(d.text.begin(), d.text.end(),
                       [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
  });
  return docs;
}

class DocumentLoader {
 public:
  DocumentLoader(const std::string& file, const DocumentText& doc, Diagnostics& diags)
      : file_(file), doc_(doc), diags_(diags) {
    std::size_t start = 0;
    while (start <= doc.text.size()) {
      std::size_t end = doc.text.find('\n', start);
      if (end == std::string::npos) end = doc.text.size();
      lines_.emplace_back(std::string_view(doc.text).substr(start, end - start));
      if (end == doc.text.size()) break;
      start = end + 1;
    }
  }

  // Loads the document into `out`: a detection rule into `out.rules`, a correlation into
  // `out.correlations`. A document with an error is reported and not added.
  void load(const YAML::Node& root, LoadResult& out) {
    if (!root.IsMap()) {
      error("not-a-rule", root, "a Sigma rule document must be a YAML map");
      return;
    }
    if (std::optional<YAML::Node> correlation_key = key_node(root, "correlation")) {
      if (root["detection"]) {
        error("bad-correlation", *correlation_key,
              "a document is either a rule (detection) or a correlation, not both");
        return;
      }
      if (auto c = load_correlation(root)) out.correlations.push_back(std::move(*c));
      return;
    }
    if (root["filter"] && !root["detection"]) {
      warning("filter-unsupported", root["filter"],
              "Sigma filter documents are not supported yet; the document is skipped");
      return;
    }
    if (auto rule = load_rule(root)) out.rules.push_back(std::move(*rule));
  }

 private:
  // Returns the rule if the document is a valid detection rule.
  std::optional<Rule> load_rule(const YAML::Node& root) {
    Rule rule;
    rule.file = file_;
    rule.pos = pos_of(root);
    errors_before_ = diags_.errors();

    load_metadata(root, rule);
    rule.fields = string_list(root, "fields");
    load_related(root, rule);
    check_metadata(root, rule, "rule");

    YAML::Node logsource = root["logsource"];
    if (!logsource) {
      error("missing-required-key", root, "missing required key 'logsource'");
    } else if (!logsource.IsMap()) {
      error("bad-logsource", logsource, "'logsource' must be a map of product/service/category");
    } else {
      rule.logsource_pos = pos_of(logsource);
      rule.product = lower(string_key(logsource, "product", false));
      rule.service = lower(string_key(logsource, "service", false));
      rule.category = lower(string_key(logsource, "category", false));
    }

    YAML::Node detection = root["detection"];
    if (!detection) {
      error("missing-required-key", root, "missing required key 'detection'");
    } else {
      load_detection(detection, rule.detection);
    }
    if (diags_.errors() > errors_before_) return std::nullopt;
    return rule;
  }

  // A key of a map and its value, as written.
  struct Entry {
    YAML::Node key;
    YAML::Node value;
  };

  // The first entry of `map` whose key is `key` (yaml-cpp keeps later duplicates; they are
  // reported as duplicate-key and ignored).
  static std::optional<Entry> entry(const YAML::Node& map, std::string_view key) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == key) return Entry{it->first, it->second};
    }
    return std::nullopt;
  }

  static std::optional<YAML::Node> key_node(const YAML::Node& map, std::string_view key) {
    if (auto e = entry(map, key)) return e->key;
    return std::nullopt;
  }

  // Reports a required key of `map` (named `where` in the message) that is absent (at the map)
  // or has no value (at the key).
  void missing(const YAML::Node& map, const std::optional<Entry>& e, const std::string& key,
               const char* where) {
    if (e) {
      error("missing-required-key", e->key,
            "required key '" + key + "' in '" + where + "' has no value");
    } else {
      error("missing-required-key", map, "missing required key '" + key + "' in '" + where + "'");
    }
  }

  static bool is_temporal(CorrelationType t) {
    return t == CorrelationType::kTemporal || t == CorrelationType::kTemporalOrdered;
  }
  // Types whose condition compares a count of events, values or rules: a whole number >= 0.
  static bool counts(CorrelationType t) {
    return t == CorrelationType::kEventCount || t == CorrelationType::kValueCount || is_temporal(t);
  }
  // Types whose condition aggregates `condition.field`.
  static bool needs_field(CorrelationType t) {
    return t == CorrelationType::kValueCount || t == CorrelationType::kValueSum ||
           t == CorrelationType::kValueAvg || t == CorrelationType::kValuePercentile;
  }

  static std::optional<CorrelationType> correlation_type_of(std::string_view s) {
    for (CorrelationType t :
         {CorrelationType::kEventCount, CorrelationType::kValueCount, CorrelationType::kTemporal,
          CorrelationType::kTemporalOrdered, CorrelationType::kValueSum, CorrelationType::kValueAvg,
          CorrelationType::kValuePercentile}) {
      if (s == correlation_type_name(t)) return t;
    }
    return std::nullopt;
  }

  // `<positive integer><s|m|h|d>` in milliseconds, at most 366 days; 0 when malformed.
  static std::int64_t timespan_ms_of(std::string_view s) {
    constexpr std::int64_t kMaxMs = std::int64_t{366} * 24 * 3600 * 1000;
    if (s.size() < 2 || s.size() > 12) return 0;
    std::int64_t unit_ms = 0;
    switch (s.back()) {
      case 's':
        unit_ms = 1000;
        break;
      case 'm':
        unit_ms = 60 * 1000;
        break;
      case 'h':
        unit_ms = 3600 * 1000;
        break;
      case 'd':
        unit_ms = 24 * 3600 * 1000;
        break;
      default:
        return 0;
    }
    std::int64_t n = 0;
    for (char ch : s.substr(0, s.size() - 1)) {
      if (ch < '0' || ch > '9') return 0;
      n = n * 10 + (ch - '0');  // at most 11 digits: no overflow
    }
    if (n == 0 || n > kMaxMs / unit_ms) return 0;
    return n * unit_ms;
  }

  // A plain (unquoted) YAML integer or decimal number.
  std::optional<double> number_of(const YAML::Node& n) const {
    if (!n.IsScalar()) return std::nullopt;
    RuleValue v = value_of(n);
    if (v.type != RuleValue::Type::kInt && v.type != RuleValue::Type::kFloat) return std::nullopt;
    std::string_view text = v.text;
    if (!text.empty() && text[0] == '+') text.remove_prefix(1);
    double out = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return out;
  }

  // `generate` of `map`, if present and a boolean.
  std::optional<bool> load_generate(const YAML::Node& map) {
    std::optional<Entry> e = entry(map, "generate");
    if (!e || e->value.IsNull()) return std::nullopt;
    if (e->value.IsScalar()) {
      RuleValue v = value_of(e->value);
      if (v.type == RuleValue::Type::kBool) return v.text[0] == 't' || v.text[0] == 'T';
    }
    error("bad-value-type", e->value, "'generate' must be true or false");
    return std::nullopt;
  }

  // Returns the correlation if the document is a valid correlation rule.
  std::optional<Correlation> load_correlation(const YAML::Node& root) {
    Correlation c;
    c.file = file_;
    c.pos = pos_of(root);
    errors_before_ = diags_.errors();

    load_metadata(root, c);
    check_metadata(root, c, "correlation");
    std::optional<bool> generate = load_generate(root);

    Entry body = *entry(root, "correlation");
    if (body.value.IsNull()) {
      error("missing-required-key", body.key, "required key 'correlation' has no value");
    } else if (!body.value.IsMap()) {
      error("bad-value-type", body.value,
            "'correlation' must be a map of type, rules, group-by, timespan, condition and "
            "aliases");
    } else {
      // The specification puts `generate` at top level; some tools write it in the correlation.
      std::optional<bool> inner = load_generate(body.value);
      if (!generate) generate = inner;
      load_correlation_body(body.value, c);
    }
    c.generate = generate.value_or(false);
    if (diags_.errors() > errors_before_) return std::nullopt;
    return c;
  }

  void load_correlation_body(const YAML::Node& body, Correlation& c) {
    static const std::set<std::string, std::less<>> kCorrelationKeys = {
        "type", "rules", "group-by", "timespan", "condition", "aliases", "generate"};
    std::set<std::string> seen;
    for (auto it = body.begin(); it != body.end(); ++it) {
      std::string key = scalar_or_empty(it->first);
      if (!seen.insert(key).second) {
        warning("duplicate-key", it->first, "key '" + key + "' appears twice; the first is used");
      } else if (!kCorrelationKeys.contains(key)) {
        warning("unknown-key", it->first,
                "key '" + key +
                    "' is not a correlation key (type, rules, group-by, timespan, condition, "
                    "aliases, generate) and is ignored");
      }
    }

    bool type_ok = false;
    std::optional<Entry> type = entry(body, "type");
    if (!type || type->value.IsNull()) {
      missing(body, type, "type", "correlation");
    } else {
      c.type_pos = pos_of(type->value);
      std::optional<CorrelationType> t;
      if (type->value.IsScalar()) t = correlation_type_of(type->value.Scalar());
      if (t) {
        c.type = *t;
        type_ok = true;
      } else {
        error("bad-correlation-type", type->value,
              "'type' must be one of event_count, value_count, temporal, temporal_ordered, "
              "value_sum, value_avg, value_percentile");
      }
    }

    bool rules_ok = load_references(body, c);
    load_group_by(body, c);

    std::optional<Entry> timespan = entry(body, "timespan");
    if (!timespan || timespan->value.IsNull()) {
      missing(body, timespan, "timespan", "correlation");
    } else {
      c.timespan_pos = pos_of(timespan->value);
      if (timespan->value.IsScalar()) c.timespan_ms = timespan_ms_of(timespan->value.Scalar());
      if (c.timespan_ms == 0) {
        error("bad-timespan", timespan->value,
              "'timespan' must be a positive whole number followed by s, m, h or d (e.g. 30s, "
              "5m, 1h, 2d), at most 366 days");
      }
    }

    std::optional<Entry> condition = entry(body, "condition");
    if (!condition || condition->value.IsNull()) {
      // Temporal types without a condition need every referenced rule.
      if (!type_ok || !is_temporal(c.type)) missing(body, condition, "condition", "correlation");
    } else {
      load_correlation_condition(condition->value, c, type_ok);
    }

    std::optional<Entry> aliases = entry(body, "aliases");
    if (aliases && !aliases->value.IsNull()) load_aliases(aliases->value, c, rules_ok);

    if (type_ok && rules_ok && is_temporal(c.type) && c.rules.size() < 2) {
      warning("temporal-single-rule", entry(body, "rules")->value,
              std::string("a ") + correlation_type_name(c.type) +
                  " correlation relates several rules; 'rules' names only one");
    }
  }

  // `rules`: one reference or a non-empty list of them. Returns whether it is well-formed.
  bool load_references(const YAML::Node& body, Correlation& c) {
    std::optional<Entry> e = entry(body, "rules");
    if (!e || e->value.IsNull()) {
      missing(body, e, "rules", "correlation");
      return false;
    }
    const YAML::Node n = e->value;
    c.rules_pos = pos_of(n);
    const char* shape = "'rules' must be a non-empty list of rule ids or names";
    std::vector<YAML::Node> items;
    if (n.IsScalar()) {
      items.push_back(n);
    } else if (n.IsSequence() && n.size() > 0) {
      for (const auto& item : n) items.push_back(item);
    } else {
      error("bad-value-type", n, shape);
      return false;
    }
    bool ok = true;
    std::set<std::string> seen;
    for (const YAML::Node& item : items) {
      if (!item.IsScalar() || item.Scalar().empty()) {
        error("bad-value-type", item, shape);
        ok = false;
        continue;
      }
      if (!seen.insert(item.Scalar()).second) {
        warning("duplicate-reference", item,
                "rule '" + item.Scalar() + "' is listed twice in 'rules'; the second is ignored");
        continue;
      }
      c.rules.push_back({item.Scalar(), pos_of(item)});
    }
    return ok;
  }

  // `group-by`: one field or a list of fields; absent means one group.
  void load_group_by(const YAML::Node& body, Correlation& c) {
    std::optional<Entry> e = entry(body, "group-by");
    if (!e || e->value.IsNull()) return;
    const YAML::Node n = e->value;
    const char* shape = "'group-by' must be a field name or a list of field names";
    std::vector<YAML::Node> items;
    if (n.IsScalar()) {
      items.push_back(n);
    } else if (n.IsSequence()) {
      for (const auto& item : n) items.push_back(item);
    } else {
      error("bad-value-type", n, shape);
      return;
    }
    for (const YAML::Node& item : items) {
      if (!item.IsScalar() || item.Scalar().empty()) {
        error("bad-value-type", item, shape);
        continue;
      }
      if (std::find(c.group_by.begin(), c.group_by.end(), item.Scalar()) != c.group_by.end()) {
        warning(
            "duplicate-key", item,
            "field '" + item.Scalar() + "' is listed twice in 'group-by'; the second is ignored");
        continue;
      }
      c.group_by.push_back(item.Scalar());
      c.group_by_pos.push_back(pos_of(item));
    }
  }

  // `condition`: comparison operators AND-ed into a range, `field`, `percentile`.
  void load_correlation_condition(const YAML::Node& n, Correlation& c, bool type_ok) {
    static const std::map<std::string, CorrelationBound::Op, std::less<>> kOps = {
        {"gt", CorrelationBound::Op::kGt}, {"gte", CorrelationBound::Op::kGte},
        {"lt", CorrelationBound::Op::kLt}, {"lte", CorrelationBound::Op::kLte},
        {"eq", CorrelationBound::Op::kEq}, {"neq", CorrelationBound::Op::kNeq}};
    c.condition_pos = pos_of(n);
    if (!n.IsMap()) {
      error("bad-condition", n,
            "'condition' must be a map of gt, gte, lt, lte, eq, neq, field and percentile");
      return;
    }
    std::optional<YAML::Node> field_key, percentile_key;
    std::set<std::string> seen;
    for (auto it = n.begin(); it != n.end(); ++it) {
      std::string key = scalar_or_empty(it->first);
      if (!seen.insert(key).second) {
        warning("duplicate-key", it->first,
                "key '" + key + "' appears twice in 'condition'; the first is used");
        continue;
      }
      const YAML::Node value = it->second;
      if (auto op = kOps.find(key); op != kOps.end()) {
        std::optional<double> v = number_of(value);
        if (!v) {
          error("bad-condition", value.IsNull() ? it->first : value,
                "'" + key + "' in 'condition' must be a number");
          continue;
        }
        c.condition.push_back({op->second, *v, pos_of(value)});
      } else if (key == "field") {
        field_key = it->first;
        load_condition_field(it->first, value, c, type_ok);
      } else if (key == "percentile") {
        percentile_key = it->first;
        if (type_ok && c.type != CorrelationType::kValuePercentile) {
          error("bad-condition", it->first,
                "'percentile' in 'condition' is only for value_percentile correlations");
          continue;
        }
        std::optional<double> v = number_of(value);
        if (!v || *v < 0 || *v > 100) {
          error("bad-condition", value.IsNull() ? it->first : value,
                "'percentile' in 'condition' must be a number from 0 to 100");
          continue;
        }
        c.percentile = *v;
        c.percentile_pos = pos_of(value);
      } else {
        error("bad-condition", it->first,
              "'condition' accepts only the keys gt, gte, lt, lte, eq, neq, field and "
              "percentile");
      }
    }
    if (!type_ok) return;
    if (needs_field(c.type) && !field_key) {
      error("missing-required-key", n,
            std::string("missing required key 'field' in 'condition': a ") +
                correlation_type_name(c.type) + " correlation aggregates a field");
    }
    if (c.type == CorrelationType::kValuePercentile && !percentile_key) {
      error("missing-required-key", n,
            "missing required key 'percentile' in 'condition' of a value_percentile correlation");
    }
    bool has_op = std::any_of(seen.begin(), seen.end(),
                              [&](const std::string& k) { return kOps.contains(k); });
    if (!is_temporal(c.type) && !has_op) {
      error("bad-condition", n,
            "'condition' needs at least one of gt, gte, lt, lte, eq, neq to compare against");
    }
    check_range(c);
  }

  void load_condition_field(const YAML::Node& key, const YAML::Node& value, Correlation& c,
                            bool type_ok) {
    if (type_ok && !needs_field(c.type)) {
      error("bad-condition", key,
            std::string("'field' in 'condition' does not apply to ") +
                correlation_type_name(c.type) + " correlations: they count events or rules");
      return;
    }
    c.field_pos = pos_of(value);
    if (value.IsScalar() && !value.Scalar().empty()) {
      c.fields.push_back(value.Scalar());
      return;
    }
    if (value.IsSequence() && value.size() > 0) {
      if (type_ok && c.type != CorrelationType::kValueCount) {
        error("bad-condition", value,
              "'field' in 'condition' must be one field name; only value_count accepts a list");
        return;
      }
      for (const auto& item : value) {
        if (!item.IsScalar() || item.Scalar().empty()) {
          error("bad-condition", item, "'field' in 'condition' must list field names");
          return;
        }
        c.fields.push_back(item.Scalar());
      }
      return;
    }
    error("bad-condition", value.IsNull() ? key : value,
          "'field' in 'condition' must be a field name");
  }

  // Warns when the AND of the bounds excludes every value: the first bound (in document order)
  // that empties the range is reported. Counts are whole numbers >= 0, and a temporal count is
  // at most the number of rules.
  void check_range(const Correlation& c) {
    using Op = CorrelationBound::Op;
    const bool whole = counts(c.type);
    double lo = whole ? 0 : -std::numeric_limits<double>::infinity();
    double hi = std::numeric_limits<double>::infinity();
    bool lo_open = false, hi_open = false;
    if (is_temporal(c.type) && !c.rules.empty()) hi = static_cast<double>(c.rules.size());
    auto raise_lo = [&](double v, bool open) {
      if (v > lo || (v == lo && open)) {
        lo = v;
        lo_open = open;
      }
    };
    auto lower_hi = [&](double v, bool open) {
      if (v < hi || (v == hi && open)) {
        hi = v;
        hi_open = open;
      }
    };
    for (const CorrelationBound& b : c.condition) {
      double v = b.value;
      bool never = false;
      switch (b.op) {
        case Op::kGt:
          whole ? raise_lo(std::floor(v) + 1, false) : raise_lo(v, true);
          break;
        case Op::kGte:
          whole ? raise_lo(std::ceil(v), false) : raise_lo(v, false);
          break;
        case Op::kLt:
          whole ? lower_hi(std::ceil(v) - 1, false) : lower_hi(v, true);
          break;
        case Op::kLte:
          whole ? lower_hi(std::floor(v), false) : lower_hi(v, false);
          break;
        case Op::kEq:
          never = whole && v != std::floor(v);
          raise_lo(v, false);
          lower_hi(v, false);
          break;
        case Op::kNeq:
          break;
      }
      if (never || lo > hi || (lo == hi && (lo_open || hi_open))) {
        std::string why;
        if (is_temporal(c.type)) {
          why = " (it counts matched rules: a whole number from 0 to the number of rules)";
        } else if (whole) {
          why = " (a count is a whole number from 0)";
        }
        diags_.warning("condition-never-holds", file_, b.pos.line, b.pos.column,
                       "'condition' can never hold: this bound excludes every value the other "
                       "bounds allow" +
                           why);
        return;
      }
    }
    if (lo == hi) {
      for (const CorrelationBound& b : c.condition) {
        if (b.op == Op::kNeq && b.value == lo) {
          diags_.warning("condition-never-holds", file_, b.pos.line, b.pos.column,
                         "'condition' can never hold: 'neq' excludes the only value the other "
                         "bounds allow");
          return;
        }
      }
    }
  }

  // `aliases: {alias: {rule_ref: field}}`. A reference must be one of `rules` as written (when
  // `rules` itself is well-formed); an alias no `group-by` entry uses is reported.
  void load_aliases(const YAML::Node& n, Correlation& c, bool rules_ok) {
    const char* shape = "'aliases' must map each alias to a map of rule reference -> field name";
    if (!n.IsMap()) {
      error("bad-value-type", n, shape);
      return;
    }
    std::set<std::string> seen;
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (!it->first.IsScalar() || it->first.Scalar().empty()) {
        error("bad-value-type", it->first, shape);
        continue;
      }
      CorrelationAlias alias;
      alias.alias = it->first.Scalar();
      alias.pos = pos_of(it->first);
      if (!seen.insert(alias.alias).second) {
        warning("duplicate-key", it->first,
                "alias '" + alias.alias + "' is defined twice; the first is used");
        continue;
      }
      const YAML::Node map = it->second;
      if (!map.IsMap() || map.size() == 0) {
        error("bad-value-type", map.IsNull() ? it->first : map, shape);
        continue;
      }
      for (auto f = map.begin(); f != map.end(); ++f) {
        if (!f->first.IsScalar() || f->first.Scalar().empty()) {
          error("bad-value-type", f->first, shape);
          continue;
        }
        if (!f->second.IsScalar() || f->second.Scalar().empty()) {
          error("bad-value-type", f->second.IsNull() ? f->first : f->second,
                "alias '" + alias.alias + "' must give a field name for each rule reference");
          continue;
        }
        RuleReference ref{f->first.Scalar(), pos_of(f->first)};
        if (rules_ok && std::none_of(c.rules.begin(), c.rules.end(),
                                     [&](const RuleReference& r) { return r.ref == ref.ref; })) {
          error("bad-alias", f->first,
                "alias '" + alias.alias + "' names rule '" + ref.ref +
                    "', which is not one of the correlation's 'rules'");
        }
        alias.fields.emplace_back(std::move(ref), f->second.Scalar());
      }
      if (std::find(c.group_by.begin(), c.group_by.end(), alias.alias) == c.group_by.end()) {
        warning("unused-alias", it->first,
                "alias '" + alias.alias + "' is not used by 'group-by' and has no effect");
      }
      c.aliases.push_back(std::move(alias));
    }
  }

  SourcePos pos_of(const YAML::Node& n) const {
    YAML::Mark m = n.Mark();
    if (m.line < 0) return {doc_.first_line, 1};
    return {doc_.first_line + m.line, m.column + 1};
  }

  void error(const char* code, const YAML::Node& at, std::string message) {
    SourcePos p = pos_of(at);
    diags_.error(code, file_, p.line, p.column, std::move(message));
  }
  void warning(const char* code, const YAML::Node& at, std::string message) {
    SourcePos p = pos_of(at);
    diags_.warning(code, file_, p.line, p.column, std::move(message));
  }

  static std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  static std::string scalar_or_empty(const YAML::Node& n) {
    return n.IsScalar() ? n.Scalar() : std::string();
  }

  std::string string_key(const YAML::Node& map, const char* key, bool required) {
    YAML::Node n = map[key];
    if (!n || n.IsNull()) {
      if (required)
        error("missing-required-key", map, std::string("missing required key '") + key + "'");
      return {};
    }
    if (!n.IsScalar()) {
      error("bad-value-type", n, std::string("'") + key + "' must be a string");
      return {};
    }
    return n.Scalar();
  }

  std::vector<std::string> string_list(const YAML::Node& map, const char* key) {
    std::vector<std::string> out;
    YAML::Node n = map[key];
    if (!n || n.IsNull()) return out;
    if (n.IsScalar()) {
      out.push_back(n.Scalar());
      return out;
    }
    if (!n.IsSequence()) {
      error("bad-value-type", n, std::string("'") + key + "' must be a list of strings");
      return out;
    }
    for (const auto& e : n) {
      if (e.IsScalar())
        out.push_back(e.Scalar());
      else if (!e.IsNull())
        error("bad-value-type", e, std::string("'") + key + "' items must be strings");
    }
    return out;
  }

  void load_related(const YAML::Node& root, Rule& rule) {
    YAML::Node n = root["related"];
    if (!n || n.IsNull()) return;
    if (!n.IsSequence()) {
      error("bad-value-type", n, "'related' must be a list of {id, type}");
      return;
    }
    for (const auto& e : n) {
      if (!e.IsMap()) {
        error("bad-value-type", e, "'related' items must be maps with 'id' and 'type'");
        continue;
      }
      rule.related.push_back({string_key(e, "id", true), string_key(e, "type", true)});
    }
  }

  static bool is_uuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (s[i] != '-') return false;
      } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
        return false;
      }
    }
    return true;
  }

  // The keys rules and correlations share: duplicate top-level keys, custom scalar keys, the
  // descriptive strings and lists. `Doc` is Rule or Correlation.
  template <typename Doc>
  void load_metadata(const YAML::Node& root, Doc& doc) {
    std::set<std::string> seen;
    for (auto it = root.begin(); it != root.end(); ++it) {
      std::string key = scalar_or_empty(it->first);
      if (!seen.insert(key).second) {
        warning("duplicate-key", it->first, "key '" + key + "' appears twice; the first is used");
      }
      if (!kKnownKeys.contains(key)) {
        if (it->second.IsScalar()) doc.custom[key] = it->second.Scalar();
      }
    }
    doc.title = string_key(root, "title", true);
    doc.id = string_key(root, "id", false);
    doc.name = string_key(root, "name", false);
    doc.status = string_key(root, "status", false);
    doc.level = string_key(root, "level", false);
    doc.description = string_key(root, "description", false);
    doc.author = string_key(root, "author", false);
    doc.date = string_key(root, "date", false);
    doc.modified = string_key(root, "modified", false);
    doc.license = string_key(root, "license", false);
    doc.tags = string_list(root, "tags");
    doc.references = string_list(root, "references");
    doc.falsepositives = string_list(root, "falsepositives");
  }

  // Level, status and id checks; `kind` ("rule", "correlation") names the document in messages.
  template <typename Doc>
  void check_metadata(const YAML::Node& root, const Doc& doc, const char* kind) {
    static const std::set<std::string, std::less<>> kLevels = {"informational", "low", "medium",
                                                               "high", "critical"};
    static const std::set<std::string, std::less<>> kStatus = {"stable", "test", "experimental",
                                                               "deprecated", "unsupported"};
    if (!doc.level.empty() && !kLevels.contains(doc.level)) {
      warning("invalid-level", root["level"],
              "level must be one of informational, low, medium, high, critical");
    }
    if (!doc.status.empty() && !kStatus.contains(doc.status)) {
      warning("invalid-status", root["status"],
              "status must be one of stable, test, experimental, deprecated, unsupported");
    }
    if (doc.id.empty()) {
      warning("missing-id", root,
              std::string(kind) + " has no 'id': alerts and duplicates cannot be tracked");
    } else if (!is_uuid(doc.id)) {
      warning("invalid-id", root["id"], "id should be a UUID");
    }
  }

  // Where each byte of a scalar's decoded text is in the file (quotes, escapes, folding, block
  // indentation accounted for); a non-scalar node is one position.
  TextOrigin origin_of(const YAML::Node& n) const {
    if (!n.IsScalar()) return TextOrigin(pos_of(n));
    YAML::Mark m = n.Mark();
    return scalar_origin(lines_, m.line, m.column, doc_.first_line, n.Scalar());
  }

  RuleValue value_of(const YAML::Node& n) const {
    RuleValue v;
    v.origin = origin_of(n);
    v.pos = v.origin.start();
    if (n.IsNull() && n.Tag() != "!") {
      v.type = RuleValue::Type::kNull;
      return v;
    }
    v.text = n.Scalar();
    v.quoted = n.Tag() == "!";
    if (v.quoted) return v;
    const std::string& s = v.text;
    if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE") {
      v.type = RuleValue::Type::kBool;
      return v;
    }
    std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    bool digits = i < s.size();
    bool dot = false;
    for (std::size_t j = i; j < s.size(); ++j) {
      if (s[j] == '.' && !dot) {
        dot = true;
      } else if (!std::isdigit(static_cast<unsigned char>(s[j]))) {
        digits = false;
        break;
      }
    }
    if (digits && !(dot && s.size() == i + 1))
      v.type = dot ? RuleValue::Type::kFloat : RuleValue::Type::kInt;
    return v;
  }

  void load_detection(const YAML::Node& detection, Detection& out) {
    out.pos = pos_of(detection);
    if (!detection.IsMap()) {
      error("bad-detection", detection,
            "'detection' must be a map of identifiers and a 'condition'");
      return;
    }
    // yaml-cpp's default Node is a defined null: whether the key exists is tracked apart.
    YAML::Node condition;
    YAML::Node condition_key;
    bool has_condition = false;
    std::set<std::string> names;
    for (auto it = detection.begin(); it != detection.end(); ++it) {
      std::string name = scalar_or_empty(it->first);
      if (name == "condition") {
        condition = it->second;
        condition_key = it->first;
        has_condition = true;
        continue;
      }
      if (name == "timeframe") {
        warning(
            "deprecated-timeframe", it->first,
            "'timeframe' belongs to Sigma v1 aggregations; use a correlation rule's 'timespan'");
        continue;
      }
      if (!names.insert(name).second) {
        error("duplicate-identifier", it->first, "identifier '" + name + "' is defined twice");
        continue;
      }
      Selection sel;
      sel.name = name;
      sel.pos = pos_of(it->first);
      if (load_selection(it->second, sel)) {
        out.selections.push_back(std::move(sel));
      } else {
        broken_.insert(name);
      }
    }
    if (!has_condition) {
      error("missing-required-key", detection, "missing required key 'condition' in 'detection'");
      return;
    }
    if (condition.IsNull()) {
      error("missing-required-key", condition_key,
            "required key 'condition' in 'detection' has no value");
      return;
    }
    if (condition.IsScalar()) {
      load_condition(condition, out);
    } else if (condition.IsSequence() && condition.size() > 0) {
      for (const auto& c : condition) {
        if (c.IsScalar())
          load_condition(c, out);
        else
          error("condition-syntax", c, "each condition in the list must be a string");
      }
    } else {
      error("condition-syntax", condition, "'condition' must be a string or a list of strings");
      return;
    }
    // A condition that did not parse references nothing we can check: warning that its
    // identifiers are unused would only add noise to the real error.
    if (conditions_ok_) check_identifiers(out);
  }

  void load_condition(const YAML::Node& n, Detection& out) {
    Condition c;
    TextOrigin origin = origin_of(n);
    if (parse_condition_text(n.Scalar(), origin, file_, c, diags_)) {
      out.conditions.push_back(std::move(c));
    } else {
      conditions_ok_ = false;
    }
  }

  void check_identifiers(const Detection& d) {
    std::set<std::string> used;
    for (const Condition& c : d.conditions) {
      for (const ConditionNode& node : c.nodes) {
        if (node.kind == ConditionNode::Kind::kRef) {
          // An identifier whose selection did not load has its own error: not undefined.
          bool found = broken_.contains(node.pattern) ||
                       std::any_of(d.selections.begin(), d.selections.end(),
                                   [&](const Selection& s) { return s.name == node.pattern; });
          if (!found) {
            diags_.error(
                "undefined-identifier", file_, node.pos.line, node.pos.column,
                "condition references '" + node.pattern + "', which the detection does not define");
          }
          used.insert(node.pattern);
        } else if (node.kind == ConditionNode::Kind::kOneOf ||
                   node.kind == ConditionNode::Kind::kAllOf) {
          std::size_t matched = 0;
          for (const Selection& s : d.selections) {
            if (in_quantifier(node.pattern, s.name)) {
              ++matched;
              used.insert(s.name);
            }
          }
          for (const std::string& name : broken_) {
            if (in_quantifier(node.pattern, name)) ++matched;
          }
          if (matched == 0) {
            diags_.error("undefined-identifier", file_, node.pos.line, node.pos.column,
                         "'" + node.pattern + "' matches no identifier of the detection");
          } else if (node.count > 1 && static_cast<std::size_t>(node.count) > matched) {
            diags_.warning("quantifier-exceeds", file_, node.pos.line, node.pos.column,
                           std::to_string(node.count) + " of '" + node.pattern +
                               "' can never hold: only " + std::to_string(matched) +
                               " identifiers match");
          }
        }
      }
    }
    for (const Selection& s : d.selections) {
      if (!used.contains(s.name)) {
        diags_.warning("unused-identifier", file_, s.pos.line, s.pos.column,
                       "identifier '" + s.name + "' is not used by the condition");
      }
    }
  }

  // Splits "field|mod1|mod2" into the field and its modifiers.
  void split_key(const YAML::Node& key, FieldItem& item) {
    std::string k = scalar_or_empty(key);
    TextOrigin origin = origin_of(key);
    std::size_t bar = k.find('|');
    item.field = k.substr(0, bar);
    item.pos = origin.start();
    while (bar != std::string::npos) {
      std::size_t next = k.find('|', bar + 1);
      item.modifiers.push_back(
          k.substr(bar + 1, next == std::string::npos ? std::string::npos : next - bar - 1));
      item.modifier_pos.push_back(origin.at(bar + 1));
      bar = next;
    }
  }

  bool load_values(const YAML::Node& n, FieldItem& item) {
    if (n.IsSequence()) {
      if (n.size() == 0) {
        error("bad-value", n, "'" + item.field + "' has an empty list of values");
        return false;
      }
      for (const auto& e : n) {
        if (!e.IsScalar() && !e.IsNull()) {
          error("bad-value", e, "values of '" + item.field + "' must be scalars");
          return false;
        }
        item.values.push_back(value_of(e));
      }
      return true;
    }
    if (n.IsMap()) {
      error("bad-value", n, "'" + item.field + "' has a map as value; expected a scalar or a list");
      return false;
    }
    item.values.push_back(value_of(n));
    return true;
  }

  bool load_map_group(const YAML::Node& map, std::vector<FieldItem>& group) {
    bool ok = true;
    std::set<std::string> keys;
    for (auto it = map.begin(); it != map.end(); ++it) {
      FieldItem item;
      split_key(it->first, item);
      if (!keys.insert(scalar_or_empty(it->first)).second) {
        warning("duplicate-key", it->first,
                "key '" + scalar_or_empty(it->first) + "' appears twice in one selection");
      }
      if (!load_values(it->second, item)) {
        ok = false;
        continue;
      }
      group.push_back(std::move(item));
    }
    if (map.size() == 0) {
      error("bad-selection", map, "empty selection");
      return false;
    }
    return ok;
  }

  bool load_selection(const YAML::Node& n, Selection& sel) {
    if (n.IsMap()) {
      sel.groups.emplace_back();
      return load_map_group(n, sel.groups.back());
    }
    if (n.IsSequence()) {
      if (n.size() == 0) {
        error("bad-selection", n, "identifier '" + sel.name + "' is an empty list");
        return false;
      }
      bool all_maps = true, all_scalars = true;
      for (const auto& e : n) {
        all_maps = all_maps && e.IsMap();
        all_scalars = all_scalars && (e.IsScalar() || e.IsNull());
      }
      if (all_maps) {
        bool ok = true;
        for (const auto& e : n) {
          sel.groups.emplace_back();
          ok = load_map_group(e, sel.groups.back()) && ok;
        }
        return ok;
      }
      if (all_scalars) {
        FieldItem kw;
        kw.pos = pos_of(n);
        for (const auto& e : n) kw.values.push_back(value_of(e));
        sel.groups.push_back({std::move(kw)});
        return true;
      }
      error("bad-selection", n,
            "identifier '" + sel.name + "' mixes maps and plain values; use separate identifiers");
      return false;
    }
    if (n.IsScalar()) {
      FieldItem kw;
      kw.pos = pos_of(n);
      kw.values.push_back(value_of(n));
      sel.groups.push_back({std::move(kw)});
      return true;
    }
    error("bad-selection", n, "identifier '" + sel.name + "' has no value");
    return false;
  }

  const std::string& file_;
  const DocumentText& doc_;
  Diagnostics& diags_;
  std::vector<std::string_view> lines_;
  std::size_t errors_before_ = 0;
  bool conditions_ok_ = true;
  std::set<std::string> broken_;  // identifiers whose selection has an error
};

void load_text_into(std::string_view yaml, const std::string& file, LoadResult& out,
                    Diagnostics& diags) {
  // A UTF-8 byte order mark is not part of line 1: yaml-cpp skips it and its marks do not count
  // it, and neither must the lines the positions are computed from.
  if (yaml.substr(0, 3) == "\xEF\xBB\xBF") yaml.remove_prefix(3);
  for (const DocumentText& doc : split_documents(yaml)) {
    YAML::Node root;
    try {
      root = YAML::Load(doc.text);
    } catch (const YAML::ParserException& e) {
      int line = e.mark.line >= 0 ? doc.first_line + e.mark.line : doc.first_line;
      int col = e.mark.column >= 0 ? e.mark.column + 1 : 1;
      diags.error("yaml-syntax", file, line, col, "YAML syntax error: " + e.msg);
      continue;
    } catch (const YAML::Exception& e) {
      diags.error("yaml-syntax", file, doc.first_line, 1, std::string("YAML error: ") + e.msg);
      continue;
    }
    if (!root || root.IsNull()) continue;
    try {
      DocumentLoader loader(file, doc, diags);
      loader.load(root, out);
    } catch (const YAML::Exception& e) {
      diags.error("yaml-syntax", file, doc.first_line, 1, std::string("YAML error: ") + e.msg);
    }
  }
}

// Ids and names identify a document among every loaded rule and correlation (a correlation
// references either): a later document with an id or a name already used is reported at its start
// and dropped; the first, in file then line order, is kept.
void check_duplicates(LoadResult& out, Diagnostics& diags) {
  struct Doc {
    const std::string* file;
    SourcePos pos;
    const std::string* id;
    const std::string* name;
    bool is_rule;
    std::size_t index;  // in out.rules or out.correlations
  };
  std::vector<Doc> docs;
  for (std::size_t i = 0; i < out.rules.size(); ++i) {
    const Rule& r = out.rules[i];
    docs.push_back({&r.file, r.pos, &r.id, &r.name, true, i});
  }
  for (std::size_t i = 0; i < out.correlations.size(); ++i) {
    const Correlation& c = out.correlations[i];
    docs.push_back({&c.file, c.pos, &c.id, &c.name, false, i});
  }
  std::stable_sort(docs.begin(), docs.end(), [](const Doc& a, const Doc& b) {
    if (*a.file != *b.file) return *a.file < *b.file;
    if (a.pos.line != b.pos.line) return a.pos.line < b.pos.line;
    return a.pos.column < b.pos.column;
  });

  std::vector<bool> drop_rule(out.rules.size()), drop_correlation(out.correlations.size());
  auto check = [&](const std::string* Doc::*key, const char* code, const char* what) {
    std::unordered_map<std::string_view, const Doc*> seen;
    for (const Doc& d : docs) {
      const std::string& k = *(d.*key);
      if (k.empty()) continue;
      auto [it, inserted] = seen.emplace(k, &d);
      if (inserted) continue;
      diags.error(code, *d.file, d.pos.line, d.pos.column,
                  std::string(d.is_rule ? "rule " : "correlation ") + what + " " + k +
                      " is already used by " + *it->second->file + ":" +
                      std::to_string(it->second->pos.line));
      (d.is_rule ? drop_rule : drop_correlation)[d.index] = true;
    }
  };
  check(&Doc::id, "duplicate-id", "id");
  check(&Doc::name, "duplicate-name", "name");

  auto compact = [](auto& items, const std::vector<bool>& drop) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (drop[i]) continue;
      if (kept != i) items[kept] = std::move(items[i]);
      ++kept;
    }
    items.resize(kept);
  };
  compact(out.rules, drop_rule);
  compact(out.correlations, drop_correlation);
}

}  // namespace

bool in_quantifier(std::string_view pattern, std::string_view name) {
  if (pattern == "them") return name.empty() || name[0] != '_';
  // `_helper` identifiers are only reached by a pattern that itself starts with '_'.
  if (!name.empty() && name[0] == '_' && (pattern.empty() || pattern[0] != '_')) return false;
  std::size_t p = 0, n = 0, star = std::string_view::npos, mark = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = n;
    } else if (p < pattern.size() && pattern[p] == name[n]) {
      ++p;
      ++n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

LoadResult load_rule_text(std::string_view yaml, const std::string& file, Diagnostics& diags) {
  LoadResult out;
  out.files = 1;
  load_text_into(yaml, file, out, diags);
  return out;
}

LoadResult load_rule_paths(const std::vector<std::string>& paths, Diagnostics& diags) {
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (fs::recursive_directory_iterator
               it(p, fs::directory_options::skip_permission_denied, ec),
           end;
           it != end; it.increment(ec)) {
        if (ec) break;
        if (!it->is_regular_file(ec)) continue;
        std::string ext = it->path().extension().string();
        if (ext == ".yml" || ext == ".yaml") files.push_back(it->path().string());
      }
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else {
      diags.error("file-not-found", p, 0, 0, "no such file or directory");
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());

  LoadResult out;
  for (const std::string& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      diags.error("file-unreadable", f, 0, 0, "cannot read file");
      continue;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    ++out.files;
    if (text.size() > kMaxRuleFileBytes) {
      diags.error("file-too-large", f, 0, 0, "rule file larger than 4 MiB");
      continue;
    }
    load_text_into(text, f, out, diags);
  }
  check_duplicates(out, diags);
  return out;
}

bool parse_condition(std::string_view text, SourcePos base, const std::string& file, Condition& out,
                     Diagnostics& diags) {
  return parse_condition_text(text, TextOrigin(base), file, out, diags);
}

bool load_placeholders_file(const std::string& path, Placeholders& into, Diagnostics& diags) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    diags.error("file-not-found", path, 0, 0, "cannot read placeholder file");
    return false;
  } catch (const YAML::ParserException& e) {
    diags.error("yaml-syntax", path, e.mark.line + 1, e.mark.column + 1,
                "YAML syntax error: " + e.msg);
    return false;
  } catch (const YAML::Exception& e) {
    diags.error("yaml-syntax", path, 0, 0, std::string("YAML error: ") + e.msg);
    return false;
  }
  if (!root.IsMap()) {
    diags.error("bad-placeholders", path, 1, 1,
                "placeholder file must be a map: name -> list of values");
    return false;
  }
  bool ok = true;
  for (auto it = root.begin(); it != root.end(); ++it) {
    std::string name = it->first.IsScalar() ? it->first.Scalar() : std::string();
    std::vector<std::string> values;
    if (it->second.IsScalar()) {
      values.push_back(it->second.Scalar());
    } else if (it->second.IsSequence()) {
      // Copy the node: `it->second` lives in a proxy that dies before a range-for body runs.
      const YAML::Node list = it->second;
      for (const auto& v : list) {
        if (v.IsScalar()) values.push_back(v.Scalar());
      }
    } else {
      diags.error("bad-placeholders", path, it->first.Mark().line + 1, it->first.Mark().column + 1,
                  "placeholder '" + name + "' must be a value or a list of values");
      ok = false;
      continue;
    }
    into[name] = std::move(values);
  }
  return ok;
}

}  // namespace vigie::rules
