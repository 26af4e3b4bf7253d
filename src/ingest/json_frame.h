// Cutting JSON objects out of a byte stream whatever their line breaks: pretty-printed files (one
// record over many lines), `evtx_dump -o json` output (each record after a "Record <n>" line),
// top-level arrays of objects, and concatenated objects (JSON lines too).
//
// What it reads:
//
//   stream    = *( skipped | record | garbage )
//   record    = "{" *( string | "{" | "}" | other ) "}"   ; up to the "}" that brings the brace
//                                                        ; depth back to zero
//   string    = DQUOTE *( "\" byte | byte - DQUOTE ) DQUOTE   ; braces inside do not count
//   skipped   = SP | HTAB | CR | LF | BOM                ; between records
//             | "[" | "," | "]"                          ; a top-level array's punctuation
//             | record-no                                ; evtx_dump's line before each record
//   record-no = "Record" SP 1*20DIGIT [ CR ] ( LF | end of stream )   ; at the start of a line
//                                                        ; (after spaces and tabs)
//   garbage   = any other byte                           ; json-not-a-record, once per run: the
//                                                        ; run goes up to the next line whose
//                                                        ; first byte other than SP and HTAB is "{"
//
// A record is given from its "{" to its "}", as it is: indentation and line ends inside it are
// kept (a JSON parser reads them as whitespace). The splitter only cuts: it does not validate
// JSON (its decoder does), it counts braces outside strings and nothing else. The depth is a
// counter, not a stack: any nesting costs the same (the decoders reject deep JSON).
//
// Contract:
//   - Never throws, never reads outside its input, never copies: a record is a view into the
//     input given to that call.
//   - Errors are a closed set with stable names (json_frame_error_name()); messages built from
//     them must never hold the input (it may carry personal data): the name and where say enough.
//   - The records and errors are the same whatever the cuts between reads (a stream fed byte by
//     byte, in chunks or whole gives the same sequence).
//   - Linear time: each byte of a record is looked at once (the splitter keeps its depth and
//     string state between calls and resumes where it stopped); between records, the at most 28
//     bytes of a "Record <n>" line or 3 of a BOM are looked at again when a read ends inside them.
//
// Thread safety: the free functions are pure; a JsonSplitter is used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vigie::ingest {

// Every problem of a stream, with its stable name (json_frame_error_name()).
enum class JsonFrameError : std::uint8_t {
  kOk,          // "ok"
  kNotARecord,  // "json-not-a-record": bytes between records that are neither skipped (blanks,
                //   BOM, array punctuation, "Record <n>" lines) nor the "{" of a record; reported
                //   once per run, which is skipped up to the next line that starts with "{"
  kTooLarge,    // "json-too-large": a record over JsonSplitOptions::max_record_bytes
  kTruncated,   // "json-truncated": the stream ends inside a record (a brace never closed)
};
inline constexpr int kJsonFrameErrorCount = static_cast<int>(JsonFrameError::kTruncated) + 1;

std::string_view json_frame_error_name(JsonFrameError error);

struct JsonSplitOptions {
  // A record not closed within this many bytes from its "{" is json-too-large: a record is never
  // longer than this.
  std::size_t max_record_bytes = 1 << 20;
};

// Usage, like Hl7Splitter, XmlSplitter and syslog's FrameSplitter: the caller passes the bytes
// received and not yet consumed, drops step.consumed bytes from their front after each call, and
// appends newly received bytes behind the rest (the splitter remembers how far it has looked into
// a pending record, so it must be given the same bytes again, not others).
//
//   for (;;) {
//     Step s = splitter.next(pending);          // finish(pending) once the stream has ended
//     pending.remove_prefix(s.consumed);
//     if (s.outcome == kRecord) decode(s.record);
//     else if (s.outcome == kError) count_reject(s.error);
//     else break;                               // kNeedMore: read more; kEnd: done
//   }
//
// A buffer of max_record_bytes + 32 bytes always suffices: kNeedMore is never returned with more
// than that left unconsumed. A record over the limit is reported once (json-too-large), as soon as
// it is known to be too large, and its bytes are discarded as they arrive, braces still counted,
// up to the "}" that closes it, so the stream stays in step. A record whose braces never balance
// (cut short, or not JSON) takes what follows with it: up to the limit, then to the end of the
// stream; a stream that ends inside a record gives json-truncated.
class JsonSplitter {
 public:
  enum class Outcome : std::uint8_t {
    kRecord,    // `record` is the next object
    kError,     // `error` says why; call again for what follows
    kNeedMore,  // next(): the input holds no complete record (what it holds is kept unconsumed)
    kEnd,       // finish(): nothing left
  };
  struct Step {
    Outcome outcome = Outcome::kNeedMore;
    // kRecord: the object from its "{" to its "}", a view into the input. kError: empty, but its
    // data() points into the input where the problem starts (the garbage byte, the "{" of the
    // oversized or truncated record), for a caller that reports a line number.
    std::string_view record;
    JsonFrameError error = JsonFrameError::kOk;
    std::size_t consumed = 0;  // bytes of the input to drop before the next call
  };

  explicit JsonSplitter(JsonSplitOptions options = {});

  // The next record of a stream that goes on.
  Step next(std::string_view input) { return step(input, false); }
  // The next record once the stream has ended: kEnd when nothing is left (the splitter is then
  // ready for another stream).
  Step finish(std::string_view input) { return step(input, true); }
  // Forgets the stream (a new file or connection).
  void reset();

 private:
  enum class State : std::uint8_t {
    kBetween,  // before a record: skipping what carries nothing, reporting garbage
    kGarbage,  // after json-not-a-record: up to the next line that starts with "{"
    kRecord,   // the input starts with a record's "{"
    kDiscard,  // after json-too-large: dropping bytes up to the "}" that closes the record
  };

  Step step(std::string_view input, bool at_end);
  // Reads `text` from `from` as record bytes; the index of the "}" that closes the record, or
  // text.size() when it is not in `text`.
  std::size_t scan(std::string_view text, std::size_t from);

  JsonSplitOptions options_;
  State state_ = State::kBetween;
  bool line_start_ = true;   // kBetween, kGarbage: only SP and HTAB since the last LF (or start)
  std::uint64_t depth_ = 0;  // kRecord, kDiscard: open braces
  bool in_string_ = false;   // kRecord, kDiscard: inside a string
  bool escaped_ = false;     // kRecord, kDiscard: the byte before was a backslash in a string
  std::size_t scanned_ = 0;  // kRecord: bytes of the record already looked at
};

}  // namespace vigie::ingest
