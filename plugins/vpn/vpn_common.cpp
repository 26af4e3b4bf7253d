#include "vpn_common.h"

#include <array>
#include <charconv>
#include <chrono>
#include <cstring>

#include "common/timestamp.h"
#include "common/utf8.h"

namespace vigie::plugins::vpn {

std::string_view action_name(Action a) {
  switch (a) {
    case Action::kAuthFailure:
      return "auth_failure";
    case Action::kAuthSuccess:
      return "auth_success";
    case Action::kSessionStart:
      return "session_start";
    case Action::kSessionEnd:
      return "session_end";
    case Action::kOther:
      break;
  }
  return "other";
}

std::span<const std::string_view> common_field_names() {
  static constexpr std::array<std::string_view, kCommonCount> kNames = {
      "vpn.vendor",      "vpn.message_id", "event.action",     "event.outcome",
      "vpn.user",        "vpn.group",      "source.ip",        "source.port",
      "vpn.assigned_ip", "event.reason",   "network.bytes_in", "network.bytes_out",
      "vpn.duration_s",  "vpn.gateway",    "vpn.session_id"};
  return kNames;
}

std::vector<std::string_view> with_common_fields(std::span<const std::string_view> vendor) {
  std::vector<std::string_view> all(common_field_names().begin(), common_field_names().end());
  all.insert(all.end(), vendor.begin(), vendor.end());
  return all;
}

// ---- VpnDecoder ---------------------------------------------------------------------------------

VpnDecoder::VpnDecoder(const decode::DecoderSetup& setup, std::string_view vendor,
                       std::span<const std::string_view> vendor_fields)
    : table_(setup.fields),
      zone_(setup.zone != nullptr ? setup.zone : &ingest::Zone::utc()),
      max_record_bytes_(setup.max_record_bytes),
      vendor_name_(vendor),
      common_(setup, common_field_names()),
      vendor_(setup, vendor_fields) {}

KeyIndex::KeyIndex(std::span<const std::string_view> keys) : keys_(keys) {
  std::size_t size = 16;
  while (size < keys.size() * 4) size *= 2;
  slots_.assign(size, 0);
  mask_ = size - 1;
  for (std::size_t k = 0; k < keys.size() && k < 0xFFFF; ++k) {
    if (keys[k].empty() || find(keys[k]) != kNone) continue;  // a duplicate keeps its first
    std::size_t i = hash(keys[k]) & mask_;
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = static_cast<std::uint16_t>(k + 1);
  }
}

std::int64_t VpnDecoder::reference_ms(const decode::RecordContext& ctx) {
  if (ctx.received_ms != event::Event::kNoTime) return ctx.received_ms;
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status VpnDecoder::parse_header(std::string_view line, const decode::RecordContext& ctx,
                                bool& present) {
  present = false;
  ingest::SyslogError err;
  if (ingest::sniff_syslog(line) != ingest::SyslogFormat::kNone) {
    err = ingest::parse_syslog(line, time_context(ctx), syslog_);
  } else if (!line.empty() && line.front() == '<') {
    err = ingest::parse_rfc3164(line, time_context(ctx), syslog_);  // a broken PRI: its error
  } else {
    return Status();
  }
  if (err != ingest::SyslogError::kOk) {
    return Status::error(std::string(kRejectSyslog), std::string(ingest::syslog_error_name(err)));
  }
  present = true;
  return Status();
}

namespace {

std::string at(std::size_t offset) { return " (byte " + std::to_string(offset) + ")"; }

}  // namespace

Status VpnDecoder::decode(std::string_view record, const decode::RecordContext& ctx,
                          event::Event& out) {
  out.reset(table_ != nullptr ? table_->size() : 0);
  if (record.size() > max_record_bytes_) {
    return Status::error(std::string(kRejectOversized), "record longer than the configured limit");
  }
  while (!record.empty() && (record.back() == '\n' || record.back() == '\r')) {
    record.remove_suffix(1);
  }
  if (trim(record).empty()) return Status::error(std::string(kRejectEmpty), "blank record");
  bool non_ascii = false;
  if (const std::size_t i = ascii::find_control(record, /*line_ends=*/false, non_ascii);
      i != std::string_view::npos) {
    return Status::error(std::string(kRejectBinary), "control byte in the record" + at(i));
  }
  if (non_ascii && !utf8::valid(record)) {
    return Status::error(std::string(kRejectUtf8), "record is not well-formed UTF-8");
  }
  CommonValues c;
  Status s = decode_record(record, ctx, out, c);
  if (!s.ok()) return s;
  write_common(out, c);
  return s;
}

void VpnDecoder::write_common(event::Event& e, const CommonValues& c) const {
  auto str = [&](CommonField f, std::string_view v) {
    if (!v.empty()) common_.set_string(e, f, v);
  };
  auto num = [&](CommonField f, const std::optional<std::int64_t>& v) {
    if (v && common_.wanted(f)) common_.set(e, f, int_value(e, *v));
  };
  str(kVendor, vendor_name_);
  str(kMessageId, c.message_id);
  str(kAction, action_name(c.action));
  if (c.action == Action::kAuthFailure) str(kOutcome, "failure");
  if (c.action == Action::kAuthSuccess) str(kOutcome, "success");
  if (!is_placeholder(c.user)) str(kUser, c.user);
  if (!is_placeholder(c.group)) str(kGroup, c.group);
  if (looks_like_ip(c.source_ip)) str(kSourceIp, c.source_ip);
  if (std::optional<std::int64_t> port = parse_uint(c.source_port); port && *port <= 65535) {
    if (common_.wanted(kSourcePort)) common_.set(e, kSourcePort, int_value(e, *port));
  }
  if (looks_like_ip(c.assigned_ip) && c.assigned_ip != "0.0.0.0" && c.assigned_ip != "::") {
    str(kAssignedIp, c.assigned_ip);
  }
  if (!is_placeholder(c.reason)) str(kReason, c.reason);
  num(kBytesIn, c.bytes_in);
  num(kBytesOut, c.bytes_out);
  num(kDuration, c.duration_s);
  if (!is_placeholder(c.gateway)) str(kGateway, c.gateway);
  if (!is_placeholder(c.session_id)) str(kSessionId, c.session_id);
}

// ---- Helpers ------------------------------------------------------------------------------------

std::optional<std::int64_t> parse_uint(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + (ch - '0');
  }
  return v;
}

std::optional<std::string_view> between(std::string_view s, std::size_t from, char open, char close,
                                        std::size_t* end) {
  if (from >= s.size()) return std::nullopt;
  const std::size_t a = s.find(open, from);
  if (a == std::string_view::npos) return std::nullopt;
  const std::size_t b = s.find(close, a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  if (end != nullptr) *end = b + 1;
  return s.substr(a + 1, b - a - 1);
}

std::optional<std::string_view> after_label(std::string_view s, std::string_view label,
                                            std::string_view stops) {
  const std::size_t at = s.find(label);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = s.substr(at + label.size());
  const std::size_t end = rest.find_first_of(stops);
  return trim(rest.substr(0, end));
}

namespace {

// Dotted quad, no leading zeros ("010.0.0.1" is not an address but a typo or an octal trap).
bool looks_like_ipv4(std::string_view s) {
  int parts = 0;
  std::size_t i = 0;
  while (i <= s.size()) {
    std::size_t j = s.find('.', i);
    if (j == std::string_view::npos) j = s.size();
    const std::string_view part = s.substr(i, j - i);
    std::optional<std::int64_t> v = parse_uint(part);
    if (!v || *v > 255 || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return false;
    ++parts;
    i = j + 1;
  }
  return parts == 4;
}

}  // namespace

bool looks_like_ip(std::string_view s) {
  if (s.empty() || s.size() > 45) return false;
  if (s.find(':') == std::string_view::npos) return looks_like_ipv4(s);
  // IPv6: 3 to 8 ':'-separated groups of at most 4 hex digits (empty ones for "::"), the last
  // one possibly a dotted quad.
  int groups = 0;
  std::size_t i = 0;
  while (i <= s.size()) {
    std::size_t j = s.find(':', i);
    const bool last = j == std::string_view::npos;
    if (last) j = s.size();
    const std::string_view g = s.substr(i, j - i);
    ++groups;
    if (last && g.find('.') != std::string_view::npos) {
      if (!looks_like_ipv4(g)) return false;
    } else {
      if (g.size() > 4) return false;
      for (char ch : g) {
        const bool hex =
            (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
        if (!hex) return false;
      }
    }
    i = j + 1;
  }
  return groups >= 3 && groups <= 8;
}

bool is_placeholder(std::string_view s) {
  s = trim(s);
  return s.empty() || s == "-" || s == "N/A" || s == "n/a" || s == "(null)" || s == "UNDEF";
}

bool split_host_port(std::string_view s, std::string_view& ip, std::string_view& port) {
  for (std::string_view tag : {"[AF_INET]", "[AF_INET6]"}) {
    if (starts_with(s, tag)) s.remove_prefix(tag.size());
  }
  if (starts_with(s, "[")) {  // [v6]:port
    const std::size_t close = s.find(']');
    if (close == std::string_view::npos) return false;
    ip = s.substr(1, close - 1);
    port = close + 2 <= s.size() && s[close + 1] == ':' ? s.substr(close + 2) : std::string_view{};
    return looks_like_ip(ip) && (port.empty() || parse_uint(port));
  }
  const std::size_t colon = s.rfind(':');
  if (colon == std::string_view::npos) {
    ip = s;
    port = {};
    return looks_like_ip(ip);
  }
  ip = s.substr(0, colon);
  port = s.substr(colon + 1);
  if (looks_like_ip(ip) && parse_uint(port)) return true;
  ip = s;  // a bare IPv6 address
  port = {};
  return looks_like_ip(ip);
}

std::optional<std::int64_t> parse_local_time(std::string_view text, const ingest::Zone& zone) {
  text = trim(text);
  if (text.size() < 10 || text.size() > 48) return std::nullopt;
  // "2026/03/14 01:05:11" (PAN-OS) is read as "2026-03-14 01:05:11".
  char buf[48];
  std::memcpy(buf, text.data(), text.size());
  if (buf[4] == '/' && buf[7] == '/') buf[4] = buf[7] = '-';
  return ingest::parse_local_timestamp_ms(std::string_view(buf, text.size()), zone);
}

std::optional<std::int64_t> parse_epoch_ms(std::string_view digits) {
  if (digits.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  switch (digits.size()) {
    case 10: {
      std::optional<std::int64_t> s = parse_uint(digits);
      return s ? std::optional<std::int64_t>(*s * 1000) : std::nullopt;
    }
    case 13:
    case 16:
    case 19:  // ms, us, ns: the first 13 digits are the milliseconds (truncated)
      return parse_uint(digits.substr(0, 13));
    default:
      return std::nullopt;
  }
}

// ---- KeyValueScanner ----------------------------------------------------------------------------

namespace {

bool key_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '_' || ch == '.' || ch == '-';
}

// Length of the key at s[i] when a '=' follows it, else 0.
std::size_t key_length(std::string_view s, std::size_t i) {
  std::size_t j = i;
  while (j < s.size() && key_char(s[j])) ++j;
  return j > i && j < s.size() && s[j] == '=' ? j - i : 0;
}

}  // namespace

std::size_t KeyValueScanner::key_start(std::size_t from) const {
  for (std::size_t i = from; i < s_.size(); ++i) {
    if ((s_[i] == ' ' || s_[i] == '\t') && i + 1 < s_.size() && key_length(s_, i + 1) > 0) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

bool KeyValueScanner::next(KeyValue& kv) {
  if (error_) return false;
  while (pos_ < s_.size()) {
    // Skip blanks, then expect a key; anything else is skipped up to the next " key=".
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
    if (pos_ >= s_.size()) return false;
    const std::size_t klen = key_length(s_, pos_);
    if (klen == 0) {
      const std::size_t k = key_start(pos_);
      if (k == std::string_view::npos) {
        pos_ = s_.size();
        return false;
      }
      pos_ = k;
      continue;
    }
    kv.key = s_.substr(pos_, klen);
    std::size_t v = pos_ + klen + 1;
    kv.escaped = false;
    if (v < s_.size() && s_[v] == '"') {
      std::size_t i = v + 1;
      while (i < s_.size() && s_[i] != '"') {
        if (s_[i] == '\\' && i + 1 < s_.size()) {
          kv.escaped = true;
          ++i;
        }
        ++i;
      }
      if (i >= s_.size()) {
        error_ = true;
        error_at_ = v;
        return false;
      }
      kv.value = s_.substr(v + 1, i - v - 1);
      pos_ = i + 1;
      return true;
    }
    const std::size_t next_key = key_start(v);
    const std::size_t end = next_key == std::string_view::npos ? s_.size() : next_key;
    kv.value = trim(s_.substr(v, end - v));
    pos_ = end;
    return true;
  }
  return false;
}

std::string_view unescape_into(event::Event& e, std::string_view escaped) {
  char* p = e.arena().allocate(escaped.size());
  std::size_t n = 0;
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] == '\\' && i + 1 < escaped.size() &&
        (escaped[i + 1] == '"' || escaped[i + 1] == '\\')) {
      ++i;
    }
    p[n++] = escaped[i];
  }
  return {p, n};
}

event::Value int_value(event::Event& e, std::int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return event::Value::integer_value(v, e.arena().copy(std::string_view(buf, r.ptr - buf)));
}

}  // namespace vigie::plugins::vpn
