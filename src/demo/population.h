// The simulated establishments: units, workstations, servers, staff and their accounts.
//
// Everything here is made once from the seed (no per-event state) and is the single source of
// truth for both the traffic (who logs on where, which VPN user, which EHR login) and the staff
// directory that write_demo_config() writes: the names an event carries always resolve in the
// directory, except where a story wants otherwise.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "demo/traffic.h"

namespace vigie::demo {

enum class AdFormat { kWinlogbeat, kNxlog };
enum class VpnVendor { kFortigate, kCiscoAsa };
enum class EhrFormat { kFhir, kDpiFlat };

enum class UnitKind {
  kWard,
  kEmergency,
  kIcu,
  kTheatre,
  kLab,
  kImaging,
  kPharmacy,
  kDim,
  kAdmissions,
  kDirection,
  kIt
};

enum class Role {
  kPhysician,
  kNurse,
  kCareAssistant,
  kSecretary,
  kPharmacist,
  kPharmacyTech,
  kCoder,
  kAdmissions,
  kAdministration,
  kIt,
  kLabTech,
  kRadiographer,
};

enum class Shift { kDay, kMorning, kAfternoon, kNight };

struct Unit {
  std::string code;  // UF code, e.g. "2201"
  std::string name;  // "Cardiologie"
  std::string abbr;  // "CARD": workstation names
  UnitKind kind;
  int beds = 0;                           // wards: patients in care at a time
  std::vector<std::size_t> workstations;  // indices into Site::workstations
};

struct Host {
  std::string name;  // "PC-CARD-07", "DC01"
  std::string ip;    // "10.20.31.27"
  std::size_t unit = 0;
};

struct ServiceAccount {
  std::string name;  // sAMAccountName: "svc_sql"
  std::string spn;   // "MSSQLSvc/srv-sql01.chu-rives.local:1433"
  std::string sid;
  bool rc4_only = false;  // a legacy appliance's account: its tickets are RC4
};

struct Staff {
  std::string given, family;  // "Marc", "Leroy"
  std::string sam;            // "mleroy"
  std::string upn;            // "marc.leroy@chu-rives.fr"
  std::string sid;            // "S-1-5-21-...-4123"
  std::string ehr_login;      // as the DPI logs it
  std::string vpn_user;       // as the VPN gateway logs it
  std::string employee_id;    // "012345"
  std::string rpps;           // 11 digits, health professionals only
  std::size_t unit = 0;
  Role role = Role::kNurse;
  Shift shift = Shift::kDay;
  bool vpn = false;             // has remote access
  std::string home_ip;          // the public address their VPN sessions come from
  std::int64_t valid_from = 0;  // ms; directory validity
  std::int64_t valid_to = 0;    // ms; 0: open
  std::string admin_sam;        // IT staff: their tier account ("adm-mleroy"), else ""
  std::string admin_sid;
};

struct Site {
  Establishment est;
  std::size_t index = 0;
  bool chu = false;
  AdFormat ad_format = AdFormat::kWinlogbeat;
  VpnVendor vpn_vendor = VpnVendor::kFortigate;
  EhrFormat ehr_format = EhrFormat::kFhir;
  std::string netbios;      // "CHU-RIVES"
  std::string dns_domain;   // "chu-rives.local"
  std::string realm;        // "CHU-RIVES.LOCAL"
  std::string mail_domain;  // "chu-rives.fr"
  std::string domain_sid;   // "S-1-5-21-a-b-c"
  int net = 0;              // second octet of the establishment's 10.x.0.0/16
  std::string ipp_oid;      // assigning authority of its IPPs
  std::string vpn_gateway;  // "FGT-CHU-RIVES-01"
  std::string vpn_pool;     // "10.212.0." (hosts .10 - .250 of it)
  std::vector<Unit> units;
  std::vector<Host> workstations;
  Host dc1, dc2, file_server, dpi_server, sql_server, rds_server;
  std::vector<ServiceAccount> services;
  std::vector<Staff> staff;
  std::size_t departed = SIZE_MAX;  // a leaver whose EHR account was never closed (story 3)
};

// Builds the establishments of `options` (start_ms dates the hires and leavers).
std::vector<Site> build_sites(const TrafficOptions& options);

// Whether `p`'s VPN sessions come from abroad (the CHU's cross-border staff).
bool lives_abroad(const Staff& p);

bool reads_records(Role r);
std::string_view role_label(Role r);    // "Infirmier", "Médecin"... (FHIR agent.role display)
std::string_view role_code(Role r);     // TRE_G15 code ("60", "10"...) or "" for non-clinical
std::string_view role_profile(Role r);  // DPI profile ("IDE", "MED", "SEC"...)

}  // namespace vigie::demo
