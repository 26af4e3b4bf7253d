#include "ingest/hl7_frame.h"

#include <algorithm>
#include <array>

namespace vigie::ingest {
namespace {

using Outcome = Hl7Splitter::Outcome;
using Step = Hl7Splitter::Step;

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kMsh = "MSH";
constexpr char kVt = '\x0B';  // MLLP start block
constexpr char kFs = '\x1C';  // MLLP end block
// Line ends a message may carry after its record before it counts as too large (see the header).
constexpr std::size_t kLineEndSlack = 16;

// A byte after which a message may start (FS too, but FS ends a message by itself).
constexpr bool line_end(char c) { return c == '\r' || c == '\n' || c == kVt; }

constexpr bool field_separator(char c) {
  return c > 0x20 && c < 0x7f && !(c >= '0' && c <= '9') && !(c >= 'A' && c <= 'Z') &&
         !(c >= 'a' && c <= 'z');
}

enum class Match : std::uint8_t { kNo, kYes, kMaybe };

// Whether `in` holds `what` at `at`: kMaybe when `in` ends inside a prefix of it.
Match holds(std::string_view in, std::size_t at, std::string_view what) {
  const std::string_view rest = in.substr(std::min(at, in.size()));
  if (rest.starts_with(what)) return Match::kYes;
  return rest.size() < what.size() && what.starts_with(rest) ? Match::kMaybe : Match::kNo;
}

// Whether a message starts at `at` ([BOM] "MSH" fsep), `at` being at a boundary. kMaybe (only
// before the end of the stream) when `in` ends before it can be told.
Match message_start(std::string_view in, std::size_t at, bool at_end) {
  Match m = holds(in, at, kBom);
  if (m == Match::kYes) {
    at += kBom.size();
  } else if (m == Match::kMaybe && at < in.size()) {
    return at_end ? Match::kNo : Match::kMaybe;
  }
  m = holds(in, at, kMsh);
  if (m == Match::kYes) {
    if (at + kMsh.size() < in.size()) {
      return field_separator(in[at + kMsh.size()]) ? Match::kYes : Match::kNo;
    }
    m = Match::kMaybe;
  }
  if (m == Match::kMaybe && at_end) return Match::kNo;
  return m;
}

// The record less its trailing line ends and blank lines (spaces and tabs only): a segment-per-
// line file's last blank line is not a segment. Never empty: a record starts with "MSH" fsep.
std::string_view trim_line_ends(std::string_view record) {
  for (;;) {
    while (!record.empty() && line_end(record.back())) record.remove_suffix(1);
    std::size_t i = record.size();
    while (i > 0 && (record[i - 1] == ' ' || record[i - 1] == '\t')) --i;
    if (i == record.size() || i == 0 || !line_end(record[i - 1])) return record;
    record = record.substr(0, i);
  }
}

Step record(std::string_view text, std::size_t consumed) {
  return {Outcome::kRecord, trim_line_ends(text), Hl7FrameError::kOk, consumed};
}
// `where`: an empty view at the byte where the problem starts.
Step error(Hl7FrameError e, std::string_view where, std::size_t consumed) {
  return {Outcome::kError, where.substr(0, 0), e, consumed};
}
Step nothing(bool at_end, std::size_t consumed) {
  return {at_end ? Outcome::kEnd : Outcome::kNeedMore, {}, Hl7FrameError::kOk, consumed};
}

}  // namespace

std::string_view hl7_frame_error_name(Hl7FrameError error) {
  // In enumerator order; the names are a stable interface (rejects, metrics, docs).
  constexpr std::array<std::string_view, kHl7FrameErrorCount> kNames = {
      "ok",
      "hl7-not-a-message",
      "hl7-too-large",
  };
  const auto i = static_cast<std::size_t>(error);
  return i < kNames.size() ? kNames[i] : "hl7-unknown-error";
}

bool hl7_message_start(std::string_view s) {
  return s.size() > kMsh.size() && s.starts_with(kMsh) && field_separator(s[kMsh.size()]);
}

Hl7Splitter::Hl7Splitter(Hl7SplitOptions options) : options_(options) {
  options_.max_record_bytes = std::max<std::size_t>(options_.max_record_bytes, 1);
}

void Hl7Splitter::reset() {
  state_ = State::kBetween;
  boundary_ = true;
  noise_reported_ = false;
  scanned_ = 0;
}

Hl7Splitter::Step Hl7Splitter::step(std::string_view in, bool at_end) {
  const std::size_t max = options_.max_record_bytes;
  std::size_t at = 0;  // bytes of `in` this call has dealt with
  for (;;) {
    if (state_ == State::kDiscard) {
      // Up to the next message start (kBetween then takes it) or MLLP end.
      for (; at < in.size(); ++at) {
        const char c = in[at];
        if (c == kFs) break;
        if (!line_end(c)) continue;
        const Match m = message_start(in, at + 1, at_end);
        if (m == Match::kYes) break;
        if (m == Match::kMaybe) return nothing(false, at);  // this line end is looked at again
      }
      if (at == in.size()) {
        if (at_end) reset();
        return nothing(at_end, at);
      }
      ++at;
      state_ = State::kBetween;
      boundary_ = true;
    }

    if (state_ == State::kBetween) {
      bool boundary = boundary_;
      for (;;) {
        if (at == in.size()) {
          if (at_end) {
            reset();
            return nothing(true, at);
          }
          boundary_ = boundary;
          return nothing(false, at);
        }
        const char c = in[at];
        if (line_end(c) || c == kFs) {
          boundary = true;
          ++at;
          continue;
        }
        if (c == ' ' || c == '\t') {
          boundary = false;
          ++at;
          continue;
        }
        if (boundary) {
          if (holds(in, at, kBom) == Match::kYes) {
            at += kBom.size();
            continue;
          }
          const Match m = message_start(in, at, at_end);
          if (m == Match::kYes) break;
          if (m == Match::kMaybe) {
            boundary_ = true;
            return nothing(false, at);
          }
        }
        // Garbage: reported once, then skipped up to the next message start.
        boundary = false;
        if (!noise_reported_) {
          noise_reported_ = true;
          boundary_ = false;
          return error(Hl7FrameError::kNotAMessage, in.substr(at), at + 1);
        }
        ++at;
      }
      state_ = State::kMessage;
      scanned_ = 0;
      noise_reported_ = false;
    }

    // kMessage: `in` holds a message from `at`, looked at up to scanned_ in an earlier call.
    const std::string_view msg = in.substr(at);
    std::size_t j = scanned_;
    for (;;) {
      // Bytes that cannot end the message, up to the limit: a run the compiler keeps tight.
      const std::size_t plain_end = std::min(msg.size(), max);
      while (j < plain_end && !line_end(msg[j]) && msg[j] != kFs) ++j;
      if (j == msg.size()) break;
      const char c = msg[j];
      if (c == kFs) {  // MLLP end block, and the CR after it
        const std::size_t used = j + 1 + (j + 1 < msg.size() && msg[j + 1] == '\r' ? 1 : 0);
        state_ = State::kBetween;
        boundary_ = true;
        return record(msg.substr(0, j), at + used);
      }
      if (line_end(c)) {
        const Match m = message_start(msg, j + 1, at_end);
        if (m == Match::kYes) {
          state_ = State::kBetween;
          boundary_ = true;
          return record(msg.substr(0, j), at + j + 1);
        }
        if (m == Match::kMaybe) {
          scanned_ = j;
          return nothing(false, at);
        }
      }
      // A byte of the message: too many, or content past the record limit.
      if (j >= max + kLineEndSlack || (j >= max && !line_end(c))) {
        state_ = State::kDiscard;
        return error(Hl7FrameError::kTooLarge, msg, at + j);
      }
      ++j;
    }
    if (!at_end) {
      scanned_ = j;
      return nothing(false, at);
    }
    state_ = State::kBetween;
    boundary_ = true;
    return record(msg, in.size());
  }
}

}  // namespace vigie::ingest
