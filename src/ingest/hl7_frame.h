// Cutting HL7 v2 messages (ER7 encoding) out of a byte stream: MLLP captures, files with one
// segment per line, one message per line, or everything separated by CR.
//
// What it reads:
//
//   stream    = *( noise | message )
//   message   = start *( byte ) end
//   start     = [ BOM ] "MSH" fsep            ; only at the start of the stream or right after a
//                                             ; boundary byte: CR, LF, VT (0x0B) or FS (0x1C)
//   fsep      = %x21-7E except ALPHA and DIGIT   ; the field separator (MSH-1), usually "|"
//   end       = FS [ CR ]                     ; MLLP end block, consumed
//             | &( boundary start )           ; the next message starts (the boundary byte ends
//                                             ; this one)
//             | end of stream
//   noise     = blank | garbage               ; before the first message, and after an MLLP end
//   blank     = CR | LF | VT | FS | SP | HTAB | BOM at a boundary      ; skipped
//   garbage   = any other byte                ; hl7-not-a-message, once per run of noise
//
// A message is given as a record from its "MSH" to its end, less its trailing CR, LF and VT and
// any blank line (spaces and tabs) at its end: no MLLP bytes, no BOM, no line end at the end; the
// CR, LF or CRLF between its segments are kept as they are (the hl7v2-adt decoder accepts all
// three). "MSH" anywhere else (in a field, after a space) is data. The splitter only cuts: what is
// inside a message (its segments, its separators) is its decoder's to judge, and a message cut
// short at the end of the stream is given as it is.
//
// Contract:
//   - Never throws, never reads outside its input, never copies: a record is a view into the
//     input given to that call.
//   - Errors are a closed set with stable names (hl7_frame_error_name()); messages built from them
//     must never hold the input (it carries patient data): the name and where say enough.
//   - The records and errors are the same whatever the cuts between reads (a stream fed byte by
//     byte, in chunks or whole gives the same sequence).
//   - Linear time: each byte is looked at once, but for the at most 7 bytes after a boundary that
//     could start a message, looked at again when a read ends inside them.
//
// Thread safety: the free functions are pure; an Hl7Splitter is used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vigie::ingest {

// Every problem of a stream, with its stable name (hl7_frame_error_name()).
enum class Hl7FrameError : std::uint8_t {
  kOk,           // "ok"
  kNotAMessage,  // "hl7-not-a-message": bytes that are neither blank nor part of a message (before
                 //   the first MSH, between an MLLP end and the next start): reported once per run
  kTooLarge,     // "hl7-too-large": a message over Hl7SplitOptions::max_record_bytes
};
inline constexpr int kHl7FrameErrorCount = static_cast<int>(Hl7FrameError::kTooLarge) + 1;

std::string_view hl7_frame_error_name(Hl7FrameError error);

// Whether `s` starts with "MSH" and a field separator (a printable ASCII symbol: %x21-7E, not a
// letter or a digit): the first bytes of an HL7 v2 message.
bool hl7_message_start(std::string_view s);

struct Hl7SplitOptions {
  // A message with a byte other than CR, LF or VT past this many bytes from its "MSH", or with
  // more than this + 16 bytes before its end (the line ends after its record included), is
  // hl7-too-large: a record is never longer than this.
  std::size_t max_record_bytes = 1 << 20;
};

// Usage, like XmlSplitter and syslog's FrameSplitter: the caller passes the bytes received and
// not yet consumed, drops step.consumed bytes from their front after each call, and appends newly
// received bytes behind the rest (the splitter remembers how far it has looked into a pending
// message, so it must be given the same bytes again, not others).
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
// than that left unconsumed. A message over the limit is reported once (hl7-too-large), as soon as
// it is known to be too large, and its bytes are discarded as they arrive up to the next message
// start or MLLP end, so the stream stays in step.
class Hl7Splitter {
 public:
  enum class Outcome : std::uint8_t {
    kRecord,    // `record` is the next message
    kError,     // `error` says why; call again for what follows
    kNeedMore,  // next(): the input holds no complete message (what it holds is kept unconsumed)
    kEnd,       // finish(): nothing left
  };
  struct Step {
    Outcome outcome = Outcome::kNeedMore;
    // kRecord: the message, a view into the input. kError: empty, but its data() points into the
    // input where the problem starts (the garbage byte, the oversized message's "MSH"), for a
    // caller that reports a line number.
    std::string_view record;
    Hl7FrameError error = Hl7FrameError::kOk;
    std::size_t consumed = 0;  // bytes of the input to drop before the next call
  };

  explicit Hl7Splitter(Hl7SplitOptions options = {});

  // The next message of a stream that goes on.
  Step next(std::string_view input) { return step(input, false); }
  // The next message once the stream has ended: the last message runs to the end of the input;
  // kEnd when nothing is left (the splitter is then ready for another stream).
  Step finish(std::string_view input) { return step(input, true); }
  // Forgets the stream (a new file or connection).
  void reset();

 private:
  enum class State : std::uint8_t {
    kBetween,  // before a message: skipping blanks, reporting garbage
    kMessage,  // the input starts with a message's "MSH"
    kDiscard,  // after hl7-too-large: dropping bytes up to the next message start or MLLP end
  };

  Step step(std::string_view input, bool at_end);

  Hl7SplitOptions options_;
  State state_ = State::kBetween;
  bool boundary_ = true;         // kBetween: the input's first byte follows a boundary byte
  bool noise_reported_ = false;  // kBetween: hl7-not-a-message already given for this run
  std::size_t scanned_ = 0;      // kMessage: bytes of the message already looked at
};

}  // namespace vigie::ingest
