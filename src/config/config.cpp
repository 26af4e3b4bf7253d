#include "config/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "common/timestamp.h"

namespace vigie::config {
namespace {

namespace fs = std::filesystem;

class Reader {
 public:
  Reader(std::string file, LoadedConfig& out) : file_(std::move(file)), out_(out) {
    base_ = fs::path(file_).parent_path();
  }

  void error(const YAML::Node& at, std::string code, std::string message) {
    const YAML::Mark m = at.Mark();
    out_.errors.push_back({file_, m.line >= 0 ? m.line + 1 : 0, m.column >= 0 ? m.column + 1 : 0,
                           std::move(code), std::move(message)});
  }

  // Each key of `map` must be one of `allowed`.
  bool keys(const YAML::Node& map, std::string_view where,
            std::initializer_list<std::string_view> allowed) {
    if (!map.IsMap()) {
      error(map, "bad-type", std::string(where) + " must be a mapping");
      return false;
    }
    for (const auto& kv : map) {
      const std::string k = kv.first.Scalar();
      bool known = false;
      for (std::string_view a : allowed) known = known || a == k;
      if (!known) {
        std::string list;
        for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        error(kv.first, "unknown-key",
              "unknown key '" + k + "' in " + std::string(where) + " (expected one of: " + list +
                  ")");
      }
    }
    return true;
  }

  // The value of scalar `n` with ${NAME} and ${NAME:-default} replaced from the environment.
  // False (and an error naming the variable, never a value) when one is unset or malformed.
  bool scalar(const YAML::Node& n, std::string& out) {
    const std::string& raw = n.Scalar();
    std::string v;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '$' || i + 1 >= raw.size()) {
        v += raw[i];
        continue;
      }
      if (raw[i + 1] == '$') {
        v += '$';
        ++i;
        continue;
      }
      if (raw[i + 1] != '{') {
        v += raw[i];
        continue;
      }
      const std::size_t close = raw.find('}', i + 2);
      if (close == std::string::npos) {
        error(n, "bad-env", "unterminated ${ in a value");
        return false;
      }
      std::string name = raw.substr(i + 2, close - i - 2);
      std::optional<std::string> fallback;
      if (const std::size_t d = name.find(":-"); d != std::string::npos) {
        fallback = name.substr(d + 2);
        name.resize(d);
      }
      const bool valid = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
      });
      if (!valid) {
        error(n, "bad-env", "'${" + name + "}' is not an environment variable name");
        return false;
      }
      const char* env = std::getenv(name.c_str());
      if (env != nullptr && *env != '\0') {
        v += env;
      } else if (fallback) {
        v += *fallback;
      } else {
        error(n, "unset-env",
              "environment variable " + name + " is not set (use ${" + name +
                  ":-default} for a default)");
        return false;
      }
      i = close;
    }
    out = std::move(v);
    return true;
  }

  void string(const YAML::Node& map, const char* key, std::string& out) {
    const YAML::Node n = map[key];
    if (!n) return;
    if (!n.IsScalar()) {
      error(n, "bad-type", std::string(key) + " must be a string");
      return;
    }
    scalar(n, out);
  }

  void boolean(const YAML::Node& map, const char* key, bool& out) {
    const YAML::Node n = map[key];
    if (!n) return;
    std::string v;
    if (!n.IsScalar() || !scalar(n, v)) {
      if (!n.IsScalar()) error(n, "bad-type", std::string(key) + " must be true or false");
      return;
    }
    if (v == "true" || v == "yes" || v == "on") {
      out = true;
    } else if (v == "false" || v == "no" || v == "off") {
      out = false;
    } else {
      error(n, "bad-value", std::string(key) + " must be true or false");
    }
  }

  void duration(const YAML::Node& map, const char* key, std::int64_t lo_ms, std::int64_t& out) {
    const YAML::Node n = map[key];
    if (!n) return;
    std::string v;
    if (!n.IsScalar()) {
      error(n, "bad-type", std::string(key) + " must be a duration such as 500ms, 30s, 5m");
      return;
    }
    if (!scalar(n, v)) return;
    std::optional<std::int64_t> ms = parse_duration_ms(v);
    if (!ms && v.size() > 2 && v.ends_with("ms")) {
      std::int64_t n_ms = 0;
      const char* end = v.data() + v.size() - 2;
      if (auto r = std::from_chars(v.data(), end, n_ms); r.ec == std::errc() && r.ptr == end) {
        ms = n_ms;
      }
    }
    if (!ms || *ms < lo_ms) {
      error(n, "bad-value",
            std::string(key) + " must be a duration of at least " + std::to_string(lo_ms) +
                " ms, such as 500ms, 30s, 5m");
      return;
    }
    out = *ms;
  }

  void one_of(const YAML::Node& map, const char* key,
              std::initializer_list<std::string_view> allowed, std::string& out) {
    const YAML::Node n = map[key];
    std::string v = out;
    string(map, key, v);
    if (!n) return;
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      error(n, "bad-value", std::string(key) + " must be one of: " + list);
      return;
    }
    out = v;
  }

  void path(const YAML::Node& map, const char* key, std::string& out) {
    string(map, key, out);
    if (!out.empty() && fs::path(out).is_relative() && !base_.empty()) out = (base_ / out).string();
  }

  void strings(const YAML::Node& map, const char* key, std::vector<std::string>& out) {
    const YAML::Node n = map[key];
    if (!n) return;
    if (n.IsScalar()) {
      std::string v;
      if (scalar(n, v)) out.push_back(std::move(v));
      return;
    }
    if (!n.IsSequence()) {
      error(n, "bad-type", std::string(key) + " must be a string or a list of strings");
      return;
    }
    for (const YAML::Node& item : n) {
      if (!item.IsScalar()) {
        error(item, "bad-type", std::string(key) + " must list strings");
        continue;
      }
      std::string v;
      if (scalar(item, v)) out.push_back(std::move(v));
    }
  }

  void size(const YAML::Node& map, const char* key, std::size_t lo, std::size_t hi,
            std::size_t& out) {
    const YAML::Node n = map[key];
    if (!n) return;
    unsigned long long v = 0;
    std::string text;
    if (n.IsScalar() && !scalar(n, text)) return;
    const char* end = text.data() + text.size();
    if (!n.IsScalar() || text.empty() || std::from_chars(text.data(), end, v).ptr != end ||
        v < lo || v > hi) {
      error(n, "bad-value",
            std::string(key) + " must be an integer from " + std::to_string(lo) + " to " +
                std::to_string(hi));
      return;
    }
    out = static_cast<std::size_t>(v);
  }

  void read(const YAML::Node& root) {
    Config& c = out_.config;
    if (!root || root.IsNull()) return;  // an empty file: every default
    if (!keys(root, "the configuration",
              {"version", "zone", "tenant_header", "fallback_tenant", "tenants", "geoip",
               "max_record_bytes", "ehr", "kafka", "routes", "rules", "store", "processing",
               "metrics", "log"})) {
      return;
    }
    if (const YAML::Node v = root["version"]; v && (!v.IsScalar() || v.Scalar() != "1")) {
      error(v, "bad-version", "version must be 1 (the only configuration format so far)");
    }
    string(root, "zone", c.zone);
    string(root, "tenant_header", c.tenant_header);
    string(root, "fallback_tenant", c.fallback_tenant);
    size(root, "max_record_bytes", 256, std::size_t{1} << 30, c.max_record_bytes);
    if (const YAML::Node t = root["tenants"]) {
      if (!t.IsSequence()) {
        error(t, "bad-type", "tenants must be a list of establishments");
      } else {
        for (const YAML::Node& n : t) tenant(n);
      }
    }
    if (const YAML::Node g = root["geoip"]; g && keys(g, "geoip", {"country_db", "asn_db"})) {
      path(g, "country_db", c.geoip.country_db);
      path(g, "asn_db", c.geoip.asn_db);
    }
    stream(root);
    if (const YAML::Node e = root["ehr"]; e && keys(e, "ehr", {"flat_columns"})) {
      if (const YAML::Node cols = e["flat_columns"]) {
        if (!cols.IsMap()) {
          error(cols, "bad-type", "ehr.flat_columns must map a field name to a column name");
        } else {
          for (const auto& kv : cols) {
            if (!kv.second.IsScalar()) {
              error(kv.second, "bad-type", "ehr.flat_columns values must be column names");
              continue;
            }
            scalar(kv.second, c.ehr_flat_columns[kv.first.Scalar()]);
          }
        }
      }
    }
  }

  // `vigie run`'s sections.
  void stream(const YAML::Node& root) {
    Config& c = out_.config;
    if (const YAML::Node k = root["kafka"];
        k && keys(k, "kafka",
                  {"bootstrap_servers", "group_id", "properties", "dead_letter_topic",
                   "alerts_topic"})) {
      string(k, "bootstrap_servers", c.kafka.bootstrap_servers);
      string(k, "group_id", c.kafka.group_id);
      string(k, "dead_letter_topic", c.kafka.dead_letter_topic);
      string(k, "alerts_topic", c.kafka.alerts_topic);
      if (const YAML::Node p = k["properties"]) {
        if (!p.IsMap()) {
          error(p, "bad-type", "kafka.properties must map librdkafka property names to values");
        } else {
          for (const auto& kv : p) {
            std::string v;
            if (!kv.second.IsScalar()) {
              error(kv.second, "bad-type", "kafka.properties values must be strings");
            } else if (scalar(kv.second, v)) {
              c.kafka.properties.emplace_back(kv.first.Scalar(), std::move(v));
            }
          }
        }
      }
    }
    if (const YAML::Node r = root["routes"]) {
      if (!r.IsSequence()) {
        error(r, "bad-type", "routes must be a list of {topic, family, format}");
      } else {
        for (const YAML::Node& n : r) {
          if (!keys(n, "a route", {"topic", "family", "format"})) continue;
          RouteSettings route;
          route.line = n.Mark().line + 1;
          string(n, "topic", route.topic);
          one_of(n, "family", {"ad", "vpn", "ehr"}, route.family);
          string(n, "format", route.format);
          if (route.topic.empty() && !n["topic"]) error(n, "missing-key", "a route needs a topic");
          if (route.family.empty() && !n["family"])
            error(n, "missing-key", "a route needs a family (ad, vpn, ehr)");
          for (const RouteSettings& other : c.routes) {
            if (!route.topic.empty() && other.topic == route.topic)
              error(n["topic"], "duplicate-route", "topic " + route.topic + " is routed twice");
          }
          c.routes.push_back(std::move(route));
        }
      }
    }
    if (const YAML::Node r = root["rules"];
        r && keys(r, "rules", {"paths", "placeholders", "logsource_maps"})) {
      std::vector<std::string> paths;
      strings(r, "paths", paths);
      for (std::string& p : paths) c.rules.paths.push_back(resolve(p));
      path(r, "placeholders", c.rules.placeholders);
      std::vector<std::string> maps;
      strings(r, "logsource_maps", maps);
      for (std::string& m : maps) c.rules.logsource_maps.push_back(resolve(m));
    }
    if (const YAML::Node s = root["store"]; s && keys(s, "store", {"path", "sync"})) {
      path(s, "path", c.store_path);
      boolean(s, "sync", c.store_sync);
    }
    if (const YAML::Node m = root["metrics"]; m && keys(m, "metrics", {"address"})) {
      string(m, "address", c.metrics_address);
    }
    if (const YAML::Node l = root["log"]; l && keys(l, "log", {"format"})) {
      one_of(l, "format", {"text", "json"}, c.log_format);
    }
    ProcessingSettings& p = c.processing;
    if (const YAML::Node n = root["processing"];
        n && keys(n, "processing",
                  {"workers", "lateness", "batch_records", "batch_time", "queue_records",
                   "drain_timeout", "max_groups", "max_items_per_group", "max_alert_events",
                   "dead_letter_payload"})) {
      size(n, "workers", 1, 256, p.workers);
      duration(n, "lateness", 0, p.lateness_ms);
      size(n, "batch_records", 1, 10'000'000, p.batch_records);
      duration(n, "batch_time", 1, p.batch_ms);
      size(n, "queue_records", 1, 100'000'000, p.queue_records);
      duration(n, "drain_timeout", 1, p.drain_timeout_ms);
      size(n, "max_groups", 1, std::size_t{1} << 32, p.max_groups);
      size(n, "max_items_per_group", 1, std::size_t{1} << 32, p.max_items_per_group);
      size(n, "max_alert_events", 0, 100'000, p.max_alert_events);
      if (const YAML::Node d = n["dead_letter_payload"];
          d && keys(d, "processing.dead_letter_payload", {"ad", "vpn", "ehr"})) {
        for (const char* family : {"ad", "vpn", "ehr"}) {
          one_of(d, family, {"raw", "none"}, p.dead_letter_payload[family]);
        }
      }
    }
  }

  std::string resolve(const std::string& p) const {
    if (!p.empty() && fs::path(p).is_relative() && !base_.empty()) return (base_ / p).string();
    return p;
  }

  void tenant(const YAML::Node& n) {
    if (!keys(n, "a tenant",
              {"id", "name", "zone", "topics", "syslog_hosts", "key_file", "directory"})) {
      return;
    }
    TenantSettings t;
    string(n, "id", t.id);
    if (t.id.empty()) error(n, "missing-key", "a tenant needs an id (its FINESS code or a slug)");
    string(n, "name", t.name);
    string(n, "zone", t.zone);
    strings(n, "topics", t.topics);
    strings(n, "syslog_hosts", t.syslog_hosts);
    path(n, "key_file", t.key_file);
    path(n, "directory", t.directory);
    out_.config.tenants.push_back(std::move(t));
  }

 private:
  std::string file_;
  fs::path base_;
  LoadedConfig& out_;
};

}  // namespace

std::string ConfigError::to_string() const {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line) + ":" + std::to_string(column);
  return s + ": error: [" + code + "] " + message;
}

LoadedConfig parse_config(std::string_view yaml, const std::string& path) {
  LoadedConfig out;
  Reader reader(path, out);
  try {
    reader.read(YAML::Load(std::string(yaml)));
  } catch (const YAML::Exception& e) {
    out.errors.push_back({path, e.mark.line >= 0 ? e.mark.line + 1 : 0,
                          e.mark.column >= 0 ? e.mark.column + 1 : 0, "bad-yaml", e.msg});
  }
  // In the order of the file, as a reader goes through it.
  std::stable_sort(out.errors.begin(), out.errors.end(),
                   [](const ConfigError& a, const ConfigError& b) {
                     return a.line != b.line ? a.line < b.line : a.column < b.column;
                   });
  return out;
}

LoadedConfig load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadedConfig out;
    out.errors.push_back({path, 0, 0, "unreadable", "cannot read the configuration file"});
    return out;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return parse_config(buf.str(), path);
}

}  // namespace vigie::config
