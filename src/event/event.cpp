#include "event/event.h"

#include <cstring>

namespace vigie::event {

char* Arena::allocate(std::size_t n) {
  while (true) {
    if (chunk_ < chunks_.size() && used_ + n <= sizes_[chunk_]) {
      char* p = chunks_[chunk_].get() + used_;
      used_ += n;
      return p;
    }
    if (chunk_ < chunks_.size() && used_ > 0) {
      ++chunk_;
      used_ = 0;
      continue;
    }
    if (chunk_ < chunks_.size()) {  // empty chunk too small for n: replace it with a bigger one
      chunks_[chunk_] = std::make_unique<char[]>(n);
      sizes_[chunk_] = n;
      continue;
    }
    std::size_t size = n > kChunk ? n : kChunk;
    chunks_.push_back(std::make_unique<char[]>(size));
    sizes_.push_back(size);
  }
}

std::string_view Arena::copy(std::string_view s) {
  if (s.empty()) return {};
  char* p = allocate(s.size());
  std::memcpy(p, s.data(), s.size());
  return {p, s.size()};
}

void Event::reset(std::size_t field_count) {
  for (FieldId id : present_) slots_[id] = Value{};
  present_.clear();
  if (slots_.size() < field_count) slots_.resize(field_count);
  list_items_.clear();
  extras_.clear();
  arena_.reset();
  time_ms = kNoTime;
  line = 0;
  tenant = {};
}

}  // namespace vigie::event
