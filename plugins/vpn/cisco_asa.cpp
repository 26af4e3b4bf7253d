// Cisco ASA (and Firepower Threat Defense, same message catalogue) syslog: "%ASA-<severity>-
// <message id>: <text>" after an optional BSD header (with or without year and device-id). The
// message id and severity are fields; user, group, addresses, reason, duration and bytes are read
// from the texts of the remote-access messages (113xxx AAA, 716xxx WebVPN, 722xxx AnyConnect SVC,
// 751xxx IKEv2) and, for any other id, from the forms those texts share ("Group <g> User <u> IP
// <ip>", "Username = u", "user = u", "IP = ip").
#include <memory>

#include "formats.h"
#include "vpn_common.h"

namespace vigie::plugins::vpn {
namespace {

enum VendorField : std::size_t {
  kSeverity,
  kMsgId,
  kText,
  kGroupF,
  kUserF,
  kIpF,
  kServer,
  kReasonF,
  kSessionType,
  kDurationF,
  kBytesXmt,
  kBytesRcv,
  kIpv4,
  kIpv6,
  kLocal,
  kRemote,
  kVendorCount
};
constexpr std::string_view kFields[kVendorCount] = {
    "asa.severity",     "asa.message_id",   "asa.message",   "asa.group",
    "asa.user",         "asa.ip",           "asa.server",    "asa.reason",
    "asa.session_type", "asa.duration",     "asa.bytes_xmt", "asa.bytes_rcv",
    "asa.ipv4_address", "asa.ipv6_address", "asa.local",     "asa.remote"};

// The text between `label` and the first of the terminators that follows it, trimmed.
std::string_view labelled(std::string_view s, std::string_view label,
                          std::initializer_list<std::string_view> ends) {
  const std::size_t at = s.find(label);
  if (at == std::string_view::npos) return {};
  std::string_view rest = s.substr(at + label.size());
  std::size_t end = rest.size();
  for (std::string_view e : ends) end = std::min(end, rest.find(e));
  return trim(rest.substr(0, end));
}

// "Group <g>"-style value: the text inside the angle brackets after `label`.
std::string_view angled(std::string_view s, std::string_view label) {
  const std::size_t at = s.find(label);
  if (at == std::string_view::npos) return {};
  std::optional<std::string_view> v = between(s, at + label.size() - 1, '<', '>');
  return v ? *v : std::string_view{};
}

// "3h:30m:31s", "1d 2h:03m:04s", "0h:00m:11s" -> seconds.
std::optional<std::int64_t> parse_asa_duration(std::string_view d) {
  std::int64_t total = 0;
  bool any = false;
  std::size_t i = 0;
  while (i < d.size()) {
    std::size_t j = i;
    while (j < d.size() && d[j] >= '0' && d[j] <= '9') ++j;
    if (j == i || j >= d.size()) return std::nullopt;
    std::optional<std::int64_t> n = parse_uint(d.substr(i, j - i));
    if (!n) return std::nullopt;
    switch (d[j]) {
      case 'd':
        total += *n * 86400;
        break;
      case 'h':
        total += *n * 3600;
        break;
      case 'm':
        total += *n * 60;
        break;
      case 's':
        total += *n;
        break;
      default:
        return std::nullopt;
    }
    any = true;
    i = j + 1;
    while (i < d.size() && (d[i] == ':' || d[i] == ' ')) ++i;
  }
  return any ? std::optional<std::int64_t>(total) : std::nullopt;
}

// Where "%ASA-n-nnnnnn:" (or %FTD-) starts in `s`, or npos; sets severity and id.
std::size_t find_tag(std::string_view s, std::string_view& severity, std::string_view& id) {
  for (std::size_t at = 0; (at = s.find('%', at)) != std::string_view::npos; ++at) {
    std::string_view t = s.substr(at);
    if (!starts_with(t, "%ASA-") && !starts_with(t, "%FTD-")) continue;
    if (t.size() < 8 || t[5] < '0' || t[5] > '7' || t[6] != '-') continue;
    std::size_t j = 7;
    while (j < t.size() && t[j] >= '0' && t[j] <= '9') ++j;
    if (j - 7 < 5 || j - 7 > 7 || j >= t.size() || t[j] != ':') continue;
    severity = t.substr(5, 1);
    id = t.substr(7, j - 7);
    return at;
  }
  return std::string_view::npos;
}

class AsaDecoder : public VpnDecoder {
 public:
  explicit AsaDecoder(const decode::DecoderSetup& setup)
      : VpnDecoder(setup, "cisco-asa", kFields) {}

 protected:
  Status decode_record(std::string_view record, const decode::RecordContext& ctx, event::Event& out,
                       CommonValues& c) override {
    std::string_view severity, id;
    const std::size_t tag = find_tag(record, severity, id);
    if (tag == std::string_view::npos) {
      return Status::error(std::string(kRejectUnrecognised), "no %ASA-n-nnnnnn message id");
    }
    // The header before the tag: "<166>Mar 14 2026 01:03:05 ASA-GHT-01 : " (all parts optional).
    std::optional<std::int64_t> ms;
    const std::string_view header = record.substr(0, tag);
    bool has_header = false;
    if (!trim(header).empty()) VIGIE_RETURN_IF_ERROR(parse_header(record, ctx, has_header));
    if (has_header) {
      if (syslog_.has_time()) ms = syslog_.time_ms;
      // The device-id host; a "%ASA" taken for a host (no host, no stamp) is no host.
      if (!starts_with(syslog_.hostname, "%")) c.gateway = syslog_.hostname;
    }
    if (!ms) ms = reference_ms(ctx);  // no stamp in the record: when it was received
    if (ms) out.time_ms = *ms;

    std::string_view text = record.substr(tag);
    text.remove_prefix(text.find(':') + 1);
    text = trim(text);
    set_vendor(out, kSeverity, severity);
    set_vendor(out, kMsgId, id);
    set_vendor(out, kText, text);
    c.message_id = id;

    read_generic(text, c);
    read_specific(id, text, out, c);

    set_vendor(out, kGroupF, c.group);
    set_vendor(out, kUserF, c.user);
    set_vendor(out, kIpF, c.source_ip);
    set_vendor(out, kReasonF, c.reason);
    return Status();
  }

 private:
  // The forms many messages share.
  static void read_generic(std::string_view text, CommonValues& c) {
    c.group = angled(text, "Group <");
    c.user = angled(text, "User <");
    c.source_ip = angled(text, "IP <");
    if (c.group.empty()) c.group = labelled(text, "Group = ", {",", " : "});
    if (c.user.empty()) c.user = labelled(text, "Username = ", {",", " : "});
    if (c.user.empty()) c.user = labelled(text, "user = ", {" : ", ","});
    if (c.source_ip.empty()) c.source_ip = labelled(text, "user IP = ", {" : ", ","});
    if (c.source_ip.empty()) c.source_ip = labelled(text, " IP = ", {",", " : "});
    if (c.source_ip.empty() && starts_with(text, "IP = ")) {
      c.source_ip = labelled(text, "IP = ", {",", " : "});
    }
    if (c.reason.empty()) c.reason = labelled(text, "reason = ", {" : "});
    if (c.reason.empty()) c.reason = labelled(text, "Reason: ", {","});
    if (!c.reason.empty() && c.reason.back() == '.') c.reason.remove_suffix(1);
  }

  void read_specific(std::string_view id, std::string_view text, event::Event& out,
                     CommonValues& c) const {
    const std::optional<std::int64_t> n = parse_uint(id);
    const std::int64_t msg = n ? *n : 0;
    set_vendor(out, kServer, labelled(text, "server = ", {" : "}));
    switch (msg) {
      case 113004:  // AAA user authentication Successful : server = s : user = u
      case 113012:  // AAA user authentication Successful : local database : user = u
        c.action = text.find("authentication") != std::string_view::npos ? Action::kAuthSuccess
                                                                         : Action::kOther;
        break;
      case 113008:  // AAA transaction status ACCEPT : user = u
      case 109005:  // Authentication succeeded for user u from ...
      case 611101:  // User authentication succeeded: IP address: ip, Uname: u
      case 605005:  // Login permitted from ip/port to if:ip/service for user "u"
        c.action = Action::kAuthSuccess;
        break;
      case 113005:  // AAA user authentication Rejected : reason = r : server = s : user = u : ...
      case 113015:  // AAA user authentication Rejected : reason = r : local database : user = u
      case 113006:  // User u locked out on exceeding n successive failed authentication attempts
      case 109006:  // Authentication failed for user u from ...
      case 611102:  // User authentication failed: IP address: ip, Uname: u
      case 605004:  // Login denied from ip/port to if:ip/service for user "u"
        c.action = Action::kAuthFailure;
        break;
      case 716038:  // Group <g> User <u> IP <ip> Authentication: successful, Session Type: WebVPN.
      case 716039:  // Group <g> User <u> IP <ip> Authentication: rejected, Session Type: WebVPN.
        c.action = text.find("Authentication: successful") != std::string_view::npos
                       ? Action::kAuthSuccess
                       : Action::kAuthFailure;
        set_vendor(out, kSessionType, labelled(text, "Session Type: ", {".", ","}));
        break;
      case 113039:  // Group <g> User <u> IP <ip> AnyConnect parent session started.
      case 716001:  // Group <g> User <u> IP <ip> WebVPN session started.
      case 722022:  // Group <g> User <u> IP <ip> TCP SVC connection established ...
        c.action = Action::kSessionStart;
        break;
      case 722051: {  // Group <g> User <u> IP <ip> IPv4 Address <a> IPv6 address <b> assigned ...
        c.action = Action::kSessionStart;
        c.assigned_ip = angled(text, "IPv4 Address <");
        set_vendor(out, kIpv4, c.assigned_ip);
        set_vendor(out, kIpv6, angled(text, "IPv6 address <"));
        break;
      }
      case 751025: {  // Local:a:p Remote:b:q Username:u IKEv2 Group:g IPv4 Address=x IPv6 ...
        c.action = Action::kSessionStart;
        const std::string_view local = labelled(text, "Local:", {" "});
        const std::string_view remote = labelled(text, "Remote:", {" "});
        set_vendor(out, kLocal, local);
        set_vendor(out, kRemote, remote);
        std::string_view ip, port;
        if (split_host_port(remote, ip, port)) {
          c.source_ip = ip;
          c.source_port = port;
        }
        c.user = labelled(text, "Username:", {" "});
        c.group = labelled(text, "Group:", {" "});
        c.assigned_ip = labelled(text, "IPv4 Address=", {" "});
        set_vendor(out, kIpv4, c.assigned_ip);
        set_vendor(out, kIpv6, labelled(text, "IPv6 address=", {" "}));
        break;
      }
      case 113019: {  // Group = g, Username = u, IP = ip, Session disconnected. Session Type: t,
                      // Duration: d, Bytes xmt: n, Bytes rcv: n, Reason: r
        c.action = Action::kSessionEnd;
        set_vendor(out, kSessionType, labelled(text, "Session Type: ", {","}));
        const std::string_view duration = labelled(text, "Duration: ", {","});
        const std::string_view xmt = labelled(text, "Bytes xmt: ", {","});
        const std::string_view rcv = labelled(text, "Bytes rcv: ", {","});
        set_vendor(out, kDurationF, duration);
        set_vendor(out, kBytesXmt, xmt);
        set_vendor(out, kBytesRcv, rcv);
        c.duration_s = parse_asa_duration(duration);
        c.bytes_out = parse_uint(xmt);  // "xmt": sent by the ASA to the client
        c.bytes_in = parse_uint(rcv);
        break;
      }
      case 716002:  // Group <g> User <u> IP <ip> WebVPN session terminated: reason.
        c.action = Action::kSessionEnd;
        c.reason = labelled(text, "terminated: ", {"."});
        break;
      case 722037:  // Group <g> User <u> IP <ip> SVC closing connection: reason.
        c.reason = labelled(text, "closing connection: ", {"."});
        break;
      default:
        break;
    }
    if (msg == 611101 || msg == 611102) {
      c.source_ip = labelled(text, "IP address: ", {","});
      c.user = labelled(text, "Uname: ", {","});
    }
    if (msg == 605004 || msg == 605005) {
      const std::string_view from = labelled(text, " from ", {" "});
      c.source_ip = from.substr(0, from.find('/'));
      if (std::optional<std::string_view> u = between(text, text.find("for user "), '"', '"')) {
        c.user = *u;
      }
    }
    if (msg == 113006) c.user = labelled(text, "User ", {" locked"});
    if (msg == 109005 || msg == 109006) c.user = labelled(text, "for user ", {" from", " "});
  }
};

bool sniff(std::string_view r) {
  std::string_view severity, id;
  const std::string_view head = r.substr(0, 256);
  const std::string_view t = trim(head);
  if (t.empty() || t.front() == '{' || t.front() == '[') return false;
  return find_tag(head, severity, id) != std::string_view::npos;
}

}  // namespace

decode::Format cisco_asa_format() {
  decode::Format f;
  f.info = decode::FormatInfo{
      "cisco-asa", "Cisco ASA / FTD syslog %ASA-n-nnnnnn (AAA, AnyConnect, WebVPN, IKEv2)",
      decode::Logsource{"cisco", "vpn", "asa"}, with_common_fields(kFields)};
  f.sniff = sniff;
  f.make = [](const decode::DecoderSetup& setup) -> std::unique_ptr<decode::Decoder> {
    return std::make_unique<AsaDecoder>(setup);
  };
  return f;
}

}  // namespace vigie::plugins::vpn
