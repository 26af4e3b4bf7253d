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
#include <map>
#include <string>
#include <string_view>
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

struct Config {
  std::string zone = "Europe/Paris";
  std::string tenant_header = "vigie-tenant";
  std::string fallback_tenant;
  std::vector<TenantSettings> tenants;
  GeoipSettings geoip;
  std::size_t max_record_bytes = 1 << 20;
  // ehr vendor flat access log: normalised field name -> the vendor's column (docs/sources.md).
  std::map<std::string, std::string> ehr_flat_columns;
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

// Reads and checks the file at `path`.
LoadedConfig load_config(const std::string& path);
// Checks `yaml` as if read from `path` (which only names it in errors and anchors relative paths).
LoadedConfig parse_config(std::string_view yaml, const std::string& path);

}  // namespace vigie::config
