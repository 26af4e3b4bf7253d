#include "correlate/aggregate.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace vigie::correlate {

using rules::CorrelationType;

double percentile_of_sorted(std::span<const double> sorted, double pct) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  double rank = pct / 100.0 * static_cast<double>(sorted.size() - 1);
  auto lo = static_cast<std::size_t>(std::floor(rank));
  if (lo + 1 >= sorted.size()) return sorted.back();
  double frac = rank - static_cast<double>(lo);
  return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

void Aggregate::reset() {
  n_ = 0;
  sum_ = 0;
  distinct_.clear();
  std::fill(std::begin(input_count_), std::end(input_count_), 0u);
  inputs_present_ = 0;
  sorted_.clear();
}

void Aggregate::add(const Payload* p) {
  ++n_;
  if (p == nullptr) return;
  switch (type_) {
    case CorrelationType::kEventCount:
    case CorrelationType::kTemporalOrdered:
      break;
    case CorrelationType::kValueCount:
      ++distinct_[p->value];
      break;
    case CorrelationType::kTemporal:
      for (std::uint64_t m = p->inputs; m != 0; m &= m - 1) {
        if (input_count_[std::countr_zero(m)]++ == 0) ++inputs_present_;
      }
      break;
    case CorrelationType::kValueSum:
    case CorrelationType::kValueAvg:
      sum_ += p->number;
      break;
    case CorrelationType::kValuePercentile:
      sorted_.insert(std::upper_bound(sorted_.begin(), sorted_.end(), p->number), p->number);
      break;
  }
}

void Aggregate::remove(const Payload* p) {
  --n_;
  if (p == nullptr) return;
  switch (type_) {
    case CorrelationType::kEventCount:
    case CorrelationType::kTemporalOrdered:
      break;
    case CorrelationType::kValueCount: {
      auto it = distinct_.find(p->value);
      if (it != distinct_.end() && --it->second == 0) distinct_.erase(it);
      break;
    }
    case CorrelationType::kTemporal:
      for (std::uint64_t m = p->inputs; m != 0; m &= m - 1) {
        if (--input_count_[std::countr_zero(m)] == 0) --inputs_present_;
      }
      break;
    case CorrelationType::kValueSum:
    case CorrelationType::kValueAvg:
      sum_ -= p->number;
      break;
    case CorrelationType::kValuePercentile: {
      auto it = std::lower_bound(sorted_.begin(), sorted_.end(), p->number);
      if (it != sorted_.end() && *it == p->number) sorted_.erase(it);
      break;
    }
  }
}

double Aggregate::value(std::span<const Payload> window) const {
  switch (type_) {
    case CorrelationType::kEventCount:
      return static_cast<double>(n_);
    case CorrelationType::kValueCount:
      return static_cast<double>(distinct_.size());
    case CorrelationType::kTemporal:
      return static_cast<double>(inputs_present_);
    case CorrelationType::kTemporalOrdered: {
      // Longest prefix of `rules` matched in order; an event advances it by one step at most.
      int next = 0;
      for (const Payload& p : window) {
        if (next < 64 && (p.inputs >> next) & 1u) ++next;
      }
      return next;
    }
    case CorrelationType::kValueSum:
      return sum_;
    case CorrelationType::kValueAvg:
      return n_ == 0 ? std::numeric_limits<double>::quiet_NaN() : sum_ / static_cast<double>(n_);
    case CorrelationType::kValuePercentile:
      return percentile_of_sorted(sorted_, pct_);
  }
  return 0;
}

}  // namespace vigie::correlate
