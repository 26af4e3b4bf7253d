// Internal representation of a compiled rule set (not part of the public API: see rule_set.h).
//
// A rule compiles to an expression over atoms. An atom is one predicate on one field ("CommandLine
// contains 'whoami'", "EventID == 4624"); identical atoms of different rules are one atom, so each
// is evaluated at most once per event. Literal atoms (equals/contains/startswith/endswith without
// other wildcards) are decided by one Aho-Corasick scan per field and event: the scan records, for
// every needle found, whether it was seen anywhere, at the start, at the end or as the whole value.
#pragma once

#include <re2/re2.h>

#include <array>
#include <cstdint>
#include <map>
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
  kKeyword,   // keyword prefilter needle, then (unless a plain literal) glob over every value
};

enum class CmpOp : std::uint8_t { kLt, kLte, kGt, kGte, kEq };
enum class RefMode : std::uint8_t { kEquals, kContains, kStartsWith, kEndsWith };
enum class DatePart : std::uint8_t { kMinute, kHour, kDay, kWeek, kMonth, kYear };

struct Atom {
  AtomKind kind = AtomKind::kLiteral;
  event::FieldId field = 0;
  bool cased = false;
  // kLiteral: index of the field prefilter, needle id in it, required hit flag.
  // kGlob, kKeyword: prefilter needle that must be present (prefilter < 0: none); a kKeyword atom
  // without a glob is decided by its needle alone.
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

// A literal prefilter: the needles of every literal atom (and glob prefilter) on one field. The
// keyword prefilter (field kAnyField) holds the needles of keyword atoms and scans every string
// value of the event.
struct Prefilter {
  event::FieldId field = 0;
  bool cased = false;
  AhoCorasick automaton;
  std::unordered_map<std::string, std::uint32_t> needle_ids;  // build time only
  std::vector<std::uint32_t> needle_len;                      // by needle id
  std::uint32_t needle_base = 0;  // offset of this prefilter's needles in the scratch arrays
  std::uint32_t needle_count = 0;
  // Every needle is ASCII. Folding never turns a non-ASCII character into ASCII or back (see
  // utf8::fold), so such a prefilter can scan any text with scan_folded's ASCII lowering alone.
  bool ascii_needles = true;
  bool nul_free_needles = true;  // no needle holds a NUL byte
};

struct CompiledRule {
  rules::Rule rule;
  // Root node per fieldmapping variant (index = LogsourceIndex entry variant; 0 = unmapped).
  std::vector<std::uint32_t> roots;
};

// One rule expression to evaluate in a cell.
struct RuleRef {
  std::uint32_t rule;
  std::uint32_t root;
};

// The rules that apply to events of one logsource entry with one EventID (or whatever EventID).
//
// Most rules need some literal to be present: "CommandLine contains 'vssadmin'" AND ... can only be
// true when the CommandLine prefilter saw 'vssadmin'. Such a rule is a trigger rule: it is
// evaluated only when one of its trigger needles was hit (see RuleSetImpl::triggers), so the cost
// per event follows the needles found, not the number of rules. The other rules (negations,
// numbers, regexes without a literal) are evaluated on every event of the cell.
struct Cell {
  std::vector<RuleRef> always;
  std::vector<int> scans;  // prefilters holding this cell's trigger needles: scanned up front
};

// Rules that apply to events of one logsource entry, split by the EventID values they require.
struct Bucket {
  std::unordered_map<std::int64_t, std::uint32_t> by_event_id;  // EventID -> cell
  std::uint32_t any_event_id = 0;                               // cell for every EventID
  // Build time only: the rules added before cells are made.
  std::map<std::int64_t, std::vector<RuleRef>> pending_by_event_id;
  std::vector<RuleRef> pending_any;
};

// A trigger: when needle slot S is hit, evaluate `ref` if `cell` is one the event falls in.
struct Trigger {
  std::uint32_t cell;
  std::uint32_t ref;  // index into RuleSetImpl::trigger_refs (its evaluation stamp)
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
  // Keyword prefilters: [folded, cased] indexes or -1.
  std::array<int, 2> keyword_prefilters{-1, -1};
  std::unique_ptr<LogsourceIndex> logsource_index;
  rules::LogsourceMap logsource;
  std::vector<Bucket> buckets;  // per logsource entry
  Bucket always;                // rules without a logsource
  std::vector<Cell> cells;
  // Triggers by needle slot: triggers[trigger_begin[s], trigger_begin[s + 1]).
  std::vector<std::uint32_t> trigger_begin;
  std::vector<Trigger> triggers;
  std::vector<RuleRef> trigger_refs;
  bool needs_all_fields = false;
  RuleSetStats stats;
};

}  // namespace vigie::match
