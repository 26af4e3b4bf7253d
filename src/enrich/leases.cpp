#include "enrich/leases.h"

#include <algorithm>

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

}  // namespace vigie::enrich
