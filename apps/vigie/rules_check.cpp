#include <cstdio>

#include "commands.h"
#include "correlate/load.h"

namespace vigie::app {

int rules_check(const CheckOptions& options) {
  correlate::LoadedDetection loaded = correlate::load_detection(
      {options.rules.paths, options.rules.placeholders, options.rules.logsource_maps});
  const rules::Diagnostics& d = loaded.diags;
  if (options.format == "json") {
    std::string out = "{\"rules_loaded\":" + std::to_string(loaded.loaded()) +
                      ",\"correlations_loaded\":" + std::to_string(loaded.correlations->size()) +
                      ",\"files\":" + std::to_string(loaded.files) +
                      ",\"errors\":" + std::to_string(d.errors()) +
                      ",\"warnings\":" + std::to_string(d.warnings()) +
                      ",\"diagnostics\":" + d.render_json() + "}\n";
    std::fputs(out.c_str(), stdout);
  } else {
    std::fputs(d.render_text().c_str(), stdout);
    std::printf("%zu rules loaded, %zu errors, %zu warnings\n", loaded.loaded(), d.errors(),
                d.warnings());
  }
  return d.errors() > 0 ? 1 : 0;
}

}  // namespace vigie::app
