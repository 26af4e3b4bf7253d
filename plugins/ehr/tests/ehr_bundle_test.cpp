// FHIR Bundles of AuditEvents (fhir-auditevent, plugins/ehr/README.md "Bundles"): Decoder::split()
// gives a view of each entry's AuditEvent, and decoding those views gives exactly the events of
// the same AuditEvents written one per line, for every Bundle type a FHIR server or a BALP audit
// repository sends. Other resource types and entries without a resource are skipped and counted;
// an empty Bundle gives nothing; a malformed Bundle is one reject; an invalid AuditEvent is the
// reject of its entry only; Bundles are sniffed as fhir-auditevent; no clear patient identifier
// of a Bundle (an included Patient's either) reaches an event or a reject message.
#include <algorithm>
#include <set>

#include "ehr_test_support.h"

namespace vigie::ehr_test {
namespace {

constexpr std::string_view kFhirSample = "ehr_fhir_r4_auditevent_balp.ndjson";

// A Bundle of `type` holding `resources` (JSON objects), each entry shaped as that type has it:
// fullUrl and search mode in a searchset, the request in a batch / transaction / history.
std::string bundle(const std::vector<std::string>& resources, std::string_view type = "searchset",
                   std::string_view extra_entries = "") {
  std::string b = R"({"resourceType":"Bundle","id":"b-1","type":")" + std::string(type) +
                  R"(","total":)" + std::to_string(resources.size()) + R"(,"entry":[)";
  for (std::size_t i = 0; i < resources.size(); ++i) {
    if (i > 0) b += ',';
    const std::string url = "https://dpi.ght-exemple.local/fhir/AuditEvent/ae-" + std::to_string(i);
    b += R"({"fullUrl":")" + url + R"(","resource":)" + resources[i];
    if (type == "searchset") b += R"(,"search":{"mode":"match"})";
    if (type == "batch" || type == "transaction") {
      b += R"(,"request":{"method":"POST","url":"AuditEvent"})";
    }
    if (type == "history") {
      b += R"(,"request":{"method":"PUT","url":"AuditEvent/ae-)" + std::to_string(i) +
           R"("},"response":{"status":"200 OK"})";
    }
    b += '}';
  }
  if (!extra_entries.empty()) b += (resources.empty() ? "" : ",") + std::string(extra_entries);
  return b + "]}";
}

std::vector<std::string> sample_resources() {
  std::vector<std::string> r;
  for (const SampleLine& l : sample_lines(std::string(kFhirSample))) r.push_back(l.text);
  return r;
}

// A search's include: the patient, with the clear identifiers of the samples.
const std::string kPatient =
    R"({"resourceType":"Patient","id":"p-100000123","identifier":[{"system":"urn:oid:1.2.250.1.213.1.4.10","value":"180019912345691"},{"system":"urn:oid:1.2.250.1.999.1.1.1","value":"100000123"}],"name":[{"family":"PATIENT-TEST","given":["ALPHA"]}],"birthDate":"1980-01-01"})";
const std::string kOutcome =
    R"({"resourceType":"OperationOutcome","issue":[{"severity":"information","code":"informational","diagnostics":"Patient/p-100000456 not found"}]})";

class EhrBundles : public EhrTest {
 protected:
  // What `vigie decode` does with one record: split(), then decode() of each inner record.
  struct Outcome {
    Status split;
    std::size_t skipped = 0;
    std::vector<std::string_view> records;
    std::vector<std::map<std::string, std::string>> events;
    std::vector<std::string> rejects;  // codes, in order
    std::string output;                // the events as JSON and every reject message
  };
  Outcome run(decode::Decoder& d, std::string_view record, const enrich::Pseudonymiser* key) {
    Outcome o;
    decode::Split parts;
    parts.records.push_back("stale");  // split() clears what a previous record left
    parts.skipped = 7;
    o.split = d.split(record, parts);
    o.skipped = parts.skipped;
    o.records = parts.records;
    if (!o.split.ok()) {
      EXPECT_TRUE(parts.records.empty());
      o.output = o.split.code() + ": " + o.split.message() + "\n";
      return o;
    }
    for (std::string_view inner : parts.records) {
      EXPECT_GE(inner.data(), record.data());  // a view into the record
      EXPECT_LE(inner.data() + inner.size(), record.data() + record.size());
      event::Event e;
      const Status s = d.decode(inner, ctx(key), e);
      if (s.ok()) {
        o.events.push_back(all(e));
        o.output += json(e) + "\n";
      } else {
        o.rejects.push_back(s.code());
        o.output += s.code() + ": " + s.message() + "\n";
      }
    }
    return o;
  }
  Outcome run(decode::Decoder& d, std::string_view record) { return run(d, record, key_.get()); }

  void expect_no_identifier(const std::string& output, const std::string& what) {
    for (const std::string& id : clear_identifiers()) {
      EXPECT_EQ(output.find(id), std::string::npos) << what << " holds '" << id << "'";
    }
  }
};

// The sample's AuditEvents in one Bundle, of each type, give the events of the sample's lines,
// in order; each inner record is the AuditEvent's text as written.
TEST_F(EhrBundles, EveryBundleTypeGivesTheEventsOfTheSampleLines) {
  auto d = make("fhir-auditevent");
  const std::vector<std::string> resources = sample_resources();
  ASSERT_EQ(resources.size(), 6u);
  std::vector<std::map<std::string, std::string>> expected;
  for (const std::string& r : resources) {
    event::Event e;
    ASSERT_TRUE(d->decode(r, ctx(), e).ok());
    expected.push_back(all(e));
  }
  for (std::string_view type : {"searchset", "collection", "batch", "transaction", "history"}) {
    const std::string b = bundle(resources, type);
    const Outcome o = run(*d, b);
    ASSERT_TRUE(o.split.ok()) << type << ": " << o.split.to_string();
    EXPECT_EQ(o.skipped, 0u) << type;
    ASSERT_EQ(o.records.size(), resources.size()) << type;
    for (std::size_t i = 0; i < resources.size(); ++i) EXPECT_EQ(o.records[i], resources[i]);
    EXPECT_TRUE(o.rejects.empty()) << type;
    EXPECT_EQ(o.events, expected) << type;
  }
  // Spaced as a pretty-printer would on one line, with a trailing line end.
  const std::string spaced = R"({ "resourceType" : "Bundle" ,)"
                             "\t"
                             R"("type" : "searchset" , "entry" : [ { "resource" : )" +
                             resources[0] + R"( } , {"resource":)" + resources[3] + "} ] }\r\n";
  const Outcome o = run(*d, spaced);
  ASSERT_TRUE(o.split.ok()) << o.split.to_string();
  ASSERT_EQ(o.events.size(), 2u);
  EXPECT_EQ(o.events[0], expected[0]);
  EXPECT_EQ(o.events[1], expected[3]);
}

// A Bundle saved from a search (curl, Postman) is pretty-printed; read from a file, it comes whole
// out of the JSON framing (src/ingest/json_frame.h), line ends and indentation included. They are
// JSON whitespace: the same events as the sample's lines, LF or CRLF, and still sniffed as
// fhir-auditevent (a key and its value on two lines too).
TEST_F(EhrBundles, PrettyPrintedBundlesGiveTheEventsOfTheSampleLines) {
  auto d = make("fhir-auditevent");
  const decode::Registry& r = decode::builtin_plugins();
  const std::vector<std::string> resources = sample_resources();
  std::vector<std::map<std::string, std::string>> expected;
  for (const std::string& res : resources) {
    event::Event e;
    ASSERT_TRUE(d->decode(res, ctx(), e).ok());
    expected.push_back(all(e));
  }
  for (std::string_view eol : {"\n", "\r\n"}) {
    const std::string b = pretty_json(bundle(resources, "searchset", kOutcome), eol);
    ASSERT_GT(std::count(b.begin(), b.end(), '\n'), 100);
    const Outcome o = run(*d, b);
    ASSERT_TRUE(o.split.ok()) << o.split.to_string();
    EXPECT_EQ(o.skipped, 1u);
    EXPECT_TRUE(o.rejects.empty()) << o.output;
    EXPECT_EQ(o.events, expected);
    for (const std::string& sniffed :
         {b, std::string("{\n  \"resourceType\"\n  :\n  \"Bundle\",\n  \"entry\": []\n}")}) {
      const decode::Format* f = r.sniff_any(sniffed);
      ASSERT_NE(f, nullptr);
      EXPECT_EQ(f->info.name, "fhir-auditevent");
    }
  }
}

TEST_F(EhrBundles, OtherResourcesAndEntriesWithoutResourceAreSkippedAndCounted) {
  auto d = make("fhir-auditevent");
  const std::vector<std::string> resources = sample_resources();
  const std::string nested = bundle({resources[1]});
  const std::string b =
      bundle({kOutcome, resources[0], kPatient, resources[3], nested}, "searchset",
             R"({"fullUrl":"urn:uuid:1","request":{"method":"DELETE","url":"AuditEvent/ae-9"}},)"
             R"({"resource":{"id":"no-type"}},{"response":{"status":"201 Created"}})");
  const Outcome o = run(*d, b);
  ASSERT_TRUE(o.split.ok()) << o.split.to_string();
  // OperationOutcome, Patient, the nested Bundle, the deletion, the resource without a
  // resourceType and the batch response entry.
  EXPECT_EQ(o.skipped, 6u);
  ASSERT_EQ(o.records.size(), 2u);
  EXPECT_EQ(o.records[0], resources[0]);
  EXPECT_EQ(o.records[1], resources[3]);
  EXPECT_EQ(o.events.size(), 2u);
  expect_no_identifier(o.output, "a Bundle with an included Patient");
}

// No AuditEvent is not an error: no event, no reject (like a CSV header row).
TEST_F(EhrBundles, EmptyBundleGivesNoEventAndNoReject) {
  auto d = make("fhir-auditevent");
  for (const std::string& b :
       {std::string(R"({"resourceType":"Bundle","type":"searchset","total":0})"),
        std::string(R"({"resourceType":"Bundle","type":"searchset","total":0,"entry":[]})"),
        bundle({kOutcome}), bundle({}, "history", R"({"request":{"method":"DELETE"}})")}) {
    const Outcome o = run(*d, b);
    EXPECT_TRUE(o.split.ok()) << b << ": " << o.split.to_string();
    EXPECT_TRUE(o.records.empty()) << b;
    EXPECT_TRUE(o.events.empty());
    EXPECT_TRUE(o.rejects.empty());
  }
}

// An AuditEvent that cannot be decoded is the reject of its entry: the others still decode.
TEST_F(EhrBundles, InvalidAuditEventRejectsItsEntryOnly) {
  auto d = make("fhir-auditevent");
  const std::vector<std::string> resources = sample_resources();
  const std::string no_time =
      R"({"resourceType":"AuditEvent","type":{"code":"110110"},"action":"R","entity":[{"what":{"reference":"Patient/p-100000123"}}]})";
  const Outcome o = run(*d, bundle({resources[0], no_time, resources[5]}));
  ASSERT_TRUE(o.split.ok()) << o.split.to_string();
  EXPECT_EQ(o.records.size(), 3u);
  EXPECT_EQ(o.events.size(), 2u);
  EXPECT_EQ(o.rejects, std::vector<std::string>{"bad-time"});
  expect_no_identifier(o.output, "a Bundle with a bad entry");
}

// The identity every malformed Bundle below carries, so that a message quoting it would show it.
constexpr std::string_view kSecret = "100000123";

struct MalformedCase {
  const char* name;
  std::string record;
  const char* code;
};

TEST_F(EhrBundles, MalformedBundleIsOneRejectWithoutContent) {
  max_record_bytes_ = 4096;
  auto d = make("fhir-auditevent");
  const std::string id(kSecret);
  const std::string start = R"({"resourceType":"Bundle","type":"searchset","entry":)";
  const std::string event =
      R"({"resourceType":"AuditEvent","recorded":"2026-03-14T10:00:00Z","entity":[{"what":{"reference":"Patient/p-)" +
      id + R"("}}]})";
  std::string deep = start + R"([{"resource":{"resourceType":"AuditEvent","x":)";
  for (int i = 0; i < 32; ++i) deep += '[';
  for (int i = 0; i < 32; ++i) deep += ']';
  deep += "}}]}";
  const std::vector<MalformedCase> cases = {
      {"entry_object", start + R"({"resource":)" + event + "}}", "bundle-malformed"},
      {"entry_string", start + "\"" + id + "\"}", "bundle-malformed"},
      {"entry_null", start + "null}", "bundle-malformed"},
      {"entry_item_string", start + "[\"" + id + "\"]}", "bundle-malformed"},
      {"entry_item_array", start + R"([[{"resource":)" + event + "}]]}", "bundle-malformed"},
      {"resource_string", start + R"([{"resource":")" + id + "\"}]}", "bundle-malformed"},
      {"resource_array", start + R"([{"resource":[)" + event + "]}]}", "bundle-malformed"},
      {"invalid_json", start + "[{\"resource\":" + event + "},]}", "invalid-json"},
      {"trailing", start + "[{\"resource\":" + event + "}]} {}", "invalid-json"},
      {"truncated", start + "[{\"resource\":" + event.substr(0, event.size() - 5), "truncated"},
      {"too_deep", deep, "too-deep"},
      {"oversized",
       start + "[{\"resource\":" + event + "}],\"x\":\"" + std::string(4096, 'a') + "\"}",
       "oversized"},
      {"binary", start + "[{\"resource\":" + event + "}],\"x\":\"\x01\"}", "binary-data"},
      {"utf8", start + "[{\"resource\":" + event + "}],\"x\":\"\xc3\x28\"}", "invalid-utf8"},
  };
  for (const MalformedCase& c : cases) {
    const Outcome o = run(*d, c.record);
    EXPECT_EQ(o.split.code(), c.code) << c.name << ": " << o.split.to_string();
    EXPECT_FALSE(o.split.message().empty()) << c.name;
    EXPECT_EQ(o.split.message().find(kSecret), std::string::npos) << c.name;
    EXPECT_TRUE(o.records.empty()) << c.name;
  }
  // The decoder recovers: a good Bundle after the bad ones.
  const Outcome good = run(*d, start + "[{\"resource\":" + event + "}]}");
  EXPECT_TRUE(good.split.ok());
  EXPECT_EQ(good.events.size(), 1u);
}

// At most 100 000 entries (plugins/ehr/README.md): a Bundle within the byte limit but with more
// entries is oversized as a whole.
TEST_F(EhrBundles, MoreThanTheEntryLimitIsOversized) {
  auto d = make("fhir-auditevent");
  auto entries = [](std::size_t n) {
    std::string b = R"({"resourceType":"Bundle","type":"history","entry":[)";
    for (std::size_t i = 0; i < n; ++i) b += i == 0 ? "{}" : ",{}";
    return b + "]}";
  };
  const std::string at_limit = entries(100'000);
  ASSERT_LT(at_limit.size(), max_record_bytes_);
  Outcome o = run(*d, at_limit);
  EXPECT_TRUE(o.split.ok()) << o.split.to_string();
  EXPECT_EQ(o.skipped, 100'000u);
  o = run(*d, entries(100'001));
  EXPECT_EQ(o.split.code(), "oversized");
  EXPECT_EQ(o.skipped, 0u);
}

// What is not a Bundle is one record, the record itself, for every ehr format.
TEST_F(EhrBundles, ARecordThatIsNotABundleIsItself) {
  auto d = make("fhir-auditevent");
  const std::vector<std::string> resources = sample_resources();
  // An AuditEvent naming a Bundle, as an entity reference or in a contained resource.
  std::string contained = resources[0];
  contained.insert(1, R"("contained":[{"resourceType":"Bundle","id":"c1"}],)");
  for (const std::string& r : {resources[0], resources[2], contained}) {
    const Outcome o = run(*d, r);
    ASSERT_TRUE(o.split.ok());
    ASSERT_EQ(o.records.size(), 1u);
    EXPECT_EQ(o.records[0].data(), r.data());
    EXPECT_EQ(o.records[0].size(), r.size());
    EXPECT_EQ(o.events.size(), 1u);
  }
  // A Patient holding a Bundle is not one: one record, which decode() rejects.
  const Outcome o = run(*d, R"({"resourceType":"Patient","x":{"resourceType":"Bundle"}})");
  EXPECT_EQ(o.records.size(), 1u);
  EXPECT_EQ(o.rejects, std::vector<std::string>{"not-auditevent"});
  // The other formats keep Decoder::split()'s default.
  for (const SampleFile& s : sample_files()) {
    if (s.format == "fhir-auditevent") continue;
    auto other = make(s.format);
    const std::string b = bundle({resources[0]});
    decode::Split parts;
    for (const std::string& r : {b, sample_lines(s.file).front().text}) {
      ASSERT_TRUE(other->split(r, parts).ok());
      ASSERT_EQ(parts.records.size(), 1u);
      EXPECT_EQ(parts.records[0].data(), r.data());
    }
  }
}

// --format auto: a Bundle is fhir-auditevent, in the ehr family and across families (never the
// ad plugin's catch-all flat JSON), even when its first AuditEvent is far from the start.
TEST_F(EhrBundles, SniffedAsFhirAuditEvent) {
  const decode::Registry& r = decode::builtin_plugins();
  const std::vector<std::string> resources = sample_resources();
  std::string big_outcome = kOutcome;
  big_outcome.insert(1, R"("text":{"div":")" + std::string(10000, 'x') + R"("},)");
  for (const std::string& b :
       {bundle(resources), bundle({kPatient}), bundle({big_outcome, resources[0]}),
        std::string(R"({"resourceType":"Bundle","type":"searchset","total":0})")}) {
    const decode::Format* f = r.sniff(decode::Family::kEhr, b);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->info.name, "fhir-auditevent");
    const decode::Format* any = r.sniff_any(b);
    ASSERT_NE(any, nullptr);
    EXPECT_EQ(any->info.name, "fhir-auditevent");
  }
}

// Privacy, as ehr_privacy_test.cpp for single records: a Bundle of the sample's AuditEvents and an
// included Patient, with and without key, whole and damaged (cut at many lengths, a byte
// flipped): no clear identifier in any event or reject message.
TEST_F(EhrBundles, NoClearIdentifierInEventsOrRejectsWithOrWithoutKey) {
  auto d = make("fhir-auditevent");
  std::vector<std::string> resources = sample_resources();
  resources.push_back(kPatient);
  const std::string b = bundle(resources);
  for (const enrich::Pseudonymiser* key : {static_cast<const enrich::Pseudonymiser*>(key_.get()),
                                           static_cast<const enrich::Pseudonymiser*>(nullptr)}) {
    const Outcome whole = run(*d, b, key);
    ASSERT_TRUE(whole.split.ok());
    EXPECT_EQ(whole.events.size(), 6u);
    EXPECT_EQ(whole.skipped, 1u);
    for (const auto& e : whole.events) {
      if (key == nullptr) {
        EXPECT_EQ(e.count("patient.token"), 0u);
      }
    }
    expect_no_identifier(whole.output, key ? "Bundle events (key)" : "Bundle events (no key)");
    std::string output;
    std::size_t rejects = 0;
    for (std::size_t cut = 1; cut < b.size(); cut += 97) {
      for (int variant = 0; variant < 3; ++variant) {
        std::string r = b.substr(0, cut);
        if (variant == 1) r = b, r[cut] = '\x01';
        if (variant == 2) r = b, r[cut] = r[cut] == '"' ? '}' : '"';
        const Outcome o = run(*d, r, key);
        rejects += o.rejects.size() + (o.split.ok() ? 0 : 1);
        output += o.output;
      }
    }
    EXPECT_GT(rejects, 300u);
    expect_no_identifier(output, "events and rejects of damaged Bundles");
  }
}

}  // namespace
}  // namespace vigie::ehr_test
