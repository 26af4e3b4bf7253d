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

}  // namespace vigie::rules
