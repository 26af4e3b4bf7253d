// Drives a FrameSplitter the way syslog.h tells callers to (keep the unconsumed bytes, append what
// arrives, finish() at the end) and checks each promise of its contract on the way. Shared by the
// framing unit tests and tests/fuzz/syslog_fuzz.cpp.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/syslog.h"

namespace vigie::ingest::testing {

// The frames of `stream` (each as its text) and its errors (each as "!" + its name) when the
// stream arrives in chunks of the sizes in `chunks` (then the rest in one piece). `violation` is
// called with a description for every broken promise.
template <typename OnViolation>
std::vector<std::string> split_in_chunks(std::string_view stream, FrameOptions options,
                                         const std::vector<std::size_t>& chunks,
                                         OnViolation&& violation) {
  using Outcome = FrameSplitter::Outcome;
  FrameSplitter splitter(options);
  std::vector<std::string> out;
  std::string pending;
  const auto drain = [&](bool at_end) {
    std::size_t begin = 0;
    for (std::size_t steps = 0;; ++steps) {
      if (steps > stream.size() + 2) return violation("no progress");
      const std::string_view rest = std::string_view(pending).substr(begin);
      const FrameSplitter::Step s = at_end ? splitter.finish(rest) : splitter.next(rest);
      if (s.consumed > rest.size()) return violation("consumed more than the input");
      begin += s.consumed;
      if (s.outcome == Outcome::kFrame) {
        if (s.frame.data() < rest.data() ||
            s.frame.data() + s.frame.size() > rest.data() + rest.size()) {
          violation("frame outside the input");
        }
        if (s.frame.size() > options.max_frame_bytes) violation("frame over the limit");
        if (s.consumed == 0) violation("frame without consuming");
        out.emplace_back(s.frame);
      } else if (s.outcome == Outcome::kError) {
        if (s.consumed == 0) violation("error without consuming");
        out.push_back("!" + std::string(syslog_error_name(s.error)));
      } else {
        if (s.outcome != (at_end ? Outcome::kEnd : Outcome::kNeedMore)) violation("wrong outcome");
        break;
      }
    }
    pending.erase(0, begin);
    if (!at_end && pending.size() > options.max_frame_bytes + 16) violation("buffer bound");
    if (at_end && !pending.empty()) violation("bytes left at the end");
  };
  std::size_t pos = 0;
  for (std::size_t n : chunks) {
    if (pos >= stream.size()) break;
    n = std::min(n, stream.size() - pos);
    pending.append(stream.substr(pos, n));
    pos += n;
    drain(false);
  }
  pending.append(stream.substr(pos));
  drain(false);
  drain(true);
  return out;
}

}  // namespace vigie::ingest::testing
