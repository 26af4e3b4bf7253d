// Seeded generator of synthetic Windows events in Winlogbeat 8.x shape, for benchmarks.
//
// What it makes: one compact JSON object per line, with the envelope and key order Winlogbeat 8.x
// emits before any ingest pipeline (`@timestamp`, `@metadata`, `agent`, `ecs`, `host`, `log`,
// `event`, `message`, `winlog{..., event_data{...}}`; see
// shared/formats/windows_winlogbeat_raw.ndjson). The mix is a hospital domain's: Security
// 4624/4625/4634/4672/4688/4768/4769/4776/5140/5145 and Sysmon 1/3/11/13, from a few hundred users
// on a few hundred workstations and a set of servers, with realistic images, command lines and
// parents. A share of the events (attack_share) are attack traces built to match well-known SigmaHQ
// rules (whoami /all, vssadmin delete shadows, comsvcs.dll MiniDump, net group "domain admins",
// mimikatz, encoded PowerShell, Kerberoasting...). Every value is invented (domain GHTEX /
// ght-exemple.local, public IPs in RFC 5737 space).
//
// Determinism: the same options give byte-identical output on every platform and standard library
// (own PRNG and bounded draws; no std::*_distribution).
//
// Thread safety: generate_events() is a pure function of its options; EventCorpus is immutable
// once returned and may be read from many threads.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::bench {

// Kinds of generated events, for the mix report.
enum class EventKind : std::uint8_t {
  kSecurity4624,
  kSecurity4625,
  kSecurity4634,
  kSecurity4672,
  kSecurity4688,
  kSecurity4768,
  kSecurity4769,
  kSecurity4776,
  kSecurity5140,
  kSecurity5145,
  kSysmon1,
  kSysmon3,
  kSysmon11,
  kSysmon13,
};
inline constexpr std::size_t kEventKindCount = 14;
// "Security 4624", "Sysmon 1"...
std::string_view event_kind_name(EventKind kind);

struct GeneratorOptions {
  std::uint64_t seed = 1;
  std::size_t events = 1'000'000;
  // Share of events that are attack traces (0..1). Default 0.5%.
  double attack_share = 0.005;
  // false: the full envelope Winlogbeat ships (as in the shared sample, ~1.5 KB per event).
  // true: the envelope after a typical `drop_fields` processor (agent.id, agent.ephemeral_id,
  // ecs, log, event.created, message, winlog.api/provider_guid/opcode/process/user dropped),
  // ~1 KB per event. Both shapes hold the same events (same seed, same values).
  bool lean = false;
};

// The generated events as NDJSON in one buffer. Line i is data()[begin(i), begin(i) + length(i))
// without its '\n'. kPadding readable bytes follow the last line, so a parser that reads up to 64
// bytes past the end of a line (simdjson) can parse every line in place.
class EventCorpus {
 public:
  static constexpr std::size_t kPadding = 64;

  std::size_t size() const { return starts_.empty() ? 0 : starts_.size() - 1; }
  std::string_view line(std::size_t i) const {
    return std::string_view(buffer_.data() + starts_[i], starts_[i + 1] - starts_[i] - 1);
  }
  // Bytes readable from the start of line i to the end of the buffer (padding included).
  std::size_t capacity(std::size_t i) const { return buffer_.size() - starts_[i]; }
  // Sum of the line lengths, newlines excluded.
  std::size_t bytes() const { return bytes_; }
  // The NDJSON text (every line ends with '\n'), without the padding.
  std::string_view ndjson() const {
    return std::string_view(buffer_.data(), buffer_.size() - kPadding);
  }

  std::size_t attack_events() const { return attack_events_; }
  std::size_t kind_count(EventKind kind) const {
    return kind_counts_[static_cast<std::size_t>(kind)];
  }

 private:
  friend EventCorpus generate_events(const GeneratorOptions& options);
  std::string buffer_;
  std::vector<std::size_t> starts_;  // size() + 1 entries; the last is the end of the last line
  std::size_t bytes_ = 0;
  std::size_t attack_events_ = 0;
  std::array<std::size_t, kEventKindCount> kind_counts_{};
};

// Generates options.events events. Never fails.
EventCorpus generate_events(const GeneratorOptions& options);

}  // namespace vigie::bench
