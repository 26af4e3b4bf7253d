// Timestamp parsing and formatting for event time and Sigma date-part modifiers.
//
// Pure calendar arithmetic on the proleptic Gregorian calendar (days-from-civil): no locale, no
// time-zone database, no allocation while parsing. Times are milliseconds since the Unix epoch,
// UTC; fractions finer than a millisecond are truncated (not rounded), so the 7-digit Windows
// FILETIME fraction ".1234567" gives 123 ms.
//
// Thread safety: every function is pure and may be called from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigie {

// Parses an ISO 8601 / RFC 3339 timestamp in extended format:
//
//   timestamp = date [ sep time [ zone ] ]
//   date      = YYYY "-" MM "-" DD
//   sep       = "T" | "t" | " "
//   time      = hh ":" mm ":" ss [ ( "." | "," ) 1*digit ]
//   zone      = "Z" | "z" | ( "+" | "-" ) hh [ [ ":" ] mm ]
//
// e.g. "2024-03-01T12:34:56Z", "2024-03-01T12:34:56.1234567Z", "2024-03-01T12:34:56+01:00",
// "2024-03-01T12:34:56.123+0530", "2024-03-01 12:34:56.123", "2024-03-01".
// Without a zone the time is taken to be at UTC + `default_offset_minutes` (0 = UTC); a date alone
// is midnight at that offset. Ranges are validated: year 0000-9999, month 1-12, day within the
// month (leap years included), hour < 24, minute < 60, second <= 60 (a leap second counts as the
// first second of the next minute), zone offset hours < 24 and minutes < 60.
// Returns milliseconds since 1970-01-01T00:00:00Z, or nullopt when `text` is not such a timestamp
// (surrounding whitespace is not accepted).
std::optional<std::int64_t> parse_timestamp_ms(std::string_view text,
                                               int default_offset_minutes = 0);

// The same date and time given as numbers, taken as UTC, with the same checks (year 0000-9999,
// day within the month, second <= 60, millis 0-999): for parsers that read the parts themselves
// (BSD syslog stamps) and would otherwise print them to parse them again.
std::optional<std::int64_t> civil_ms(int year, int month, int day, int hour, int minute, int second,
                                     int millis);

// Broken-down UTC fields of a time, for the Sigma date-part modifiers (minute, hour, day, week,
// month, year). `iso_week` is the ISO 8601 week number (1-53; the first days of January may belong
// to week 52/53 of the previous year, the last days of December to week 1 of the next);
// `weekday` is 1 = Monday .. 7 = Sunday.
struct DateParts {
  int year, month, day, hour, minute, second, iso_week, weekday;
};
// Defined for every int64 value (times before 1970 included).
DateParts date_parts_utc(std::int64_t ms);

// Parses a duration written as a non-negative integer and a unit: "250ms", "30s", "5m", "1h",
// "2d" (lowercase, no spaces). Returns milliseconds, or nullopt (also on overflow past 100 years).
std::optional<std::int64_t> parse_duration_ms(std::string_view text);

// Formats a time as RFC 3339 UTC with milliseconds: "2024-03-01T12:34:56.789Z". Years outside
// 0000-9999 are written with as many digits as needed (and a leading '-' before year 0).
std::string format_timestamp_ms(std::int64_t ms);

}  // namespace vigie
