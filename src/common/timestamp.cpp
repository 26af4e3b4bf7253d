#include "common/timestamp.h"

#include <cstdio>

namespace vigie {
namespace {

constexpr std::int64_t kMsPerDay = 86'400'000;

// Howard Hinnant's days_from_civil / civil_from_days: exact for every proleptic Gregorian date,
// branch-light, and independent of the C library's time-zone state.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

constexpr Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);
static_assert(civil_from_days(11017).year == 2000 && civil_from_days(11017).month == 3);

constexpr bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr unsigned days_in_month(std::int64_t y, unsigned m) {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// ISO weekday of a day count since the epoch: 1970-01-01 was a Thursday (4).
constexpr int iso_weekday(std::int64_t days) {
  std::int64_t r = (days + 3) % 7;
  if (r < 0) r += 7;
  return static_cast<int>(r) + 1;
}

constexpr int iso_weeks_in_year(std::int64_t y) {
  const int jan1 = iso_weekday(days_from_civil(y, 1, 1));
  return jan1 == 4 || (jan1 == 3 && is_leap(y)) ? 53 : 52;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at `pos`.
bool read_digits(std::string_view s, std::size_t pos, std::size_t n, unsigned& out) {
  if (pos + n > s.size()) return false;
  unsigned v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(s[i])) return false;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  out = v;
  return true;
}

bool expect(std::string_view s, std::size_t pos, char c) { return pos < s.size() && s[pos] == c; }

}  // namespace

std::optional<std::int64_t> parse_timestamp_ms(std::string_view s, int default_offset_minutes) {
  unsigned year = 0, month = 0, day = 0;
  if (!read_digits(s, 0, 4, year) || !expect(s, 4, '-') || !read_digits(s, 5, 2, month) ||
      !expect(s, 7, '-') || !read_digits(s, 8, 2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;

  unsigned hour = 0, minute = 0, second = 0, millis = 0;
  std::int64_t offset_minutes = default_offset_minutes;
  std::size_t pos = 10;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
    if (!read_digits(s, 11, 2, hour) || !expect(s, 13, ':') || !read_digits(s, 14, 2, minute) ||
        !expect(s, 16, ':') || !read_digits(s, 17, 2, second)) {
      return std::nullopt;
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    pos = 19;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      const std::size_t first = pos;
      unsigned scale = 100;
      while (pos < s.size() && is_digit(s[pos])) {
        millis += static_cast<unsigned>(s[pos] - '0') * scale;  // digits past the third add 0
        scale /= 10;
        ++pos;
      }
      if (pos == first) return std::nullopt;
    }
    if (pos < s.size()) {
      const char z = s[pos];
      if (z == 'Z' || z == 'z') {
        offset_minutes = 0;
        ++pos;
      } else if (z == '+' || z == '-') {
        unsigned oh = 0, om = 0;
        if (!read_digits(s, pos + 1, 2, oh)) return std::nullopt;
        pos += 3;
        if (expect(s, pos, ':')) {
          if (!read_digits(s, pos + 1, 2, om)) return std::nullopt;
          pos += 3;
        } else if (pos < s.size()) {
          if (!read_digits(s, pos, 2, om)) return std::nullopt;
          pos += 2;
        }
        if (oh > 23 || om > 59) return std::nullopt;
        offset_minutes = static_cast<std::int64_t>(oh * 60 + om) * (z == '-' ? -1 : 1);
      } else {
        return std::nullopt;
      }
    }
    if (pos != s.size()) return std::nullopt;
  }

  const std::int64_t days = days_from_civil(year, month, day);
  const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second;
  return seconds * 1000 + millis - offset_minutes * 60'000;
}

std::optional<std::int64_t> civil_ms(int year, int month, int day, int hour, int minute, int second,
                                     int millis) {
  if (year < 0 || year > 9999 || month < 1 || month > 12 || day < 1 ||
      day > static_cast<int>(days_in_month(year, static_cast<unsigned>(month))) || hour < 0 ||
      hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60 || millis < 0 ||
      millis > 999) {
    return std::nullopt;
  }
  const std::int64_t days =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return (days * 86400 + hour * 3600 + minute * 60 + second) * 1000 + millis;
}

DateParts date_parts_utc(std::int64_t ms) {
  // Floor division without forming days * kMsPerDay, which overflows near INT64_MIN.
  std::int64_t days = ms / kMsPerDay;
  std::int64_t in_day = ms % kMsPerDay;
  if (in_day < 0) {
    in_day += kMsPerDay;
    --days;
  }
  const Civil c = civil_from_days(days);
  DateParts p{};
  p.year = static_cast<int>(c.year);
  p.month = static_cast<int>(c.month);
  p.day = static_cast<int>(c.day);
  const auto secs = static_cast<int>(in_day / 1000);
  p.hour = secs / 3600;
  p.minute = secs / 60 % 60;
  p.second = secs % 60;
  p.weekday = iso_weekday(days);
  const std::int64_t ordinal = days - days_from_civil(c.year, 1, 1) + 1;
  const auto week = static_cast<int>((ordinal - p.weekday + 10) / 7);
  if (week < 1) {
    p.iso_week = iso_weeks_in_year(c.year - 1);
  } else if (week > iso_weeks_in_year(c.year)) {
    p.iso_week = 1;
  } else {
    p.iso_week = week;
  }
  return p;
}

std::string format_timestamp_ms(std::int64_t ms) {
  const DateParts p = date_parts_utc(ms);
  std::int64_t millis = ms % 1000;
  if (millis < 0) millis += 1000;
  char buf[64];
  const int year = p.year < 0 ? -p.year : p.year;
  const int n =
      std::snprintf(buf, sizeof buf, "%s%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", p.year < 0 ? "-" : "",
                    year, p.month, p.day, p.hour, p.minute, p.second, static_cast<int>(millis));
  return std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
}

std::optional<std::int64_t> parse_duration_ms(std::string_view text) {
  std::size_t i = 0;
  std::int64_t n = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (n > 100'000'000'000'000) return std::nullopt;
    n = n * 10 + (text[i] - '0');
    ++i;
  }
  if (i == 0) return std::nullopt;
  std::string_view unit = text.substr(i);
  std::int64_t scale = 0;
  if (unit == "ms")
    scale = 1;
  else if (unit == "s")
    scale = 1000;
  else if (unit == "m")
    scale = 60'000;
  else if (unit == "h")
    scale = 3'600'000;
  else if (unit == "d")
    scale = 86'400'000;
  else
    return std::nullopt;
  constexpr std::int64_t kMax = 100LL * 366 * 86'400'000;
  if (n > kMax / scale) return std::nullopt;
  return n * scale;
}

}  // namespace vigie
