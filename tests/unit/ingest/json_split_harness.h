// Drives a JsonSplitter as json_frame.h tells callers to and checks its contract on the way
// (split_harness.h), plus its own promise: a record runs from a '{' to a '}'. Shared by the unit
// tests and tests/fuzz/json_frame_fuzz.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/json_frame.h"
#include "split_harness.h"

namespace vigie::ingest::testing {

template <typename OnViolation>
std::vector<std::string> json_split_in_chunks(std::string_view stream, JsonSplitOptions options,
                                              const std::vector<std::size_t>& chunks,
                                              OnViolation&& violation) {
  const auto check = [](std::string_view record, auto& violated) {
    if (record.size() < 2 || record.front() != '{' || record.back() != '}') {
      violated("record not from a '{' to a '}'");
    }
  };
  return split_in_chunks<JsonSplitter>(stream, options, chunks, "json-", check,
                                       json_frame_error_name, violation);
}

}  // namespace vigie::ingest::testing
