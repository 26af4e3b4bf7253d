// Internal representation of a compiled rule set (not part of the public API: see rule_set.h).
//
// A rule compiles to an expression over atoms. An atom is one predicate on one field ("CommandLine
// contains 'whoami'", "EventID == 4624"); identical atoms of different rules are one atom, so each
// is evaluated at most once per event. Literal atoms (equals/contains/startswith/endswith without
// other wildcards) are decided by one Aho-Corasick scan per field and event: the scan records, for
// every needle found, whether it was seen anywhere, at the start, at the end or as the whole value.
#pragma once

#include <re2/re2.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "event/field_table.h"
#include "match/aho_corasick.h"
#include "match/cidr.h"
#include "match/glob.h"
#include "match/logsource_index.h"
#include "match/rule_set.h"

namespace vigie::match {

inline constexpr event::FieldId kAnyField = 0xFFFFFFFFu;  // keyword atoms: every field value

// Needle hit flags recorded by a field scan.
inline constexpr std::uint8_t kHitAny = 1;
inline constexpr std::uint8_t kHitStart = 2;
inline constexpr std::uint8_t kHitEnd = 4;
inline constexpr std::uint8_t kHitWhole = 8;

enum class AtomKind : std::uint8_t {
  kLiteral,   // decided by the field's prefilter: needle + required hit flag
  kGlob,      // wildcard pattern on the whole value; optional prefilter needle
  kRegex,     // RE2 partial match
  kNumEq,     // numeric equality (numbers and numeric strings, both ways)
  kNumCmp,    // lt / lte / gt / gte
  kCidr,      // IP network membership
  kExists,    // field present
  kNull,      // field absent or JSON null
  kEmpty,     // field present and empty string
  kBool,      // field is the boolean (or the string "true"/"false")
  kFieldRef,  // compare with another field of the same event
  kDatePart,  // compare a date part of a timestamp
  kKeyword,   // glob over every string value of the event
};

enum class CmpOp : std::uint8_t { kLt, kLte, kGt, kGte, kEq };
enum class RefMode : std::uint8_t { kEquals, kContains, kStartsWith, kEndsWith };
enum class DatePart : std::uint8_t { kMinute, kHour, kDay, kWeek, kMonth, kYear };

struct Atom {
  AtomKind kind = AtomKind::kLiteral;
  event::FieldId field = 0;
  bool cased = false;
  // kLiteral: index of the field prefilter, needle id in it, required hit flag.
  // kGlob: prefilter needle that must be present (prefilter < 0: none).
  int prefilter = -1;
  std::uint32_t needle = 0;
  std::uint8_t hit = 0;
  // kGlob, kKeyword
  std::unique_ptr<Glob> glob;
  // kRegex
  std::unique_ptr<RE2> regex;
  // kNumEq / kNumCmp / kDatePart
  double number = 0;
  std::string text;  // kNumEq: the rule value as written (folded) for string equality
  CmpOp op = CmpOp::kEq;
  DatePart part = DatePart::kMinute;
  // kCidr
  std::vector<Network> networks;
  // kBool
  bool boolean = false;
  // kFieldRef
  event::FieldId other = 0;
  RefMode ref = RefMode::kEquals;
};

struct Node {
  enum class Kind : std::uint8_t { kAtom, kAnd, kOr, kNot, kAtLeast, kTrue, kFalse };
  Kind kind = Kind::kFalse;
  std::uint32_t atom = 0;   // kAtom
  std::uint32_t first = 0;  // children: child_index[first, first + count)
  std::uint32_t count = 0;
  std::uint32_t at_least = 0;  // kAtLeast
};

// A literal prefilter: the needles of every literal atom (and glob prefilter) on one field.
struct Prefilter {
  event::FieldId field = 0;
  bool cased = false;
  AhoCorasick automaton;
  std::unordered_map<std::string, std::uint32_t> needle_ids;  // build time only
  std::vector<std::uint32_t> needle_len;                      // by needle id
  std::uint32_t needle_base = 0;  // offset of this prefilter's needles in the scratch arrays
  std::uint32_t needle_count = 0;
};

struct CompiledRule {
  rules::Rule rule;
  // Root node per fieldmapping variant (index = LogsourceIndex entry variant; 0 = unmapped).
  std::vector<std::uint32_t> roots;
};

// Rules that apply to events of one logsource entry, split by the EventID values they require.
struct Bucket {
  struct Ref {
    std::uint32_t rule;
    std::uint32_t root;
  };
  std::unordered_map<std::int64_t, std::vector<Ref>> by_event_id;
  std::vector<Ref> any_event_id;
};

class RuleSetImpl {
 public:
  event::FieldTable fields;
  std::vector<CompiledRule> rules;
  std::vector<Atom> atoms;
  std::vector<Node> nodes;
  std::vector<std::uint32_t> child_index;
  std::vector<Prefilter> prefilters;
  // prefilters of a field: [folded, cased] indexes or -1.
  std::vector<std::array<int, 2>> field_prefilters;
  std::uint32_t needle_total = 0;
  std::unique_ptr<LogsourceIndex> logsource_index;
  rules::LogsourceMap logsource;
  std::vector<Bucket> buckets;  // per logsource entry
  Bucket always;                // rules without a logsource
  bool needs_all_fields = false;
  RuleSetStats stats;
};

}  // namespace vigie::match
