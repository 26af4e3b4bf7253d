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

// The main job on the embedded default: the shipped rules over the shipped sample logs.
int demo(const std::string& data_dir);

// Where the shipped rules/ and samples live (VIGIE_HOME, else the source tree it was built from).
std::string data_dir();

}  // namespace vigie::app
