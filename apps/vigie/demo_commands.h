// The demo's hidden subcommands (apps/vigie/demo_traffic.cpp).
#pragma once

#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace vigie::app {

struct DemoTrafficOptions {
  std::string out;  // folder to write into
  std::uint64_t seed = 42;
  std::uint64_t events = 200'000;
  bool no_attacks = false;
};

// Registers `vigie demo-traffic` (hidden: a tool for tests and rule authors) on `app`, its options
// going to `options`; returns the subcommand.
CLI::App* add_demo_traffic_command(CLI::App& app, DemoTrafficOptions& options);

// `vigie demo-traffic --out DIR [--seed N] [--events N] [--no-attacks]`: writes the demo's
// deployment (DIR/config.yaml and the files it names), a day of the demo traffic as one file per
// establishment (DIR/<tenant>.log, records in event order, one per line, readable by
// `vigie hunt --config DIR/config.yaml --tenant <tenant> --input DIR/<tenant>.log`), the same
// records split by topic (DIR/<tenant>/{ad,vpn,ehr}.log, for `vigie produce`) and
// DIR/stories.json (the stories injected and the rules each should trigger). Each log starts with
// a comment line, so that auto-detection reads it line by line. Exit status 0, 1 when a file
// cannot be written, 2 on bad usage.
int demo_traffic(const DemoTrafficOptions& options);

}  // namespace vigie::app
