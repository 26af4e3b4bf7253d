#include "correlate/load.h"

namespace vigie::correlate {

LoadedDetection load_detection(const match::RuleSources& sources) {
  match::LoadedRules loaded = match::load_rule_set(sources);
  LoadedDetection out;
  out.files = loaded.files;
  out.diags = std::move(loaded.diags);
  out.correlations =
      CorrelationSet::compile(std::move(loaded.correlations), loaded.rules, out.diags);
  out.rules = std::move(loaded.rules);
  out.diags.sort();
  return out;
}

}  // namespace vigie::correlate
