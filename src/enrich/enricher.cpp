#include "enrich/enricher.h"

#include <array>
#include <charconv>

namespace vigie::enrich {
namespace {

constexpr std::array<std::string_view, 21> kNames = {"user.name",
                                                     "user.domain",
                                                     "user.id",
                                                     "source.ip",
                                                     "event.action",
                                                     "vpn.user",
                                                     "vpn.assigned_ip",
                                                     "vpn.session_id",
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
                                                     "vpn.session.id"};

constexpr std::size_t kFirstWritten = 8;

}  // namespace

Enricher::Enricher(const EnricherSetup& setup) : geoip_(setup.geoip), leases_(setup.leases) {
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
