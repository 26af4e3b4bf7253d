// Cases beyond the shared samples, written from the specifications each format follows: HL7 FHIR
// R4 AuditEvent and IHE BALP (PatientRead/Query/Create/Delete, login/logout, outcome codes,
// break-glass start/stop), DICOM PS3.15 A.5 and RFC 3881 audit messages, a DPI's CSV export,
// and HL7 v2.5 ADT with the IHE PAM France extension (ZBE, INS OIDs, custom separators, escapes,
// MLLP and file framings).
#include "ehr_test_support.h"

namespace vigie::ehr_test {
namespace {

using EhrFormats = EhrTest;
using enrich::IdKind;

// ---- FHIR AuditEvent
// -----------------------------------------------------------------------------

std::string fhir(const std::string& body) {
  return R"({"resourceType":"AuditEvent","recorded":"2026-03-14T10:00:00.250+01:00",)" + body + "}";
}
const std::string kUser =
    R"({"type":{"coding":[{"code":"humanuser"}]},"who":{"identifier":{"system":"https://rpps.esante.gouv.fr","value":"10009999991"}},"altId":"mleroy","requestor":true})";
const std::string kPatientRef =
    R"({"what":{"reference":"Patient/ex-patient"},"type":{"code":"1"},"role":{"code":"1"}})";

TEST_F(EhrFormats, FhirBalpCrudAndSearch) {
  auto d = make("fhir-auditevent");
  struct Case {
    const char* subtype;
    const char* action;
    const char* expected;
  };
  for (const Case& c :
       {Case{"read", "R", "patient-record-read"}, Case{"vread", "R", "patient-record-read"},
        Case{"search-type", "E", "patient-record-query"},
        Case{"create", "C", "patient-record-create"}, Case{"update", "U", "patient-record-update"},
        Case{"patch", "U", "patient-record-update"}, Case{"delete", "D", "patient-record-delete"},
        Case{"operation", "E", "other"}}) {
    event::Event e;
    std::string body =
        R"("type":{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest"},"subtype":[{"system":"http://hl7.org/fhir/restful-interaction","code":")";
    body.append(c.subtype).append(R"("}],"action":")").append(c.action);
    body.append(R"(","outcome":"0","agent":[)").append(kUser).append(R"(],"entity":[)");
    body.append(kPatientRef).append("]");
    const std::string r = fhir(body);
    ASSERT_TRUE(d->decode(r, ctx(), e).ok()) << c.subtype;
    EXPECT_EQ(text(e, "event.action"), c.expected) << c.subtype;
    EXPECT_EQ(text(e, "event.code"), c.subtype);
    // Only a Patient reference: the FHIR token is the key.
    EXPECT_EQ(text(e, "patient.token_kind"), "fhir");
    EXPECT_EQ(text(e, "patient.token"), *key_->token(IdKind::kFhirPatient, "Patient/ex-patient"));
    EXPECT_EQ(text(e, "user.id"), "10009999991");
    EXPECT_EQ(text(e, "user.rpps"), "10009999991");
    EXPECT_EQ(text(e, "@timestamp"), "<absent>");  // not a field: the event time
    EXPECT_EQ(format_timestamp_ms(e.time_ms), "2026-03-14T09:00:00.250Z");
  }
}

TEST_F(EhrFormats, FhirOutcomeCodes) {
  auto d = make("fhir-auditevent");
  for (const auto& [code, outcome] :
       std::vector<std::pair<std::string, std::string>>{{"0", "success"},
                                                        {"4", "failure"},
                                                        {"8", "failure"},
                                                        {"12", "failure"},
                                                        {"7", "unknown"}}) {
    event::Event e;
    ASSERT_TRUE(
        d->decode(fhir(R"("type":{"code":"110110"},"action":"R","outcome":")" + code + "\""), ctx(),
                  e)
            .ok());
    EXPECT_EQ(text(e, "event.outcome"), outcome) << code;
  }
}

TEST_F(EhrFormats, FhirDicomEventTypes) {
  auto d = make("fhir-auditevent");
  struct Case {
    const char* type;
    const char* subtype;
    const char* expected;
    const char* code;
  };
  const std::string dcm = "http://dicom.nema.org/resources/ontology/DCM";
  for (const Case& c :
       {Case{"110114", "110122", "login", "110122"}, Case{"110114", "110123", "logout", "110123"},
        Case{"110113", "110127", "break-glass", "110127"},
        Case{"110113", "110138", "other", "110138"},  // override stopped
        Case{"110106", "", "patient-record-export", "110106"},
        Case{"110112", "", "patient-record-query", "110112"},
        Case{"110101", "", "audit-log-access", "110101"}}) {
    std::string sub;
    if (*c.subtype != '\0') {
      sub.append(R"("subtype":[{"system":")").append(dcm).append(R"(","code":")");
      sub.append(c.subtype).append(R"("}],)");
    }
    std::string body = R"("type":{"system":")";
    body.append(dcm).append(R"(","code":")").append(c.type).append(R"("},)");
    body.append(sub).append(R"("action":"E","outcome":"0")");
    event::Event e;
    ASSERT_TRUE(d->decode(fhir(body), ctx(), e).ok());
    EXPECT_EQ(text(e, "event.action"), c.expected) << c.type << "/" << c.subtype;
    EXPECT_EQ(text(e, "event.code"), c.code);
  }
}

// HL7's break-glass example (auditevent-example-breakglass-start), in R4 shape, with an INS NIA
// and a justification detail.
TEST_F(EhrFormats, FhirBreakGlassWithPurposeAndJustification) {
  auto d = make("fhir-auditevent");
  event::Event e;
  const std::string r = fhir(
      R"("type":{"code":"110113"},"subtype":[{"code":"110127"}],"action":"E","outcome":"0",)"
      R"("purposeOfEvent":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"ETREAT"}]}],)"
      R"("agent":[)" +
      kUser +
      R"(],"entity":[{"what":{"identifier":{"system":"urn:oid:1.2.250.1.213.1.4.9","value":"279059932100795"}},"type":{"code":"1"},"role":{"code":"1"},"name":"DUPONT Jean"},)"
      R"({"type":{"code":"4"},"detail":[{"type":"justification","valueString":"  Patient inconscient aux urgences, pas de dossier  "}]}])");
  ASSERT_TRUE(d->decode(r, ctx(), e).ok());
  EXPECT_EQ(text(e, "event.action"), "break-glass");
  EXPECT_EQ(text(e, "ehr.purpose"), "ETREAT");
  EXPECT_EQ(text(e, "patient.token_kind"), "nir");
  EXPECT_EQ(text(e, "patient.nir_token"), *key_->token(IdKind::kNir, "279059932100795"));
  EXPECT_EQ(text(e, "ehr.justification.length"), "48");
  EXPECT_EQ(text(e, "ehr.justification.boilerplate"), "false");
  EXPECT_EQ(json(e).find("DUPONT"), std::string::npos);
  EXPECT_EQ(json(e).find("inconscient"), std::string::npos);
}

TEST_F(EhrFormats, FhirQueryIsReducedToItsShape) {
  auto d = make("fhir-auditevent");
  event::Event e;
  // "GET /fhir/Patient?name=*ar*&birthdate=1980-01-01&_count=2000 HTTP/1.1"
  const std::string r = fhir(
      R"("type":{"code":"rest"},"subtype":[{"code":"search-type"}],"action":"E","outcome":"0",)"
      R"("entity":[{"type":{"code":"2"},"role":{"code":"24"},"query":"R0VUIC9maGlyL1BhdGllbnQ/bmFtZT0qYXIqJmJpcnRoZGF0ZT0xOTgwLTAxLTAxJl9jb3VudD0yMDAwIEhUVFAvMS4x"}])");
  ASSERT_TRUE(d->decode(r, ctx(), e).ok());
  EXPECT_EQ(text(e, "ehr.query.resource"), "Patient");
  EXPECT_EQ(text(e, "ehr.query.params"), "name,birthdate,_count");
  EXPECT_EQ(text(e, "ehr.query.count"), "2000");
  EXPECT_EQ(kind(e, "ehr.query.count"), event::Kind::kInt);
  EXPECT_EQ(text(e, "ehr.query.min_term_length"), "4");
  EXPECT_EQ(text(e, "ehr.query.wildcard"), "true");
  EXPECT_EQ(json(e).find("1980"), std::string::npos);
  EXPECT_EQ(json(e).find("*ar*"), std::string::npos);
}

TEST_F(EhrFormats, FhirPatientActingOnOwnRecordKeepsNoClearIdentity) {
  auto d = make("fhir-auditevent");
  event::Event e;
  const std::string r = fhir(
      R"("type":{"code":"rest"},"subtype":[{"code":"read"}],"action":"R","outcome":"0",)"
      R"("agent":[{"who":{"reference":"Patient/ex-patient","display":"DUPONT Jean"},"altId":"jdupont","name":"DUPONT Jean","requestor":true,"network":{"address":"198.51.100.7","type":"2"}}],)"
      R"("entity":[)" +
      kPatientRef + "]");
  ASSERT_TRUE(d->decode(r, ctx(), e).ok());
  EXPECT_EQ(text(e, "user.name"), "<absent>");
  EXPECT_EQ(text(e, "user.full_name"), "<absent>");
  EXPECT_EQ(text(e, "source.ip"), "198.51.100.7");
  EXPECT_EQ(json(e).find("DUPONT"), std::string::npos);
  EXPECT_EQ(json(e).find("jdupont"), std::string::npos);
}

TEST_F(EhrFormats, FhirTimeWithoutOffsetIsTheEstablishmentsLocalTime) {
  auto d = make("fhir-auditevent", "America/Cayenne");
  event::Event e;
  ASSERT_TRUE(
      d->decode(
           R"({"resourceType":"AuditEvent","recorded":"2026-03-14T10:00:00","type":{"code":"110110"},"action":"R"})",
           ctx(), e)
          .ok());
  EXPECT_EQ(format_timestamp_ms(e.time_ms), "2026-03-14T13:00:00.000Z");
}

TEST_F(EhrFormats, FhirSecurityLabelsAndObjectType) {
  auto d = make("fhir-auditevent");
  event::Event e;
  const std::string r = fhir(
      R"("type":{"code":"rest"},"subtype":[{"code":"read"}],"action":"R","outcome":"0","entity":[)"
      R"({"what":{"reference":"https://dpi.example/fhir/DocumentReference/d1/_history/3"},"securityLabel":[{"code":"R"},{"code":"PSY"},{"code":"R"}]}])");
  ASSERT_TRUE(d->decode(r, ctx(), e).ok());
  EXPECT_EQ(text(e, "ehr.object"), "DocumentReference");
  EXPECT_EQ(text(e, "ehr.security_labels"), "R,PSY");
  EXPECT_EQ(text(e, "patient.token"), "<absent>");
  EXPECT_EQ(text(e, "patient.redacted"), "<absent>");
}

// The stay (NDA) of an access: an entity whose `what` is an Encounter. Its identifier value is the
// NDA; without one, the reference stands for it (relative or absolute, one token). Either way a
// token of kind nda, never the patient's token, never in clear.
TEST_F(EhrFormats, FhirEncounterEntityGivesTheStayToken) {
  auto d = make("fhir-auditevent");
  const std::string head =
      R"("type":{"code":"rest"},"subtype":[{"code":"read"}],"action":"R","outcome":"0","entity":[)" +
      kPatientRef + ",";
  const std::string nda = *key_->token(IdKind::kNda, "24000006");
  const std::string by_ref = *key_->token(IdKind::kNda, "Encounter/enc-24000006");
  struct Case {
    const char* entity;
    const std::string* token;
  };
  const Case cases[] = {
      // BALP data entity: a reference to the Encounter with its identifier (FR Core: the NDA).
      {R"({"what":{"reference":"Encounter/enc-24000006","identifier":{"system":"urn:oid:1.2.250.1.999.1.1.2","value":"24000006"}},"type":{"code":"2"},"role":{"code":"4"}})",
       &nda},
      // A logical reference: Reference.type and the identifier only.
      {R"({"what":{"type":"Encounter","identifier":{"value":" 24000006 "}},"type":{"code":"2"}})",
       &nda},
      // An identifier typed as a visit number (HL7 v2 table 0203), no reference.
      {R"({"what":{"identifier":{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"VN"}]},"value":"024000006"}}})",
       &nda},
      // FR Core Encounter's identifier type VN.
      {R"({"what":{"identifier":{"type":{"coding":[{"system":"https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-identifier-type","code":"VN"}]},"value":"24000006"}}})",
       &nda},
      // No identifier: the reference, relative or absolute, versioned or not.
      {R"({"what":{"reference":"Encounter/enc-24000006"},"type":{"code":"2"}})", &by_ref},
      {R"({"what":{"reference":"https://dpi.example/fhir/Encounter/enc-24000006/_history/4"}})",
       &by_ref},
  };
  for (const Case& c : cases) {
    event::Event e;
    ASSERT_TRUE(d->decode(fhir(head + c.entity + "]"), ctx(), e).ok()) << c.entity;
    EXPECT_EQ(text(e, "patient.stay_token"), *c.token) << c.entity;
    EXPECT_EQ(text(e, "patient.token"), *key_->token(IdKind::kFhirPatient, "Patient/ex-patient"));
    EXPECT_EQ(text(e, "patient.token_kind"), "fhir");
    EXPECT_EQ(text(e, "ehr.object"), "Encounter");
    EXPECT_EQ(text(e, "patient.redacted"), "<absent>");
    EXPECT_EQ(json(e).find("24000006"), std::string::npos) << json(e);
    EXPECT_EQ(json(e).find("enc-"), std::string::npos) << json(e);
    // Without a key: dropped, and the event says so.
    ASSERT_TRUE(d->decode(fhir(head + c.entity + "]"), ctx(nullptr), e).ok());
    EXPECT_EQ(text(e, "patient.stay_token"), "<absent>");
    EXPECT_EQ(text(e, "patient.redacted"), "true");
    EXPECT_EQ(json(e).find("24000006"), std::string::npos) << json(e);
  }
  EXPECT_NE(nda, *key_->token(IdKind::kIpp, "24000006")) << "an NDA is not an IPP";
  // Other data entities are not stays: a DocumentReference, a request id, a look-alike type, an
  // identifier typed PI or MN.
  for (
      const char* entity :
      {R"({"what":{"reference":"DocumentReference/cr-24000006"}})",
       R"({"what":{"identifier":{"value":"24000006"}},"type":{"code":"XrequestId"}})",
       R"({"what":{"reference":"EncounterHistory/24000006"}})",
       R"({"what":{"identifier":{"type":{"coding":[{"code":"PI"}]},"value":"24000006"}}})",
       // A movement number (FR Core MN, HL7 ZBE-1) is not the stay.
       R"({"what":{"identifier":{"type":{"coding":[{"system":"https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-identifier-type","code":"MN"}]},"value":"24000006"}}})"}) {
    event::Event e;
    ASSERT_TRUE(d->decode(fhir(head + entity + "]"), ctx(), e).ok()) << entity;
    EXPECT_EQ(text(e, "patient.stay_token"), "<absent>") << entity;
    EXPECT_EQ(json(e).find("24000006"), std::string::npos) << json(e);
  }
}

// A pretty-printed AuditEvent (a file of them, or a FHIR read saved with curl) comes whole out of
// the JSON framing: its line ends and indentation are JSON whitespace, so it gives the event of
// the same record on one line. A line end inside a string is not JSON (invalid-json); any other
// control byte is still binary-data.
TEST_F(EhrFormats, FhirPrettyPrintedGivesTheEventOfItsLine) {
  auto d = make("fhir-auditevent");
  const decode::Registry& r = decode::builtin_plugins();
  for (const SampleLine& l : sample_lines("ehr_fhir_r4_auditevent_balp.ndjson")) {
    event::Event one_line, spread;
    ASSERT_TRUE(d->decode(l.text, ctx(), one_line).ok()) << l.number;
    const std::map<std::string, std::string> want = all(one_line);  // before the next decode()
    for (std::string_view eol : {"\n", "\r\n"}) {
      const std::string p = pretty_json(l.text, eol);
      ASSERT_NE(p.find('\n'), std::string::npos);
      const Status s = d->decode(p, ctx(), spread);
      ASSERT_TRUE(s.ok()) << l.number << ": " << s.to_string();
      EXPECT_EQ(all(spread), want) << l.number;
      const decode::Format* f = r.sniff_any(p);
      ASSERT_NE(f, nullptr);
      EXPECT_EQ(f->info.name, "fhir-auditevent") << l.number;
    }
  }
  const std::string p = pretty_json(sample_lines("ehr_fhir_r4_auditevent_balp.ndjson")[0].text);
  event::Event e;
  std::string broken = p;
  broken.replace(broken.find("\"AuditEvent\""), 12, "\"Audit\nEvent\"");
  EXPECT_EQ(d->decode(broken, ctx(), e).code(), "invalid-json");
  broken = p;
  broken[broken.find("\n  ") + 1] = '\x0b';
  EXPECT_EQ(d->decode(broken, ctx(), e).code(), "binary-data");
}

// ---- ATNA / DICOM AuditMessage -----------------------------------------------------------------

// RFC 3881 attribute names (code, displayName), MSGID "IHE", a query object and a study: what
// older ATNA actors send.
TEST_F(EhrFormats, AtnaRfc3881AttributesAndQuery) {
  auto d = make("atna-xml");
  event::Event e;
  const std::string r =
      "<85>1 2026-03-14T10:00:00Z pacs01 PACS 77 IHE - "
      "<AuditMessage><EventIdentification EventActionCode=\"E\" "
      "EventDateTime=\"2026-03-14T10:59:59.5+01:00\" EventOutcomeIndicator=\"8\">"
      "<EventID code=\"110112\" codeSystemName=\"DCM\" displayName=\"Query\"/>"
      "<EventTypeCode code=\"ITI-21\" codeSystemName=\"IHE Transactions\"/>"
      "<PurposeOfUse code=\"TREAT\"/></EventIdentification>"
      "<ActiveParticipant UserID=\"radio1\" UserIsRequestor=\"true\" "
      "NetworkAccessPointID=\"PC-RADIO-01\" NetworkAccessPointTypeCode=\"1\">"
      "<RoleIDCode code=\"21\" codeSystemName=\"TRE_G15\" displayName=\"Manipulateur\"/>"
      "</ActiveParticipant>"
      "<ParticipantObjectIdentification ParticipantObjectID=\"q1\" ParticipantObjectTypeCode=\"2\" "
      "ParticipantObjectTypeCodeRole=\"24\"><ParticipantObjectIDTypeCode code=\"ITI-21\"/>"
      "<ParticipantObjectQuery>UGF0aWVudD9mYW1pbHk9WCZnaXZlbj1KRUFOLE1BUklF</"
      "ParticipantObjectQuery></ParticipantObjectIdentification>"
      "<ParticipantObjectIdentification ParticipantObjectID=\"1.2.3.4\" "
      "ParticipantObjectTypeCode=\"2\" ParticipantObjectTypeCodeRole=\"3\">"
      "<ParticipantObjectIDTypeCode code=\"110180\" displayName=\"Study Instance UID\"/>"
      "</ParticipantObjectIdentification></AuditMessage>";
  ASSERT_TRUE(d->decode(r, ctx(), e).ok()) << d->decode(r, ctx(), e).to_string();
  EXPECT_EQ(text(e, "event.action"), "patient-record-query");
  EXPECT_EQ(text(e, "event.code"), "110112");
  EXPECT_EQ(text(e, "event.outcome"), "failure");
  EXPECT_EQ(text(e, "ehr.purpose"), "TREAT");
  EXPECT_EQ(text(e, "user.name"), "radio1");
  EXPECT_EQ(text(e, "user.roles"), "Manipulateur");
  EXPECT_EQ(text(e, "source.host"), "PC-RADIO-01");
  EXPECT_EQ(text(e, "host.name"), "pacs01");
  EXPECT_EQ(text(e, "ehr.query.params"), "family,given");
  EXPECT_EQ(text(e, "ehr.query.min_term_length"), "1");
  EXPECT_EQ(text(e, "ehr.object"), "ITI-21");
  EXPECT_EQ(format_timestamp_ms(e.time_ms), "2026-03-14T09:59:59.500Z");
  EXPECT_EQ(json(e).find("JEAN"), std::string::npos);
}

TEST_F(EhrFormats, AtnaBareXmlWithInsAuthorityAndPatientName) {
  auto d = make("atna-xml");
  event::Event e;
  const std::string r =
      "<?xml version=\"1.0\"?>\n<AuditMessage>\n  <EventIdentification EventActionCode=\"U\" "
      "EventDateTime=\"2026-03-14T10:00:00+01:00\" EventOutcomeIndicator=\"0\">"
      "<EventID csd-code=\"110110\" codeSystemName=\"DCM\"/></EventIdentification>\n"
      "  <ActiveParticipant UserID=\"dr.mercier\" UserIsRequestor=\"true\"/>\n"
      "  <ParticipantObjectIdentification "
      "ParticipantObjectID=\"279059932100795^^^ASIP-SANTE-INS-NIR&amp;1.2.250.1.213.1.4.8&amp;ISO\""
      " ParticipantObjectTypeCode=\"1\" ParticipantObjectTypeCodeRole=\"1\">"
      "<ParticipantObjectIDTypeCode csd-code=\"2\"/>"
      "<ParticipantObjectName>DUPONT^Jean</ParticipantObjectName>"
      "</ParticipantObjectIdentification>\n</AuditMessage>\n";
  ASSERT_TRUE(d->decode(r, ctx(), e).ok());
  EXPECT_EQ(text(e, "event.action"), "patient-record-update");
  EXPECT_EQ(text(e, "patient.token_kind"), "nir");
  EXPECT_EQ(text(e, "patient.token"), *key_->token(IdKind::kNir, "279059932100795"));
  EXPECT_EQ(text(e, "host.name"), "<absent>");
  EXPECT_EQ(json(e).find("DUPONT"), std::string::npos);
}

TEST_F(EhrFormats, AtnaLogoutAndDestinationMedia) {
  auto d = make("atna-xml");
  event::Event e;
  ASSERT_TRUE(d->decode("<AuditMessage><EventIdentification EventActionCode=\"E\" "
                        "EventDateTime=\"2026-03-14T10:00:00Z\" EventOutcomeIndicator=\"0\">"
                        "<EventID csd-code=\"110114\"/><EventTypeCode csd-code=\"110123\"/>"
                        "</EventIdentification><ActiveParticipant UserID=\"u\" "
                        "UserIsRequestor=\"true\"/></AuditMessage>",
                        ctx(), e)
                  .ok());
  EXPECT_EQ(text(e, "event.action"), "logout");
  EXPECT_EQ(text(e, "event.code"), "110123");
  ASSERT_TRUE(d->decode("<AuditMessage><EventIdentification EventActionCode=\"R\" "
                        "EventDateTime=\"2026-03-14T10:00:00Z\" EventOutcomeIndicator=\"0\">"
                        "<EventID csd-code=\"110106\"/></EventIdentification>"
                        "<ActiveParticipant UserID=\"u\" UserIsRequestor=\"true\"/>"
                        "<ActiveParticipant UserID=\"D:\" UserIsRequestor=\"false\"><RoleIDCode "
                        "csd-code=\"110154\"/><MediaIdentifier><MediaType csd-code=\"110033\" "
                        "originalText=\"DVD\"/></MediaIdentifier></ActiveParticipant>"
                        "<ParticipantObjectIdentification ParticipantObjectTypeCode=\"1\" "
                        "ParticipantObjectTypeCodeRole=\"1\" ParticipantObjectID=\"42\">"
                        "<ParticipantObjectDetail type=\"documentCount\" value=\"MTI=\"/>"
                        "</ParticipantObjectIdentification></AuditMessage>",
                        ctx(), e)
                  .ok());
  EXPECT_EQ(text(e, "event.action"), "patient-record-export");
  EXPECT_EQ(text(e, "ehr.media"), "DVD");
  EXPECT_EQ(text(e, "ehr.document_count"), "12");
  EXPECT_EQ(text(e, "patient.token"), *key_->token(IdKind::kIpp, "42"));
}

// The stay in a DICOM audit message: a ParticipantObjectIdentification whose
// ParticipantObjectIDTypeCode is RFC 3881 code 3 (Encounter Number) or 6 (Account Number), the
// only visit-number-like types of RFC 3881 5.5.4 / DICOM PS3.15 A.5.1. Its ID (CX.1) is tokenised
// as an NDA, whatever the object's type and role; the patient object still gives the patient.
std::string atna_with_object(const std::string& object) {
  return "<AuditMessage><EventIdentification EventActionCode=\"R\" "
         "EventDateTime=\"2026-03-14T10:00:00Z\" EventOutcomeIndicator=\"0\">"
         "<EventID csd-code=\"110110\" codeSystemName=\"DCM\"/></EventIdentification>"
         "<ActiveParticipant UserID=\"mleroy\" UserIsRequestor=\"true\"/>"
         "<ParticipantObjectIdentification "
         "ParticipantObjectID=\"100000123^^^&amp;1.2.250.1.999.1.1.1&amp;ISO\" "
         "ParticipantObjectTypeCode=\"1\" ParticipantObjectTypeCodeRole=\"1\">"
         "<ParticipantObjectIDTypeCode csd-code=\"2\" codeSystemName=\"RFC-3881\" "
         "originalText=\"Patient Number\"/></ParticipantObjectIdentification>" +
         object + "</AuditMessage>";
}

TEST_F(EhrFormats, AtnaEncounterNumberObjectGivesTheStayToken) {
  auto d = make("atna-xml");
  const std::string nda = *key_->token(IdKind::kNda, "24000006");
  struct Case {
    const char* object;
    const char* kind;  // ehr.object
  };
  for (const Case& c : {
           Case{"<ParticipantObjectIdentification "
                "ParticipantObjectID=\"24000006^^^&amp;1.2.250.1.999.1.1.1&amp;ISO^VN\" "
                "ParticipantObjectTypeCode=\"1\" ParticipantObjectTypeCodeRole=\"1\">"
                "<ParticipantObjectIDTypeCode csd-code=\"3\" codeSystemName=\"RFC-3881\" "
                "originalText=\"Encounter Number\"/></ParticipantObjectIdentification>",
                "Encounter Number"},
           // RFC 3881 attribute names, Account Number (HL7's AN), an object of type 2.
           Case{"<ParticipantObjectIdentification ParticipantObjectID=\" 24000006 \" "
                "ParticipantObjectTypeCode=\"2\" ParticipantObjectTypeCodeRole=\"4\">"
                "<ParticipantObjectIDTypeCode code=\"6\" displayName=\"Account Number\"/>"
                "</ParticipantObjectIdentification>",
                "Account Number"},
       }) {
    event::Event e;
    const std::string record = atna_with_object(c.object);  // the event's values view into it
    ASSERT_TRUE(d->decode(record, ctx(), e).ok()) << c.object;
    EXPECT_EQ(text(e, "patient.stay_token"), nda) << c.object;
    EXPECT_EQ(text(e, "patient.token"), *key_->token(IdKind::kIpp, "100000123"));
    EXPECT_EQ(text(e, "patient.token_kind"), "ipp");
    EXPECT_EQ(text(e, "ehr.object"), c.kind);
    EXPECT_EQ(json(e).find("24000006"), std::string::npos) << json(e);
    ASSERT_TRUE(d->decode(record, ctx(nullptr), e).ok());
    EXPECT_EQ(text(e, "patient.stay_token"), "<absent>");
    EXPECT_EQ(text(e, "patient.redacted"), "true");
    EXPECT_EQ(json(e).find("24000006"), std::string::npos) << json(e);
  }
  // Not stays: code 3 of another code system, and HL7 v2's VN, which is neither RFC 3881's nor
  // DICOM's (documented in plugins/ehr/README.md). Their IDs are not read at all.
  for (const char* object :
       {"<ParticipantObjectIdentification ParticipantObjectID=\"24000006\" "
        "ParticipantObjectTypeCode=\"2\" ParticipantObjectTypeCodeRole=\"4\">"
        "<ParticipantObjectIDTypeCode csd-code=\"3\" codeSystemName=\"99VENDOR\"/>"
        "</ParticipantObjectIdentification>",
        "<ParticipantObjectIdentification ParticipantObjectID=\"24000006\" "
        "ParticipantObjectTypeCode=\"2\" ParticipantObjectTypeCodeRole=\"4\">"
        "<ParticipantObjectIDTypeCode csd-code=\"VN\" codeSystemName=\"HL70203\"/>"
        "</ParticipantObjectIdentification>"}) {
    event::Event e;
    const std::string record = atna_with_object(object);  // the event's values view into it
    ASSERT_TRUE(d->decode(record, ctx(), e).ok()) << object;
    EXPECT_EQ(text(e, "patient.stay_token"), "<absent>") << object;
    EXPECT_EQ(json(e).find("24000006"), std::string::npos) << json(e);
  }
}

// ---- dpi-flat
// -------------------------------------------------------------------------------------

TEST_F(EhrFormats, FlatCsvWithHeaderSemicolonsAndQuotes) {
  auto d = make("dpi-flat");
  event::Event e;
  EXPECT_TRUE(decode::is_no_event(
      d->decode("ts;event;action;user_login;patient_ipp;comment;client_ip;result", ctx(), e)));
  ASSERT_TRUE(d->decode("2026-03-14 02:12:00;\"BRIS_DE_GLACE\";;\"m\"\"leroy\";100000123;"
                        "\"urgence; vitale\";10.1.2.3;OK",
                        ctx(), e)
                  .ok());
  EXPECT_EQ(text(e, "event.action"), "break-glass");
  EXPECT_EQ(text(e, "user.name"), "m\"leroy");
  EXPECT_EQ(text(e, "event.outcome"), "success");
  EXPECT_EQ(text(e, "ehr.justification.length"), "15");
  EXPECT_EQ(text(e, "source.ip"), "10.1.2.3");
  EXPECT_EQ(text(e, "patient.token"), *key_->token(IdKind::kIpp, "100000123"));
  // No offset: the establishment's zone (Paris, UTC+1 in March).
  EXPECT_EQ(format_timestamp_ms(e.time_ms), "2026-03-14T01:12:00.000Z");
  // A new header changes the layout.
  EXPECT_TRUE(decode::is_no_event(d->decode("user_login,ts,result", ctx(), e)));
  ASSERT_TRUE(d->decode("jmartin,1773480720,KO", ctx(), e).ok());
  EXPECT_EQ(text(e, "user.name"), "jmartin");
  EXPECT_EQ(text(e, "event.outcome"), "failure");
  EXPECT_EQ(format_timestamp_ms(e.time_ms), "2026-03-14T09:32:00.000Z");
}

// The JSON form of the flat log, pretty-printed (an export as a JSON array, cut by the JSON
// framing): the events of its lines. A CSV row is never JSON: a line end in it is binary-data.
TEST_F(EhrFormats, FlatPrettyPrintedJsonGivesTheEventOfItsLine) {
  auto d = make("dpi-flat");
  for (const SampleLine& l : sample_lines("ehr_dpi_vendor_flat_access.ndjson")) {
    event::Event one_line, spread;
    ASSERT_TRUE(d->decode(l.text, ctx(), one_line).ok()) << l.number;
    const std::map<std::string, std::string> want = all(one_line);  // before the next decode()
    const std::string p = pretty_json(l.text, "\r\n");
    const Status s = d->decode(p, ctx(), spread);
    ASSERT_TRUE(s.ok()) << l.number << ": " << s.to_string();
    EXPECT_EQ(all(spread), want) << l.number;
  }
  event::Event e;
  EXPECT_TRUE(decode::is_no_event(d->decode("ts;action;user_login;patient_ipp", ctx(), e)));
  EXPECT_EQ(d->decode("2026-03-14 02:12:00;READ\n;mleroy;100000123", ctx(), e).code(),
            "binary-data");
}

TEST_F(EhrFormats, FlatColumnsFromConfiguration) {
  const std::map<std::string, std::string> columns = {
      {"@timestamp", "date_acces"},
      {"user.name", "login"},
      {"event.action", "type_action"},
      {"patient.ipp", "ipp"},
      {"patient.birth_date", "ddn"},
      {"patient.secret", "nom"},         // not an identifier input: never copied
      {"patient.token", "nom"},          // an output field: never copied from a column
      {"ehr.unit", "uf.code"},           // a nested member
      {"ehr.vendor.profile", "profil"},  // a field outside the schema, copied as written
  };
  flat_columns_ = &columns;
  auto d = make("dpi-flat");
  event::Event e;
  const std::string r =
      R"({"date_acces":"2026-03-14T08:00:00Z","login":"ide12","type_action":"CONSULTATION_DOSSIER","ipp":"100000123","ddn":"01/01/1980","nom":"DUPONT","uf":{"code":"UF 2201"},"profil":"IDE"})";
  ASSERT_TRUE(d->decode(r, ctx(), e).ok());
  EXPECT_EQ(text(e, "user.name"), "ide12");
  EXPECT_EQ(text(e, "event.action"), "patient-record-read");
  EXPECT_EQ(text(e, "ehr.unit"), "2201");
  EXPECT_EQ(text(e, "ehr.vendor.profile"), "IDE");
  EXPECT_EQ(text(e, "patient.birth_token"), *key_->token(IdKind::kBirthDate, "1980-01-01"));
  EXPECT_EQ(text(e, "patient.token"), *key_->token(IdKind::kIpp, "100000123"));
  EXPECT_EQ(json(e).find("DUPONT"), std::string::npos);
  EXPECT_EQ(json(e).find("1980"), std::string::npos);
}

// The flat log's stay column: the default mapping reads sejour_nda (the sample's), nda or
// numero_sejour; a configured patient.nda column too. Tokenised, never copied.
TEST_F(EhrFormats, FlatStayNumberColumn) {
  const std::string nda = *key_->token(IdKind::kNda, "24000006");
  {
    auto d = make("dpi-flat");
    for (
        const char* r : {
            R"({"ts":"2026-03-14T02:12:00+01:00","action":"READ","user_login":"m","patient_ipp":"100000123","sejour_nda":"24000006"})",
            R"({"ts":"2026-03-14T02:12:00+01:00","action":"READ","user_login":"m","patient_ipp":"100000123","nda":24000006})",
            R"({"ts":"2026-03-14T02:12:00+01:00","action":"READ","user_login":"m","patient_ipp":"100000123","numero_sejour":"0024000006"})",
        }) {
      event::Event e;
      ASSERT_TRUE(d->decode(r, ctx(), e).ok()) << r;
      EXPECT_EQ(text(e, "patient.stay_token"), nda) << r;
      EXPECT_EQ(text(e, "patient.token"), *key_->token(IdKind::kIpp, "100000123"));
      EXPECT_EQ(json(e).find("24000006"), std::string::npos) << json(e);
      ASSERT_TRUE(d->decode(r, ctx(nullptr), e).ok());
      EXPECT_EQ(text(e, "patient.stay_token"), "<absent>");
      EXPECT_EQ(text(e, "patient.redacted"), "true");
      EXPECT_EQ(json(e).find("24000006"), std::string::npos) << json(e);
    }
  }
  const std::map<std::string, std::string> columns = {
      {"@timestamp", "date"}, {"user.name", "login"}, {"patient.nda", "num_venue"}};
  flat_columns_ = &columns;
  auto d = make("dpi-flat");
  event::Event e;
  EXPECT_TRUE(decode::is_no_event(d->decode("date;login;num_venue", ctx(), e)));
  ASSERT_TRUE(d->decode("2026-03-14 02:12:00;m;24000006", ctx(), e).ok());
  EXPECT_EQ(text(e, "patient.stay_token"), nda);
  EXPECT_EQ(text(e, "patient.token"), "<absent>");  // a stay alone names no patient token
  EXPECT_EQ(json(e).find("24000006"), std::string::npos) << json(e);
}

// ---- HL7 v2 ADT (PAM France)
// ---------------------------------------------------------------------

const std::string kA01 =
    "MSH|^~\\&|GAM|CHEX|DPI|CHEX|20260310093000||ADT^A01^ADT_A01|M1|P|2.5^FRA^2.11\r"
    "EVN||20260310093000|||adm01|20260310092500\r"
    "PID|1||100000123^^^CHEX&1.2.250.1.999.1.1.1&ISO^PI~180019912345691^^^ASIP-SANTE-INS-NIR&1.2."
    "250.1.213.1.4.10&ISO^INS||DUPONT^Jean^^^^^D~MARTIN^Jean^Pierre^^^^L||19800101|M\r"
    "PV1|1|I|6268^^^CHEX&1.2.250.1.999.1.1.1&ISO||||810009999982^MERCIER^Anne^^^^^^ASIP-SANTE-PS&1."
    "2.250.1.71.4.2.1&ISO^D^^^RPPS\r"
    "ZBE|MVT9^CHEX|20260310092500||INSERT|N||Chir^^^^^CHEX^UF^^^6268|Soins^^^^^CHEX^UF^^^6270|HMS";

TEST_F(EhrFormats, Hl7AdmissionWithBirthNameOperatorAndZbe) {
  auto d = make("hl7v2-adt");
  event::Event e;
  ASSERT_TRUE(d->decode(kA01, ctx(), e).ok());
  EXPECT_EQ(text(e, "event.action"), "admission");
  EXPECT_EQ(text(e, "user.name"), "adm01");
  EXPECT_EQ(format_timestamp_ms(e.time_ms), "2026-03-10T08:25:00.000Z");  // EVN-6
  EXPECT_EQ(text(e, "ehr.care.start"), "2026-03-10T08:25:00.000Z");       // ZBE-2
  EXPECT_EQ(text(e, "ehr.care.unit"), "6268");
  EXPECT_EQ(text(e, "ehr.care.nursing_unit"), "6270");
  EXPECT_EQ(text(e, "ehr.care.attending_rpps"), "10009999982");
  // The birth name (type L), not the usage name, is the family token.
  EXPECT_EQ(text(e, "patient.family_token"), *key_->token(IdKind::kFamilyName, "MARTIN"));
  EXPECT_EQ(text(e, "patient.name_token"), *key_->token(IdKind::kName, "MARTIN Jean"));
  EXPECT_EQ(text(e, "patient.birth_token"), *key_->token(IdKind::kBirthDate, "19800101"));
  EXPECT_EQ(json(e).find("DUPONT"), std::string::npos);
  EXPECT_EQ(json(e).find("MARTIN"), std::string::npos);
}

TEST_F(EhrFormats, Hl7FramingsGiveTheSameEvent) {
  auto d = make("hl7v2-adt");
  event::Event e;
  ASSERT_TRUE(d->decode(kA01, ctx(), e).ok());
  const std::string want = json(e);
  auto replace_all = [](std::string s, const std::string& from, const std::string& to) {
    for (std::size_t at = s.find(from); at != std::string::npos;
         at = s.find(from, at + to.size())) {
      s.replace(at, from.size(), to);
    }
    return s;
  };
  for (const std::string& r : {replace_all(kA01, "\r", "\n"), replace_all(kA01, "\r", "\r\n"),
                               "\x0b" + kA01 + "\x1c\r", kA01 + "\r\n"}) {
    ASSERT_TRUE(d->decode(r, ctx(), e).ok());
    EXPECT_EQ(json(e), want);
  }
}

TEST_F(EhrFormats, Hl7SeparatorsAndEscapesFromTheMessage) {
  auto d = make("hl7v2-adt");
  event::Event e;
  // Field '#', component '$', repetition '*', escape '!', subcomponent '%'; an IPP holding an
  // escaped field separator.
  const std::string r =
      "MSH#$*!%#GAM#CHEX#DPI#CHEX#20260313141500+0100##ADT$A02$ADT_A02#M2#P#2.5\r"
      "PID#1##12!F!34$$$CHEX%1.2.3%ISO$PI*1234567890123$$$X%1.2.250.1.213.1.4.2%ISO$INS-C\r"
      "PV1#1#I#4701###6268\r";
  ASSERT_TRUE(d->decode(r, ctx(), e).ok()) << d->decode(r, ctx(), e).to_string();
  EXPECT_EQ(text(e, "event.action"), "transfer");
  EXPECT_EQ(format_timestamp_ms(e.time_ms), "2026-03-13T13:15:00.000Z");
  EXPECT_EQ(text(e, "patient.token"), *key_->token(IdKind::kIpp, "12#34"));
  EXPECT_EQ(text(e, "patient.nir_token"), "<absent>");  // INS-C is not an INS matricule
  EXPECT_EQ(text(e, "ehr.care.unit"), "4701");          // PV1-3 without ZBE
  EXPECT_EQ(text(e, "ehr.care.prior_unit"), "6268");
  EXPECT_EQ(text(e, "ehr.care.start"), "2026-03-13T13:15:00.000Z");
}

TEST_F(EhrFormats, Hl7TriggerEvents) {
  auto d = make("hl7v2-adt");
  for (const auto& [trigger, action] :
       std::vector<std::pair<std::string, std::string>>{{"A01", "admission"},
                                                        {"A04", "admission"},
                                                        {"A02", "transfer"},
                                                        {"A03", "discharge"},
                                                        {"A11", "admission-cancel"},
                                                        {"A12", "transfer-cancel"},
                                                        {"A13", "discharge-cancel"},
                                                        {"A08", "other"},
                                                        {"A05", "other"}}) {
    event::Event e;
    const std::string r = "MSH|^~\\&|GAM|CHEX|DPI|CHEX|20260310093000.1234||ADT^" + trigger +
                          "|M|P|2.5\rPID|1||100000123^^^^PI\rPV1|1|O|2201";
    ASSERT_TRUE(d->decode(r, ctx(), e).ok()) << trigger;
    EXPECT_EQ(text(e, "event.action"), action);
    EXPECT_EQ(text(e, "event.code"), trigger);
    EXPECT_EQ(format_timestamp_ms(e.time_ms), "2026-03-10T08:30:00.123Z");
    EXPECT_EQ(text(e, "ehr.care.patient_class"), "O");
  }
}

// The stay number: PID-18 (Patient Account Number, type AN), else PV1-19 (Visit Number, type VN),
// first component only, escapes decoded; a token of kind nda, never patient.token.
TEST_F(EhrFormats, Hl7StayNumberFromPid18ElsePv119) {
  auto d = make("hl7v2-adt");
  const std::string msh = "MSH|^~\\&|GAM|CHEX|DPI|CHEX|20260310093000||ADT^A01^ADT_A01|M|P|2.5\r";
  // PID-18 and PV1-19 follow these.
  const std::string pid = "PID|1||100000123^^^CHEX&1.2.250.1.999.1.1.1&ISO^PI|||||||||||||||";
  const std::string pv1 = "PV1|1|I|6268||||||||||||||||";
  struct Case {
    std::string record;
    std::string stay;  // the raw NDA the token must be of, "" for none
  };
  const Case cases[] = {
      // Both, as the PAM-FR sample writes them: PID-18 wins.
      {msh + pid + "24000006^^^CHEX&1.2.250.1.999.1.1.1&ISO^AN\r" + pv1 +
           "99000001^^^CHEX&1.2.250.1.999.1.1.1&ISO^VN",
       "24000006"},
      // PID-18 empty: PV1-19.
      {msh + pid + "\r" + pv1 + "24000006^^^CHEX&1.2.250.1.999.1.1.1&ISO^VN", "24000006"},
      // An escaped separator in the id.
      {msh + pid + "24\\T\\000006^^^CHEX^AN\r" + pv1, "24&000006"},
      // Neither.
      {msh + pid + "\r" + pv1, ""},
  };
  for (const Case& c : cases) {
    event::Event e;
    ASSERT_TRUE(d->decode(c.record, ctx(), e).ok()) << d->decode(c.record, ctx(), e).to_string();
    EXPECT_EQ(text(e, "patient.stay_token"),
              c.stay.empty() ? "<absent>" : *key_->token(IdKind::kNda, c.stay))
        << c.stay;
    EXPECT_EQ(text(e, "patient.token"), *key_->token(IdKind::kIpp, "100000123"));
    EXPECT_EQ(text(e, "patient.token_kind"), "ipp");
    EXPECT_EQ(json(e).find("24000006"), std::string::npos) << json(e);
    EXPECT_EQ(json(e).find("99000001"), std::string::npos) << json(e);
    ASSERT_TRUE(d->decode(c.record, ctx(nullptr), e).ok());
    EXPECT_EQ(text(e, "patient.stay_token"), "<absent>");
    EXPECT_EQ(text(e, "patient.redacted"), "true");
  }
}

}  // namespace
}  // namespace vigie::ehr_test
