#include "rules/correlation.h"

namespace vigie::rules {

const char* correlation_type_name(CorrelationType t) {
  switch (t) {
    case CorrelationType::kEventCount:
      return "event_count";
    case CorrelationType::kValueCount:
      return "value_count";
    case CorrelationType::kTemporal:
      return "temporal";
    case CorrelationType::kTemporalOrdered:
      return "temporal_ordered";
    case CorrelationType::kValueSum:
      return "value_sum";
    case CorrelationType::kValueAvg:
      return "value_avg";
    case CorrelationType::kValuePercentile:
      return "value_percentile";
  }
  return "unknown";
}

std::vector<std::string> correlation_fields(const std::vector<Correlation>& correlations) {
  std::vector<std::string> out;
  for (const Correlation& c : correlations) {
    out.insert(out.end(), c.group_by.begin(), c.group_by.end());
    out.insert(out.end(), c.fields.begin(), c.fields.end());
    for (const CorrelationAlias& a : c.aliases) {
      for (const auto& [ref, field] : a.fields) out.push_back(field);
    }
  }
  return out;
}

}  // namespace vigie::rules
