// The ehr plugin: EHR / DPI access audit and admission feeds of French hospitals, decoded to the
// common ehr schema (plugins/ehr/README.md, schemas/ehr.schema.json), every patient identifier
// pseudonymised at decode time.
#include "ehr_common.h"

namespace vigie::plugins::ehr {
namespace {

using decode::Format;
using decode::FormatInfo;

constexpr decode::Logsource kAccess{"ehr", "ehr_access", ""};
constexpr decode::Logsource kAdt{"ehr", "ehr_adt", ""};

std::string_view head(std::string_view r, std::size_t n = 8192) { return r.substr(0, n); }

// An AuditEvent, or a Bundle (of AuditEvents, split by the decoder).
bool sniff_fhir(std::string_view r) {
  if (!json_object(r)) return false;
  r = head(r);
  return has_json_string(r, "\"resourceType\"", "AuditEvent") ||
         has_json_string(r, "\"resourceType\"", "Bundle");
}

// An RFC 5424 line ("<PRI>1 ") whose message is a DICOM AuditMessage, or the bare XML.
bool sniff_atna(std::string_view r) {
  r = trim_front(r);
  if (starts_with(r, "\xEF\xBB\xBF")) r.remove_prefix(3);
  if (r.size() < 4 || r.front() != '<') return false;
  if (r[1] >= '0' && r[1] <= '9') {
    const std::size_t gt = r.find('>');
    if (gt == std::string_view::npos || gt > 4 || r.substr(gt + 1, 2) != "1 ") return false;
    return head(r, 2048).find("<AuditMessage") != std::string_view::npos;
  }
  return starts_with(r, "<AuditMessage") ||
         (starts_with(r, "<?xml") && head(r, 512).find("<AuditMessage") != std::string_view::npos);
}

// A JSON object or a CSV header row that names the default columns' login and time.
bool sniff_flat(std::string_view r) {
  const std::map<std::string, std::string>& cols = default_flat_columns();
  const std::string& login = cols.at("user.name");
  const std::string& time = cols.at("@timestamp");
  r = head(r);
  if (json_object(r)) {
    static const std::string kQuotedLogin = "\"" + login + "\"";
    static const std::string kQuotedTime = "\"" + time + "\"";
    return r.find(kQuotedLogin) != std::string_view::npos &&
           r.find(kQuotedTime) != std::string_view::npos &&
           r.find("\"resourceType\"") == std::string_view::npos;
  }
  // A header row: the two column names as whole cells.
  auto cell = [&](std::string_view name) {
    for (std::size_t at = r.find(name); at != std::string_view::npos; at = r.find(name, at + 1)) {
      const bool begins = at == 0 || r[at - 1] == ',' || r[at - 1] == ';' || r[at - 1] == '"';
      const std::size_t end = at + name.size();
      const bool ends = end == r.size() || r[end] == ',' || r[end] == ';' || r[end] == '"';
      if (begins && ends) return true;
    }
    return false;
  };
  return r.front() != '<' && cell(login) && cell(time);
}

// "MSH" and a field separator, possibly after an MLLP start block byte.
bool sniff_hl7(std::string_view r) {
  if (!r.empty() && r.front() == '\x0b') r.remove_prefix(1);
  if (r.size() < 8 || r.substr(0, 3) != "MSH") return false;
  const char sep = r[3];
  return sep == '|' || (sep > 0x20 && sep < 0x7f && !(sep >= '0' && sep <= '9') &&
                        !(sep >= 'A' && sep <= 'Z') && !(sep >= 'a' && sep <= 'z'));
}

Format format(std::string_view name, std::string_view description, decode::Logsource ls,
              bool (*sniff)(std::string_view),
              std::unique_ptr<decode::Decoder> (*make)(const decode::DecoderSetup&)) {
  Format f;
  f.info = FormatInfo{name, description, ls, all_field_names()};
  f.sniff = sniff;
  f.make = make;
  return f;
}

}  // namespace

void register_plugin(decode::Registry& registry) {
  decode::Plugin p{"ehr", decode::Family::kEhr, {}};
  p.formats.push_back(format("fhir-auditevent",
                             "HL7 FHIR R4 AuditEvent JSON (IHE BALP, ANS traceability guide)",
                             kAccess, sniff_fhir, make_fhir));
  p.formats.push_back(format("atna-xml",
                             "IHE ATNA ITI-20: RFC 5424 syslog carrying a DICOM AuditMessage",
                             kAccess, sniff_atna, make_atna));
  p.formats.push_back(format("dpi-flat",
                             "vendor flat access log, CSV with a header row or JSON lines "
                             "(columns mapped by ehr.flat_columns)",
                             kAccess, sniff_flat, make_flat));
  p.formats.push_back(format("hl7v2-adt",
                             "HL7 v2.5 ADT (IHE PAM France): admissions, transfers, discharges",
                             kAdt, sniff_hl7, make_hl7));
  registry.add(std::move(p));
}

}  // namespace vigie::plugins::ehr
