// Subcommands of the `vigie` binary. Each returns the process exit status:
// 0 success, 1 the command's own failure (rule errors, failed checks), 2 bad usage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::app {

struct RuleOptions {
  std::vector<std::string> paths;
  std::string placeholders;
  std::vector<std::string> logsource_maps;
};

struct CheckOptions {
  RuleOptions rules;
  std::string format = "text";  // text | json
};
int rules_check(const CheckOptions& options);

struct HuntOptions {
  RuleOptions rules;
  std::string input;            // file or "-"
  std::string format = "auto";  // auto, flat, evtx-json, winlogbeat, or a plugin format name
  std::string zone;    // for timestamps written without an offset (empty: --config's, else Paris)
  std::string config;  // deployment configuration (tenants' directories, GeoIP)
  std::string received_at;       // reference time for year-less timestamps (default: file mtime)
  std::string output = "jsonl";  // jsonl | text
  std::size_t max_line_bytes = 1 << 20;
  bool strict = false;                  // rule errors are fatal
  std::string tenant_field = "tenant";  // the event field naming its establishment
  std::string tenant;  // the establishment of every record (its zone, key and directory apply)
  std::int64_t lateness_ms = 5 * 60 * 1000;  // correlation: allowed lateness of event time
  bool quiet_summary = false;
};
int hunt(const HuntOptions& options);

struct DecodeOptions {
  std::string family;              // ad | vpn | ehr
  std::string format = "auto";     // a format name of the family (see --list-formats), or auto
  std::string input;               // file or "-"
  std::string tenant;              // the establishment every event gets
  std::string zone;                // for timestamps written without an offset (empty: config, else
                                   // Europe/Paris)
  std::string config;              // deployment configuration file (docs/configuration.md)
  std::string received_at;         // reference time for year-less timestamps (default: file mtime)
  std::size_t max_line_bytes = 0;  // 0: the configuration's max_record_bytes (default 1 MiB)
  bool list_formats = false;
};
// Exit status: 0 every record decoded, 1 some were rejected (each reported on stderr), 2 usage.
int decode_logs(const DecodeOptions& options);

// The receive time to assume for the records of `input` (a file or "-"): `received_at` when given
// (an RFC 3339 timestamp), else the file's modification time, else now. Year-less timestamps (BSD
// syslog) take the year that puts them closest to it. Milliseconds since the epoch; nullopt when
// `received_at` is not a timestamp.
std::optional<std::int64_t> input_received_ms(const std::string& input,
                                              const std::string& received_at);

struct RunOptions {
  std::string config;        // vigie.yaml (docs/operations.md)
  bool check = false;        // validate everything and exit
  bool stop_at_end = false;  // drain and exit once every partition is read to its end
};
// The stream processor. Exit status: 0 stopped by SIGTERM/SIGINT after draining, 1 fatal error
// (store write, Kafka), 2 configuration errors (each printed with file:line:col).
int run(const RunOptions& options);

struct AlertsListOptions {
  std::string store;  // the store folder (store.path of vigie.yaml)
  std::string tenant, rule, status, since;
  std::size_t limit = 100;
  std::string format = "table";  // table | json
};
// Reads the store read-only: works while `vigie run` writes it.
int alerts_list(const AlertsListOptions& options);

struct DemoOptions {
  std::string home;                // holds rules/ (data_dir())
  std::uint64_t seed = 42;         // the simulated traffic
  std::uint64_t events = 300'000;  // records of the simulated day
  double duration_s = 50;          // stop producing after this long (wall clock)
  double rate = 0;                 // records produced per second; 0: as fast as processed
  std::string store;               // work folder (store, configuration, log); default ./vigie-demo
};
// The main job on the embedded default: a mock Kafka cluster, simulated hospital traffic with
// attack stories, the stream processor with the shipped rules, and the alerts it stored.
int demo(const DemoOptions& options);

// Where the shipped rules/ and samples live (VIGIE_HOME, else the source tree it was built from).
std::string data_dir();

}  // namespace vigie::app
