// LeaseTable: which VPN session held an internal address at a given event time.
//
// A hospital's SSL-VPN gives each remote user an address from a pool (10.212.134.0/24, say).
// Domain controllers and the EHR then see that pool address, not the user's public address or
// country. The table is filled from the VPN's own session events (session start: user, assigned
// address, public address; session end) and answers, for an AD or EHR event from a pool address,
// the session that held it at the event's time. Per tenant: pools of two establishments may
// overlap.
//
// Bounded: at most `max_leases` leases are kept; when full, leases ended longest ago go first
// (then the oldest open ones), counted in evicted(). expire(t) drops leases ended before t.
// Not thread-safe: one table per processor (a processor owns its partitions).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"

namespace vigie::enrich {

struct Lease {
  std::string user;        // the VPN user name as the gateway wrote it
  std::string public_ip;   // the client's public address
  std::string country;     // of public_ip, when GeoIP knew it
  std::string session_id;  // the gateway's session id, when it gives one
  std::int64_t start_ms = 0;
  std::int64_t end_ms = kOpen;  // kOpen while the session has not ended

  static constexpr std::int64_t kOpen = std::numeric_limits<std::int64_t>::max();
};

class LeaseTable {
 public:
  explicit LeaseTable(std::size_t max_leases = 1'000'000) : max_(max_leases) {}

  // A session started: `lease.start_ms` and the assigned address `ip` of `tenant`.
  void start(std::string_view tenant, std::string_view ip, Lease lease);
  // The session holding `ip` ended at `end_ms`: the latest lease of that address started at or
  // before `end_ms` (and with the same session id when both have one) is closed. False when none.
  bool end(std::string_view tenant, std::string_view ip, std::int64_t end_ms,
           std::string_view session_id = {});
  // The lease of `ip` in `tenant` at `at_ms` (start <= at <= end), the latest started when
  // several match; nullptr when none.
  const Lease* find(std::string_view tenant, std::string_view ip, std::int64_t at_ms) const;

  void expire(std::int64_t ended_before_ms);

  // The whole table as bytes (versioned), and back: restore() replaces the table, or fails on a
  // malformed or foreign snapshot leaving it empty (status code "bad-snapshot").
  std::string snapshot() const;
  Status restore(std::string_view bytes);
  std::size_t size() const { return count_; }
  std::uint64_t evicted() const { return evicted_; }

 private:
  void evict_one();
  static std::string key(std::string_view tenant, std::string_view ip);

  std::unordered_map<std::string, std::vector<Lease>> by_address_;  // sorted by start_ms
  std::size_t max_;
  std::size_t count_ = 0;
  std::uint64_t evicted_ = 0;
};

}  // namespace vigie::enrich
