// JsonReader: decodes one JSON log record into an Event of typed fields named the Sigma way.
//
// Three input shapes (see SIGMA.md for the field naming):
//   - kFlat: keys are Sigma field names. Nested objects are flattened with '.' ({"a":{"b":1}} is
//     field "a.b"); an array of scalars is a Kind::kList value (object and array elements are
//     skipped); a key with spaces also answers to its name with the spaces removed ("Threat Name"
//     sets "Threat Name" and "ThreatName", whichever are interned).
//   - kEvtxJson: the evtx_dump (omerbenamram/evtx) shape {"Event": {"System": {...},
//     "EventData": {...}, "UserData": {...}}}. System elements become fields by element name
//     (EventID, Channel, Computer, Level, Task, Opcode, Keywords, EventRecordID, Version, ...), a
//     "#text" is the element's value and its "#attributes" become Element_Attr (Provider_Name,
//     TimeCreated_SystemTime, Execution_ProcessID, Security_UserID, EventID_Qualifiers, ...); the
//     evtx_dump --separate-json-attributes form ("Provider_attributes": {...}) is read the same
//     way. EventData and UserData leaves are fields by their own name, nested objects included;
//     "Data": [{"#attributes": {"Name": "X"}, "#text": "v"}, ...] sets X = v, and unnamed data
//     ("Data": {"#text": ...}, bare scalars in a Data array) is the field "Data" (a list when there
//     are several values). A named Data element without text is null. Other top-level keys and
//     Event children (RenderingInfo, #attributes) are ignored.
//   - kWinlogbeat: Winlogbeat 7/8 documents as the beat ships them. winlog.event_id -> EventID,
//     winlog.channel -> Channel, winlog.provider_name -> Provider_Name, winlog.provider_guid ->
//     Provider_Guid, winlog.computer_name -> Computer, winlog.record_id -> EventRecordID,
//     winlog.process.pid -> Execution_ProcessID, winlog.process.thread.id -> Execution_ThreadID,
//     winlog.user.identifier -> Security_UserID, winlog.task -> Task, winlog.opcode -> Opcode,
//     winlog.keywords -> Keywords, @timestamp -> TimeCreated_SystemTime; winlog.event_data.* and
//     winlog.user_data.* -> by their own (leaf) name. event.code is also EventID when the record
//     has no winlog.event_id. Every other field keeps its dotted ECS name (host.name, message...).
//   - kAuto: per record, a top-level "Event" object means kEvtxJson, else a top-level "winlog"
//     object means kWinlogbeat, else kFlat. Detection looks at top-level keys only, never at text.
//
// Values keep their JSON type: string -> Kind::kString (unescaped), integer fitting int64 ->
// Kind::kInt, larger integer or any other number -> Kind::kDouble (Value::text is the number as
// written; a number too large for a double is +/-infinity), true/false -> Kind::kBool, null ->
// Kind::kNull. Numeric strings stay strings. Only fields interned in the FieldTable are
// materialised, and the values of other keys are not even parsed (an object under which no
// interned name lives, such as Winlogbeat's "agent" or "@metadata", is skipped without walking
// its keys), unless keep_unknown_fields is set: then every other leaf is kept through
// Event::add_extra under the name it would have had.
//
// Event time (Event::time_ms) comes from TimeCreated_SystemTime (evtx-json, flat), else flat
// top-level "@timestamp", else flat top-level "timestamp"; from "@timestamp" for winlogbeat. It is
// parsed with vigie::parse_timestamp_ms whether or not the field is interned; a missing or
// unparseable time leaves Event::kNoTime (not an error).
//
// Errors (Status::code()), each a rejected record, with a message giving what and the byte offset
// where known, never any content:
//   "empty"          the record is empty or only whitespace
//   "oversized"      the record is longer than ReaderOptions::max_record_bytes
//   "invalid-utf8"   the record is not valid UTF-8
//   "too-deep"       arrays/objects nest deeper than ReaderOptions::max_depth (checked over the
//                    whole record, skipped values included, so the outcome does not depend on the
//                    FieldTable; the top-level object is depth 1)
//   "not-an-object"  the top-level value is an array or a scalar
//   "invalid-json"   malformed JSON, or a string with an invalid \u escape, or trailing content
//   "out-of-memory"  the parser could not grow its buffers
// simdjson On-Demand validates what it reads: a syntax error inside a value the reader skips (a
// field that is not interned) may go unnoticed. On error `out` is left reset (no fields).
//
// Ownership and lifetime: string views in `out` (values, and names of extras) point into the
// reader's buffers or `out`'s arena and stay valid until the next read() on this reader or the
// next reset of `out`. The FieldTable must outlive the reader; it may grow between reads.
// Once warmed up (buffers grown to the largest record seen), read() does not allocate, except to
// build the Status of a rejected record.
//
// Thread safety: a JsonReader is not thread-safe; use one per thread. Several readers may share
// one FieldTable once it is no longer being interned into.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>

#include "common/result.h"
#include "event/event.h"
#include "event/field_table.h"

namespace vigie::event {

enum class InputFormat { kAuto, kFlat, kEvtxJson, kWinlogbeat };

// "auto", "flat", "evtx-json", "winlogbeat" (exact, lower case); nullopt for anything else.
std::optional<InputFormat> parse_input_format(std::string_view name);
// The name parse_input_format() accepts.
std::string_view to_string(InputFormat f);

struct ReaderOptions {
  std::size_t max_record_bytes = 1 << 20;  // larger record -> "oversized" (at most 4 GiB)
  std::size_t max_depth = 64;              // deeper nesting -> "too-deep" (at most 1024)
  bool keep_unknown_fields = false;        // also keep fields not in the FieldTable (add_extra)
};

class JsonReader {
 public:
  JsonReader(const FieldTable& fields, ReaderOptions options = {});
  ~JsonReader();
  JsonReader(JsonReader&&) noexcept;
  JsonReader& operator=(JsonReader&&) noexcept;
  JsonReader(const JsonReader&) = delete;
  JsonReader& operator=(const JsonReader&) = delete;

  // Decodes one JSON record (one line, without its newline; a trailing '\r' is whitespace) into
  // `out`, which is reset to fields.size() slots first. `out.line` is left 0 for the caller.
  Status read(std::string_view record, InputFormat format, Event& out);

  // The shape of the last successful read(): the detection result when it was kAuto, else the
  // format asked for. kFlat before any successful read.
  InputFormat last_format() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigie::event
