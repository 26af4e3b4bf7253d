// Shared by the ehr plugin tests: decoders over a table holding every declared field, the test
// tenants' pseudonymisers (keys under plugins/ehr/tests/data/), the shared sample files, and
// reading an event's fields back as text.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "common/timestamp.h"
#include "decode/decoder.h"
#include "decode/fields.h"
#include "enrich/pseudonym.h"
#include "ingest/zone.h"
#include "tests/unit/support/pretty_json.h"
#include "tests/unit/support/temp_dir.h"

namespace vigie::ehr_test {

using test::pretty_json;

// The tenants of the tests: the establishment of the samples, and another one.
inline constexpr std::string_view kTenant = "010000099";
inline constexpr std::string_view kOtherTenant = "973000001";

inline std::string data_path(const std::string& name) {
  return std::string(VIGIE_SOURCE_DIR) + "/plugins/ehr/tests/data/" + name;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The pseudonymiser of a test tenant, loaded the way a deployment does: the committed key file is
// copied into a temporary folder with mode 0600 (git keeps no permission bits), then
// Pseudonymiser::load() reads it there.
inline std::unique_ptr<enrich::Pseudonymiser> load_pseudonymiser(std::string_view tenant) {
  testing::TempDir dir;
  const std::string name = tenant == kTenant ? "test.key" : "other_tenant.key";
  const std::string key = dir.write(name, read_file(data_path(name)), 0600);
  auto p = enrich::Pseudonymiser::load(std::string(tenant), key);
  EXPECT_TRUE(p.ok()) << p.status().to_string();
  return p.ok() ? std::move(*p) : nullptr;
}

// The four formats and their sample files (../shared/formats/).
struct SampleFile {
  std::string format;
  std::string file;
};
inline const std::vector<SampleFile>& sample_files() {
  static const std::vector<SampleFile> kFiles = {
      {"fhir-auditevent", "ehr_fhir_r4_auditevent_balp.ndjson"},
      {"atna-xml", "ehr_atna_rfc5424_dicom_auditmessage.log"},
      {"dpi-flat", "ehr_dpi_vendor_flat_access.ndjson"},
      {"hl7v2-adt", "ehr_hl7v2_pamfr_adt.er7"},
  };
  return kFiles;
}

struct SampleLine {
  int number = 0;  // 1-based line in the file
  std::string text;
};

// The records of a file: every line that is not blank or a comment (LF-separated; an HL7 message
// is one line whose segments are separated by CR).
inline std::vector<SampleLine> file_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<SampleLine> lines;
  int n = 0;
  for (std::string l; std::getline(in, l);) {
    ++n;
    if (!l.empty() && l.back() == '\r') l.pop_back();
    const std::size_t first = l.find_first_not_of(" \t\r");
    if (first == std::string::npos || l[first] == '#') continue;
    lines.push_back({n, l});
  }
  return lines;
}
inline std::vector<SampleLine> sample_lines(const std::string& file) {
  return file_lines(std::string(VIGIE_SHARED_DIR) + "/formats/" + file);
}

// Every patient identifier of the shared samples, collected by hand in
// tests/data/clear_identifiers.txt (one per line, '#' comments): none may appear anywhere in what
// Vigie prints.
inline const std::vector<std::string>& clear_identifiers() {
  static const std::vector<std::string> kIds = [] {
    std::vector<std::string> ids;
    for (const SampleLine& l : file_lines(data_path("clear_identifiers.txt")))
      ids.push_back(l.text);
    return ids;
  }();
  return kIds;
}

// The receive time of the tests: the day after the samples.
inline constexpr std::int64_t kReceivedMs = 1773532800000;  // 2026-03-15T00:00:00Z

class EhrTest : public ::testing::Test {
 protected:
  std::unique_ptr<decode::Decoder> make(std::string_view format,
                                        const char* zone = "Europe/Paris") {
    const decode::Format* f = decode::builtin_plugins().find(decode::Family::kEhr, format);
    EXPECT_NE(f, nullptr) << format;
    if (f == nullptr) return nullptr;
    auto z = ingest::load_zone(zone);
    EXPECT_TRUE(z.ok());
    zone_ = *z;
    decode::DecoderSetup setup;
    setup.fields = &fields_;
    setup.zone = zone_.get();
    setup.max_record_bytes = max_record_bytes_;
    setup.keep_unknown_fields = keep_unknown_;
    setup.ehr_flat_columns = flat_columns_;
    return f->make(setup);
  }
  decode::RecordContext ctx(const enrich::Pseudonymiser* p) const {
    decode::RecordContext c;
    c.received_ms = kReceivedMs;
    c.pseudonymiser = p;
    return c;
  }
  decode::RecordContext ctx() const { return ctx(key_.get()); }

  // The value of a field as text ("<absent>" when not set); lists joined with ",".
  std::string text(const event::Event& e, std::string_view name) const {
    auto id = fields_.find(name);
    const event::Value* v = id ? e.get(*id) : nullptr;
    if (v == nullptr) return "<absent>";
    if (v->kind == event::Kind::kList) {
      std::string s;
      for (std::uint32_t i = 0; i < v->list_size; ++i) {
        if (i > 0) s += ',';
        s += e.list_items()[v->list_begin + i].text;
      }
      return s;
    }
    return std::string(v->text);
  }
  event::Kind kind(const event::Event& e, std::string_view name) const {
    auto id = fields_.find(name);
    const event::Value* v = id ? e.get(*id) : nullptr;
    return v == nullptr ? event::Kind::kAbsent : v->kind;
  }
  // @timestamp and every field the event has (names sorted).
  std::map<std::string, std::string> all(const event::Event& e) const {
    std::map<std::string, std::string> m;
    if (e.time_ms != event::Event::kNoTime) m["@timestamp"] = format_timestamp_ms(e.time_ms);
    for (event::FieldId id : e.present()) m[fields_.name(id)] = text(e, fields_.name(id));
    for (const auto& [name, v] : e.extras()) m[std::string(name)] = std::string(v.text);
    return m;
  }
  std::string json(const event::Event& e) const {
    std::string out;
    decode::append_event_json(out, e, fields_);
    return out;
  }

  event::FieldTable fields_ = [] {
    event::FieldTable t;
    decode::intern_all_fields(decode::builtin_plugins(), t);
    return t;
  }();
  std::shared_ptr<const ingest::Zone> zone_;
  std::size_t max_record_bytes_ = 1 << 20;
  bool keep_unknown_ = false;
  const std::map<std::string, std::string>* flat_columns_ = nullptr;
  std::unique_ptr<enrich::Pseudonymiser> key_ = load_pseudonymiser(kTenant);
};

}  // namespace vigie::ehr_test
