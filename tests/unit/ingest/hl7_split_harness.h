// Drives an Hl7Splitter as hl7_frame.h tells callers to and checks its contract on the way
// (split_harness.h), plus its own promises: a record starts with "MSH" and a field separator, and
// ends with neither a line end nor an MLLP byte. Shared by the unit tests and
// tests/fuzz/hl7_frame_fuzz.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/hl7_frame.h"
#include "split_harness.h"

namespace vigie::ingest::testing {

template <typename OnViolation>
std::vector<std::string> hl7_split_in_chunks(std::string_view stream, Hl7SplitOptions options,
                                             const std::vector<std::size_t>& chunks,
                                             OnViolation&& violation) {
  const auto check = [](std::string_view record, auto& violated) {
    if (!hl7_message_start(record)) violated("record not starting with MSH");
    const char last = record.empty() ? '\0' : record.back();
    if (last == '\r' || last == '\n' || last == '\x0B' || last == '\x1C') {
      violated("record ending with a line end or an MLLP byte");
    }
  };
  return split_in_chunks<Hl7Splitter>(stream, options, chunks, "hl7-", check, hl7_frame_error_name,
                                      violation);
}

}  // namespace vigie::ingest::testing
