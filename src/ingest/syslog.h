// Syslog headers (RFC 5424, RFC 3164 and its common variants) and stream framing (RFC 6587):
// the part every syslog-borne decoder shares.
//
// Contract:
//   - Parsing never allocates once a SyslogMessage has been warmed up (its two vectors keep their
//     capacity), never throws and never reads outside its input; any byte string gives a message
//     or one SyslogError.
//   - Every string_view in a result points into the input line (or the input buffer, for frames):
//     it is valid as long as that memory is. Structured-data values are given as written, escapes
//     included; sd_param_value() removes them.
//   - Times are UTC milliseconds. A timestamp that carries its offset is taken as written; one
//     without (BSD "Mar 14 01:02:03", ISO without zone) is a local time of the context's zone,
//     converted with zone.h's gap and overlap rules.
//   - Errors are a closed set with stable names (syslog_error_name()): see docs/sources.md,
//     "Syslog framing and time zones", for what each one means.
//
// Accepted RFC 5424 grammar (§6; ABNF there, deviations marked *):
//
//   msg5424   = pri version SP timestamp SP hostname SP app-name SP procid SP msgid SP sd
//               [ SP msg ]
//   pri       = "<" 1*3DIGIT ">"            ; 0..191, no leading zero except "<0>"
//   version   = NONZERO-DIGIT 0*2DIGIT      ; only "1" is supported
//   timestamp = "-" | date "T" time [ offset ]
//               ; parse_timestamp_ms() grammar: * any number of fraction digits (truncated to
//               ; the millisecond), * "t"/"z" accepted, * no offset = local time of the zone
//   hostname  = "-" | 1*255PRINTUSASCII     ; likewise app-name 1*48, procid 1*128, msgid 1*32
//   sd        = "-" | 1*sd-element
//   sd-element= "[" sd-name *( SP sd-name "=" DQUOTE value DQUOTE ) "]"
//   sd-name   = 1*32( PRINTUSASCII except "=" SP "]" DQUOTE )
//   value     = *( escape | any octet except DQUOTE and "\" )
//               ; escape = "\" ( DQUOTE | "\" | "]" ); a "\" before anything else is a literal
//               ; backslash (§6.3.3); * an unescaped "]" is accepted inside the quotes
//   msg       = [ BOM ] *OCTET              ; after a BOM the rest must be valid UTF-8
//   ; * the same SD-ID twice is kept twice (find_sd_element() returns the first)
//
// Accepted RFC 3164 / BSD grammar (informational RFC: what devices really send):
//
//   msg3164   = [ pri ] [ stamp [ SP [ host [ SP ] ] ] ] content
//   stamp     = bsd-stamp | iso-stamp
//   bsd-stamp = month SP ( SP DIGIT | 1*2DIGIT ) SP [ 4DIGIT SP ] hh ":" mm ":" ss [ "." 1*9DIGIT ]
//               ; month = "Jan" .. "Dec"; followed by SP, ":" or the end of the line; without
//               ; a year, the year is inferred (below)
//   iso-stamp = 4DIGIT "-" 2DIGIT "-" 2DIGIT ( "T" | "t" ) *( not SP )
//               ; parse_timestamp_ms() grammar; no offset = local time of the zone
//   host      = 1*255PRINTUSASCII           ; absent when the token after the stamp is a tag
//                                           ; (ends with ":"), as in /dev/log messages
//   content   = ":" [ SP ] msg                        ; Cisco ": %ASA-...": no tag
//             | tag [ "[" pid "]" ] ":" [ SP ] msg     ; "sshd[42]: ...", "LEEF:1.0|..."
//             | msg                                    ; no "tag:" prefix: all message
//   tag       = 1*48( PRINTUSASCII except ":" "[" "]" )
//   pid       = 1*128( PRINTUSASCII except "]" )
//
// A line with a PRI but no recognisable stamp is all content (RFC 3164 §4.3.2: FortiGate's
// "<185>date=... time=..."). A year-less BSD stamp takes, among the next, the current and the
// previous year of the reference time (read in the zone), the latest that does not put it more
// than a day after the reference time (a log is not written in the future; the day absorbs a
// sender whose clock is ahead): "Dec 31 23:59:59" received at 2025-01-01T00:00:05 is 2024,
// "Jan 1 00:00:01" received at 2024-12-31T23:59:58 is 2025, "Mar 14" received in December is
// that year's March.
//
// Thread safety: the functions are pure; a SyslogMessage or FrameSplitter is used by one thread
// at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/zone.h"

namespace vigie::ingest {

enum class SyslogFormat : std::uint8_t { kNone, kRfc3164, kRfc5424 };

// "none", "rfc3164", "rfc5424".
std::string_view syslog_format_name(SyslogFormat format);

// Which header a line carries, from its first bytes only (no validation): kRfc5424 for
// "<PRI>VERSION SP", kRfc3164 for any other valid "<PRI>" or for a line that starts with a BSD or
// ISO stamp, kNone otherwise (no PRI and no stamp: not syslog, or syslog whose header was
// stripped). O(1): looks at most at the first 16 bytes.
SyslogFormat sniff_syslog(std::string_view line);

// Every malformed case, with its stable name (syslog_error_name()).
enum class SyslogError : std::uint8_t {
  kOk,                  // "ok"
  kEmpty,               // "syslog-empty": empty line
  kNotSyslog,           // "syslog-not-syslog": parse_syslog() on a line sniff_syslog() calls kNone
  kBadPri,              // "syslog-bad-pri": "<" without a valid "<0>".."<191>"
  kBadVersion,          // "syslog-bad-version": RFC 5424 VERSION missing or not a number
  kUnsupportedVersion,  // "syslog-unsupported-version": a VERSION other than 1
  kTruncatedHeader,     // "syslog-truncated-header": the line ends inside the RFC 5424 header
  kBadTimestamp,        // "syslog-bad-timestamp": a stamp with out-of-range or unreadable values
  kBadHostname,         // "syslog-bad-hostname": empty, over 255 octets or not printable ASCII
  kBadAppName,          // "syslog-bad-app-name": empty, over 48 octets or not printable ASCII
  kBadProcId,           // "syslog-bad-procid": empty, over 128 octets or not printable ASCII
  kBadMsgId,            // "syslog-bad-msgid": empty, over 32 octets or not printable ASCII
  kBadStructuredData,   // "syslog-bad-structured-data": neither "-" nor "[", or no SP after it
  kBadSdId,             // "syslog-bad-sd-id": SD-ID empty, over 32 octets or a forbidden octet
  kBadSdParam,          // "syslog-bad-sd-param": bad PARAM-NAME, no "=" or no opening quote
  kUnterminatedSd,      // "syslog-unterminated-sd": the line ends inside an SD-ELEMENT
  kSdTooLarge,          // "syslog-sd-too-large": over kMaxSdElements or kMaxSdParams
  kBadUtf8,             // "syslog-bad-utf8": MSG starts with a BOM but is not valid UTF-8
  kFrameBadLength,      // "syslog-frame-bad-length": octet count not a number, 0 or leading 0
  kFrameTooLarge,       // "syslog-frame-too-large": a frame over FrameOptions::max_frame_bytes
  kFrameTruncated,      // "syslog-frame-truncated": the stream ends inside an octet-counted frame
};
inline constexpr int kSyslogErrorCount = static_cast<int>(SyslogError::kFrameTruncated) + 1;

std::string_view syslog_error_name(SyslogError error);

// Bounds on structured data, so that one line cannot make a message grow without limit.
inline constexpr std::size_t kMaxSdElements = 64;
inline constexpr std::size_t kMaxSdParams = 512;

struct SdParam {
  std::string_view name;
  std::string_view value;  // between the quotes, escapes kept: see sd_param_value()
};

struct SdElement {
  std::string_view id;
  std::uint32_t first_param = 0;  // index into SyslogMessage::sd_params
  std::uint32_t param_count = 0;
};

// Where time_ms came from.
enum class TimeSource : std::uint8_t {
  kNone,               // no timestamp (NILVALUE, or a 3164 line without stamp): use receive time
  kOffset,             // the stamp carried its UTC offset
  kLocal,              // local time of the context's zone (year written)
  kLocalYearInferred,  // local time of the zone, year inferred from the reference time
};

// How to read timestamps written without offset.
struct SyslogTimeContext {
  const Zone* zone = nullptr;     // nullptr: UTC
  std::int64_t reference_ms = 0;  // receive time (UTC ms): gives the year of year-less stamps
};

// One parsed header. Reuse one per thread: parse_*() reset it first and keep vector capacity.
struct SyslogMessage {
  SyslogFormat format = SyslogFormat::kNone;
  int pri = -1;                // 0..191, -1 when absent (3164 without PRI)
  int version = 0;             // 1 for RFC 5424, 0 for RFC 3164
  std::string_view timestamp;  // as written; empty when absent or "-"
  std::int64_t time_ms = 0;    // UTC; meaningful when time_source != kNone
  TimeSource time_source = TimeSource::kNone;
  LocalTimeKind local_time_kind = LocalTimeKind::kUnique;  // for kLocal*: gap/overlap applied
  // Empty when absent or "-". For RFC 3164, app_name is the TAG and procid its "[pid]".
  std::string_view hostname, app_name, procid, msgid;
  std::string_view structured_data;  // RFC 5424 as written ("" for "-")
  std::vector<SdElement> sd_elements;
  std::vector<SdParam> sd_params;
  // RFC 3164: everything after the host (tag included), for decoders that split it themselves
  // (LEEF, CSV); RFC 5424: the same as msg.
  std::string_view content;
  std::string_view msg;  // the BOM, when there was one, is not part of it
  bool msg_has_bom = false;
  std::size_t error_at = 0;  // on error: byte offset in the line where reading stopped

  int facility() const { return pri < 0 ? -1 : pri >> 3; }
  int severity() const { return pri < 0 ? -1 : pri & 7; }
  bool has_time() const { return time_source != TimeSource::kNone; }
  std::span<const SdParam> params(const SdElement& element) const {
    return std::span<const SdParam>(sd_params).subspan(element.first_param, element.param_count);
  }
  // First element with this SD-ID, or nullptr.
  const SdElement* find_sd_element(std::string_view id) const;
  // Forgets every field; keeps the vectors' capacity.
  void clear();
};

// Sniffs and parses as RFC 5424 or RFC 3164; kNotSyslog when sniff_syslog() says kNone, kEmpty
// for an empty line. On error `out` is cleared except for error_at.
[[nodiscard]] SyslogError parse_syslog(std::string_view line, const SyslogTimeContext& context,
                                       SyslogMessage& out);
[[nodiscard]] SyslogError parse_rfc5424(std::string_view line, const SyslogTimeContext& context,
                                        SyslogMessage& out);
// Lenient by design: any non-empty line without "<" is accepted (all content when nothing else
// is recognised). Errors only for a broken PRI, an impossible stamp or an unprintable host.
[[nodiscard]] SyslogError parse_rfc3164(std::string_view line, const SyslogTimeContext& context,
                                        SyslogMessage& out);

// The HOSTNAME of a syslog record (RFC 5424 or RFC 3164): "" when the record is not syslog, names
// no host ("-") or has a broken header. For routing a record to its establishment before it is
// decoded (the establishment decides the zone and the pseudonymisation key). A view into `record`;
// `scratch` is reused between calls.
std::string_view syslog_hostname(std::string_view record, SyslogMessage& scratch);

// The value of an SD-PARAM with its escapes removed (RFC 5424 §6.3.3): `raw` itself when it holds
// no backslash (no copy), else the unescaped text written into `scratch`.
std::string_view sd_param_value(std::string_view raw, std::string& scratch);

// ---- Framing over a byte stream (RFC 6587) ------------------------------------------------------

enum class Framing : std::uint8_t {
  kAuto,            // per frame: a valid MSG-LEN and SP ("[1-9][0-9]{0,9} ") starts an
                    // octet-counted frame, anything else is a line (so "0 x" or an ISO stamp too)
  kOctetCounting,   // RFC 6587 §3.4.1: MSG-LEN SP SYSLOG-MSG
  kNonTransparent,  // RFC 6587 §3.4.2: frames end with LF (a CR before it is dropped)
};

struct FrameOptions {
  Framing framing = Framing::kAuto;
  std::size_t max_frame_bytes = 1 << 20;  // largest SYSLOG-MSG accepted (issue 4: 1 MiB); >= 1
};

// Cuts a byte stream into syslog messages without copying them. The caller owns the buffer: it
// passes the bytes received and not yet consumed, drops step.consumed bytes from their front after
// each call, and appends newly received bytes behind the rest. A buffer of max_frame_bytes + 16
// bytes always suffices: kNeedMore is never returned with more than that left unconsumed.
//
//   for (;;) {
//     Step s = splitter.next(pending);          // finish(pending) once the stream has ended
//     pending.remove_prefix(s.consumed);
//     if (s.outcome == kFrame) decode(s.frame);
//     else if (s.outcome == kError) count_reject(s.error);
//     else break;                                // kNeedMore: read more; kEnd: done
//   }
//
// Blank lines and stray CR/LF between frames carry nothing and are skipped. A frame over the limit
// is reported once (kFrameTooLarge) and its bytes are discarded as they arrive, so the stream stays
// in step. A bad octet count cannot be resynchronised exactly: after kFrameBadLength the splitter
// discards up to the next LF (the caller may prefer to close the connection).
class FrameSplitter {
 public:
  enum class Outcome : std::uint8_t {
    kFrame,     // `frame` is the next message
    kError,     // `error` says why; call again for what follows
    kNeedMore,  // next(): the input holds no complete frame (what it holds is kept unconsumed)
    kEnd,       // finish(): nothing left
  };
  struct Step {
    Outcome outcome = Outcome::kNeedMore;
    std::string_view frame;  // view into the input: no octet count, no LF/CRLF trailer
    SyslogError error = SyslogError::kOk;
    std::size_t consumed = 0;  // bytes of the input to drop before the next call
  };

  explicit FrameSplitter(FrameOptions options = {});

  // The next frame of a stream that goes on.
  Step next(std::string_view input);
  // The next frame once the stream has ended: a last line without LF is a frame, an incomplete
  // octet-counted frame is kFrameTruncated; kEnd when nothing is left.
  Step finish(std::string_view input);
  // Forgets any discarding in progress (a new connection).
  void reset();

 private:
  Step step(std::string_view input, bool at_end);
  Step line_frame(std::string_view input, bool at_end);

  FrameOptions options_;
  std::uint64_t skip_bytes_ = 0;  // rest of an oversized octet-counted frame to discard
  bool skip_to_lf_ = false;       // discarding an oversized line or after a bad octet count
};

}  // namespace vigie::ingest
