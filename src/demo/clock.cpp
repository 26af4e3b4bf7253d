#include "demo/clock.h"

#include <cstdio>

namespace vigie::demo {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard Hinnant's algorithms).
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy =
      (153 * static_cast<unsigned>(m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0));
}

// The last Sunday of `month` in `year`, 01:00 UTC: the EU's summer-time switch.
std::int64_t eu_switch(int year, int month) {
  const std::int64_t last = days_from_civil(year, month, 31);
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

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

Civil civil_utc(std::int64_t ms) {
  std::int64_t days = ms / kDay;
  std::int64_t rest = ms % kDay;
  if (rest < 0) {
    rest += kDay;
    --days;
  }
  Civil c{};
  civil_from_days(days, c.year, c.month, c.day);
  c.hour = static_cast<int>(rest / kHour);
  c.minute = static_cast<int>(rest / kMinute % 60);
  c.second = static_cast<int>(rest / kSecond % 60);
  c.millis = static_cast<int>(rest % kSecond);
  c.weekday = static_cast<int>(((days % 7) + 7 + 3) % 7) + 1;
  return c;
}

std::int64_t utc_ms(int year, int month, int day, int hour, int minute, int second) {
  return days_from_civil(year, month, day) * kDay + hour * kHour + minute * kMinute +
         second * kSecond;
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

int paris_minute_of_day(std::int64_t utc) {
  const Civil c = paris_civil(utc);
  return c.hour * 60 + c.minute;
}

void append_iso_utc(std::string& out, std::int64_t utc) {
  const Civil c = civil_utc(utc);
  four(out, c.year);
  out += '-';
  two(out, c.month);
  out += '-';
  two(out, c.day);
  out += 'T';
  two(out, c.hour);
  out += ':';
  two(out, c.minute);
  out += ':';
  two(out, c.second);
  out += '.';
  out += static_cast<char>('0' + c.millis / 100);
  two(out, c.millis % 100);
  out += 'Z';
}

void append_local_paris(std::string& out, std::int64_t utc) {
  const Civil c = paris_civil(utc);
  four(out, c.year);
  out += '-';
  two(out, c.month);
  out += '-';
  two(out, c.day);
  out += ' ';
  two(out, c.hour);
  out += ':';
  two(out, c.minute);
  out += ':';
  two(out, c.second);
}

void append_iso_paris(std::string& out, std::int64_t utc, bool with_millis) {
  const Civil c = paris_civil(utc);
  const int offset = paris_offset_minutes(utc);
  four(out, c.year);
  out += '-';
  two(out, c.month);
  out += '-';
  two(out, c.day);
  out += 'T';
  two(out, c.hour);
  out += ':';
  two(out, c.minute);
  out += ':';
  two(out, c.second);
  if (with_millis) {
    out += '.';
    out += static_cast<char>('0' + c.millis / 100);
    two(out, c.millis % 100);
  }
  out += '+';
  two(out, offset / 60);
  out += ':';
  two(out, offset % 60);
}

void append_hl7_paris(std::string& out, std::int64_t utc) {
  const Civil c = paris_civil(utc);
  four(out, c.year);
  two(out, c.month);
  two(out, c.day);
  two(out, c.hour);
  two(out, c.minute);
  two(out, c.second);
}

void append_asa_paris(std::string& out, std::int64_t utc) {
  const Civil c = paris_civil(utc);
  out += kMonths[c.month - 1];
  out += ' ';
  two(out, c.day);
  out += ' ';
  four(out, c.year);
  out += ' ';
  two(out, c.hour);
  out += ':';
  two(out, c.minute);
  out += ':';
  two(out, c.second);
}

void append_fortigate_date(std::string& out, std::int64_t utc) {
  const Civil c = paris_civil(utc);
  four(out, c.year);
  out += '-';
  two(out, c.month);
  out += '-';
  two(out, c.day);
}

void append_fortigate_time(std::string& out, std::int64_t utc) {
  const Civil c = paris_civil(utc);
  two(out, c.hour);
  out += ':';
  two(out, c.minute);
  out += ':';
  two(out, c.second);
}

void append_fortigate_tz(std::string& out, std::int64_t utc) {
  const int offset = paris_offset_minutes(utc);
  out += '+';
  two(out, offset / 60);
  two(out, offset % 60);
}

std::string iso_date_utc(std::int64_t utc) {
  const Civil c = civil_utc(utc);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.year, c.month, c.day);
  return buf;
}

}  // namespace vigie::demo
