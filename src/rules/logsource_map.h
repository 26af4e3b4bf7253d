// LogsourceMap: which events a Sigma `logsource` (product, service, category) applies to, kept as
// data. The built-in table is src/rules/logsource_map.yml, embedded into the library at build time;
// users extend or override it with their own YAML file (`--logsource-map FILE`). The format and the
// matching semantics are documented in docs/logsource.md; the short version:
//
//   entries:
//     - name: process_creation-security       # unique; a user entry with the same name replaces it
//       product: windows                      # product / service / category: what the entry is
//       category: process_creation
//       when: {Channel: Security, EventID: 4688}      # what an event must hold (all fields)
//       fieldmappings: {Image: NewProcessName}        # rule field -> event field
//     - name: some-builtin-entry
//       disabled: true                        # removes the entry of that name
//   unmapped:                                 # logsources known to have no log behind them
//     - {product: windows, category: file_access, reason: "..."}
//
// `when`: every listed field must hold; a field's value is a scalar or a list (any of). Values
// compare with ASCII case folding, and numerically when both the value and the event's value are
// decimal integers (event int or numeric string); '*' means "present and not null".
//
// Diagnostic codes (all errors unless noted):
//   file-unreadable          the file cannot be opened or read
//   yaml-syntax              YAML parse error (position of the parser)
//   yaml-duplicate-key       a mapping repeats a key
//   logsource-schema         a node has the wrong shape (root not a mapping, `entries` not a list,
//                            `when` value not a scalar/list of scalars, ...)
//   logsource-missing-name   an entry has no `name`
//   logsource-duplicate-name two entries of one file share a name
//   logsource-no-key         an entry sets none of product, service, category
//   logsource-empty-when     an entry has no `when` condition (it would claim every event)
//   logsource-unknown-key    (warning) a key the format does not know, e.g. a typo
//   logsource-disable-unknown (warning) `disabled: true` names no existing entry
//
// Thread safety: a LogsourceMap is a plain value; const methods are safe from many threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/diagnostics.h"

namespace vigie::rules {

struct LogsourceCondition {
  std::string field;
  std::vector<std::string> values;  // any of; {"*"} = present
};

struct LogsourceEntry {
  std::string name, product, service, category;                    // empty = not set
  std::vector<LogsourceCondition> when;                            // all of
  std::vector<std::pair<std::string, std::string>> fieldmappings;  // rule field -> event field
  std::string file;  // where the entry was defined, for diagnostics
  int line = 0;
};

// A logsource the map deliberately leaves without entries, with the reason (e.g. the corpus uses it
// but no standard log delivers its fields). Lets the rule loader explain why a rule sees nothing.
struct UnmappedLogsource {
  std::string product, service, category;
  std::string reason;
  std::string file;
  int line = 0;
};

struct LogsourceMap {
  std::vector<LogsourceEntry> entries;
  std::vector<UnmappedLogsource> unmapped;

  // Indices (into `entries`, ascending) of the entries a rule with this logsource applies to.
  //
  // An entry fits when each key the rule sets equals (ASCII case-insensitively) the entry's value
  // for that key; keys the rule leaves empty are not compared. From the fitting entries, one is
  // left out when another fitting entry without fieldmappings sets strictly fewer of the three keys
  // and its `when` is implied by the first one's `when`: that more generic entry already delivers
  // every such event, unmapped. So a rule with only `product: windows` gets the one product-level
  // entry, not every Windows entry (and no category's fieldmappings apply to it).
  //
  // An empty logsource ("", "", "") returns {}: such a rule is not gated at all, it sees every
  // event (see unrestricted()). A non-empty logsource that fits no entry also returns {}: the rule
  // can never match; the caller should warn (find_unmapped() tells whether that is known).
  std::vector<std::size_t> entries_for(std::string_view product, std::string_view service,
                                       std::string_view category) const;

  // True when the rule sets none of the three keys: it sees every event, mapped or not.
  static bool unrestricted(std::string_view product, std::string_view service,
                           std::string_view category) {
    return product.empty() && service.empty() && category.empty();
  }

  // The `unmapped` record for exactly this logsource (keys compared case-insensitively, empty
  // matches empty), or nullptr.
  const UnmappedLogsource* find_unmapped(std::string_view product, std::string_view service,
                                         std::string_view category) const;

  // The entry named `name` (exact), or nullptr.
  const LogsourceEntry* find(std::string_view name) const;
};

// The built-in map, parsed from the embedded YAML. Never fails (a unit test parses the embedded
// text and requires zero diagnostics); parsed once, then copied.
LogsourceMap builtin_logsource_map();
// The embedded YAML text itself (for `vigie` to print or for tests).
std::string_view builtin_logsource_map_yaml();
// The file label the built-in entries carry.
inline constexpr std::string_view kBuiltinLogsourceMapLabel = "<builtin>/logsource_map.yml";

// Parses a user map file into `into`: entries with the same `name` replace the existing ones in
// place, `disabled: true` removes the entry of that name, new names are appended, `unmapped`
// records are appended. Diagnostics carry `path` and a 1-based line:col.
// All or nothing: on any error `into` is left unchanged and the result is false; warnings alone
// still apply the file and return true.
bool load_logsource_map_file(const std::string& path, LogsourceMap& into, Diagnostics& diags);
// The same, from text; `file_label` names the source in diagnostics and in LogsourceEntry::file.
bool load_logsource_map_text(std::string_view yaml, const std::string& file_label,
                             LogsourceMap& into, Diagnostics& diags);

// Value semantics shared by the model and by match::LogsourceIndex, so that both agree.
namespace logsource {

inline constexpr std::string_view kPresent = "*";

inline char fold_ascii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
bool iequals_ascii(std::string_view a, std::string_view b);
std::string fold_ascii(std::string_view s);
// A decimal integer: optional '-', 1 to 19 digits, nothing else (no spaces, no '+', no hex).
std::optional<std::int64_t> parse_decimal(std::string_view s);
// Two `when` values denote the same event value: numerically equal when both are decimal
// integers, otherwise equal under ASCII case folding.
bool values_equal(std::string_view a, std::string_view b);

}  // namespace logsource

}  // namespace vigie::rules
