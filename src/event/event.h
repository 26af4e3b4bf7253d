// Event: one decoded log record as a set of typed fields addressed by FieldId.
//
// Values are views: string content points into the reader's buffers or into the event's own
// arena, and stays valid until the event is reset or the reader reads the next record. An event is
// reused from record to record; once warmed up, reset() and set() do not allocate.
//
// Fields not in the FieldTable are kept only when the reader is asked to (keyword searches need
// every value); they live in `extras()` with their names.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "event/field_table.h"

namespace vigie::event {

enum class Kind : std::uint8_t { kAbsent, kNull, kBool, kInt, kDouble, kString, kList };

struct Value {
  Kind kind = Kind::kAbsent;
  bool boolean = false;
  std::int64_t integer = 0;
  double real = 0;
  // kString: the content. kInt/kDouble: the number as written in the input. kBool: "true"/"false".
  std::string_view text;
  // kList: elements are Event::list_items()[list_begin, list_begin + list_size).
  std::uint32_t list_begin = 0;
  std::uint32_t list_size = 0;

  static Value null() {
    Value v;
    v.kind = Kind::kNull;
    return v;
  }
  static Value string(std::string_view s) {
    Value v;
    v.kind = Kind::kString;
    v.text = s;
    return v;
  }
  static Value integer_value(std::int64_t i, std::string_view text) {
    Value v;
    v.kind = Kind::kInt;
    v.integer = i;
    v.real = static_cast<double>(i);
    v.text = text;
    return v;
  }
  static Value real_value(double d, std::string_view text) {
    Value v;
    v.kind = Kind::kDouble;
    v.real = d;
    v.text = text;
    return v;
  }
  static Value bool_value(bool b) {
    Value v;
    v.kind = Kind::kBool;
    v.boolean = b;
    v.text = b ? "true" : "false";
    return v;
  }
  bool present() const { return kind != Kind::kAbsent; }
};

// Append-only byte arena with stable addresses; reset() keeps the memory for the next event.
class Arena {
 public:
  std::string_view copy(std::string_view s);
  // Returns `n` writable bytes with a stable address.
  char* allocate(std::size_t n);
  void reset() {
    chunk_ = 0;
    used_ = 0;
  }

 private:
  static constexpr std::size_t kChunk = 64 * 1024;
  std::vector<std::unique_ptr<char[]>> chunks_;
  std::vector<std::size_t> sizes_;
  std::size_t chunk_ = 0;
  std::size_t used_ = 0;
};

class Event {
 public:
  static constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();

  // Clears every field; `field_count` is the size of the FieldTable in use.
  void reset(std::size_t field_count);

  // The value of a field, or nullptr when absent.
  const Value* get(FieldId id) const {
    if (id >= slots_.size() || slots_[id].kind == Kind::kAbsent) return nullptr;
    return &slots_[id];
  }
  // Sets (or replaces) a field. A repeated key keeps the last value.
  void set(FieldId id, const Value& v) {
    if (id >= slots_.size()) slots_.resize(id + 1);
    if (slots_[id].kind == Kind::kAbsent) present_.push_back(id);
    slots_[id] = v;
  }
  // A field the FieldTable does not know (kept only for keyword searches).
  void add_extra(std::string_view name, const Value& v) { extras_.emplace_back(name, v); }

  // Lists: push the elements, then set a Value made by make_list().
  std::uint32_t list_mark() const { return static_cast<std::uint32_t>(list_items_.size()); }
  void push_list_item(const Value& v) { list_items_.push_back(v); }
  Value make_list(std::uint32_t mark) const {
    Value v;
    v.kind = Kind::kList;
    v.list_begin = mark;
    v.list_size = static_cast<std::uint32_t>(list_items_.size()) - mark;
    return v;
  }
  const std::vector<Value>& list_items() const { return list_items_; }

  // Ids of the fields that are set, in insertion order.
  const std::vector<FieldId>& present() const { return present_; }
  const std::vector<std::pair<std::string_view, Value>>& extras() const { return extras_; }

  Arena& arena() { return arena_; }

  // Event time in milliseconds since the Unix epoch (UTC), or kNoTime.
  std::int64_t time_ms = kNoTime;
  // 1-based input line, for reports.
  std::int64_t line = 0;
  // The establishment the event belongs to ("" when unknown): set by whoever decodes and enriches
  // the event (a view with the same lifetime as field values). Correlation never groups events of
  // different tenants together.
  std::string_view tenant;

 private:
  std::vector<Value> slots_;
  std::vector<FieldId> present_;
  std::vector<Value> list_items_;
  std::vector<std::pair<std::string_view, Value>> extras_;
  Arena arena_;
};

}  // namespace vigie::event
