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
//   patient.token, .token_kind,          for an ehr event that names its patient by INS only
//   patient.token_via = ins-link         (patient.nir_token, no patient.ipp_token): the IPP token
//                                        an earlier event of the same tenant gave with that INS
//                                        (PatientLinks), so that the access compares equal to the
//                                        ADT and DPI events of the same patient
//
// VPN session start/end events (event.action session_start / session_end) update the lease
// table; ehr events that carry both an IPP and an INS token (ADT, most DPI logs) update the patient
// links. Strings written are views into the event's arena or into long-lived tables.
// Not thread-safe (the lease table changes): one Enricher per processor.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "enrich/directory.h"
#include "enrich/geoip.h"
#include "enrich/leases.h"
#include "event/event.h"
#include "event/field_table.h"

namespace vigie::enrich {

// Which local patient (IPP token) each national identity (INS token) is, per tenant, learned from
// the events that carry both. Tokens only: no identifier in clear ever enters it. Bounded: past
// `max_links`, an old link is forgotten for each new one (counted).
class PatientLinks {
 public:
  explicit PatientLinks(std::size_t max_links = 1'000'000) : max_links_(max_links) {}
  void learn(std::string_view tenant, std::string_view nir_token, std::string_view ipp_token);
  // The IPP token linked to this INS token in this tenant, or "".
  std::string_view ipp_of(std::string_view tenant, std::string_view nir_token);
  std::size_t size() const { return links_.size(); }
  // Every link as bytes (versioned), and back (see LeaseTable::snapshot).
  std::string snapshot() const;
  Status restore(std::string_view bytes);
  std::uint64_t forgotten() const { return forgotten_; }

 private:
  std::size_t max_links_;
  std::unordered_map<std::string, std::string> links_;  // tenant \0 nir token -> ipp token
  std::uint64_t forgotten_ = 0;
  std::string key_;
};

struct EnricherSetup {
  event::FieldTable* fields = nullptr;  // interned into at construction
  const GeoIp* geoip = nullptr;         // null or disabled: no GeoIP fields
  LeaseTable* leases = nullptr;         // null: no VPN attribution
  PatientLinks* patients = nullptr;     // null: no INS -> IPP linking
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
    kPatientIppToken,
    kPatientNirToken,
    kPatientToken,      // written too
    kPatientTokenKind,  // written too
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
    kPatientTokenVia,
    kCount
  };
  std::string_view text(const event::Event& e, F f) const;
  void set(event::Event& e, F f, std::string_view v, bool copy) const;
  void identity(event::Event& e, Source source, const Directory* directory);
  void vpn(event::Event& e, Source source);
  void patient(event::Event& e);

  event::FieldId ids_[kCount];
  const GeoIp* geoip_;
  LeaseTable* leases_;
  PatientLinks* patients_;
  std::string scratch_, raw_user_;
};

}  // namespace vigie::enrich
