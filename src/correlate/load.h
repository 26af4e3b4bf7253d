// One call from rule sources to everything detection needs: the compiled single-event RuleSet
// and the CorrelationSet built on it, with every diagnostic of every stage. `vigie rules check`,
// `vigie hunt` and the stream processor all load through here, so they accept and reject exactly
// the same rules.
#pragma once

#include <memory>

#include "correlate/correlation_set.h"
#include "match/load.h"

namespace vigie::correlate {

struct LoadedDetection {
  std::shared_ptr<const match::RuleSet> rules;         // never null
  std::shared_ptr<const CorrelationSet> correlations;  // never null
  rules::Diagnostics diags;                            // sorted by file, line, column
  std::size_t files = 0;
  // Rules plus correlations that loaded without error.
  std::size_t loaded() const { return rules->size() + correlations->size(); }
};

LoadedDetection load_detection(const match::RuleSources& sources);

}  // namespace vigie::correlate
