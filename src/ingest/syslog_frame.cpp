// RFC 6587 framing: octet counting and LF-delimited (non-transparent) frames.
#include <algorithm>

#include "ingest/syslog.h"

namespace vigie::ingest {
namespace {

using Outcome = FrameSplitter::Outcome;
using Step = FrameSplitter::Step;

// MSG-LEN has at most 10 digits: 9,999,999,999 bytes is already far beyond any sane limit.
constexpr std::size_t kMaxLengthDigits = 10;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

Step frame(std::string_view text, std::size_t consumed) {
  return {Outcome::kFrame, text, SyslogError::kOk, consumed};
}
Step error(SyslogError e, std::size_t consumed) { return {Outcome::kError, {}, e, consumed}; }
Step nothing(bool at_end, std::size_t consumed) {
  return {at_end ? Outcome::kEnd : Outcome::kNeedMore, {}, SyslogError::kOk, consumed};
}

std::size_t count_digits(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && i <= kMaxLengthDigits && is_digit(s[i])) ++i;
  return i;
}

}  // namespace

FrameSplitter::FrameSplitter(FrameOptions options) : options_(options) {
  options_.max_frame_bytes = std::max<std::size_t>(options_.max_frame_bytes, 1);
}

FrameSplitter::Step FrameSplitter::next(std::string_view input) { return step(input, false); }

FrameSplitter::Step FrameSplitter::finish(std::string_view input) {
  Step s = step(input, true);
  if (s.outcome == Outcome::kEnd) reset();
  return s;
}

void FrameSplitter::reset() {
  skip_bytes_ = 0;
  skip_to_lf_ = false;
}

FrameSplitter::Step FrameSplitter::step(std::string_view input, bool at_end) {
  std::size_t consumed = 0;
  if (skip_bytes_ > 0) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(skip_bytes_, input.size()));
    skip_bytes_ -= n;
    consumed += n;
    input.remove_prefix(n);
    if (skip_bytes_ > 0) return nothing(at_end, consumed);
  }
  if (skip_to_lf_) {
    const std::size_t lf = input.find('\n');
    if (lf == std::string_view::npos) return nothing(at_end, consumed + input.size());
    skip_to_lf_ = false;
    consumed += lf + 1;
    input.remove_prefix(lf + 1);
  }
  while (!input.empty() && (input.front() == '\n' || input.front() == '\r')) {
    ++consumed;
    input.remove_prefix(1);
  }
  if (input.empty()) return nothing(at_end, consumed);

  bool octet = options_.framing == Framing::kOctetCounting;
  if (options_.framing == Framing::kAuto && input.front() >= '1' && input.front() <= '9') {
    // Only a well-formed MSG-LEN SP makes an octet-counted frame; anything else is a line.
    const std::size_t n = count_digits(input);
    if (n == input.size() && n <= kMaxLengthDigits && !at_end) return nothing(false, consumed);
    octet = n <= kMaxLengthDigits && n < input.size() && input[n] == ' ';
  }
  if (!octet) {
    Step s = line_frame(input, at_end);
    s.consumed += consumed;
    return s;
  }

  const std::size_t n = count_digits(input);
  if (n == input.size() && n <= kMaxLengthDigits) {
    return at_end ? error(SyslogError::kFrameTruncated, consumed + n) : nothing(false, consumed);
  }
  if (n == 0 || n > kMaxLengthDigits || input[n] != ' ' || input.front() == '0') {
    // The stream is out of step: drop what follows up to the next LF.
    const std::size_t lf = input.find('\n');
    if (lf == std::string_view::npos) {
      skip_to_lf_ = !at_end;
      return error(SyslogError::kFrameBadLength, consumed + input.size());
    }
    return error(SyslogError::kFrameBadLength, consumed + lf + 1);
  }
  std::uint64_t length = 0;
  for (std::size_t i = 0; i < n; ++i) length = length * 10 + static_cast<unsigned>(input[i] - '0');
  const std::size_t header = n + 1;
  const std::size_t available = input.size() - header;
  if (length > options_.max_frame_bytes) {
    const auto taken = static_cast<std::size_t>(std::min<std::uint64_t>(length, available));
    skip_bytes_ = at_end ? 0 : length - taken;
    return error(SyslogError::kFrameTooLarge, consumed + header + taken);
  }
  if (available < length) {
    return at_end ? error(SyslogError::kFrameTruncated, consumed + input.size())
                  : nothing(false, consumed);
  }
  return frame(input.substr(header, static_cast<std::size_t>(length)),
               consumed + header + static_cast<std::size_t>(length));
}

FrameSplitter::Step FrameSplitter::line_frame(std::string_view input, bool at_end) {
  const std::size_t max = options_.max_frame_bytes;
  // Content, an optional CR and the LF: nothing longer can be a valid frame.
  const std::size_t window = std::min(input.size(), max + 2);
  const std::size_t lf = input.substr(0, window).find('\n');
  std::string_view line;
  std::size_t used = 0;
  if (lf != std::string_view::npos) {
    line = input.substr(0, lf);
    used = lf + 1;
  } else if (input.size() >= max + 2) {
    // Too long to be a frame whatever follows: drop it up to its LF, now or as it arrives.
    const std::size_t end = input.find('\n', window);
    if (end != std::string_view::npos) return error(SyslogError::kFrameTooLarge, end + 1);
    skip_to_lf_ = !at_end;
    return error(SyslogError::kFrameTooLarge, input.size());
  } else if (!at_end) {
    return nothing(false, 0);
  } else {
    line = input;
    used = input.size();
  }
  if (line.ends_with('\r')) line.remove_suffix(1);
  if (line.size() > max) return error(SyslogError::kFrameTooLarge, used);
  return frame(line, used);
}

}  // namespace vigie::ingest
