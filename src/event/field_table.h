// FieldTable: interns Sigma field names into dense FieldIds.
//
// The compiled rule set builds one table with every field some rule (or the logsource map, or the
// engine itself) references; readers look keys up in it and materialise only those fields.
// Lookup is by exact, case-sensitive name. Not thread-safe while interning; read-only lookups from
// many threads are safe once building is done.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vigie::event {

using FieldId = std::uint32_t;

class FieldTable {
 public:
  // Fields every table has, with fixed ids (the logsource map and time handling need them).
  static constexpr FieldId kEventID = 0;
  static constexpr FieldId kChannel = 1;
  static constexpr FieldId kProviderName = 2;
  static constexpr FieldId kComputer = 3;
  static constexpr FieldId kTimeCreated = 4;  // TimeCreated_SystemTime

  FieldTable();

  // Returns the id of `name`, adding it if new.
  FieldId intern(std::string_view name);
  // Returns the id of `name` if interned.
  std::optional<FieldId> find(std::string_view name) const {
    auto it = index_.find(name);
    if (it == index_.end()) return std::nullopt;
    return it->second;
  }
  const std::string& name(FieldId id) const { return names_[id]; }
  std::size_t size() const { return names_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept;
  };
  std::vector<std::string> names_;
  std::unordered_map<std::string, FieldId, Hash, std::equal_to<>> index_;
};

}  // namespace vigie::event
