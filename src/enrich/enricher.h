// Enricher: what a decoded event gains from outside the record — the canonical identity and the
// person behind the user (the tenant's staff directory), the country and network of the source
// address (GeoIP), and, for an address of a VPN pool, the VPN session that held it.
//
// It reads the common core fields decoders set (docs/schemas.md): user.name, user.domain,
// user.id, source.ip, event.action, and for VPN events vpn.user, vpn.assigned_ip,
// vpn.session_id. It writes:
//
//   user.canonical, user.kind            canonical form and kind (user, machine, well-known,
//                                        nobody) of the raw user (enrich/identity.h)
//   user.person, user.unit,              the directory's person id and unit when the user resolves
//   user.resolution                      at the event's time; the resolution outcome otherwise
//   source.ip_class                      public, private, loopback... (enrich/geoip.h)
//   source.geo.country_iso_code,         GeoIP of a public source.ip, when a database is open
//   source.as.number, source.as.organization.name
//   vpn.session.user, .public_ip,        for a non-VPN event whose source.ip was leased by a VPN
//   .country, .id                        session at the event's time (same tenant)
//
// VPN session start/end events (event.action session_start / session_end) update the lease
// table. Strings written are views into the event's arena or into long-lived tables.
// Not thread-safe (the lease table changes): one Enricher per processor.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "enrich/directory.h"
#include "enrich/geoip.h"
#include "enrich/leases.h"
#include "event/event.h"
#include "event/field_table.h"

namespace vigie::enrich {

struct EnricherSetup {
  event::FieldTable* fields = nullptr;  // interned into at construction
  const GeoIp* geoip = nullptr;         // null or disabled: no GeoIP fields
  LeaseTable* leases = nullptr;         // null: no VPN attribution
};

class Enricher {
 public:
  explicit Enricher(const EnricherSetup& setup);

  // `directory` is the event's tenant's (null: no directory); `source` the family decoded.
  void enrich(event::Event& e, Source source, const Directory* directory);

  static std::span<const std::string_view> fields();

 private:
  enum F : std::uint8_t {
    // read
    kUserName,
    kUserDomain,
    kUserId,
    kSourceIp,
    kAction,
    kVpnUser,
    kVpnAssignedIp,
    kVpnSessionId,
    // written
    kUserCanonical,
    kUserKind,
    kUserPerson,
    kUserUnit,
    kUserResolution,
    kIpClass,
    kCountry,
    kAsNumber,
    kAsOrg,
    kSessionUser,
    kSessionPublicIp,
    kSessionCountry,
    kSessionId,
    kCount
  };
  std::string_view text(const event::Event& e, F f) const;
  void set(event::Event& e, F f, std::string_view v, bool copy) const;
  void identity(event::Event& e, Source source, const Directory* directory);
  void vpn(event::Event& e, Source source);

  event::FieldId ids_[kCount];
  const GeoIp* geoip_;
  LeaseTable* leases_;
  std::string scratch_, raw_user_;
};

}  // namespace vigie::enrich
