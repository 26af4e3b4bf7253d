#include "rules/logsource_map.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

// Generated at build time from logsource_map.yml by cmake/EmbedFile.cmake
// (src/rules/CMakeLists.txt).
namespace vigie::rules::embedded {
extern const unsigned char kLogsourceMapYaml[];
extern const std::size_t kLogsourceMapYamlSize;
}  // namespace vigie::rules::embedded

namespace vigie::rules {

namespace logsource {

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (fold_ascii(a[i]) != fold_ascii(b[i])) return false;
  }
  return true;
}

std::string fold_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = fold_ascii(c);
  return out;
}

std::optional<std::int64_t> parse_decimal(std::string_view s) {
  bool negative = false;
  if (!s.empty() && s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  // 19 digits always fit in an unsigned 64-bit accumulator; the signed range is checked below.
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  constexpr auto kMax = static_cast<std::uint64_t>(INT64_MAX);
  if (!negative) {
    if (v > kMax) return std::nullopt;
    return static_cast<std::int64_t>(v);
  }
  if (v > kMax + 1) return std::nullopt;
  return v == kMax + 1 ? INT64_MIN : -static_cast<std::int64_t>(v);
}

bool values_equal(std::string_view a, std::string_view b) {
  auto ia = parse_decimal(a);
  if (ia) {
    auto ib = parse_decimal(b);
    if (ib) return *ia == *ib;
  }
  return iequals_ascii(a, b);
}

}  // namespace logsource

namespace {

using logsource::iequals_ascii;
using logsource::kPresent;
using logsource::values_equal;

bool has_present(const LogsourceCondition& c) {
  return std::find(c.values.begin(), c.values.end(), kPresent) != c.values.end();
}

// Every event that satisfies `b` satisfies `a` (same field assumed).
bool condition_implies(const LogsourceCondition& b, const LogsourceCondition& a) {
  if (has_present(a)) return true;  // any value b accepts is a present value
  if (has_present(b)) return false;
  for (const std::string& bv : b.values) {
    bool found = std::any_of(a.values.begin(), a.values.end(),
                             [&](const std::string& av) { return values_equal(bv, av); });
    if (!found) return false;
  }
  return true;
}

// Every event that satisfies the conjunction `b` satisfies the conjunction `a`.
bool when_implies(const std::vector<LogsourceCondition>& b,
                  const std::vector<LogsourceCondition>& a) {
  for (const LogsourceCondition& ac : a) {
    bool found = std::any_of(b.begin(), b.end(), [&](const LogsourceCondition& bc) {
      return bc.field == ac.field && condition_implies(bc, ac);
    });
    if (!found) return false;
  }
  return true;
}

int keys_set(const LogsourceEntry& e) {
  return static_cast<int>(!e.product.empty()) + static_cast<int>(!e.service.empty()) +
         static_cast<int>(!e.category.empty());
}

bool key_fits(std::string_view rule_value, const std::string& entry_value) {
  return rule_value.empty() || iequals_ascii(rule_value, entry_value);
}

}  // namespace

std::vector<std::size_t> LogsourceMap::entries_for(std::string_view product,
                                                   std::string_view service,
                                                   std::string_view category) const {
  std::vector<std::size_t> fitting;
  if (unrestricted(product, service, category)) return fitting;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const LogsourceEntry& e = entries[i];
    if (key_fits(product, e.product) && key_fits(service, e.service) &&
        key_fits(category, e.category)) {
      fitting.push_back(i);
    }
  }
  // Drop entries that a more generic, unmapped fitting entry already covers: evaluating the rule
  // through both would only repeat work (and would apply a category's fieldmappings to a rule that
  // did not ask for that category).
  std::vector<std::size_t> out;
  for (std::size_t b : fitting) {
    const LogsourceEntry& eb = entries[b];
    bool covered = std::any_of(fitting.begin(), fitting.end(), [&](std::size_t a) {
      const LogsourceEntry& ea = entries[a];
      return a != b && ea.fieldmappings.empty() && keys_set(ea) < keys_set(eb) &&
             when_implies(eb.when, ea.when);
    });
    if (!covered) out.push_back(b);
  }
  return out;
}

const UnmappedLogsource* LogsourceMap::find_unmapped(std::string_view product,
                                                     std::string_view service,
                                                     std::string_view category) const {
  for (const UnmappedLogsource& u : unmapped) {
    if (iequals_ascii(u.product, product) && iequals_ascii(u.service, service) &&
        iequals_ascii(u.category, category)) {
      return &u;
    }
  }
  return nullptr;
}

const LogsourceEntry* LogsourceMap::find(std::string_view name) const {
  for (const LogsourceEntry& e : entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

namespace {

// One parsed entry of a file: either a definition or a removal by name.
struct ParsedEntry {
  LogsourceEntry entry;
  bool disabled = false;
  int column = 0;
};

class Parser {
 public:
  Parser(const std::string& file, Diagnostics& diags) : file_(file), diags_(diags) {}

  void parse_root(const YAML::Node& root, std::vector<ParsedEntry>& entries,
                  std::vector<UnmappedLogsource>& unmapped) {
    if (!root.IsMap()) {
      error("logsource-schema", root, "the document must be a mapping with an `entries` list");
      return;
    }
    check_duplicate_keys(root);
    bool saw_entries = false;
    for (auto it = root.begin(); it != root.end(); ++it) {
      if (!it->first.IsScalar()) continue;  // reported by check_duplicate_keys
      const std::string key = it->first.Scalar();
      const YAML::Node value = it->second;  // a copy: `it->` yields a temporary proxy
      if (key == "entries") {
        saw_entries = true;
        if (value.IsNull()) continue;  // `entries:` with nothing: an empty (valid) map file
        if (!value.IsSequence()) {
          error("logsource-schema", value, "`entries` must be a list of mappings");
          continue;
        }
        for (const YAML::Node& item : value) parse_entry(item, entries);
      } else if (key == "unmapped") {
        if (value.IsNull()) continue;
        if (!value.IsSequence()) {
          error("logsource-schema", value, "`unmapped` must be a list of mappings");
          continue;
        }
        for (const YAML::Node& item : value) parse_unmapped(item, unmapped);
      } else if (key == "version" || key == "description") {
        // informational
      } else {
        warning("logsource-unknown-key", it->first,
                "unknown top-level key `" + key + "` (expected `entries`, `unmapped`)");
      }
    }
    if (!saw_entries) error("logsource-schema", root, "missing the `entries` list");
    check_duplicate_names(entries);
  }

 private:
  static int line_of(const YAML::Node& n) {
    const YAML::Mark m = n.Mark();
    return m.line < 0 ? 0 : m.line + 1;
  }
  static int column_of(const YAML::Node& n) {
    const YAML::Mark m = n.Mark();
    return m.column < 0 ? 0 : m.column + 1;
  }
  void error(const char* code, const YAML::Node& at, std::string message) {
    diags_.error(code, file_, line_of(at), column_of(at), std::move(message));
  }
  void warning(const char* code, const YAML::Node& at, std::string message) {
    diags_.warning(code, file_, line_of(at), column_of(at), std::move(message));
  }

  // yaml-cpp keeps every pair of a mapping that repeats a key and lookups see the first one; a
  // repeated `when` field would silently lose a condition, so it is an error here.
  // Returns false when a key is not a scalar (already reported).
  bool check_duplicate_keys(const YAML::Node& map) {
    std::vector<std::string> seen;
    bool ok = true;
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (!it->first.IsScalar()) {
        error("logsource-schema", it->first, "mapping keys must be plain scalars");
        ok = false;
        continue;
      }
      const std::string key = it->first.Scalar();
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
        error("yaml-duplicate-key", it->first, "duplicate key `" + key + "`");
      } else {
        seen.push_back(key);
      }
    }
    return ok;
  }

  bool scalar_string(const YAML::Node& value, const std::string& key, std::string& out) {
    if (!value.IsScalar() || value.Scalar().empty()) {
      error("logsource-schema", value, "`" + key + "` must be a non-empty string");
      return false;
    }
    out = value.Scalar();
    return true;
  }

  void parse_entry(const YAML::Node& node, std::vector<ParsedEntry>& out) {
    if (!node.IsMap()) {
      error("logsource-schema", node, "each item of `entries` must be a mapping");
      return;
    }
    if (!check_duplicate_keys(node)) return;
    const std::size_t errors_before = diags_.errors();
    ParsedEntry p;
    p.entry.file = file_;
    p.entry.line = line_of(node);
    p.column = column_of(node);
    bool has_when = false;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string key = it->first.Scalar();
      const YAML::Node value = it->second;  // a copy: `it->` yields a temporary proxy
      if (key == "name") {
        scalar_string(value, key, p.entry.name);
      } else if (key == "product") {
        scalar_string(value, key, p.entry.product);
      } else if (key == "service") {
        scalar_string(value, key, p.entry.service);
      } else if (key == "category") {
        scalar_string(value, key, p.entry.category);
      } else if (key == "when") {
        has_when = true;
        parse_when(value, p.entry.when);
      } else if (key == "fieldmappings") {
        parse_fieldmappings(value, p.entry.fieldmappings);
      } else if (key == "disabled") {
        std::string text = value.IsScalar() ? value.Scalar() : std::string();
        if (iequals_ascii(text, "true")) {
          p.disabled = true;
        } else if (!iequals_ascii(text, "false")) {
          error("logsource-schema", value, "`disabled` must be true or false");
        }
      } else if (key == "description") {
        // free text for readers of the file
      } else {
        warning("logsource-unknown-key", it->first,
                "unknown entry key `" + key +
                    "` (expected name, product, service, category, when, fieldmappings, "
                    "disabled, description)");
      }
    }
    if (p.entry.name.empty()) {
      error("logsource-missing-name", node, "entry has no `name`");
      return;
    }
    // A key whose value was rejected already has its diagnostic; the entry-level checks below
    // would only repeat it in other words.
    if (!p.disabled && diags_.errors() == errors_before) {
      if (keys_set(p.entry) == 0) {
        error("logsource-no-key", node,
              "entry `" + p.entry.name + "` sets none of product, service, category");
      }
      if (!has_when || p.entry.when.empty()) {
        error("logsource-empty-when", node,
              "entry `" + p.entry.name + "` has no `when` condition; it would claim every event");
      }
    }
    out.push_back(std::move(p));
  }

  void parse_when(const YAML::Node& node, std::vector<LogsourceCondition>& out) {
    if (node.IsNull()) return;  // reported as logsource-empty-when by the caller
    if (!node.IsMap()) {
      error("logsource-schema", node, "`when` must be a mapping of field -> value or list");
      return;
    }
    if (!check_duplicate_keys(node)) return;
    for (auto it = node.begin(); it != node.end(); ++it) {
      LogsourceCondition c;
      c.field = it->first.Scalar();
      const YAML::Node value = it->second;  // a copy: `it->` yields a temporary proxy
      if (c.field.empty()) {
        error("logsource-schema", it->first, "`when` field names must not be empty");
        continue;
      }
      if (value.IsScalar()) {
        c.values.push_back(value.Scalar());
      } else if (value.IsSequence() && value.size() > 0) {
        for (const YAML::Node& v : value) {
          if (!v.IsScalar()) {
            error("logsource-schema", v,
                  "`when." + c.field + "` list items must be scalars (quote '*')");
            continue;
          }
          c.values.push_back(v.Scalar());
        }
      } else {
        error("logsource-schema", value.IsNull() ? it->first : value,
              "`when." + c.field + "` must be a scalar or a non-empty list of scalars");
        continue;
      }
      out.push_back(std::move(c));
    }
  }

  void parse_fieldmappings(const YAML::Node& node,
                           std::vector<std::pair<std::string, std::string>>& out) {
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      error("logsource-schema", node,
            "`fieldmappings` must be a mapping of rule field -> event field");
      return;
    }
    if (!check_duplicate_keys(node)) return;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string from = it->first.Scalar();
      std::string to;
      if (from.empty() || !scalar_string(it->second, "fieldmappings." + from, to)) {
        if (from.empty())
          error("logsource-schema", it->first, "empty field name in `fieldmappings`");
        continue;
      }
      out.emplace_back(from, std::move(to));
    }
  }

  void parse_unmapped(const YAML::Node& node, std::vector<UnmappedLogsource>& out) {
    if (!node.IsMap()) {
      error("logsource-schema", node, "each item of `unmapped` must be a mapping");
      return;
    }
    if (!check_duplicate_keys(node)) return;
    UnmappedLogsource u;
    u.file = file_;
    u.line = line_of(node);
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (key == "product") {
        scalar_string(it->second, key, u.product);
      } else if (key == "service") {
        scalar_string(it->second, key, u.service);
      } else if (key == "category") {
        scalar_string(it->second, key, u.category);
      } else if (key == "reason") {
        scalar_string(it->second, key, u.reason);
      } else {
        warning(
            "logsource-unknown-key", it->first,
            "unknown `unmapped` key `" + key + "` (expected product, service, category, reason)");
      }
    }
    if (u.product.empty() && u.service.empty() && u.category.empty()) {
      error("logsource-no-key", node, "`unmapped` item sets none of product, service, category");
      return;
    }
    out.push_back(std::move(u));
  }

  void check_duplicate_names(const std::vector<ParsedEntry>& entries) {
    for (std::size_t i = 0; i < entries.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (entries[i].entry.name == entries[j].entry.name) {
          diags_.error("logsource-duplicate-name", file_, entries[i].entry.line, entries[i].column,
                       "entry name `" + entries[i].entry.name + "` is already used at line " +
                           std::to_string(entries[j].entry.line));
          break;
        }
      }
    }
  }

  const std::string& file_;
  Diagnostics& diags_;
};

void merge(std::vector<ParsedEntry>&& parsed, std::vector<UnmappedLogsource>&& unmapped,
           LogsourceMap& into, Diagnostics& diags) {
  for (ParsedEntry& p : parsed) {
    auto it = std::find_if(into.entries.begin(), into.entries.end(),
                           [&](const LogsourceEntry& e) { return e.name == p.entry.name; });
    if (p.disabled) {
      if (it == into.entries.end()) {
        diags.warning("logsource-disable-unknown", p.entry.file, p.entry.line, p.column,
                      "`disabled` entry `" + p.entry.name + "` names no existing entry");
      } else {
        into.entries.erase(it);
      }
    } else if (it != into.entries.end()) {
      *it = std::move(p.entry);
    } else {
      into.entries.push_back(std::move(p.entry));
    }
  }
  for (UnmappedLogsource& u : unmapped) into.unmapped.push_back(std::move(u));
}

}  // namespace

bool load_logsource_map_text(std::string_view yaml, const std::string& file_label,
                             LogsourceMap& into, Diagnostics& diags) {
  const std::size_t errors_before = diags.errors();
  std::vector<ParsedEntry> parsed;
  std::vector<UnmappedLogsource> unmapped;
  // yaml-cpp reports malformed input by throwing; loading is not a hot path, and the exception is
  // turned into a diagnostic here so that nothing crosses the module API.
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    Parser(file_label, diags).parse_root(root, parsed, unmapped);
  } catch (const YAML::ParserException& e) {
    diags.error("yaml-syntax", file_label, e.mark.line < 0 ? 0 : e.mark.line + 1,
                e.mark.column < 0 ? 0 : e.mark.column + 1, e.msg);
  } catch (const YAML::Exception& e) {
    diags.error("yaml-syntax", file_label, e.mark.line < 0 ? 0 : e.mark.line + 1,
                e.mark.column < 0 ? 0 : e.mark.column + 1, e.msg);
  }
  if (diags.errors() != errors_before) return false;
  merge(std::move(parsed), std::move(unmapped), into, diags);
  return true;
}

bool load_logsource_map_file(const std::string& path, LogsourceMap& into, Diagnostics& diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.error("file-unreadable", path, 0, 0, "cannot open the logsource map file");
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    diags.error("file-unreadable", path, 0, 0, "cannot read the logsource map file");
    return false;
  }
  return load_logsource_map_text(text.str(), path, into, diags);
}

std::string_view builtin_logsource_map_yaml() {
  return std::string_view(reinterpret_cast<const char*>(embedded::kLogsourceMapYaml),
                          embedded::kLogsourceMapYamlSize);
}

LogsourceMap builtin_logsource_map() {
  // Parsed once: the embedded text cannot change while the process runs.
  static const LogsourceMap kParsed = [] {
    LogsourceMap map;
    Diagnostics diags;
    load_logsource_map_text(builtin_logsource_map_yaml(), std::string(kBuiltinLogsourceMapLabel),
                            map, diags);
    return map;
  }();
  return kParsed;
}

}  // namespace vigie::rules
