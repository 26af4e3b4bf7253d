// Ivanti Connect Secure / Pulse Connect Secure in its two syslog shapes:
//   standard  "... PulseSecure: - - - 2026-03-14 01:02:50 - node - [ip]
//   ivs::user(realm)[roles][sid]
//              - text" (RFC 5424, possibly behind a relay's BSD header)
//   WELF      "id=firewall time="..." pri=6 fw=ip vpn=node ivs=... user=... realm="..." ...
//              msg="AUT23457: text""
// Both give the same vendor fields (the WELF names: vpn, ivs, user, realm, roles, sessionID, src,
// msg), so one rule reads both. The message code (AUT23457, NWC23464, ...) is written by WELF only;
// for standard lines it is derived from the texts the decoder knows (README).
#include <memory>

#include "common/timestamp.h"
#include "formats.h"
#include "vpn_common.h"

namespace vigie::plugins::vpn {
namespace {

enum VendorField : std::size_t {
  kNode,
  kIvs,
  kUserF,
  kRealm,
  kRoles,
  kSession,
  kSrc,
  kMsg,
  kTime,
  kVendorCount
};
constexpr std::string_view kFields[kVendorCount] = {"vpn",       "ivs", "user", "realm", "roles",
                                                    "sessionID", "src", "msg",  "time"};
constexpr std::string_view kWelfKeys[] = {"id",      "pri",  "fw",    "proto",   "dst",
                                          "dstname", "type", "op",    "arg",     "result",
                                          "sent",    "rcvd", "agent", "duration"};

std::vector<std::string_view> all_fields() {
  std::vector<std::string_view> f(std::begin(kFields), std::end(kFields));
  f.insert(f.end(), std::begin(kWelfKeys), std::end(kWelfKeys));
  return f;
}

struct Known {
  std::string_view prefix;
  std::string_view code;  // derived for standard lines; "" when not known for sure
  Action action;
};
// Message texts (start of the text after the code), as the Pulse / Ivanti log reference writes
// them.
constexpr Known kKnown[] = {
    {"Login failed using auth server", "AUT23457", Action::kAuthFailure},
    {"Login failed", "", Action::kAuthFailure},
    {"Primary authentication failed", "", Action::kAuthFailure},
    {"Secondary authentication failed", "", Action::kAuthFailure},
    {"Primary authentication successful", "AUT24326", Action::kAuthSuccess},
    {"Secondary authentication successful", "", Action::kAuthSuccess},
    {"Agent login succeeded", "AUT24414", Action::kAuthSuccess},
    {"Login succeeded", "", Action::kAuthSuccess},
    {"VPN Tunneling: Session started", "NWC23464", Action::kSessionStart},
    {"VPN Tunneling: Session ended", "NWC23465", Action::kSessionEnd},
    {"Logout from", "AUT22673", Action::kSessionEnd},
    {"Session timed out", "AUT20914", Action::kSessionEnd},
    {"Max session timeout", "", Action::kSessionEnd},
};

// Reads what the message text says: action, reason, assigned address, session id.
void read_text(std::string_view text, bool has_code, CommonValues& c,
               std::string_view& text_session) {
  for (const Known& k : kKnown) {
    if (starts_with(text, k.prefix)) {
      c.action = k.action;
      if (!has_code) c.message_id = k.code;
      break;
    }
  }
  if (const std::size_t r = text.find("Reason: "); r != std::string_view::npos) {
    c.reason = trim(text.substr(r + 8));
    if (!c.reason.empty() && c.reason.back() == '.') c.reason.remove_suffix(1);
  }
  if (c.action == Action::kSessionStart || c.action == Action::kSessionEnd) {
    if (const std::size_t a = text.find("IPv4 address "); a != std::string_view::npos) {
      std::string_view ip = text.substr(a + 13);
      c.assigned_ip = ip.substr(0, ip.find_first_of(", "));
    }
  }
  if (const std::size_t s = text.find("(session:"); s != std::string_view::npos) {
    std::string_view id = trim(text.substr(s + 9));
    text_session = id.substr(0, id.find(')'));
  }
}

// "2026-03-14 01:02:50" at s[i].
bool datetime_at(std::string_view s, std::size_t i) {
  static constexpr std::string_view kShape = "dddd-dd-dd dd:dd:dd";
  if (i + kShape.size() > s.size()) return false;
  for (std::size_t k = 0; k < kShape.size(); ++k) {
    const char ch = s[i + k];
    if (kShape[k] == 'd' ? (ch < '0' || ch > '9') : ch != kShape[k]) return false;
  }
  return true;
}

// Start of the standard body ("YYYY-MM-DD hh:mm:ss - node - [") in the first bytes, or npos.
std::size_t find_standard_body(std::string_view r) {
  const std::size_t limit = std::min<std::size_t>(r.size(), 512);
  for (std::size_t i = r.find('-'); i != std::string_view::npos && i < limit;
       i = r.find('-', i + 1)) {
    if (i < 4) continue;
    const std::size_t start = i - 4;
    if (datetime_at(r, start) && r.substr(start + 19, 3) == " - ") return start;
  }
  return std::string_view::npos;
}

// "id=firewall " at the start or after a blank, in the first bytes, or npos.
std::size_t find_welf(std::string_view r) {
  const std::string_view head = r.substr(0, 512);
  for (std::size_t at = head.find("id=firewall "); at != std::string_view::npos;
       at = head.find("id=firewall ", at + 1)) {
    if (at == 0 || head[at - 1] == ' ') return at;
  }
  return std::string_view::npos;
}

class PulseDecoder : public VpnDecoder {
 public:
  explicit PulseDecoder(const decode::DecoderSetup& setup)
      : VpnDecoder(setup, "pulse-secure", kFields) {}

 protected:
  Status decode_record(std::string_view record, const decode::RecordContext& ctx, event::Event& out,
                       CommonValues& c) override {
    if (const std::size_t welf = find_welf(record); welf != std::string_view::npos) {
      return decode_welf(record.substr(welf), ctx, out, c);
    }
    const std::size_t body = find_standard_body(record);
    if (body == std::string_view::npos) {
      return Status::error(std::string(kRejectUnrecognised),
                           "neither a WELF record (id=firewall) nor a standard Pulse body");
    }
    return decode_standard(record, body, ctx, out, c);
  }

 private:
  Status decode_standard(std::string_view record, std::size_t body,
                         const decode::RecordContext& ctx, event::Event& out, CommonValues& c) {
    // Time: an RFC 5424 stamp with offset before the body (the appliance's), else the body's
    // device-local date and time.
    std::optional<std::int64_t> ms;
    std::string_view header = record.substr(0, body);
    while (!header.empty() && !ms) {
      const std::size_t sp = header.find(' ');
      const std::string_view token = header.substr(0, sp);
      if (token.size() > 19 && token[10] == 'T' && ingest::timestamp_has_offset(token)) {
        ms = parse_timestamp_ms(token);
      }
      header = sp == std::string_view::npos ? std::string_view{} : header.substr(sp + 1);
    }
    std::string_view rest = record.substr(body);
    const std::string_view when = rest.substr(0, 19);
    set_vendor(out, kTime, when);
    if (!ms) ms = parse_local_time(when, zone());
    if (!ms) return Status::error(std::string(kRejectTime), "body date is not a time");
    out.time_ms = *ms;
    (void)ctx;

    rest.remove_prefix(22);  // "YYYY-MM-DD hh:mm:ss - "
    const std::size_t node_end = rest.find(" - ");
    if (node_end == std::string_view::npos) return truncated();
    c.gateway = rest.substr(0, node_end);
    set_vendor(out, kNode, c.gateway);
    rest.remove_prefix(node_end + 3);
    std::size_t after_ip = 0;
    std::optional<std::string_view> ip = between(rest, 0, '[', ']', &after_ip);
    if (!ip || rest.front() != '[') return truncated();
    c.source_ip = *ip;
    set_vendor(out, kSrc, *ip);
    rest = trim(rest.substr(after_ip));
    // ivs::user(realm)[roles][sid] - text
    const std::size_t user_end = rest.find(" - ");
    std::string_view who = rest.substr(0, user_end);
    std::string_view text =
        user_end == std::string_view::npos ? std::string_view{} : trim(rest.substr(user_end + 3));
    if (const std::size_t ivs = who.find("::"); ivs != std::string_view::npos) {
      set_vendor(out, kIvs, who.substr(0, ivs));
      who.remove_prefix(ivs + 2);
    }
    const std::size_t paren = who.find('(');
    c.user = trim(who.substr(0, paren));
    std::size_t pos = 0;
    if (paren != std::string_view::npos) {
      const std::size_t close = who.find(')', paren);
      if (close != std::string_view::npos) {
        c.group = who.substr(paren + 1, close - paren - 1);
        pos = close + 1;
      }
    }
    std::size_t after = 0;
    if (std::optional<std::string_view> roles = between(who, pos, '[', ']', &after)) {
      set_vendor(out, kRoles, *roles);
      if (std::optional<std::string_view> sid = between(who, after, '[', ']')) {
        c.session_id = *sid;
      }
    }
    set_vendor(out, kUserF, c.user);
    set_vendor(out, kRealm, c.group);
    set_vendor(out, kMsg, text);
    std::string_view text_session;
    read_text(text, false, c, text_session);
    if (c.session_id.empty()) c.session_id = text_session;
    set_vendor(out, kSession, c.session_id);
    return Status();
  }

  Status decode_welf(std::string_view welf, const decode::RecordContext& ctx, event::Event& out,
                     CommonValues& c) {
    std::string_view time, msg, fw, sent, rcvd, duration;
    KeyValueScanner scan(welf);
    KeyValue kv;
    while (scan.next(kv)) {
      const std::string_view v = kv.escaped ? unescape_into(out, kv.value) : kv.value;
      set_named(out, kv.key, v);
      const std::string_view k = kv.key;
      if (k == "time")
        time = v;
      else if (k == "msg")
        msg = v;
      else if (k == "fw")
        fw = v;
      else if (k == "vpn")
        c.gateway = v;
      else if (k == "user")
        c.user = v;
      else if (k == "realm")
        c.group = v;
      else if (k == "sessionID")
        c.session_id = v;
      else if (k == "src")
        c.source_ip = v;
      else if (k == "sent")
        sent = v;
      else if (k == "rcvd")
        rcvd = v;
      else if (k == "duration")
        duration = v;
    }
    if (scan.error()) {
      return Status::error(std::string(kRejectQuote), "quoted value never closed (byte " +
                                                          std::to_string(scan.error_at()) + ")");
    }
    std::optional<std::int64_t> ms;
    if (!time.empty()) {
      ms = parse_local_time(time, zone());
      if (!ms) return Status::error(std::string(kRejectTime), "time is not a time");
    }
    if (!ms) ms = reference_ms(ctx);  // no stamp in the record: when it was received
    if (ms) out.time_ms = *ms;
    if (c.gateway.empty()) c.gateway = fw;
    c.bytes_in = parse_uint(rcvd);  // received by the appliance
    c.bytes_out = parse_uint(sent);
    c.duration_s = parse_uint(duration);

    // msg="AUT23457: text"
    std::string_view text = msg;
    bool has_code = false;
    if (msg.size() > 10 && msg[8] == ':' && msg[0] >= 'A' && msg[0] <= 'Z' &&
        parse_uint(msg.substr(3, 5))) {
      c.message_id = msg.substr(0, 8);
      text = trim(msg.substr(9));
      has_code = true;
    }
    std::string_view text_session;
    read_text(text, has_code, c, text_session);
    if (is_placeholder(c.session_id)) c.session_id = text_session;
    return Status();
  }

  static Status truncated() {
    return Status::error(std::string(kRejectUnrecognised),
                         "standard Pulse body cut before the user part");
  }
};

bool sniff(std::string_view r) {
  const std::string_view head = r.substr(0, 512);
  const std::string_view t = trim(head);
  if (t.empty() || t.front() == '{' || t.front() == '[') return false;
  if (head.find("PulseSecure:") != std::string_view::npos) return true;
  const std::size_t welf = find_welf(r);
  if (welf == std::string_view::npos) return false;
  const std::string_view rest = head.substr(welf);
  return rest.find(" ivs=") != std::string_view::npos ||
         rest.find(" realm=") != std::string_view::npos;
}

}  // namespace

decode::Format pulse_secure_format() {
  decode::Format f;
  f.info = decode::FormatInfo{
      "pulse-secure", "Ivanti / Pulse Connect Secure syslog, standard (RFC 5424) or WELF",
      decode::Logsource{"pulse_secure", "vpn", ""}, with_common_fields(all_fields())};
  f.sniff = sniff;
  f.make = [](const decode::DecoderSetup& setup) -> std::unique_ptr<decode::Decoder> {
    return std::make_unique<PulseDecoder>(setup);
  };
  return f;
}

}  // namespace vigie::plugins::vpn
