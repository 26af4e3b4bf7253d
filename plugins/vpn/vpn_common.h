// What the five vpn formats share: the common vpn schema (schemas/vpn.schema.json), the checks
// every record goes through before a vendor decoder sees it, and small scanners (key=value,
// CSV, numbers, times) that return views into the record.
//
// Contract of every vpn decoder (plugins/vpn/README.md has the per-vendor mapping):
//   - decode() resets the event, then rejects with one of the codes below or fills the vendor
//     fields and the common fields. A record it does not fully understand (an unknown message id,
//     a message text it has no pattern for) is not rejected: the header and the generic fields
//     are decoded and event.action is "other".
//   - No allocation per record once warmed up: values are views into the record, or copies into
//     the event's arena when they must be unescaped or formatted.
//   - Reject messages name the problem and the byte offset, never a value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/ascii.h"
#include "decode/decoder.h"
#include "decode/fields.h"
#include "ingest/syslog.h"
#include "ingest/zone.h"

namespace vigie::plugins::vpn {

// Reject codes (stable; documented in plugins/vpn/README.md).
inline constexpr std::string_view kRejectOversized = "oversized";   // > max_record_bytes
inline constexpr std::string_view kRejectEmpty = "empty-record";    // nothing but blanks
inline constexpr std::string_view kRejectBinary = "binary-data";    // NUL or C0 control
inline constexpr std::string_view kRejectUtf8 = "invalid-utf8";     // not well-formed UTF-8
inline constexpr std::string_view kRejectSyslog = "syslog-header";  // unreadable header
inline constexpr std::string_view kRejectUnrecognised = "unrecognised-record";  // not this format
inline constexpr std::string_view kRejectQuote = "unterminated-quote";  // truncated in quotes
inline constexpr std::string_view kRejectColumns = "csv-column-count";  // CSV layout unknown
inline constexpr std::string_view kRejectTime = "bad-time";             // unreadable event time

// event.action values.
enum class Action : std::uint8_t { kOther, kAuthFailure, kAuthSuccess, kSessionStart, kSessionEnd };
std::string_view action_name(Action a);

// The common vpn fields, in the order they are written after the vendor fields.
enum CommonField : std::size_t {
  kVendor,      // vpn.vendor: the format name (fortigate, cisco-asa, ...)
  kMessageId,   // vpn.message_id: logid, ASA message id, PAN eventid, Pulse code, OpenVPN kind
  kAction,      // event.action
  kOutcome,     // event.outcome: success / failure, for auth_* actions only
  kUser,        // vpn.user: the user name as the appliance wrote it (placeholders dropped)
  kGroup,       // vpn.group: group, group policy, role or realm the appliance put the user in
  kSourceIp,    // source.ip: the client's public address
  kSourcePort,  // source.port
  kAssignedIp,  // vpn.assigned_ip: the tunnel (pool) address given to the client
  kReason,      // event.reason: failure or disconnect reason as written
  kBytesIn,     // network.bytes_in: bytes the gateway received from the client
  kBytesOut,    // network.bytes_out: bytes the gateway sent to the client
  kDuration,    // vpn.duration_s: session duration, seconds
  kGateway,     // vpn.gateway: the appliance (host or device name)
  kSessionId,   // vpn.session_id
  kCommonCount
};
std::span<const std::string_view> common_field_names();

struct CommonValues {
  std::string_view message_id, user, group, source_ip, source_port, assigned_ip, reason, gateway,
      session_id;
  std::optional<std::int64_t> bytes_in, bytes_out, duration_s;
  Action action = Action::kOther;
};

// A field list: the common fields followed by `vendor`.
std::vector<std::string_view> with_common_fields(std::span<const std::string_view> vendor);

// The base of the five decoders: shared checks, then decode_record(), then the common fields.
class VpnDecoder : public decode::Decoder {
 public:
  VpnDecoder(const decode::DecoderSetup& setup, std::string_view vendor,
             std::span<const std::string_view> vendor_fields);

  Status decode(std::string_view record, const decode::RecordContext& ctx, event::Event& out) final;

 protected:
  // `record` is non-blank, within the size limit, free of control bytes and valid UTF-8, with
  // no trailing CR/LF. Fills the vendor fields of `out`, `out.time_ms` and `c`.
  virtual Status decode_record(std::string_view record, const decode::RecordContext& ctx,
                               event::Event& out, CommonValues& c) = 0;

  // Vendor field `i` (of the list given at construction); an empty value is not set.
  void set_vendor(event::Event& e, std::size_t i, std::string_view value) const {
    if (!value.empty()) vendor_.set_string(e, i, value);
  }
  // Vendor field `i`, even when empty (what the record wrote, as set_named() does).
  void set_vendor_value(event::Event& e, std::size_t i, std::string_view value) const {
    vendor_.set_string(e, i, value);
  }
  // A vendor field named by the record itself (key=value formats).
  void set_named(event::Event& e, std::string_view name, std::string_view value) const {
    vendor_.set_named(e, name, event::Value::string(value));
  }
  bool vendor_wanted(std::size_t i) const { return vendor_.wanted(i); }

  const ingest::Zone& zone() const { return *zone_; }
  // The reference time for year-less stamps: the receive time, else the clock.
  static std::int64_t reference_ms(const decode::RecordContext& ctx);
  ingest::SyslogTimeContext time_context(const decode::RecordContext& ctx) const {
    return ingest::SyslogTimeContext{zone_, reference_ms(ctx)};
  }

  // Parses the syslog header of `line` into syslog_ when the line starts with one (a PRI, or a
  // BSD or ISO stamp); `present` says whether it did. An error is returned as a Status with code
  // kRejectSyslog; a line without header is ok (present = false).
  Status parse_header(std::string_view line, const decode::RecordContext& ctx, bool& present);

  ingest::SyslogMessage syslog_;  // reused from record to record

 private:
  void write_common(event::Event& e, const CommonValues& c) const;

  const event::FieldTable* table_;
  const ingest::Zone* zone_;
  std::size_t max_record_bytes_;
  std::string_view vendor_name_;
  decode::FieldSetter common_;
  decode::FieldSetter vendor_;
};

// ---- Scanning helpers ---------------------------------------------------------------------------

// Blank trimming and ASCII case-insensitive comparison (common/ascii.h).
using ascii::iequals;
using ascii::ifind;
using ascii::trim;
inline bool starts_with(std::string_view s, std::string_view prefix) {
  return s.starts_with(prefix);
}

// A non-negative decimal integer (at most 18 digits), nothing else.
std::optional<std::int64_t> parse_uint(std::string_view s);

// The text between `open` and the next `close` after position `from` (npos-safe): e.g. the
// "x" of "<x>". Sets `end` past the closing byte.
std::optional<std::string_view> between(std::string_view s, std::size_t from, char open, char close,
                                        std::size_t* end = nullptr);

// The value after "label" up to the first of `stops` (or the end), trimmed: the "mleroy" of
// "user = mleroy : user IP = ..." for label "user = " and stops " :,".
std::optional<std::string_view> after_label(std::string_view s, std::string_view label,
                                            std::string_view stops);

// Whether `s` is an IPv4 or IPv6 address as text (dotted quad, or hex groups with ':').
bool looks_like_ip(std::string_view s);

// Placeholders appliances write for "no value": "", "-", "N/A", "n/a", "(null)", "UNDEF".
bool is_placeholder(std::string_view s);

// Splits "ip:port" (IPv4, or "[v6]:port", or v6 whose last ':' group is the port when `ip6_port`
// is set). Returns false when `s` is not an address.
bool split_host_port(std::string_view s, std::string_view& ip, std::string_view& port);

// Times: ISO-like "YYYY-MM-DD hh:mm:ss" or "YYYY/MM/DD hh:mm:ss" (optionally 'T', fraction and
// offset); without an offset the time is a local time of `zone`. nullopt if unreadable.
std::optional<std::int64_t> parse_local_time(std::string_view text, const ingest::Zone& zone);

// An epoch number in seconds, milliseconds, microseconds or nanoseconds (told apart by its
// digit count: 10, 13, 16, 19), as UTC milliseconds.
std::optional<std::int64_t> parse_epoch_ms(std::string_view digits);

// One key=value pair of a FortiGate / WELF record.
struct KeyValue {
  std::string_view key;
  std::string_view value;  // quotes removed; escapes kept when `escaped`
  bool escaped = false;    // the quoted value holds backslash escapes (\" or \\)
};

// Iterates the key=value pairs of `s`. Keys are [A-Za-z0-9_.-]+ followed by '='. A value is
// either double-quoted (backslash escapes \" and \\) or runs to the next " key=" (so that WELF's
// unquoted "ivs=Default Network" keeps its space). Text that is not a pair is skipped.
class KeyValueScanner {
 public:
  explicit KeyValueScanner(std::string_view s) : s_(s) {}
  // False at the end, or on an unterminated quote (then error() is true and error_at() says
  // where).
  bool next(KeyValue& kv);
  bool error() const { return error_; }
  std::size_t error_at() const { return error_at_; }

 private:
  std::size_t key_start(std::size_t from) const;  // start of the next " key=" at/after from
  std::string_view s_;
  std::size_t pos_ = 0;
  bool error_ = false;
  std::size_t error_at_ = 0;
};

// The position of a key among a format's known keys (the vendor fields given to VpnDecoder), for
// key=value lines of dozens of pairs: a probe hashes the key's length and three of its bytes in a
// small table built once, then compares one candidate. Cheaper than FieldTable::find per pair
// (a full hash of the name), and the position selects both the field (set_vendor_value) and
// what the decoder does with the value (a switch on constexpr positions, not a chain of string
// comparisons).
class KeyIndex {
 public:
  static constexpr std::size_t kNone = ~std::size_t{0};
  explicit KeyIndex(std::span<const std::string_view> keys);
  std::size_t find(std::string_view key) const {
    if (key.empty()) return kNone;
    for (std::size_t i = hash(key) & mask_;; i = (i + 1) & mask_) {
      const std::uint16_t slot = slots_[i];
      if (slot == 0) return kNone;
      if (keys_[slot - 1] == key) return slot - 1u;
    }
  }

 private:
  static std::size_t hash(std::string_view k) {
    const auto b = [&](std::size_t i) {
      return static_cast<std::size_t>(static_cast<unsigned char>(k[i]));
    };
    return k.size() * 0x9E37u ^ b(0) * 0x85EBu ^ b(k.size() / 2) * 0xC2B2u ^
           b(k.size() - 1) * 0x27D4u;
  }
  std::span<const std::string_view> keys_;
  std::vector<std::uint16_t> slots_;  // position + 1; 0 when empty; at most a quarter full
  std::size_t mask_ = 0;
};

// The position of `key` in `keys`, at compile time (a switch's case labels).
constexpr std::size_t key_position(std::span<const std::string_view> keys, std::string_view key) {
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return i;
  }
  throw "key_position: not a known key";  // a compile error in a constant expression
}

// Removes backslash escapes (\" and \\; any other backslash is kept) into the event arena.
std::string_view unescape_into(event::Event& e, std::string_view escaped);

// An integer as an event value whose text lives in the event arena.
event::Value int_value(event::Event& e, std::int64_t v);

}  // namespace vigie::plugins::vpn
