// dpi-flat: a DPI vendor's flat access log, CSV with a header row or JSON lines, whose columns
// are mapped to the ehr schema by configuration (ehr.flat_columns: normalised field -> column).
// Mapping rules and the default mapping: plugins/ehr/README.md.
#include <algorithm>
#include <array>

#include "ehr_common.h"
#include "event/json_tree.h"

namespace vigie::plugins::ehr {

const std::map<std::string, std::string>& default_flat_columns() {
  // The shape of the Mediboard-like sample (../shared/formats/ehr_dpi_vendor_flat_access.ndjson).
  static const std::map<std::string, std::string> kColumns = {
      {"@timestamp", "ts"},
      {"event.code", "event"},
      {"event.action", "action,event"},
      {"event.outcome", "result"},
      {"event.reason", "reason"},
      {"user.name", "user_login"},
      {"user.id", "user_rpps"},
      {"user.roles", "user_profile"},
      {"patient.ipp", "patient_ipp"},
      {"patient.nir", "patient_ins"},
      {"patient.name", "patient_name"},
      {"patient.family_name", "patient_family_name"},
      {"patient.birth_date", "patient_birth_date"},
      // The stay number (NDA): the sample's column, then its usual French names. Not "stay_id" /
      // "sejour_id": in DPI tables those are internal row ids (Mediboard's CSejour object_id),
      // not the NDA the GAM sends in HL7 PID-18.
      {"patient.nda", "sejour_nda,nda,numero_sejour"},
      {"ehr.unit", "user_uf"},
      {"ehr.patient_unit", "sejour_uf"},
      {"ehr.object", "object_class"},
      {"ehr.document_count", "document_count"},
      {"ehr.justification", "comment"},
      {"ehr.care_role", "role"},
      {"source.ip", "client_ip"},
      {"source.host", "workstation"},
      {"ehr.application", "app"},
      {"ehr.site", "finess_eg"},
      {"ehr.session_id", "session_id"},
      {"ehr.auth_method", "auth_method"},
  };
  return kColumns;
}

namespace {

using event::JsonNode;
using event::JsonType;

enum class Role : std::uint8_t {
  kTime,           // the event time
  kAction,         // event.action, from vendor codes by keyword
  kOutcome,        // event.outcome, from vendor result words
  kPatient,        // a patient identifier: tokenised
  kJustification,  // a break-glass reason: length and boilerplate only
  kProfessional,   // user.id (+ user.rpps)
  kUnit,           // a care unit code ("UF 4701" -> "4701")
  kCount,          // an integer
  kIp,             // an address (kept only when it is one)
  kList,           // a one-item list
  kPlain,          // a schema field, as written
  kNamed,          // a field outside the schema, as written (interned at make())
};

struct Mapping {
  Role role = Role::kPlain;
  Field field = kFieldCount;
  enrich::IdKind kind = enrich::IdKind::kIpp;
  std::string name;                  // kNamed: the field name
  std::vector<std::string> columns;  // alternatives, in order
  std::vector<int> index;            // CSV: the columns' positions in the header, -1 if absent
};

std::optional<Field> schema_field(std::string_view name) {
  const auto names = field_names();
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) return std::nullopt;
  return static_cast<Field>(it - names.begin());
}

// Vendor action words -> event.action; the first rule whose word the value contains wins.
Action classify_action(std::string_view v) {
  struct Rule {
    std::string_view word;
    Action action;
  };
  static constexpr Rule kRules[] = {
      {"bris", Action::kBreakGlass},    {"btg", Action::kBreakGlass},
      {"glass", Action::kBreakGlass},   {"override", Action::kBreakGlass},
      {"logout", Action::kLogout},      {"logoff", Action::kLogout},
      {"deconnexion", Action::kLogout}, {"signout", Action::kLogout},
      {"login", Action::kLogin},        {"logon", Action::kLogin},
      {"auth", Action::kLogin},         {"connexion", Action::kLogin},
      {"signin", Action::kLogin},       {"print", Action::kPrint},
      {"imprim", Action::kPrint},       {"impression", Action::kPrint},
      {"export", Action::kExport},      {"download", Action::kExport},
      {"telecharg", Action::kExport},   {"extract", Action::kExport},
      {"search", Action::kQuery},       {"query", Action::kQuery},
      {"recherche", Action::kQuery},    {"find", Action::kQuery},
      {"delete", Action::kDelete},      {"suppr", Action::kDelete},
      {"remove", Action::kDelete},      {"create", Action::kCreate},
      {"insert", Action::kCreate},      {"ajout", Action::kCreate},
      {"update", Action::kUpdate},      {"store", Action::kUpdate},
      {"modif", Action::kUpdate},       {"merge", Action::kUpdate},
      {"fusion", Action::kUpdate},      {"edit", Action::kUpdate},
      {"write", Action::kUpdate},       {"read", Action::kRead},
      {"view", Action::kRead},          {"consult", Action::kRead},
      {"access", Action::kRead},        {"acces", Action::kRead},
      {"open", Action::kRead},          {"lecture", Action::kRead},
  };
  for (const Rule& r : kRules) {
    if (ifind(v, r.word) != std::string_view::npos) return r.action;
  }
  return Action::kOther;
}

std::string_view classify_outcome(std::string_view v) {
  static constexpr std::string_view kSuccess[] = {"success", "succeeded", "ok",      "true",
                                                  "1",       "granted",   "allowed", "accepted",
                                                  "reussi",  "réussi",    "succes",  "succès"};
  static constexpr std::string_view kFailure[] = {
      "failure", "failed", "fail",  "ko",    "false",    "0",      "denied",
      "refused", "error",  "echec", "échec", "rejected", "refuse", "refusé"};
  v = trim(v);
  for (std::string_view s : kSuccess) {
    if (iequals(v, s)) return "success";
  }
  for (std::string_view f : kFailure) {
    if (iequals(v, f)) return "failure";
  }
  return "unknown";
}

std::vector<std::string> split_columns(std::string_view spec) {
  std::vector<std::string> out;
  while (true) {
    const std::size_t comma = spec.find(',');
    const std::string_view c = trim(spec.substr(0, comma));
    if (!c.empty()) out.emplace_back(c);
    if (comma == std::string_view::npos) break;
    spec = spec.substr(comma + 1);
  }
  return out;
}

std::vector<Mapping> build_mappings(const std::map<std::string, std::string>& columns) {
  using enrich::IdKind;
  static const std::pair<std::string_view, IdKind> kPatientKeys[] = {
      {"patient.ipp", IdKind::kIpp},
      {"patient.nir", IdKind::kNir},
      {"patient.ins", IdKind::kNir},
      {"patient.fhir", IdKind::kFhirPatient},
      {"patient.name", IdKind::kName},
      {"patient.family_name", IdKind::kFamilyName},
      {"patient.birth_date", IdKind::kBirthDate},
      {"patient.nda", IdKind::kNda}};
  std::vector<Mapping> out;
  for (const auto& [key, spec] : columns) {
    Mapping m;
    m.columns = split_columns(spec);
    if (m.columns.empty()) continue;
    if (key == "@timestamp") {
      m.role = Role::kTime;
    } else if (starts_with(key, "patient.")) {
      // Only the identifier inputs: a column is never copied into a patient.* field as written.
      // A named copy: clang 14 cannot capture a structured binding in a lambda.
      const auto& name = key;
      const auto it = std::find_if(std::begin(kPatientKeys), std::end(kPatientKeys),
                                   [&name](const auto& p) { return p.first == name; });
      if (it == std::end(kPatientKeys)) continue;
      m.role = Role::kPatient;
      m.kind = it->second;
    } else if (key == "ehr.justification") {
      m.role = Role::kJustification;
    } else if (const std::optional<Field> f = schema_field(key)) {
      m.field = *f;
      switch (*f) {
        case kAction:
          m.role = Role::kAction;
          break;
        case kOutcome:
          m.role = Role::kOutcome;
          break;
        case kUserId:
          m.role = Role::kProfessional;
          break;
        case kUnit:
        case kPatientUnit:
        case kCareUnit:
          m.role = Role::kUnit;
          break;
        case kDocumentCount:
        case kQueryCount:
          m.role = Role::kCount;
          break;
        case kSourceIp:
          m.role = Role::kIp;
          break;
        case kUserRoles:
          m.role = Role::kList;
          break;
        case kFormat:
        case kJustificationLength:
        case kJustificationBoilerplate:
        case kQueryParams:
        case kQueryMinTerm:
        case kQueryWildcard:
          continue;  // computed by the decoder, never copied
        default:
          m.role = Role::kPlain;
      }
    } else {
      m.role = Role::kNamed;
      m.name = key;
    }
    out.push_back(std::move(m));
  }
  // The time first: it is what every row must have.
  std::stable_partition(out.begin(), out.end(),
                        [](const Mapping& m) { return m.role == Role::kTime; });
  return out;
}

class FlatDecoder : public EhrDecoder {
 public:
  explicit FlatDecoder(const decode::DecoderSetup& setup)
      : EhrDecoder(setup, "dpi-flat", Controls::kJson),
        mappings_(build_mappings(setup.ehr_flat_columns != nullptr ? *setup.ehr_flat_columns
                                                                   : default_flat_columns())),
        named_(intern_named(setup, mappings_)),
        tree_(options(setup)) {}

 protected:
  Status decode_record(std::string_view record, const decode::RecordContext& ctx,
                       event::Event& out) override;

 private:
  static event::JsonTreeOptions options(const decode::DecoderSetup& setup) {
    event::JsonTreeOptions o;
    o.max_bytes = setup.max_record_bytes;
    o.max_depth = 8;
    return o;
  }
  // The kNamed fields, interned so that they are printed; the setter resolves them once.
  static decode::FieldSetter intern_named(const decode::DecoderSetup& setup,
                                          std::vector<Mapping>& mappings) {
    std::vector<std::string_view> names;
    for (const Mapping& m : mappings) {
      if (m.role != Role::kNamed) continue;
      if (setup.fields != nullptr) setup.fields->intern(m.name);
      names.emplace_back(m.name);
    }
    return decode::FieldSetter(setup, names);
  }

  Status split_csv(std::string_view record, char delimiter);
  bool is_header() const;
  void learn_header();
  // The value of mapping `m` in the current record (the first of its columns present and not
  // empty), or nullopt.
  std::optional<std::string_view> value(const Mapping& m) const;
  std::optional<std::string_view> value_at(const Mapping& m, std::size_t k) const;
  Status apply(event::Event& out);

  std::vector<Mapping> mappings_;
  decode::FieldSetter named_;
  event::JsonTree tree_;
  bool json_ = false;
  // CSV state: the delimiter and width of the last header, and the current row's cells.
  char delimiter_ = ',';
  std::size_t width_ = 0;
  std::vector<std::string_view> cells_;
  std::string unquoted_;  // cells that held "" escapes, unescaped (reserved: views stay valid)
};

Status FlatDecoder::split_csv(std::string_view record, char delimiter) {
  cells_.clear();
  unquoted_.clear();
  unquoted_.reserve(record.size());
  std::size_t i = 0;
  while (true) {
    if (i < record.size() && record[i] == '"') {
      const std::size_t start = ++i;
      bool escaped = false;
      while (true) {
        const std::size_t q = record.find('"', i);
        if (q == std::string_view::npos) {
          return Status::error(
              std::string(kRejectQuote),
              "quoted cell not closed, opened at byte offset " + std::to_string(start - 1));
        }
        if (q + 1 < record.size() && record[q + 1] == '"') {
          escaped = true;
          i = q + 2;
          continue;
        }
        std::string_view cell = record.substr(start, q - start);
        if (escaped) {
          const std::size_t from = unquoted_.size();
          for (std::size_t k = 0; k < cell.size(); ++k) {
            unquoted_.push_back(cell[k]);
            if (cell[k] == '"') ++k;
          }
          cell = std::string_view(unquoted_).substr(from);
        }
        cells_.push_back(cell);
        i = q + 1;
        break;
      }
      const std::size_t next = record.find(delimiter, i);
      if (next == std::string_view::npos) break;
      i = next + 1;
      continue;
    }
    const std::size_t next = record.find(delimiter, i);
    cells_.push_back(trim(record.substr(i, next - i)));
    if (next == std::string_view::npos) break;
    i = next + 1;
  }
  return Status::ok_status();
}

bool FlatDecoder::is_header() const {
  // A header names the time column and at least one other mapped column, as whole cells.
  std::size_t named = 0;
  bool time = false;
  for (const Mapping& m : mappings_) {
    for (const std::string& c : m.columns) {
      if (std::find(cells_.begin(), cells_.end(), c) != cells_.end()) {
        ++named;
        time |= m.role == Role::kTime;
        break;
      }
    }
  }
  return time && named >= 2;
}

void FlatDecoder::learn_header() {
  width_ = cells_.size();
  for (Mapping& m : mappings_) {
    m.index.clear();
    for (const std::string& c : m.columns) {
      const auto it = std::find(cells_.begin(), cells_.end(), c);
      m.index.push_back(it == cells_.end() ? -1 : static_cast<int>(it - cells_.begin()));
    }
  }
}

std::optional<std::string_view> FlatDecoder::value_at(const Mapping& m, std::size_t k) const {
  std::string_view v;
  if (json_) {
    const JsonNode* n = tree_.child(tree_.root(), m.columns[k]);
    if (n == nullptr && m.columns[k].find('.') != std::string::npos) {
      // A dotted column names a nested member ("user.login").
      n = &tree_.root();
      std::string_view rest = m.columns[k];
      while (n != nullptr && !rest.empty()) {
        const std::size_t dot = rest.find('.');
        n = tree_.child(*n, rest.substr(0, dot));
        rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
      }
    }
    if (n == nullptr || n->type == JsonType::kNull || n->type == JsonType::kObject ||
        n->type == JsonType::kArray) {
      return std::nullopt;
    }
    v = n->text;
  } else {
    const int at = k < m.index.size() ? m.index[k] : -1;
    if (at < 0 || static_cast<std::size_t>(at) >= cells_.size()) return std::nullopt;
    v = cells_[static_cast<std::size_t>(at)];
  }
  v = trim(v);
  if (v.empty()) return std::nullopt;
  return v;
}

std::optional<std::string_view> FlatDecoder::value(const Mapping& m) const {
  for (std::size_t k = 0; k < m.columns.size(); ++k) {
    if (std::optional<std::string_view> v = value_at(m, k)) return v;
  }
  return std::nullopt;
}

Status FlatDecoder::decode_record(std::string_view record, const decode::RecordContext&,
                                  event::Event& out) {
  json_ = json_object(record);
  if (json_) {
    VIGIE_RETURN_IF_ERROR(json_reject(tree_.parse(record)));
    return apply(out);
  }
  // CSV. A header row sets the delimiter (the most frequent of , ; tab) and the layout.
  const char candidates[] = {',', ';', '\t'};
  std::size_t best = 0;
  char delimiter = ',';
  for (char c : candidates) {
    const auto n = static_cast<std::size_t>(std::count(record.begin(), record.end(), c));
    if (n > best) {
      best = n;
      delimiter = c;
    }
  }
  if (split_csv(record, delimiter).ok() && is_header()) {
    delimiter_ = delimiter;
    learn_header();
    return Status::error(std::string(decode::kNoEventCode), "CSV header row");
  }
  if (width_ == 0) {
    return Status::error(std::string(kRejectNoHeader),
                         "CSV row before any header row naming the mapped columns");
  }
  VIGIE_RETURN_IF_ERROR(split_csv(record, delimiter_));
  if (cells_.size() != width_) {
    return Status::error(std::string(kRejectColumns),
                         "CSV row of " + std::to_string(cells_.size()) +
                             " cells under a header of " + std::to_string(width_));
  }
  return apply(out);
}

Status FlatDecoder::apply(event::Event& out) {
  std::size_t named = 0;
  Action action = Action::kOther;
  bool outcome_set = false;
  for (const Mapping& m : mappings_) {
    if (m.role == Role::kAction) {
      // Each column in turn until one says something.
      for (std::size_t k = 0; k < m.columns.size() && action == Action::kOther; ++k) {
        if (std::optional<std::string_view> v = value_at(m, k)) action = classify_action(*v);
      }
      continue;
    }
    const std::optional<std::string_view> v = value(m);
    const std::size_t named_index = m.role == Role::kNamed ? named++ : 0;
    if (!v) {
      if (m.role == Role::kTime) {
        return Status::error(std::string(kRejectTime), "the row has no time in the mapped column");
      }
      continue;
    }
    switch (m.role) {
      case Role::kTime: {
        std::optional<std::int64_t> ms;
        if (std::optional<std::int64_t> n = parse_uint(*v); n && v->size() == 10) {
          ms = *n * 1000;
        } else if (n && v->size() == 13) {
          ms = *n;
        } else {
          ms = local_time(*v);
        }
        if (!ms) return Status::error(std::string(kRejectTime), "the row's time is not a time");
        out.time_ms = *ms;
        break;
      }
      case Role::kOutcome:
        put(out, kOutcome, classify_outcome(*v));
        outcome_set = true;
        break;
      case Role::kPatient:
        patient(out, m.kind, *v);
        break;
      case Role::kJustification:
        put_justification(out, *v);
        break;
      case Role::kProfessional:
        put_professional_id(out, kUserId, kUserRpps, *v);
        break;
      case Role::kUnit:
        put(out, m.field, unit_code(*v));
        break;
      case Role::kCount:
        if (std::optional<std::int64_t> n = parse_uint(*v)) put_int(out, m.field, *n);
        break;
      case Role::kIp:
        if (is_ip(*v)) put(out, m.field, *v);
        break;
      case Role::kList: {
        const std::string_view item[] = {*v};
        put_list(out, m.field, item);
        break;
      }
      case Role::kPlain:
        put(out, m.field, *v);
        break;
      case Role::kNamed:
        named_.set_string(out, named_index, *v);
        break;
      case Role::kAction:
        break;
    }
  }
  put_action(out, action);
  // A DPI access trace records an access that took place: success unless the row says otherwise.
  if (!outcome_set && action != Action::kOther && action != Action::kLogin &&
      action != Action::kLogout) {
    put(out, kOutcome, "success");
  }
  return Status::ok_status();
}

}  // namespace

std::unique_ptr<decode::Decoder> make_flat(const decode::DecoderSetup& setup) {
  return std::make_unique<FlatDecoder>(setup);
}

}  // namespace vigie::plugins::ehr
