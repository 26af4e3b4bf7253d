// LogsourceIndex: classifies events into the entries of a rules::LogsourceMap.
//
// classify() tells, for one event, which map entries' `when` conditions hold; the rule set then
// evaluates only the rules attached to those entries (LogsourceMap::entries_for). Semantics are the
// map's (see rules/logsource_map.h and docs/logsource.md):
//   - every condition of an entry must hold; a condition holds when the event's field matches any
//     of its values;
//   - '*' holds when the field is present and not null;
//   - a value matches an event string, number or bool by ASCII case-insensitive text, and an event
//     int, integral double or decimal numeric string by value when the condition value is a decimal
//     integer ("4688" matches 4688 and "4688"); a list-valued event field matches when any element
//     does; null matches no value.
//
// Cost: the entries are indexed by folded Channel value and by EventID, so classifying an event
// looks at the entries of its own (Channel, EventID) plus those that do not constrain one of them,
// whatever the size of the map. An event whose Channel or EventID is a list takes a slower path
// that checks every entry. classify() does not allocate once `out` has the capacity for the result.
//
// Thread safety: immutable after construction; classify() may run on many threads at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "event/event.h"
#include "event/field_table.h"
#include "rules/logsource_map.h"

namespace vigie::match {

class LogsourceIndex {
 public:
  // Interns every field the `when` conditions name into `fields` (the event readers must then
  // materialise them). `map` need not outlive the index; entry ids stay indices into map.entries.
  LogsourceIndex(const rules::LogsourceMap& map, event::FieldTable& fields);

  // Appends to `out` the ids (indices into map.entries, ascending) of every entry whose `when`
  // holds for `e`. Does not clear `out`.
  void classify(const event::Event& e, std::vector<std::uint32_t>& out) const;

  std::size_t entry_count() const { return entry_count_; }

 private:
  struct Want {
    std::string folded;  // the value, ASCII-folded
    bool is_int = false;
    std::int64_t number = 0;
    bool present = false;  // '*'
  };
  struct Condition {
    event::FieldId field = 0;
    std::uint32_t wants_begin = 0, wants_end = 0;  // into wants_
  };
  struct Range {
    std::uint32_t begin = 0, end = 0;
  };
  // An entry to test: its id plus the conditions the index has not already established.
  struct Candidate {
    std::uint32_t entry = 0;
    Range residual;  // into conditions_
  };
  // The entries sharing one Channel key (or not constraining Channel at all).
  struct Bucket {
    std::unordered_map<std::int64_t, Range> by_event_id;  // ranges into candidates_
    Range any_event_id;  // entries whose EventID condition is absent or not purely numeric
  };
  // Channel keys are stored folded; lookups fold while hashing, so no buffer is needed.
  struct FoldHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept;
  };
  struct FoldEq {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const noexcept {
      return rules::logsource::iequals_ascii(a, b);
    }
  };

  bool condition_holds(const Condition& c, const event::Event& e) const;
  bool value_matches(const event::Value& v, const Condition& c, const event::Event& e) const;
  void run_bucket(const Bucket& b, const event::Event& e, bool has_id, std::int64_t id,
                  std::vector<std::uint32_t>& out) const;

  std::vector<Want> wants_;
  std::vector<Condition> conditions_;
  std::vector<Candidate> candidates_;
  std::unordered_map<std::string, Bucket, FoldHash, FoldEq> by_channel_;
  Bucket any_channel_;
  // Slow path: every entry with all its conditions.
  std::vector<Range> full_;  // per entry, into conditions_
  std::size_t entry_count_ = 0;
  event::FieldId channel_id_ = 0;
  event::FieldId event_id_id_ = 0;
};

}  // namespace vigie::match
