// Zoned local time: converts a civil time written without a UTC offset (BSD syslog "Mar 31
// 02:30:00", a CSV "2024-10-27 02:30:00") to UTC milliseconds, given an IANA zone name.
//
// Source of the rules: the compiled TZif files (RFC 8536) of the system's tzdata, read from
// /usr/share/zoneinfo by our own reader (no date library, no global tzdb, no exception). Times
// after the file's last transition follow the POSIX TZ rule of the file's footer, so 2040 or 2300
// are as right as 2024. Why our own reader rather than date/tz.h: docs/sources.md ("Syslog framing
// and time zones").
//
// A local time is passed as "local milliseconds": the civil date and time counted as if they were
// UTC (what parse_timestamp_ms() returns for a text without offset). Two rules make every local
// time map to exactly one instant:
//
//   - Gap (spring forward; 2024-03-31 02:30 does not exist in Europe/Paris): the time is read with
//     the offset in effect before the transition, i.e. it is shifted forward by the length of the
//     gap: 02:30 -> 03:30 CEST = 01:30Z. This is what java.time and RFC 5545 do.
//   - Overlap (fall back; 2024-10-27 02:30 happens twice in Europe/Paris): the earlier instant, the
//     one with the offset in effect before the transition: 02:30 CEST = 00:30Z (not 01:30Z).
//
// Both rules are "use the offset in effect before the transition"; resolve() says which case
// applied.
//
// Thread safety: a Zone is immutable once built; every const member may be called from any thread.
// load_zone() is thread-safe (a process-wide cache under a mutex) and meant for configuration time.
// Lookups are a binary search over the zone's transitions: no allocation, no lock, no I/O.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace vigie::ingest {

// The establishment zone when the configuration names none.
inline constexpr std::string_view kDefaultZoneName = "Europe/Paris";
// Where Debian's tzdata package installs the compiled zones.
inline constexpr std::string_view kDefaultZoneDir = "/usr/share/zoneinfo";

enum class LocalTimeKind : std::uint8_t {
  kUnique,   // the local time happens exactly once
  kGap,      // it does not exist (spring forward): shifted forward by the gap
  kOverlap,  // it happens twice (fall back): the earlier instant was chosen
};

struct LocalTimeResolution {
  std::int64_t utc_ms;
  LocalTimeKind kind;
};

class Zone {
 public:
  // Builds a zone from the bytes of a TZif file (versions 1 to 4). `name` is only kept for
  // messages and name(). Errors (Status codes):
  //   zone_bad_tzif     not a TZif file, truncated, inconsistent counts, unsorted transitions,
  //                     offsets beyond +-25 h, or a footer TZ string that does not parse
  //   zone_unsupported  the file carries leap-second records (the "right/" zones)
  // Never reads past `bytes`; any input gives a zone or an error.
  static Result<Zone> from_tzif(std::string_view name, std::string_view bytes);

  // UTC itself (offset 0 at all times), available without tzdata.
  static const Zone& utc();

  const std::string& name() const { return name_; }

  // UT offset, in seconds east of Greenwich, in effect at the instant `utc_ms`. Defined for every
  // int64 value.
  std::int32_t offset_seconds_at(std::int64_t utc_ms) const;

  // The local time of the instant `utc_ms` (utc_ms + offset), saturating at the int64 limits.
  std::int64_t utc_to_local_ms(std::int64_t utc_ms) const;

  // The instant of the local time `local_ms`, with the gap and overlap rules above. Defined for
  // every int64 value (saturating at the limits).
  LocalTimeResolution resolve(std::int64_t local_ms) const;
  std::int64_t local_to_utc_ms(std::int64_t local_ms) const { return resolve(local_ms).utc_ms; }

 private:
  Zone() = default;
  std::size_t transition_index(std::int64_t utc_seconds) const;
  LocalTimeResolution resolve_in_table(std::int64_t local_seconds) const;

  std::string name_;
  // Instants (UTC seconds, strictly ascending) at which the offset changes, and the offset from
  // each one on. Only real offset changes are kept (an abbreviation or isdst change is dropped).
  std::vector<std::int64_t> transitions_;
  std::vector<std::int32_t> offsets_;
  // The first local second touched by each transition (the lower of its two local readings),
  // made non-decreasing so it can be binary-searched.
  std::vector<std::int64_t> local_starts_;
  std::int32_t initial_offset_ = 0;  // before the first transition
  // Past the file's own transitions the footer rule repeats every 400 Gregorian years; the table
  // holds one such cycle, [cycle_begin_, cycle_begin_ + k400Years), and later times are folded
  // into it. Unused (false) when the zone has no recurring rule.
  bool periodic_ = false;
  std::int64_t cycle_begin_ = 0;
};

// Loads `name` from `zoneinfo_dir` once per process and returns the shared immutable zone (later
// calls with the same directory and name return the same object). For configuration time: it reads
// a file the first time. Errors (Status codes):
//   zone_bad_name    not an IANA-style name: empty, absolute, a ".." component, or characters
//                    other than letters, digits and "/_+-."
//   zone_unknown     no such zone in the directory (the message names the file it looked for)
//   zone_bad_tzif, zone_unsupported   as Zone::from_tzif
Result<std::shared_ptr<const Zone>> load_zone(std::string_view name,
                                              std::string_view zoneinfo_dir = kDefaultZoneDir);

// Parses an ISO-style timestamp with parse_timestamp_ms()'s grammar ("2024-10-27 02:30:00",
// "2024-10-27T02:30:00.250", "2024-10-27T02:30:00+01:00"). A timestamp that carries an offset
// ("Z", "+01:00") is taken as written; one without is a local time of `zone` (gap and overlap
// rules above). nullopt when `text` is not such a timestamp. No allocation.
std::optional<std::int64_t> parse_local_timestamp_ms(std::string_view text, const Zone& zone);

// For a text parse_timestamp_ms() accepts: true when it carries its own UTC offset ("Z",
// "+01:00"), false when parse_timestamp_ms() applied its default offset. A scan, no parse.
bool timestamp_has_offset(std::string_view text);

}  // namespace vigie::ingest
