// TenantRouter: which establishment (tenant) a record belongs to, from where it came.
//
// A regional SOC receives the logs of many establishments, sometimes on one topic per
// establishment, sometimes on shared topics with a Kafka header naming the establishment, and
// often through syslog relays where only the sending host tells them apart. The router turns
// those facts into a tenant id, with the walls first:
//
//   1. A topic mapped to a tenant decides. A header or syslog host that names ANOTHER known
//      tenant is a conflict (reject "tenant-conflict"): a producer on one establishment's topic
//      cannot write into another's.
//   2. Else the tenant header, when its value is a known tenant (an unknown value is a reject
//      "unknown-tenant", never a new tenant).
//   3. Else the syslog host (exact, case-insensitive, or a "*" glob such as "*.chu-a.local").
//   4. Else the fallback tenant, when configured; else reject "no-tenant".
//
// Tenant ids are 1 to 64 bytes of [A-Za-z0-9._-] (a FINESS code such as "010000099", or a slug).
// Thread safety: immutable once built; resolve() may be called from any thread.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"

namespace vigie::enrich {

struct TenantRule {
  std::string tenant;
  std::vector<std::string> topics;        // Kafka topics holding only this tenant's records
  std::vector<std::string> syslog_hosts;  // hostnames (or globs with '*') of its devices
};

struct TenantConfig {
  std::vector<TenantRule> tenants;
  std::string header = "vigie-tenant";  // the Kafka header naming the tenant on shared topics
  std::string fallback;                 // tenant of records nothing names; empty: reject them
};

// Where a record came from; empty views are "not known".
struct Origin {
  std::string_view topic;
  std::string_view header_value;  // the value of TenantConfig::header on the message
  std::string_view syslog_host;   // the HOSTNAME of its syslog header
};

class TenantRouter {
 public:
  // Errors (Status codes): "bad-tenant-id" (empty, too long, or a byte outside the set),
  // "duplicate-tenant", "duplicate-topic" (a topic mapped to two tenants), "duplicate-host",
  // "bad-host-pattern" (empty, or '*' anywhere but at the start). Messages name the entry.
  static Result<TenantRouter> build(const TenantConfig& config);

  // The tenant of a record, or a Status whose code is the reject reason ("tenant-conflict",
  // "unknown-tenant", "no-tenant"). The view points into the router.
  Result<std::string_view> resolve(const Origin& origin) const;

  bool known(std::string_view tenant) const;
  const std::vector<std::string>& tenants() const { return tenants_; }

 private:
  // Index into tenants_ of the tenant a host maps to, or -1.
  int host_tenant(std::string_view host) const;

  std::vector<std::string> tenants_;
  std::unordered_map<std::string, int> by_id_;
  std::unordered_map<std::string, int> by_topic_;
  std::unordered_map<std::string, int> by_host_;             // lower-cased exact hosts
  std::vector<std::pair<std::string, int>> by_host_suffix_;  // "*.x" globs: lower-cased ".x"
  int fallback_ = -1;
};

// Whether `id` is a valid tenant id (see above).
bool valid_tenant_id(std::string_view id);

}  // namespace vigie::enrich
