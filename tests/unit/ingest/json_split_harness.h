// Drives a JsonSplitter the way json_frame.h tells callers to (keep the unconsumed bytes, append
// what arrives, finish() at the end) and checks each promise of its contract on the way. Shared by
// the unit tests and tests/fuzz/json_frame_fuzz.cpp.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/json_frame.h"

namespace vigie::ingest::testing {

// The records of `stream` (each as its text) and its errors (each as "!" + its name) when the
// stream arrives in chunks of the sizes in `chunks` (then the rest in one piece). `violation` is
// called with a description for every broken promise.
template <typename OnViolation>
std::vector<std::string> json_split_in_chunks(std::string_view stream, JsonSplitOptions options,
                                              const std::vector<std::size_t>& chunks,
                                              OnViolation&& violation) {
  using Outcome = JsonSplitter::Outcome;
  const std::size_t max = std::max<std::size_t>(options.max_record_bytes, 1);
  JsonSplitter splitter(options);
  std::vector<std::string> out;
  std::string pending;
  const auto inside = [](std::string_view part, std::string_view whole) {
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
  };
  const auto drain = [&](bool at_end) {
    std::size_t begin = 0;
    for (std::size_t steps = 0;; ++steps) {
      if (steps > stream.size() + 2) return violation("no progress");
      const std::string_view rest = std::string_view(pending).substr(begin);
      const JsonSplitter::Step s = at_end ? splitter.finish(rest) : splitter.next(rest);
      if (s.consumed > rest.size()) return violation("consumed more than the input");
      if (s.outcome == Outcome::kRecord) {
        if (!inside(s.record, rest)) violation("record outside the input");
        if (s.record.data() + s.record.size() > rest.data() + s.consumed) {
          violation("record not consumed");
        }
        if (s.record.size() > max) violation("record over the limit");
        if (s.record.size() < 2 || s.record.front() != '{' || s.record.back() != '}') {
          violation("record not from a '{' to a '}'");
        }
        if (s.consumed == 0) violation("record without consuming");
        out.emplace_back(s.record);
      } else if (s.outcome == Outcome::kError) {
        if (s.consumed == 0) violation("error without consuming");
        if (!s.record.empty() || s.record.data() < rest.data() ||
            s.record.data() >= rest.data() + s.consumed) {
          violation("error not pointing at a consumed byte");
        }
        const std::string_view name = json_frame_error_name(s.error);
        if (!name.starts_with("json-") || name == "json-unknown-error") violation("error name");
        out.push_back("!" + std::string(name));
      } else {
        if (s.outcome != (at_end ? Outcome::kEnd : Outcome::kNeedMore)) violation("wrong outcome");
        begin += s.consumed;
        break;
      }
      begin += s.consumed;
    }
    pending.erase(0, begin);
    if (!at_end && pending.size() > max + 32) violation("buffer bound");
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
