// `vigie demo`: the main job on the embedded default. Until the stream processor exists, it hunts
// with the shipped rules over the shipped sample logs and prints the detections.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "commands.h"

namespace vigie::app {

std::string data_dir() {
  if (const char* home = std::getenv("VIGIE_HOME"); home != nullptr && *home != '\0') return home;
#ifdef VIGIE_SOURCE_DIR
  return VIGIE_SOURCE_DIR;
#else
  return ".";
#endif
}

int demo(const std::string& home) {
  namespace fs = std::filesystem;
  fs::path rules = fs::path(home) / "rules";
  fs::path samples = fs::path(home) / "plugins" / "ad" / "samples";
  std::error_code ec;
  if (!fs::is_directory(rules, ec) || !fs::is_directory(samples, ec)) {
    std::fprintf(stderr,
                 "vigie demo: %s has no rules/ or plugins/ad/samples/ (set --home or VIGIE_HOME)\n",
                 home.c_str());
    return 2;
  }
  int status = 0;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(samples, ec)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    std::printf("\n== %s\n", f.filename().c_str());
    std::fflush(stdout);
    HuntOptions h;
    h.rules.paths = {rules.string()};
    h.input = f.string();
    h.output = "text";
    int s = hunt(h);
    if (s != 0) status = s;
  }
  return status;
}

}  // namespace vigie::app
