// FieldTable: interns Sigma field names into dense FieldIds.
//
// The compiled rule set builds one table with every field some rule (or the logsource map, or the
// engine itself) references; readers look keys up in it and materialise only those fields.
// Lookup is by exact, case-sensitive name, in an open-addressing table. Not thread-safe while
// interning; read-only lookups from many threads are safe once building is done.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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
  // Returns the id of `name` if interned. Readers call this for every key of every record.
  std::optional<FieldId> find(std::string_view name) const;
  const std::string& name(FieldId id) const { return names_[id]; }
  std::size_t size() const { return names_.size(); }

  // The hash find() uses (8 bytes at a time; exposed for readers' own name sets).
  static std::uint64_t hash(std::string_view s) noexcept;

 private:
  void place(FieldId id);  // into slots_, which has room

  std::vector<std::string> names_;
  std::vector<std::uint64_t> hashes_;  // by id
  // Open addressing, linear probing: id + 1, or 0 for an empty slot. Size is a power of two and
  // at most half full.
  std::vector<FieldId> slots_;
};

}  // namespace vigie::event
