// The traffic engine: a discrete-event simulation over one min-heap.
//
// Items on the heap are either records already rendered (due at their event time) or actors
// (a planner, a background ticker, the admission system, a member of staff at work, a VPN
// session, a story) due to wake. An actor that wakes pushes the records of what it does next,
// never earlier than the item being processed, and says when it wants to wake again. next() pops
// items in (time, push order) until it finds a record. The heap holds the open sessions and their
// few pending records, so memory depends on the population, not on the number of events.
#include "demo/traffic.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <functional>
#include <unordered_map>

#include "demo/clock.h"
#include "demo/engine.h"
#include "demo/population.h"
#include "demo/render.h"
#include "demo/rng.h"
#include "demo/stories.h"

namespace vigie::demo {

namespace {

// Activity by local hour (0..23), relative to the busiest hour: people at work, machines on.
constexpr double kHumanDiurnal[24] = {0.30, 0.25, 0.22, 0.20, 0.20, 0.25, 0.45, 0.75,
                                      0.95, 1.00, 1.00, 0.95, 0.80, 0.85, 0.95, 0.95,
                                      0.90, 0.80, 0.65, 0.55, 0.50, 0.45, 0.40, 0.35};
constexpr double kMachineDiurnal[24] = {0.45, 0.40, 0.40, 0.40, 0.40, 0.45, 0.60, 0.85,
                                        1.00, 1.00, 1.00, 1.00, 0.90, 0.95, 1.00, 1.00,
                                        0.95, 0.85, 0.70, 0.60, 0.55, 0.50, 0.50, 0.45};

// Computer-account activity per workstation per day at background scale 1 (nominal rate of the
// ticker), and what the traffic yields per day at scale 1: records per workstation from the
// background (computers, services, Internet scanners) and per member of staff from people's work
// (measured on the default establishments over a weekday; see docs/demo.md "Volume").
constexpr double kMachineRecordsPerWorkstationDay = 60.0;
constexpr double kBackgroundYieldPerWorkstationDay = 43.1;
constexpr double kHumanYieldPerStaffDay = 42.3;

}  // namespace

// ---------------------------------------------------------------------------------------------
// Patients

namespace {

std::string nir_of(Rng& rng, char sex, const std::string& birth) {
  // sex, year, month, department, commune, order; then the key 97 - (number mod 97).
  char digits[16];
  std::snprintf(
      digits, sizeof digits, "%c%s%s%02d%03d%03d", sex == 'M' ? '1' : '2',
      birth.substr(2, 2).c_str(), birth.substr(4, 2).c_str(),
      static_cast<int>(rng.between(1, 95)) == 20 ? 21 : static_cast<int>(rng.between(1, 95)),
      static_cast<int>(rng.between(1, 999)), static_cast<int>(rng.between(1, 999)));
  std::uint64_t n = 0;
  for (const char* c = digits; *c; ++c) n = n * 10 + static_cast<std::uint64_t>(*c - '0');
  char out[20];
  std::snprintf(out, sizeof out, "%s%02d", digits, static_cast<int>(97 - n % 97));
  return out;
}

constexpr const char* kPatientGiven[] = {
    "Louise", "Gabriel", "Jeanne",  "Louis",   "Paulette",   "René",  "Yvette", "Marcel",
    "Simone", "André",   "Lucas",   "Emma",    "Léo",        "Alice", "Jules",  "Odette",
    "Roger",  "Denise",  "Raymond", "Colette", "Nathan",     "Lina",  "Adam",   "Rose",
    "Ethan",  "Josiane", "Claude",  "Michel",  "Bernadette", "Gilles"};
constexpr const char* kPatientFamily[] = {
    "Lemoine", "Perret",   "Carre",   "Hamon",    "Tessier",  "Ollivier", "Bailly",      "Besson",
    "Collet",  "Weber",    "Huet",    "Jacquet",  "Prevost",  "Baron",    "Charpentier", "Guyot",
    "Marty",   "Benoit",   "Cordier", "Poulain",  "Langlois", "Delmas",   "Hoarau",      "Morvan",
    "Le Roux", "Pasquier", "Bouvier", "Maillard", "Riviere",  "Laine"};

}  // namespace

Patient Engine::new_patient(SiteState& st, std::size_t unit, std::int64_t admitted, Rng& rng) {
  Patient p;
  p.ipp = std::to_string(st.next_ipp++);
  char nda[16];
  std::snprintf(nda, sizeof nda, "26%06llu",
                static_cast<unsigned long long>(st.next_nda++ % 1000000));
  p.nda = nda;
  p.sex = rng.chance(0.52) ? 'F' : 'M';
  const int year = static_cast<int>(rng.between(1928, 2024));
  char birth[16];
  std::snprintf(birth, sizeof birth, "%04d%02d%02d", year, static_cast<int>(rng.between(1, 12)),
                static_cast<int>(rng.between(1, 28)));
  p.birth = birth;
  p.given = kPatientGiven[rng.index(std::size(kPatientGiven))];
  p.family = kPatientFamily[rng.index(std::size(kPatientFamily))];
  if (rng.chance(0.85)) p.nir = nir_of(rng, p.sex, p.birth);
  p.unit = unit;
  p.admitted = admitted;
  return p;
}

Patient Engine::historical_patient(SiteState& st, Rng& rng) const {
  Patient p;
  p.ipp = std::to_string(st.next_ipp - 1000 - static_cast<std::uint64_t>(rng.between(0, 400'000)));
  char nda[16];
  std::snprintf(nda, sizeof nda, "2%07lld", static_cast<long long>(rng.between(0, 9'999'999)));
  p.nda = nda;
  p.unit = st.ward_units.empty() ? 0 : st.ward_units[rng.index(st.ward_units.size())];
  return p;
}

const Patient* Engine::census_patient(SiteState& st, std::size_t unit, Rng& rng) const {
  const auto& c = st.census[unit];
  if (c.empty()) return nullptr;
  return &c[rng.index(c.size())];
}

const Patient* Engine::any_patient(SiteState& st, Rng& rng) const {
  std::size_t total = 0;
  for (const auto& c : st.census) total += c.size();
  if (total == 0) return nullptr;
  std::size_t k = rng.index(total);
  for (const auto& c : st.census) {
    if (k < c.size()) return &c[k];
    k -= c.size();
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Actors

namespace {

double hour_weight(const double (&curve)[24], std::int64_t t) { return curve[paris_civil(t).hour]; }

// The unit whose patients a member of staff reads: their own ward, or the whole hospital for
// transversal services.
const Patient* patient_for(Engine& eng, SiteState& st, const Staff& p, Rng& rng) {
  const Unit& u = st.site->units[p.unit];
  switch (u.kind) {
    case UnitKind::kWard:
    case UnitKind::kEmergency:
    case UnitKind::kIcu:
      if (const Patient* q = eng.census_patient(st, p.unit, rng)) return q;
      return eng.any_patient(st, rng);
    default:
      return eng.any_patient(st, rng);
  }
}

// Mean minutes between two actions of a member of staff at work, by Role (in the enum's order).
constexpr double kMinutesBetweenActions[] = {
    10,   // kPhysician
    12,   // kNurse
    28,   // kCareAssistant
    8,    // kSecretary
    9,    // kPharmacist
    35,   // kPharmacyTech
    3.2,  // kCoder
    6,    // kAdmissions
    35,   // kAdministration
    18,   // kIt
    16,   // kLabTech
    13,   // kRadiographer
};
static_assert(std::size(kMinutesBetweenActions) ==
              static_cast<std::size_t>(Role::kRadiographer) + 1);

// A member of staff opens the file server from `ip`: a service ticket at `t`, the network logon
// at `logon_at`. Returns the logon id.
std::uint64_t open_file_server(Engine& eng, SiteState& st, const Staff& p, const Host& dc,
                               std::int64_t t, std::int64_t logon_at,
                               const std::string& workstation, const std::string& ip, Rng& rng) {
  const Site& s = *st.site;
  eng.win(st,
          eng.tgs(s, t, dc, p.sam + "@" + s.realm, s.file_server.name + "$", s.domain_sid + "-1003",
                  ip, false, rng),
          p.sam);
  std::uint64_t id = 0;
  eng.win(st,
          eng.logon(s, logon_at, s.file_server, p.sam, p.sid, 3, true, workstation, ip, rng, &id),
          p.sam);
  return id;
}

// The patient a DIM coder codes: a recent discharge (with probability `recent`, drawn only below
// 1), else an older stay that `past` holds.
const Patient* coded_patient(Engine& eng, SiteState& st, double recent, Patient& past, Rng& rng) {
  if (!st.discharged.empty() && (recent >= 1 || rng.chance(recent))) {
    return &st.discharged[rng.index(st.discharged.size())];
  }
  past = eng.historical_patient(st, rng);
  return &past;
}

// An actor of one establishment, with randomness of its own drawn from the establishment's.
class SiteActor : public Actor {
 protected:
  SiteActor(SiteState& st, std::string_view label)
      : st_(st), rng_(Rng::derived(st.rng.next(), label)) {}

  SiteState& st_;
  Rng rng_;
};

class ShiftSession : public SiteActor {
 public:
  // `already_on`: the shift began before the simulation (no logon at its start).
  ShiftSession(SiteState& st, std::size_t staff, std::int64_t finish, bool already_on)
      : SiteActor(st, "shift"), staff_(staff), finish_(finish), already_on_(already_on) {}

  std::int64_t wake(Engine& eng, std::int64_t now) override {
    const Site& s = *st_.site;
    const Staff& p = s.staff[staff_];
    if (!started_) {
      started_ = true;
      ws_ = &unit_workstation(s, p.unit, rng_);
      session_ = std::to_string(++st_.sessions * 7919 + 100000);
      if (!already_on_) logon_burst(eng, now);
      if (reads_records(p.role)) {
        if (p.role == Role::kNurse || p.role == Role::kCareAssistant) {
          round_ = static_cast<int>(rng_.between(6, 13));
        }
        if (p.role == Role::kPharmacist && p.shift == Shift::kDay) {
          validation_ = static_cast<int>(rng_.between(35, 62));
        }
      }
      return now + static_cast<std::int64_t>(rng_.between(60, 600)) * kSecond;
    }
    if (now >= finish_) {
      logoff_burst(eng, now);
      return kDone;
    }
    act(eng, now);
    return std::min(finish_, now + next_gap(now));
  }

 private:
  void logon_burst(Engine& eng, std::int64_t t) {
    const Site& s = *st_.site;
    const Staff& p = s.staff[staff_];
    const Host& dc = rng_.chance(0.5) ? s.dc1 : s.dc2;
    if (rng_.chance(0.04)) {
      // A mistyped password first: Kerberos pre-authentication fails.
      WinEvent f{t, &dc, 4771, true, {}};
      t += 9000;
      f.add("TargetUserName", p.sam);
      f.add("TargetSid", p.sid);
      f.add("ServiceName", "krbtgt/" + s.realm);
      f.add("TicketOptions", "0x40810010");
      f.add("Status", "0x18");
      f.add("PreAuthType", "2");
      f.add("IpAddress", mapped(ws_->ip));
      f.add("IpPort", std::to_string(rng_.between(49152, 65535)));
      f.add("CertIssuerName", "");
      f.add("CertSerialNumber", "");
      f.add("CertThumbprint", "");
      eng.win(st_, std::move(f), p.sam);
    }
    eng.win(st_, eng.tgt(s, t, dc, p.sam, p.sid, ws_->ip, "0x0", rng_), p.sam);
    // Service tickets from the workstation, `delay` ms after the TGT.
    auto ticket = [&](std::int64_t delay, const std::string& service, const std::string& sid,
                      bool rc4) {
      eng.win(st_,
              eng.tgs(s, t + delay, dc, p.sam + "@" + s.realm, service, sid, ws_->ip, rc4, rng_),
              p.sam);
    };
    auto service_ticket = [&](std::int64_t delay, std::size_t service, bool rc4) {
      ticket(delay, s.services[service].name, s.services[service].sid, rc4);
    };
    ticket(40, ws_->name + "$", s.domain_sid + "-" + std::to_string(5000 + ws_->unit), false);
    fs_logon_ = open_file_server(eng, st_, p, dc, t + 900, t + 950, ws_->name, ws_->ip, rng_);
    // The CHU's DPI signs on with Kerberos.
    if (reads_records(p.role) && s.ehr_format == EhrFormat::kFhir) service_ticket(20'000, 1, false);
    // The analyser gateway's console: its 2009 service account only takes RC4 tickets.
    if (p.role == Role::kLabTech && rng_.chance(0.12)) service_ticket(60'000, 6, true);
    if (p.role == Role::kRadiographer ||
        (p.role == Role::kPhysician && s.units[p.unit].kind == UnitKind::kImaging)) {
      service_ticket(45'000, 4, false);  // PACS
    }
    if (p.role == Role::kAdministration) service_ticket(80'000, 5, false);  // HR
    if (reads_records(p.role)) {
      if (rng_.chance(0.02)) {
        eng.ehr(st_, ehr_event(EhrEvent::Kind::kLoginFailed, t + 25'000));
      }
      eng.ehr(st_, ehr_event(EhrEvent::Kind::kLogin, t + 30'000));
    }
    if (p.role == Role::kIt) {
      // The admin account on the remote desktop server: sometimes a mistyped password first (a
      // 4625 there), then the logon and its special privileges (4672).
      std::int64_t at = t + 300'000;
      if (rng_.chance(0.08)) {
        WinEvent f = eng.logon(s, at, s.rds_server, p.admin_sam, "S-1-0-0", 10, false, ws_->name,
                               ws_->ip, rng_);
        f.event_id = 4625;
        f.failure = true;
        f.add("Status", "0xc000006d");
        f.add("FailureReason", "%%2313");
        f.add("SubStatus", "0xc000006a");
        eng.win(st_, std::move(f), p.admin_sam);
        at += 12'000;
      }
      std::uint64_t id = 0;
      eng.win(st_,
              eng.logon(s, at, s.rds_server, p.admin_sam, p.admin_sid, 10, false, ws_->name,
                        ws_->ip, rng_, &id),
              p.admin_sam);
      WinEvent special{at, &s.rds_server, 4672, false, {}};
      add_subject(special, p.admin_sid, p.admin_sam, s.netbios, hex(id));
      special.add("PrivilegeList",
                  "SeSecurityPrivilege\n\t\t\tSeBackupPrivilege\n\t\t\tSeRestorePrivilege\n"
                  "\t\t\tSeTakeOwnershipPrivilege\n\t\t\tSeDebugPrivilege\n\t\t\t"
                  "SeSystemEnvironmentPrivilege\n\t\t\tSeLoadDriverPrivilege\n\t\t\t"
                  "SeImpersonatePrivilege\n\t\t\tSeDelegateSessionUserImpersonatePrivilege");
      eng.win(st_, std::move(special), p.admin_sam);
    }
  }

  void logoff_burst(Engine& eng, std::int64_t t) {
    const Site& s = *st_.site;
    const Staff& p = s.staff[staff_];
    if (reads_records(p.role)) eng.ehr(st_, ehr_event(EhrEvent::Kind::kLogout, t));
    eng.win(st_, eng.logoff(s, t + 2000, s.file_server, p.sam, p.sid, 3, fs_logon_), p.sam);
  }

  EhrEvent ehr_event(EhrEvent::Kind kind, std::int64_t t) {
    EhrEvent e;
    e.kind = kind;
    e.time = t;
    e.user = &st_.site->staff[staff_];
    e.workstation = ws_;
    e.client_ip = ws_->ip;
    e.session_id = session_;
    e.object_id = ++st_.objects * 13 + 880000;
    return e;
  }

  std::int64_t next_gap(std::int64_t now) {
    const Staff& p = st_.site->staff[staff_];
    if (round_ > 0) return rng_.between(50, 200) * kSecond;
    if (validation_ > 0 && paris_civil(now).hour >= 9) return rng_.between(45, 110) * kSecond;
    double minutes = kMinutesBetweenActions[static_cast<std::size_t>(p.role)];
    const int hour = paris_civil(now).hour;
    if (hour >= 23 || hour < 6) minutes *= 2.5;
    return static_cast<std::int64_t>(rng_.exponential(minutes) * kMinute) + 5 * kSecond;
  }

  void act(Engine& eng, std::int64_t t) {
    const Site& s = *st_.site;
    const Staff& p = s.staff[staff_];
    if (round_ > 0) --round_;
    if (validation_ > 0 && paris_civil(t).hour >= 9) --validation_;
    const double u = rng_.uniform();
    if (p.role == Role::kIt) {
      it_action(eng, t);
      return;
    }
    if (!reads_records(p.role) || u < 0.06) {
      // Documents on the file server: a new network logon (and its end).
      std::uint64_t id = 0;
      eng.win(st_,
              eng.logon(s, t, s.file_server, p.sam, p.sid, 3, true, ws_->name, ws_->ip, rng_, &id),
              p.sam);
      eng.win(st_,
              eng.logoff(s, t + rng_.between(5, 120) * kSecond, s.file_server, p.sam, p.sid, 3, id),
              p.sam);
      return;
    }
    EhrEvent e = ehr_event(EhrEvent::Kind::kRead, t);
    const Unit& unit = s.units[p.unit];
    const bool searcher = p.role == Role::kAdmissions || p.role == Role::kSecretary;
    if ((searcher && u < 0.35) || u < 0.08) {
      e.kind = EhrEvent::Kind::kQuery;
      const Patient* q = eng.any_patient(st_, rng_);
      e.query_family =
          q != nullptr
              ? q->family.substr(0, std::max<std::size_t>(3, rng_.index(q->family.size() + 1)))
              : "MART";
      eng.ehr(st_, e);
      return;
    }
    Patient past;
    const Patient* pt = p.role == Role::kCoder || unit.kind == UnitKind::kDim
                            ? coded_patient(eng, st_, 0.7, past, rng_)
                            : patient_for(eng, st_, p, rng_);
    if (pt == nullptr) return;
    set_patient(e, s, *pt);
    if (p.role == Role::kPhysician && unit.kind == UnitKind::kEmergency && rng_.chance(0.03)) {
      // Break-glass on a patient of another ward (a known patient arriving through the ED).
      static constexpr const char* kReasons[] = {
          "Patient admis aux urgences, antécédents nécessaires",
          "Prise en charge urgente, dossier cardiologique à consulter",
          "Urgence vitale - consultation des traitements en cours", "urgence"};
      e.kind = EhrEvent::Kind::kBreakGlass;
      e.justification = kReasons[rng_.index(std::size(kReasons))];
      eng.ehr(st_, e);
      e.kind = EhrEvent::Kind::kRead;
      e.time = t + 20 * kSecond;
    } else if (p.role == Role::kSecretary && rng_.chance(0.03)) {
      e.kind = EhrEvent::Kind::kPrint;
      e.documents = static_cast<int>(rng_.between(1, 6));
    }
    eng.ehr(st_, e);
  }

  void it_action(Engine& eng, std::int64_t t) {
    const Site& s = *st_.site;
    const Staff& p = s.staff[staff_];
    const double u = rng_.uniform();
    const Host& dc = s.dc1;
    if (u < 0.35) {
      // Helpdesk: a password reset for a colleague who forgot theirs.
      const Staff& target = s.staff[rng_.index(s.staff.size())];
      WinEvent e{t, &dc, 4724, false, {}};
      add_target(e, target.sam, s.netbios, target.sid);
      add_subject(e, p.admin_sid, p.admin_sam, s.netbios,
                  hex(0x2000000 + rng_.between(0, 0xffffff)));
      eng.win(st_, std::move(e), target.sam);
      WinEvent c{t + 1000, &dc, 4738, false, {}};
      add_subject(c, p.admin_sid, p.admin_sam, s.netbios,
                  hex(0x2000000 + rng_.between(0, 0xffffff)));
      c.add("TargetSid", target.sid);
      c.add("TargetUserName", target.sam);
      c.add("TargetDomainName", s.netbios);
      c.add("PasswordLastSet", "%%1794");
      c.add("UserAccountControl", "-");
      eng.win(st_, std::move(c), target.sam);
    } else if (u < 0.7) {
      // Administration from the RDS server: consoles and scripts (4688 on the server).
      static constexpr Program kTools[] = {
          {"C:\\Windows\\System32\\mmc.exe",
           "\"C:\\Windows\\system32\\mmc.exe\" \"C:\\Windows\\system32\\dsa.msc\""},
          {"C:\\Windows\\System32\\mmc.exe",
           "\"C:\\Windows\\system32\\mmc.exe\" \"C:\\Windows\\system32\\gpmc.msc\""},
          {"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
           "powershell.exe -NoProfile -Command \"Get-ADUser -Filter * -SearchBase 'OU=Soignants' | "
           "Measure-Object\""},
          {"C:\\Windows\\System32\\mstsc.exe", "\"C:\\Windows\\system32\\mstsc.exe\" /v:SRV-DPI01"},
          {"C:\\Windows\\System32\\dsquery.exe", "dsquery computer -inactive 8"},
      };
      const auto& tool = kTools[rng_.index(std::size(kTools))];
      eng.win(st_,
              eng.process(s, t, s.rds_server, p.admin_sam, p.admin_sid, 0x3000000, tool, "%%1937",
                          "C:\\Windows\\explorer.exe", rng_),
              p.admin_sam);
    } else {
      // A service ticket to a server they administer.
      const ServiceAccount& svc = s.services[rng_.index(5)];
      eng.win(st_,
              eng.tgs(s, t, dc, p.admin_sam + "@" + s.realm, svc.name, svc.sid, s.rds_server.ip,
                      false, rng_),
              p.admin_sam);
    }
  }

  std::size_t staff_;
  std::int64_t finish_;
  bool already_on_;
  bool started_ = false;
  const Host* ws_ = nullptr;
  std::string session_;
  std::uint64_t fs_logon_ = 0;
  int round_ = 0;
  int validation_ = 0;
};

std::string vpn_group(const Site& s, Role r) {
  const bool asa = s.vpn_vendor == VpnVendor::kCiscoAsa;
  switch (r) {
    case Role::kIt:
      return asa ? "GP-DSI" : "GG-VPN-DSI";
    case Role::kPhysician:
    case Role::kPharmacist:
      return asa ? "GP-Medecins" : "GG-VPN-Medecins";
    default:
      return asa ? "GP-Administratif" : "GG-VPN-Administratif";
  }
}

class VpnSession : public SiteActor {
 public:
  VpnSession(SiteState& st, std::size_t staff, std::int64_t finish)
      : SiteActor(st, "vpn"), staff_(staff), finish_(finish) {}

  std::int64_t wake(Engine& eng, std::int64_t now) override {
    const Site& s = *st_.site;
    const Staff& p = s.staff[staff_];
    if (!started_) {
      started_ = true;
      if (st_.pool_free.empty()) return kDone;
      const std::size_t k = rng_.index(st_.pool_free.size());
      octet_ = st_.pool_free[k];
      st_.pool_free.erase(st_.pool_free.begin() + static_cast<std::ptrdiff_t>(k));
      tunnel_ip_ = s.vpn_pool + std::to_string(octet_);
      tunnel_id_ = ++st_.tunnel_ids;
      std::int64_t t = now;
      const int failures = rng_.chance(0.06) ? (rng_.chance(0.2) ? 2 : 1) : 0;
      for (int i = 0; i < failures; ++i) {
        eng.vpn(st_, event(VpnEvent::Kind::kLoginFail, t), p.vpn_user);
        t += rng_.between(8, 40) * kSecond;
      }
      eng.vpn(st_, event(VpnEvent::Kind::kNewConnection, t), p.vpn_user);
      eng.vpn(st_, event(VpnEvent::Kind::kTunnelUp, t + 1200), p.vpn_user);
      begin_ = t + 1200;
      // The domain from the tunnel: a TGT, the file server.
      const Host& dc = rng_.chance(0.5) ? s.dc1 : s.dc2;
      eng.win(st_, eng.tgt(s, t + 9000, dc, p.sam, p.sid, tunnel_ip_, "0x0", rng_), p.sam);
      fs_logon_ = open_file_server(eng, st_, p, dc, t + 9500, t + 10'000, "-", tunnel_ip_, rng_);
      return t + rng_.between(2, 8) * kMinute;
    }
    if (now >= finish_) {
      VpnEvent down = event(VpnEvent::Kind::kTunnelDown, now);
      down.duration_s = (now - begin_) / kSecond;
      const double mb = std::exp(rng_.uniform() * std::log(2000.0)) + 4;
      down.bytes_to_client = static_cast<std::uint64_t>(mb * 1048576.0);
      down.bytes_from_client =
          static_cast<std::uint64_t>(mb * 1048576.0 * (0.02 + 0.1 * rng_.uniform()));
      down.time = now + 3000;
      eng.win(st_, eng.logoff(s, now, s.file_server, p.sam, p.sid, 3, fs_logon_), p.sam);
      eng.vpn(st_, down, p.vpn_user);
      st_.pool_free.push_back(octet_);
      return kDone;
    }
    // Work from home: physicians look at their patients, coders code, IT administers.
    if (p.role == Role::kIt) {
      eng.win(st_,
              eng.logon(s, now, s.rds_server, p.admin_sam, p.admin_sid, 10, false,
                        "LAPTOP-" + p.sam.substr(0, 6), tunnel_ip_, rng_),
              p.admin_sam);
    } else if (reads_records(p.role)) {
      EhrEvent e;
      e.kind = EhrEvent::Kind::kRead;
      e.time = now;
      e.user = &p;
      e.client_ip = tunnel_ip_;
      e.session_id = "vpn" + std::to_string(tunnel_id_);
      e.object_id = ++st_.objects * 13 + 880000;
      Patient past;
      const Patient* pt = p.role == Role::kCoder ? coded_patient(eng, st_, 1, past, rng_)
                                                 : patient_for(eng, st_, p, rng_);
      if (pt != nullptr) {
        set_patient(e, s, *pt);
        eng.ehr(st_, e);
      }
    } else {
      std::uint64_t id = 0;
      eng.win(st_,
              eng.logon(s, now, s.file_server, p.sam, p.sid, 3, true, "-", tunnel_ip_, rng_, &id),
              p.sam);
    }
    const double mean = p.role == Role::kCoder ? 4 : 14;
    return std::min(finish_,
                    now + static_cast<std::int64_t>(rng_.exponential(mean) * kMinute) + kMinute);
  }

 private:
  VpnEvent event(VpnEvent::Kind kind, std::int64_t t) const {
    const Site& s = *st_.site;
    const Staff& p = s.staff[staff_];
    VpnEvent e;
    e.kind = kind;
    e.time = t;
    e.user = p.vpn_user;
    e.group = vpn_group(s, p.role);
    e.remote_ip = p.home_ip;
    e.tunnel_ip = tunnel_ip_;
    e.tunnel_id = tunnel_id_;
    return e;
  }

  std::size_t staff_;
  std::int64_t finish_;
  bool started_ = false;
  int octet_ = 0;
  std::string tunnel_ip_;
  std::uint32_t tunnel_id_ = 0;
  std::int64_t begin_ = 0;
  std::uint64_t fs_logon_ = 0;
};

// Plans each local day: who works which shift, who connects from home.
class DayPlanner : public SiteActor {
 public:
  explicit DayPlanner(SiteState& st) : SiteActor(st, "planner") {}

  std::int64_t wake(Engine& eng, std::int64_t now) override {
    const Civil day = paris_civil(now);
    const std::int64_t midnight = paris_to_utc(day.year, day.month, day.day, 0, 0);
    const bool weekend = day.weekday >= 6;
    plan(eng, midnight, weekend, now, first_);
    first_ = false;
    const Civil next = civil_utc(midnight + 36 * kHour);  // a day later, whatever DST does
    return paris_to_utc(next.year, next.month, next.day, 0, 0);
  }

 private:
  void plan(Engine& eng, std::int64_t midnight, bool weekend, std::int64_t now, bool first) {
    const Site& s = *st_.site;
    const double h = std::min(1.0, eng.human_scale);
    const std::int64_t noon = midnight + 12 * kHour;
    // On the staff today (the leaver of story 3 is not).
    auto employed = [&](std::size_t i) {
      const Staff& p = s.staff[i];
      return i != s.departed && p.valid_from <= noon && (p.valid_to == 0 || p.valid_to > noon);
    };
    for (std::size_t i = 0; i < s.staff.size(); ++i) {
      const Staff& p = s.staff[i];
      if (!employed(i)) continue;
      double works = 0.6;
      if (p.shift == Shift::kDay) {
        works = weekend ? (p.role == Role::kPhysician ? 0.15 : 0.05) : 0.86;
      } else if (p.role == Role::kAdmissions && weekend) {
        works = 0.35;
      }
      if (!rng_.chance(works * h)) continue;
      int begin_min = 0, length_min = 0;
      switch (p.shift) {
        case Shift::kMorning:
          begin_min = p.role == Role::kAdmissions ? 7 * 60 + 30 : 6 * 60 + 45;
          length_min = 7 * 60 + 45;
          break;
        case Shift::kAfternoon:
          begin_min = p.role == Role::kAdmissions ? 12 * 60 + 30 : 13 * 60 + 45;
          length_min = 7 * 60 + 45;
          break;
        case Shift::kNight:
          begin_min = 21 * 60;
          length_min = 10 * 60;
          break;
        case Shift::kDay:
          begin_min = p.role == Role::kPhysician ? 8 * 60 + 15 : 8 * 60 + 30;
          length_min = p.role == Role::kPhysician ? 10 * 60 : 8 * 60 + 30;
          break;
      }
      const std::int64_t begin =
          midnight + (begin_min + rng_.between(-20, 25)) * kMinute + rng_.between(0, 59) * kSecond;
      const std::int64_t finish = begin + (length_min + rng_.between(-10, 40)) * kMinute;
      on_shift(eng, i, begin, finish, now);
      // The first day: yesterday's night shift may still be on at the start.
      if (first && p.shift == Shift::kNight) on_shift(eng, i, begin - kDay, finish - kDay, now);
    }
    // Tomorrow's hires: the helpdesk creates their accounts today (a weekday, office hours).
    if (!weekend) {
      for (const Staff& p : s.staff) {
        if (p.valid_from <= noon || p.valid_from > noon + kDay) continue;
        const std::int64_t t = midnight + rng_.between(10 * 60, 16 * 60 + 30) * kMinute;
        if (t >= now) create_account(eng, p, t);
      }
    }
    // Remote access.
    for (std::size_t i = 0; i < s.staff.size(); ++i) {
      const Staff& p = s.staff[i];
      if (!p.vpn || !employed(i)) continue;
      const bool abroad = lives_abroad(p);
      double chance = 0;
      int from = 0, to = 0, min_len = 0, max_len = 0;
      switch (p.role) {
        case Role::kIt:
          chance = 0.3;
          from = 19 * 60, to = 22 * 60 + 30, min_len = 15, max_len = 90;
          break;
        case Role::kPhysician:
          chance = abroad ? 0.8 : 0.25;
          from = 18 * 60 + 30, to = 23 * 60, min_len = 10, max_len = 60;
          break;
        case Role::kAdministration:
        case Role::kCoder:
          chance = weekend ? 0.02 : (abroad ? 0.9 : 0.2);
          from = 7 * 60 + 50, to = 9 * 60 + 30, min_len = 5 * 60, max_len = 8 * 60;
          break;
        default:
          chance = weekend ? 0.01 : 0.07;
          from = 9 * 60, to = 15 * 60, min_len = 60, max_len = 180;
      }
      if (!rng_.chance(chance * h)) continue;
      const std::int64_t begin =
          midnight + rng_.between(from, to) * kMinute + rng_.between(0, 59) * kSecond;
      const std::int64_t finish = begin + rng_.between(min_len, max_len) * kMinute;
      if (begin >= now) eng.schedule(std::make_unique<VpnSession>(st_, i, finish), begin);
    }
  }

  // 4720 (created), 4722 (enabled), then the unit's global group (4728) and the DPI's domain
  // local group (4732), by the first IT administrator, on DC01.
  void create_account(Engine& eng, const Staff& p, std::int64_t t) {
    const Site& s = *st_.site;
    const Staff* admin = nullptr;
    for (const Staff& a : s.staff) {
      if (!a.admin_sam.empty() && a.valid_to == 0) {
        admin = &a;
        break;
      }
    }
    if (admin == nullptr) return;
    const std::string logon_id = hex(0x2000000 + rng_.between(0, 0xffffff));
    auto subject = [&](WinEvent& e) {
      add_subject(e, admin->admin_sid, admin->admin_sam, s.netbios, logon_id);
    };
    // What a new account gets by default (4720's fields after its names).
    static constexpr FixedField kNewAccount[] = {
        {"HomeDirectory", "%%1793"},    {"HomePath", "%%1793"},
        {"ScriptPath", "%%1793"},       {"ProfilePath", "%%1793"},
        {"UserWorkstations", "%%1793"}, {"PasswordLastSet", "%%1794"},
        {"AccountExpires", "%%1794"},   {"PrimaryGroupId", "513"},
        {"AllowedToDelegateTo", "-"},   {"OldUacValue", "0x0"},
        {"NewUacValue", "0x15"},        {"UserAccountControl", "%%2080 %%2082 %%2084"},
        {"UserParameters", "%%1793"},   {"SidHistory", "-"},
        {"LogonHours", "%%1797"},
    };
    const std::string display = p.given + " " + p.family;
    WinEvent created{t, &s.dc1, 4720, false, {}};
    add_target(created, p.sam, s.netbios, p.sid);
    subject(created);
    created.add("PrivilegeList", "-");
    created.add("SamAccountName", p.sam);
    created.add("DisplayName", display);
    created.add("UserPrincipalName", p.upn);
    add_fixed(created, kNewAccount);
    eng.win(st_, std::move(created), p.sam);
    WinEvent enabled{t + 400, &s.dc1, 4722, false, {}};
    subject(enabled);
    add_target(enabled, p.sam, s.netbios, p.sid);
    eng.win(st_, std::move(enabled), p.sam);
    const std::string member =
        "CN=" + display + ",OU=" + s.units[p.unit].abbr +
        ",OU=Utilisateurs,DC=" + s.dns_domain.substr(0, s.dns_domain.find('.')) + ",DC=local";
    const std::pair<int, std::string> groups[] = {{4728, "GG-" + s.units[p.unit].abbr},
                                                  {4732, "GL-Acces-DPI"}};
    std::int64_t at = t + 30 * kSecond;
    for (const auto& [id, group] : groups) {
      WinEvent g{at, &s.dc1, id, false, {}};
      g.add("MemberName", member);
      g.add("MemberSid", p.sid);
      add_target(g, group, s.netbios,
                 s.domain_sid + "-" + std::to_string(3000 + label_hash(group) % 900));
      subject(g);
      g.add("PrivilegeList", "-");
      eng.win(st_, std::move(g), p.sam);
      at += rng_.between(5, 40) * kSecond;
    }
  }

  // A shift that starts after `now`, or is already on at `now` (the start of the simulation).
  void on_shift(Engine& eng, std::size_t staff, std::int64_t begin, std::int64_t finish,
                std::int64_t now) {
    if (begin >= now) {
      eng.schedule(std::make_unique<ShiftSession>(st_, staff, finish, false), begin);
    } else if (finish > now + 10 * kMinute) {
      eng.schedule(std::make_unique<ShiftSession>(st_, staff, finish, true),
                   now + rng_.between(0, 600) * kSecond);
    }
  }

  bool first_ = true;
};

// Once a minute: what machines, services and the Internet do whoever is at work.
class Ticker : public SiteActor {
 public:
  explicit Ticker(SiteState& st) : SiteActor(st, "ticker") {}

  std::int64_t wake(Engine& eng, std::int64_t now) override {
    const Site& s = *st_.site;
    const double w = hour_weight(kMachineDiurnal, now) * eng.background_scale;
    // Computer accounts: group policy refresh and LDAP (a TGS, a network logon and its end).
    const double per_minute =
        s.workstations.size() * kMachineRecordsPerWorkstationDay / (24 * 60) / 3.0;
    const std::uint64_t machines = rng_.poisson(per_minute * w);
    for (std::uint64_t i = 0; i < machines; ++i) {
      const Host& ws = s.workstations[rng_.index(s.workstations.size())];
      const std::int64_t t = now + rng_.between(0, 59'999);
      const Host& dc = rng_.chance(0.5) ? s.dc1 : s.dc2;
      const std::string account = ws.name + "$";
      const std::string sid =
          s.domain_sid + "-" + std::to_string(5000 + ws.unit * 100 + (label_hash(ws.name) % 97));
      eng.win(st_,
              eng.tgs(s, t, dc, account + "@" + s.realm, dc.name + "$", s.domain_sid + "-1000",
                      ws.ip, false, rng_),
              account);
      std::uint64_t id = 0;
      eng.win(st_, eng.logon(s, t + 30, dc, account, sid, 3, true, "-", ws.ip, rng_, &id), account);
      eng.win(st_, eng.logoff(s, t + 90, dc, account, sid, 3, id), account);
    }
    // Service accounts: SQL agent jobs, SCCM, the night backup.
    const int hour = paris_civil(now).hour;
    const double backup = (hour >= 22 || hour < 4) ? 3.0 : 0.3;
    if (rng_.chance(std::min(1.0, 0.08 * backup * eng.background_scale))) {
      const ServiceAccount& svc = s.services[rng_.chance(0.5) ? 2 : 0];
      eng.win(st_,
              eng.logon(s, now + rng_.between(0, 59'999), s.sql_server, svc.name, svc.sid, 5, false,
                        "-", "-", rng_),
              svc.name);
    }
    if (rng_.chance(std::min(1.0, 0.05 * eng.background_scale))) {
      scheduled_task(eng, now + rng_.between(0, 59'999));
    }
    // NTLM from the remote desktop server and the old applications.
    if (rng_.chance(std::min(1.0, 0.25 * w))) {
      const Staff& p = s.staff[rng_.index(s.staff.size())];
      if (p.valid_to == 0 || p.valid_to > now) {
        WinEvent e{now + rng_.between(0, 59'999), &s.dc1, 4776, false, {}};
        e.add("PackageName", "MICROSOFT_AUTHENTICATION_PACKAGE_V1_0");
        e.add("TargetUserName", p.sam);
        e.add("Workstation", s.rds_server.name);
        e.add("Status", "0x0");
        eng.win(st_, std::move(e), p.sam);
      }
    }
    // The Internet knocks on the VPN portal: one address, one to three usual names.
    if (rng_.chance(std::min(1.0, 0.05 * eng.background_scale))) bot(eng, now);
    return now + kMinute;
  }

 private:
  void scheduled_task(Engine& eng, std::int64_t t) {
    const Site& s = *st_.site;
    static constexpr Program kTasks[] = {
        {"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
         "powershell.exe -NoProfile -ExecutionPolicy Bypass -File D:\\Scripts\\purge_logs_iis.ps1"},
        {"C:\\Windows\\System32\\Robocopy.exe",
         "robocopy D:\\Exports\\HPRIM \\\\FS01\\Labo\\Archives /MOV /R:2 /W:5"},
        {"C:\\Program Files\\Microsoft SQL Server\\150\\DTS\\Binn\\DTExec.exe",
         "DTExec.exe /F \"D:\\SSIS\\Import_PMSI.dtsx\""},
        {"C:\\Windows\\System32\\cscript.exe", "cscript.exe //nologo C:\\Scripts\\check_disk.vbs"},
    };
    const auto& task = kTasks[rng_.index(std::size(kTasks))];
    const ServiceAccount& svc = s.services[0];
    eng.win(st_,
            eng.process(s, t, s.sql_server, svc.name, svc.sid, 0x4000000, task, "%%1936",
                        "C:\\Windows\\System32\\svchost.exe", rng_),
            svc.name);
  }

  void bot(Engine& eng, std::int64_t now) {
    static constexpr std::pair<int, int> kForeign[] = {{80, 94},   {194, 26}, {103, 75},
                                                       {185, 156}, {61, 177}, {193, 32},
                                                       {177, 54},  {36, 110}, {222, 186}};
    static constexpr const char* kNames[] = {
        "admin", "administrator", "test", "vpn",      "user",  "guest",  "support",
        "root",  "scanner",       "demo", "fortinet", "cisco", "sslvpn", "info"};
    const auto& [a, b] = kForeign[rng_.index(std::size(kForeign))];
    const std::string ip = std::to_string(a) + "." + std::to_string(b) + "." +
                           std::to_string(rng_.between(0, 255)) + "." +
                           std::to_string(rng_.between(1, 254));
    std::int64_t t = now + rng_.between(0, 50'000);
    const int tries = static_cast<int>(rng_.between(1, 3));
    for (int i = 0; i < tries; ++i) {
      VpnEvent e;
      e.kind = VpnEvent::Kind::kLoginFail;
      e.time = t;
      e.user = kNames[rng_.index(std::size(kNames))];
      e.group = "DfltGrpPolicy";
      e.remote_ip = ip;
      e.unknown_user = true;
      eng.vpn(st_, e, ip);
      t += rng_.between(2, 9) * kSecond;
    }
  }
};

// The admission system (GAM): admissions, transfers, discharges, as HL7 v2 ADT.
class AdtFlow : public SiteActor {
 public:
  explicit AdtFlow(SiteState& st) : SiteActor(st, "adt") {}

  std::int64_t wake(Engine& eng, std::int64_t now) override {
    const Site& s = *st_.site;
    const int hour = paris_civil(now).hour;
    // Emergency arrivals: about a quarter of the bed count per day, busiest in the day.
    std::size_t ed = SIZE_MAX;
    int beds = 0;
    for (std::size_t u = 0; u < s.units.size(); ++u) {
      if (s.units[u].kind == UnitKind::kEmergency) ed = u;
      beds += s.units[u].beds;
    }
    const double arrivals = beds * 0.35 / (24 * 60) * hour_weight(kHumanDiurnal, now);
    if (ed != SIZE_MAX) {
      admit(eng, ed, arrivals, now, true);
      // Leaving the ED after a few hours: to a ward with a free bed, or home.
      auto& queue = st_.census[ed];
      for (std::size_t k = 0; k < queue.size();) {
        if (now - queue[k].admitted < 3 * kHour || !rng_.chance(1.0 / 120)) {
          ++k;
          continue;
        }
        Patient p = take(queue, k);
        const std::size_t ward = free_ward();
        const std::int64_t t = now + rng_.between(0, 59'999);
        if (ward != SIZE_MAX && rng_.chance(0.35)) {
          const std::size_t from = p.unit;
          p.unit = ward;
          st_.census[ward].push_back(std::move(p));
          send(eng, AdtEvent::Kind::kTransfer, st_.census[ward].back(), ward, from, t, false);
        } else {
          discharge(eng, std::move(p), ed, t);
        }
      }
    }
    // Wards: discharges in the late morning and afternoon, scheduled admissions in the day.
    const double discharge_weight = (hour >= 10 && hour < 18) ? 2.6 : 0.15;
    const double admit_weight = (hour >= 8 && hour < 19) ? 2.0 : 0.2;
    for (std::size_t u : st_.ward_units) {
      const Unit& unit = s.units[u];
      if (unit.kind == UnitKind::kEmergency) continue;
      auto& census = st_.census[u];
      const double los_days = unit.kind == UnitKind::kIcu ? 6 : 5;
      const double out = census.size() / los_days / (24 * 60) * discharge_weight;
      for (std::uint64_t i = rng_.poisson(out); i > 0 && !census.empty(); --i) {
        Patient p = take(census, rng_.index(census.size()));
        discharge(eng, std::move(p), u, now + rng_.between(0, 59'999));
      }
      const double target = unit.beds * 0.88;
      if (census.size() < target) {
        admit(eng, u, unit.beds / los_days / (24 * 60) * admit_weight * 0.8, now, false);
      }
    }
    return now + kMinute;
  }

 private:
  std::size_t free_ward() {
    const Site& s = *st_.site;
    for (int tries = 0; tries < 6; ++tries) {
      const std::size_t u = st_.ward_units[rng_.index(st_.ward_units.size())];
      if (s.units[u].kind == UnitKind::kWard && st_.census[u].size() < s.units[u].beds * 0.97) {
        return u;
      }
    }
    return SIZE_MAX;
  }
  // A Poisson number of admissions (mean `mean`) to `unit` in the minute from `now`.
  void admit(Engine& eng, std::size_t unit, double mean, std::int64_t now, bool emergency) {
    auto& census = st_.census[unit];
    for (std::uint64_t i = rng_.poisson(mean); i > 0; --i) {
      const std::int64_t t = now + rng_.between(0, 59'999);
      census.push_back(eng.new_patient(st_, unit, t, rng_));
      send(eng, AdtEvent::Kind::kAdmit, census.back(), unit, unit, t, emergency);
    }
  }
  static Patient take(std::vector<Patient>& census, std::size_t k) {
    Patient p = std::move(census[k]);
    census.erase(census.begin() + static_cast<std::ptrdiff_t>(k));
    return p;
  }
  // `p` goes home from `unit`; the DIM codes the latest discharges.
  void discharge(Engine& eng, Patient p, std::size_t unit, std::int64_t t) {
    send(eng, AdtEvent::Kind::kDischarge, p, unit, unit, t, false);
    st_.discharged.push_back(std::move(p));
    if (st_.discharged.size() > 400) st_.discharged.pop_front();
  }
  void send(Engine& eng, AdtEvent::Kind kind, const Patient& p, std::size_t unit, std::size_t prior,
            std::int64_t t, bool emergency) {
    const Site& s = *st_.site;
    AdtEvent e;
    e.kind = kind;
    e.time = t;
    e.patient = &p;
    e.unit = unit;
    e.prior_unit = prior;
    e.emergency = emergency;
    // The attending physician: one of the unit's.
    for (int tries = 0; tries < 8; ++tries) {
      const Staff& d = s.staff[rng_.index(s.staff.size())];
      if (d.role == Role::kPhysician && (d.unit == unit || tries == 7)) {
        e.attending_rpps = d.rpps;
        e.attending_family = d.family;
        e.attending_given = d.given;
        break;
      }
    }
    eng.adt(st_, e);
  }
};

}  // namespace

// ---------------------------------------------------------------------------------------------

bool Engine::next(Record& out) {
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), Later{});
    const Item item = heap.back();
    heap.pop_back();
    if (item.time >= end) {
      heap.clear();
      return false;
    }
    now = item.time;
    Payload& p = slab[item.slot];
    if (p.actor) {
      std::unique_ptr<Actor> actor = std::move(p.actor);
      free_slots.push_back(item.slot);
      const std::int64_t again = actor->wake(*this, now);
      if (again != kDone) schedule(std::move(actor), std::max(again, now + 1));
      continue;
    }
    out = std::move(p.record);
    free_slots.push_back(item.slot);
    ++produced;
    return true;
  }
  return false;
}

Traffic::Traffic(TrafficOptions options) : engine_(std::make_unique<Engine>()) {
  Engine& eng = *engine_;
  if (options.establishments.empty()) options.establishments = default_establishments();
  eng.options = options;
  eng.start = options.start_ms;
  eng.end = options.start_ms + std::max<std::int64_t>(options.span_ms, 0);
  eng.now = eng.start;
  eng.sites = build_sites(options);
  // Volume: people's activity is what it is (scaled down only for small requests); computer
  // accounts and services make up the rest of the requested records.
  double staff = 0, workstations = 0;
  for (const Site& s : eng.sites) {
    staff += static_cast<double>(s.staff.size());
    workstations += static_cast<double>(s.workstations.size());
  }
  const double days = std::max(1e-3, static_cast<double>(options.span_ms) / kDay);
  const double human = staff * kHumanYieldPerStaffDay * days;
  const double background = workstations * kBackgroundYieldPerWorkstationDay * days;
  const double wanted = static_cast<double>(options.events);
  eng.human_scale = std::clamp(wanted / (human + background), 0.02, 1.0);
  eng.background_scale =
      std::max(0.02, (wanted - human * eng.human_scale) / std::max(1.0, background));

  eng.states.resize(eng.sites.size());
  for (std::size_t i = 0; i < eng.sites.size(); ++i) {
    SiteState& st = eng.states[i];
    Site& s = eng.sites[i];
    st.site = &s;
    st.rng = Rng::derived(options.seed, "traffic:" + s.est.id);
    st.census.resize(s.units.size());
    st.next_ipp = 100'000'000ULL + 5'000'000ULL * (i + 1);
    st.next_nda = static_cast<std::uint64_t>(st.rng.between(10'000, 90'000));
    for (int o = 10; o < 250; ++o) st.pool_free.push_back(o);
    for (std::size_t u = 0; u < s.units.size(); ++u) {
      if (s.units[u].beds > 0 || s.units[u].kind == UnitKind::kEmergency)
        st.ward_units.push_back(u);
    }
    // The patients in beds at the start, admitted over the past days (no ADT for them now).
    Rng census_rng = Rng::derived(options.seed, "census:" + s.est.id);
    for (std::size_t u : st.ward_units) {
      const int present =
          s.units[u].kind == UnitKind::kEmergency ? 12 : static_cast<int>(s.units[u].beds * 0.85);
      for (int k = 0; k < present; ++k) {
        const std::int64_t admitted =
            eng.start -
            census_rng.between(1, s.units[u].kind == UnitKind::kEmergency ? 4 : 160) * kHour;
        st.census[u].push_back(eng.new_patient(st, u, admitted, census_rng));
      }
    }
    eng.schedule(std::make_unique<DayPlanner>(st), eng.start);
    eng.schedule(std::make_unique<Ticker>(st), eng.start);
    eng.schedule(std::make_unique<AdtFlow>(st), eng.start);
  }
  if (options.attacks) {
    eng.stories = plan_stories(eng.sites, eng.start, eng.end);
    for (std::size_t k = 0; k < eng.stories.size(); ++k) {
      const Story& story = eng.stories[k];
      for (std::size_t i = 0; i < eng.sites.size(); ++i) {
        if (eng.sites[i].est.id != story.tenant) continue;
        eng.schedule(make_story_actor(eng.states[i], k, options.seed), story.start_ms);
      }
    }
  }
}

Traffic::~Traffic() = default;

bool Traffic::next(Record& out) { return engine_->next(out); }
const std::vector<Story>& Traffic::stories() const { return engine_->stories; }
std::uint64_t Traffic::produced() const { return engine_->produced; }
std::size_t Traffic::pending() const { return engine_->heap.size(); }

}  // namespace vigie::demo
