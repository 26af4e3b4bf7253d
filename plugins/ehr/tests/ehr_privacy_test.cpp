// Privacy is the point of the ehr plugin: no clear patient identifier of the shared samples
// (collected by hand in tests/data/clear_identifiers.txt, the stay numbers (NDA) included) may
// appear in a decoded event, whatever the options, nor in a reject message, even for records cut
// at every position. Tokens are per tenant: the same IPP gives the same token in FHIR, ATNA, the
// flat log and HL7 for one tenant key, and unrelated tokens for another tenant; the same for the
// stay number, whose token is of its own kind. plugins/ehr/tests/decode_test.py does the same
// through `vigie decode` (stdout and stderr).
#include <set>

#include "ehr_test_support.h"

namespace vigie::ehr_test {
namespace {

using EhrPrivacy = EhrTest;

// Fails for every clear identifier found in `output`.
void expect_no_identifier(const std::string& output, const std::string& what) {
  for (const std::string& id : clear_identifiers()) {
    EXPECT_EQ(output.find(id), std::string::npos) << what << " holds '" << id << "'";
  }
}

TEST_F(EhrPrivacy, NoClearIdentifierInAnyEventWithOrWithoutKey) {
  for (bool keep_unknown : {false, true}) {
    keep_unknown_ = keep_unknown;
    const enrich::Pseudonymiser* with_key = key_.get();
    for (const enrich::Pseudonymiser* key : {with_key, (const enrich::Pseudonymiser*)nullptr}) {
      std::string output;
      for (const SampleFile& s : sample_files()) {
        auto d = make(s.format);
        for (const SampleLine& l : sample_lines(s.file)) {
          event::Event e;
          const Status st = d->decode(l.text, ctx(key), e);
          ASSERT_TRUE(st.ok()) << s.file << ":" << l.number << ": " << st.to_string();
          output += json(e);
          output += '\n';
          if (key == nullptr && text(e, "patient.token") == "<absent>" &&
              s.format != "fhir-auditevent") {
            // Every sample record but the logins names a patient: without a key, it says so.
            const std::string action = text(e, "event.action");
            if (action != "login") {
              EXPECT_EQ(text(e, "patient.redacted"), "true") << s.file << ":" << l.number;
            }
          }
          if (key == nullptr) {
            for (std::string_view f :
                 {"patient.token", "patient.ipp_token", "patient.nir_token", "patient.fhir_token",
                  "patient.name_token", "patient.family_token", "patient.birth_token",
                  "patient.stay_token"}) {
              EXPECT_EQ(text(e, f), "<absent>") << f;
            }
          }
        }
      }
      EXPECT_FALSE(output.empty());
      expect_no_identifier(output, std::string("events (key ") + (key ? "set" : "none") +
                                       ", keep_unknown_fields " + (keep_unknown ? "on" : "off") +
                                       ")");
    }
  }
}

TEST_F(EhrPrivacy, WithoutKeyEveryPatientRecordIsMarkedRedacted) {
  for (const SampleFile& s : sample_files()) {
    auto d = make(s.format);
    for (const SampleLine& l : sample_lines(s.file)) {
      event::Event with, without;
      ASSERT_TRUE(d->decode(l.text, ctx(key_.get()), with).ok());
      ASSERT_TRUE(d->decode(l.text, ctx(nullptr), without).ok());
      const bool has_patient = text(with, "patient.token") != "<absent>" ||
                               text(with, "patient.stay_token") != "<absent>";
      EXPECT_EQ(text(without, "patient.redacted"), has_patient ? "true" : "<absent>")
          << s.file << ":" << l.number;
      EXPECT_EQ(text(with, "patient.redacted"), "<absent>") << s.file << ":" << l.number;
    }
  }
}

// Rejects carry no payload: every sample record cut at many lengths, and with a byte flipped,
// gives either an event or a reject, and neither holds an identifier.
TEST_F(EhrPrivacy, RejectMessagesOfDamagedRecordsHoldNoIdentifier) {
  std::string output;
  std::size_t rejects = 0;
  for (const SampleFile& s : sample_files()) {
    auto d = make(s.format);
    for (const SampleLine& l : sample_lines(s.file)) {
      for (std::size_t cut = 1; cut < l.text.size(); cut += 3) {
        for (int variant = 0; variant < 3; ++variant) {
          std::string r = l.text.substr(0, cut);
          if (variant == 1) r = l.text, r[cut] = '\x01';
          if (variant == 2) r = l.text, r[cut] = r[cut] == '"' ? '}' : '"';
          event::Event e;
          const Status st = d->decode(r, ctx(), e);
          if (st.ok()) {
            output += json(e);
          } else {
            ++rejects;
            output += st.code() + ": " + st.message();
          }
          output += '\n';
        }
      }
    }
  }
  EXPECT_GT(rejects, 1000u);
  expect_no_identifier(output, "events and rejects of damaged records");
}

// The hand-made records of one patient (IPP 100000123, INS 180019912345691 of the samples) in
// each format, for the token comparisons below.
const char* const kFhirWithIpp =
    R"({"resourceType":"AuditEvent","type":{"system":"http://dicom.nema.org/resources/ontology/DCM","code":"110110"},"action":"R","recorded":"2026-03-14T02:12:44+01:00","outcome":"0","agent":[{"altId":"mleroy","requestor":true}],"source":{"observer":{"display":"DPI"}},"entity":[{"what":{"reference":"Patient/p-100000123","identifier":{"system":"urn:oid:1.2.250.1.999.1.1.1","value":"100000123","type":{"coding":[{"code":"PI"}]}}},"type":{"code":"1"},"role":{"code":"1"}}]})";
const char* const kAtna =
    R"(<110>1 2026-03-14T02:12:44.118+01:00 h APP 1 IHE+RFC-3881 - <AuditMessage><EventIdentification EventActionCode="R" EventDateTime="2026-03-14T02:12:44.118+01:00" EventOutcomeIndicator="0"><EventID csd-code="110110" codeSystemName="DCM"/></EventIdentification><ActiveParticipant UserID="mleroy" UserIsRequestor="true"/><ParticipantObjectIdentification ParticipantObjectID="100000123^^^&amp;1.2.250.1.999.1.1.1&amp;ISO" ParticipantObjectTypeCode="1" ParticipantObjectTypeCodeRole="1"/></AuditMessage>)";
const char* const kFlat =
    R"({"ts":"2026-03-14T02:12:00+01:00","event":"ACCESS","action":"READ","user_login":"mleroy","patient_ipp":"100000123","patient_ins":"180019912345691"})";
const char* const kHl7 =
    "MSH|^~\\&|GAM|CHEX|DPI|CHEX|20260310093000||ADT^A01^ADT_A01|1|P|2.5\r"
    "EVN||20260310093000\r"
    "PID|1||100000123^^^CHEX&1.2.250.1.999.1.1.1&ISO^PI~180019912345691^^^ASIP-SANTE-INS-NIR&1.2."
    "250.1.213.1.4.10&ISO^INS\r"
    "PV1|1|I|6268";

TEST_F(EhrPrivacy, SameIppGivesTheSameTokenInEveryFormatOfOneTenant) {
  const std::pair<const char*, const char*> records[] = {{"fhir-auditevent", kFhirWithIpp},
                                                         {"atna-xml", kAtna},
                                                         {"dpi-flat", kFlat},
                                                         {"hl7v2-adt", kHl7}};
  const auto other = load_pseudonymiser(kOtherTenant);
  ASSERT_NE(other, nullptr);
  std::set<std::string> mine, theirs;
  for (const auto& [format, record] : records) {
    auto d = make(format);
    event::Event e;
    ASSERT_TRUE(d->decode(record, ctx(key_.get()), e).ok()) << format;
    EXPECT_EQ(text(e, "patient.token_kind"), "ipp") << format;
    mine.insert(text(e, "patient.token"));
    EXPECT_EQ(text(e, "patient.token"), text(e, "patient.ipp_token"));
    ASSERT_TRUE(d->decode(record, ctx(other.get()), e).ok()) << format;
    theirs.insert(text(e, "patient.token"));
  }
  ASSERT_EQ(mine.size(), 1u) << "one IPP, one token per tenant";
  ASSERT_EQ(theirs.size(), 1u);
  EXPECT_NE(*mine.begin(), *theirs.begin()) << "tenants' tokens must not link";
  EXPECT_EQ(enrich::token_kind(*mine.begin()), enrich::IdKind::kIpp);
  // The token is the pseudonymiser's own (docs/privacy.md): the directory and the establishment's
  // re-identification tools compute the same.
  EXPECT_EQ(*mine.begin(), *key_->token(enrich::IdKind::kIpp, "100000123"));
}

// The samples' stay number (NDA 24000006: HL7 PID-18 and PV1-19, the flat log's sejour_nda) is a
// token with the key, the same in both feeds and in every message of the stay, and nothing
// without: dropped, patient.redacted set.
TEST_F(EhrPrivacy, SamplesStayNumberIsATokenWithKeyAndAbsentWithout) {
  const std::string nda = *key_->token(enrich::IdKind::kNda, "24000006");
  std::size_t stays = 0;
  for (const SampleFile& s : sample_files()) {
    auto d = make(s.format);
    for (const SampleLine& l : sample_lines(s.file)) {
      event::Event with, without;
      ASSERT_TRUE(d->decode(l.text, ctx(key_.get()), with).ok());
      ASSERT_TRUE(d->decode(l.text, ctx(nullptr), without).ok());
      EXPECT_EQ(text(without, "patient.stay_token"), "<absent>") << s.file << ":" << l.number;
      if (l.text.find("24000006") == std::string::npos) {
        EXPECT_EQ(text(with, "patient.stay_token"), "<absent>") << s.file << ":" << l.number;
        continue;
      }
      ++stays;
      EXPECT_EQ(text(with, "patient.stay_token"), nda) << s.file << ":" << l.number;
      EXPECT_EQ(text(without, "patient.redacted"), "true") << s.file << ":" << l.number;
      EXPECT_EQ(json(with).find("24000006"), std::string::npos);
      EXPECT_EQ(json(without).find("24000006"), std::string::npos);
    }
  }
  EXPECT_EQ(stays, 4u) << "three HL7 messages and one flat record name the stay";
}

// One stay in the four formats: one token per tenant, of kind nda, unrelated to the IPP with the
// same digits and to the other tenant's.
TEST_F(EhrPrivacy, SameNdaGivesTheSameStayTokenInEveryFormatOfOneTenant) {
  const std::pair<const char*, std::string> records[] = {
      {"fhir-auditevent",
       R"({"resourceType":"AuditEvent","type":{"code":"110110"},"action":"R","recorded":"2026-03-14T02:12:44+01:00","agent":[{"altId":"mleroy","requestor":true}],"entity":[{"what":{"reference":"Patient/p-100000123"},"type":{"code":"1"},"role":{"code":"1"}},{"what":{"reference":"Encounter/e1","identifier":{"value":"24000006"}}}]})"},
      {"atna-xml",
       R"(<AuditMessage><EventIdentification EventActionCode="R" EventDateTime="2026-03-14T02:12:44+01:00" EventOutcomeIndicator="0"><EventID csd-code="110110"/></EventIdentification><ActiveParticipant UserID="mleroy" UserIsRequestor="true"/><ParticipantObjectIdentification ParticipantObjectID="24000006^^^&amp;1.2.250.1.999.1.1.1&amp;ISO^VN" ParticipantObjectTypeCode="2" ParticipantObjectTypeCodeRole="4"><ParticipantObjectIDTypeCode csd-code="3" codeSystemName="RFC-3881" originalText="Encounter Number"/></ParticipantObjectIdentification></AuditMessage>)"},
      {"dpi-flat",
       R"({"ts":"2026-03-14T02:12:00+01:00","action":"READ","user_login":"mleroy","sejour_nda":"24000006"})"},
      {"hl7v2-adt",
       "MSH|^~\\&|GAM|CHEX|DPI|CHEX|20260310093000||ADT^A01|1|P|2.5\rPID|1||100000123^^^^PI|||||||"
       "||||||||24000006^^^CHEX^AN\rPV1|1|I|6268"}};
  const auto other = load_pseudonymiser(kOtherTenant);
  ASSERT_NE(other, nullptr);
  std::set<std::string> mine, theirs;
  for (const auto& [format, record] : records) {
    auto d = make(format);
    event::Event e;
    ASSERT_TRUE(d->decode(record, ctx(key_.get()), e).ok()) << format;
    mine.insert(text(e, "patient.stay_token"));
    EXPECT_NE(text(e, "patient.token_kind"), "nda") << format;
    EXPECT_EQ(json(e).find("24000006"), std::string::npos) << format;
    ASSERT_TRUE(d->decode(record, ctx(other.get()), e).ok()) << format;
    theirs.insert(text(e, "patient.stay_token"));
    ASSERT_TRUE(d->decode(record, ctx(nullptr), e).ok()) << format;
    EXPECT_EQ(text(e, "patient.stay_token"), "<absent>") << format;
    EXPECT_EQ(text(e, "patient.redacted"), "true") << format;
    EXPECT_EQ(json(e).find("24000006"), std::string::npos) << format;
  }
  ASSERT_EQ(mine.size(), 1u) << "one stay, one token per tenant";
  ASSERT_EQ(theirs.size(), 1u);
  EXPECT_NE(*mine.begin(), *theirs.begin()) << "tenants' tokens must not link";
  EXPECT_EQ(*mine.begin(), *key_->token(enrich::IdKind::kNda, "24000006"));
  EXPECT_EQ(enrich::token_kind(*mine.begin()), enrich::IdKind::kNda);
  EXPECT_NE(*mine.begin(), *key_->token(enrich::IdKind::kIpp, "24000006"));
}

TEST_F(EhrPrivacy, SameInsGivesTheSameNirTokenInEveryFormat) {
  std::set<std::string> nir;
  for (const SampleFile& s : sample_files()) {
    auto d = make(s.format);
    for (const SampleLine& l : sample_lines(s.file)) {
      event::Event e;
      ASSERT_TRUE(d->decode(l.text, ctx(), e).ok());
      if (l.text.find("180019912345691") != std::string::npos ||
          l.text.find("MTgwMDE5OTEyMzQ1Njkx") != std::string::npos) {
        nir.insert(text(e, "patient.nir_token"));
      }
    }
  }
  EXPECT_EQ(nir.size(), 1u);
  EXPECT_EQ(*nir.begin(), *key_->token(enrich::IdKind::kNir, "180019912345691"));
}

}  // namespace
}  // namespace vigie::ehr_test
