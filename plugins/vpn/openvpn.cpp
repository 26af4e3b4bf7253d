// OpenVPN 2.x community server: its syslog lines ("openvpn[pid]: [user/]ip:port text") and the
// CLIENT_LIST rows of its status file (--status-version 2, comma-separated, or 3, tab-separated).
// OpenVPN writes free text, not message ids: the decoder names the messages it recognises
// (vpn.message_id tls-auth-error, auth-failed, ...; README) from the strings of ssl_verify.c,
// multi.c and the auth-pam plugin.
#include <array>
#include <memory>

#include "formats.h"
#include "vpn_common.h"

namespace vigie::plugins::vpn {
namespace {

enum VendorField : std::size_t {
  kPeer,
  kMessage,
  kCommonName,
  kRealAddress,
  kVirtualAddress,
  kVirtualIpv6,
  kBytesReceived,
  kBytesSent,
  kConnectedSince,
  kConnectedSinceT,
  kUsername,
  kClientId,
  kPeerId,
  kCipher,
  kVendorCount
};
constexpr std::string_view kFields[kVendorCount] = {"openvpn.peer",
                                                    "openvpn.message",
                                                    "openvpn.common_name",
                                                    "openvpn.real_address",
                                                    "openvpn.virtual_address",
                                                    "openvpn.virtual_ipv6_address",
                                                    "openvpn.bytes_received",
                                                    "openvpn.bytes_sent",
                                                    "openvpn.connected_since",
                                                    "openvpn.connected_since_time_t",
                                                    "openvpn.username",
                                                    "openvpn.client_id",
                                                    "openvpn.peer_id",
                                                    "openvpn.cipher"};

// The text after `prefix` up to `quote` (e.g. the user of "... username 'mleroy'").
std::string_view quoted_after(std::string_view text, std::string_view prefix, char quote = '\'') {
  const std::size_t at = text.find(prefix);
  if (at == std::string_view::npos) return {};
  std::string_view rest = text.substr(at + prefix.size());
  const std::size_t end = rest.find(quote);
  return end == std::string_view::npos ? std::string_view{} : rest.substr(0, end);
}

class OpenVpnDecoder : public VpnDecoder {
 public:
  explicit OpenVpnDecoder(const decode::DecoderSetup& setup)
      : VpnDecoder(setup, "openvpn", kFields) {}

 protected:
  Status decode_record(std::string_view record, const decode::RecordContext& ctx, event::Event& out,
                       CommonValues& c) override {
    if (starts_with(record, "CLIENT_LIST,") || starts_with(record, "CLIENT_LIST\t")) {
      return decode_client_list(record, ctx, out, c);
    }
    std::string_view msg = record;
    std::optional<std::int64_t> ms;
    bool has_header = false;
    VIGIE_RETURN_IF_ERROR(parse_header(record, ctx, has_header));
    if (has_header) {
      msg = syslog_.msg;
      c.gateway = syslog_.hostname;
      if (syslog_.has_time()) ms = syslog_.time_ms;
    }
    // OpenVPN's own --log file (2.5+): "2026-03-14 01:01:58 message", local time.
    if (!has_header && record.size() > 20 && record[4] == '-' && record[10] == ' ' &&
        record[13] == ':' && record[19] == ' ') {
      if (std::optional<std::int64_t> t = parse_local_time(record.substr(0, 19), zone())) {
        ms = t;
        msg = record.substr(20);
      }
    }
    if (!ms) ms = reference_ms(ctx);  // no stamp in the record: when it was received
    if (ms) out.time_ms = *ms;
    msg = trim(msg);
    // A status row shipped through syslog (logger -t openvpn-status < CLIENT_LIST rows).
    if (starts_with(msg, "CLIENT_LIST,") || starts_with(msg, "CLIENT_LIST\t")) {
      return decode_client_list(msg, ctx, out, c);
    }
    if (msg.empty()) {
      return Status::error(std::string(kRejectUnrecognised), "syslog header without a message");
    }

    // "[user/]ip:port " prefix of the per-client messages.
    const std::size_t sp = msg.find(' ');
    const std::string_view first = msg.substr(0, sp);
    const std::size_t slash = first.rfind('/');
    std::string_view ip, port;
    if (split_host_port(slash == std::string_view::npos ? first : first.substr(slash + 1), ip,
                        port) &&
        !port.empty()) {
      set_vendor(out, kPeer, first);
      c.source_ip = ip;
      c.source_port = port;
      if (slash != std::string_view::npos) c.user = first.substr(0, slash);
      msg = sp == std::string_view::npos ? std::string_view{} : trim(msg.substr(sp + 1));
    }
    set_vendor(out, kMessage, msg);
    classify(msg, out, c);
    return Status();
  }

 private:
  void classify(std::string_view msg, event::Event& out, CommonValues& c) const {
    auto has = [&](std::string_view s) { return msg.find(s) != std::string_view::npos; };
    if (starts_with(msg, "TLS Auth Error:")) {
      c.action = Action::kAuthFailure;
      c.message_id = "tls-auth-error";
      c.reason = trim(msg.substr(15));
    } else if (starts_with(msg, "SENT CONTROL [") && has("'AUTH_FAILED")) {
      c.action = Action::kAuthFailure;
      c.message_id = "auth-failed";
      if (std::optional<std::string_view> cn = between(msg, 0, '[', ']')) c.user = *cn;
      std::string_view why = quoted_after(msg, "'AUTH_FAILED");
      if (starts_with(why, ",")) c.reason = why.substr(1);
    } else if (starts_with(msg, "AUTH-PAM:") && has("failed to authenticate")) {
      c.action = Action::kAuthFailure;
      c.message_id = "pam-auth-failure";
      c.user = quoted_after(msg, "user '");
      const std::size_t r = msg.find("failed to authenticate:");
      if (r != std::string_view::npos) c.reason = trim(msg.substr(r + 23));
    } else if (starts_with(msg, "VERIFY OK: depth=0")) {
      c.message_id = "verify-ok";
      set_common_name(out, msg, c);
    } else if (starts_with(msg, "VERIFY ERROR:") || starts_with(msg, "VERIFY SCRIPT ERROR:")) {
      c.action = Action::kAuthFailure;
      c.message_id = "verify-error";
      set_common_name(out, msg, c);
      const std::size_t e = msg.find("error=");
      if (e != std::string_view::npos) c.reason = msg.substr(e + 6, msg.find(',', e) - e - 6);
    } else if (starts_with(msg, "TLS: Username/Password authentication succeeded")) {
      c.action = Action::kAuthSuccess;
      c.message_id = "auth-succeeded";
      c.user = quoted_after(msg, "username '");
    } else if (starts_with(msg, "TLS: Username/Password authentication deferred")) {
      c.message_id = "auth-deferred";
      c.user = quoted_after(msg, "username '");
    } else if (has("Peer Connection Initiated with ")) {
      c.action = Action::kSessionStart;
      c.message_id = "peer-connection-initiated";
      if (starts_with(msg, "[")) {
        if (std::optional<std::string_view> u = between(msg, 0, '[', ']')) c.user = *u;
      }
      if (c.source_ip.empty()) {
        std::string_view with = msg.substr(msg.find("Initiated with ") + 15);
        std::string_view ip, port;
        if (split_host_port(trim(with), ip, port)) {
          c.source_ip = ip;
          c.source_port = port;
        }
      }
    } else if (starts_with(msg, "MULTI_sva: pool returned IPv4=")) {
      c.action = Action::kSessionStart;
      c.message_id = "pool-assigned";
      std::string_view v4 = msg.substr(30);
      c.assigned_ip = v4.substr(0, v4.find(','));
    } else if (starts_with(msg, "MULTI: Learn: ")) {
      c.message_id = "learn";
      std::string_view a = msg.substr(14);
      a = a.substr(0, a.find(' '));
      if (looks_like_ip(a)) c.assigned_ip = a;
    } else if (has("client-instance exiting") || has("client-instance restarting")) {
      c.action = Action::kSessionEnd;
      c.message_id = has("exiting") ? "client-instance-exiting" : "client-instance-restarting";
      // "SIGTERM[soft,remote-exit] received": the reason after the comma.
      if (std::optional<std::string_view> b = between(msg, 0, '[', ']')) {
        const std::size_t comma = b->find(',');
        c.reason = comma == std::string_view::npos ? *b : b->substr(comma + 1);
      }
    } else if (starts_with(msg, "Inactivity timeout")) {
      c.action = Action::kSessionEnd;
      c.message_id = "inactivity-timeout";
      c.reason = "inactivity-timeout";
    }
  }

  void set_common_name(event::Event& out, std::string_view msg, CommonValues& c) const {
    const std::size_t cn = msg.find("CN=");
    if (cn == std::string_view::npos) return;
    std::string_view v = msg.substr(cn + 3);
    v = v.substr(0, v.find_first_of(",/"));
    set_vendor(out, kCommonName, v);
    if (c.user.empty()) c.user = v;
  }

  // CLIENT_LIST,cn,real,virt[,virt6],recv,sent,since,since_t,username[,client_id,peer_id
  // [,cipher]]: 9 columns (2.3), 12 (2.4), 13 (2.5+).
  Status decode_client_list(std::string_view record, const decode::RecordContext& ctx,
                            event::Event& out, CommonValues& c) {
    const char sep = record[11];
    std::array<std::string_view, 16> col;
    std::size_t n = 0;
    std::size_t i = 0;
    while (true) {
      const std::size_t end = record.find(sep, i);
      const std::string_view v =
          record.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
      if (n < col.size()) col[n] = v;
      ++n;
      if (end == std::string_view::npos) break;
      i = end + 1;
    }
    if (n != 9 && n != 12 && n < 13) {
      return Status::error(std::string(kRejectColumns),
                           std::to_string(n) + " columns; CLIENT_LIST rows have 9, 12 or 13+");
    }
    const bool v6 = n >= 12;
    const std::size_t off = v6 ? 1 : 0;  // columns after the IPv6 one shift by one
    static constexpr std::array<VendorField, 13> kLayout = {
        kVendorCount,   kCommonName, kRealAddress,    kVirtualAddress,  kVirtualIpv6,
        kBytesReceived, kBytesSent,  kConnectedSince, kConnectedSinceT, kUsername,
        kClientId,      kPeerId,     kCipher};
    for (std::size_t k = 1; k < std::min<std::size_t>(n, 13); ++k) {
      const std::size_t field = v6 || k < 4 ? k : k + 1;
      set_vendor(out, kLayout[field], col[k]);
    }
    c.message_id = "client-list";
    c.user = is_placeholder(col[8 + off]) ? col[1] : col[8 + off];
    std::string_view ip, port;
    if (split_host_port(col[2], ip, port)) {
      c.source_ip = ip;
      c.source_port = port;
    }
    c.assigned_ip = col[3];
    c.bytes_in = parse_uint(col[4 + off]);  // "Bytes Received" by the server
    c.bytes_out = parse_uint(col[5 + off]);
    // A status row is a snapshot: its time is when it was read.
    const std::int64_t now = reference_ms(ctx);
    out.time_ms = now;
    if (std::optional<std::int64_t> since = parse_uint(col[7 + off]);
        since && now / 1000 >= *since) {
      c.duration_s = now / 1000 - *since;
    }
    return Status();
  }
};

// "openvpn" (or "ovpn") starting a syslog tag ("openvpn[2231]:", "openvpn:", "ovpn-server1:").
bool has_openvpn_tag(std::string_view head) {
  for (std::string_view name : {"openvpn", "ovpn-", "ovpn["}) {
    for (std::size_t at = head.find(name); at != std::string_view::npos;
         at = head.find(name, at + 1)) {
      if (at != 0 && head[at - 1] != ' ') continue;
      const std::size_t colon = head.find(':', at);
      const std::size_t blank = head.find(' ', at);
      if (colon != std::string_view::npos && colon < blank && colon - at <= 48) return true;
    }
  }
  return false;
}

bool sniff(std::string_view r) {
  if (starts_with(r, "CLIENT_LIST,") || starts_with(r, "CLIENT_LIST\t")) return true;
  const std::string_view head = r.substr(0, 128);
  const std::string_view t = trim(head);
  if (t.empty() || t.front() == '{' || t.front() == '[') return false;
  return has_openvpn_tag(head);
}

}  // namespace

decode::Format openvpn_format() {
  decode::Format f;
  f.info = decode::FormatInfo{"openvpn",
                              "OpenVPN 2.x server syslog lines and status-file CLIENT_LIST rows",
                              decode::Logsource{"openvpn", "vpn", ""}, with_common_fields(kFields)};
  f.sniff = sniff;
  f.make = [](const decode::DecoderSetup& setup) -> std::unique_ptr<decode::Decoder> {
    return std::make_unique<OpenVpnDecoder>(setup);
  };
  return f;
}

}  // namespace vigie::plugins::vpn
