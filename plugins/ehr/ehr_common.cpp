#include "ehr_common.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "common/timestamp.h"
#include "common/utf8.h"

namespace vigie::plugins::ehr {

std::string_view action_name(Action a) {
  switch (a) {
    case Action::kRead:
      return "patient-record-read";
    case Action::kQuery:
      return "patient-record-query";
    case Action::kCreate:
      return "patient-record-create";
    case Action::kUpdate:
      return "patient-record-update";
    case Action::kDelete:
      return "patient-record-delete";
    case Action::kExport:
      return "patient-record-export";
    case Action::kPrint:
      return "patient-record-print";
    case Action::kBreakGlass:
      return "break-glass";
    case Action::kLogin:
      return "login";
    case Action::kLogout:
      return "logout";
    case Action::kAdmission:
      return "admission";
    case Action::kTransfer:
      return "transfer";
    case Action::kDischarge:
      return "discharge";
    case Action::kAdmissionCancel:
      return "admission-cancel";
    case Action::kTransferCancel:
      return "transfer-cancel";
    case Action::kDischargeCancel:
      return "discharge-cancel";
    case Action::kAuditLogUsed:
      return "audit-log-access";
    case Action::kOther:
      break;
  }
  return "other";
}

Action crud_action(std::string_view crud) {
  if (crud == "C") return Action::kCreate;
  if (crud == "R") return Action::kRead;
  if (crud == "U") return Action::kUpdate;
  if (crud == "D") return Action::kDelete;
  return Action::kOther;
}

std::optional<Action> dicom_action(std::string_view event_id,
                                   std::span<const std::string_view> type_codes,
                                   std::string_view crud) {
  auto has = [&](std::string_view c) {
    return std::find(type_codes.begin(), type_codes.end(), c) != type_codes.end();
  };
  if (event_id == "110113") {  // Security Alert: Emergency Override Started is a break-glass
    return has("110127") ? Action::kBreakGlass : Action::kOther;
  }
  if (event_id == "110114") {  // User Authentication: Login, Logout
    if (has("110122")) return Action::kLogin;
    if (has("110123")) return Action::kLogout;
    return Action::kOther;
  }
  if (event_id == "110106") return Action::kExport;
  if (event_id == "110112") return Action::kQuery;
  if (event_id == "110101") return Action::kAuditLogUsed;
  if (event_id == "110105") return Action::kDelete;  // DICOM Study Deleted
  // Patient Record, DICOM Instances Accessed, Order Record, Procedure Record: by the CRUD code.
  if (event_id == "110110" || event_id == "110103" || event_id == "110109" ||
      event_id == "110111") {
    return crud_action(crud);
  }
  if (starts_with(event_id, "1101")) return Action::kOther;  // another DICOM event
  return std::nullopt;
}

std::span<const std::string_view> field_names() {
  static constexpr std::array<std::string_view, kFieldCount> kNames = {
      "ehr.format",
      "event.code",
      "event.action",
      "event.outcome",
      "event.reason",
      "user.name",
      "user.id",
      "user.rpps",
      "user.full_name",
      "user.roles",
      "patient.token",
      "patient.token_kind",
      "patient.ipp_token",
      "patient.nir_token",
      "patient.fhir_token",
      "patient.name_token",
      "patient.family_token",
      "patient.birth_token",
      "patient.stay_token",
      "patient.redacted",
      "patient.identity_status",
      "ehr.unit",
      "ehr.patient_unit",
      "ehr.purpose",
      "ehr.object",
      "ehr.security_labels",
      "ehr.media",
      "ehr.document_count",
      "ehr.justification.length",
      "ehr.justification.boilerplate",
      "ehr.query.resource",
      "ehr.query.params",
      "ehr.query.count",
      "ehr.query.min_term_length",
      "ehr.query.wildcard",
      "source.ip",
      "source.host",
      "host.name",
      "ehr.application",
      "ehr.site",
      "ehr.care_role",
      "ehr.session_id",
      "ehr.auth_method",
      "ehr.care.unit",
      "ehr.care.nursing_unit",
      "ehr.care.prior_unit",
      "ehr.care.start",
      "ehr.care.end",
      "ehr.care.movement",
      "ehr.care.movement_id",
      "ehr.care.nature",
      "ehr.care.patient_class",
      "ehr.care.attending_id",
      "ehr.care.attending_rpps",
  };
  return kNames;
}

std::vector<std::string_view> all_field_names() {
  return {field_names().begin(), field_names().end()};
}

// ---- EhrDecoder ---------------------------------------------------------------------------------

namespace {

std::string at(std::size_t offset) { return " at byte offset " + std::to_string(offset); }

}  // namespace

EhrDecoder::EhrDecoder(const decode::DecoderSetup& setup, std::string_view format,
                       Controls controls)
    : table_(setup.fields),
      zone_(setup.zone != nullptr ? setup.zone : &ingest::Zone::utc()),
      max_record_bytes_(setup.max_record_bytes),
      format_(format),
      controls_(controls),
      fields_(setup, field_names()) {}

Status EhrDecoder::check_record(std::string_view& record) const {
  if (record.size() > max_record_bytes_) {
    return Status::error(std::string(kRejectOversized), "record longer than the configured limit");
  }
  if (controls_ == Controls::kHl7) {
    // An MLLP block: <VT> message <FS><CR>.
    if (!record.empty() && record.front() == '\x0b') record.remove_prefix(1);
    while (!record.empty() && (record.back() == '\n' || record.back() == '\r')) {
      record.remove_suffix(1);
    }
    if (!record.empty() && record.back() == '\x1c') record.remove_suffix(1);
  }
  while (!record.empty() && (record.back() == '\n' || record.back() == '\r')) {
    record.remove_suffix(1);
  }
  if (trim_front(record).empty()) return Status::error(std::string(kRejectEmpty), "blank record");
  bool non_ascii = false;
  const bool line_ends =
      controls_ == Controls::kJson ? json_object(record) : controls_ != Controls::kNone;
  if (const std::size_t i = ascii::find_control(record, line_ends, non_ascii);
      i != std::string_view::npos) {
    return Status::error(std::string(kRejectBinary), "control byte in the record" + at(i));
  }
  if (non_ascii && !utf8::valid(record)) {
    return Status::error(std::string(kRejectUtf8), "record is not well-formed UTF-8");
  }
  return Status::ok_status();
}

Status EhrDecoder::decode(std::string_view record, const decode::RecordContext& ctx,
                          event::Event& out) {
  out.reset(table_ != nullptr ? table_->size() : 0);
  VIGIE_RETURN_IF_ERROR(check_record(record));
  pseudonymiser_ = ctx.pseudonymiser;
  tokens_.fill({});
  redacted_ = false;
  put(out, kFormat, format_);
  Status s = decode_record(record, ctx, out);
  std::fill(scratch_.begin(), scratch_.end(), '\0');
  scratch_.clear();
  pseudonymiser_ = nullptr;
  if (!s.ok()) {
    out.reset(table_ != nullptr ? table_->size() : 0);
    return s;
  }
  write_patient(out);
  return s;
}

void EhrDecoder::patient(event::Event& e, enrich::IdKind kind, std::string_view raw) {
  raw = trim(raw);
  if (raw.empty()) return;
  std::string_view& slot = tokens_[static_cast<std::size_t>(kind)];
  if (!slot.empty()) return;  // the first identifier of a kind is the record's
  if (pseudonymiser_ == nullptr || !pseudonymiser_->pseudonymise(kind, raw, token_).ok()) {
    // No key, or a value that is not an identifier of its kind: dropped, never kept in clear.
    redacted_ = true;
    return;
  }
  slot = e.arena().copy(token_);
}

void EhrDecoder::write_patient(event::Event& e) {
  using enrich::IdKind;
  auto token = [&](IdKind k) { return tokens_[static_cast<std::size_t>(k)]; };
  IdKind primary = IdKind::kIpp;
  if (token(IdKind::kIpp).empty()) {
    primary = !token(IdKind::kNir).empty() ? IdKind::kNir : IdKind::kFhirPatient;
  }
  if (!token(primary).empty()) {
    put(e, kPatientToken, token(primary));
    put(e, kPatientTokenKind, enrich::to_string(primary));
  }
  put(e, kPatientIppToken, token(IdKind::kIpp));
  put(e, kPatientNirToken, token(IdKind::kNir));
  put(e, kPatientFhirToken, token(IdKind::kFhirPatient));
  put(e, kPatientNameToken, token(IdKind::kName));
  put(e, kPatientFamilyToken, token(IdKind::kFamilyName));
  put(e, kPatientBirthToken, token(IdKind::kBirthDate));
  // The stay is not the patient: its token never stands for patient.token.
  put(e, kPatientStayToken, token(IdKind::kNda));
  if (redacted_) put_bool(e, kPatientRedacted, true);
}

void EhrDecoder::put_int(event::Event& e, Field f, std::int64_t v) const {
  if (!fields_.wanted(f)) return;
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  const std::string_view text =
      e.arena().copy(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
  fields_.set(e, f, event::Value::integer_value(v, text));
}

void EhrDecoder::put_time(event::Event& e, Field f, std::int64_t utc_ms) const {
  if (!fields_.wanted(f)) return;
  // format_timestamp_ms() without its std::string: no allocation per event.
  const DateParts p = date_parts_utc(utc_ms);
  if (p.year < 0 || p.year > 9999) return put_copy(e, f, format_timestamp_ms(utc_ms));
  const auto ms = static_cast<int>(((utc_ms % 1000) + 1000) % 1000);
  char buf[] = "0000-00-00T00:00:00.000Z";
  auto digits = [&](int at, int width, int v) {
    for (int k = at + width - 1; k >= at; --k, v /= 10) buf[k] = static_cast<char>('0' + v % 10);
  };
  digits(0, 4, p.year);
  digits(5, 2, p.month);
  digits(8, 2, p.day);
  digits(11, 2, p.hour);
  digits(14, 2, p.minute);
  digits(17, 2, p.second);
  digits(20, 3, ms);
  put_copy(e, f, std::string_view(buf, sizeof buf - 1));
}

void EhrDecoder::put_list(event::Event& e, Field f, std::span<const std::string_view> items) const {
  if (items.empty() || !fields_.wanted(f)) return;
  const std::uint32_t mark = e.list_mark();
  for (std::string_view item : items) e.push_list_item(event::Value::string(item));
  fields_.set(e, f, e.make_list(mark));
}

void EhrDecoder::put_professional_id(event::Event& e, Field id, Field rpps,
                                     std::string_view value) const {
  value = trim(value);
  if (value.empty()) return;
  put(e, id, value);
  const bool digits = parse_uint(value).has_value();
  if (digits && value.size() == 11) {
    put(e, rpps, value);
  } else if (digits && value.size() == 12 && value.front() == '8') {
    put(e, rpps, value.substr(1));  // IdNat_PS: "8" + RPPS
  }
}

void EhrDecoder::put_justification(event::Event& e, std::string_view text) const {
  text = trim(text);
  std::int64_t chars = 0;
  for (char c : text) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  put_int(e, kJustificationLength, chars);
  static constexpr std::string_view kBoilerplate[] = {
      "",     ".",       "..",     "...",  "-",   "x",   "xx",  "xxx",       "a",
      "test", "urgence", "urgent", "rien", "ras", "bdg", "btg", "emergency", "?"};
  bool boilerplate = false;
  for (std::string_view b : kBoilerplate) boilerplate |= iequals(text, b);
  put_bool(e, kJustificationBoilerplate, boilerplate);
}

void EhrDecoder::put_query(event::Event& e, std::string_view request) const {
  if (request.empty()) return;
  const QueryFacts f = analyse_query(request);
  put_copy(e, kQueryResource, f.resource);
  std::array<std::string_view, 16> params{};
  for (std::size_t i = 0; i < f.param_count; ++i) params[i] = e.arena().copy(f.params[i]);
  put_list(e, kQueryParams, std::span(params.data(), f.param_count));
  if (f.count) put_int(e, kQueryCount, *f.count);
  if (f.min_term) put_int(e, kQueryMinTerm, *f.min_term);
  if (f.param_count > 0) put_bool(e, kQueryWildcard, f.wildcard);
}

std::optional<std::int64_t> EhrDecoder::local_time(std::string_view text) const {
  return ingest::parse_local_timestamp_ms(trim(text), *zone_);
}

// ---- Helpers ------------------------------------------------------------------------------------

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::optional<std::int64_t> parse_uint(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

bool is_ip(std::string_view s) {
  char buf[INET6_ADDRSTRLEN + 1];
  if (s.empty() || s.size() >= sizeof buf) return false;
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  unsigned char addr[16];
  return inet_pton(AF_INET, buf, addr) == 1 || inet_pton(AF_INET6, buf, addr) == 1;
}

bool is_ins_system(std::string_view system) {
  if (starts_with(system, "urn:oid:")) system.remove_prefix(8);
  static constexpr std::string_view kIns = "1.2.250.1.213.1.4.";
  if (!starts_with(system, kIns)) return false;
  const std::string_view arc = system.substr(kIns.size());
  return arc == "8" || arc == "9" || arc == "10" || arc == "11";
}

bool base64_decode(std::string_view in, std::string& out) {
  out.clear();
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t pad = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '+' || c == '-') {
      v = 62;
    } else if (c == '/' || c == '_') {
      v = 63;
    } else if (c == '=') {
      ++pad;
      continue;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      continue;
    } else {
      return false;
    }
    if (pad > 0) return false;  // data after padding
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return pad <= 2 && bits < 6;
}

std::string_view unit_code(std::string_view display) {
  display = trim(display);
  if (display.size() > 2 && iequals(display.substr(0, 2), "UF")) {
    const char c = display[2];
    if (c == ' ' || c == ':' || c == '-' || c == '_') return trim(display.substr(3));
  }
  return display;
}

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

bool has_json_string(std::string_view r, std::string_view quoted_key, std::string_view value) {
  for (std::size_t at = r.find(quoted_key); at != std::string_view::npos;
       at = r.find(quoted_key, at + 1)) {
    if (at > 0 && r[at - 1] == '\\') continue;
    std::size_t i = r.find_first_not_of(" \t\r\n", at + quoted_key.size());
    if (i == std::string_view::npos || r[i] != ':') continue;
    i = r.find_first_not_of(" \t\r\n", i + 1);
    if (i == std::string_view::npos || r[i] != '"') continue;
    if (r.substr(i + 1, value.size()) == value && r.substr(i + 1 + value.size(), 1) == "\"") {
      return true;
    }
  }
  return false;
}

Status json_reject(Status s) {
  if (s.ok()) return s;
  const std::string& c = s.code();
  if (c == "empty") return Status::error(std::string(kRejectEmpty), s.message());
  if (c == "too-many-nodes" || c == "out-of-memory") {
    return Status::error(std::string(kRejectOversized), s.message());
  }
  return s;
}

namespace {

// Characters of a percent-encoded query value ("%C3%A9" is one).
std::int64_t query_chars(std::string_view v) {
  std::int64_t n = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    unsigned char b = static_cast<unsigned char>(v[i]);
    if (v[i] == '%' && i + 2 < v.size()) {
      unsigned int x = 0;
      const auto r = std::from_chars(v.data() + i + 1, v.data() + i + 3, x, 16);
      if (r.ec == std::errc() && r.ptr == v.data() + i + 3) {
        b = static_cast<unsigned char>(x);
        i += 2;
      }
    }
    n += (b & 0xC0) != 0x80;
  }
  return n;
}

}  // namespace

QueryFacts analyse_query(std::string_view request) {
  QueryFacts q;
  request = trim(request);
  // "GET /fhir/Patient?... HTTP/1.1": the target between the method and the version.
  if (const std::size_t sp = request.find(' '); sp != std::string_view::npos) {
    const std::string_view method = request.substr(0, sp);
    if (std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
      request = trim(request.substr(sp + 1));
      if (const std::size_t end = request.find(' '); end != std::string_view::npos) {
        request = request.substr(0, end);
      }
    }
  }
  std::string_view path = request;
  std::string_view query;
  if (const std::size_t qm = request.find('?'); qm != std::string_view::npos) {
    path = request.substr(0, qm);
    query = request.substr(qm + 1);
  } else if (request.find('=') != std::string_view::npos) {
    path = {};
    query = request;
  }
  if (const std::size_t slash = path.rfind('/'); slash != std::string_view::npos) {
    path = path.substr(slash + 1);
  }
  if (!path.empty() && path.front() >= 'A' && path.front() <= 'Z' &&
      std::all_of(path.begin(), path.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      })) {
    q.resource = path;
  }
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const std::size_t eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (name.empty()) continue;
    if (q.param_count < q.params.size()) q.params[q.param_count++] = name;
    if (name == "_count") {
      if (std::optional<std::int64_t> n = parse_uint(value)) q.count = n;
      continue;
    }
    if (name.front() == '_') continue;  // _sort, _include...: not a criterion
    const bool wildcard =
        value.find('*') != std::string_view::npos || ifind(value, "%2A") != std::string_view::npos;
    q.wildcard |= wildcard;
    // Every value of a comma-separated list is a criterion of its own.
    for (std::string_view rest = value;;) {
      const std::size_t comma = rest.find(',');
      const std::int64_t chars = query_chars(rest.substr(0, comma));
      if (!q.min_term || chars < *q.min_term) q.min_term = chars;
      if (comma == std::string_view::npos) break;
      rest = rest.substr(comma + 1);
    }
  }
  return q;
}

}  // namespace vigie::plugins::ehr
