// Palo Alto Networks PAN-OS GlobalProtect logs (type GLOBALPROTECT): the syslog CSV whose column
// order PAN-OS documents ("GlobalProtect Log Fields"), in its 9.1 (36 columns), 10.0 (42), 10.1+
// (49) and 11.x (50, Cluster Name) lengths, and a LEEF rendering (LEEF:1.0 or 2.0, keys as the
// admin's custom format names them). CSV columns become fields under PAN-OS's own variable names
// ($eventid -> eventid, $srcuser -> srcuser, ...); LEEF attributes keep their keys.
#include <array>
#include <cstring>
#include <memory>

#include "common/timestamp.h"
#include "common/utf8.h"
#include "formats.h"
#include "vpn_common.h"

namespace vigie::plugins::vpn {
namespace {

// CSV columns by position (PAN-OS variable names; "" = FUTURE_USE, not a field).
constexpr std::array<std::string_view, 50> kColumns = {"",
                                                       "receive_time",
                                                       "serial",
                                                       "type",
                                                       "subtype",
                                                       "",
                                                       "time_generated",
                                                       "vsys",
                                                       "eventid",
                                                       "stage",
                                                       "auth_method",
                                                       "tunnel_type",
                                                       "srcuser",
                                                       "srcregion",
                                                       "machinename",
                                                       "public_ip",
                                                       "public_ipv6",
                                                       "private_ip",
                                                       "private_ipv6",
                                                       "hostid",
                                                       "serialnumber",
                                                       "client_ver",
                                                       "client_os",
                                                       "client_os_ver",
                                                       "repeatcnt",
                                                       "reason",
                                                       "error",
                                                       "opaque",
                                                       "status",
                                                       "location",
                                                       "login_duration",
                                                       "connect_method",
                                                       "error_code",
                                                       "portal",
                                                       "seqno",
                                                       "actionflags",
                                                       "high_res_timestamp",
                                                       "selection_type",
                                                       "response_time",
                                                       "priority",
                                                       "attempted_gateways",
                                                       "gateway",
                                                       "dg_hier_level_1",
                                                       "dg_hier_level_2",
                                                       "dg_hier_level_3",
                                                       "dg_hier_level_4",
                                                       "vsys_name",
                                                       "device_name",
                                                       "vsys_id",
                                                       "cluster_name"};
enum Column : std::size_t {
  kReceiveTime = 1,
  kType = 3,
  kTimeGenerated = 6,
  kEventId = 8,
  kSrcUser = 12,
  kPublicIp = 15,
  kPublicIpv6 = 16,
  kPrivateIp = 17,
  kPrivateIpv6 = 18,
  kReason = 25,
  kError = 26,
  kStatus = 28,
  kLoginDuration = 30,
  kHighResTimestamp = 36,
  kDeviceName = 47,
};
constexpr std::size_t kMaxColumns = 64;

// The documented lengths; longer rows (a later release appending columns) are read as the
// longest one.
bool known_column_count(std::size_t n) { return n == 36 || n == 42 || n == 49 || n >= 50; }

// The vendor field list: the CSV names, then the LEEF keys the sample format uses.
std::vector<std::string_view> vendor_fields() {
  std::vector<std::string_view> f;
  for (std::string_view c : kColumns) {
    if (!c.empty()) f.push_back(c);
  }
  return f;
}

// Field indexes into vendor_fields() for a CSV column (FUTURE_USE columns have none).
constexpr std::array<int, 50> kFieldIndex = [] {
  std::array<int, 50> idx{};
  int next = 0;
  for (std::size_t i = 0; i < kColumns.size(); ++i) idx[i] = kColumns[i].empty() ? -1 : next++;
  return idx;
}();

Action classify(std::string_view eventid, std::string_view status) {
  const bool auth = eventid == "portal-auth" || eventid == "gateway-auth";
  if (status == "failure") return auth ? Action::kAuthFailure : Action::kOther;
  if (status != "success") return Action::kOther;
  if (auth) return Action::kAuthSuccess;
  if (eventid == "gateway-setup-ipsec" || eventid == "gateway-setup-ssl" ||
      eventid == "gateway-connected") {
    return Action::kSessionStart;
  }
  if (eventid == "gateway-logout" || eventid == "portal-logout") return Action::kSessionEnd;
  return Action::kOther;
}

// A time that is not the 1970 placeholder some releases write in high_res_timestamp.
bool plausible(std::int64_t ms) { return ms >= 946684800000; /* 2000-01-01 */ }

// "Mar 14 2026 00:10:02 GMT" (LEEF's default devTimeFormat "MMM dd yyyy HH:mm:ss z"); a zone
// other than GMT/UTC/Z, or none, is the configured zone.
std::optional<std::int64_t> parse_leef_time(std::string_view t, const ingest::Zone& zone) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  t = trim(t);
  if (t.size() < 20) return parse_local_time(t, zone);
  int month = 0;
  for (int i = 0; i < 12; ++i) {
    if (t.substr(0, 3) == kMonths[i]) month = i + 1;
  }
  if (month == 0 || t[3] != ' ' || t[6] != ' ' || t[11] != ' ') return parse_local_time(t, zone);
  char buf[20];  // YYYY-MM-DDThh:mm:ss
  std::memcpy(buf, t.data() + 7, 4);
  buf[4] = '-';
  buf[5] = static_cast<char>('0' + month / 10);
  buf[6] = static_cast<char>('0' + month % 10);
  buf[7] = '-';
  buf[8] = t[4] == ' ' ? '0' : t[4];
  buf[9] = t[5];
  buf[10] = 'T';
  std::memcpy(buf + 11, t.data() + 12, 8);
  const std::string_view iso(buf, 19);
  const std::string_view zone_name = trim(t.substr(20));
  if (zone_name == "GMT" || zone_name == "UTC" || zone_name == "Z") return parse_timestamp_ms(iso);
  return parse_local_time(iso, zone);
}

// Lower-cased key without '_' equals `want` (lower-case, no '_').
bool key_is(std::string_view key, std::string_view want) {
  std::size_t j = 0;
  for (char ch : key) {
    if (ch == '_') continue;
    if (j >= want.size() || utf8::kAsciiLower[static_cast<unsigned char>(ch)] != want[j]) {
      return false;
    }
    ++j;
  }
  return j == want.size();
}

class GlobalProtectDecoder : public VpnDecoder {
 public:
  explicit GlobalProtectDecoder(const decode::DecoderSetup& setup)
      : VpnDecoder(setup, "globalprotect", fields_storage()) {}

 protected:
  Status decode_record(std::string_view record, const decode::RecordContext& ctx, event::Event& out,
                       CommonValues& c) override {
    const std::string_view head = record.substr(0, 512);
    if (const std::size_t leef = head.find("LEEF:"); leef != std::string_view::npos) {
      return decode_leef(record, leef, ctx, out, c);
    }
    const std::size_t type = head.find(",GLOBALPROTECT,");
    if (type == std::string_view::npos) {
      return Status::error(std::string(kRejectUnrecognised),
                           "no GLOBALPROTECT CSV type column nor LEEF header");
    }
    // The CSV starts three commas before the type column, after the syslog header's last blank.
    std::size_t start = type;  // the comma before the type column: the third one back
    for (int commas = 1; commas < 3; ++commas) {
      start = start == 0 ? std::string_view::npos : record.rfind(',', start - 1);
      if (start == std::string_view::npos) {
        return Status::error(std::string(kRejectColumns), "fewer than 4 columns before the type");
      }
    }
    const std::size_t blank = record.find_last_of(" >", start);
    start = blank == std::string_view::npos ? 0 : blank + 1;
    std::string_view csv = record.substr(start);

    // Split: quoted fields ("" inside means one quote), at most kMaxColumns kept.
    std::array<std::string_view, kMaxColumns> col;
    std::size_t n = 0;
    std::size_t i = 0;
    while (true) {
      std::string_view value;
      if (i < csv.size() && csv[i] == '"') {
        std::size_t j = i + 1;
        bool doubled = false;
        while (true) {
          j = csv.find('"', j);
          if (j == std::string_view::npos) {
            return Status::error(std::string(kRejectQuote), "quoted CSV field never closed (byte " +
                                                                std::to_string(start + i) + ")");
          }
          if (j + 1 < csv.size() && csv[j + 1] == '"') {
            doubled = true;
            j += 2;
            continue;
          }
          break;
        }
        value = csv.substr(i + 1, j - i - 1);
        if (doubled) value = undouble(out, value);
        i = j + 1;
        const std::size_t comma = csv.find(',', i);
        i = comma == std::string_view::npos ? csv.size() : comma;
      } else {
        const std::size_t comma = csv.find(',', i);
        const std::size_t end = comma == std::string_view::npos ? csv.size() : comma;
        value = csv.substr(i, end - i);
        i = end;
      }
      if (n < kMaxColumns) col[n] = value;
      ++n;
      if (i >= csv.size()) break;
      ++i;  // the comma
    }
    if (!known_column_count(n)) {
      return Status::error(
          std::string(kRejectColumns),
          std::to_string(n) + " columns; PAN-OS GLOBALPROTECT rows have 36, 42, 49 or 50+");
    }
    if (col[kType] != "GLOBALPROTECT") {
      return Status::error(std::string(kRejectUnrecognised), "type column is not GLOBALPROTECT");
    }
    const std::size_t used = std::min(n, kColumns.size());
    for (std::size_t k = 0; k < used; ++k) {
      if (kFieldIndex[k] >= 0) set_vendor(out, static_cast<std::size_t>(kFieldIndex[k]), col[k]);
    }
    auto column = [&](std::size_t k) { return k < used ? col[k] : std::string_view{}; };

    // Time: the high-resolution stamp (has its offset), else Generated Time, else Receive Time
    // (both device-local), else the receive time of the record.
    std::optional<std::int64_t> ms;
    if (!column(kHighResTimestamp).empty()) {
      ms = parse_local_time(column(kHighResTimestamp), zone());
      if (ms && !plausible(*ms)) ms.reset();
    }
    if (!ms && !column(kTimeGenerated).empty()) {
      ms = parse_local_time(column(kTimeGenerated), zone());
      if (!ms) return Status::error(std::string(kRejectTime), "Generated Time is not a time");
    }
    if (!ms && !column(kReceiveTime).empty()) ms = parse_local_time(column(kReceiveTime), zone());
    if (!ms) ms = reference_ms(ctx);  // no stamp in the record: when it was received
    if (ms) out.time_ms = *ms;

    fill_common(column(kEventId), column(kStatus), column(kSrcUser), column(kPublicIp),
                column(kPublicIpv6), column(kPrivateIp), column(kPrivateIpv6), column(kError),
                column(kReason), column(kLoginDuration), c);
    c.gateway = column(kDeviceName).empty() ? column(2) : column(kDeviceName);
    return Status();
  }

 private:
  static std::span<const std::string_view> fields_storage() {
    static const std::vector<std::string_view> kFields = vendor_fields();
    return kFields;
  }

  static std::string_view undouble(event::Event& e, std::string_view v) {
    char* p = e.arena().allocate(v.size());
    std::size_t n = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
      p[n++] = v[i];
      if (v[i] == '"' && i + 1 < v.size() && v[i + 1] == '"') ++i;
    }
    return {p, n};
  }

  static void fill_common(std::string_view eventid, std::string_view status, std::string_view user,
                          std::string_view public_ip, std::string_view public_ipv6,
                          std::string_view private_ip, std::string_view private_ipv6,
                          std::string_view error, std::string_view reason,
                          std::string_view login_duration, CommonValues& c) {
    auto unset = [](std::string_view ip) { return ip.empty() || ip == "0.0.0.0" || ip == "::"; };
    c.message_id = eventid;
    c.action = classify(eventid, status);
    c.user = user;
    c.source_ip = unset(public_ip) ? public_ipv6 : public_ip;
    c.assigned_ip = unset(private_ip) ? private_ipv6 : private_ip;
    c.reason = error.empty() ? reason : error;
    const std::optional<std::int64_t> d = parse_uint(login_duration);
    if (d && (*d > 0 || c.action == Action::kSessionEnd)) c.duration_s = d;
  }

  // LEEF:1.0|vendor|product|version|eventid|attrs, or LEEF:2.0|...|eventid|delimiter|attrs.
  Status decode_leef(std::string_view record, std::size_t at, const decode::RecordContext& ctx,
                     event::Event& out, CommonValues& c) {
    std::string_view rest = record.substr(at);
    std::array<std::string_view, 6> h;
    std::size_t parts = 0;
    const bool v2 = starts_with(rest, "LEEF:2");
    const std::size_t want = v2 ? 6 : 5;
    while (parts < want) {
      const std::size_t bar = rest.find('|');
      if (bar == std::string_view::npos) {
        return Status::error(std::string(kRejectUnrecognised), "LEEF header has too few fields");
      }
      h[parts++] = rest.substr(0, bar);
      rest.remove_prefix(bar + 1);
    }
    char delim = '\t';
    if (v2) {
      std::string_view d = h[5];
      if (d.size() == 1) {
        delim = d[0];
      } else if (d == "x09" || d == "0x09" || d == "\\t") {
        delim = '\t';
      } else if (d.size() >= 3 && (d[0] == 'x' || starts_with(d, "0x"))) {
        const std::string_view hex = d.substr(d[0] == 'x' ? 1 : 2);
        unsigned v = 0;
        for (char ch : hex) {
          v = v * 16 + static_cast<unsigned>(ch >= 'a'   ? ch - 'a' + 10
                                             : ch >= 'A' ? ch - 'A' + 10
                                                         : ch - '0');
        }
        delim = static_cast<char>(v & 0x7f);
      }
    } else if (rest.find('\t') == std::string_view::npos) {
      delim = '|';  // LEEF 1.0 with the '|' separator PAN-OS custom formats often use
    }
    if (h[1] != "Palo Alto Networks" && ifind(h[1], "palo alto") == std::string_view::npos) {
      return Status::error(std::string(kRejectUnrecognised), "LEEF vendor is not Palo Alto");
    }

    std::string_view eventid, status, user, public_ip, private_ip, error, reason, duration, device,
        serial, devtime, receive_time;
    // Attributes: "key=value" pieces; a piece that is not "key=..." continues the previous
    // value (a value holding the delimiter, as with LEEF 2.0's space delimiter).
    std::string_view key, value;
    auto flush = [&] {
      if (key.empty()) return;
      set_named(out, key, value);
      if (key_is(key, "eventid") || key_is(key, "eventidvalue"))
        eventid = value;
      else if (key_is(key, "status") || key_is(key, "eventstatus"))
        status = value;
      else if (key_is(key, "usrname") || key_is(key, "srcuser") || key_is(key, "sourceusername"))
        user = value;
      else if (key_is(key, "src") || key_is(key, "publicip") || key_is(key, "publicipv4"))
        public_ip = value;
      else if (key_is(key, "privateip") || key_is(key, "privateipv4"))
        private_ip = value;
      else if (key_is(key, "error") || key_is(key, "connectionerror"))
        error = value;
      else if (key_is(key, "reason"))
        reason = value;
      else if (key_is(key, "loginduration"))
        duration = value;
      else if (key_is(key, "devicename"))
        device = value;
      else if (key_is(key, "serialnumber") || key_is(key, "devicesn"))
        serial = value;
      else if (key_is(key, "devtime"))
        devtime = value;
      else if (key_is(key, "receivetime") || key_is(key, "timereceived"))
        receive_time = value;
    };
    std::size_t i = 0;
    while (i <= rest.size()) {
      std::size_t end = rest.find(delim, i);
      if (end == std::string_view::npos) end = rest.size();
      const std::string_view piece = rest.substr(i, end - i);
      const std::size_t eq = piece.find('=');
      bool is_pair = eq != std::string_view::npos && eq > 0;
      for (std::size_t k = 0; is_pair && k < eq; ++k) {
        const char ch = piece[k];
        is_pair = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-';
      }
      if (is_pair) {
        flush();
        key = piece.substr(0, eq);
        value = piece.substr(eq + 1);
      } else if (!key.empty()) {  // continues the value: extend the view over the delimiter
        value = std::string_view(value.data(), piece.data() + piece.size() - value.data());
      }
      i = end + 1;
    }
    flush();
    if (eventid.empty() && !iequals(h[4], "globalprotect")) eventid = h[4];

    std::optional<std::int64_t> ms;
    if (!devtime.empty()) ms = parse_leef_time(devtime, zone());
    if (!ms && !receive_time.empty()) ms = parse_local_time(receive_time, zone());
    if (!ms && !devtime.empty())
      return Status::error(std::string(kRejectTime), "devTime is not a time");
    if (!ms) ms = reference_ms(ctx);  // no stamp in the record: when it was received
    if (ms) out.time_ms = *ms;

    fill_common(eventid, status, user, public_ip, {}, private_ip, {}, error, reason, duration, c);
    c.gateway = device.empty() ? serial : device;
    return Status();
  }
};

bool sniff(std::string_view r) {
  const std::string_view head = r.substr(0, 512);
  const std::string_view t = trim(head);
  if (t.empty() || t.front() == '{' || t.front() == '[') return false;
  if (head.find(",GLOBALPROTECT,") != std::string_view::npos) return true;
  const std::size_t leef = head.find("LEEF:");
  return leef != std::string_view::npos &&
         head.find("|Palo Alto Networks|", leef) != std::string_view::npos &&
         ifind(r.substr(leef, 2048), "globalprotect") != std::string_view::npos;
}

}  // namespace

decode::Format globalprotect_format() {
  std::vector<std::string_view> leef_keys = {
      "ReceiveTime", "SerialNumber", "cat",       "devTime",     "EventID",       "Stage",
      "AuthMethod",  "usrName",      "SrcRegion", "MachineName", "src",           "PrivateIP",
      "ClientVer",   "ClientOS",     "Status",    "Portal",      "ConnectMethod", "DeviceName"};
  std::vector<std::string_view> vendor = vendor_fields();
  vendor.insert(vendor.end(), leef_keys.begin(), leef_keys.end());
  decode::Format f;
  f.info = decode::FormatInfo{
      "globalprotect", "Palo Alto PAN-OS 9.1-11.x GLOBALPROTECT syslog CSV, or LEEF custom format",
      decode::Logsource{"paloalto", "vpn", "globalprotect"}, with_common_fields(vendor)};
  f.sniff = sniff;
  f.make = [](const decode::DecoderSetup& setup) -> std::unique_ptr<decode::Decoder> {
    return std::make_unique<GlobalProtectDecoder>(setup);
  };
  return f;
}

}  // namespace vigie::plugins::vpn
