#include "config/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

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

  void string(const YAML::Node& map, const char* key, std::string& out) {
    const YAML::Node n = map[key];
    if (!n) return;
    if (!n.IsScalar()) {
      error(n, "bad-type", std::string(key) + " must be a string");
      return;
    }
    out = n.Scalar();
  }

  void path(const YAML::Node& map, const char* key, std::string& out) {
    string(map, key, out);
    if (!out.empty() && fs::path(out).is_relative() && !base_.empty()) out = (base_ / out).string();
  }

  void strings(const YAML::Node& map, const char* key, std::vector<std::string>& out) {
    const YAML::Node n = map[key];
    if (!n) return;
    if (n.IsScalar()) {
      out.push_back(n.Scalar());
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
      out.push_back(item.Scalar());
    }
  }

  void size(const YAML::Node& map, const char* key, std::size_t lo, std::size_t hi,
            std::size_t& out) {
    const YAML::Node n = map[key];
    if (!n) return;
    unsigned long long v = 0;
    if (!n.IsScalar() || !YAML::convert<unsigned long long>::decode(n, v) || v < lo || v > hi) {
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
               "max_record_bytes", "ehr"})) {
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
            c.ehr_flat_columns[kv.first.Scalar()] = kv.second.Scalar();
          }
        }
      }
    }
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
