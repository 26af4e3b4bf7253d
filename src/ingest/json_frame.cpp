#include "ingest/json_frame.h"

#include <algorithm>
#include <array>

namespace vigie::ingest {
namespace {

using Outcome = JsonSplitter::Outcome;
using Step = JsonSplitter::Step;

constexpr std::string_view kBom = "\xEF\xBB\xBF";
// evtx_dump's line before each record: "Record " and the record's EventRecordID (a u64: at most
// 20 digits, which bounds what is kept pending while a read ends inside such a line).
constexpr std::string_view kRecordWord = "Record ";
constexpr std::size_t kMaxRecordDigits = 20;

enum class Match : std::uint8_t { kNo, kYes, kMaybe };

// Whether `in` holds `what` at `at`: kMaybe when `in` ends inside a prefix of it.
Match holds(std::string_view in, std::size_t at, std::string_view what) {
  const std::string_view rest = in.substr(std::min(at, in.size()));
  if (rest.starts_with(what)) return Match::kYes;
  return rest.size() < what.size() && what.starts_with(rest) ? Match::kMaybe : Match::kNo;
}

// Whether a "Record <n>" line starts at `at`: kYes with its length (its LF included) in `length`;
// kMaybe (only before the end of the stream) when `in` ends before it can be told.
Match record_number_line(std::string_view in, std::size_t at, bool at_end, std::size_t& length) {
  const Match word = holds(in, at, kRecordWord);
  if (word != Match::kYes) return word == Match::kMaybe && !at_end ? Match::kMaybe : Match::kNo;
  const std::size_t first_digit = at + kRecordWord.size();
  std::size_t i = first_digit;
  while (i < in.size() && i - first_digit <= kMaxRecordDigits && in[i] >= '0' && in[i] <= '9') {
    ++i;
  }
  const std::size_t digits = i - first_digit;
  if (digits > kMaxRecordDigits) return Match::kNo;
  if (i < in.size() && in[i] == '\r' && digits > 0) ++i;
  if (i == in.size()) {
    if (!at_end) return Match::kMaybe;
    if (digits == 0) return Match::kNo;
    length = i - at;  // the last line of the stream, without LF
    return Match::kYes;
  }
  if (digits == 0 || in[i] != '\n') return Match::kNo;
  length = i + 1 - at;
  return Match::kYes;
}

Step record(std::string_view text, std::size_t consumed) {
  return {Outcome::kRecord, text, JsonFrameError::kOk, consumed};
}
// `where`: an empty view at the byte where the problem starts.
Step error(JsonFrameError e, std::string_view where, std::size_t consumed) {
  return {Outcome::kError, where.substr(0, 0), e, consumed};
}
Step nothing(bool at_end, std::size_t consumed) {
  return {at_end ? Outcome::kEnd : Outcome::kNeedMore, {}, JsonFrameError::kOk, consumed};
}

}  // namespace

std::string_view json_frame_error_name(JsonFrameError error) {
  // In enumerator order; the names are a stable interface (rejects, metrics, docs).
  constexpr std::array<std::string_view, kJsonFrameErrorCount> kNames = {
      "ok",
      "json-not-a-record",
      "json-too-large",
      "json-truncated",
  };
  const auto i = static_cast<std::size_t>(error);
  return i < kNames.size() ? kNames[i] : "json-unknown-error";
}

JsonSplitter::JsonSplitter(JsonSplitOptions options) : options_(options) {
  options_.max_record_bytes = std::max<std::size_t>(options_.max_record_bytes, 1);
}

void JsonSplitter::reset() {
  state_ = State::kBetween;
  line_start_ = true;
  depth_ = 0;
  in_string_ = false;
  escaped_ = false;
  scanned_ = 0;
}

std::size_t JsonSplitter::scan(std::string_view text, std::size_t from) {
  // Locals, not members, in the loop: the compiler keeps them in registers.
  std::uint64_t depth = depth_;
  bool in_string = in_string_;
  bool escaped = escaped_;
  std::size_t i = from;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && depth > 0 && --depth == 0) {
      break;
    }
  }
  depth_ = depth;
  in_string_ = in_string;
  escaped_ = escaped;
  return i;
}

JsonSplitter::Step JsonSplitter::step(std::string_view in, bool at_end) {
  const std::size_t max = options_.max_record_bytes;
  std::size_t at = 0;  // bytes of `in` this call has dealt with
  for (;;) {
    if (state_ == State::kDiscard) {
      // The rest of an oversized record, braces still counted, up to the "}" that closes it.
      const std::size_t close = scan(in, at);
      if (close == in.size()) {
        if (at_end) reset();
        return nothing(at_end, in.size());
      }
      at = close + 1;
      state_ = State::kBetween;
      line_start_ = false;
    }

    if (state_ == State::kGarbage) {
      // Up to a line whose first byte other than SP and HTAB is "{" (kBetween then takes it).
      for (; at < in.size(); ++at) {
        const char c = in[at];
        if (c == '\n') {
          line_start_ = true;
        } else if (c == '{' && line_start_) {
          break;
        } else if (c != ' ' && c != '\t') {
          line_start_ = false;
        }
      }
      if (at == in.size()) {
        if (at_end) reset();
        return nothing(at_end, at);
      }
      state_ = State::kBetween;
    }

    if (state_ == State::kBetween) {
      for (;;) {
        if (at == in.size()) {
          if (at_end) reset();
          return nothing(at_end, at);
        }
        const char c = in[at];
        if (c == '{') break;
        if (c == '\n') {
          line_start_ = true;
          ++at;
          continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') {
          ++at;
          continue;
        }
        if (c == '[' || c == ',' || c == ']') {
          line_start_ = false;
          ++at;
          continue;
        }
        Match m = Match::kNo;
        std::size_t length = 0;
        if (c == kBom.front()) {
          m = holds(in, at, kBom);
          length = kBom.size();
          if (m == Match::kMaybe && at_end) m = Match::kNo;
        } else if (c == kRecordWord.front() && line_start_) {
          m = record_number_line(in, at, at_end, length);
        }
        if (m == Match::kYes) {
          // A BOM leaves line_start_ as it was; a "Record <n>" line ends with its LF (or the
          // stream), so the next line starts.
          at += length;
          continue;
        }
        if (m == Match::kMaybe) return nothing(false, at);  // looked at again with more bytes
        // Garbage: reported once, then skipped (kGarbage) up to the next line starting with "{".
        state_ = State::kGarbage;
        line_start_ = false;
        return error(JsonFrameError::kNotARecord, in.substr(at), at + 1);
      }
      state_ = State::kRecord;
      depth_ = 0;
      in_string_ = false;
      escaped_ = false;
      scanned_ = 0;
    }

    // kRecord: `in` holds a record from `at`, looked at up to scanned_ in an earlier call.
    const std::string_view rec = in.substr(at);
    const std::size_t limit = std::min(rec.size(), max);
    const std::size_t close = scan(rec.substr(0, limit), scanned_);
    if (close < limit) {
      state_ = State::kBetween;
      line_start_ = false;
      return record(rec.substr(0, close + 1), at + close + 1);
    }
    if (rec.size() > max) {
      // Not closed within the limit: reported now, the rest discarded as it arrives.
      state_ = State::kDiscard;
      return error(JsonFrameError::kTooLarge, rec, at + max);
    }
    if (!at_end) {
      scanned_ = limit;
      return nothing(false, at);
    }
    state_ = State::kBetween;
    return error(JsonFrameError::kTruncated, rec, in.size());
  }
}

}  // namespace vigie::ingest
