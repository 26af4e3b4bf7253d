#include "demo/clock.h"

#include "common/timestamp.h"

namespace vigie::demo {
namespace {

// The last Sunday of `month` in `year`, 01:00 UTC: the EU's summer-time switch.
std::int64_t eu_switch(int year, int month) {
  const std::int64_t last = utc_ms(year, month, 31) / kDay;
  const std::int64_t weekday = ((last % 7) + 7 + 3) % 7;  // 0 = Monday (1970-01-01 a Thursday)
  const std::int64_t sunday = last - ((weekday + 1) % 7);
  return sunday * kDay + kHour;
}

void two(std::string& out, int v) {
  out += static_cast<char>('0' + v / 10 % 10);
  out += static_cast<char>('0' + v % 10);
}
void four(std::string& out, int v) {
  two(out, v / 100);
  two(out, v % 100);
}

// Three two-digit numbers joined by `sep` (none when 0).
void three(std::string& out, int a, int b, int c, char sep) {
  two(out, a);
  if (sep) out += sep;
  two(out, b);
  if (sep) out += sep;
  two(out, c);
}
// "2026-03-16" (`sep` '-') or "20260316" (`sep` 0): the century, then "26-03-16".
void ymd(std::string& out, const Civil& c, char sep) {
  two(out, c.year / 100);
  three(out, c.year % 100, c.month, c.day, sep);
}
// "06:00:00" (`sep` ':') or "060000" (`sep` 0).
void hms(std::string& out, const Civil& c, char sep) {
  three(out, c.hour, c.minute, c.second, sep);
}
// ".123"
void fraction(std::string& out, const Civil& c) {
  out += '.';
  out += static_cast<char>('0' + c.millis / 100);
  two(out, c.millis % 100);
}
// "+01:00" (`sep` ':') or "+0100" (`sep` 0).
void offset(std::string& out, int minutes, char sep) {
  out += '+';
  two(out, minutes / 60);
  if (sep) out += sep;
  two(out, minutes % 60);
}

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

Civil civil_utc(std::int64_t ms) {
  const DateParts p = date_parts_utc(ms);
  const int ms_part = static_cast<int>((ms % kSecond + kSecond) % kSecond);
  return {p.year, p.month, p.day, p.hour, p.minute, p.second, ms_part, p.weekday};
}

std::int64_t utc_ms(int year, int month, int day, int hour, int minute, int second) {
  // The calendar's own checks never fail here: every caller passes a real date and time.
  return civil_ms(year, month, day, hour, minute, second, 0).value_or(0);
}

int paris_offset_minutes(std::int64_t utc) {
  const int year = civil_utc(utc).year;
  return utc >= eu_switch(year, 3) && utc < eu_switch(year, 10) ? 120 : 60;
}

Civil paris_civil(std::int64_t utc) { return civil_utc(utc + paris_offset_minutes(utc) * kMinute); }

std::int64_t paris_to_utc(int year, int month, int day, int hour, int minute, int second) {
  const std::int64_t wall = utc_ms(year, month, day, hour, minute, second);
  // Try summer time first (the earlier instant of a repeated hour), then winter time.
  if (paris_offset_minutes(wall - 120 * kMinute) == 120) return wall - 120 * kMinute;
  return wall - 60 * kMinute;
}

void append_iso_utc(std::string& out, std::int64_t utc) {
  const Civil c = civil_utc(utc);
  ymd(out, c, '-');
  out += 'T';
  hms(out, c, ':');
  fraction(out, c);
  out += 'Z';
}

void append_local_paris(std::string& out, std::int64_t utc) {
  const Civil c = paris_civil(utc);
  ymd(out, c, '-');
  out += ' ';
  hms(out, c, ':');
}

void append_iso_paris(std::string& out, std::int64_t utc, bool with_millis) {
  const Civil c = paris_civil(utc);
  ymd(out, c, '-');
  out += 'T';
  hms(out, c, ':');
  if (with_millis) fraction(out, c);
  offset(out, paris_offset_minutes(utc), ':');
}

void append_hl7_paris(std::string& out, std::int64_t utc) {
  const Civil c = paris_civil(utc);
  ymd(out, c, 0);
  hms(out, c, 0);
}

void append_asa_paris(std::string& out, std::int64_t utc) {
  const Civil c = paris_civil(utc);
  out += kMonths[c.month - 1];
  out += ' ';
  two(out, c.day);
  out += ' ';
  four(out, c.year);
  out += ' ';
  hms(out, c, ':');
}

void append_fortigate_date(std::string& out, std::int64_t utc) { ymd(out, paris_civil(utc), '-'); }

void append_fortigate_time(std::string& out, std::int64_t utc) { hms(out, paris_civil(utc), ':'); }

void append_fortigate_tz(std::string& out, std::int64_t utc) {
  offset(out, paris_offset_minutes(utc), 0);
}

std::string iso_date_utc(std::int64_t utc) {
  std::string out;
  ymd(out, civil_utc(utc), '-');
  return out;
}

}  // namespace vigie::demo
