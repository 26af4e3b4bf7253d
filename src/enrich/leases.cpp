#include "enrich/leases.h"

#include <algorithm>

#include "enrich/state_codec.h"

namespace vigie::enrich {

std::string LeaseTable::key(std::string_view tenant, std::string_view ip) {
  std::string k;
  k.reserve(tenant.size() + ip.size() + 1);
  k.append(tenant);
  k.push_back('\0');
  k.append(ip);
  return k;
}

void LeaseTable::start(std::string_view tenant, std::string_view ip, Lease lease) {
  if (count_ >= max_) evict_one();
  std::vector<Lease>& v = by_address_[key(tenant, ip)];
  auto pos = std::upper_bound(v.begin(), v.end(), lease.start_ms,
                              [](std::int64_t t, const Lease& l) { return t < l.start_ms; });
  // An earlier session of the address that never said it ended ends when this one starts.
  if (pos != v.begin() && std::prev(pos)->end_ms == Lease::kOpen) {
    std::prev(pos)->end_ms = lease.start_ms;
  }
  v.insert(pos, std::move(lease));
  ++count_;
}

bool LeaseTable::end(std::string_view tenant, std::string_view ip, std::int64_t end_ms,
                     std::string_view session_id) {
  auto it = by_address_.find(key(tenant, ip));
  if (it == by_address_.end()) return false;
  std::vector<Lease>& v = it->second;
  for (auto l = v.rbegin(); l != v.rend(); ++l) {
    if (l->start_ms > end_ms) continue;
    if (!session_id.empty() && !l->session_id.empty() && l->session_id != session_id) continue;
    l->end_ms = std::min(l->end_ms, end_ms);
    return true;
  }
  return false;
}

const Lease* LeaseTable::find(std::string_view tenant, std::string_view ip,
                              std::int64_t at_ms) const {
  auto it = by_address_.find(key(tenant, ip));
  if (it == by_address_.end()) return nullptr;
  const std::vector<Lease>& v = it->second;
  for (auto l = v.rbegin(); l != v.rend(); ++l) {
    if (l->start_ms <= at_ms && at_ms <= l->end_ms) return &*l;
  }
  return nullptr;
}

void LeaseTable::expire(std::int64_t ended_before_ms) {
  for (auto it = by_address_.begin(); it != by_address_.end();) {
    std::vector<Lease>& v = it->second;
    const std::size_t before = v.size();
    std::erase_if(v, [&](const Lease& l) { return l.end_ms < ended_before_ms; });
    count_ -= before - v.size();
    it = v.empty() ? by_address_.erase(it) : std::next(it);
  }
}

void LeaseTable::evict_one() {
  // The lease that ended longest ago, else the open one that started first. Linear, but only
  // when the table is full, which the configured bound makes rare.
  auto victim_map = by_address_.end();
  std::size_t victim_index = 0;
  auto rank = [](const Lease& l) {
    return l.end_ms != Lease::kOpen ? std::pair<int, std::int64_t>{0, l.end_ms}
                                    : std::pair<int, std::int64_t>{1, l.start_ms};
  };
  for (auto it = by_address_.begin(); it != by_address_.end(); ++it) {
    for (std::size_t i = 0; i < it->second.size(); ++i) {
      if (victim_map == by_address_.end() ||
          rank(it->second[i]) < rank(victim_map->second[victim_index])) {
        victim_map = it;
        victim_index = i;
      }
    }
  }
  if (victim_map == by_address_.end()) return;
  victim_map->second.erase(victim_map->second.begin() + static_cast<std::ptrdiff_t>(victim_index));
  if (victim_map->second.empty()) by_address_.erase(victim_map);
  --count_;
  ++evicted_;
}

namespace {
constexpr std::string_view kLeasesTag = "vigie-leases 1\n";
}  // namespace

std::string LeaseTable::snapshot() const {
  std::string out(kLeasesTag);
  // In key order: the same table gives the same bytes.
  std::vector<const std::pair<const std::string, std::vector<Lease>>*> entries;
  for (const auto& e : by_address_) entries.push_back(&e);
  std::sort(entries.begin(), entries.end(), [](auto* a, auto* b) { return a->first < b->first; });
  codec::put_u64(out, entries.size());
  for (const auto* e : entries) {
    const std::string& k = e->first;
    const std::vector<Lease>& leases = e->second;
    codec::put_str(out, k);
    codec::put_u64(out, leases.size());
    for (const Lease& l : leases) {
      codec::put_str(out, l.user);
      codec::put_str(out, l.public_ip);
      codec::put_str(out, l.country);
      codec::put_str(out, l.session_id);
      codec::put_u64(out, static_cast<std::uint64_t>(l.start_ms));
      codec::put_u64(out, static_cast<std::uint64_t>(l.end_ms));
    }
  }
  codec::put_u64(out, evicted_);
  return out;
}

Status LeaseTable::restore(std::string_view bytes) {
  by_address_.clear();
  count_ = 0;
  codec::Reader in(bytes);
  std::uint64_t addresses = 0;
  auto bad = [this] {
    by_address_.clear();
    count_ = 0;
    return Status::error("bad-snapshot", "the VPN lease snapshot is malformed");
  };
  if (!in.tag(kLeasesTag) || !in.u64(addresses)) return bad();
  for (std::uint64_t a = 0; a < addresses; ++a) {
    std::string k;
    std::uint64_t n = 0;
    if (!in.str(k) || !in.u64(n) || n > bytes.size()) return bad();
    std::vector<Lease>& v = by_address_[k];
    for (std::uint64_t i = 0; i < n; ++i) {
      Lease l;
      if (!in.str(l.user) || !in.str(l.public_ip) || !in.str(l.country) || !in.str(l.session_id) ||
          !in.i64(l.start_ms) || !in.i64(l.end_ms)) {
        return bad();
      }
      v.push_back(std::move(l));
      ++count_;
    }
  }
  if (!in.u64(evicted_) || !in.done()) return bad();
  return Status::ok_status();
}

}  // namespace vigie::enrich
