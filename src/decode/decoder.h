// The decoder plugin API: how a log family (plugins/<family>) turns raw records into Events.
//
// A plugin (plugins/ad, plugins/vpn, plugins/ehr) registers one or more formats. Each format
// names the Sigma logsource its events get and the fields it emits, can sniff whether a record is
// one of its own, and makes decoders. A decoder turns one record (one line, one syslog frame, one
// XML document, without its framing) into an Event whose fields are Sigma field names.
//
// Containers: a record may hold several records of its format (a FHIR Bundle of AuditEvents, one
// per Kafka message or file line). Every caller runs a record through the same two steps:
//
//     decode::Split parts;                        // kept across records: no allocation once warm
//     Status s = decoder.split(record, parts);    // not ok: one reject for the whole record
//     for (std::string_view inner : parts.records) {
//       s = decoder.decode(inner, ctx, event);    // one event, or one reject, per inner record
//       ...                                       // same ctx, tenant, line / offset as the record
//     }
//     count parts.skipped                         // entries that are not records of the format
//
// split() defaults to the record itself, so a one-record-one-event decoder changes nothing. Why a
// Decoder method and not a Format function, nor a decode() that calls back once per event: a
// container must be parsed, and a decoder already owns per-thread parser buffers that are warm;
// the inner records are views into the record, decoded by the unchanged decode() with the
// caller's own loop (enrichment, tenant wall, counters, dead letters), which the stream processor
// reuses as is. The cost is a second parse of each inner record.
//
// Errors: decode() returns a non-ok Status for a record it rejects. The code is the stable
// reject reason (lower-kebab-case, documented in docs/sources.md); the message says what is wrong
// and where, never the record's content or a field value (records may hold patient identities).
//
// Threads: a Registry is immutable once built and may be shared. A Decoder is used by one
// thread at a time; make one per thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "event/event.h"
#include "event/field_table.h"

namespace vigie::ingest {
class Zone;  // ingest/zone.h
}
namespace vigie::enrich {
class Pseudonymiser;  // enrich/pseudonym.h
}

namespace vigie::decode {

enum class Family : std::uint8_t { kAd, kVpn, kEhr };

// "ad", "vpn", "ehr"; nullopt for anything else.
std::optional<Family> parse_family(std::string_view name);
std::string_view to_string(Family f);

// A Sigma logsource: what rules select these events by.
struct Logsource {
  std::string_view product;
  std::string_view category;
  std::string_view service;
};

// What a format promises. Names and strings are static (string literals).
struct FormatInfo {
  std::string_view name;         // the --format NAME: "winlogbeat", "fortigate", "fhir-auditevent"
  std::string_view description;  // one line, for `vigie decode --list-formats`
  Logsource logsource;           // the logsource its events get (a record may refine service)
  std::vector<std::string_view> fields;  // every field name it may emit
};

// Settings a decoder is made with (from configuration).
struct DecoderSetup {
  // Field names resolve through this table. make() may intern into it the fields the decoder
  // must read back (a source field it renames, say); other fields the table does not know are
  // dropped unless keep_unknown_fields is set, in which case they go to Event::add_extra
  // (keyword searches need them). Interning happens only in make(), never while decoding.
  event::FieldTable* fields = nullptr;
  bool keep_unknown_fields = false;
  std::size_t max_record_bytes = 1 << 20;  // larger record -> reject "oversized"
  // The establishment's zone, for timestamps written without an offset; null means UTC. Owned
  // by the caller and kept alive as long as the decoder.
  const ingest::Zone* zone = nullptr;
  // The ehr vendor flat access log's columns (configuration `ehr.flat_columns`): normalised field
  // name -> the vendor's column name (or several, comma-separated, the first present wins). Null
  // means the plugin's default mapping (plugins/ehr/README.md). Owned by the caller and kept alive
  // as long as the decoder; read by make() only.
  const std::map<std::string, std::string>* ehr_flat_columns = nullptr;
};

// The Status code of a record that holds no event by design (a CSV header row, which only gives
// the column layout of the rows after it): callers skip it, silently, without counting a reject.
inline constexpr std::string_view kNoEventCode = "no-event";
inline bool is_no_event(const Status& s) { return s.code() == kNoEventCode; }

// Per-record facts from the transport (Kafka message, syslog receiver, file).
struct RecordContext {
  // When the record was received (ms since the Unix epoch, UTC), or Event::kNoTime: the
  // reference for timestamps that omit the year (RFC 3164).
  std::int64_t received_ms = event::Event::kNoTime;
  // The establishment's pseudonymiser: every patient identifier a decoder meets (IPP, INS/NIR,
  // FHIR Patient reference, patient name, birth date) is replaced by its token before it is put
  // in the event. Null (no key configured for the tenant): the decoder drops patient
  // identifiers, never keeps them in clear. Owned by the caller.
  const enrich::Pseudonymiser* pseudonymiser = nullptr;
};

// The records a record holds (Decoder::split()).
struct Split {
  // Views into the record, in order: the record itself, or each inner record of a container.
  std::vector<std::string_view> records;
  // Entries of a container that hold no record of this format (a FHIR Bundle's other resource
  // types, its entries without a resource): not decoded and not rejects, but counted by callers
  // so that they are visible (`vigie decode`'s summary).
  std::size_t skipped = 0;
  void clear() {
    records.clear();
    skipped = 0;
  }
};

class Decoder {
 public:
  virtual ~Decoder() = default;
  // Decodes `record` into `out` (reset first; out.line and out.tenant are the caller's).
  virtual Status decode(std::string_view record, const RecordContext& ctx, event::Event& out) = 0;

  // Clears `out`, then puts in it what to decode(): `record` itself (this default, and any
  // record that is not a container), or one view into `record` per inner record of a container,
  // in order; none for a container that holds no record of the format (not an error). A
  // malformed container is a non-ok Status with a stable reject code (as for decode()), `out`
  // empty: one reject for the whole record. Each inner record is then decoded like a record of
  // its own, with the record's RecordContext (tenant, pseudonymiser) and line; a reject of one is
  // that inner record's only. The views live as long as `record`; split() leaves any Event alone.
  virtual Status split(std::string_view record, Split& out) {
    out.clear();
    out.records.push_back(record);
    return Status::ok_status();
  }
};

// One format of a plugin.
struct Format {
  FormatInfo info;
  // Could `record` be this format? Cheap (a prefix or a few bytes), no allocation; used by
  // --format auto, which takes the first format of the family whose sniff() says yes.
  std::function<bool(std::string_view record)> sniff;
  std::function<std::unique_ptr<Decoder>(const DecoderSetup&)> make;
  // A format that takes any record of a broad kind (any JSON object, say): auto-detection tries
  // it only after every other format, of every family, has said no.
  bool catch_all = false;
};

struct Plugin {
  std::string_view name;  // the folder under plugins/
  Family family;
  std::vector<Format> formats;
};

// Every plugin the build holds. Formats are searched in registration order.
class Registry {
 public:
  void add(Plugin plugin) { plugins_.push_back(std::move(plugin)); }
  const std::vector<Plugin>& plugins() const { return plugins_; }
  // The format called `name` in `family`, or nullptr.
  const Format* find(Family family, std::string_view name) const;
  // The first format of `family` that sniffs `record` as its own (catch-all formats last), or
  // nullptr.
  const Format* sniff(Family family, std::string_view record) const;
  // The same over every family, in registration order (catch-all formats last).
  const Format* sniff_any(std::string_view record) const;

 private:
  std::vector<Plugin> plugins_;
};

// The registry of the plugins built into this binary. Generated by CMake from the plugins/
// folders (each plugin's register_plugin() is called in folder order); no hand-kept list.
const Registry& builtin_plugins();

}  // namespace vigie::decode
