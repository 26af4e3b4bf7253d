#include "rules/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
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

  // Returns the rule if the document is a valid detection rule.
  std::optional<Rule> load(const YAML::Node& root) {
    if (!root.IsMap()) {
      error("not-a-rule", root, "a Sigma rule document must be a YAML map");
      return std::nullopt;
    }
    if (root["correlation"]) {
      warning("correlation-unsupported", root["correlation"],
              "correlation rules are not evaluated by this version; the document is skipped");
      return std::nullopt;
    }
    if (root["filter"] && !root["detection"]) {
      warning("filter-unsupported", root["filter"],
              "Sigma filter documents are not supported yet; the document is skipped");
      return std::nullopt;
    }
    Rule rule;
    rule.file = file_;
    rule.pos = pos_of(root);
    errors_before_ = diags_.errors();

    std::set<std::string> seen;
    for (auto it = root.begin(); it != root.end(); ++it) {
      std::string key = scalar_or_empty(it->first);
      if (!seen.insert(key).second) {
        warning("duplicate-key", it->first, "key '" + key + "' appears twice; the first is used");
      }
      if (!kKnownKeys.contains(key)) {
        if (it->second.IsScalar()) rule.custom[key] = it->second.Scalar();
      }
    }

    rule.title = string_key(root, "title", true);
    rule.id = string_key(root, "id", false);
    rule.name = string_key(root, "name", false);
    rule.status = string_key(root, "status", false);
    rule.level = string_key(root, "level", false);
    rule.description = string_key(root, "description", false);
    rule.author = string_key(root, "author", false);
    rule.date = string_key(root, "date", false);
    rule.modified = string_key(root, "modified", false);
    rule.license = string_key(root, "license", false);
    rule.tags = string_list(root, "tags");
    rule.references = string_list(root, "references");
    rule.falsepositives = string_list(root, "falsepositives");
    rule.fields = string_list(root, "fields");
    load_related(root, rule);
    check_metadata(root, rule);

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

 private:
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

  void check_metadata(const YAML::Node& root, const Rule& rule) {
    static const std::set<std::string, std::less<>> kLevels = {"informational", "low", "medium",
                                                               "high", "critical"};
    static const std::set<std::string, std::less<>> kStatus = {"stable", "test", "experimental",
                                                               "deprecated", "unsupported"};
    if (!rule.level.empty() && !kLevels.contains(rule.level)) {
      warning("invalid-level", root["level"],
              "level must be one of informational, low, medium, high, critical");
    }
    if (!rule.status.empty() && !kStatus.contains(rule.status)) {
      warning("invalid-status", root["status"],
              "status must be one of stable, test, experimental, deprecated, unsupported");
    }
    if (rule.id.empty()) {
      warning("missing-id", root, "rule has no 'id': alerts and duplicates cannot be tracked");
    } else if (!is_uuid(rule.id)) {
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
      if (auto rule = loader.load(root)) out.rules.push_back(std::move(*rule));
    } catch (const YAML::Exception& e) {
      diags.error("yaml-syntax", file, doc.first_line, 1, std::string("YAML error: ") + e.msg);
    }
  }
}

void check_duplicate_ids(const std::vector<Rule>& rules, Diagnostics& diags) {
  std::unordered_map<std::string, const Rule*> seen;
  for (const Rule& r : rules) {
    if (r.id.empty()) continue;
    auto [it, inserted] = seen.emplace(r.id, &r);
    if (!inserted) {
      diags.error("duplicate-id", r.file, r.pos.line, r.pos.column,
                  "rule id " + r.id + " is already used by " + it->second->file + ":" +
                      std::to_string(it->second->pos.line));
    }
  }
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
  check_duplicate_ids(out.rules, diags);
  // A rule with a duplicate id is reported but kept only once (the first).
  std::set<std::string> ids;
  std::erase_if(out.rules,
                [&](const Rule& r) { return !r.id.empty() && !ids.insert(r.id).second; });
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
