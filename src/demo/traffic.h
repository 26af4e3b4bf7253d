// Demo traffic: a day (or any span) of realistic hospital logs, with attack stories in it.
//
// `vigie demo` shows a new user Vigie at work: three simulated establishments (a CHU and two CH)
// send their Active Directory, VPN and EHR logs, in the vendors' own formats, to the stream
// processor, and Vigie finds the attacks hidden in them. This module writes those logs.
//
//   Traffic traffic({.start_ms = ..., .events = 200'000});
//   Record r;
//   while (traffic.next(r)) produce(r.topic, r.key, r.value, {"vigie-tenant", r.tenant});
//
// Contract:
//   - Records come in event-time order (time_ms never decreases) and cover
//     [start_ms, start_ms + span_ms). Their count is close to `events` (within about 15 % from
//     10,000 records a day up; below, admissions and the stories, about 1,000 a day, remain).
//   - The same options give the same records, byte for byte (Rng: no std:: distribution).
//   - Memory does not grow with the number of records: they are made as next() is called, from
//     a bounded set of open sessions (staff at work, VPN tunnels, patients in beds) and the
//     records of the next minute; it depends on the population and the rate (records a day), not
//     on the span.
//   - Every value is one record as the vendor writes it and as the plugins decode it: Winlogbeat
//     or NXLog JSON (topic "ad"), FortiGate key=value or Cisco ASA syslog (topic "vpn"), FHIR
//     AuditEvent JSON, a DPI's flat JSON access log, or an HL7 v2 ADT message with CR segment
//     separators (topic "ehr"). `tenant` is the establishment's id; `key` the entity (an account,
//     a source address, or the admission system for ADT) so that one entity's records stay in
//     order on one partition.
//   - With `attacks`, the stories() are injected (docs/demo.md); without, the everyday traffic
//     is the same records, at the same times, but for the hosts' event record numbers (which
//     count the story's events too).
//   - Names are invented; public addresses are real allocations (so that GeoIP places them), and
//     patient identifiers use the INS test OID. Keys written by write_demo_config() are demo keys
//     derived from the seed: never use them for real data.
// Not thread-safe: one Traffic per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace vigie::demo {

struct Establishment {
  std::string id;             // tenant id (FINESS-style)
  std::string name;           // "CHU des Rives"
  std::string syslog_domain;  // e.g. "chu-rives.local": its hosts' domain and AD DNS domain
};

// Monday 16 March 2026, 06:00 Europe/Paris (05:00 UTC): the start `vigie demo` uses.
inline constexpr std::int64_t kDefaultStartMs = 1'773'637'200'000;

struct TrafficOptions {
  std::uint64_t seed = 42;
  std::int64_t start_ms = kDefaultStartMs;    // simulated start (event time)
  std::int64_t span_ms = 24LL * 3600 * 1000;  // simulated time covered
  std::uint64_t events = 200'000;             // approximate total records
  std::vector<Establishment> establishments;  // empty: default_establishments()
  bool attacks = true;                        // inject the stories
};

// A CHU and two CH: the first gets FortiGate, Winlogbeat and FHIR AuditEvent; the second Cisco
// ASA, Winlogbeat and a DPI flat log; the third FortiGate, NXLog and a DPI flat log. All three
// send HL7 v2 ADT.
std::vector<Establishment> default_establishments();

struct Record {
  std::string topic;         // "ad", "vpn" or "ehr"
  std::string key;           // the entity, for partitioning
  std::string value;         // the raw record
  std::string tenant;        // establishment id (Kafka header "vigie-tenant")
  std::int64_t time_ms = 0;  // event time
};

struct Story {
  std::string name;
  std::string tenant;
  std::string description;
  std::vector<std::string> rule_ids;  // rules expected to fire (rules/health, rules/windows)
  std::int64_t start_ms = 0;          // when it begins (event time)
  std::int64_t end_ms = 0;            // when its last record is
};

class Traffic {
 public:
  explicit Traffic(TrafficOptions options);
  ~Traffic();
  Traffic(const Traffic&) = delete;
  Traffic& operator=(const Traffic&) = delete;

  // The next record in event-time order; false at the end of the span.
  bool next(Record& out);
  // The stories injected (empty without `attacks`), known from construction.
  const std::vector<Story>& stories() const;
  // Records given so far.
  std::uint64_t produced() const;
  // Items waiting: open sessions and the few records they have already made. Bounded by the
  // population and the rate of records, never by how many were given (for tests).
  std::size_t pending() const;

  struct Engine;  // internal: src/demo/engine.h

 private:
  std::unique_ptr<Engine> engine_;
};

// Writes the deployment configuration the demo needs into `dir` (created if absent): config.yaml
// (docs/configuration.md) with the establishments, their syslog hosts, zone, key file and staff
// directory; per establishment a pseudonymisation key file (mode 0600; a demo key derived from
// the seed) and a staff directory CSV (docs/identity.md) with every account the traffic uses,
// leavers included. Returns the path of config.yaml. Errors: "demo-write" (the file that could not
// be written, and why).
Result<std::string> write_demo_config(const std::string& dir, const TrafficOptions& options);

}  // namespace vigie::demo
