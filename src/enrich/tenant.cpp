#include "enrich/tenant.h"

#include <algorithm>

namespace vigie::enrich {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

bool valid_tenant_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

Result<TenantRouter> TenantRouter::build(const TenantConfig& config) {
  TenantRouter r;
  for (const TenantRule& rule : config.tenants) {
    if (!valid_tenant_id(rule.tenant)) {
      return Status::error(
          "bad-tenant-id",
          "tenant id '" + rule.tenant + "' must be 1 to 64 characters of A-Z a-z 0-9 . _ -");
    }
    const int index = static_cast<int>(r.tenants_.size());
    if (!r.by_id_.emplace(rule.tenant, index).second) {
      return Status::error("duplicate-tenant", "tenant '" + rule.tenant + "' is configured twice");
    }
    r.tenants_.push_back(rule.tenant);
    for (const std::string& topic : rule.topics) {
      if (!r.by_topic_.emplace(topic, index).second) {
        return Status::error("duplicate-topic",
                             "topic '" + topic + "' is mapped to more than one tenant");
      }
    }
    for (const std::string& host : rule.syslog_hosts) {
      const std::string h = lower(host);
      const std::size_t star = h.find('*');
      if (h.empty() || (star != std::string::npos && star != 0) ||
          (star == 0 && (h.size() == 1 || h.find('*', 1) != std::string::npos))) {
        return Status::error("bad-host-pattern",
                             "syslog host '" + host + "' of tenant '" + rule.tenant +
                                 "': a hostname, or '*' followed by a suffix such as *.chu.local");
      }
      if (star == 0) {
        const std::string suffix = h.substr(1);
        for (const auto& [existing, owner] : r.by_host_suffix_) {
          if (existing == suffix) {
            return Status::error("duplicate-host",
                                 "syslog host '" + host + "' is mapped to more than one tenant");
          }
        }
        r.by_host_suffix_.emplace_back(suffix, index);
      } else if (!r.by_host_.emplace(h, index).second) {
        return Status::error("duplicate-host",
                             "syslog host '" + host + "' is mapped to more than one tenant");
      }
    }
  }
  // Longest suffix first: "*.icu.chu-a.local" wins over "*.chu-a.local".
  std::stable_sort(r.by_host_suffix_.begin(), r.by_host_suffix_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  if (!config.fallback.empty()) {
    auto it = r.by_id_.find(config.fallback);
    if (it == r.by_id_.end()) {
      if (!valid_tenant_id(config.fallback)) {
        return Status::error("bad-tenant-id",
                             "fallback tenant '" + config.fallback + "' is not a valid id");
      }
      r.fallback_ = static_cast<int>(r.tenants_.size());
      r.by_id_.emplace(config.fallback, r.fallback_);
      r.tenants_.push_back(config.fallback);
    } else {
      r.fallback_ = it->second;
    }
  }
  return r;
}

bool TenantRouter::known(std::string_view tenant) const {
  return by_id_.find(std::string(tenant)) != by_id_.end();
}

int TenantRouter::host_tenant(std::string_view host) const {
  if (host.empty()) return -1;
  const std::string h = lower(host);
  if (auto it = by_host_.find(h); it != by_host_.end()) return it->second;
  for (const auto& [suffix, index] : by_host_suffix_) {
    if (h.size() > suffix.size() &&
        h.compare(h.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return index;
    }
  }
  return -1;
}

Result<std::string_view> TenantRouter::resolve(const Origin& origin) const {
  int header = -1;
  if (!origin.header_value.empty()) {
    auto it = by_id_.find(std::string(origin.header_value));
    if (it == by_id_.end()) {
      return Status::error("unknown-tenant", "the tenant header names no configured tenant");
    }
    header = it->second;
  }
  const int host = host_tenant(origin.syslog_host);
  if (!origin.topic.empty()) {
    if (auto it = by_topic_.find(std::string(origin.topic)); it != by_topic_.end()) {
      const int topic = it->second;
      if ((header >= 0 && header != topic) || (host >= 0 && host != topic)) {
        return Status::error("tenant-conflict",
                             "the record names another tenant than its topic's '" +
                                 tenants_[static_cast<std::size_t>(topic)] + "'");
      }
      return std::string_view(tenants_[static_cast<std::size_t>(topic)]);
    }
  }
  if (header >= 0) return std::string_view(tenants_[static_cast<std::size_t>(header)]);
  if (host >= 0) return std::string_view(tenants_[static_cast<std::size_t>(host)]);
  if (fallback_ >= 0) return std::string_view(tenants_[static_cast<std::size_t>(fallback_)]);
  return Status::error("no-tenant", "no topic, header or syslog host names the tenant");
}

}  // namespace vigie::enrich
