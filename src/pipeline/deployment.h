// Deployment: what the configuration file describes, built and checked once at start — each
// establishment's zone, pseudonymisation key and staff directory, the tenant router and the
// GeoIP databases. Commands and the stream processor share it.
//
// Fatal problems (an unknown zone, an unreadable key file, an unreadable directory, a GeoIP
// database that does not open, tenant routing mistakes) fail build() with a message naming the
// tenant and the file, never a secret. Row problems of a directory and "no GeoIP database" are
// warnings: the run goes on.
// Thread safety: immutable once built.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "config/config.h"
#include "enrich/directory.h"
#include "enrich/geoip.h"
#include "enrich/pseudonym.h"
#include "enrich/tenant.h"
#include "ingest/zone.h"

namespace vigie::pipeline {

// Where scripts/bootstrap.sh installs the free GeoIP country database (docs/enrichment.md); used
// when the configuration names none.
inline constexpr std::string_view kDefaultCountryDb =
    "/var/lib/vigie/geoip/geo-whois-asn-country.mmdb";

struct TenantState {
  std::string id;
  std::shared_ptr<const ingest::Zone> zone;
  std::unique_ptr<enrich::Pseudonymiser> pseudonymiser;  // null: no key configured
  std::shared_ptr<const enrich::Directory> directory;    // null: no directory configured
};

class Deployment {
 public:
  // `default_country_db`: tried when the configuration names no database (tests pass "").
  static Result<std::unique_ptr<Deployment>> build(
      const config::Config& config, std::vector<std::string>& warnings,
      std::string_view default_country_db = kDefaultCountryDb);

  // The state of a configured tenant, or nullptr.
  const TenantState* tenant(std::string_view id) const;
  // For records of no configured tenant: the global zone, no key, no directory.
  const TenantState& unconfigured() const { return unconfigured_; }
  const enrich::TenantRouter& router() const { return router_; }
  // Whether the configuration names establishments: then every record must belong to one.
  bool has_tenants() const { return !tenants_.empty(); }
  // Every configured establishment, in configuration order.
  std::vector<const TenantState*> tenant_states() const {
    std::vector<const TenantState*> out;
    for (const auto& t : tenants_) out.push_back(t.get());
    return out;
  }
  // The establishment of a record from where it came (topic, header, syslog host; see
  // enrich::TenantRouter), or a Status whose code is the reject reason ("no-tenant",
  // "unknown-tenant", "tenant-conflict").
  Result<const TenantState*> route(const enrich::Origin& origin) const;
  const enrich::GeoIp& geoip() const { return geoip_; }

 private:
  Deployment() = default;
  std::vector<std::unique_ptr<TenantState>> tenants_;
  TenantState unconfigured_;
  enrich::TenantRouter router_;
  enrich::GeoIp geoip_;
};

}  // namespace vigie::pipeline
