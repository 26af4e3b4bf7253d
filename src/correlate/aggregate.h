// The aggregate of a correlation window, maintained as events enter and leave it.
//
// Windows slide over a group's events sorted by time; the engine adds events at the window's end
// and removes them at its start, so each kind keeps what it needs to answer in O(1) or O(log n):
// a count, a multiset of distinct values, per-input counts, a running sum, a sorted sample.
// temporal_ordered is recomputed from the window (greedy, linear). Internal to correlate/.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rules/correlation.h"

namespace vigie::correlate {

// What one event of a window contributes, beside its time.
struct Payload {
  std::string value;                // value_count: the value (tuple) counted
  double number = 0;                // value_sum / value_avg / value_percentile
  std::uint64_t inputs = 0;         // temporal types: bit k = the event matched `rules[k]`
  std::vector<std::uint64_t> refs;  // chained input: the result's event references
  std::uint64_t ref_count = 0;      // chained input: the result's event count
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
  std::unordered_map<std::string_view, std::uint32_t> distinct_;
  std::uint32_t input_count_[64] = {};
  std::uint32_t inputs_present_ = 0;
  std::vector<double> sorted_;
};

// Linear interpolation between closest ranks (numpy's default, Excel PERCENTILE.INC):
// rank = pct / 100 * (n - 1) over the sorted values. NaN for no values.
double percentile_of_sorted(std::span<const double> sorted, double pct);

}  // namespace vigie::correlate
