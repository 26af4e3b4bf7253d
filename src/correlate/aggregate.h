// The aggregate of a correlation window, maintained as events enter and leave it.
//
// Windows slide over a group's events sorted by time; the engine adds events at the window's end
// and removes them at its start, so each kind keeps what it needs to answer in O(1) or O(log n):
// a count, a multiset of distinct values, per-input counts, a running sum, a sorted sample.
// temporal_ordered is recomputed from the window (greedy, linear). Internal to correlate/.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rules/correlation.h"

namespace vigie::correlate {

// The events behind a result a chained correlation consumes.
struct ChainRefs {
  std::vector<std::uint64_t> refs;  // the result's event references (capped)
  std::uint64_t count = 0;          // the result's event count
};

// What one event of a window contributes, beside its time: 32 bytes, cheap to move as windows
// slide. A counted value is an id in its correlation's ValuePool, not a string of its own.
struct Payload {
  static constexpr std::uint32_t kNoValue = ~0u;
  std::uint64_t inputs = 0;          // temporal types: bit k = the event matched `rules[k]`
  double number = 0;                 // value_sum / value_avg / value_percentile
  std::uint32_t value = kNoValue;    // value_count: the value (tuple) counted, as a ValuePool id
  std::unique_ptr<ChainRefs> chain;  // chained input only
};

// The distinct values (value_count tuples) a correlation's windows hold, each stored once with a
// reference count: a window compares small ids, and a value seen in many groups (a host name,
// a country) costs its bytes once. Ids are dense and reused once released.
class ValuePool {
 public:
  std::uint32_t acquire(std::string_view value);  // the value's id; one more reference
  void release(std::uint32_t id);                 // one reference less; forgotten at zero
  std::string_view text(std::uint32_t id) const { return *entries_[id].text; }
  std::size_t bytes() const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Entry {
    const std::string* text = nullptr;  // the key in ids_ (nodes do not move)
    std::uint32_t refs = 0;
  };
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> ids_;
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> free_;
};

class Aggregate {
 public:
  Aggregate(rules::CorrelationType type, double percentile) : type_(type), pct_(percentile) {}

  void reset();
  // `p` is null for event_count without chained inputs (no payload kept).
  void add(const Payload* p);
  void remove(const Payload* p);
  // The aggregate over the events added and not removed. `window` is the same events' payloads
  // in time order (used by temporal_ordered, the one kind that depends on order).
  double value(std::span<const Payload> window) const;

 private:
  rules::CorrelationType type_;
  double pct_;
  std::uint64_t n_ = 0;
  double sum_ = 0;
  std::vector<std::uint32_t> value_counts_;  // by ValuePool id
  std::vector<std::uint32_t> touched_;       // ids counted since reset()
  std::uint32_t distinct_ = 0;
  std::uint32_t input_count_[64] = {};
  std::uint32_t inputs_present_ = 0;
  std::vector<double> sorted_;
};

// Linear interpolation between closest ranks (numpy's default, Excel PERCENTILE.INC):
// rank = pct / 100 * (n - 1) over the sorted values. NaN for no values.
double percentile_of_sorted(std::span<const double> sorted, double pct);

}  // namespace vigie::correlate
