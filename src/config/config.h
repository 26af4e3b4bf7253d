// The deployment configuration of Vigie: establishments (tenants) and how their records are
// routed, their time zones, pseudonymisation keys and staff directories, GeoIP databases and
// decoder settings. One YAML file (docs/configuration.md), read once at start (and on reload).
//
// Every problem is collected, not thrown at the first: unknown keys (a typo must not silently
// disable a setting), wrong types, bad values, each with file:line:col. Relative paths in the
// file are resolved against the file's folder. The file holds paths to secrets (key files), never
// secrets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigie::config {

struct TenantSettings {
  std::string id;    // FINESS code or slug: 1-64 of [A-Za-z0-9._-]
  std::string name;  // for people, optional
  std::string zone;  // IANA zone of its devices' local timestamps; empty = the global zone
  std::vector<std::string> topics;        // Kafka topics holding only its records
  std::vector<std::string> syslog_hosts;  // its devices' syslog HOSTNAMEs ("*.suffix" globs)
  std::string key_file;                   // pseudonymisation key (docs/privacy.md)
  std::string directory;                  // staff directory, CSV or JSON lines (docs/identity.md)
};

struct GeoipSettings {
  std::string country_db;  // MaxMind-format database with country codes; empty = no GeoIP
  std::string asn_db;      // MaxMind-format ASN database; may be the same file as country_db
};

// The stream processor's Kafka side (`vigie run`; docs/operations.md).
struct KafkaSettings {
  std::string bootstrap_servers;  // "host:port,..."; "embedded": an in-process mock cluster
  std::string group_id = "vigie";
  // librdkafka properties, passed through unchanged (security.protocol, sasl.*, ssl.*...), in
  // file order; they override Vigie's defaults.
  std::vector<std::pair<std::string, std::string>> properties;
  std::string dead_letter_topic;  // empty: rejects are counted and logged (reason only)
  std::string alerts_topic;       // empty: alerts go only to the store
};

// Which decoder reads a topic.
struct RouteSettings {
  std::string topic;
  std::string family;           // ad, vpn or ehr
  std::string format = "auto";  // a format of the family (`vigie decode --list-formats`), or auto
  int line = 0;                 // where the route is written, for later diagnostics
};

struct RuleSettings {
  std::vector<std::string> paths;
  std::string placeholders;
  std::vector<std::string> logsource_maps;
};

struct ProcessingSettings {
  std::size_t workers = 2;                    // processing threads; partitions are spread on them
  std::int64_t lateness_ms = 5 * 60 * 1000;   // correlation: allowed lateness of event time
  std::size_t batch_records = 5000;           // a micro-batch ends after this many records...
  std::int64_t batch_ms = 500;                // ...or this long, whichever first
  std::size_t queue_records = 20000;          // records waiting per worker (backpressure)
  std::int64_t drain_timeout_ms = 30 * 1000;  // SIGTERM: finish, write and leave within this
  std::size_t max_groups = 100'000;           // correlation limits (correlate::Limits)
  std::size_t max_items_per_group = 10'000;
  std::size_t max_alert_events = 32;
  // What a dead letter carries of the record, per family: "raw" or "none". The EHR default is
  // none: its records name patients.
  std::map<std::string, std::string> dead_letter_payload = {
      {"ad", "raw"}, {"vpn", "raw"}, {"ehr", "none"}};
};

struct Config {
  std::string zone = "Europe/Paris";
  std::string tenant_header = "vigie-tenant";
  std::string fallback_tenant;
  std::vector<TenantSettings> tenants;
  GeoipSettings geoip;
  std::size_t max_record_bytes = 1 << 20;
  // ehr vendor flat access log: normalised field name -> the vendor's column (docs/sources.md).
  std::map<std::string, std::string> ehr_flat_columns;

  // `vigie run` (the stream processor); other commands ignore them.
  KafkaSettings kafka;
  std::vector<RouteSettings> routes;
  RuleSettings rules;
  std::string store_path;           // RocksDB directory of alerts, state and offsets
  bool store_sync = true;           // fsync every commit (survives power loss)
  std::string metrics_address;      // host:port of /metrics, /healthz, /readyz; empty: none
  std::string log_format = "text";  // text | json
  ProcessingSettings processing;
};

struct ConfigError {
  std::string file;
  int line = 0;    // 1-based; 0 when the error is about the whole file
  int column = 0;  // 1-based
  std::string code;
  std::string message;
  // "FILE:LINE:COL: error: [code] message"
  std::string to_string() const;
};

struct LoadedConfig {
  Config config;
  std::vector<ConfigError> errors;  // empty: the configuration is usable
  bool ok() const { return errors.empty(); }
};

// Values may name environment variables: ${NAME} (an error when unset) or ${NAME:-default}; $$ is
// a literal $. Reads and checks the file at `path`.
LoadedConfig load_config(const std::string& path);
// Checks `yaml` as if read from `path` (which only names it in errors and anchors relative paths).
LoadedConfig parse_config(std::string_view yaml, const std::string& path);

}  // namespace vigie::config
