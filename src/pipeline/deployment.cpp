#include "pipeline/deployment.h"

#include <filesystem>

namespace vigie::pipeline {

Result<std::unique_ptr<Deployment>> Deployment::build(const config::Config& config,
                                                      std::vector<std::string>& warnings,
                                                      std::string_view default_country_db) {
  std::unique_ptr<Deployment> d(new Deployment());
  enrich::TenantConfig routing;
  routing.header = config.tenant_header;
  routing.fallback = config.fallback_tenant;
  for (const config::TenantSettings& t : config.tenants) {
    routing.tenants.push_back({t.id, t.topics, t.syslog_hosts});
  }
  Result<enrich::TenantRouter> router = enrich::TenantRouter::build(routing);
  if (!router.ok()) return router.status();
  d->router_ = std::move(*router);

  auto zone = [](const std::string& name,
                 const std::string& who) -> Result<std::shared_ptr<const ingest::Zone>> {
    Result<std::shared_ptr<const ingest::Zone>> z = ingest::load_zone(name);
    if (!z.ok())
      return Status::error(z.status().code(), who + ": zone " + name + ": " + z.status().message());
    return z;
  };
  Result<std::shared_ptr<const ingest::Zone>> global = zone(config.zone, "configuration");
  if (!global.ok()) return global.status();
  d->unconfigured_.zone = *global;

  for (const config::TenantSettings& t : config.tenants) {
    auto s = std::make_unique<TenantState>();
    s->id = t.id;
    const std::string who = "tenant " + t.id;
    if (t.zone.empty()) {
      s->zone = *global;
    } else {
      Result<std::shared_ptr<const ingest::Zone>> z = zone(t.zone, who);
      if (!z.ok()) return z.status();
      s->zone = *z;
    }
    if (!t.key_file.empty()) {
      auto p = enrich::Pseudonymiser::load(t.id, t.key_file);
      if (!p.ok()) return Status::error(p.status().code(), who + ": " + p.status().message());
      s->pseudonymiser = std::move(*p);
    }
    if (!t.directory.empty()) {
      std::vector<enrich::Diagnostic> diags;
      auto dir = enrich::Directory::load(t.directory, s->pseudonymiser.get(), diags);
      for (const enrich::Diagnostic& diag : diags)
        warnings.push_back(who + ": " + diag.to_string());
      if (!dir.ok()) return Status::error(dir.status().code(), who + ": " + dir.status().message());
      s->directory = *dir;
    }
    d->tenants_.push_back(std::move(s));
  }

  std::string country = config.geoip.country_db;
  if (country.empty() && !default_country_db.empty() &&
      std::filesystem::exists(std::string(default_country_db))) {
    country = default_country_db;
  }
  Result<enrich::GeoIp> geo = enrich::GeoIp::open(country, config.geoip.asn_db);
  if (!geo.ok()) return geo.status();
  d->geoip_ = std::move(*geo);
  if (!d->geoip_.enabled()) {
    warnings.push_back("no GeoIP database (geoip.country_db in the configuration, or " +
                       std::string(default_country_db.empty() ? "none" : default_country_db) +
                       "): source.geo.* fields are not set");
  }
  return d;
}

Result<const TenantState*> Deployment::route(const enrich::Origin& origin) const {
  Result<std::string_view> id = router_.resolve(origin);
  if (!id.ok()) return id.status();
  const TenantState* t = tenant(*id);
  if (t == nullptr) return Status::error("no-tenant", "the router named an unconfigured tenant");
  return t;
}

const TenantState* Deployment::tenant(std::string_view id) const {
  for (const auto& t : tenants_) {
    if (t->id == id) return t.get();
  }
  return nullptr;
}

}  // namespace vigie::pipeline
