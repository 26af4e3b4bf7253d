// PaddedRecord: one JSON record copied where simdjson can parse it in place — followed by
// SIMDJSON_PADDING zero bytes, in a buffer that only grows (geometrically, up to the reader's
// record limit, so a stream of growing records reallocates O(log n) times), with the parser sized
// to it. Shared by JsonReader and JsonTree; internal to vigie::event (simdjson stays inside it).
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace vigie::event {

class PaddedRecord {
 public:
  // Copies `record` (at most `max_bytes` long, checked by the caller), growing the buffer and
  // `parser` (for `max_depth` levels) when needed. False when they cannot grow.
  bool load(std::string_view record, std::size_t max_bytes, std::size_t max_depth,
            simdjson::ondemand::parser& parser) {
    if (record.size() > capacity_) {
      const std::size_t grown = std::max(capacity_ * 2, kMinBytes);
      const std::size_t capacity = std::max(record.size(), std::min(grown, max_bytes));
      if (parser.allocate(capacity, max_depth) != simdjson::SUCCESS) return false;
      buffer_ = std::make_unique_for_overwrite<char[]>(capacity + simdjson::SIMDJSON_PADDING);
      capacity_ = capacity;
    }
    std::memcpy(buffer_.get(), record.data(), record.size());
    std::memset(buffer_.get() + record.size(), 0, simdjson::SIMDJSON_PADDING);
    size_ = record.size();
    return true;
  }

  // The loaded record as an On-Demand document.
  simdjson::simdjson_result<simdjson::ondemand::document> iterate(
      simdjson::ondemand::parser& parser) {
    return parser.iterate(buffer_.get(), size_, capacity_ + simdjson::SIMDJSON_PADDING);
  }

  // The loaded record (its copy, where simdjson's views point).
  std::string_view text() const { return {buffer_.get(), size_}; }

  // Offset in the record of a position simdjson points at.
  std::size_t offset_of(const char* location) const {
    return static_cast<std::size_t>(location - buffer_.get());
  }

  // " at byte offset N" for where `doc` stopped, or "" when it cannot tell.
  std::string where(simdjson::ondemand::document* doc) const {
    if (doc != nullptr) {
      const char* location = nullptr;
      if (doc->current_location().get(location) == simdjson::SUCCESS) {
        const std::size_t offset = offset_of(location);
        if (offset <= size_) return " at byte offset " + std::to_string(offset);
      }
    }
    return "";
  }

 private:
  static constexpr std::size_t kMinBytes = 4096;
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;  // bytes usable for a record, padding excluded
  std::size_t size_ = 0;
};

}  // namespace vigie::event
