#include "decode/fields.h"

#include <charconv>

#include "common/json.h"
#include "common/timestamp.h"

namespace vigie::decode {

FieldSetter::FieldSetter(const DecoderSetup& setup, std::span<const std::string_view> names)
    : table_(setup.fields),
      keep_unknown_(setup.keep_unknown_fields),
      names_(names.begin(), names.end()) {
  ids_.reserve(names_.size());
  for (std::string_view n : names_) {
    ids_.push_back(table_ != nullptr ? table_->find(n) : std::nullopt);
  }
}

void FieldSetter::set_named(event::Event& e, std::string_view name, const event::Value& v) const {
  std::optional<event::FieldId> id = table_ != nullptr ? table_->find(name) : std::nullopt;
  if (id) {
    e.set(*id, v);
  } else if (keep_unknown_) {
    e.add_extra(name, v);
  }
}

void intern_all_fields(const Registry& registry, event::FieldTable& table) {
  for (const Plugin& p : registry.plugins()) {
    for (const Format& f : p.formats) {
      for (std::string_view name : f.info.fields) table.intern(name);
    }
  }
}

namespace {

void append_value(std::string& out, const event::Event& e, const event::Value& v) {
  switch (v.kind) {
    case event::Kind::kAbsent:
    case event::Kind::kNull:
      out += "null";
      return;
    case event::Kind::kBool:
      out += v.boolean ? "true" : "false";
      return;
    case event::Kind::kInt:
      out += std::to_string(v.integer);
      return;
    case event::Kind::kDouble:
      if (!v.text.empty()) {
        out += v.text;
      } else {
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof buf, v.real);
        out.append(buf, r.ptr);
      }
      return;
    case event::Kind::kString:
      json::append_string(out, v.text);
      return;
    case event::Kind::kList:
      out += '[';
      for (std::uint32_t i = 0; i < v.list_size; ++i) {
        if (i) out += ',';
        append_value(out, e, e.list_items()[v.list_begin + i]);
      }
      out += ']';
      return;
  }
}

}  // namespace

void append_event_json(std::string& out, const event::Event& e, const event::FieldTable& table) {
  out += '{';
  bool first = true;
  auto key = [&](std::string_view k) {
    if (!first) out += ',';
    first = false;
    json::append_string(out, k);
    out += ':';
  };
  if (e.time_ms != event::Event::kNoTime) {
    key("@timestamp");
    json::append_string(out, format_timestamp_ms(e.time_ms));
  }
  if (!e.tenant.empty()) {
    key("tenant");
    json::append_string(out, e.tenant);
  }
  for (event::FieldId id : e.present()) {
    const event::Value* v = e.get(id);
    if (v == nullptr) continue;
    key(table.name(id));
    append_value(out, e, *v);
  }
  for (const auto& [name, v] : e.extras()) {
    key(name);
    append_value(out, e, v);
  }
  out += '}';
}

}  // namespace vigie::decode
