#include "enrich/enricher.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "enrich/state_codec.h"

namespace vigie::enrich {
namespace {

constexpr std::array<std::string_view, 26> kNames = {"user.name",
                                                     "user.domain",
                                                     "user.id",
                                                     "source.ip",
                                                     "event.action",
                                                     "vpn.user",
                                                     "vpn.assigned_ip",
                                                     "vpn.session_id",
                                                     "patient.ipp_token",
                                                     "patient.nir_token",
                                                     "patient.token",
                                                     "patient.token_kind",
                                                     "user.canonical",
                                                     "user.kind",
                                                     "user.person",
                                                     "user.unit",
                                                     "user.resolution",
                                                     "source.ip_class",
                                                     "source.geo.country_iso_code",
                                                     "source.as.number",
                                                     "source.as.organization.name",
                                                     "vpn.session.user",
                                                     "vpn.session.public_ip",
                                                     "vpn.session.country",
                                                     "vpn.session.id",
                                                     "patient.token_via"};

constexpr std::size_t kFirstWritten = 12;

}  // namespace

void PatientLinks::learn(std::string_view tenant, std::string_view nir_token,
                         std::string_view ipp_token) {
  key_.assign(tenant).push_back('\0');
  key_.append(nir_token);
  auto it = links_.find(key_);
  if (it != links_.end()) {
    it->second.assign(ipp_token);  // the latest message wins (an identity merge moves the INS)
    return;
  }
  if (links_.size() >= max_links_) {
    links_.erase(links_.begin());  // bounded: one old link is forgotten
    ++forgotten_;
  }
  links_.emplace(key_, std::string(ipp_token));
}

std::string_view PatientLinks::ipp_of(std::string_view tenant, std::string_view nir_token) {
  key_.assign(tenant).push_back('\0');
  key_.append(nir_token);
  auto it = links_.find(key_);
  return it == links_.end() ? std::string_view{} : std::string_view(it->second);
}

namespace {
constexpr std::string_view kLinksTag = "vigie-patient-links 1\n";
}  // namespace

std::string PatientLinks::snapshot() const {
  std::string out(kLinksTag);
  std::vector<const std::pair<const std::string, std::string>*> entries;
  for (const auto& e : links_) entries.push_back(&e);
  std::sort(entries.begin(), entries.end(), [](auto* a, auto* b) { return a->first < b->first; });
  codec::put_u64(out, entries.size());
  for (const auto* e : entries) {
    codec::put_str(out, e->first);
    codec::put_str(out, e->second);
  }
  return out;
}

Status PatientLinks::restore(std::string_view bytes) {
  links_.clear();
  codec::Reader in(bytes);
  std::uint64_t n = 0;
  if (in.tag(kLinksTag) && in.u64(n) && n <= bytes.size()) {
    for (std::uint64_t i = 0; i < n; ++i) {
      std::string k, v;
      if (!in.str(k) || !in.str(v)) break;
      links_.emplace(std::move(k), std::move(v));
    }
    if (links_.size() == n && in.done()) return Status::ok_status();
  }
  links_.clear();
  return Status::error("bad-snapshot", "the patient link snapshot is malformed");
}

Enricher::Enricher(const EnricherSetup& setup)
    : geoip_(setup.geoip), leases_(setup.leases), patients_(setup.patients) {
  static_assert(kNames.size() == kCount);
  for (std::size_t i = 0; i < kNames.size(); ++i) ids_[i] = setup.fields->intern(kNames[i]);
}

std::span<const std::string_view> Enricher::fields() {
  return std::span<const std::string_view>(kNames).subspan(kFirstWritten);
}

std::string_view Enricher::text(const event::Event& e, F f) const {
  const event::Value* v = e.get(ids_[f]);
  if (v == nullptr || (v->kind != event::Kind::kString && v->kind != event::Kind::kInt)) return {};
  return v->text;
}

void Enricher::set(event::Event& e, F f, std::string_view v, bool copy) const {
  if (v.empty()) return;
  e.set(ids_[f], event::Value::string(copy ? e.arena().copy(v) : v));
}

void Enricher::enrich(event::Event& e, Source source, const Directory* directory) {
  identity(e, source, directory);
  if (std::string_view ip = text(e, kSourceIp); !ip.empty()) {
    const GeoInfo geo = geoip_ != nullptr ? geoip_->lookup(ip) : GeoInfo{};
    IpClass cls = geo.ip_class;
    if (geoip_ == nullptr) {
      std::optional<IpAddress> parsed = parse_ip(ip);
      cls = parsed ? classify(*parsed) : IpClass::kInvalid;
    }
    set(e, kIpClass, to_string(cls), false);
    set(e, kCountry, geo.country, false);  // views into the memory-mapped database
    if (geo.asn != 0) {
      char buf[16];
      auto r = std::to_chars(buf, buf + sizeof buf, geo.asn);
      std::string_view n =
          e.arena().copy(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
      e.set(ids_[kAsNumber], event::Value::integer_value(geo.asn, n));
    }
    set(e, kAsOrg, geo.as_org, false);
  }
  if (leases_ != nullptr) vpn(e, source);
  if (source == Source::kEhr && patients_ != nullptr) patient(e);
}

void Enricher::patient(event::Event& e) {
  const std::string_view ipp = text(e, kPatientIppToken);
  const std::string_view nir = text(e, kPatientNirToken);
  if (nir.empty()) return;
  if (!ipp.empty()) {  // both: the establishment's GAM says which local patient this INS is
    patients_->learn(e.tenant, nir, ipp);
    return;
  }
  // The INS alone (an access audited by national identity): the local patient learned for it,
  // so that it compares equal to the ADT and DPI events of the same patient.
  if (text(e, kPatientTokenKind) != "nir") return;
  const std::string_view linked = patients_->ipp_of(e.tenant, nir);
  if (linked.empty()) return;
  set(e, kPatientToken, linked, true);
  set(e, kPatientTokenKind, "ipp", false);
  set(e, kPatientTokenVia, "ins-link", false);
}

void Enricher::identity(event::Event& e, Source source, const Directory* directory) {
  // The stable key first: a SID when the event has one, else DOMAIN\user, else the name.
  std::string_view id = text(e, kUserId);
  std::string_view name =
      source == Source::kVpn && text(e, kUserName).empty() ? text(e, kVpnUser) : text(e, kUserName);
  std::string_view domain = text(e, kUserDomain);
  if (is_sid(id) && id != "S-1-0-0") {  // the NULL SID names nobody: use the name
    raw_user_.assign(id);
  } else if (!name.empty() && !domain.empty() &&
             name.find_first_of("\\@") == std::string_view::npos) {
    raw_user_.assign(domain).append("\\").append(name);
  } else {
    raw_user_.assign(name);
  }
  if (raw_user_.empty()) return;
  const UserName u = canonicalize_user(raw_user_, scratch_);
  set(e, kUserKind, to_string(u.kind), false);
  set(e, kUserCanonical, u.canonical, true);
  if (directory == nullptr || u.kind != PrincipalKind::kUser) return;
  Resolution r = directory->resolve(source, raw_user_, e.time_ms, scratch_);
  if (r.outcome != Outcome::kResolved && !name.empty() && raw_user_ != name) {
    // A SID the directory lacks: the account name may still be there.
    r = directory->resolve(source, name, e.time_ms, scratch_);
  }
  set(e, kUserResolution, to_string(r.outcome), false);
  if (r.outcome == Outcome::kResolved && r.entry != nullptr) {
    set(e, kUserPerson, r.entry->person_id, false);  // the directory outlives the event
    set(e, kUserUnit, r.entry->unit, false);
  }
}

void Enricher::vpn(event::Event& e, Source source) {
  const std::string_view action = text(e, kAction);
  if (source == Source::kVpn) {
    const std::string_view assigned = text(e, kVpnAssignedIp);
    if (assigned.empty() || e.time_ms == event::Event::kNoTime) return;
    if (action == "session_start") {
      Lease l;
      l.user = text(e, kVpnUser).empty() ? std::string(text(e, kUserName))
                                         : std::string(text(e, kVpnUser));
      l.public_ip = text(e, kSourceIp);
      l.country = text(e, kCountry);
      l.session_id = text(e, kVpnSessionId);
      l.start_ms = e.time_ms;
      leases_->start(e.tenant, assigned, std::move(l));
    } else if (action == "session_end") {
      leases_->end(e.tenant, assigned, e.time_ms, text(e, kVpnSessionId));
    }
    return;
  }
  const std::string_view ip = text(e, kSourceIp);
  if (ip.empty() || e.time_ms == event::Event::kNoTime) return;
  const Lease* l = leases_->find(e.tenant, ip, e.time_ms);
  if (l == nullptr) return;
  set(e, kSessionUser, l->user, true);
  set(e, kSessionPublicIp, l->public_ip, true);
  set(e, kSessionCountry, l->country, true);
  set(e, kSessionId, l->session_id, true);
}

}  // namespace vigie::enrich
