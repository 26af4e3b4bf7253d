// One malformed record per reject code of the ehr family (plugins/ehr/README.md, "Reject codes"),
// each checked for its code and for a message that holds none of the record's content; and the
// README's table lists exactly the codes tested here.
#include <regex>
#include <set>

#include "ehr_test_support.h"

namespace vigie::ehr_test {
namespace {

struct RejectCase {
  const char* name;
  const char* format;
  std::string record;
  const char* code;
};
// NOLINTNEXTLINE(readability-identifier-naming): the name gtest looks up
void PrintTo(const RejectCase& c, std::ostream* os) { *os << c.name; }

std::string deep_json(int depth) {
  std::string s = R"({"resourceType":"AuditEvent","x":)";
  for (int i = 0; i < depth; ++i) s += "[";
  for (int i = 0; i < depth; ++i) s += "]";
  return s + "}";
}

std::string deep_xml(int depth) {
  std::string s = "<AuditMessage>";
  for (int i = 0; i < depth; ++i) s += "<a>";
  for (int i = 0; i < depth; ++i) s += "</a>";
  return s + "</AuditMessage>";
}

const std::string kAtnaHeader = "<110>1 2026-03-14T02:12:44.118+01:00 host APP 1 IHE+RFC-3881 - ";
const std::string kFhirStart =
    R"({"resourceType":"AuditEvent","type":{"code":"110110"},"action":"R","outcome":"0",)";
const std::string kMsh = "MSH|^~\\&|GAM|CHEX|DPI|CHEX|20260310093000||";

// The identity every malformed record below carries, so that a message quoting the record
// would show it.
constexpr std::string_view kSecret = "100000123";

std::vector<RejectCase> cases() {
  const std::string id(kSecret);
  return {
      {"oversized", "fhir-auditevent", kFhirStart + R"("x":")" + std::string(300, 'a') + id + "\"}",
       "oversized"},
      {"empty", "dpi-flat", " \t ", "empty-record"},
      {"binary", "fhir-auditevent", std::string("{\"a\":\"") + id + "\x01\"}", "binary-data"},
      {"nul_in_hl7", "hl7v2-adt", kMsh + "ADT^A01\rPID|1||" + id + std::string(1, '\0'),
       "binary-data"},
      {"utf8", "atna-xml", kAtnaHeader + "<AuditMessage>\xc3\x28" + id + "</AuditMessage>",
       "invalid-utf8"},
      {"truncated_json", "fhir-auditevent", kFhirStart + R"("entity":[{"what":{"reference":")" + id,
       "truncated"},
      {"truncated_xml", "atna-xml",
       kAtnaHeader + "<AuditMessage><ParticipantObjectIdentification ParticipantObjectID=\"" + id +
           "\"",
       "truncated"},
      {"truncated_hl7", "hl7v2-adt", "MSH|^~\\&|GAM|CHEX|DPI|CHEX|2026" + id, "truncated"},
      {"invalid_json", "fhir-auditevent", kFhirStart + R"("recorded":")" + id + R"("} {})",
       "invalid-json"},
      {"too_deep_json", "fhir-auditevent", deep_json(40), "too-deep"},
      {"too_deep_xml", "atna-xml", deep_xml(20), "too-deep"},
      {"not_an_object", "fhir-auditevent", "[\"" + id + "\"]", "not-an-object"},
      {"not_auditevent", "fhir-auditevent",
       R"({"resourceType":"Patient","identifier":[{"value":")" + id + "\"}]}", "not-auditevent"},
      {"bundle_malformed", "fhir-auditevent",
       R"({"resourceType":"Bundle","type":"searchset","entry":{"resource":{"id":")" + id + "\"}}}",
       "bundle-malformed"},
      {"syslog_header", "atna-xml", "<999>1 - - - - - - <AuditMessage>" + id + "</AuditMessage>",
       "syslog-header"},
      {"invalid_xml", "atna-xml", kAtnaHeader + "<AuditMessage><a>" + id + "</b></AuditMessage>",
       "invalid-xml"},
      {"doctype", "atna-xml",
       kAtnaHeader + "<?xml version=\"1.0\"?><!DOCTYPE AuditMessage [<!ENTITY a \"" + id +
           "\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><AuditMessage>&b;</AuditMessage>",
       "xml-doctype-refused"},
      {"external_entity", "atna-xml",
       "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><AuditMessage>&e;</AuditMessage>",
       "xml-doctype-refused"},
      {"not_auditmessage", "atna-xml", kAtnaHeader + "<Event><Data>" + id + "</Data></Event>",
       "not-auditmessage"},
      {"csv_no_header", "dpi-flat", "2026-03-14T02:12:00+01:00,READ,mleroy," + id, "csv-no-header"},
      {"not_adt", "hl7v2-adt", kMsh + "ORU^R01\rPID|1||" + id + "^^^^PI", "hl7-not-adt"},
      {"hl7_segment", "hl7v2-adt", kMsh + "ADT^A01\rpid|1||" + id, "hl7-malformed"},
      {"hl7_separators", "hl7v2-adt", "MSH|^^\\&|GAM|" + id, "hl7-malformed"},
      {"hl7_two_messages", "hl7v2-adt", kMsh + "ADT^A01\rPID|1||" + id + "\r" + kMsh + "ADT^A03",
       "hl7-malformed"},
      {"bad_time_fhir", "fhir-auditevent", kFhirStart + R"("recorded":"yesterday )" + id + "\"}",
       "bad-time"},
      {"no_time_fhir", "fhir-auditevent", kFhirStart + R"("id":")" + id + "\"}", "bad-time"},
      {"bad_time_hl7", "hl7v2-adt", "MSH|^~\\&|GAM|CHEX|DPI|CHEX|2026133|" + id + "|ADT^A01",
       "bad-time"},
      {"bad_time_flat", "dpi-flat",
       R"({"ts":"14/03/2026","user_login":"mleroy","patient_ipp":")" + id + "\"}", "bad-time"},
      {"unrecognised_hl7", "hl7v2-adt", "PID|1||" + id, "unrecognised-record"},
      {"unrecognised_atna", "atna-xml", kAtnaHeader + "patient " + id + " read",
       "unrecognised-record"},
  };
}

class EhrRejects : public EhrTest, public ::testing::WithParamInterface<RejectCase> {};

// Each record goes through split() then decode(), as callers run it (decoder.h): a malformed
// container is split()'s reject, anything else is one record for decode().
TEST_P(EhrRejects, CodeAndNoPayload) {
  max_record_bytes_ = 256;
  auto d = make(GetParam().format);
  event::Event e;
  decode::Split parts;
  Status s = d->split(GetParam().record, parts);
  if (s.ok()) {
    ASSERT_EQ(parts.records.size(), 1u);
    s = d->decode(parts.records.front(), ctx(), e);
  } else {
    EXPECT_TRUE(parts.records.empty());
  }
  EXPECT_EQ(s.code(), GetParam().code) << s.to_string();
  EXPECT_EQ(s.message().find(kSecret), std::string::npos) << s.message();
  EXPECT_FALSE(s.message().empty());
  EXPECT_TRUE(e.present().empty()) << "a rejected record leaves no field";
}

INSTANTIATE_TEST_SUITE_P(Codes, EhrRejects, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<RejectCase>& i) {
                           return std::string(i.param.name);
                         });

using EhrCsvRejects = EhrTest;

// Codes that need a header row first.
TEST_F(EhrCsvRejects, ColumnCountAndUnterminatedQuote) {
  auto d = make("dpi-flat");
  event::Event e;
  Status s = d->decode("ts,event,action,user_login,patient_ipp", ctx(), e);
  EXPECT_TRUE(decode::is_no_event(s)) << s.to_string();
  s = d->decode("2026-03-14T02:12:00+01:00,ACCESS,READ,mleroy", ctx(), e);
  EXPECT_EQ(s.code(), "csv-column-count");
  EXPECT_EQ(s.message().find("mleroy"), std::string::npos);
  s = d->decode("2026-03-14T02:12:00+01:00,ACCESS,READ,mleroy,100000123,extra", ctx(), e);
  EXPECT_EQ(s.code(), "csv-column-count");
  s = d->decode("2026-03-14T02:12:00+01:00,ACCESS,READ,\"mleroy,100000123", ctx(), e);
  EXPECT_EQ(s.code(), "unterminated-quote");
  EXPECT_EQ(s.message().find("100000123"), std::string::npos);
  // The decoder stays in step: a good row after the bad ones decodes.
  s = d->decode("2026-03-14T02:12:00+01:00,ACCESS,READ,mleroy,100000123", ctx(), e);
  EXPECT_TRUE(s.ok()) << s.to_string();
}

// Noise of every kind: a reject or an event, never a crash, never a clear identifier.
TEST_F(EhrCsvRejects, BinaryNoiseIsRejected) {
  std::string noise;
  std::uint32_t x = 2463534242u;
  for (int i = 0; i < 4096; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    noise.push_back(static_cast<char>(x & 0xFF));
  }
  for (const SampleFile& s : sample_files()) {
    auto d = make(s.format);
    for (std::size_t at = 0; at + 64 <= noise.size(); at += 61) {
      event::Event e;
      const Status st = d->decode(std::string_view(noise).substr(at, 64), ctx(), e);
      EXPECT_FALSE(st.ok()) << s.format;
    }
  }
}

TEST(EhrRejectDocs, ReadmeListsExactlyTheTestedCodes) {
  std::set<std::string> tested;
  for (const RejectCase& c : cases()) tested.insert(c.code);
  tested.insert("csv-column-count");
  tested.insert("unterminated-quote");
  const std::string readme = read_file(std::string(VIGIE_SOURCE_DIR) + "/plugins/ehr/README.md");
  const std::size_t section = readme.find("## Reject codes");
  ASSERT_NE(section, std::string::npos);
  const std::string table = readme.substr(section, readme.find("\n## ", section + 1) - section);
  std::set<std::string> documented;
  const std::regex row(R"(\n\| `([a-z0-9-]+)` \|)");
  for (std::sregex_iterator it(table.begin(), table.end(), row), end; it != end; ++it) {
    documented.insert((*it)[1]);
  }
  EXPECT_EQ(documented, tested);
}

}  // namespace
}  // namespace vigie::ehr_test
