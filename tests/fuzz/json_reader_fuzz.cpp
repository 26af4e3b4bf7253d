// libFuzzer target for vigie::event::JsonReader: every input is read as each shape, with and
// without keep_unknown_fields, through one reader per configuration (reuse across inputs is part
// of what is tested). Checks the reader's contract, not just absence of crashes: a successful read
// leaves only views that can be read, list ranges inside list_items(), and a reject leaves the
// event empty with a known code.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "event/json_reader.h"

namespace {

using vigie::event::Event;
using vigie::event::FieldTable;
using vigie::event::InputFormat;
using vigie::event::JsonReader;
using vigie::event::Kind;
using vigie::event::ReaderOptions;
using vigie::event::Value;

FieldTable make_table() {
  FieldTable t;
  for (const char* name : {"Provider_Guid", "EventRecordID", "Execution_ProcessID",
                           "Security_UserID", "EventID_Qualifiers", "Keywords", "Data", "a", "a.b",
                           "Threat Name", "ThreatName", "TargetUserName", "CommandLine",
                           "host.name", "event.code", "message", "timestamp", "@timestamp"}) {
    t.intern(name);
  }
  return t;
}

volatile std::size_t g_sink = 0;

void touch(const Event& ev, const Value& v) {
  if (v.kind == Kind::kList) {
    if (static_cast<std::size_t>(v.list_begin) + v.list_size > ev.list_items().size()) std::abort();
    for (std::uint32_t i = 0; i < v.list_size; ++i) {
      const Value& item = ev.list_items()[v.list_begin + i];
      if (item.kind == Kind::kList || item.kind == Kind::kAbsent) std::abort();
      for (char c : item.text) g_sink = g_sink + static_cast<unsigned char>(c);
    }
  }
  for (char c : v.text) g_sink = g_sink + static_cast<unsigned char>(c);
}

bool known_code(std::string_view code) {
  for (std::string_view k : {"empty", "oversized", "invalid-utf8", "too-deep", "not-an-object",
                             "invalid-json", "out-of-memory"}) {
    if (code == k) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const FieldTable table = make_table();
  static JsonReader readers[] = {
      JsonReader(table, ReaderOptions{.max_record_bytes = 1 << 16}),
      JsonReader(table, ReaderOptions{.max_record_bytes = 1 << 16, .keep_unknown_fields = true}),
      JsonReader(table, ReaderOptions{.max_record_bytes = 1 << 16, .max_depth = 4}),
  };
  static Event ev;
  const std::string_view record(reinterpret_cast<const char*>(data), size);
  for (JsonReader& reader : readers) {
    for (InputFormat format : {InputFormat::kAuto, InputFormat::kFlat, InputFormat::kEvtxJson,
                               InputFormat::kWinlogbeat}) {
      const vigie::Status s = reader.read(record, format, ev);
      if (!s.ok()) {
        if (!known_code(s.code()) || !ev.present().empty() || !ev.extras().empty()) std::abort();
        continue;
      }
      if (format != InputFormat::kAuto && reader.last_format() != format) std::abort();
      if (reader.last_format() == InputFormat::kAuto) std::abort();
      for (auto id : ev.present()) {
        const Value* v = ev.get(id);
        if (v == nullptr) std::abort();
        touch(ev, *v);
      }
      for (const auto& [name, v] : ev.extras()) {
        for (char c : name) g_sink = g_sink + static_cast<unsigned char>(c);
        touch(ev, v);
      }
    }
  }
  return 0;
}
