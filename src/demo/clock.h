// Time for the demo traffic: Europe/Paris civil time and the timestamp shapes vendors write.
//
// Every establishment of the demo is in metropolitan France. The EU rule (summer time from the
// last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC) gives Paris time for
// every year since 1996 without a time-zone database, which keeps this module free of
// vigie::ingest (the calendar arithmetic is common/timestamp.h's). Times are milliseconds since
// the Unix epoch, UTC.
#pragma once

#include <cstdint>
#include <string>

namespace vigie::demo {

inline constexpr std::int64_t kSecond = 1000;
inline constexpr std::int64_t kMinute = 60 * kSecond;
inline constexpr std::int64_t kHour = 60 * kMinute;
inline constexpr std::int64_t kDay = 24 * kHour;

// Civil date and time (no zone attached).
struct Civil {
  int year, month, day, hour, minute, second, millis;
  int weekday;  // 1 = Monday .. 7 = Sunday
};

Civil civil_utc(std::int64_t ms);
// Milliseconds of a UTC civil time (a real date and time: 0 for anything else).
std::int64_t utc_ms(int year, int month, int day, int hour = 0, int minute = 0, int second = 0);

// Paris's offset from UTC at `utc` (60 or 120 minutes), and Paris's civil time.
int paris_offset_minutes(std::int64_t utc);
Civil paris_civil(std::int64_t utc);
// The UTC instant of a Paris wall-clock time (the earlier one in the autumn's repeated hour).
std::int64_t paris_to_utc(int year, int month, int day, int hour, int minute, int second = 0);

// "2026-03-16T05:00:00.000Z"
void append_iso_utc(std::string& out, std::int64_t utc);
// "2026-03-16T06:00:00.123+01:00" (with_millis) or "2026-03-16T06:00:00+01:00"
void append_iso_paris(std::string& out, std::int64_t utc, bool with_millis);
// "2026-03-16 06:00:00" (Paris, no offset: NXLog EventTime, CSV exports)
void append_local_paris(std::string& out, std::int64_t utc);
// "20260316060000" (Paris: HL7 v2 DTM as PAM-FR writes it)
void append_hl7_paris(std::string& out, std::int64_t utc);
// "Mar 16 2026 06:00:00" (Paris: Cisco ASA `logging timestamp` with the year)
void append_asa_paris(std::string& out, std::int64_t utc);
// FortiOS header: date=2026-03-16 time=06:00:00 ... tz="+0100", in Paris time.
void append_fortigate_date(std::string& out, std::int64_t utc);
void append_fortigate_time(std::string& out, std::int64_t utc);
void append_fortigate_tz(std::string& out, std::int64_t utc);

// "2026-03-16" of a UTC instant (directory validity dates).
std::string iso_date_utc(std::int64_t utc);

}  // namespace vigie::demo
