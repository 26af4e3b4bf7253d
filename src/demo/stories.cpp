#include "demo/stories.h"

#include <algorithm>
#include <set>
#include <span>
#include <string>

#include "demo/clock.h"

namespace vigie::demo {
namespace {

// A story's actor: it writes the whole story (`run`, one of the stories below) when it wakes at
// the story's start, with randomness of its own (from the seed and the establishment alone) and
// the steps the stories share.
class StoryActor : public Actor {
 public:
  using Run = void (StoryActor::*)(Engine& eng, std::int64_t now);
  StoryActor(SiteState& st, std::uint64_t seed, std::string_view label, Run run)
      : st_(st),
        rng_(Rng::derived(seed, "story:" + std::string(label) + ":" + st.site->est.id)),
        run_(run) {}

  std::int64_t wake(Engine& eng, std::int64_t now) override {
    (this->*run_)(eng, now);
    return kDone;
  }

  // The stories (below), each written at its start.
  void spray_to_kerberoasting(Engine& eng, std::int64_t now);
  void mass_consultation(Engine& eng, std::int64_t now);
  void departed_account(Engine& eng, std::int64_t now);

 private:
  // A member of staff in post at `now` (no end date) for whom `fits` holds, drawn at random;
  // SIZE_MAX when 10,000 draws find none.
  template <typename Fits>
  std::size_t pick_staff(std::int64_t now, Fits fits) {
    const Site& s = *st_.site;
    for (int tries = 0; tries < 10000; ++tries) {
      const std::size_t k = rng_.index(s.staff.size());
      const Staff& p = s.staff[k];
      if (p.valid_to == 0 && p.valid_from <= now && fits(p)) return k;
    }
    return SIZE_MAX;
  }

  // `p` logs on to the DPI from `ws` at `t`: the session's login event, to go on with.
  EhrEvent ehr_login(Engine& eng, const Staff& p, const Host& ws, std::uint64_t session_base,
                     std::int64_t t) {
    EhrEvent e;
    e.user = &p;
    e.workstation = &ws;
    e.client_ip = ws.ip;
    e.session_id = std::to_string(session_base + rng_.between(0, 99999));
    e.kind = EhrEvent::Kind::kLogin;
    e.time = t;
    eng.ehr(st_, e);
    return e;
  }
  // The session `e` reads (or prints...) `q`'s record at `t`.
  void open_record(Engine& eng, EhrEvent& e, EhrEvent::Kind kind, std::int64_t t, const Patient& q,
                   std::uint64_t object_id) {
    e.kind = kind;
    e.time = t;
    set_patient(e, *st_.site, q);
    e.object_id = object_id;
    eng.ehr(st_, e);
  }
  void logout(Engine& eng, EhrEvent& e, std::int64_t t) {
    e.kind = EhrEvent::Kind::kLogout;
    e.patient = nullptr;
    e.time = t;
    eng.ehr(st_, e);
  }

  SiteState& st_;
  Rng rng_;
  Run run_;
};

// ---- Story 1: password spray on the VPN, a login from abroad, Kerberoasting from the tunnel ----

// 4661's fields after the handle: lsass reading the SAM object.
constexpr FixedField kSamHandle[] = {
    {"TransactionId", "{00000000-0000-0000-0000-000000000000}"},
    {"AccessList", "%%5400 %%5402 %%5404 %%5405 "},
    {"AccessReasons", "-"},
    {"AccessMask", "0x2d"},
    {"PrivilegeList", "-"},
    {"RestrictedSidCount", "0"},
    {"ProcessId", "0x2a8"},
    {"ProcessName", "C:\\Windows\\System32\\lsass.exe"},
    {"ResourceAttributes", "-"},
};

void StoryActor::spray_to_kerberoasting(Engine& eng, std::int64_t now) {
  const Site& s = *st_.site;
  // The victim: an administrative or secretarial account with remote access and a weak
  // password. The attacker's address: a hosting provider abroad.
  const std::size_t victim = pick_staff(now, [](const Staff& p) {
    return p.vpn && (p.role == Role::kSecretary || p.role == Role::kAdministration) &&
           !lives_abroad(p);
  });
  if (victim == SIZE_MAX) return;
  const Staff& v = s.staff[victim];
  const std::string attacker = "45.141.84." + std::to_string(rng_.between(100, 140));
  // Names tried: staff accounts (harvested from the web site and LinkedIn) and usual guesses.
  std::vector<std::string> names;
  std::set<std::string> seen{v.vpn_user};
  while (names.size() < 30) {
    const Staff& p = s.staff[rng_.index(s.staff.size())];
    if (seen.insert(p.vpn_user).second) names.push_back(p.vpn_user);
  }
  for (const char* guess : {"admin", "administrateur", "test", "accueil", "formation", "support",
                            "secretariat", "stagiaire"}) {
    names.emplace_back(guess);
  }
  for (std::size_t i = names.size(); i > 1; --i) std::swap(names[i - 1], names[rng_.index(i)]);
  names.insert(names.begin() + 24, v.vpn_user);

  std::int64_t t = now;
  std::int64_t up = 0;
  const std::string pool_ip = s.vpn_pool + "250";  // never given to the everyday traffic
  const std::uint32_t tunnel = 9000 + static_cast<std::uint32_t>(rng_.between(0, 900));
  VpnEvent e;
  e.remote_ip = attacker;
  e.group = s.vpn_vendor == VpnVendor::kCiscoAsa ? "GP-Administratif" : "GG-VPN-Administratif";
  for (const std::string& name : names) {
    e.time = t;
    e.user = name;
    if (name == v.vpn_user) {
      up = t + 2500;
      e.kind = VpnEvent::Kind::kNewConnection;
      e.tunnel_id = tunnel;
      e.time = t + 1200;
      eng.vpn(st_, e, attacker);
      e.kind = VpnEvent::Kind::kTunnelUp;
      e.time = up;
      e.tunnel_ip = pool_ip;
      eng.vpn(st_, e, attacker);
    } else {
      e.kind = VpnEvent::Kind::kLoginFail;
      e.unknown_user = !seen.contains(name);
      e.tunnel_id = 0;
      eng.vpn(st_, e, attacker);
    }
    t += rng_.between(18, 32) * kSecond;
  }
  // Through the tunnel, six minutes later: a TGT, a network logon on the DC from a Windows
  // machine outside the domain, the SAM queries of `net group "Domain Admins" /domain` and
  // `net user administrator /domain`, then GetUserSPNs: RC4 tickets for every SPN.
  const Host& dc = s.dc1;
  const std::string at = v.sam + "@" + s.realm;
  std::int64_t r = up + 6 * kMinute + rng_.between(0, 60) * kSecond;
  eng.win(st_, eng.tgt(s, r, dc, v.sam, v.sid, pool_ip, "0x0", rng_), v.sam);
  std::uint64_t logon_id = 0;
  eng.win(st_,
          eng.logon(s, r + 800, dc, v.sam, v.sid, 3, false, "DESKTOP-8KQ4M2V", pool_ip, rng_,
                    &logon_id),
          v.sam);
  for (const char* pipe : {"lsarpc", "samr", "samr", "netlogon"}) {
    r += rng_.between(300, 2500);
    WinEvent f{r, &dc, 5145, false, {}};
    add_subject(f, v.sid, v.sam, s.netbios, hex(logon_id));
    f.add("ObjectType", "File");
    f.add("IpAddress", pool_ip);
    f.add("IpPort", std::to_string(rng_.between(49152, 65535)));
    f.add("ShareName", "\\\\*\\IPC$");
    f.add("ShareLocalPath", "");
    f.add("RelativeTargetName", pipe);
    f.add("AccessMask", "0x3");
    f.add("AccessList", "%%4416 %%4417 ");
    f.add("AccessReason", "-");
    eng.win(st_, std::move(f), pool_ip);
  }
  for (const auto& [type, rid] : {std::pair{"SAM_GROUP", "-512"}, std::pair{"SAM_USER", "-500"}}) {
    r += rng_.between(1500, 9000);
    WinEvent h{r, &dc, 4661, false, {}};
    add_subject(h, v.sid, v.sam, s.netbios, hex(logon_id));
    h.add("ObjectServer", "Security Account Manager");
    h.add("ObjectType", type);
    h.add("ObjectName", s.domain_sid + rid);
    h.add("HandleId", hex(0x1000000 + rng_.between(0, 0xffffff)));
    add_fixed(h, kSamHandle);
    eng.win(st_, std::move(h), v.sam);
  }
  std::int64_t k = r + 7 * kMinute + rng_.between(0, 90) * kSecond;
  for (const ServiceAccount& svc : s.services) {
    if (svc.rc4_only) continue;
    k += rng_.between(150, 900);
    eng.win(st_, eng.tgs(s, k, dc, at, svc.name, svc.sid, pool_ip, true, rng_), v.sam);
  }
  // The session ends 40 minutes later (the hashes are being cracked offline).
  VpnEvent down;
  down.kind = VpnEvent::Kind::kTunnelDown;
  down.time = k + 40 * kMinute;
  down.user = v.vpn_user;
  down.group = e.group;
  down.remote_ip = attacker;
  down.tunnel_ip = pool_ip;
  down.tunnel_id = tunnel;
  down.duration_s = (down.time - up) / kSecond;
  down.bytes_to_client = 48'211'904;
  down.bytes_from_client = 3'511'200;
  eng.vpn(st_, down, attacker);
}

// ---- Story 2: a nurse opens hundreds of patients' records in an hour ----

void StoryActor::mass_consultation(Engine& eng, std::int64_t now) {
  const Site& s = *st_.site;
  const std::size_t who = pick_staff(now, [&s](const Staff& p) {
    return p.role == Role::kNurse && s.units[p.unit].kind == UnitKind::kWard;
  });
  if (who == SIZE_MAX) return;
  const Staff& p = s.staff[who];
  const Host& ws = unit_workstation(s, p.unit, rng_);
  const Host& dc = s.dc2;
  eng.win(st_, eng.tgt(s, now, dc, p.sam, p.sid, ws.ip, "0x0", rng_), p.sam);
  eng.win(st_,
          eng.tgs(s, now + 40, dc, p.sam + "@" + s.realm, ws.name + "$", s.domain_sid + "-5001",
                  ws.ip, false, rng_),
          p.sam);
  EhrEvent e = ehr_login(eng, p, ws, 900000, now + 70 * kSecond);
  // Every patient in a bed tonight, then older records: 280 distinct patients in 55 minutes.
  std::vector<Patient> targets;
  for (const auto& c : st_.census) {
    for (const Patient& q : c) targets.push_back(q);
  }
  for (std::size_t i = targets.size(); i > 1; --i)
    std::swap(targets[i - 1], targets[rng_.index(i)]);
  if (targets.size() > 170) targets.resize(170);
  std::set<std::string> seen;
  for (const Patient& q : targets) seen.insert(q.ipp);
  while (targets.size() < 280) {
    Patient q = eng.historical_patient(st_, rng_);
    if (seen.insert(q.ipp).second) targets.push_back(std::move(q));
  }
  std::int64_t t = now + 2 * kMinute;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (i % 25 == 7) {
      e.kind = EhrEvent::Kind::kQuery;
      e.time = t;
      e.patient = nullptr;
      e.query_family = targets[i].family.empty() ? "DUP" : targets[i].family.substr(0, 4);
      eng.ehr(st_, e);
      t += rng_.between(3, 8) * kSecond;
    }
    open_record(eng, e, EhrEvent::Kind::kRead, t, targets[i], 700000 + rng_.between(0, 299999));
    t += rng_.between(6, 16) * kSecond;
  }
  logout(eng, e, t + 30 * kSecond);
}

// ---- Story 3: a physician who left three weeks ago still uses their DPI account ----

void StoryActor::departed_account(Engine& eng, std::int64_t now) {
  const Site& s = *st_.site;
  if (s.departed == SIZE_MAX) return;
  const Staff& p = s.staff[s.departed];
  const Host& ws = unit_workstation(s, p.unit, rng_);
  // The Windows account was disabled when they left: the DC refuses the TGT (0x12, revoked).
  eng.win(st_, eng.tgt(s, now, s.dc1, p.sam, p.sid, ws.ip, "0x12", rng_), p.sam);
  eng.win(st_, eng.tgt(s, now + 25 * kSecond, s.dc1, p.sam, p.sid, ws.ip, "0x12", rng_), p.sam);
  // The DPI keeps its own accounts, and nobody closed theirs: from the ward's workstation,
  // under a colleague's Windows session.
  EhrEvent e = ehr_login(eng, p, ws, 800000, now + 3 * kMinute);
  e.documents = 3;  // what a print prints
  std::int64_t t = e.time + 40 * kSecond;
  const int reads = static_cast<int>(rng_.between(8, 11));
  for (int i = 0; i < reads; ++i) {
    const Patient* q = eng.census_patient(st_, p.unit, rng_);
    if (q == nullptr) q = eng.any_patient(st_, rng_);
    if (q == nullptr) break;
    open_record(eng, e, i == reads - 2 ? EhrEvent::Kind::kPrint : EhrEvent::Kind::kRead, t, *q,
                600000 + rng_.between(0, 99999));
    t += rng_.between(60, 260) * kSecond;
  }
  logout(eng, e, t);
}

struct StorySpec {
  const char* name;
  int hour, minute;  // local time it starts at when the span allows
  double fallback;   // else this fraction of the span
  std::int64_t duration;
  const char* description;
  std::span<const std::string_view> rule_ids;
  const char* label;  // of its Rng
  StoryActor::Run run;
};

constexpr std::string_view kSprayRules[] = {
    rule_id::kVpnPasswordSpray,      rule_id::kVpnSessionAbroad,    rule_id::kVpnSprayThenSession,
    rule_id::kAdSamPrivilegedRecon,  rule_id::kWinKerberoastingRc4, rule_id::kAdKerberoastingBurst,
    rule_id::kVpnTunnelKerberoasting};
constexpr std::string_view kInsiderRules[] = {rule_id::kEhrMassConsultation};
constexpr std::string_view kDepartedRules[] = {rule_id::kEhrDepartedAccount};

constexpr StorySpec kSpecs[] = {
    {"vpn-spray-to-kerberoasting", 2, 40, 0.10, 80 * kMinute,
     "A FortiGate/ASA password spray from one foreign address over ~38 accounts, then a VPN "
     "session from that address for one of them; from the tunnel's pool address the attacker "
     "queries the SAM for Domain Admins and Administrator and requests RC4 service tickets for "
     "every SPN (Kerberoasting).",
     kSprayRules, "spray", &StoryActor::spray_to_kerberoasting},
    {"ehr-mass-consultation", 20, 10, 0.45, 60 * kMinute,
     "A ward nurse opens the records of 280 distinct patients in under an hour, every patient in "
     "a bed that evening and older records, far outside her unit.",
     kInsiderRules, "insider", &StoryActor::mass_consultation},
    {"departed-account-in-ehr", 14, 20, 0.75, 40 * kMinute,
     "A physician who left the establishment 16 days ago (directory validity ended, Windows "
     "account disabled: the DC refuses the TGT) logs on to the DPI with the DPI's own account, "
     "never closed, and reads and prints patient records.",
     kDepartedRules, "departed", &StoryActor::departed_account},
};

std::int64_t place(const StorySpec& spec, std::int64_t start, std::int64_t end) {
  const std::int64_t earliest = start + 20 * kMinute;
  for (std::int64_t day = start - kDay; day < end + kDay; day += kDay) {
    const Civil c = paris_civil(day);
    const std::int64_t t = paris_to_utc(c.year, c.month, c.day, spec.hour, spec.minute);
    if (t >= earliest && t + spec.duration <= end) return t;
  }
  const std::int64_t t = start + static_cast<std::int64_t>((end - start) * spec.fallback);
  return std::max(start, std::min(t, end - spec.duration));
}

}  // namespace

std::vector<Story> plan_stories(const std::vector<Site>& sites, std::int64_t start,
                                std::int64_t end) {
  std::vector<Story> out;
  if (sites.empty() || end <= start) return out;
  for (std::size_t k = 0; k < std::size(kSpecs); ++k) {
    const StorySpec& spec = kSpecs[k];
    Story story;
    story.name = spec.name;
    story.tenant = sites[k % sites.size()].est.id;
    story.start_ms = place(spec, start, end);
    story.end_ms = std::min(end, story.start_ms + spec.duration);
    story.description = spec.description;
    story.rule_ids.assign(spec.rule_ids.begin(), spec.rule_ids.end());
    out.push_back(std::move(story));
  }
  return out;
}

std::unique_ptr<Actor> make_story_actor(SiteState& st, std::size_t index, std::uint64_t seed) {
  const StorySpec& spec = kSpecs[std::min(index, std::size(kSpecs) - 1)];
  return std::make_unique<StoryActor>(st, seed, spec.label, spec.run);
}

}  // namespace vigie::demo
