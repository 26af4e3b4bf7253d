// Vendor formats: one function per shape a collector, gateway or application writes.
//
// Each returns the record exactly as the vendor writes it (one Kafka message / one line): the
// shapes of ../shared/formats and of the plugins' samples, which the ad, vpn and ehr plugins
// decode (tests/unit/demo/traffic_test.cpp decodes every record the traffic makes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "demo/population.h"

namespace vigie::demo {

// ---- Windows Security events (topic "ad") ----

struct WinEvent {
  std::int64_t time = 0;
  const Host* computer = nullptr;  // the machine that logged it (DC, server)
  int event_id = 0;
  bool failure = false;                                        // Audit Failure
  std::vector<std::pair<std::string_view, std::string>> data;  // EventData, in order
  void add(std::string_view name, std::string value) { data.emplace_back(name, std::move(value)); }
};

// Winlogbeat 8.x JSON as the beat ships it (no ingest pipeline): `record_id` is the host's
// EventRecordID.
std::string render_winlogbeat(const Site& site, const WinEvent& e, std::uint64_t record_id);
// NXLog im_msvistalog + to_json(): flat keys, EventTime in local (Paris) time without offset.
std::string render_nxlog(const Site& site, const WinEvent& e, std::uint64_t record_id);

// ---- VPN gateways (topic "vpn") ----

struct VpnEvent {
  enum class Kind {
    kLoginFail,      // wrong password or unknown user
    kNewConnection,  // FortiGate ssl-new-con (no user yet)
    kTunnelUp,       // the session starts: FortiGate tunnel-up; ASA 113004..722051
    kTunnelDown,     // the session ends: FortiGate tunnel-down; ASA 113019
  };
  Kind kind = Kind::kLoginFail;
  std::int64_t time = 0;
  std::string user;       // as typed / as the gateway knows it
  std::string group;      // VPN group / group policy
  std::string remote_ip;  // the client's public address
  std::string tunnel_ip;  // the pool address (up / down)
  std::uint32_t tunnel_id = 0;
  bool unknown_user = false;            // login fail: no such user
  std::int64_t duration_s = 0;          // down
  std::uint64_t bytes_to_client = 0;    // down
  std::uint64_t bytes_from_client = 0;  // down
};

// The records one VpnEvent is in the site's gateway: FortiGate writes one line per event; the
// ASA several (113004, 113008, 113039, 722022, 722051 for a session start), one second apart at
// most. Times ascend.
void render_vpn(const Site& site, const VpnEvent& e,
                std::vector<std::pair<std::int64_t, std::string>>& out);

// ---- EHR (topic "ehr") ----

struct Patient {
  std::string ipp, nda, nir;         // nir "" when the identity is not qualified (no INS)
  std::string family, given, birth;  // birth YYYYMMDD
  char sex = 'F';
  std::size_t unit = 0;
  std::int64_t admitted = 0;
};

struct EhrEvent {
  enum class Kind { kLogin, kLoginFailed, kLogout, kRead, kQuery, kBreakGlass, kPrint };
  Kind kind = Kind::kRead;
  std::int64_t time = 0;
  const Staff* user = nullptr;
  std::string_view login;  // overrides user->ehr_login when not empty
  const Host* workstation = nullptr;
  std::string client_ip;  // the workstation's, or the VPN pool address
  const Patient* patient = nullptr;
  std::string patient_unit;  // UF code of the patient's stay
  std::string session_id;
  std::uint64_t object_id = 0;  // DPI object / FHIR resource number
  std::string query_family;     // a search: the name typed (shape only reaches Vigie)
  std::string justification;    // break-glass
  int documents = 0;            // print
};

// FHIR R4 AuditEvent (IHE BALP) as the CHU's DPI exports it; `uuid_bits` makes its id.
std::string render_fhir(const Site& site, const EhrEvent& e, std::uint64_t uuid_bits);
// The Mediboard-like DPI access log (JSON lines), columns as the ehr plugin's default mapping.
std::string render_dpi_flat(const Site& site, const EhrEvent& e);

struct AdtEvent {
  enum class Kind { kAdmit, kTransfer, kDischarge };
  Kind kind = Kind::kAdmit;
  std::int64_t time = 0;
  const Patient* patient = nullptr;
  std::size_t unit = 0;        // the unit after the movement
  std::size_t prior_unit = 0;  // transfer: the unit before
  bool emergency = false;      // admitted through the emergency department
  std::string attending_rpps;  // PV1-7
  std::string attending_family, attending_given;
  std::uint64_t message_number = 0;
  std::uint64_t movement_number = 0;
};

// HL7 v2.5 ADT (IHE PAM France) from the GAM, segments separated by CR, no trailing CR.
std::string render_hl7_adt(const Site& site, const AdtEvent& e);

}  // namespace vigie::demo
