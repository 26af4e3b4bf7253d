#include "ingest/zone.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <mutex>
#include <utility>

#include "common/timestamp.h"

namespace vigie::ingest {
namespace {

constexpr std::int64_t kSecondsPerDay = 86'400;
// 400 Gregorian years: 146097 days, a whole number of weeks, so every calendar rule repeats.
constexpr std::int64_t k400YearsSeconds = 146'097 * kSecondsPerDay;
// RFC 8536 §3.2: utoff SHOULD lie in [-89999, 93599]; beyond that the file is not trusted.
constexpr std::int32_t kMinOffset = -89'999;
constexpr std::int32_t kMaxOffset = 93'599;
// Years for which the footer rule is expanded: calendar helpers cover 0000-9999.
constexpr int kLastRuleYear = 9'000;
constexpr std::size_t kMaxTzifBytes = 1 << 20;

std::int64_t sat_add(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) {
    return b > 0 ? std::numeric_limits<std::int64_t>::max()
                 : std::numeric_limits<std::int64_t>::min();
  }
  return r;
}

std::int64_t sat_mul(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) {
    return (a < 0) != (b < 0) ? std::numeric_limits<std::int64_t>::min()
                              : std::numeric_limits<std::int64_t>::max();
  }
  return r;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

Status bad_tzif(std::string_view name, std::string_view why) {
  return Status::error("zone_bad_tzif", "time zone '" + std::string(name) +
                                            "': invalid TZif data (" + std::string(why) + ")");
}

// ---- Calendar, through common/timestamp.h -------------------------------------------------------

// Days since 1970-01-01 of a valid proleptic Gregorian date (year 0000-9999).
std::int64_t days_from_civil(int year, int month, int day) {
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, day);
  return parse_timestamp_ms(text).value_or(0) / (kSecondsPerDay * 1000);
}

bool is_leap_year(int year) {
  return days_from_civil(year + 1, 1, 1) - days_from_civil(year, 1, 1) == 366;
}

// 0 = Sunday .. 6 = Saturday, as POSIX TZ rules count.
int weekday_sunday0(std::int64_t days) {
  return date_parts_utc(days * kSecondsPerDay * 1000).weekday % 7;
}

// ---- POSIX TZ strings (the TZif footer, RFC 8536 §3.3.1) ---------------------------------------

struct RuleDate {
  enum class Form : std::uint8_t { kJulianNoLeap, kZeroBasedDay, kMonthWeekDay } form;
  int a = 0, b = 0, c = 0;  // Jn: a=n; n: a=n; Mm.w.d: a=m, b=w, c=d
  std::int32_t time = 2 * 3600;
};

struct PosixTz {
  std::int32_t std_offset = 0;  // seconds east of UTC (POSIX writes the opposite sign)
  bool has_dst = false;
  std::int32_t dst_offset = 0;
  RuleDate start{}, end{};
};

class TzParser {
 public:
  explicit TzParser(std::string_view s) : s_(s) {}

  std::optional<PosixTz> parse() {
    PosixTz tz;
    if (!name()) return std::nullopt;
    std::int32_t off = 0;
    if (!hms(off, 24)) return std::nullopt;
    tz.std_offset = -off;
    if (at_end()) return tz;
    if (!name()) return std::nullopt;
    tz.has_dst = true;
    tz.dst_offset = tz.std_offset + 3600;
    if (!at_end() && peek() != ',') {
      if (!hms(off, 24)) return std::nullopt;
      tz.dst_offset = -off;
    }
    // A DST name without rule is implementation-defined in POSIX; zic never writes one.
    if (!eat(',') || !rule_date(tz.start) || !eat(',') || !rule_date(tz.end) || !at_end()) {
      return std::nullopt;
    }
    return tz;
  }

 private:
  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[i_]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  bool name() {
    std::size_t n = 0;
    if (eat('<')) {
      while (!at_end() &&
             (is_alpha(peek()) || is_digit(peek()) || peek() == '+' || peek() == '-')) {
        ++i_;
        ++n;
      }
      return n >= 3 && eat('>');
    }
    while (!at_end() && is_alpha(peek())) {
      ++i_;
      ++n;
    }
    return n >= 3;
  }

  bool number(int& out, int max) {
    if (!is_digit(peek())) return false;
    int v = 0;
    while (is_digit(peek())) {
      v = v * 10 + (s_[i_++] - '0');
      if (v > max) return false;
    }
    out = v;
    return true;
  }

  // [+-]hh[:mm[:ss]], hours up to `max_hours`.
  bool hms(std::int32_t& out, int max_hours) {
    int sign = 1;
    if (eat('-')) {
      sign = -1;
    } else {
      eat('+');
    }
    int h = 0, m = 0, sec = 0;
    if (!number(h, max_hours)) return false;
    if (eat(':')) {
      if (!number(m, 59)) return false;
      if (eat(':') && !number(sec, 59)) return false;
    }
    out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }

  bool rule_date(RuleDate& d) {
    if (eat('J')) {
      d.form = RuleDate::Form::kJulianNoLeap;
      if (!number(d.a, 365) || d.a < 1) return false;
    } else if (eat('M')) {
      d.form = RuleDate::Form::kMonthWeekDay;
      if (!number(d.a, 12) || d.a < 1 || !eat('.') || !number(d.b, 5) || d.b < 1 || !eat('.') ||
          !number(d.c, 6)) {
        return false;
      }
    } else {
      d.form = RuleDate::Form::kZeroBasedDay;
      if (!number(d.a, 365)) return false;
    }
    d.time = 2 * 3600;
    // RFC 8536 §3.3.1 extends the hours of a transition time to -167..167.
    if (eat('/') && !hms(d.time, 167)) return false;
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

// Days since the epoch of the rule's date in `year`.
std::int64_t rule_day(const RuleDate& d, int year) {
  const std::int64_t jan1 = days_from_civil(year, 1, 1);
  switch (d.form) {
    case RuleDate::Form::kJulianNoLeap:
      return jan1 + d.a - 1 + (d.a >= 60 && is_leap_year(year) ? 1 : 0);
    case RuleDate::Form::kZeroBasedDay:
      return jan1 + d.a;
    case RuleDate::Form::kMonthWeekDay: {
      const std::int64_t first = days_from_civil(year, d.a, 1);
      const std::int64_t next =
          d.a == 12 ? days_from_civil(year + 1, 1, 1) : days_from_civil(year, d.a + 1, 1);
      std::int64_t day = first + (d.c - weekday_sunday0(first) + 7) % 7 + 7 * (d.b - 1);
      while (day >= next) day -= 7;  // week 5 = the last such weekday of the month
      return day;
    }
  }
  return jan1;
}

// ---- TZif (RFC 8536) ----------------------------------------------------------------------------

class ByteReader {
 public:
  explicit ByteReader(std::string_view s) : s_(s) {}
  bool has(std::uint64_t n) const { return n <= s_.size() - i_; }
  std::size_t pos() const { return i_; }
  void skip(std::size_t n) { i_ += n; }
  std::string_view rest() const { return s_.substr(i_); }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int k = 0; k < 4; ++k) v = (v << 8) | static_cast<unsigned char>(s_[i_++]);
    return v;
  }
  std::int64_t i64() {
    std::uint64_t v = 0;
    for (int k = 0; k < 8; ++k) v = (v << 8) | static_cast<unsigned char>(s_[i_++]);
    return static_cast<std::int64_t>(v);
  }
  std::uint8_t u8() { return static_cast<unsigned char>(s_[i_++]); }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

struct TzifHeader {
  char version = 0;
  std::uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
  std::uint64_t data_bytes(int time_size) const {
    return std::uint64_t{timecnt} * time_size + timecnt + std::uint64_t{typecnt} * 6 + charcnt +
           std::uint64_t{leapcnt} * (time_size + 4) + isstdcnt + isutcnt;
  }
};

std::optional<TzifHeader> read_header(ByteReader& r) {
  if (!r.has(44) || r.rest().substr(0, 4) != "TZif") return std::nullopt;
  TzifHeader h;
  r.skip(4);
  h.version = static_cast<char>(r.u8());
  r.skip(15);
  h.isutcnt = r.u32();
  h.isstdcnt = r.u32();
  h.leapcnt = r.u32();
  h.timecnt = r.u32();
  h.typecnt = r.u32();
  h.charcnt = r.u32();
  return h;
}

}  // namespace

Result<Zone> Zone::from_tzif(std::string_view name, std::string_view bytes) {
  ByteReader r(bytes);
  std::optional<TzifHeader> h = read_header(r);
  if (!h) return bad_tzif(name, "no TZif header");
  const bool v2 = h->version != '\0';
  if (v2) {
    if (!r.has(h->data_bytes(4))) return bad_tzif(name, "truncated version 1 data");
    r.skip(static_cast<std::size_t>(h->data_bytes(4)));
    h = read_header(r);
    if (!h) return bad_tzif(name, "no second TZif header");
  }
  const int time_size = v2 ? 8 : 4;
  if (h->typecnt == 0) return bad_tzif(name, "no local time type");
  if ((h->isstdcnt != 0 && h->isstdcnt != h->typecnt) ||
      (h->isutcnt != 0 && h->isutcnt != h->typecnt)) {
    return bad_tzif(name, "inconsistent counts");
  }
  if (!r.has(h->data_bytes(time_size))) return bad_tzif(name, "truncated data");
  if (h->leapcnt != 0) {
    return Status::error("zone_unsupported", "time zone '" + std::string(name) +
                                                 "' counts leap seconds (a \"right/\" zone); use "
                                                 "the zone of the same name without \"right/\"");
  }

  std::vector<std::int64_t> times(h->timecnt);
  for (auto& t : times) t = v2 ? r.i64() : static_cast<std::int32_t>(r.u32());
  std::vector<std::uint8_t> type_of(h->timecnt);
  for (auto& t : type_of) {
    t = r.u8();
    if (t >= h->typecnt) return bad_tzif(name, "transition to an unknown type");
  }
  std::vector<std::int32_t> type_offset(h->typecnt);
  for (auto& off : type_offset) {
    off = static_cast<std::int32_t>(r.u32());
    r.skip(2);  // isdst, desigidx: abbreviations are not used
    if (off < kMinOffset || off > kMaxOffset) return bad_tzif(name, "offset out of range");
  }
  r.skip(h->charcnt + h->isstdcnt + h->isutcnt);
  for (std::size_t i = 1; i < times.size(); ++i) {
    if (times[i] <= times[i - 1]) return bad_tzif(name, "transitions not in ascending order");
  }

  Zone z;
  z.name_ = std::string(name);
  z.initial_offset_ = type_offset[0];
  for (std::size_t i = 0; i < times.size(); ++i) {
    const std::int32_t off = type_offset[type_of[i]];
    const std::int32_t prev = z.offsets_.empty() ? z.initial_offset_ : z.offsets_.back();
    if (off == prev) continue;
    z.transitions_.push_back(times[i]);
    z.offsets_.push_back(off);
  }

  // Footer: "\n" TZ-string "\n" (version 2+). Empty means "no rule known": the last type stays.
  if (v2) {
    const std::string_view rest = r.rest();
    if (rest.empty() || rest[0] != '\n') return bad_tzif(name, "no footer");
    const std::size_t nl = rest.find('\n', 1);
    if (nl == std::string_view::npos) return bad_tzif(name, "unterminated footer");
    const std::string_view tz_text = rest.substr(1, nl - 1);
    if (!tz_text.empty()) {
      std::optional<PosixTz> tz = TzParser(tz_text).parse();
      if (!tz || tz->std_offset < kMinOffset || tz->std_offset > kMaxOffset ||
          tz->dst_offset < kMinOffset || tz->dst_offset > kMaxOffset) {
        return bad_tzif(name, "footer TZ string");
      }
      const std::int64_t last =
          times.empty() ? std::numeric_limits<std::int64_t>::min() : times.back();
      const int first_year = times.empty() ? 1970 : date_parts_utc(sat_mul(last, 1000)).year;
      if (!tz->has_dst) {
        const std::int32_t prev = z.offsets_.empty() ? z.initial_offset_ : z.offsets_.back();
        if (tz->std_offset != prev) {
          if (times.empty()) {
            z.initial_offset_ = tz->std_offset;
          } else {
            // Takes effect at the last transition, as RFC 8536 §3.2 says the footer is
            // consistent with it; a file that disagrees gets the footer's word afterwards.
            z.transitions_.push_back(sat_add(last, 1));
            z.offsets_.push_back(tz->std_offset);
          }
        }
      } else if (first_year >= 1 && first_year <= kLastRuleYear) {
        // Expand the rule over 402 years and keep one 400-year cycle for folding (see zone.h).
        std::vector<std::pair<std::int64_t, std::int32_t>> generated;
        for (int y = first_year; y <= first_year + 401; ++y) {
          generated.emplace_back(
              rule_day(tz->start, y) * kSecondsPerDay + tz->start.time - tz->std_offset,
              tz->dst_offset);
          generated.emplace_back(
              rule_day(tz->end, y) * kSecondsPerDay + tz->end.time - tz->dst_offset,
              tz->std_offset);
        }
        std::stable_sort(generated.begin(), generated.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        for (const auto& [t, off] : generated) {
          if (!times.empty() && t <= last) continue;
          if (!z.transitions_.empty() && t <= z.transitions_.back()) continue;
          const std::int32_t prev = z.offsets_.empty() ? z.initial_offset_ : z.offsets_.back();
          if (off == prev) continue;
          z.transitions_.push_back(t);
          z.offsets_.push_back(off);
        }
        z.periodic_ = true;
        z.cycle_begin_ = days_from_civil(first_year + 1, 1, 1) * kSecondsPerDay;
      }
    }
  }

  z.local_starts_.resize(z.transitions_.size());
  std::int64_t running = std::numeric_limits<std::int64_t>::min();
  for (std::size_t i = 0; i < z.transitions_.size(); ++i) {
    const std::int32_t before = i == 0 ? z.initial_offset_ : z.offsets_[i - 1];
    running = std::max(running, sat_add(z.transitions_[i], std::min(before, z.offsets_[i])));
    z.local_starts_[i] = running;
  }
  return z;
}

const Zone& Zone::utc() {
  static const Zone kUtc = [] {
    Zone z;
    z.name_ = "UTC";
    return z;
  }();
  return kUtc;
}

// Index of the first transition after `utc_seconds` (0: before all of them).
std::size_t Zone::transition_index(std::int64_t utc_seconds) const {
  return static_cast<std::size_t>(
      std::upper_bound(transitions_.begin(), transitions_.end(), utc_seconds) -
      transitions_.begin());
}

std::int32_t Zone::offset_seconds_at(std::int64_t utc_ms) const {
  std::int64_t sec = floor_div(utc_ms, 1000);
  if (periodic_ && sec >= cycle_begin_ + k400YearsSeconds) {
    sec -= (sec - cycle_begin_) / k400YearsSeconds * k400YearsSeconds;
  }
  const std::size_t i = transition_index(sec);
  return i == 0 ? initial_offset_ : offsets_[i - 1];
}

std::int64_t Zone::utc_to_local_ms(std::int64_t utc_ms) const {
  return sat_add(utc_ms, std::int64_t{offset_seconds_at(utc_ms)} * 1000);
}

// Works in seconds: `local` is local seconds and the result's utc_ms holds UTC seconds.
LocalTimeResolution Zone::resolve_in_table(std::int64_t local) const {
  const auto it = std::upper_bound(local_starts_.begin(), local_starts_.end(), local);
  if (it == local_starts_.begin())
    return {sat_add(local, -initial_offset_), LocalTimeKind::kUnique};
  const std::size_t i = static_cast<std::size_t>(it - local_starts_.begin()) - 1;
  const std::int32_t before = i == 0 ? initial_offset_ : offsets_[i - 1];
  const std::int32_t after = offsets_[i];
  if (local >= sat_add(transitions_[i], std::max(before, after))) {
    return {sat_add(local, -after), LocalTimeKind::kUnique};
  }
  return {sat_add(local, -before), after > before ? LocalTimeKind::kGap : LocalTimeKind::kOverlap};
}

LocalTimeResolution Zone::resolve(std::int64_t local_ms) const {
  std::int64_t sec = floor_div(local_ms, 1000);
  const std::int64_t sub_ms = local_ms % 1000 < 0 ? local_ms % 1000 + 1000 : local_ms % 1000;
  std::int64_t folded_years = 0;
  if (periodic_ && sec >= cycle_begin_ + k400YearsSeconds) {
    folded_years = (sec - cycle_begin_) / k400YearsSeconds;
    sec -= folded_years * k400YearsSeconds;
  }
  LocalTimeResolution r = resolve_in_table(sec);
  r.utc_ms = sat_add(sat_mul(sat_add(r.utc_ms, folded_years * k400YearsSeconds), 1000), sub_ms);
  return r;
}

Result<std::shared_ptr<const Zone>> load_zone(std::string_view name,
                                              std::string_view zoneinfo_dir) {
  const auto bad_name = [&] {
    return Status::error("zone_bad_name", "'" + std::string(name) +
                                              "' is not an IANA time zone name (e.g. "
                                              "Europe/Paris)");
  };
  if (name.empty() || name.size() > 255 || name.front() == '/') return bad_name();
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '_' || c == '+' || c == '-' || c == '.';
    if (!ok) return bad_name();
  }
  for (std::size_t begin = 0; begin <= name.size();) {
    std::size_t end = name.find('/', begin);
    if (end == std::string_view::npos) end = name.size();
    const std::string_view part = name.substr(begin, end - begin);
    if (part.empty() || part == "." || part == "..") return bad_name();
    begin = end + 1;
  }

  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const Zone>, std::less<>> cache;
  std::string path = std::string(zoneinfo_dir) + "/" + std::string(name);
  const std::lock_guard<std::mutex> lock(mu);
  if (auto it = cache.find(path); it != cache.end()) return it->second;

  const auto unknown = [&] {
    return Status::error("zone_unknown", "unknown time zone '" + std::string(name) +
                                             "' (no TZif file " + path +
                                             "; is the tzdata package installed?)");
  };
  std::ifstream in(path, std::ios::binary);
  if (!in) return unknown();
  std::string bytes;
  char buf[4096];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    bytes.append(buf, static_cast<std::size_t>(in.gcount()));
    if (bytes.size() > kMaxTzifBytes) return bad_tzif(name, "file larger than 1 MiB");
  }
  // A directory opens but reads nothing; a stray file (zone.tab) is not TZif: neither is a zone.
  if (!bytes.starts_with("TZif")) return unknown();
  VIGIE_ASSIGN_OR_RETURN(Zone zone, Zone::from_tzif(name, bytes));
  auto shared = std::make_shared<const Zone>(std::move(zone));
  cache.emplace(std::move(path), shared);
  return shared;
}

bool timestamp_has_offset(std::string_view text) {
  // In that grammar, past the date ("YYYY-MM-DD"), these characters can only start a zone.
  return text.find_first_of("Zz+-", 10) != std::string_view::npos;
}

std::optional<std::int64_t> parse_local_timestamp_ms(std::string_view text, const Zone& zone) {
  const std::optional<std::int64_t> as_utc = parse_timestamp_ms(text, 0);
  if (!as_utc) return std::nullopt;
  if (timestamp_has_offset(text)) return as_utc;
  return zone.local_to_utc_ms(*as_utc);
}

}  // namespace vigie::ingest
