#include "event/json_reader.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "common/timestamp.h"
#include "event/padded_record.h"

namespace vigie::event {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

// Recursion in the walkers is bounded by max_depth; this cap keeps the worst case well inside a
// thread's stack whatever the configuration says.
constexpr std::size_t kMaxSupportedDepth = 1024;
// simdjson addresses its structural index with 32-bit offsets.
constexpr std::size_t kMaxSupportedBytes = 0xFFFFFFFFULL - simdjson::SIMDJSON_PADDING;
constexpr FieldId kNoField = std::numeric_limits<FieldId>::max();

// Event-time candidates: a higher rank wins over a lower one, whatever the key order.
enum TimeRank : int {
  kNoTimeRank = 0,
  kFlatTimestampRank = 1,    // flat "timestamp"
  kFlatAtTimestampRank = 2,  // flat "@timestamp"
  kSystemTimeRank = 3,       // TimeCreated_SystemTime, winlogbeat "@timestamp"
};

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && is_json_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// RFC 8259 number grammar. Used only when simdjson refuses a number, to tell an out-of-range but
// well-formed number (kept as +/-infinity) from a malformed one (invalid JSON).
bool is_json_number(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  if (i < n && s[i] == '-') ++i;
  if (i >= n) return false;
  if (s[i] == '0') {
    ++i;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < n && is_digit(s[i])) ++i;
  } else {
    return false;
  }
  if (i < n && s[i] == '.') {
    const std::size_t start = ++i;
    while (i < n && is_digit(s[i])) ++i;
    if (i == start) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    const std::size_t start = i;
    while (i < n && is_digit(s[i])) ++i;
    if (i == start) return false;
  }
  return i == n;
}

// Offset of the first byte that does not start a well-formed UTF-8 sequence (Unicode table 3-7).
// Only called after simdjson found invalid UTF-8, to say where.
std::size_t first_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c == 0xE0) {
      len = 3;
      lo = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      len = 3;
    } else if (c == 0xED) {
      len = 3;
      hi = 0x9F;
    } else if (c == 0xF0) {
      len = 4;
      lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      len = 4;
    } else if (c == 0xF4) {
      len = 4;
      hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n) return i;
    const auto c1 = static_cast<unsigned char>(s[i + 1]);
    if (c1 < lo || c1 > hi) return i;
    for (std::size_t k = 2; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return i;
    }
    i += len;
  }
  return n;
}

// Offset of the bracket where nesting first exceeds `max_depth`, or npos. The whole record is
// checked, values the walkers will skip included, so that "too-deep" does not depend on which
// fields are interned. Typical records have a handful of brackets: counting them with memchr
// settles most records without the byte-by-byte scan.
std::size_t find_too_deep(std::string_view s, std::size_t max_depth) {
  std::size_t openers = 0;
  for (const char open : {'{', '['}) {
    const char* p = s.data();
    const char* end = s.data() + s.size();
    while (openers <= max_depth && (p = static_cast<const char*>(
                                        std::memchr(p, open, static_cast<std::size_t>(end - p))))) {
      ++openers;
      ++p;
    }
  }
  if (openers <= max_depth) return std::string_view::npos;

  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '{':
      case '[':
        if (++depth > max_depth) return i;
        break;
      case '}':
      case ']':
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return std::string_view::npos;
}

// Winlogbeat fields that have a Sigma (Windows XML) name.
struct BeatName {
  std::string_view ecs;
  std::string_view sigma;
};
constexpr BeatName kBeatNames[] = {
    {"winlog.event_id", "EventID"},
    {"winlog.channel", "Channel"},
    {"winlog.provider_name", "Provider_Name"},
    {"winlog.provider_guid", "Provider_Guid"},
    {"winlog.computer_name", "Computer"},
    {"winlog.record_id", "EventRecordID"},
    {"winlog.process.pid", "Execution_ProcessID"},
    {"winlog.process.thread.id", "Execution_ThreadID"},
    {"winlog.user.identifier", "Security_UserID"},
    {"winlog.task", "Task"},
    {"winlog.opcode", "Opcode"},
    {"winlog.keywords", "Keywords"},
};
constexpr std::string_view kBeatEventId = "winlog.event_id";
constexpr std::string_view kBeatEventCode = "event.code";
constexpr std::string_view kBeatEventData = "winlog.event_data";
constexpr std::string_view kBeatUserData = "winlog.user_data";
constexpr std::string_view kAtTimestamp = "@timestamp";
constexpr std::string_view kSystemTime = "TimeCreated_SystemTime";
constexpr std::string_view kAttributes = "#attributes";
constexpr std::string_view kText = "#text";
constexpr std::string_view kData = "Data";
constexpr std::string_view kSeparateAttributesSuffix = "_attributes";

std::string_view beat_sigma_name(std::string_view path) {
  if (path.size() < 7 || path.compare(0, 7, "winlog.") != 0) return {};
  for (const BeatName& b : kBeatNames) {
    if (b.ecs == path) return b.sigma;
  }
  return {};
}

}  // namespace

std::optional<InputFormat> parse_input_format(std::string_view name) {
  for (InputFormat f :
       {InputFormat::kAuto, InputFormat::kFlat, InputFormat::kEvtxJson, InputFormat::kWinlogbeat}) {
    if (to_string(f) == name) return f;
  }
  return std::nullopt;
}

std::string_view to_string(InputFormat f) {
  switch (f) {
    case InputFormat::kAuto:
      return "auto";
    case InputFormat::kFlat:
      return "flat";
    case InputFormat::kEvtxJson:
      return "evtx-json";
    case InputFormat::kWinlogbeat:
      return "winlogbeat";
  }
  return "unknown";
}

class JsonReader::Impl {
 public:
  Impl(const FieldTable& fields, ReaderOptions options)
      : fields_(fields),
        max_bytes_(std::min(options.max_record_bytes, kMaxSupportedBytes)),
        max_depth_(std::min(options.max_depth, kMaxSupportedDepth)),
        keep_unknown_(options.keep_unknown_fields),
        parser_(max_bytes_) {}

  Status read(std::string_view record, InputFormat format, Event& out);
  InputFormat last_format() const { return last_format_; }

 private:
  // Where one decoded value goes.
  struct Sink {
    FieldId id = kNoField;
    FieldId alias = kNoField;  // the space-free spelling of a name with spaces
    bool extra = false;        // neither is interned and unknown fields are kept
    bool wanted() const { return id != kNoField || alias != kNoField || extra; }
  };

  Sink resolve(std::string_view name);
  // `stable`: `name` outlives the read (a key in simdjson's string buffer, a literal); otherwise
  // it is a scratch buffer and goes into the event's arena when kept as an extra.
  void store(const Sink& sink, std::string_view name, bool stable, const Value& v);

  error_code parse_number(od::value& v, Value& out);
  error_code parse_leaf(od::value& v, od::json_type t, Value& out);
  error_code parse_list(od::value& v, Value& out);
  // A leaf or a list; nullopt-like `present = false` for an object.
  error_code parse_value(od::value& v, od::json_type t, Value& out, bool& present);
  // Decodes `v` into `name` when someone wants it (or it is an event-time candidate).
  error_code emit(std::string_view name, bool stable, od::value& v, od::json_type t, int rank,
                  Value* captured = nullptr);
  void consider_time(const Value& v, int rank);

  error_code detect(od::document& doc, InputFormat& shape);
  error_code flat_object(od::object obj, std::size_t depth);
  error_code beat_object(od::object obj, std::size_t depth, bool leaf_names);
  error_code evtx_root(od::object obj);
  error_code evtx_event(od::object obj, std::size_t depth);
  error_code evtx_system(od::object obj, std::size_t depth);
  error_code evtx_attributes(std::string_view element, od::object obj);
  error_code evtx_element(std::string_view self, od::object obj, std::size_t depth,
                          bool in_data_array);
  error_code evtx_data_array(od::array arr, std::size_t depth);

  error_code enter(std::size_t child_depth) const {
    return child_depth > max_depth_ ? simdjson::DEPTH_ERROR : simdjson::SUCCESS;
  }

  Status fail(Event& out, std::string code, std::string message) {
    out.reset(fields_.size());
    return Status::error(std::move(code), std::move(message));
  }
  Status json_fail(Event& out, error_code e, od::document* doc);
  std::string at_offset(od::document* doc) const;

  const FieldTable& fields_;
  const std::size_t max_bytes_;
  const std::size_t max_depth_;
  const bool keep_unknown_;
  od::parser parser_;
  PaddedRecord record_;  // the record being read, padded for simdjson
  InputFormat last_format_ = InputFormat::kFlat;

  // Objects worth walking when unknown fields are not kept: every dotted prefix of an interned
  // name ("winlog", "winlog.event_data"...), plus the Winlogbeat objects that hold Sigma-named
  // fields. Any other object is skipped unread (simdjson jumps over it). Rebuilt when the
  // FieldTable has grown since.
  bool wanted_object(std::string_view path, bool beat);
  void build_prefixes();
  std::vector<std::string> prefixes_;       // sorted
  std::vector<std::string> beat_prefixes_;  // sorted: prefixes_ + the Winlogbeat objects
  std::size_t prefixes_for_fields_ = 0;     // fields_.size() when built

  // Per-read state.
  Event* out_ = nullptr;
  int time_rank_ = kNoTimeRank;
  bool saw_event_id_ = false;  // winlogbeat: winlog.event_id was in the record
  bool have_event_code_ = false;
  Value event_code_;

  // Scratch, reused from record to record.
  std::string path_;                 // dotted name of the current flat/winlogbeat key
  std::string alias_;                // resolve(): the name without spaces
  std::string attr_name_;            // evtx: Element_Attr
  std::vector<Value> unnamed_data_;  // evtx: unnamed Data values of the Data arrays being read
};

void JsonReader::Impl::build_prefixes() {
  prefixes_.clear();
  for (FieldId id = 0; id < fields_.size(); ++id) {
    const std::string& name = fields_.name(id);
    for (std::size_t dot = name.find('.'); dot != std::string::npos;
         dot = name.find('.', dot + 1)) {
      prefixes_.push_back(name.substr(0, dot));
    }
  }
  beat_prefixes_ = prefixes_;
  for (const BeatName& b : kBeatNames) {
    for (std::size_t dot = b.ecs.find('.'); dot != std::string_view::npos;
         dot = b.ecs.find('.', dot + 1)) {
      beat_prefixes_.emplace_back(b.ecs.substr(0, dot));
    }
  }
  beat_prefixes_.emplace_back(kBeatEventData);
  beat_prefixes_.emplace_back(kBeatUserData);
  beat_prefixes_.emplace_back(kBeatEventCode.substr(0, kBeatEventCode.find('.')));
  for (auto* v : {&prefixes_, &beat_prefixes_}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  prefixes_for_fields_ = fields_.size();
}

bool JsonReader::Impl::wanted_object(std::string_view path, bool beat) {
  if (keep_unknown_) return true;
  if (prefixes_for_fields_ != fields_.size()) build_prefixes();
  const std::vector<std::string>& set = beat ? beat_prefixes_ : prefixes_;
  if (std::binary_search(set.begin(), set.end(), path, std::less<>())) return true;
  if (path.find(' ') == std::string_view::npos) return false;
  // A name with spaces also answers without them (resolve()): so does the object it leads to.
  alias_.clear();
  for (char c : path) {
    if (c != ' ') alias_.push_back(c);
  }
  return std::binary_search(set.begin(), set.end(), alias_, std::less<>());
}

JsonReader::Impl::Sink JsonReader::Impl::resolve(std::string_view name) {
  Sink s;
  if (auto id = fields_.find(name)) s.id = *id;
  if (name.find(' ') != std::string_view::npos) {
    alias_.clear();
    for (char c : name) {
      if (c != ' ') alias_.push_back(c);
    }
    if (auto id = fields_.find(alias_)) s.alias = *id;
  }
  s.extra = keep_unknown_ && s.id == kNoField && s.alias == kNoField;
  return s;
}

void JsonReader::Impl::store(const Sink& sink, std::string_view name, bool stable, const Value& v) {
  if (sink.id != kNoField) out_->set(sink.id, v);
  if (sink.alias != kNoField && sink.alias != sink.id) out_->set(sink.alias, v);
  if (sink.extra) out_->add_extra(stable ? name : out_->arena().copy(name), v);
}

error_code JsonReader::Impl::parse_number(od::value& v, Value& out) {
  // raw_json_token() before any get_*(): it is the token as written (plus trailing spaces).
  const std::string_view text = trim_right(v.raw_json_token());
  od::number_type type;
  SIMDJSON_TRY(v.get_number_type().get(type));
  if (type == od::number_type::signed_integer) {
    std::int64_t i = 0;
    if (v.get_int64().get(i) == simdjson::SUCCESS) {
      out = Value::integer_value(i, text);
      return simdjson::SUCCESS;
    }
  }
  double d = 0;
  if (v.get_double().get(d) == simdjson::SUCCESS) {
    out = Value::real_value(d, text);
    return simdjson::SUCCESS;
  }
  if (!is_json_number(text)) return simdjson::NUMBER_ERROR;
  // Well-formed but beyond a double (1e400): simdjson refuses it, JSON does not.
  out = Value::real_value(text.front() == '-' ? -std::numeric_limits<double>::infinity()
                                              : std::numeric_limits<double>::infinity(),
                          text);
  return simdjson::SUCCESS;
}

error_code JsonReader::Impl::parse_leaf(od::value& v, od::json_type t, Value& out) {
  switch (t) {
    case od::json_type::string: {
      std::string_view s;
      SIMDJSON_TRY(v.get_string().get(s));
      out = Value::string(s);
      return simdjson::SUCCESS;
    }
    case od::json_type::number:
      return parse_number(v, out);
    case od::json_type::boolean: {
      bool b = false;
      SIMDJSON_TRY(v.get_bool().get(b));
      out = Value::bool_value(b);
      return simdjson::SUCCESS;
    }
    case od::json_type::null: {
      bool is_null = false;
      SIMDJSON_TRY(v.is_null().get(is_null));
      if (!is_null) return simdjson::N_ATOM_ERROR;
      out = Value::null();
      return simdjson::SUCCESS;
    }
    case od::json_type::array:
    case od::json_type::object:
      break;
  }
  return simdjson::INCORRECT_TYPE;
}

error_code JsonReader::Impl::parse_list(od::value& v, Value& out) {
  od::array arr;
  SIMDJSON_TRY(v.get_array().get(arr));
  const std::uint32_t mark = out_->list_mark();
  for (auto element_result : arr) {
    od::value element;
    SIMDJSON_TRY(element_result.get(element));
    od::json_type t;
    SIMDJSON_TRY(element.type().get(t));
    // Objects and nested arrays are not list items; the iterator skips them unread.
    if (t == od::json_type::object || t == od::json_type::array) continue;
    Value item;
    SIMDJSON_TRY(parse_leaf(element, t, item));
    out_->push_list_item(item);
  }
  out = out_->make_list(mark);
  return simdjson::SUCCESS;
}

error_code JsonReader::Impl::parse_value(od::value& v, od::json_type t, Value& out, bool& present) {
  present = t != od::json_type::object;
  if (t == od::json_type::object) return simdjson::SUCCESS;
  if (t == od::json_type::array) return parse_list(v, out);
  return parse_leaf(v, t, out);
}

void JsonReader::Impl::consider_time(const Value& v, int rank) {
  if (rank <= time_rank_ || v.kind != Kind::kString) return;
  if (auto ms = parse_timestamp_ms(v.text)) {
    out_->time_ms = *ms;
    time_rank_ = rank;
  }
}

error_code JsonReader::Impl::emit(std::string_view name, bool stable, od::value& v, od::json_type t,
                                  int rank, Value* captured) {
  const Sink sink = resolve(name);
  if (!sink.wanted() && rank == kNoTimeRank && captured == nullptr) return simdjson::SUCCESS;
  Value value;
  if (t == od::json_type::array) {
    SIMDJSON_TRY(parse_list(v, value));
  } else {
    SIMDJSON_TRY(parse_leaf(v, t, value));
  }
  consider_time(value, rank);
  store(sink, name, stable, value);
  if (captured != nullptr) *captured = value;
  return simdjson::SUCCESS;
}

error_code JsonReader::Impl::detect(od::document& doc, InputFormat& shape) {
  od::object obj;
  SIMDJSON_TRY(doc.get_object().get(obj));
  shape = InputFormat::kFlat;
  for (auto field_result : obj) {
    od::field field;
    SIMDJSON_TRY(std::move(field_result).get(field));
    std::string_view key;
    SIMDJSON_TRY(field.unescaped_key().get(key));
    if (key != "Event" && key != "winlog") continue;
    od::json_type t;
    SIMDJSON_TRY(field.value().type().get(t));
    if (t != od::json_type::object) continue;
    if (key == "Event") {
      shape = InputFormat::kEvtxJson;  // wins over "winlog" wherever that one is
      break;
    }
    shape = InputFormat::kWinlogbeat;
  }
  // Walking again from the start also resets simdjson's string buffer, so the keys unescaped
  // above take no room.
  doc.rewind();
  return simdjson::SUCCESS;
}

error_code JsonReader::Impl::flat_object(od::object obj, std::size_t depth) {
  for (auto field_result : obj) {
    od::field field;
    SIMDJSON_TRY(std::move(field_result).get(field));
    std::string_view key;
    SIMDJSON_TRY(field.unescaped_key().get(key));
    od::value& v = field.value();
    od::json_type t;
    SIMDJSON_TRY(v.type().get(t));
    const std::size_t saved = path_.size();
    if (depth > 1) path_.push_back('.');
    path_.append(key);
    if (t == od::json_type::object) {
      if (wanted_object(path_, /*beat=*/false)) {
        SIMDJSON_TRY(enter(depth + 1));
        od::object child;
        SIMDJSON_TRY(v.get_object().get(child));
        SIMDJSON_TRY(flat_object(child, depth + 1));
      }
    } else if (depth == 1) {
      int rank = kNoTimeRank;
      if (key == kSystemTime) {
        rank = kSystemTimeRank;
      } else if (key == kAtTimestamp) {
        rank = kFlatAtTimestampRank;
      } else if (key == "timestamp") {
        rank = kFlatTimestampRank;
      }
      SIMDJSON_TRY(emit(key, /*stable=*/true, v, t, rank));
    } else {
      SIMDJSON_TRY(emit(path_, /*stable=*/false, v, t, kNoTimeRank));
    }
    path_.resize(saved);
  }
  return simdjson::SUCCESS;
}

error_code JsonReader::Impl::beat_object(od::object obj, std::size_t depth, bool leaf_names) {
  for (auto field_result : obj) {
    od::field field;
    SIMDJSON_TRY(std::move(field_result).get(field));
    std::string_view key;
    SIMDJSON_TRY(field.unescaped_key().get(key));
    od::value& v = field.value();
    od::json_type t;
    SIMDJSON_TRY(v.type().get(t));
    if (leaf_names) {  // inside winlog.event_data / winlog.user_data
      if (t == od::json_type::object) {
        SIMDJSON_TRY(enter(depth + 1));
        od::object child;
        SIMDJSON_TRY(v.get_object().get(child));
        SIMDJSON_TRY(beat_object(child, depth + 1, /*leaf_names=*/true));
      } else {
        SIMDJSON_TRY(emit(key, /*stable=*/true, v, t, kNoTimeRank));
      }
      continue;
    }
    const std::size_t saved = path_.size();
    if (depth > 1) path_.push_back('.');
    path_.append(key);
    if (t == od::json_type::object) {
      if (wanted_object(path_, /*beat=*/true)) {
        SIMDJSON_TRY(enter(depth + 1));
        od::object child;
        SIMDJSON_TRY(v.get_object().get(child));
        const bool data = path_ == kBeatEventData || path_ == kBeatUserData;
        SIMDJSON_TRY(beat_object(child, depth + 1, data));
      }
    } else if (const std::string_view sigma = beat_sigma_name(path_); !sigma.empty()) {
      if (path_ == kBeatEventId) saw_event_id_ = true;
      SIMDJSON_TRY(emit(sigma, /*stable=*/true, v, t, kNoTimeRank));
    } else if (depth == 1 && key == kAtTimestamp) {
      SIMDJSON_TRY(emit(kSystemTime, /*stable=*/true, v, t, kSystemTimeRank));
    } else if (path_ == kBeatEventCode) {
      // Kept under its ECS name, and held back as EventID in case winlog.event_id is absent.
      SIMDJSON_TRY(emit(kBeatEventCode, /*stable=*/true, v, t, kNoTimeRank, &event_code_));
      have_event_code_ = true;
    } else {
      SIMDJSON_TRY(emit(depth == 1 ? key : std::string_view(path_), depth == 1, v, t, kNoTimeRank));
    }
    path_.resize(saved);
  }
  return simdjson::SUCCESS;
}

error_code JsonReader::Impl::evtx_root(od::object obj) {
  for (auto field_result : obj) {
    od::field field;
    SIMDJSON_TRY(std::move(field_result).get(field));
    std::string_view key;
    SIMDJSON_TRY(field.unescaped_key().get(key));
    if (key != "Event") continue;
    od::json_type t;
    SIMDJSON_TRY(field.value().type().get(t));
    if (t != od::json_type::object) continue;
    SIMDJSON_TRY(enter(2));
    od::object event;
    SIMDJSON_TRY(field.value().get_object().get(event));
    SIMDJSON_TRY(evtx_event(event, 2));
  }
  return simdjson::SUCCESS;
}

error_code JsonReader::Impl::evtx_event(od::object obj, std::size_t depth) {
  for (auto field_result : obj) {
    od::field field;
    SIMDJSON_TRY(std::move(field_result).get(field));
    std::string_view key;
    SIMDJSON_TRY(field.unescaped_key().get(key));
    const bool system = key == "System";
    if (!system && key != "EventData" && key != "UserData") continue;
    od::json_type t;
    SIMDJSON_TRY(field.value().type().get(t));
    if (t != od::json_type::object) continue;  // "EventData": null
    SIMDJSON_TRY(enter(depth + 1));
    od::object child;
    SIMDJSON_TRY(field.value().get_object().get(child));
    if (system) {
      SIMDJSON_TRY(evtx_system(child, depth + 1));
    } else {
      SIMDJSON_TRY(evtx_element(key, child, depth + 1, /*in_data_array=*/false));
    }
  }
  return simdjson::SUCCESS;
}

error_code JsonReader::Impl::evtx_system(od::object obj, std::size_t depth) {
  for (auto field_result : obj) {
    od::field field;
    SIMDJSON_TRY(std::move(field_result).get(field));
    std::string_view key;
    SIMDJSON_TRY(field.unescaped_key().get(key));
    od::value& v = field.value();
    od::json_type t;
    SIMDJSON_TRY(v.type().get(t));
    if (t != od::json_type::object) {
      SIMDJSON_TRY(emit(key, /*stable=*/true, v, t, kNoTimeRank));
      continue;
    }
    SIMDJSON_TRY(enter(depth + 1));
    od::object element;
    SIMDJSON_TRY(v.get_object().get(element));
    if (key.size() > kSeparateAttributesSuffix.size() && key.ends_with(kSeparateAttributesSuffix)) {
      // evtx_dump --separate-json-attributes: "TimeCreated_attributes": {"SystemTime": ...}
      key.remove_suffix(kSeparateAttributesSuffix.size());
      SIMDJSON_TRY(evtx_attributes(key, element));
      continue;
    }
    for (auto member_result : element) {
      od::field member;
      SIMDJSON_TRY(std::move(member_result).get(member));
      std::string_view name;
      SIMDJSON_TRY(member.unescaped_key().get(name));
      od::value& mv = member.value();
      od::json_type mt;
      SIMDJSON_TRY(mv.type().get(mt));
      if (name == kText && mt != od::json_type::object) {
        SIMDJSON_TRY(emit(key, /*stable=*/true, mv, mt, kNoTimeRank));
      } else if (name == kAttributes && mt == od::json_type::object) {
        SIMDJSON_TRY(enter(depth + 2));
        od::object attributes;
        SIMDJSON_TRY(mv.get_object().get(attributes));
        SIMDJSON_TRY(evtx_attributes(key, attributes));
      }
    }
  }
  return simdjson::SUCCESS;
}

error_code JsonReader::Impl::evtx_attributes(std::string_view element, od::object obj) {
  for (auto field_result : obj) {
    od::field field;
    SIMDJSON_TRY(std::move(field_result).get(field));
    std::string_view attribute;
    SIMDJSON_TRY(field.unescaped_key().get(attribute));
    od::value& v = field.value();
    od::json_type t;
    SIMDJSON_TRY(v.type().get(t));
    if (t == od::json_type::object) continue;
    attr_name_.assign(element);
    attr_name_.push_back('_');
    attr_name_.append(attribute);
    const int rank = attr_name_ == kSystemTime ? kSystemTimeRank : kNoTimeRank;
    SIMDJSON_TRY(emit(attr_name_, /*stable=*/false, v, t, rank));
  }
  return simdjson::SUCCESS;
}

// An object under key `self` inside EventData/UserData (or EventData/UserData itself): members
// are fields by their own name; "#text" is the value of `self` (or of the Data element's Name
// attribute); nested objects are walked the same way.
error_code JsonReader::Impl::evtx_element(std::string_view self, od::object obj, std::size_t depth,
                                          bool in_data_array) {
  const bool data_element = self == kData;
  std::string_view data_name;  // the Name attribute of a Data element
  Value text;
  bool has_text = false;
  for (auto field_result : obj) {
    od::field field;
    SIMDJSON_TRY(std::move(field_result).get(field));
    std::string_view key;
    SIMDJSON_TRY(field.unescaped_key().get(key));
    od::value& v = field.value();
    od::json_type t;
    SIMDJSON_TRY(v.type().get(t));
    if (key == kAttributes) {
      if (!data_element || t != od::json_type::object) continue;  // xmlns and the like
      SIMDJSON_TRY(enter(depth + 1));
      od::object attributes;
      SIMDJSON_TRY(v.get_object().get(attributes));
      for (auto attribute_result : attributes) {
        od::field attribute;
        SIMDJSON_TRY(std::move(attribute_result).get(attribute));
        std::string_view attribute_name;
        SIMDJSON_TRY(attribute.unescaped_key().get(attribute_name));
        if (attribute_name != "Name") continue;
        od::json_type at;
        SIMDJSON_TRY(attribute.value().type().get(at));
        if (at != od::json_type::string) continue;
        SIMDJSON_TRY(attribute.value().get_string().get(data_name));
      }
    } else if (key == kText) {
      // The name may come after the text: read the value now, decide where it goes at the end.
      // Views into simdjson's string buffer and list ranges stay valid for the whole read.
      bool present = false;
      SIMDJSON_TRY(parse_value(v, t, text, present));
      has_text = has_text || present;
    } else if (key == kData && t == od::json_type::array) {
      SIMDJSON_TRY(enter(depth + 1));
      od::array arr;
      SIMDJSON_TRY(v.get_array().get(arr));
      SIMDJSON_TRY(evtx_data_array(arr, depth + 1));
    } else if (t == od::json_type::object) {
      SIMDJSON_TRY(enter(depth + 1));
      od::object child;
      SIMDJSON_TRY(v.get_object().get(child));
      SIMDJSON_TRY(evtx_element(key, child, depth + 1, /*in_data_array=*/false));
    } else {
      SIMDJSON_TRY(emit(key, /*stable=*/true, v, t, kNoTimeRank));
    }
  }

  if (!data_name.empty()) {
    store(resolve(data_name), data_name, /*stable=*/true, has_text ? text : Value::null());
    return simdjson::SUCCESS;
  }
  if (!has_text) return simdjson::SUCCESS;
  if (in_data_array) {  // unnamed: becomes one more item of the Data list
    if (text.kind == Kind::kList) {
      const auto& items = out_->list_items();
      for (std::uint32_t i = 0; i < text.list_size; ++i) {
        unnamed_data_.push_back(items[text.list_begin + i]);
      }
    } else {
      unnamed_data_.push_back(text);
    }
    return simdjson::SUCCESS;
  }
  // "#text" directly under EventData/UserData is unnamed data too.
  const std::string_view target = self == "EventData" || self == "UserData" ? kData : self;
  store(resolve(target), target, /*stable=*/true, text);
  return simdjson::SUCCESS;
}

// "Data": [ {"#attributes": {"Name": "X"}, "#text": "v"}, "unnamed", {"#text": "unnamed"} ... ]
error_code JsonReader::Impl::evtx_data_array(od::array arr, std::size_t depth) {
  // Unnamed values are gathered first and pushed as one list at the end: the named elements in
  // between may push list items of their own. Nested Data arrays stack above `first`.
  const std::size_t first = unnamed_data_.size();
  for (auto element_result : arr) {
    od::value element;
    SIMDJSON_TRY(element_result.get(element));
    od::json_type t;
    SIMDJSON_TRY(element.type().get(t));
    if (t == od::json_type::array) continue;
    if (t == od::json_type::object) {
      SIMDJSON_TRY(enter(depth + 1));
      od::object child;
      SIMDJSON_TRY(element.get_object().get(child));
      SIMDJSON_TRY(evtx_element(kData, child, depth + 1, /*in_data_array=*/true));
      continue;
    }
    Value item;
    SIMDJSON_TRY(parse_leaf(element, t, item));
    unnamed_data_.push_back(item);
  }
  if (unnamed_data_.size() > first) {
    const Sink sink = resolve(kData);
    if (sink.wanted()) {
      const std::uint32_t mark = out_->list_mark();
      for (std::size_t i = first; i < unnamed_data_.size(); ++i) {
        out_->push_list_item(unnamed_data_[i]);
      }
      store(sink, kData, /*stable=*/true, out_->make_list(mark));
    }
  }
  unnamed_data_.resize(first);
  return simdjson::SUCCESS;
}

std::string JsonReader::Impl::at_offset(od::document* doc) const { return record_.where(doc); }

Status JsonReader::Impl::json_fail(Event& out, error_code e, od::document* doc) {
  if (e == simdjson::DEPTH_ERROR) {
    return fail(out, "too-deep",
                "nesting deeper than " + std::to_string(max_depth_) + at_offset(doc));
  }
  if (e == simdjson::UTF8_ERROR) {
    return fail(out, "invalid-utf8", "invalid UTF-8" + at_offset(doc));
  }
  if (e == simdjson::MEMALLOC || e == simdjson::CAPACITY) {
    return fail(out, "out-of-memory", "cannot grow the JSON parser to the record size");
  }
  // simdjson's messages describe the syntax problem, never the input.
  return fail(out, "invalid-json", std::string(simdjson::error_message(e)) + at_offset(doc));
}

Status JsonReader::Impl::read(std::string_view record, InputFormat format, Event& out) {
  out.reset(fields_.size());
  if (record.size() > max_bytes_) {
    return fail(out, "oversized",
                "record of " + std::to_string(record.size()) + " bytes exceeds the limit of " +
                    std::to_string(max_bytes_) + " bytes");
  }
  if (std::all_of(record.begin(), record.end(), is_json_space)) {
    return fail(out, "empty", "empty record");
  }
  if (const std::size_t at = find_too_deep(record, max_depth_); at != std::string_view::npos) {
    return fail(out, "too-deep",
                "nesting deeper than " + std::to_string(max_depth_) + " at byte offset " +
                    std::to_string(at));
  }

  // simdjson reads up to simdjson::SIMDJSON_PADDING bytes past the end: the record goes into an
  // owned, padded buffer that only ever grows (geometrically, so a slowly growing stream of records
  // reallocates O(log n) times).
  if (!record_.load(record, max_bytes_, simdjson::DEFAULT_MAX_DEPTH, parser_)) {
    return fail(out, "out-of-memory", "cannot grow the JSON parser to the record size");
  }

  // simdjson's stage 1 validates the UTF-8 of the whole record (skipped values included) before
  // anything is read; only then is the offset of the first bad byte worth computing.
  od::document doc;
  if (const error_code e = record_.iterate(parser_).get(doc); e != simdjson::SUCCESS) {
    if (e == simdjson::UTF8_ERROR) {
      return fail(out, "invalid-utf8",
                  "invalid UTF-8 at byte offset " + std::to_string(first_invalid_utf8(record)));
    }
    return json_fail(out, e, nullptr);
  }
  od::json_type top;
  if (const error_code e = doc.type().get(top); e != simdjson::SUCCESS) {
    return json_fail(out, e, &doc);
  }
  if (top != od::json_type::object) {
    return fail(out, "not-an-object",
                top == od::json_type::array ? "the top-level JSON value is an array"
                                            : "the top-level JSON value is a scalar");
  }

  InputFormat shape = format;
  if (format == InputFormat::kAuto) {
    if (const error_code e = detect(doc, shape); e != simdjson::SUCCESS) {
      return json_fail(out, e, &doc);
    }
  }

  out_ = &out;
  time_rank_ = kNoTimeRank;
  saw_event_id_ = false;
  have_event_code_ = false;
  path_.clear();
  unnamed_data_.clear();
  od::object root;
  error_code e = doc.get_object().get(root);
  if (e == simdjson::SUCCESS) {
    switch (shape) {
      case InputFormat::kEvtxJson:
        e = evtx_root(root);
        break;
      case InputFormat::kWinlogbeat:
        e = beat_object(root, 1, /*leaf_names=*/false);
        break;
      case InputFormat::kAuto:
      case InputFormat::kFlat:
        e = flat_object(root, 1);
        break;
    }
  }
  out_ = nullptr;
  if (e != simdjson::SUCCESS) return json_fail(out, e, &doc);
  // The top-level object is closed; anything but whitespace after it is a second value.
  const char* trailing = nullptr;
  if (doc.current_location().get(trailing) == simdjson::SUCCESS) {
    return fail(out, "invalid-json",
                "content after the top-level object at byte offset " +
                    std::to_string(record_.offset_of(trailing)));
  }
  if (shape == InputFormat::kWinlogbeat && have_event_code_ && !saw_event_id_) {
    out.set(FieldTable::kEventID, event_code_);
  }
  last_format_ = shape;
  return Status::ok_status();
}

JsonReader::JsonReader(const FieldTable& fields, ReaderOptions options)
    : impl_(std::make_unique<Impl>(fields, options)) {}
JsonReader::~JsonReader() = default;
JsonReader::JsonReader(JsonReader&&) noexcept = default;
JsonReader& JsonReader::operator=(JsonReader&&) noexcept = default;

Status JsonReader::read(std::string_view record, InputFormat format, Event& out) {
  return impl_->read(record, format, out);
}

InputFormat JsonReader::last_format() const { return impl_->last_format(); }

}  // namespace vigie::event
