// The traffic engine's internals, shared by traffic.cpp (the everyday hospital) and stories.cpp
// (the attacks): the event heap, the per-establishment state, and the builders of Windows events
// in the field order Windows writes them. Not a public header.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "demo/population.h"
#include "demo/render.h"
#include "demo/rng.h"
#include "demo/traffic.h"

namespace vigie::demo {

using Engine = Traffic::Engine;

inline constexpr std::int64_t kDone = -1;

// "0x1a2b": how Windows writes logon ids and handles.
inline std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// IPv4-mapped IPv6 ("::ffff:10.20.1.5"), as DCs write the client of Kerberos events.
inline std::string mapped(const std::string& ip) { return "::ffff:" + ip; }

// The Subject* fields: who did it, in which logon session.
inline void add_subject(WinEvent& e, const std::string& sid, const std::string& user,
                        const std::string& domain, std::string logon_id) {
  e.add("SubjectUserSid", sid);
  e.add("SubjectUserName", user);
  e.add("SubjectDomainName", domain);
  e.add("SubjectLogonId", std::move(logon_id));
}

// The account a management event (4720, 4722, 4724) is about.
inline void add_target(WinEvent& e, const std::string& user, const std::string& domain,
                       const std::string& sid) {
  e.add("TargetUserName", user);
  e.add("TargetDomainName", domain);
  e.add("TargetSid", sid);
}

// Fields of fixed values, in order.
using FixedField = std::pair<const char*, const char*>;
template <std::size_t N>
void add_fixed(WinEvent& e, const FixedField (&fields)[N]) {
  for (const auto& [name, value] : fields) e.add(name, value);
}

// A program that runs: its image and command line.
using Program = std::pair<const char*, const char*>;

// A workstation of `unit`, at random.
inline const Host& unit_workstation(const Site& s, std::size_t unit, Rng& rng) {
  const Unit& u = s.units[unit];
  return s.workstations[u.workstations[rng.index(u.workstations.size())]];
}

// The patient an EHR event is about, and the unit of their stay.
inline void set_patient(EhrEvent& e, const Site& s, const Patient& p) {
  e.patient = &p;
  e.patient_unit = s.units[p.unit].code;
}

class Actor {
 public:
  virtual ~Actor() = default;
  // Does what is due at `now`; returns when to wake again, or kDone.
  virtual std::int64_t wake(Engine& engine, std::int64_t now) = 0;
};

// ---------------------------------------------------------------------------------------------

struct SiteState {
  Site* site = nullptr;
  Rng rng{0};
  std::vector<std::vector<Patient>> census;  // per unit
  std::deque<Patient> discharged;            // the latest discharges (DIM coding), bounded
  std::uint64_t next_ipp = 0, next_nda = 0;
  std::unordered_map<std::string, std::uint64_t> record_ids;  // per host
  std::uint64_t adt_messages = 0, movements = 0, objects = 0, sessions = 0, uuids = 0;
  std::vector<int> pool_free;  // last octets of free VPN pool addresses
  std::uint32_t tunnel_ids = 1000;
  std::vector<std::size_t> ward_units;  // units with beds
};

struct Traffic::Engine {
  struct Item {
    std::int64_t time;
    std::uint64_t seq;
    std::uint32_t slot;
  };
  struct Later {
    bool operator()(const Item& a, const Item& b) const {
      return a.time != b.time ? a.time > b.time : a.seq > b.seq;
    }
  };
  struct Payload {
    Record record;
    std::unique_ptr<Actor> actor;
  };

  TrafficOptions options;
  std::vector<Site> sites;
  std::vector<SiteState> states;
  std::vector<Story> stories;
  std::int64_t start = 0, end = 0, now = 0;
  double human_scale = 1.0, background_scale = 1.0;
  std::uint64_t produced = 0;

  std::vector<Item> heap;
  std::vector<Payload> slab;
  std::vector<std::uint32_t> free_slots;
  std::uint64_t seq = 0;

  std::uint32_t take_slot() {
    if (!free_slots.empty()) {
      const std::uint32_t s = free_slots.back();
      free_slots.pop_back();
      return s;
    }
    slab.emplace_back();
    return static_cast<std::uint32_t>(slab.size() - 1);
  }
  void push(std::int64_t time, std::uint32_t slot) {
    heap.push_back({time, seq++, slot});
    std::push_heap(heap.begin(), heap.end(), Later{});
  }
  void schedule(std::unique_ptr<Actor> actor, std::int64_t time) {
    if (time >= end) return;
    const std::uint32_t slot = take_slot();
    slab[slot].actor = std::move(actor);
    push(std::max(time, now), slot);
  }
  void record(SiteState& st, std::string_view topic, std::string key, std::string value,
              std::int64_t time) {
    time = std::max(time, now);
    if (time >= end) return;
    const std::uint32_t slot = take_slot();
    Record& r = slab[slot].record;
    r.topic.assign(topic);
    r.key = std::move(key);
    r.value = std::move(value);
    r.tenant = st.site->est.id;
    r.time_ms = time;
    push(time, slot);
  }

  // ---- emitters ----
  // The emitters never date a record before the item being processed (`now`): the rendered time
  // and Record::time_ms are the same.
  void win(SiteState& st, WinEvent e, std::string key) {
    e.time = std::max(e.time, now);
    std::uint64_t& id = st.record_ids[e.computer->name];
    if (id == 0) id = 1'000'000 + st.rng.between(0, 8'000'000);
    ++id;
    std::string value = st.site->ad_format == AdFormat::kWinlogbeat
                            ? render_winlogbeat(*st.site, e, id)
                            : render_nxlog(*st.site, e, id);
    record(st, "ad", std::move(key), std::move(value), e.time);
  }
  void vpn(SiteState& st, VpnEvent e, const std::string& key) {
    e.time = std::max(e.time, now);
    std::vector<std::pair<std::int64_t, std::string>> lines;
    render_vpn(*st.site, e, lines);
    for (auto& [t, line] : lines) record(st, "vpn", key, std::move(line), t);
  }
  void ehr(SiteState& st, EhrEvent e) {
    e.time = std::max(e.time, now);
    std::string value = st.site->ehr_format == EhrFormat::kFhir
                            ? render_fhir(*st.site, e, label_hash(st.site->est.id) + ++st.uuids)
                            : render_dpi_flat(*st.site, e);
    const std::string_view login = e.login.empty() ? std::string_view(e.user->ehr_login) : e.login;
    record(st, "ehr", std::string(login), std::move(value), e.time);
  }
  void adt(SiteState& st, AdtEvent e) {
    e.time = std::max(e.time, now);
    e.message_number = ++st.adt_messages;
    e.movement_number = ++st.movements;
    record(st, "ehr", "GAM-" + st.site->est.id, render_hl7_adt(*st.site, e), e.time);
  }

  // ---- Windows event builders (the fields Windows writes, in its order) ----
  WinEvent tgt(const Site& s, std::int64_t t, const Host& dc, const std::string& sam,
               const std::string& sid, const std::string& client_ip, std::string_view status,
               Rng& rng) {
    WinEvent e{t, &dc, 4768, status != "0x0", {}};
    e.add("TargetUserName", sam);
    e.add("TargetDomainName", s.realm);
    e.add("TargetSid", status == "0x6" ? "S-1-0-0" : sid);
    e.add("ServiceName", "krbtgt");
    e.add("ServiceSid", s.domain_sid + "-502");
    e.add("TicketOptions", "0x40810010");
    e.add("Status", std::string(status));
    e.add("TicketEncryptionType", status == "0x0" ? "0x12" : "0xffffffff");
    e.add("PreAuthType", status == "0x0" ? "2" : "-");
    e.add("IpAddress", mapped(client_ip));
    e.add("IpPort", std::to_string(rng.between(49152, 65535)));
    e.add("CertIssuerName", "");
    e.add("CertSerialNumber", "");
    e.add("CertThumbprint", "");
    return e;
  }
  WinEvent tgs(const Site& s, std::int64_t t, const Host& dc, const std::string& user_at_realm,
               const std::string& service, const std::string& service_sid,
               const std::string& client_ip, bool rc4, Rng& rng) {
    WinEvent e{t, &dc, 4769, false, {}};
    e.add("TargetUserName", user_at_realm);
    e.add("TargetDomainName", s.realm);
    e.add("ServiceName", service);
    e.add("ServiceSid", service_sid);
    e.add("TicketOptions", rc4 ? "0x40810010" : "0x40810000");
    e.add("TicketEncryptionType", rc4 ? "0x17" : "0x12");
    e.add("IpAddress", mapped(client_ip));
    e.add("IpPort", std::to_string(rng.between(49152, 65535)));
    e.add("Status", "0x0");
    e.add("LogonGuid", guid(rng));
    e.add("TransmittedServices", "-");
    return e;
  }
  WinEvent logon(const Site& s, std::int64_t t, const Host& on, const std::string& user,
                 const std::string& sid, int type, bool kerberos, const std::string& workstation,
                 const std::string& ip, Rng& rng, std::uint64_t* logon_id = nullptr) {
    WinEvent e{t, &on, 4624, false, {}};
    const std::uint64_t id = 0x100000 + static_cast<std::uint64_t>(rng.between(0, 0xfffffff));
    if (logon_id != nullptr) *logon_id = id;
    const bool service = type == 5;
    e.add("SubjectUserSid", service ? "S-1-5-18" : "S-1-0-0");
    e.add("SubjectUserName", service ? on.name + "$" : "-");
    e.add("SubjectDomainName", service ? s.netbios : "-");
    e.add("SubjectLogonId", service ? "0x3e7" : "0x0");
    e.add("TargetUserSid", sid);
    e.add("TargetUserName", user);
    e.add("TargetDomainName", s.netbios);
    e.add("TargetLogonId", hex(id));
    e.add("LogonType", std::to_string(type));
    e.add("LogonProcessName", service ? "Advapi  " : kerberos ? "Kerberos" : "NtLmSsp ");
    e.add("AuthenticationPackageName", service ? "Negotiate" : kerberos ? "Kerberos" : "NTLM");
    e.add("WorkstationName", kerberos || service ? "-" : workstation);
    e.add("LogonGuid", kerberos ? guid(rng) : "{00000000-0000-0000-0000-000000000000}");
    e.add("TransmittedServices", "-");
    e.add("LmPackageName", kerberos || service ? "-" : "NTLM V2");
    e.add("KeyLength", kerberos || service ? "0" : "128");
    e.add("ProcessId", service ? "0x2a8" : "0x0");
    e.add("ProcessName", service ? "C:\\Windows\\System32\\services.exe" : "-");
    e.add("IpAddress", service ? "-" : ip);
    e.add("IpPort", service ? "-" : std::to_string(rng.between(49152, 65535)));
    e.add("ImpersonationLevel", "%%1833");
    e.add("RestrictedAdminMode", type == 10 ? "%%1843" : "-");
    e.add("TargetOutboundUserName", "-");
    e.add("TargetOutboundDomainName", "-");
    e.add("VirtualAccount", "%%1843");
    e.add("TargetLinkedLogonId", "0x0");
    e.add("ElevatedToken", service ? "%%1842" : "%%1843");
    return e;
  }
  // 4688: `program` (image, command line) started on `on` by `user`, under `parent`; its logon id
  // is drawn above `logon_base`.
  WinEvent process(const Site& s, std::int64_t t, const Host& on, const std::string& user,
                   const std::string& sid, std::uint64_t logon_base, const Program& program,
                   std::string_view elevation, std::string_view parent, Rng& rng) {
    WinEvent e{t, &on, 4688, false, {}};
    add_subject(e, sid, user, s.netbios, hex(logon_base + rng.between(0, 0xffffff)));
    e.add("NewProcessId", hex(0x1000 + rng.between(0, 0xffff)));
    e.add("NewProcessName", program.first);
    e.add("TokenElevationType", std::string(elevation));
    e.add("ProcessId", hex(0x1000 + rng.between(0, 0xffff)));
    e.add("CommandLine", program.second);
    e.add("TargetUserSid", "S-1-0-0");
    e.add("TargetUserName", "-");
    e.add("TargetDomainName", "-");
    e.add("TargetLogonId", "0x0");
    e.add("ParentProcessName", std::string(parent));
    e.add("MandatoryLabel", "S-1-16-12288");
    return e;
  }
  WinEvent logoff(const Site& s, std::int64_t t, const Host& on, const std::string& user,
                  const std::string& sid, int type, std::uint64_t logon_id) {
    WinEvent e{t, &on, 4634, false, {}};
    e.add("TargetUserSid", sid);
    e.add("TargetUserName", user);
    e.add("TargetDomainName", s.netbios);
    e.add("TargetLogonId", hex(logon_id));
    e.add("LogonType", std::to_string(type));
    return e;
  }
  static std::string guid(Rng& rng) {
    const std::uint64_t a = rng.next(), b = rng.next();
    char buf[48];
    std::snprintf(buf, sizeof buf, "{%08llx-%04llx-%04llx-%04llx-%012llx}",
                  static_cast<unsigned long long>(a >> 32),
                  static_cast<unsigned long long>((a >> 16) & 0xffff),
                  static_cast<unsigned long long>(a & 0xffff),
                  static_cast<unsigned long long>(b >> 48),
                  static_cast<unsigned long long>(b & 0xffffffffffffULL));
    return buf;
  }

  // ---- patients ----
  Patient new_patient(SiteState& st, std::size_t unit, std::int64_t admitted, Rng& rng);
  Patient historical_patient(SiteState& st, Rng& rng) const;
  const Patient* census_patient(SiteState& st, std::size_t unit, Rng& rng) const;
  const Patient* any_patient(SiteState& st, Rng& rng) const;

  bool next(Record& out);
};

}  // namespace vigie::demo
