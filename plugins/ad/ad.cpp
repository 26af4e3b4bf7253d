// The ad plugin: Windows event logs as the collectors in hospitals ship them, all decoded to the
// same event with Sigma's Windows field names (EventID, Channel, Provider_Name, Computer,
// TimeCreated_SystemTime, and EventData/UserData fields by their own name), so that SigmaHQ
// rules run on any of them. Field mapping per format: plugins/ad/README.md.
#include <memory>
#include <string_view>

#include "common/timestamp.h"
#include "core_fields.h"
#include "decode/decoder.h"
#include "event/json_reader.h"
#include "ingest/zone.h"
#include "wef.h"

namespace vigie::plugins::ad {
namespace {

using decode::DecoderSetup;
using decode::Format;
using decode::FormatInfo;

// The System fields every format gives (EventData fields are named by the event itself), and
// the common core fields (core_fields.h).
std::vector<std::string_view> system_fields() { return windows_event_fields(); }

constexpr decode::Logsource kWindows{"windows", "", ""};

// First non-blank byte of a record (line ends included: a pretty-printed object has them).
std::string_view trim_front(std::string_view r) {
  while (!r.empty() &&
         (r.front() == ' ' || r.front() == '\t' || r.front() == '\r' || r.front() == '\n')) {
    r.remove_prefix(1);
  }
  return r;
}

bool json_object(std::string_view r) {
  r = trim_front(r);
  return !r.empty() && r.front() == '{';
}

// Whether `r` has `quoted_key` followed by ':' and '{' (a key holding an object), not preceded
// by a backslash (an escaped quote inside a string value). JSON whitespace may surround the ':'.
bool has_object_key(std::string_view r, std::string_view quoted_key) {
  for (std::size_t at = r.find(quoted_key); at != std::string_view::npos;
       at = r.find(quoted_key, at + 1)) {
    if (at > 0 && r[at - 1] == '\\') continue;
    std::size_t i = r.find_first_not_of(" \t\r\n", at + quoted_key.size());
    if (i == std::string_view::npos || r[i] != ':') continue;
    i = r.find_first_not_of(" \t\r\n", i + 1);
    if (i != std::string_view::npos && r[i] == '{') return true;
  }
  return false;
}

// The first `n` bytes of `r`: sniffing looks at a record's beginning only.
std::string_view head(std::string_view r, std::size_t n = 512) { return r.substr(0, n); }

// A JSON format read by event::JsonReader in one of its shapes.
class JsonDecoder : public decode::Decoder {
 public:
  // core_ is built first: it interns the fields it needs before the reader looks at the table.
  JsonDecoder(const DecoderSetup& setup, event::InputFormat shape)
      : core_(*setup.fields), reader_(*setup.fields, options(setup)), shape_(shape) {}

  Status decode(std::string_view record, const decode::RecordContext&, event::Event& out) override {
    Status s = reader_.read(record, shape_, out);
    if (s.ok()) core_.apply(out);
    return s;
  }

 protected:
  static event::ReaderOptions options(const DecoderSetup& setup) {
    event::ReaderOptions o;
    o.max_record_bytes = setup.max_record_bytes;
    o.keep_unknown_fields = setup.keep_unknown_fields;
    return o;
  }
  WindowsCore core_;
  event::JsonReader reader_;
  event::InputFormat shape_;
};

// NXLog im_msvistalog + xm_json: flat keys, EventData at top level, System fields under NXLog's
// own names (Hostname, SourceName, ProviderGuid, RecordNumber, ProcessID, ThreadID) and EventTime
// in the agent's local time without offset ("2026-03-14 01:04:30", NXLog's default) or with one
// (when the agent's config formats it as ISO 8601).
class NxlogDecoder : public JsonDecoder {
 public:
  NxlogDecoder(const DecoderSetup& setup)
      : JsonDecoder(with_sources(setup), event::InputFormat::kFlat),
        fields_(*setup.fields),
        zone_(setup.zone),
        system_time_(setup.fields->find("TimeCreated_SystemTime")) {}

  Status decode(std::string_view record, const decode::RecordContext& ctx,
                event::Event& out) override {
    Status s = reader_.read(record, shape_, out);
    if (!s) return s;
    for (const Rename& r : renames()) copy(out, fields_.find(r.from), fields_.find(r.to));
    const event::Value* t = get(out, "EventTime");
    if (t == nullptr) t = get(out, "EventReceivedTime");
    if (t != nullptr && t->kind == event::Kind::kString) {
      std::optional<std::int64_t> ms = parse_timestamp_ms(t->text);
      const bool has_offset = ms && has_zone_designator(t->text);
      if (ms && !has_offset && zone_ != nullptr) ms = zone_->local_to_utc_ms(*ms);
      if (!ms) {
        return Status::error("bad-time", "EventTime is not a timestamp (YYYY-MM-DD hh:mm:ss)");
      }
      out.time_ms = *ms;
      if (system_time_ && out.get(*system_time_) == nullptr) {
        const std::string text = format_timestamp_ms(*ms);
        out.set(*system_time_, event::Value::string(out.arena().copy(text)));
      }
    }
    (void)ctx;
    core_.apply(out);
    return s;
  }

  struct Rename {
    std::string_view from, to;
  };
  static std::span<const Rename> renames() {
    static constexpr Rename kRenames[] = {{"Hostname", "Computer"},
                                          {"SourceName", "Provider_Name"},
                                          {"ProviderGuid", "Provider_Guid"},
                                          {"RecordNumber", "EventRecordID"},
                                          {"ProcessID", "Execution_ProcessID"},
                                          {"ThreadID", "Execution_ThreadID"},
                                          {"UserID", "Security_UserID"}};
    return kRenames;
  }

 private:
  static const DecoderSetup& with_sources(const DecoderSetup& setup) {
    for (const Rename& r : renames()) setup.fields->intern(r.from);
    setup.fields->intern("EventTime");
    setup.fields->intern("EventReceivedTime");
    return setup;
  }
  static bool has_zone_designator(std::string_view t) {
    if (t.size() < 11) return false;
    std::string_view time = t.substr(10);
    return time.find_first_of("Zz+") != std::string_view::npos ||
           time.find('-') != std::string_view::npos;
  }
  const event::Value* get(const event::Event& e, std::string_view name) const {
    std::optional<event::FieldId> id = fields_.find(name);
    return id ? e.get(*id) : nullptr;
  }
  static void copy(event::Event& e, std::optional<event::FieldId> from,
                   std::optional<event::FieldId> to) {
    if (!from || !to || e.get(*to) != nullptr) return;
    if (const event::Value* v = e.get(*from)) e.set(*to, *v);
  }

  const event::FieldTable& fields_;
  const ingest::Zone* zone_;
  std::optional<event::FieldId> system_time_;
};

std::vector<std::string_view> nxlog_fields() {
  std::vector<std::string_view> f = system_fields();
  for (const NxlogDecoder::Rename& r : NxlogDecoder::renames()) f.push_back(r.from);
  f.insert(f.end(), {"EventTime", "EventReceivedTime", "EventType", "Severity", "SeverityValue",
                     "Category", "Message", "SourceModuleName", "SourceModuleType"});
  return f;
}

Format json_format(std::string_view name, std::string_view description,
                   std::vector<std::string_view> fields, event::InputFormat shape,
                   std::function<bool(std::string_view)> sniff) {
  Format f;
  f.info = FormatInfo{name, description, kWindows, std::move(fields)};
  f.sniff = std::move(sniff);
  f.make = [shape](const DecoderSetup& setup) -> std::unique_ptr<decode::Decoder> {
    return std::make_unique<JsonDecoder>(setup, shape);
  };
  return f;
}

}  // namespace

void register_plugin(decode::Registry& registry) {
  decode::Plugin p{"ad", decode::Family::kAd, {}};
  p.formats.push_back(
      json_format("winlogbeat", "Winlogbeat 7/8 JSON as the beat ships it (winlog.*, @timestamp)",
                  system_fields(), event::InputFormat::kWinlogbeat, [](std::string_view r) {
                    return json_object(r) && has_object_key(head(r, 8192), "\"winlog\"");
                  }));
  p.formats.push_back(json_format(
      "evtx-json", "evtx_dump JSON ({\"Event\": {\"System\": ..., \"EventData\": ...}})",
      system_fields(), event::InputFormat::kEvtxJson, [](std::string_view r) {
        r = trim_front(r);
        if (r.substr(0, 1) != "{") return false;
        r = trim_front(r.substr(1));
        return r.substr(0, 7) == "\"Event\"";
      }));
  {
    Format f;
    f.info =
        FormatInfo{"nxlog", "NXLog im_msvistalog JSON (flat keys, EventTime in the agent's zone)",
                   kWindows, nxlog_fields()};
    f.sniff = [](std::string_view r) {
      return json_object(r) &&
             (head(r, 8192).find("\"SourceModuleType\"") != std::string_view::npos ||
              (head(r).find("\"EventTime\"") != std::string_view::npos &&
               head(r, 8192).find("\"Hostname\"") != std::string_view::npos));
    };
    f.make = [](const DecoderSetup& setup) -> std::unique_ptr<decode::Decoder> {
      return std::make_unique<NxlogDecoder>(setup);
    };
    p.formats.push_back(std::move(f));
  }
  p.formats.push_back(wef_format());
  p.formats.push_back(json_format(
      "flat", "JSON already in Sigma field names (vigie decode output, Sigma-flat logs)",
      system_fields(), event::InputFormat::kFlat, json_object));
  p.formats.back().catch_all = true;
  registry.add(std::move(p));
}

}  // namespace vigie::plugins::ad
