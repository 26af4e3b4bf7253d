// libFuzzer target for ingest/hl7_frame.h. Every input is split as a byte stream, once whole,
// once byte by byte and once in chunks of pseudo-random sizes, with a small and a large record
// limit. Checks the contract, not only the absence of crashes (tests/unit/ingest/
// hl7_split_harness.h): records are views inside the input that start with "MSH" and a separator,
// never end with a line end or an MLLP byte and are never over the limit; an error has a known
// name and points at a consumed byte; every step makes progress; no more than max_record_bytes +
// 32 bytes are ever left pending; and the records are the same whatever the chunk boundaries.
// Then each record is cut again on its own: a record holds one message, so it gives itself back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/hl7_frame.h"
#include "tests/unit/ingest/hl7_split_harness.h"

namespace {

using vigie::ingest::Hl7SplitOptions;

void check(bool ok) {
  if (!ok) std::abort();
}

// The records (and errors, as "!name") of `stream` arriving in the given chunks.
std::vector<std::string> split(std::string_view stream, std::size_t max,
                               const std::vector<std::size_t>& chunks) {
  return vigie::ingest::testing::hl7_split_in_chunks(stream, Hl7SplitOptions{max}, chunks,
                                                     [](const char*) { std::abort(); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (std::size_t max : {std::size_t{48}, std::size_t{1} << 20}) {
    const std::vector<std::string> whole = split(input, max, {});
    check(split(input, max, std::vector<std::size_t>(size, 1)) == whole);
    check(split(input, max,
                vigie::ingest::testing::random_chunks(size, static_cast<unsigned>(size) | 1u)) ==
          whole);
    for (const std::string& record : whole) {
      if (record.starts_with('!')) continue;
      check(record.size() <= max);
      const std::vector<std::string> again = split(record, max, {});
      check(again.size() == 1 && again.front() == record);
    }
  }
  return 0;
}
