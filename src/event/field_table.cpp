#include "event/field_table.h"

#include <cstring>

namespace vigie::event {
namespace {

std::uint64_t load64(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

std::uint32_t load32(const char* p) {
  std::uint32_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

std::uint64_t mix(std::uint64_t h, std::uint64_t w) {
  h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
  return h ^ (h >> 31);
}

}  // namespace

std::uint64_t FieldTable::hash(std::string_view s) noexcept {
  // Field names are short: whole words, the last one overlapping its predecessor, and no call to
  // a variable-length memcpy; then a final avalanche.
  const char* p = s.data();
  const std::size_t n = s.size();
  std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
  if (n >= 8) {
    std::size_t i = 0;
    for (; i + 8 < n; i += 8) h = mix(h, load64(p + i));
    h = mix(h, load64(p + n - 8));
  } else if (n >= 4) {
    h = mix(h, load32(p) | (std::uint64_t{load32(p + n - 4)} << 32));
  } else if (n > 0) {
    const auto b = [&](std::size_t i) { return std::uint64_t{static_cast<unsigned char>(p[i])}; };
    h = mix(h, b(0) | (b(n / 2) << 8) | (b(n - 1) << 16));
  }
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 32);
}

FieldTable::FieldTable() {
  intern("EventID");
  intern("Channel");
  intern("Provider_Name");
  intern("Computer");
  intern("TimeCreated_SystemTime");
}

std::optional<FieldId> FieldTable::find(std::string_view name) const {
  if (slots_.empty()) return std::nullopt;
  const std::uint64_t h = hash(name);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    const FieldId slot = slots_[i];
    if (slot == 0) return std::nullopt;
    const FieldId id = slot - 1;
    if (hashes_[id] == h && names_[id] == name) return id;
  }
}

void FieldTable::place(FieldId id) {
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hashes_[id] & mask;
  while (slots_[i] != 0) i = (i + 1) & mask;
  slots_[i] = id + 1;
}

FieldId FieldTable::intern(std::string_view name) {
  if (auto id = find(name)) return *id;
  auto id = static_cast<FieldId>(names_.size());
  names_.emplace_back(name);
  hashes_.push_back(hash(name));
  if (names_.size() * 2 > slots_.size()) {  // keep it at most half full: rehash everything
    slots_.assign(slots_.empty() ? 64 : slots_.size() * 2, 0);
    for (FieldId i = 0; i < names_.size(); ++i) place(i);
  } else {
    place(id);
  }
  return id;
}

}  // namespace vigie::event
