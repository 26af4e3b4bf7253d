#include "event/field_table.h"

namespace vigie::event {

std::size_t FieldTable::Hash::operator()(std::string_view s) const noexcept {
  // FNV-1a: field names are short; this is cheaper than std::hash's generic path.
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return static_cast<std::size_t>(h);
}

FieldTable::FieldTable() {
  intern("EventID");
  intern("Channel");
  intern("Provider_Name");
  intern("Computer");
  intern("TimeCreated_SystemTime");
}

FieldId FieldTable::intern(std::string_view name) {
  if (auto id = find(name)) return *id;
  auto id = static_cast<FieldId>(names_.size());
  names_.emplace_back(name);
  index_.emplace(std::string(name), id);
  return id;
}

}  // namespace vigie::event
