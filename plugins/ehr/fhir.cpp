// fhir-auditevent: HL7 FHIR R4 AuditEvent JSON, as IHE BALP (Basic Audit Log Patterns) and the
// ANS "Traçabilité des événements" guide shape it. Mapping: plugins/ehr/README.md.
#include <algorithm>
#include <array>

#include "ehr_common.h"
#include "event/json_tree.h"

namespace vigie::plugins::ehr {
namespace {

using event::JsonNode;
using event::JsonType;

constexpr std::size_t kMaxListItems = 8;
// How deep an AuditEvent nests (its top-level object is depth 1).
constexpr std::size_t kMaxDepth = 32;
// A Bundle holds its resources three levels down (Bundle > entry[] > entry > resource).
constexpr std::size_t kBundleDepth = 3;
// Entries of one Bundle, of any resource type: more is "oversized".
constexpr std::size_t kMaxBundleEntries = 100'000;
// JSON values of one Bundle, per byte of the record limit (at least JsonTree's 65 536): real
// Bundles have one value per 20 bytes or more; this bounds the tree of a hostile one.
constexpr std::size_t kBundleBytesPerValue = 8;

// The national identifiers of health professionals (IdNat_PS, RPPS, ADELI).
bool is_professional_system(std::string_view system) {
  return system == "urn:oid:1.2.250.1.71.4.2.1" || system == "1.2.250.1.71.4.2.1" ||
         ifind(system, "rpps") != std::string_view::npos ||
         ifind(system, "adeli") != std::string_view::npos;
}

// "Patient/123", "https://x/fhir/Patient/123", "Patient/123/_history/2".
bool is_patient_reference(std::string_view ref) {
  return starts_with(ref, "Patient/") || ref.find("/Patient/") != std::string_view::npos;
}

// "Encounter/e1", "https://x/fhir/Encounter/e1/_history/2": the reference from its last
// "Encounter/" on, without version, query or fragment ("Encounter/e1"), so that a relative and an
// absolute reference to one Encounter give one token; "" when it is not an Encounter reference.
std::string_view encounter_reference(std::string_view ref) {
  ref = trim(ref);
  ref = ref.substr(0, ref.find_first_of("?#"));
  if (const std::size_t h = ref.find("/_history/"); h != std::string_view::npos) {
    ref = ref.substr(0, h);
  }
  constexpr std::string_view kType = "Encounter/";
  const std::size_t at = ref.rfind(kType);
  if (at == std::string_view::npos || (at > 0 && ref[at - 1] != '/')) return {};
  ref.remove_prefix(at);
  if (ref.size() == kType.size() || ref.find('/', kType.size()) != std::string_view::npos) {
    return {};  // no id, or a path below it
  }
  return ref;
}

// The resource type of a relative or absolute reference ("DocumentReference/cr-1" ->
// "DocumentReference"), or "".
std::string_view resource_type(std::string_view ref) {
  if (const std::size_t h = ref.find("/_history/"); h != std::string_view::npos) {
    ref = ref.substr(0, h);
  }
  const std::size_t last = ref.rfind('/');
  if (last == std::string_view::npos || last == 0) return {};
  const std::size_t before = ref.rfind('/', last - 1);
  std::string_view type = ref.substr(before == std::string_view::npos ? 0 : before + 1,
                                     last - (before == std::string_view::npos ? 0 : before + 1));
  if (type.empty() || type.front() < 'A' || type.front() > 'Z') return {};
  for (char c : type) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return {};
  }
  return type;
}

class FhirDecoder : public EhrDecoder {
 public:
  explicit FhirDecoder(const decode::DecoderSetup& setup)
      : EhrDecoder(setup, "fhir-auditevent", Controls::kJson),
        tree_(options(setup)),
        bundle_(bundle_options(setup)) {}

  // A Bundle: a view of each entry's AuditEvent (plugins/ehr/README.md, "Bundles").
  Status split(std::string_view record, decode::Split& out) override;

 protected:
  Status decode_record(std::string_view record, const decode::RecordContext& ctx,
                       event::Event& out) override;

 private:
  static event::JsonTreeOptions options(const decode::DecoderSetup& setup) {
    event::JsonTreeOptions o;
    o.max_bytes = setup.max_record_bytes;
    o.max_depth = kMaxDepth;
    return o;
  }
  static event::JsonTreeOptions bundle_options(const decode::DecoderSetup& setup) {
    event::JsonTreeOptions o = options(setup);
    o.max_depth = kMaxDepth + kBundleDepth;
    o.max_nodes = std::max(o.max_nodes, setup.max_record_bytes / kBundleBytesPerValue);
    return o;
  }

  // The Coding nodes of a Coding, a CodeableConcept, or an array of either, in order.
  template <typename F>
  void each_coding(const JsonNode* n, F&& f) const {
    if (n == nullptr) return;
    if (n->type == JsonType::kArray) {
      for (const JsonNode* c = tree_.first(*n); c != nullptr; c = tree_.next(*c)) each_coding(c, f);
      return;
    }
    if (n->type != JsonType::kObject) return;
    if (const JsonNode* coding = tree_.child(*n, "coding")) {
      if (coding->type == JsonType::kArray) {
        for (const JsonNode* c = tree_.first(*coding); c; c = tree_.next(*c)) {
          if (c->type == JsonType::kObject) f(*c);
        }
      }
      return;
    }
    if (tree_.child(*n, "code") != nullptr) f(*n);
  }
  std::string_view code(const JsonNode& coding) const { return tree_.string(&coding, "code"); }
  std::string_view first_code(const JsonNode* n) const {
    std::string_view found;
    each_coding(n, [&](const JsonNode& c) {
      if (found.empty()) found = code(c);
    });
    return found;
  }
  bool has_code(const JsonNode* n, std::string_view wanted) const {
    bool found = false;
    each_coding(n, [&](const JsonNode& c) { found |= code(c) == wanted; });
    return found;
  }

  Action action(const JsonNode& root, std::string_view& event_code) const;
  void agents(const JsonNode& root, event::Event& out);
  void entities(const JsonNode& root, event::Event& out, bool& patient_entity);
  void query(const JsonNode& entity, event::Event& out);
  void stay(const JsonNode* what, std::string_view encounter, event::Event& out);
  bool is_stay(const JsonNode* what, std::string_view encounter) const;

  event::JsonTree tree_;    // the AuditEvent being decoded
  event::JsonTree bundle_;  // the Bundle being split: its entries are parsed again by tree_
  std::array<std::string_view, kMaxListItems> list_{};
};

Status bundle_error(const std::string& what) {
  return Status::error(std::string(kRejectBundle), what);
}

Status FhirDecoder::split(std::string_view record, decode::Split& out) {
  out.clear();
  // Only a record that names a Bundle somewhere can be one; any other goes whole to decode(),
  // without a parse here (a cheap scan, the common case).
  if (!has_json_string(record, "\"resourceType\"", "Bundle")) {
    out.records.push_back(record);
    return Status::ok_status();
  }
  std::string_view checked = record;
  VIGIE_RETURN_IF_ERROR(check_record(checked));
  VIGIE_RETURN_IF_ERROR(json_reject(bundle_.parse(checked)));
  const JsonNode& root = bundle_.root();
  if (bundle_.string(&root, "resourceType") != "Bundle") {
    // An AuditEvent naming a Bundle inside it (a contained resource): one record.
    out.records.push_back(record);
    return Status::ok_status();
  }
  const JsonNode* entries = bundle_.child(root, "entry");
  if (entries == nullptr) return Status::ok_status();  // an empty searchset
  if (entries->type != JsonType::kArray) return bundle_error("the Bundle's entry is not an array");
  if (entries->child_count > kMaxBundleEntries) {
    return Status::error(std::string(kRejectOversized),
                         "more than " + std::to_string(kMaxBundleEntries) + " Bundle entries");
  }
  std::size_t i = 0;
  for (const JsonNode* e = bundle_.first(*entries); e != nullptr; e = bundle_.next(*e), ++i) {
    if (e->type != JsonType::kObject) {
      out.clear();
      return bundle_error("entry[" + std::to_string(i) + "] of the Bundle is not an object");
    }
    const JsonNode* resource = bundle_.child(*e, "resource");
    if (resource == nullptr) {
      ++out.skipped;  // a history deletion, a batch response: no resource
      continue;
    }
    if (resource->type != JsonType::kObject) {
      out.clear();
      return bundle_error("the resource of entry[" + std::to_string(i) +
                          "] of the Bundle is not an object");
    }
    if (bundle_.string(resource, "resourceType") != "AuditEvent") {
      ++out.skipped;  // an OperationOutcome of a search, an included Patient...
      continue;
    }
    out.records.push_back(checked.substr(bundle_.offset(*resource), resource->text.size()));
  }
  return Status::ok_status();
}

Action FhirDecoder::action(const JsonNode& root, std::string_view& event_code) const {
  const JsonNode* type = tree_.child(root, "type");
  const JsonNode* subtype = tree_.child(root, "subtype");
  const std::string_view type_code = first_code(type);
  const std::string_view sub_code = first_code(subtype);
  event_code = !sub_code.empty() ? sub_code : type_code;
  const std::string_view act = tree_.string(&root, "action");
  std::array<std::string_view, kMaxListItems> subs{};
  std::size_t n = 0;
  each_coding(subtype, [&](const JsonNode& c) {
    if (n < subs.size()) subs[n++] = code(c);
  });
  if (std::optional<Action> a = dicom_action(type_code, std::span(subs.data(), n), act)) {
    return *a;
  }
  // BALP RESTful interactions (audit-event-type#rest + restful-interaction subtype).
  static constexpr std::pair<std::string_view, Action> kRest[] = {
      {"read", Action::kRead},
      {"vread", Action::kRead},
      {"history-instance", Action::kRead},
      {"search-type", Action::kQuery},
      {"search-system", Action::kQuery},
      {"search", Action::kQuery},
      {"search-compartment", Action::kQuery},
      {"update", Action::kUpdate},
      {"patch", Action::kUpdate},
      {"create", Action::kCreate},
      {"delete", Action::kDelete}};
  for (const auto& [name, a] : kRest) {
    if (has_code(subtype, name)) return a;
  }
  return crud_action(act);
}

void FhirDecoder::agents(const JsonNode& root, event::Event& out) {
  const JsonNode* agents = tree_.child(root, "agent");
  if (agents == nullptr || agents->type != JsonType::kArray) return;
  const JsonNode* requestor = nullptr;
  for (const JsonNode* a = tree_.first(*agents); a; a = tree_.next(*a)) {
    const JsonNode* r = tree_.child(*a, "requestor");
    if (r != nullptr && r->type == JsonType::kBool && r->boolean) {
      requestor = a;
      break;
    }
  }
  bool have_ip = false, have_host = false, have_server = false, have_media = false;
  if (requestor != nullptr) {
    const JsonNode* who = tree_.child(*requestor, "who");
    const JsonNode* identifier = who ? tree_.child(*who, "identifier") : nullptr;
    const std::string_view system = tree_.string(identifier, "system");
    const std::string_view value = tree_.string(identifier, "value");
    // A patient acting on their own record (a portal): their identity never goes out in clear.
    const bool patient_self =
        is_patient_reference(tree_.string(who, "reference")) || is_ins_system(system);
    if (!patient_self) {
      const std::string_view alt = tree_.string(requestor, "altId");
      put(out, kUserName, !alt.empty() ? alt : value);
      if (!value.empty() && (is_professional_system(system) || !alt.empty())) {
        put_professional_id(out, kUserId, kUserRpps, value);
      }
      std::string_view name = tree_.string(requestor, "name");
      if (name.empty()) name = tree_.string(who, "display");
      put(out, kUserFullName, name);
      std::size_t n = 0;
      each_coding(tree_.child(*requestor, "role"), [&](const JsonNode& c) {
        std::string_view r = tree_.string(&c, "display");
        if (r.empty()) r = code(c);
        if (!r.empty() && n < list_.size()) list_[n++] = r;
      });
      put_list(out, kUserRoles, std::span(list_.data(), n));
      put(out, kUnit, unit_code(tree_.string(tree_.child(*requestor, "location"), "display")));
    }
    if (const JsonNode* net = tree_.child(*requestor, "network")) {
      const std::string_view address = tree_.string(net, "address");
      const std::string_view t = tree_.string(net, "type");
      if (t == "2" && is_ip(address)) {
        put(out, kSourceIp, address);
        have_ip = true;
      } else if (t == "1" && !address.empty()) {
        put(out, kSourceHost, address);
        have_host = true;
      }
    }
  }
  for (const JsonNode* a = tree_.first(*agents); a; a = tree_.next(*a)) {
    if (a == requestor) continue;
    const JsonNode* who = tree_.child(*a, "who");
    // A patient taking part (a portal, a device at home): nothing of theirs is read.
    if (is_patient_reference(tree_.string(who, "reference"))) continue;
    if (const JsonNode* media = tree_.child(*a, "media"); media != nullptr && !have_media) {
      std::string_view m = tree_.string(media, "display");
      if (m.empty()) m = tree_.string(media, "code");
      put(out, kMedia, m);
      have_media = !m.empty();
    }
    const JsonNode* net = tree_.child(*a, "network");
    const std::string_view address = tree_.string(net, "address");
    const std::string_view t = tree_.string(net, "type");
    if (t == "2" && is_ip(address) && !have_ip) {
      // The client workstation: its address, and its name when the agent gives one.
      put(out, kSourceIp, address);
      have_ip = true;
      if (!have_host) {
        put(out, kSourceHost, tree_.string(who, "display"));
        have_host = true;
      }
    } else if ((t == "1" || t == "5") && !have_server) {
      // The server: a machine name, or a URI whose agent names the machine.
      std::string_view host =
          t == "1" ? address : tree_.string(tree_.child(*who, "identifier"), "value");
      put(out, kHostName, host);
      have_server = !host.empty();
    }
  }
}

void FhirDecoder::query(const JsonNode& entity, event::Event& out) {
  std::string& text = scratch();
  const std::string_view q = tree_.string(&entity, "query");
  if (q.empty() || !base64_decode(q, text)) text.assign(tree_.string(&entity, "description"));
  put_query(out, text);
}

// An entity whose `what` is a stay: a reference to an Encounter (relative, absolute, or
// Reference.type "Encounter" with a logical identifier), or an identifier typed as the stay's
// number: HL7 v2 table 0203 VN (visit) or AN (account), the NDA's types, or FR Core's identifier
// type VN (fr-core-cs-identifier-type; its MN, a movement number, is not the stay).
bool FhirDecoder::is_stay(const JsonNode* what, std::string_view encounter) const {
  if (what == nullptr) return false;
  // Reference.type: "Encounter", or its canonical URL.
  const std::string_view type = tree_.string(what, "type");
  if (!encounter.empty() || type == "Encounter" ||
      type == "http://hl7.org/fhir/StructureDefinition/Encounter") {
    return true;
  }
  const JsonNode* identifier = tree_.child(*what, "identifier");
  if (identifier == nullptr) return false;
  bool typed = false;
  each_coding(tree_.child(*identifier, "type"), [&](const JsonNode& c) {
    const std::string_view system = tree_.string(&c, "system");
    const std::string_view value = code(c);
    const bool v2 = system.empty() || system == "http://terminology.hl7.org/CodeSystem/v2-0203";
    const bool fr_core =
        system == "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-identifier-type";
    typed |= (v2 && (value == "VN" || value == "AN")) || (fr_core && value == "VN");
  });
  return typed;
}

// The stay number: the Encounter's identifier value (the NDA) when `what` has one, else the
// reference itself. Both are tokenised as kind nda; the reference never goes out in clear.
void FhirDecoder::stay(const JsonNode* what, std::string_view encounter, event::Event& out) {
  const std::string_view value = tree_.string(tree_.child(*what, "identifier"), "value");
  if (!trim(value).empty()) {
    patient(out, enrich::IdKind::kNda, value);
  } else if (!encounter.empty()) {
    patient(out, enrich::IdKind::kNda, encounter);
  } else {
    patient(out, enrich::IdKind::kNda, tree_.string(what, "reference"));
  }
}

void FhirDecoder::entities(const JsonNode& root, event::Event& out, bool& patient_entity) {
  const JsonNode* entities = tree_.child(root, "entity");
  if (entities == nullptr || entities->type != JsonType::kArray) return;
  std::string_view object;
  std::size_t labels = 0;
  std::array<std::string_view, kMaxListItems> label_codes{};
  for (const JsonNode* e = tree_.first(*entities); e; e = tree_.next(*e)) {
    const JsonNode* what = tree_.child(*e, "what");
    const std::string_view ref = tree_.string(what, "reference");
    const std::string_view role = first_code(tree_.child(*e, "role"));
    const std::string_view type = first_code(tree_.child(*e, "type"));
    const std::string_view encounter = encounter_reference(ref);
    const bool stay_entity = !is_patient_reference(ref) && is_stay(what, encounter);
    if (stay_entity) {
      // The stay is tokenised; the entity is otherwise a data entity like any other (its type
      // "Encounter" in ehr.object, its security labels).
      stay(what, encounter, out);
    } else if ((type == "1" && role == "1") || is_patient_reference(ref)) {
      patient_entity = true;
      const JsonNode* identifier = what ? tree_.child(*what, "identifier") : nullptr;
      const std::string_view value = tree_.string(identifier, "value");
      if (!value.empty()) {
        patient(out,
                is_ins_system(tree_.string(identifier, "system")) ? enrich::IdKind::kNir
                                                                  : enrich::IdKind::kIpp,
                value);
      }
      if (!ref.empty()) patient(out, enrich::IdKind::kFhirPatient, ref);
      // entity.name and what.display are free text naming the patient: never read.
      continue;
    }
    if (role == "24" || tree_.child(*e, "query") != nullptr) query(*e, out);
    if (object.empty()) object = stay_entity ? "Encounter" : resource_type(ref);
    each_coding(tree_.child(*e, "securityLabel"), [&](const JsonNode& c) {
      const std::string_view l = code(c);
      if (l.empty() || labels == label_codes.size()) return;
      if (std::find(label_codes.begin(), label_codes.begin() + labels, l) ==
          label_codes.begin() + labels) {
        label_codes[labels++] = l;
      }
    });
    if (const JsonNode* details = tree_.child(*e, "detail");
        details != nullptr && details->type == JsonType::kArray) {
      for (const JsonNode* d = tree_.first(*details); d; d = tree_.next(*d)) {
        const std::string_view dtype = tree_.string(d, "type");
        const JsonNode* vs = tree_.child(*d, "valueString");
        const std::string_view value =
            vs != nullptr && vs->type == JsonType::kString ? vs->text : std::string_view{};
        if (iequals(dtype, "documentCount") || iequals(dtype, "document_count")) {
          if (std::optional<std::int64_t> n = parse_uint(trim(value))) {
            put_int(out, kDocumentCount, *n);
          }
        } else if (ifind(dtype, "bris_de_glace") != std::string_view::npos ||
                   ifind(dtype, "justification") != std::string_view::npos ||
                   ifind(dtype, "break-glass") != std::string_view::npos) {
          put_justification(out, value);
        }
      }
    }
  }
  if (object.empty() && patient_entity) object = "Patient";
  put(out, kObject, object);
  put_list(out, kSecurityLabels, std::span(label_codes.data(), labels));
}

Status FhirDecoder::decode_record(std::string_view record, const decode::RecordContext&,
                                  event::Event& out) {
  VIGIE_RETURN_IF_ERROR(json_reject(tree_.parse(record)));
  const JsonNode& root = tree_.root();
  if (tree_.string(&root, "resourceType") != "AuditEvent") {
    return Status::error(std::string(kRejectNotAuditEvent),
                         "the JSON object is not a FHIR AuditEvent (resourceType)");
  }
  std::string_view when = tree_.string(&root, "recorded");
  if (when.empty()) when = tree_.string(tree_.child(root, "period"), "start");
  if (when.empty()) {
    return Status::error(std::string(kRejectTime), "the AuditEvent has no recorded time");
  }
  const std::optional<std::int64_t> ms = local_time(when);
  if (!ms) return Status::error(std::string(kRejectTime), "recorded is not an instant");
  out.time_ms = *ms;

  std::string_view event_code;
  const Action a = action(root, event_code);
  put(out, kEventCode, event_code);
  put_action(out, a);
  const JsonNode* outcome = tree_.child(root, "outcome");
  // R4: a code string; R5: a CodeableConcept under outcome.code.
  std::string_view oc;
  if (outcome != nullptr) {
    oc = outcome->type == JsonType::kString ? outcome->text
                                            : first_code(tree_.child(*outcome, "code"));
  }
  put(out, kOutcome,
      oc == "0" || oc == "success" ? "success"
      : (oc == "4" || oc == "8" || oc == "12" || oc == "minor" || oc == "serious" ||
         oc == "major" || oc == "fatal")
          ? "failure"
          : "unknown");
  // outcomeDesc is free text (it may quote a name): not read.

  agents(root, out);
  std::string_view purpose = first_code(tree_.child(root, "purposeOfEvent"));
  if (purpose.empty()) {
    if (const JsonNode* agents = tree_.child(root, "agent")) {
      for (const JsonNode* ag = tree_.first(*agents); ag && purpose.empty(); ag = tree_.next(*ag)) {
        const JsonNode* r = tree_.child(*ag, "requestor");
        if (r != nullptr && r->boolean) purpose = first_code(tree_.child(*ag, "purposeOfUse"));
      }
    }
  }
  put(out, kPurpose, purpose);

  bool patient_entity = false;
  entities(root, out, patient_entity);

  const JsonNode* source = tree_.child(root, "source");
  const JsonNode* observer = source ? tree_.child(*source, "observer") : nullptr;
  std::string_view app = tree_.string(observer, "display");
  if (app.empty())
    app = tree_.string(tree_.child(observer ? *observer : root, "identifier"), "value");
  put(out, kApplication, app);
  put(out, kSite, tree_.string(source, "site"));
  return Status::ok_status();
}

}  // namespace

std::unique_ptr<decode::Decoder> make_fhir(const decode::DecoderSetup& setup) {
  return std::make_unique<FhirDecoder>(setup);
}

}  // namespace vigie::plugins::ehr
