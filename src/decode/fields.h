// FieldSetter: how a decoder puts values into an Event under Sigma field names.
//
// A decoder declares its fixed field names once; the setter resolves them against the run's
// FieldTable at construction, so setting a field on the hot path is an array index. Names only
// known per record (Windows EventData, key=value pairs) go through set_named(), one table lookup.
// A field the table does not know is dropped, or kept as an extra when keep_unknown_fields is set.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "decode/decoder.h"

namespace vigie::decode {

class FieldSetter {
 public:
  FieldSetter(const DecoderSetup& setup, std::span<const std::string_view> names);

  // Field `i` of the names given at construction.
  void set(event::Event& e, std::size_t i, const event::Value& v) const {
    const std::optional<event::FieldId>& id = ids_[i];
    if (id) {
      e.set(*id, v);
    } else if (keep_unknown_) {
      e.add_extra(names_[i], v);
    }
  }
  void set_string(event::Event& e, std::size_t i, std::string_view s) const {
    set(e, i, event::Value::string(s));
  }
  // A field named at decode time. `name` must outlive the event (a view into the record, the
  // event's arena, or a literal).
  void set_named(event::Event& e, std::string_view name, const event::Value& v) const;

  // Whether field `i` is wanted at all (resolves to an id, or extras are kept): lets a decoder
  // skip building a value nobody reads.
  bool wanted(std::size_t i) const { return ids_[i].has_value() || keep_unknown_; }

 private:
  const event::FieldTable* table_;
  bool keep_unknown_;
  std::vector<std::string_view> names_;
  std::vector<std::optional<event::FieldId>> ids_;
};

// Interns every field of every format of `registry` into `table`: what `vigie decode` does so
// that all decoded fields are printed.
void intern_all_fields(const Registry& registry, event::FieldTable& table);

// Appends `e` as one JSON object: "@timestamp" (UTC, milliseconds, when the event has a time),
// "tenant" (when set), then every field in the order it was set, then extras. Values keep their
// kind: numbers and booleans as written, lists as arrays.
void append_event_json(std::string& out, const event::Event& e, const event::FieldTable& table);

}  // namespace vigie::decode
