// Drives a record splitter the way its header tells callers to (keep the unconsumed bytes, append
// what arrives, finish() at the end) and checks each promise of the contract the HL7 and JSON
// splitters share on the way: records are views into the input, consumed, within the limit;
// errors consume and point at a consumed byte, with a name of the splitter's family; the pending
// bytes stay within the limit plus 32; every call makes progress. Used through
// hl7_split_harness.h and json_split_harness.h, by the unit tests and the fuzz targets.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::ingest::testing {

// The records of `stream` (each as its text) and its errors (each as "!" + its name) when the
// stream arrives in chunks of the sizes in `chunks` (then the rest in one piece). `check_record`
// is called on each record with `violation` for the splitter's own promises; `error_name` names
// an error, which must start with `error_prefix` and not be the unknown one. `violation` is
// called with a description for every broken promise.
template <typename Splitter, typename Options, typename CheckRecord, typename ErrorName,
          typename OnViolation>
std::vector<std::string> split_in_chunks(std::string_view stream, Options options,
                                         const std::vector<std::size_t>& chunks,
                                         std::string_view error_prefix, CheckRecord&& check_record,
                                         ErrorName&& error_name, OnViolation&& violation) {
  using Outcome = typename Splitter::Outcome;
  const std::size_t max = std::max<std::size_t>(options.max_record_bytes, 1);
  Splitter splitter(options);
  std::vector<std::string> out;
  std::string pending;
  const std::string unknown = std::string(error_prefix) + "unknown-error";
  const auto inside = [](std::string_view part, std::string_view whole) {
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
  };
  const auto drain = [&](bool at_end) {
    std::size_t begin = 0;
    for (std::size_t steps = 0;; ++steps) {
      if (steps > stream.size() + 2) return violation("no progress");
      const std::string_view rest = std::string_view(pending).substr(begin);
      const typename Splitter::Step s = at_end ? splitter.finish(rest) : splitter.next(rest);
      if (s.consumed > rest.size()) return violation("consumed more than the input");
      if (s.outcome == Outcome::kRecord) {
        if (!inside(s.record, rest)) violation("record outside the input");
        if (s.record.data() + s.record.size() > rest.data() + s.consumed) {
          violation("record not consumed");
        }
        if (s.record.size() > max) violation("record over the limit");
        check_record(s.record, violation);
        if (s.consumed == 0) violation("record without consuming");
        out.emplace_back(s.record);
      } else if (s.outcome == Outcome::kError) {
        if (s.consumed == 0) violation("error without consuming");
        if (!s.record.empty() || s.record.data() < rest.data() ||
            s.record.data() >= rest.data() + s.consumed) {
          violation("error not pointing at a consumed byte");
        }
        const std::string_view name = error_name(s.error);
        if (!name.starts_with(error_prefix) || name == unknown) violation("error name");
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

// Chunk sizes of 1 to 23 bytes covering `size` bytes, pseudo-random from `seed` (no <random>:
// the fuzz targets use it too, and need the same sizes on every platform).
inline std::vector<std::size_t> random_chunks(std::size_t size, unsigned seed) {
  std::vector<std::size_t> chunks;
  for (std::size_t total = 0; total < size;) {
    seed = seed * 1103515245u + 12345u;
    chunks.push_back(1 + (seed >> 16) % 23);
    total += chunks.back();
  }
  return chunks;
}

}  // namespace vigie::ingest::testing
