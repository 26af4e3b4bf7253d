#include "store/alert_record.h"

#include <simdjson.h>

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

#include "common/json.h"

namespace vigie::store {
namespace {

namespace dom = simdjson::dom;

void append_int(std::string& out, std::int64_t v) {
  std::array<char, 24> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  out.append(buf.data(), r.ptr);
}

void append_uint(std::string& out, std::uint64_t v) {
  std::array<char, 24> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  out.append(buf.data(), r.ptr);
}

void append_double(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  std::array<char, 32> buf{};  // shortest round-trip form
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  out.append(buf.data(), r.ptr);
}

void key(std::string& out, std::string_view k, bool first = false) {
  if (!first) out.push_back(',');
  out.push_back('"');
  out.append(k);
  out += "\":";
}

void str(std::string& out, std::string_view k, std::string_view v) {
  key(out, k);
  json::append_string(out, v);
}

Status invalid(std::string_view what) {
  return Status::error("invalid-alert", "alert record: " + std::string(what));
}

Status bad_key(std::string_view k, std::string_view expected) {
  return invalid("key '" + std::string(k) + "' is not " + std::string(expected));
}

Status read_string(dom::element v, std::string_view k, std::string& out) {
  std::string_view s;
  if (v.get_string().get(s) != simdjson::SUCCESS) return bad_key(k, "a string");
  out.assign(s);
  return {};
}

Status read_int(dom::element v, std::string_view k, std::int64_t& out) {
  if (v.get_int64().get(out) != simdjson::SUCCESS) return bad_key(k, "a 64-bit integer");
  return {};
}

Status read_string_array(dom::element v, std::string_view k, std::vector<std::string>& out) {
  dom::array arr;
  if (v.get_array().get(arr) != simdjson::SUCCESS) return bad_key(k, "an array of strings");
  out.clear();
  for (dom::element item : arr) {
    std::string_view s;
    if (item.get_string().get(s) != simdjson::SUCCESS) return bad_key(k, "an array of strings");
    out.emplace_back(s);
  }
  return {};
}

Status read_group(dom::element v, std::vector<std::pair<std::string, std::string>>& out) {
  dom::object obj;
  if (v.get_object().get(obj) != simdjson::SUCCESS) return bad_key("group", "an object");
  out.clear();
  for (dom::key_value_pair field : obj) {
    std::string_view s;
    if (field.value.get_string().get(s) != simdjson::SUCCESS) {
      return invalid("a value of key 'group' is not a string");
    }
    out.emplace_back(std::string(field.key), std::string(s));
  }
  return {};
}

Status read_events(dom::element v, std::vector<EventRef>& out) {
  dom::array arr;
  if (v.get_array().get(arr) != simdjson::SUCCESS) return bad_key("events", "an array");
  out.clear();
  for (dom::element item : arr) {
    dom::object obj;
    if (item.get_object().get(obj) != simdjson::SUCCESS) {
      return invalid("an item of key 'events' is not an object");
    }
    EventRef ref;
    unsigned seen = 0;
    for (dom::key_value_pair field : obj) {
      unsigned bit = 0;
      if (field.key == "topic") {
        bit = 1;
        VIGIE_RETURN_IF_ERROR(read_string(field.value, "events.topic", ref.topic));
      } else if (field.key == "partition") {
        bit = 2;
        std::int64_t p = 0;
        VIGIE_RETURN_IF_ERROR(read_int(field.value, "events.partition", p));
        if (p < std::numeric_limits<std::int32_t>::min() ||
            p > std::numeric_limits<std::int32_t>::max()) {
          return bad_key("events.partition", "a 32-bit integer");
        }
        ref.partition = static_cast<std::int32_t>(p);
      } else if (field.key == "offset") {
        bit = 4;
        VIGIE_RETURN_IF_ERROR(read_int(field.value, "events.offset", ref.offset));
      }
      if ((seen & bit) != 0) return invalid("duplicate key in an item of key 'events'");
      seen |= bit;
    }
    out.push_back(std::move(ref));
  }
  return {};
}

// The keys of a record, in to_json() order; the index is the duplicate-detection bit.
constexpr std::array<std::string_view, 19> kKeys = {"id",
                                                    "tenant",
                                                    "kind",
                                                    "rule_id",
                                                    "rule_name",
                                                    "rule_title",
                                                    "rule_file",
                                                    "level",
                                                    "tags",
                                                    "correlation_type",
                                                    "group",
                                                    "time_ms",
                                                    "window_start_ms",
                                                    "window_end_ms",
                                                    "value",
                                                    "event_count",
                                                    "events",
                                                    "status",
                                                    "created_ms"};

Status read_field(std::size_t index, dom::element v, AlertRecord& a) {
  const std::string_view k = kKeys[index];
  switch (index) {
    case 0:
      return read_string(v, k, a.id);
    case 1:
      return read_string(v, k, a.tenant);
    case 2:
      return read_string(v, k, a.kind);
    case 3:
      return read_string(v, k, a.rule_id);
    case 4:
      return read_string(v, k, a.rule_name);
    case 5:
      return read_string(v, k, a.rule_title);
    case 6:
      return read_string(v, k, a.rule_file);
    case 7:
      return read_string(v, k, a.level);
    case 8:
      return read_string_array(v, k, a.tags);
    case 9:
      return read_string(v, k, a.correlation_type);
    case 10:
      return read_group(v, a.group);
    case 11:
      return read_int(v, k, a.time_ms);
    case 12:
      return read_int(v, k, a.window_start_ms);
    case 13:
      return read_int(v, k, a.window_end_ms);
    case 14:
      if (v.is_null()) {
        a.value = std::numeric_limits<double>::quiet_NaN();
        return {};
      }
      if (v.get_double().get(a.value) != simdjson::SUCCESS) return bad_key(k, "a number");
      return {};
    case 15:
      if (v.get_uint64().get(a.event_count) != simdjson::SUCCESS) {
        return bad_key(k, "an unsigned 64-bit integer");
      }
      return {};
    case 16:
      return read_events(v, a.events);
    case 17:
      return read_string(v, k, a.status);
    case 18:
      return read_int(v, k, a.created_ms);
    default:
      return {};
  }
}

}  // namespace

std::string to_json(const AlertRecord& a) {
  std::string out;
  out.reserve(256 + a.events.size() * 48 + a.group.size() * 32);
  out.push_back('{');
  key(out, "id", /*first=*/true);
  json::append_string(out, a.id);
  str(out, "tenant", a.tenant);
  str(out, "kind", a.kind);
  str(out, "rule_id", a.rule_id);
  str(out, "rule_name", a.rule_name);
  str(out, "rule_title", a.rule_title);
  str(out, "rule_file", a.rule_file);
  str(out, "level", a.level);
  key(out, "tags");
  out.push_back('[');
  for (std::size_t i = 0; i < a.tags.size(); ++i) {
    if (i > 0) out.push_back(',');
    json::append_string(out, a.tags[i]);
  }
  out.push_back(']');
  str(out, "correlation_type", a.correlation_type);
  key(out, "group");
  out.push_back('{');
  for (std::size_t i = 0; i < a.group.size(); ++i) {
    if (i > 0) out.push_back(',');
    json::append_string(out, a.group[i].first);
    out.push_back(':');
    json::append_string(out, a.group[i].second);
  }
  out.push_back('}');
  key(out, "time_ms");
  append_int(out, a.time_ms);
  key(out, "window_start_ms");
  append_int(out, a.window_start_ms);
  key(out, "window_end_ms");
  append_int(out, a.window_end_ms);
  key(out, "value");
  append_double(out, a.value);
  key(out, "event_count");
  append_uint(out, a.event_count);
  key(out, "events");
  out.push_back('[');
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += "{\"topic\":";
    json::append_string(out, a.events[i].topic);
    out += ",\"partition\":";
    append_int(out, a.events[i].partition);
    out += ",\"offset\":";
    append_int(out, a.events[i].offset);
    out.push_back('}');
  }
  out.push_back(']');
  str(out, "status", a.status);
  key(out, "created_ms");
  append_int(out, a.created_ms);
  out.push_back('}');
  return out;
}

Result<AlertRecord> alert_from_json(std::string_view json) {
  if (json.size() > kMaxAlertJsonBytes) return invalid("larger than the maximum record size");
  // One parser per thread: its buffers are reused across records (list() reads many).
  thread_local dom::parser parser;
  dom::element doc;
  if (const simdjson::error_code e = parser.parse(json.data(), json.size()).get(doc);
      e != simdjson::SUCCESS) {
    return Status::error("invalid-json", std::string("alert record is not valid JSON: ") +
                                             simdjson::error_message(e));
  }
  dom::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) {
    return invalid("not a JSON object");
  }
  AlertRecord a;
  std::uint32_t seen = 0;
  for (dom::key_value_pair field : obj) {
    std::size_t index = 0;
    while (index < kKeys.size() && kKeys[index] != field.key) ++index;
    if (index == kKeys.size()) continue;  // unknown key: ignored (forward compatibility)
    const std::uint32_t bit = 1U << index;
    if ((seen & bit) != 0) return invalid("duplicate key '" + std::string(kKeys[index]) + "'");
    seen |= bit;
    VIGIE_RETURN_IF_ERROR(read_field(index, field.value, a));
  }
  if ((seen & 1U) == 0) return invalid("key 'id' is missing");
  if (a.id.empty()) return invalid("key 'id' is empty");
  return a;
}

}  // namespace vigie::store
