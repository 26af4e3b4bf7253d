// What the four ehr formats share: the common ehr schema (schemas/ehr.schema.json, field list in
// plugins/ehr/README.md), the checks every record goes through before a format reads it, the
// patient identifiers' pseudonymisation, and small scanners that return views into the record.
//
// Contract of every ehr decoder:
//   - decode() resets the event, then rejects with one of the codes below or fills the common
//     fields. A record it does not fully understand (an unknown event code, a message type it
//     has no mapping for) is not rejected: what it could read is decoded and event.action is
//     "other".
//   - Privacy: a decoder is a whitelist. It emits only the fields of the schema, never a source
//     field by its own name, whatever DecoderSetup::keep_unknown_fields says. Every patient
//     identifier (IPP, INS/NIR, FHIR Patient reference, name, family name, birth date, and the
//     stay number NDA) goes through patient() and comes out as a pt1 token of the tenant's
//     pseudonymiser, or not at all (patient.redacted = true) when there is no pseudonymiser or
//     the value cannot be tokenised. Free text that may name a patient (display names, query
//     strings, comments, addresses) is dropped or reduced to counts.
//   - Reject messages name the problem and a byte offset, never a value (decoder.h).
//   - No allocation per record once warmed up: values are views into the record, or copies into
//     the event's arena when they must be decoded or formatted.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/ascii.h"
#include "decode/decoder.h"
#include "decode/fields.h"
#include "enrich/pseudonym.h"
#include "ingest/zone.h"

namespace vigie::plugins::ehr {

// Reject codes (stable; documented in plugins/ehr/README.md).
inline constexpr std::string_view kRejectOversized = "oversized";           // > max_record_bytes
inline constexpr std::string_view kRejectEmpty = "empty-record";            // nothing but blanks
inline constexpr std::string_view kRejectBinary = "binary-data";            // NUL or other C0 byte
inline constexpr std::string_view kRejectUtf8 = "invalid-utf8";             // not well-formed UTF-8
inline constexpr std::string_view kRejectTruncated = "truncated";           // ends inside a value
inline constexpr std::string_view kRejectJson = "invalid-json";             // JSON syntax
inline constexpr std::string_view kRejectTooDeep = "too-deep";              // JSON/XML nesting
inline constexpr std::string_view kRejectNotObject = "not-an-object";       // JSON top level
inline constexpr std::string_view kRejectNotAuditEvent = "not-auditevent";  // resourceType
inline constexpr std::string_view kRejectBundle = "bundle-malformed";       // FHIR Bundle shape
inline constexpr std::string_view kRejectSyslog = "syslog-header";          // RFC 5424 header
inline constexpr std::string_view kRejectXml = "invalid-xml";               // XML syntax
inline constexpr std::string_view kRejectDoctype = "xml-doctype-refused";   // DTD / ENTITY
inline constexpr std::string_view kRejectNotAuditMessage = "not-auditmessage";  // XML root
inline constexpr std::string_view kRejectColumns = "csv-column-count";          // CSV row vs header
inline constexpr std::string_view kRejectNoHeader = "csv-no-header";            // row before header
inline constexpr std::string_view kRejectQuote = "unterminated-quote";          // CSV quoted cell
inline constexpr std::string_view kRejectHl7 = "hl7-malformed";                 // HL7 v2 structure
inline constexpr std::string_view kRejectNotAdt = "hl7-not-adt";                // MSH-9 not ADT
inline constexpr std::string_view kRejectTime = "bad-time";  // unreadable event time
inline constexpr std::string_view kRejectUnrecognised = "unrecognised-record";  // not this format

// event.action values.
enum class Action : std::uint8_t {
  kOther,
  kRead,        // patient-record-read
  kQuery,       // patient-record-query
  kCreate,      // patient-record-create
  kUpdate,      // patient-record-update
  kDelete,      // patient-record-delete
  kExport,      // patient-record-export
  kPrint,       // patient-record-print
  kBreakGlass,  // break-glass
  kLogin,
  kLogout,
  kAdmission,
  kTransfer,
  kDischarge,
  kAdmissionCancel,
  kTransferCancel,
  kDischargeCancel,
  kAuditLogUsed,  // audit-log-access (DICOM 110101)
};
std::string_view action_name(Action a);
// By the CRUD code of FHIR AuditEvent.action / DICOM EventActionCode (C R U D; E: other).
Action crud_action(std::string_view crud);
// The action of a DICOM audit event id (PS3.16 CID 150) with its event type codes (CID 151);
// nullopt for an id that says nothing by itself (a RESTful FHIR event, say).
std::optional<Action> dicom_action(std::string_view event_id,
                                   std::span<const std::string_view> type_codes,
                                   std::string_view crud);

// The common ehr fields, in the order they are written.
enum Field : std::size_t {
  kFormat,               // ehr.format: the format name (fhir-auditevent, atna-xml, ...)
  kEventCode,            // event.code: DICOM EventID / subtype, HL7 trigger, vendor event code
  kAction,               // event.action
  kOutcome,              // event.outcome: success | failure | unknown
  kReason,               // event.reason: a vendor failure code (flat logs only)
  kUserName,             // user.name: the login
  kUserId,               // user.id: national professional id as written (IdNat_PS, RPPS, ADELI)
  kUserRpps,             // user.rpps: the 11-digit RPPS when user.id holds one
  kUserFullName,         // user.full_name: the staff member's name as the source wrote it
  kUserRoles,            // user.roles: profession / profile codes (list)
  kPatientToken,         // patient.token: the key rules compare (ipp, else nir, else fhir)
  kPatientTokenKind,     // patient.token_kind: ipp | nir | fhir
  kPatientIppToken,      // patient.ipp_token
  kPatientNirToken,      // patient.nir_token
  kPatientFhirToken,     // patient.fhir_token
  kPatientNameToken,     // patient.name_token
  kPatientFamilyToken,   // patient.family_token
  kPatientBirthToken,    // patient.birth_token
  kPatientStayToken,     // patient.stay_token: the stay number (NDA), never patient.token
  kPatientRedacted,      // patient.redacted: true when an identifier was dropped
  kIdentityStatus,       // patient.identity_status: INS status (VALI, QUAL, PROV, ...)
  kUnit,                 // ehr.unit: the user's care unit (UF), or the movement's for ADT
  kPatientUnit,          // ehr.patient_unit: the record's / stay's care unit
  kPurpose,              // ehr.purpose: purpose of use code (TREAT, ETREAT, ...)
  kObject,               // ehr.object: the kind of object accessed (no identity)
  kSecurityLabels,       // ehr.security_labels: confidentiality codes of the data (list)
  kMedia,                // ehr.media: export destination media
  kDocumentCount,        // ehr.document_count
  kJustificationLength,  // ehr.justification.length: characters of the BTG reason
  kJustificationBoilerplate,  // ehr.justification.boilerplate: "." "x" "test" "urgence"...
  kQueryResource,             // ehr.query.resource: the resource type searched
  kQueryParams,               // ehr.query.params: search parameter names, no values (list)
  kQueryCount,                // ehr.query.count: the _count asked for
  kQueryMinTerm,              // ehr.query.min_term_length: shortest string criterion, characters
  kQueryWildcard,             // ehr.query.wildcard: a criterion holds * or %
  kSourceIp,                  // source.ip: the client workstation's address
  kSourceHost,                // source.host: the client workstation's name
  kHostName,                  // host.name: the server that logged the event
  kApplication,               // ehr.application: the application (DPI, GAM) that logged it
  kSite,                      // ehr.site: the establishment as the source names it (FINESS)
  kCareRole,                  // ehr.care_role: the user's role in the patient's care (in_charge...)
  kSessionId,                 // ehr.session_id
  kAuthMethod,                // ehr.auth_method
  kCareUnit,                  // ehr.care.unit: the unit responsible for the patient (ADT)
  kCareNursingUnit,           // ehr.care.nursing_unit: ZBE-8
  kCarePriorUnit,             // ehr.care.prior_unit: the unit before a transfer
  kCareStart,                 // ehr.care.start: UTC time the care in that unit starts
  kCareEnd,                   // ehr.care.end: UTC time it ends (discharge)
  kCareMovement,              // ehr.care.movement: INSERT | UPDATE | CANCEL (ZBE-4)
  kCareMovementId,            // ehr.care.movement_id
  kCareNature,                // ehr.care.nature: ZBE-9 (S, H, M, L, D, SM, HMS...)
  kCarePatientClass,          // ehr.care.patient_class: PV1-2 (I, O, E, R...)
  kCareAttendingId,           // ehr.care.attending_id: PV1-7 id as written (IdNat_PS)
  kCareAttendingRpps,         // ehr.care.attending_rpps
  kFieldCount
};
std::span<const std::string_view> field_names();
std::vector<std::string_view> all_field_names();

// Which control bytes a format tolerates inside a record (beyond tab).
enum class Controls : std::uint8_t {
  kNone,      // CSV: tab only
  kJson,      // JSON (dpi-flat: or CSV): CR and LF too when the record is a JSON object, whose
              // line breaks are whitespace (a pretty-printed object, a Bundle saved from a
              // search); the JSON parser refuses one inside a string. Tab only otherwise.
  kLineEnds,  // XML: CR and LF too (a document over several lines)
  kHl7,       // HL7 v2: CR and LF (segment ends), and an MLLP block's 0x0B start and 0x1C end
};

// The base of the four decoders: shared checks, then decode_record(), then the patient fields.
class EhrDecoder : public decode::Decoder {
 public:
  EhrDecoder(const decode::DecoderSetup& setup, std::string_view format, Controls controls);

  Status decode(std::string_view record, const decode::RecordContext& ctx, event::Event& out) final;

 protected:
  // The checks every record goes through before a format reads it: the size limit, then (after
  // the line ends or MLLP block bytes the format allows are trimmed from `record`) blanks,
  // control bytes and UTF-8. A container's split() runs them too, so that a damaged Bundle gets
  // the same reject codes as a damaged record.
  Status check_record(std::string_view& record) const;

  // `record` is non-blank, within the size limit, free of forbidden control bytes and valid
  // UTF-8. Fills `out` (time and fields); patient identifiers go through patient().
  virtual Status decode_record(std::string_view record, const decode::RecordContext& ctx,
                               event::Event& out) = 0;

  // A string field; an empty value is not set. `value` must outlive the event (a view into the
  // record or the arena).
  void put(event::Event& e, Field f, std::string_view value) const {
    if (!value.empty()) fields_.set_string(e, f, value);
  }
  void put_copy(event::Event& e, Field f, std::string_view value) const {
    if (!value.empty() && fields_.wanted(f)) fields_.set_string(e, f, e.arena().copy(value));
  }
  void put_int(event::Event& e, Field f, std::int64_t v) const;
  void put_bool(event::Event& e, Field f, bool v) const {
    if (fields_.wanted(f)) fields_.set(e, f, event::Value::bool_value(v));
  }
  void put_time(event::Event& e, Field f, std::int64_t utc_ms) const;
  void put_list(event::Event& e, Field f, std::span<const std::string_view> items) const;
  void put_action(event::Event& e, Action a) const { put(e, kAction, action_name(a)); }
  // user.id, and user.rpps when the id is an RPPS (11 digits) or an IdNat_PS "8" + RPPS.
  void put_professional_id(event::Event& e, Field id, Field rpps, std::string_view value) const;
  // The justification of a break-glass: its length and whether it is boilerplate; never its text.
  void put_justification(event::Event& e, std::string_view text) const;
  // The ehr.query.* fields of a search request (analyse_query()); never its values.
  void put_query(event::Event& e, std::string_view request) const;

  // A patient identifier met in the record: pseudonymised now (the clear value is not kept), its
  // token recorded for the patient.* fields written after decode_record().
  void patient(event::Event& e, enrich::IdKind kind, std::string_view raw);

  // Time helpers: an ISO 8601 text with an offset is taken as written, one without is a local
  // time of the establishment's zone.
  std::optional<std::int64_t> local_time(std::string_view text) const;
  const ingest::Zone& zone() const { return *zone_; }

  // Scratch for values a format must decode before using them (base64, escapes); wiped after
  // each record since it may hold a patient identifier in clear.
  std::string& scratch() { return scratch_; }

 private:
  void write_patient(event::Event& e);

  const event::FieldTable* table_;
  const ingest::Zone* zone_;
  std::size_t max_record_bytes_;
  std::string_view format_;
  Controls controls_;
  decode::FieldSetter fields_;
  const enrich::Pseudonymiser* pseudonymiser_ = nullptr;         // of the record being decoded
  std::array<std::string_view, enrich::kIdKindCount> tokens_{};  // by IdKind, in the arena
  bool redacted_ = false;
  std::string token_;
  std::string scratch_;
};

// ---- Scanning helpers ---------------------------------------------------------------------------

using ascii::iequals;
using ascii::ifind;
using ascii::trim;
bool starts_with(std::string_view s, std::string_view prefix);
// A non-negative decimal integer (at most 18 digits), nothing else.
std::optional<std::int64_t> parse_uint(std::string_view s);
// Whether `s` is an IPv4 or IPv6 address (inet_pton's grammar).
bool is_ip(std::string_view s);
// Whether an OID or URN names the INS (NIR 1.2.250.1.213.1.4.8, NIA .9, test .10, demo .11).
bool is_ins_system(std::string_view system);
// Decodes standard or URL-safe base64 (padding optional, whitespace skipped) into `out`;
// false on any other byte.
bool base64_decode(std::string_view in, std::string& out);
// The unit code of "UF 4701", "UF:4701" or "4701": the text after a leading "UF" word.
std::string_view unit_code(std::string_view display);
// First-level record shape checks used by the sniffers.
std::string_view trim_front(std::string_view r);
bool json_object(std::string_view r);
// Whether a JSON record holds `"key"` followed by ':' and then `"value"` (a cheap scan; JSON
// whitespace, line ends included, may surround the ':').
bool has_json_string(std::string_view r, std::string_view quoted_key, std::string_view value);

// A JsonTree status as an ehr reject: its codes are the family's, except "empty" (empty-record)
// and the parser's limits "too-many-nodes" and "out-of-memory" (oversized).
Status json_reject(Status s);

// The findings of a search request (a FHIR query or its description), without its values.
struct QueryFacts {
  std::string_view resource;  // "Patient"
  std::array<std::string_view, 16> params{};
  std::size_t param_count = 0;
  std::optional<std::int64_t> count;     // _count
  std::optional<std::int64_t> min_term;  // shortest non-control criterion, in characters
  bool wildcard = false;
};
// Reads "GET /fhir/Patient?family:contains=DU&_count=500 HTTP/1.1", "Patient?name=x" or a bare
// "family=x&given=y". Views point into `request`.
QueryFacts analyse_query(std::string_view request);

// The decoders (one file each).
std::unique_ptr<decode::Decoder> make_fhir(const decode::DecoderSetup& setup);
std::unique_ptr<decode::Decoder> make_atna(const decode::DecoderSetup& setup);
std::unique_ptr<decode::Decoder> make_flat(const decode::DecoderSetup& setup);
std::unique_ptr<decode::Decoder> make_hl7(const decode::DecoderSetup& setup);

// The dpi-flat mapping used when the configuration gives none: the shape of
// ../shared/formats/ehr_dpi_vendor_flat_access.ndjson (normalised field -> vendor column).
const std::map<std::string, std::string>& default_flat_columns();

}  // namespace vigie::plugins::ehr
