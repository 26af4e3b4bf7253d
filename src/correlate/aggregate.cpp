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

std::uint32_t ValuePool::acquire(std::string_view value) {
  auto it = ids_.find(value);
  if (it == ids_.end()) {
    std::uint32_t id;
    if (free_.empty()) {
      id = static_cast<std::uint32_t>(entries_.size());
      entries_.emplace_back();
    } else {
      id = free_.back();
      free_.pop_back();
    }
    it = ids_.emplace(std::string(value), id).first;
    entries_[id].text = &it->first;
  }
  ++entries_[it->second].refs;
  return it->second;
}

void ValuePool::release(std::uint32_t id) {
  Entry& e = entries_[id];
  if (--e.refs > 0) return;
  ids_.erase(*e.text);
  e.text = nullptr;
  free_.push_back(id);
}

std::size_t ValuePool::bytes() const {
  std::size_t n = entries_.capacity() * sizeof(Entry) + free_.capacity() * sizeof(std::uint32_t) +
                  ids_.bucket_count() * sizeof(void*);
  for (const auto& [text, id] : ids_) {
    n += sizeof(std::string) + sizeof(std::uint32_t) + 2 * sizeof(void*);  // node
    if (text.capacity() > 15) n += text.capacity() + 1;
  }
  return n;
}

void Aggregate::reset() {
  n_ = 0;
  sum_ = 0;
  for (std::uint32_t id : touched_) value_counts_[id] = 0;
  touched_.clear();
  distinct_ = 0;
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
      if (p->value == Payload::kNoValue) break;
      if (p->value >= value_counts_.size()) value_counts_.resize(p->value + std::size_t{1}, 0);
      if (value_counts_[p->value]++ == 0) {
        ++distinct_;
        touched_.push_back(p->value);
      }
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
    case CorrelationType::kValueCount:
      if (p->value < value_counts_.size() && value_counts_[p->value] > 0 &&
          --value_counts_[p->value] == 0) {
        --distinct_;
      }
      break;
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
      return static_cast<double>(distinct_);
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
