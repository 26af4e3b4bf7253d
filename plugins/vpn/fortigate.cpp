// FortiGate (FortiOS 6.x/7.x) syslog in the default key=value format, with or without a syslog
// header: every pair becomes a field named by its key (SigmaHQ's fortigate rules use those
// names: action, cfgpath, logid, ...), and the VPN, admin-login and authentication log ids give
// the common vpn fields.
#include <cstring>
#include <memory>

#include "common/timestamp.h"
#include "formats.h"
#include "vpn_common.h"

namespace vigie::plugins::vpn {
namespace {

// The keys FortiOS writes in the vpn, system and user event logs (any other key is kept too,
// under its own name).
constexpr std::string_view kKeys[] = {
    "logver",    "timestamp",  "date",     "time",      "devname",    "devid",    "eventtime",
    "tz",        "logid",      "type",     "subtype",   "level",      "vd",       "logdesc",
    "action",    "tunneltype", "tunnelid", "remip",     "tunnelip",   "user",     "group",
    "dst_host",  "reason",     "msg",      "duration",  "sentbyte",   "rcvdbyte", "srcip",
    "dstip",     "ui",         "method",   "status",    "sn",         "profile",  "cfgtid",
    "cfgpath",   "cfgobj",     "cfgattr",  "xauthuser", "xauthgroup", "assignip", "vpntunnel",
    "authproto", "policyid",   "srcport",  "dstport",   "locip",      "remport",  "locport",
    "outintf",   "init",       "mode",     "stage",     "dir",        "result",   "error_num"};

constexpr std::size_t key(std::string_view k) { return key_position(kKeys, k); }

class FortigateDecoder : public VpnDecoder {
 public:
  explicit FortigateDecoder(const decode::DecoderSetup& setup)
      : VpnDecoder(setup, "fortigate", kKeys), keys_(kKeys) {}

 protected:
  Status decode_record(std::string_view record, const decode::RecordContext& ctx, event::Event& out,
                       CommonValues& c) override {
    std::string_view body = record;
    std::string_view host;
    bool header_time = false;
    bool has_header = false;
    VIGIE_RETURN_IF_ERROR(parse_header(record, ctx, has_header));
    if (has_header) {
      body = syslog_.msg;
      host = syslog_.hostname;
      header_time = syslog_.has_time();
    }

    std::string_view date, time, tz, eventtime, action, status, user, xauthuser, group, xauthgroup,
        remip, srcip, tunnelip, assignip;
    std::size_t pairs = 0;
    KeyValueScanner scan(body);
    KeyValue kv;
    while (scan.next(kv)) {
      ++pairs;
      std::string_view v = kv.escaped ? unescape_into(out, kv.value) : kv.value;
      const std::size_t i = keys_.find(kv.key);
      if (i == KeyIndex::kNone) {  // a key this decoder does not know: kept under its name
        set_named(out, kv.key, v);
        continue;
      }
      set_vendor_value(out, i, v);
      switch (i) {
        case key("date"):
          date = v;
          break;
        case key("time"):
          time = v;
          break;
        case key("tz"):
          tz = v;
          break;
        case key("eventtime"):
          eventtime = v;
          break;
        case key("logid"):
          c.message_id = v;
          break;
        case key("action"):
          action = v;
          break;
        case key("status"):
          status = v;
          break;
        case key("user"):
          user = v;
          break;
        case key("xauthuser"):
          xauthuser = v;
          break;
        case key("group"):
          group = v;
          break;
        case key("xauthgroup"):
          xauthgroup = v;
          break;
        case key("remip"):
          remip = v;
          break;
        case key("srcip"):
          srcip = v;
          break;
        case key("tunnelip"):
          tunnelip = v;
          break;
        case key("assignip"):
          assignip = v;
          break;
        case key("reason"):
          c.reason = v;
          break;
        case key("devname"):
          c.gateway = v;
          break;
        case key("tunnelid"):
          c.session_id = v == "0" ? std::string_view{} : v;
          break;
        case key("duration"):
          c.duration_s = parse_uint(v);
          break;
        case key("sentbyte"):
          c.bytes_out = parse_uint(v);  // FortiGate -> client
          break;
        case key("rcvdbyte"):
          c.bytes_in = parse_uint(v);  // client -> FortiGate
          break;
        default:
          break;
      }
    }
    if (scan.error()) {
      return Status::error(std::string(kRejectQuote),
                           "quoted value never closed (byte " +
                               std::to_string(body.data() - record.data() + scan.error_at()) + ")");
    }
    if (pairs == 0 || (c.message_id.empty() && (date.empty() || time.empty()))) {
      return Status::error(std::string(kRejectUnrecognised),
                           "no FortiOS key=value log (neither logid nor date and time)");
    }

    // Time: eventtime (epoch s/ms/us/ns), else date + time at tz, else date + time in the
    // configured zone, else the syslog header.
    std::optional<std::int64_t> ms = parse_epoch_ms(eventtime);
    if (!ms && !date.empty() && !time.empty()) {
      char buf[64];
      const std::size_t n = date.size() + 1 + time.size() + tz.size();
      if (n < sizeof buf && !time.empty()) {
        std::memcpy(buf, date.data(), date.size());
        buf[date.size()] = 'T';
        std::memcpy(buf + date.size() + 1, time.data(), time.size());
        if (!tz.empty()) std::memcpy(buf + date.size() + 1 + time.size(), tz.data(), tz.size());
        const std::string_view text(buf, n);
        ms = tz.empty() ? parse_local_time(text, zone()) : parse_timestamp_ms(text);
      }
      if (!ms) return Status::error(std::string(kRejectTime), "date/time/tz is not a time");
    }
    if (!ms && header_time) ms = syslog_.time_ms;
    if (!ms) ms = reference_ms(ctx);  // no stamp in the record: when it was received
    if (ms) out.time_ms = *ms;

    c.user = is_placeholder(user) ? xauthuser : user;
    c.group = is_placeholder(group) ? xauthgroup : group;
    c.source_ip = is_placeholder(remip) ? srcip : remip;
    c.assigned_ip = is_placeholder(tunnelip) ? assignip : tunnelip;
    if (c.gateway.empty()) c.gateway = host;
    c.action = classify(c.message_id, action, status);
    return Status();
  }

 private:
  static Action classify(std::string_view logid, std::string_view action, std::string_view status) {
    if (action == "ssl-login-fail" || logid == "0101039426") return Action::kAuthFailure;
    if (action == "tunnel-up") return Action::kSessionStart;
    if (action == "tunnel-down") return Action::kSessionEnd;
    // Admin logins (0100032001/32002) and user authentication (0102043008/43009/43039).
    if (action == "login" || action == "authentication" || action == "auth-logon") {
      if (status == "failed" || status == "failure") return Action::kAuthFailure;
      if (status == "success" || status == "logon") return Action::kAuthSuccess;
    }
    if (action == "logout" || action == "auth-logout") return Action::kSessionEnd;
    return Action::kOther;
  }

  KeyIndex keys_;
};

// A key (preceded by start, blank or '>') followed by '=' in the first bytes.
bool has_key(std::string_view head, std::string_view key_eq) {
  for (std::size_t at = head.find(key_eq); at != std::string_view::npos;
       at = head.find(key_eq, at + 1)) {
    if (at == 0 || head[at - 1] == ' ' || head[at - 1] == '>') return true;
  }
  return false;
}

bool sniff(std::string_view r) {
  const std::string_view head = r.substr(0, 1024);
  const std::string_view t = trim(head);
  if (t.empty() || t.front() == '{' || t.front() == '[') return false;
  return has_key(head, "logid=") && (has_key(head, "devid=") || has_key(head, "devname="));
}

}  // namespace

decode::Format fortigate_format() {
  decode::Format f;
  f.info = decode::FormatInfo{
      "fortigate", "FortiGate FortiOS 6.x/7.x syslog key=value (SSL-VPN, IPsec, admin, config)",
      decode::Logsource{"fortigate", "vpn", "event"}, with_common_fields(kKeys)};
  f.sniff = sniff;
  f.make = [](const decode::DecoderSetup& setup) -> std::unique_ptr<decode::Decoder> {
    return std::make_unique<FortigateDecoder>(setup);
  };
  return f;
}

}  // namespace vigie::plugins::vpn
