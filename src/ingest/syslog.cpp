#include "ingest/syslog.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>

#include "common/timestamp.h"
#include "common/utf8.h"

namespace vigie::ingest {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_print(char c) { return c >= 33 && c <= 126; }  // PRINTUSASCII

bool all_print(std::string_view s) {
  for (char c : s) {
    if (!is_print(c)) return false;
  }
  return true;
}

SyslogError fail(SyslogMessage& out, SyslogError error, std::size_t at) {
  out.clear();
  out.error_at = at;
  return error;
}

// "<" 1*3DIGIT ">" at the start of `line`, 0..191, no leading zero but in "<0>". Sets `pos` past
// the ">" and returns true, or returns false.
bool read_pri(std::string_view line, std::size_t& pos, int& pri) {
  if (line.empty() || line[0] != '<') return false;
  std::size_t i = 1;
  int v = 0;
  while (i < line.size() && i <= 3 && is_digit(line[i])) v = v * 10 + (line[i++] - '0');
  const std::size_t digits = i - 1;
  if (digits == 0 || i >= line.size() || line[i] != '>' || v > 191) return false;
  if (digits > 1 && line[1] == '0') return false;
  pri = v;
  pos = i + 1;
  return true;
}

// A month abbreviation at `pos`: 1..12, or 0.
int month_at(std::string_view line, std::size_t pos) {
  if (pos + 3 > line.size()) return 0;
  const std::string_view m = line.substr(pos, 3);
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (m == kMonths[i]) return static_cast<int>(i) + 1;
  }
  return 0;
}

bool iso_stamp_at(std::string_view line, std::size_t pos) {
  if (pos + 11 > line.size()) return false;
  const std::string_view s = line.substr(pos, 11);
  return is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) && s[4] == '-' &&
         is_digit(s[5]) && is_digit(s[6]) && s[7] == '-' && is_digit(s[8]) && is_digit(s[9]) &&
         (s[10] == 'T' || s[10] == 't');
}

bool bsd_stamp_start_at(std::string_view line, std::size_t pos) {
  return month_at(line, pos) != 0 && pos + 4 < line.size() && line[pos + 3] == ' ' &&
         (is_digit(line[pos + 4]) || line[pos + 4] == ' ');
}

// Reads `n` digits at `pos` (advancing it).
bool digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(s[i])) return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  pos += n;
  return true;
}

struct BsdStamp {
  int month = 0, day = 0, year = -1, hour = 0, minute = 0, second = 0, millis = 0;
  std::size_t end = 0;  // offset just past the stamp
};

// The BSD stamp shape at `pos` (see syslog.h); nullopt when the text does not have that shape.
// Values are not range-checked here.
std::optional<BsdStamp> read_bsd_stamp(std::string_view line, std::size_t pos) {
  BsdStamp st;
  st.month = month_at(line, pos);
  if (st.month == 0) return std::nullopt;
  std::size_t p = pos + 3;
  if (p >= line.size() || line[p] != ' ') return std::nullopt;
  ++p;
  if (p < line.size() && line[p] == ' ') {
    ++p;
    if (!digits(line, p, 1, st.day)) return std::nullopt;
  } else if (!digits(line, p, 2, st.day) && !digits(line, p, 1, st.day)) {
    return std::nullopt;
  }
  if (p >= line.size() || line[p] != ' ') return std::nullopt;
  ++p;
  if (std::size_t q = p; digits(line, q, 4, st.year) && q < line.size() && line[q] == ' ') {
    p = q + 1;
  } else {
    st.year = -1;
  }
  if (!digits(line, p, 2, st.hour) || p >= line.size() || line[p++] != ':' ||
      !digits(line, p, 2, st.minute) || p >= line.size() || line[p++] != ':' ||
      !digits(line, p, 2, st.second)) {
    return std::nullopt;
  }
  if (p + 1 < line.size() && line[p] == '.' && is_digit(line[p + 1])) {
    ++p;
    int scale = 100;
    for (int n = 0; p < line.size() && is_digit(line[p]); ++n, ++p) {
      if (n >= 9) return std::nullopt;
      st.millis += scale * (line[p] - '0');
      scale /= 10;
    }
  }
  if (p < line.size() && line[p] != ' ' && line[p] != ':') return std::nullopt;
  st.end = p;
  return st;
}

// Local milliseconds (civil time counted as UTC) of a stamp in `year`, through the shared calendar
// code; nullopt for an impossible date or time ("Feb 30", "25:00:00").
std::optional<std::int64_t> local_ms(const BsdStamp& st, int year) {
  if (year < 0 || year > 9999 || st.hour > 23 || st.minute > 59 || st.second > 60) {
    return std::nullopt;
  }
  return civil_ms(year, st.month, st.day, st.hour, st.minute, st.second, st.millis);
}

void set_local_time(SyslogMessage& out, const Zone& zone, std::int64_t local, TimeSource source) {
  const LocalTimeResolution r = zone.resolve(local);
  out.time_ms = r.utc_ms;
  out.local_time_kind = r.kind;
  out.time_source = source;
}

bool bsd_time(const BsdStamp& st, const SyslogTimeContext& ctx, SyslogMessage& out) {
  const Zone& zone = ctx.zone != nullptr ? *ctx.zone : Zone::utc();
  if (st.year >= 0) {
    const std::optional<std::int64_t> local = local_ms(st, st.year);
    if (!local) return false;
    set_local_time(out, zone, *local, TimeSource::kLocal);
    return true;
  }
  // Year-less: the latest candidate year that does not put the stamp more than a day after the
  // reference time (see syslog.h). A log is not written in the future; the day absorbs a sender
  // whose clock is ahead.
  constexpr std::int64_t kDayMs = 24 * 3600 * 1000;
  const std::int64_t reference = zone.utc_to_local_ms(ctx.reference_ms);
  const int year = date_parts_utc(reference).year;
  std::optional<std::int64_t> best;
  for (int y = year + 1; y >= year - 1 && !best; --y) {
    const std::optional<std::int64_t> local = local_ms(st, y);
    if (local && *local <= reference + kDayMs) best = local;
  }
  if (!best) return false;
  set_local_time(out, zone, *best, TimeSource::kLocalYearInferred);
  return true;
}

bool iso_time(std::string_view text, const SyslogTimeContext& ctx, SyslogMessage& out) {
  const std::optional<std::int64_t> as_utc = parse_timestamp_ms(text, 0);
  if (!as_utc) return false;
  if (timestamp_has_offset(text)) {
    out.time_ms = *as_utc;
    out.time_source = TimeSource::kOffset;
  } else {
    set_local_time(out, ctx.zone != nullptr ? *ctx.zone : Zone::utc(), *as_utc, TimeSource::kLocal);
  }
  return true;
}

// The RFC 5424 header field at `pos`, up to the next SP (consumed). False when the line ends
// first: the header is truncated.
bool header_field(std::string_view line, std::size_t& pos, std::string_view& field) {
  const std::size_t sp = line.find(' ', pos);
  if (sp == std::string_view::npos) return false;
  field = line.substr(pos, sp - pos);
  pos = sp + 1;
  return true;
}

// A header field that is "-" or 1*max PRINTUSASCII; "-" becomes empty.
bool nil_or_print(std::string_view& field, std::size_t max) {
  if (field == "-") {
    field = {};
    return true;
  }
  return !field.empty() && field.size() <= max && all_print(field);
}

// SD-NAME: 1*32 PRINTUSASCII except '=', SP, ']', '"'. Advances `pos` over the longest run.
std::string_view sd_name(std::string_view line, std::size_t& pos) {
  const std::size_t begin = pos;
  while (pos < line.size()) {
    const char c = line[pos];
    if (!is_print(c) || c == '=' || c == ']' || c == '"') break;
    ++pos;
  }
  return line.substr(begin, pos - begin);
}

SyslogError read_structured_data(std::string_view line, std::size_t& pos, SyslogMessage& out) {
  const std::size_t begin = pos;
  while (pos < line.size() && line[pos] == '[') {
    if (out.sd_elements.size() >= kMaxSdElements) return SyslogError::kSdTooLarge;
    ++pos;
    SdElement element;
    element.id = sd_name(line, pos);
    element.first_param = static_cast<std::uint32_t>(out.sd_params.size());
    if (pos >= line.size()) return SyslogError::kUnterminatedSd;
    if (element.id.empty() || element.id.size() > 32 || (line[pos] != ' ' && line[pos] != ']')) {
      return SyslogError::kBadSdId;
    }
    while (line[pos] == ' ') {
      ++pos;
      if (out.sd_params.size() >= kMaxSdParams) return SyslogError::kSdTooLarge;
      SdParam param;
      param.name = sd_name(line, pos);
      if (pos >= line.size()) return SyslogError::kUnterminatedSd;
      if (param.name.empty() || param.name.size() > 32 || line[pos] != '=') {
        return SyslogError::kBadSdParam;
      }
      ++pos;
      if (pos >= line.size()) return SyslogError::kUnterminatedSd;
      if (line[pos] != '"') return SyslogError::kBadSdParam;
      const std::size_t value_begin = ++pos;
      // Any escaped octet is skipped in pairs: only an unescaped '"' ends the value.
      while (pos < line.size() && line[pos] != '"') pos += line[pos] == '\\' ? 2 : 1;
      if (pos >= line.size()) {
        pos = line.size();  // a final backslash stepped past the end
        return SyslogError::kUnterminatedSd;
      }
      param.value = line.substr(value_begin, pos - value_begin);
      ++pos;
      out.sd_params.push_back(param);
      if (pos >= line.size()) return SyslogError::kUnterminatedSd;
    }
    if (line[pos] != ']') return SyslogError::kBadSdParam;
    ++pos;
    element.param_count = static_cast<std::uint32_t>(out.sd_params.size()) - element.first_param;
    out.sd_elements.push_back(element);
  }
  out.structured_data = line.substr(begin, pos - begin);
  return SyslogError::kOk;
}

// MSG: an optional BOM, after which the text must be UTF-8.
SyslogError set_msg(std::string_view msg, SyslogMessage& out) {
  if (msg.starts_with(kBom)) {
    msg.remove_prefix(kBom.size());
    if (!utf8::valid(msg)) return SyslogError::kBadUtf8;
    out.msg_has_bom = true;
  }
  out.msg = msg;
  return SyslogError::kOk;
}

// The TAG[pid]: prefix of RFC 3164 content, if there is one.
void split_tag(std::string_view content, SyslogMessage& out) {
  out.content = content;
  out.msg = content;
  std::size_t p = 0;
  if (content.starts_with(':')) {  // Cisco ": %ASA-...": no tag
    p = 1;
  } else {
    while (p < content.size() && p <= 48 && is_print(content[p]) && content[p] != ':' &&
           content[p] != '[' && content[p] != ']') {
      ++p;
    }
    if (p == 0 || p > 48 || p >= content.size()) return;
    const std::string_view tag = content.substr(0, p);
    std::string_view pid;
    if (content[p] == '[') {
      const std::size_t close = content.find(']', p + 1);
      if (close == std::string_view::npos || close == p + 1 || close - p - 1 > 128) return;
      pid = content.substr(p + 1, close - p - 1);
      if (!all_print(pid)) return;
      p = close + 1;
    }
    if (p >= content.size() || content[p] != ':') return;
    out.app_name = tag;
    out.procid = pid;
    ++p;
  }
  if (p < content.size() && content[p] == ' ') ++p;
  out.msg = content.substr(p);
}

// The token after the stamp is a tag, not a host, when it ends with ':' ("su:", "sshd[42]:").
bool looks_like_tag(std::string_view token) { return token.size() > 1 && token.back() == ':'; }

}  // namespace

std::string_view syslog_format_name(SyslogFormat format) {
  constexpr std::array<std::string_view, 3> kNames = {"none", "rfc3164", "rfc5424"};
  const auto i = static_cast<std::size_t>(format);
  return i < kNames.size() ? kNames[i] : kNames[0];
}

std::string_view syslog_error_name(SyslogError error) {
  // In enumerator order; the names are a stable interface (dead letters, metrics, docs).
  constexpr std::array<std::string_view, kSyslogErrorCount> kNames = {
      "ok",
      "syslog-empty",
      "syslog-not-syslog",
      "syslog-bad-pri",
      "syslog-bad-version",
      "syslog-unsupported-version",
      "syslog-truncated-header",
      "syslog-bad-timestamp",
      "syslog-bad-hostname",
      "syslog-bad-app-name",
      "syslog-bad-procid",
      "syslog-bad-msgid",
      "syslog-bad-structured-data",
      "syslog-bad-sd-id",
      "syslog-bad-sd-param",
      "syslog-unterminated-sd",
      "syslog-sd-too-large",
      "syslog-bad-utf8",
      "syslog-frame-bad-length",
      "syslog-frame-too-large",
      "syslog-frame-truncated",
  };
  static_assert(kNames.back() == "syslog-frame-truncated");
  const auto i = static_cast<std::size_t>(error);
  return i < kNames.size() ? kNames[i] : "syslog-unknown-error";
}

SyslogFormat sniff_syslog(std::string_view line) {
  if (line.empty()) return SyslogFormat::kNone;
  if (line[0] == '<') {
    // "<" DIGIT is taken as a PRI even when broken ("<999>"): parsing then says syslog-bad-pri.
    if (line.size() < 2 || !is_digit(line[1])) return SyslogFormat::kNone;
    std::size_t i = 1;
    while (i < line.size() && i <= 4 && is_digit(line[i])) ++i;
    if (i >= line.size() || line[i] != '>') return SyslogFormat::kRfc3164;
    std::size_t v = i + 1;
    if (v >= line.size() || line[v] < '1' || line[v] > '9') return SyslogFormat::kRfc3164;
    for (std::size_t end = v + 1; end < line.size() && end <= v + 3; ++end) {
      if (line[end] == ' ') return SyslogFormat::kRfc5424;
      if (!is_digit(line[end])) break;
    }
    return SyslogFormat::kRfc3164;
  }
  if (bsd_stamp_start_at(line, 0) || iso_stamp_at(line, 0)) return SyslogFormat::kRfc3164;
  return SyslogFormat::kNone;
}

const SdElement* SyslogMessage::find_sd_element(std::string_view id) const {
  for (const SdElement& e : sd_elements) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

void SyslogMessage::clear() {
  format = SyslogFormat::kNone;
  pri = -1;
  version = 0;
  timestamp = {};
  time_ms = 0;
  time_source = TimeSource::kNone;
  local_time_kind = LocalTimeKind::kUnique;
  hostname = app_name = procid = msgid = structured_data = content = msg = {};
  sd_elements.clear();
  sd_params.clear();
  msg_has_bom = false;
  error_at = 0;
}

SyslogError parse_syslog(std::string_view line, const SyslogTimeContext& context,
                         SyslogMessage& out) {
  switch (sniff_syslog(line)) {
    case SyslogFormat::kRfc5424:
      return parse_rfc5424(line, context, out);
    case SyslogFormat::kRfc3164:
      return parse_rfc3164(line, context, out);
    case SyslogFormat::kNone:
      break;
  }
  return fail(out, line.empty() ? SyslogError::kEmpty : SyslogError::kNotSyslog, 0);
}

std::string_view syslog_hostname(std::string_view record, SyslogMessage& scratch) {
  if (parse_syslog(record, SyslogTimeContext{}, scratch) != SyslogError::kOk) return {};
  return scratch.hostname;
}

SyslogError parse_rfc5424(std::string_view line, const SyslogTimeContext& context,
                          SyslogMessage& out) {
  out.clear();
  if (line.empty()) return fail(out, SyslogError::kEmpty, 0);
  std::size_t pos = 0;
  if (!read_pri(line, pos, out.pri)) return fail(out, SyslogError::kBadPri, 0);

  // VERSION = NONZERO-DIGIT 0*2DIGIT, then SP.
  const std::size_t version_at = pos;
  int version = 0;
  while (pos < line.size() && pos - version_at < 3 && is_digit(line[pos])) {
    version = version * 10 + (line[pos++] - '0');
  }
  if (pos == version_at || line[version_at] == '0') {
    return fail(out, pos >= line.size() ? SyslogError::kTruncatedHeader : SyslogError::kBadVersion,
                version_at);
  }
  if (pos >= line.size()) return fail(out, SyslogError::kTruncatedHeader, pos);
  if (line[pos] != ' ') return fail(out, SyslogError::kBadVersion, version_at);
  if (version != 1) return fail(out, SyslogError::kUnsupportedVersion, version_at);
  ++pos;

  const std::size_t stamp_at = pos;
  std::string_view stamp;
  if (!header_field(line, pos, stamp)) return fail(out, SyslogError::kTruncatedHeader, stamp_at);
  if (stamp != "-") {
    // A full date-time: a date alone is not a syslog timestamp.
    if (stamp.size() < 19 || (stamp[10] != 'T' && stamp[10] != 't') ||
        !iso_time(stamp, context, out)) {
      return fail(out, SyslogError::kBadTimestamp, stamp_at);
    }
    out.timestamp = stamp;
  }

  struct Field {
    std::string_view* target;
    std::size_t max;
    SyslogError error;
  };
  const Field fields[] = {
      {&out.hostname, 255, SyslogError::kBadHostname},
      {&out.app_name, 48, SyslogError::kBadAppName},
      {&out.procid, 128, SyslogError::kBadProcId},
      {&out.msgid, 32, SyslogError::kBadMsgId},
  };
  for (const Field& f : fields) {
    const std::size_t at = pos;
    std::string_view value;
    if (!header_field(line, pos, value)) return fail(out, SyslogError::kTruncatedHeader, at);
    if (!nil_or_print(value, f.max)) return fail(out, f.error, at);
    *f.target = value;
  }

  if (pos >= line.size()) return fail(out, SyslogError::kTruncatedHeader, pos);
  const std::size_t sd_at = pos;
  if (line[pos] == '-') {
    ++pos;
  } else if (line[pos] == '[') {
    if (SyslogError e = read_structured_data(line, pos, out); e != SyslogError::kOk) {
      return fail(out, e, pos);
    }
  } else {
    return fail(out, SyslogError::kBadStructuredData, sd_at);
  }
  if (pos < line.size()) {
    if (line[pos] != ' ') return fail(out, SyslogError::kBadStructuredData, pos);
    if (SyslogError e = set_msg(line.substr(pos + 1), out); e != SyslogError::kOk) {
      return fail(out, e, pos + 1);
    }
  }
  out.content = out.msg;
  out.format = SyslogFormat::kRfc5424;
  out.version = 1;
  return SyslogError::kOk;
}

SyslogError parse_rfc3164(std::string_view line, const SyslogTimeContext& context,
                          SyslogMessage& out) {
  out.clear();
  if (line.empty()) return fail(out, SyslogError::kEmpty, 0);
  std::size_t pos = 0;
  if (line[0] == '<' && !read_pri(line, pos, out.pri)) return fail(out, SyslogError::kBadPri, 0);

  std::size_t stamp_end = std::string_view::npos;
  if (std::optional<BsdStamp> st = read_bsd_stamp(line, pos)) {
    if (!bsd_time(*st, context, out)) return fail(out, SyslogError::kBadTimestamp, pos);
    stamp_end = st->end;
  } else if (iso_stamp_at(line, pos)) {
    stamp_end = std::min(line.find(' ', pos), line.size());
    if (!iso_time(line.substr(pos, stamp_end - pos), context, out)) {
      return fail(out, SyslogError::kBadTimestamp, pos);
    }
  }

  if (stamp_end != std::string_view::npos) {
    out.timestamp = line.substr(pos, stamp_end - pos);
    pos = stamp_end;
    if (pos < line.size() && line[pos] == ' ') {
      ++pos;
      const std::size_t host_end = std::min(line.find(' ', pos), line.size());
      const std::string_view token = line.substr(pos, host_end - pos);
      if (!looks_like_tag(token)) {
        if (token.empty() || token.size() > 255 || !all_print(token)) {
          return fail(out, SyslogError::kBadHostname, pos);
        }
        out.hostname = token;
        pos = host_end < line.size() ? host_end + 1 : host_end;
      }
    }
    // Else ':' right after the stamp (Cisco without "logging device-id"): split_tag() sees
    // ": %ASA-..." as content without tag.
  }
  split_tag(line.substr(pos), out);
  out.format = SyslogFormat::kRfc3164;
  return SyslogError::kOk;
}

std::string_view sd_param_value(std::string_view raw, std::string& scratch) {
  if (raw.find('\\') == std::string_view::npos) return raw;
  scratch.clear();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size() &&
        (raw[i + 1] == '"' || raw[i + 1] == '\\' || raw[i + 1] == ']')) {
      ++i;
    }
    scratch.push_back(raw[i]);
  }
  return scratch;
}

}  // namespace vigie::ingest
