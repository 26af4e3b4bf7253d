// The wef-xml format: Windows event XML gives the same event as the evtx-json and Winlogbeat
// formats; framing lines are skipped, hostile XML is refused; decoding does not allocate once
// warm.
#include "plugins/ad/wef.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/timestamp.h"
#include "decode/decoder.h"
#include "decode/fields.h"
#include "ingest/xml.h"
#include "plugins/ad/core_fields.h"
#include "tests/unit/ingest/ingest_test_support.h"
#include "tests/unit/support/allocation_counter.h"

namespace vigie::plugins::ad {
namespace {

using ingest::testing::read_file;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty() && l.back() == '\r') l.pop_back();  // as LineReader gives them
    lines.push_back(l);
  }
  return lines;
}

std::filesystem::path shared_formats(const std::string& name) {
  return ingest::testing::shared_dir() / "formats" / name;
}

const std::string& wef_sample() {
  static const std::string kSample = read_file(shared_formats("windows_wef_forwardedevents.xml"));
  return kSample;
}

// The sample cut into records by ingest::XmlSplitter (the way to read a WEF file).
std::vector<std::string> wef_records(std::string_view stream = wef_sample()) {
  ingest::XmlSplitter splitter;
  std::vector<std::string> out;
  for (;;) {
    const ingest::XmlSplitter::Step s = splitter.finish(stream);
    stream.remove_prefix(s.consumed);
    if (s.outcome == ingest::XmlSplitter::Outcome::kEnd) return out;
    EXPECT_EQ(s.outcome, ingest::XmlSplitter::Outcome::kRecord);
    out.emplace_back(s.record);
  }
}

// Decoders over one table holding every declared field, plus `extra` names.
class Wef {
 public:
  explicit Wef(const std::vector<std::string>& extra = {}, bool keep_unknown = false) {
    decode::intern_all_fields(decode::builtin_plugins(), fields_);
    for (const std::string& n : extra) fields_.intern(n);
    setup_.fields = &fields_;
    setup_.keep_unknown_fields = keep_unknown;
  }
  std::unique_ptr<decode::Decoder> make(std::string_view format) {
    const decode::Format* f = decode::builtin_plugins().find(decode::Family::kAd, format);
    EXPECT_NE(f, nullptr) << format;
    return f == nullptr ? nullptr : f->make(setup_);
  }
  const event::Value* get(const event::Event& e, std::string_view name) const {
    const std::optional<event::FieldId> id = fields_.find(name);
    return id ? e.get(*id) : nullptr;
  }
  // The value as text; lists as "[a|b]", absent as "<absent>", null as "<null>".
  std::string text(const event::Event& e, std::string_view name) const {
    const event::Value* v = get(e, name);
    if (v == nullptr) return "<absent>";
    if (v->kind == event::Kind::kNull) return "<null>";
    if (v->kind != event::Kind::kList) return std::string(v->text);
    std::string out = "[";
    for (std::uint32_t i = 0; i < v->list_size; ++i) {
      if (i > 0) out += '|';
      out += e.list_items()[v->list_begin + i].text;
    }
    return out + "]";
  }
  event::FieldTable& fields() { return fields_; }

 private:
  event::FieldTable fields_;
  decode::DecoderSetup setup_;
};

Status decode_one(decode::Decoder& d, std::string_view record, event::Event& e) {
  return d.decode(record, {}, e);
}

// ---- Registration and sniffing ------------------------------------------------------------------

TEST(Wef, IsRegisteredBeforeTheCatchAllFormat) {
  const decode::Format* f = decode::builtin_plugins().find(decode::Family::kAd, "wef-xml");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->info.logsource.product, "windows");
  EXPECT_FALSE(f->catch_all);
  const std::vector<std::string_view>& fields = f->info.fields;
  for (std::string_view want : {"EventID", "EventID_Qualifiers", "Correlation_ActivityID",
                                "RenderingInfo.Message", "RenderingInfo.Keywords", "Data"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), want), fields.end()) << want;
  }
}

TEST(Wef, SniffsEventsAndFramingButNothingElse) {
  const decode::Registry& r = decode::builtin_plugins();
  auto sniffed = [&](std::string_view line) {
    const decode::Format* f = r.sniff(decode::Family::kAd, line);
    return f == nullptr ? std::string("none") : std::string(f->info.name);
  };
  const std::vector<std::string> lines = lines_of(wef_sample());
  ASSERT_EQ(lines.size(), 15u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    // Lines 10-13 (1-based) continue the 4662 event of line 9: not a record of their own.
    // (Lines 11 and 12, "\t\t\t\t{1131f6ad-...}", even look like JSON to the flat format.)
    const bool continuation = i >= 9 && i <= 12;
    if (continuation) {
      EXPECT_NE(sniffed(lines[i]), "wef-xml") << "line " << i + 1;
    } else {
      EXPECT_EQ(sniffed(lines[i]), "wef-xml") << "line " << i + 1;
    }
  }
  EXPECT_EQ(sniffed("  <Event>"), "wef-xml");
  EXPECT_EQ(sniffed("<Event/>"), "wef-xml");
  EXPECT_EQ(sniffed("\xEF\xBB\xBF<?xml version='1.0'?><!-- c --><Event xmlns='x'>"), "wef-xml");
  EXPECT_EQ(sniffed("<?xml version='1.0'?><Events>"), "wef-xml");
  EXPECT_EQ(sniffed("<EventData>"), "none");
  EXPECT_EQ(sniffed("<Eventually/>"), "none");
  EXPECT_EQ(sniffed("<?xml version='1.0'?><AuditMessage>"), "none");
  EXPECT_EQ(sniffed("<e:Event xmlns:e='x'>"), "none");
  EXPECT_EQ(sniffed("{\"Event\": {}}"), "evtx-json");
  EXPECT_EQ(sniffed("<14>Mar 14 01:04:30 host msg"), "none");
  EXPECT_EQ(sniffed(""), "none");
  EXPECT_EQ(sniffed("   "), "none");
}

// ---- The shared sample --------------------------------------------------------------------------

TEST(Wef, EverySampleEventDecodesWithNoReject) {
  Wef w;
  auto d = w.make("wef-xml");
  const std::vector<std::string> records = wef_records();
  ASSERT_EQ(records.size(), 7u);
  event::Event e;
  const std::vector<std::string> ids = {"4624", "4769", "7045", "4624", "4728", "4662", "1102"};
  for (std::size_t i = 0; i < records.size(); ++i) {
    const Status s = decode_one(*d, records[i], e);
    ASSERT_TRUE(s.ok()) << "event " << i << ": " << s.to_string();
    EXPECT_EQ(w.text(e, "EventID"), ids[i]);
    EXPECT_NE(e.time_ms, event::Event::kNoTime);
  }
}

// Read line by line, as `vigie decode` and `vigie hunt` read files: the framing lines are skipped
// (no-event), each single-line event decodes, and the event written over lines 9-13 cannot be
// decoded from its pieces (the reason to read WEF files with ingest::XmlSplitter).
TEST(Wef, TheSampleLineByLine) {
  Wef w;
  auto d = w.make("wef-xml");
  const std::vector<std::string> lines = lines_of(wef_sample());
  event::Event e;
  std::vector<std::string> codes;
  for (const std::string& line : lines) {
    const Status s = decode_one(*d, line, e);
    codes.push_back(s.ok() ? "ok" : s.code());
  }
  const std::vector<std::string> want = {"no-event",
                                         "no-event",
                                         "no-event",
                                         "ok",
                                         "ok",
                                         "ok",
                                         "ok",
                                         "ok",
                                         "xml-truncated",
                                         "xml-unbalanced",
                                         "xml-stray-content",
                                         "xml-stray-content",
                                         "xml-unbalanced",
                                         "ok",
                                         "no-event"};
  EXPECT_EQ(codes, want);
}

// The WEF sample holds 7 of the 23 Winlogbeat events, in the same order (same times), with
// their own record, process and thread ids. Every field the XML event has must be equal in the
// Winlogbeat event, except the System fields Winlogbeat renders (Task, Opcode, Keywords are names
// there: they match RenderingInfo's), or does not carry (Level, Version, Qualifiers,
// Correlation...). Line ends inside values are LF in XML (XML 1.0 §2.11 normalises CR LF) and CR LF
// in Winlogbeat, which reads the Windows API's strings; an empty <Data> is null, "" in Winlogbeat.
TEST(Wef, SameEventsAsWinlogbeat) {
  const std::vector<std::string> records = wef_records();
  const std::set<std::string> not_compared = {"EventRecordID",
                                              "Execution_ThreadID",
                                              "Execution_ProcessID",
                                              "TimeCreated_SystemTime",
                                              "Level",
                                              "Task",
                                              "Opcode",
                                              "Keywords",
                                              "Version",
                                              "Correlation",
                                              "Security",
                                              "EventID_Qualifiers",
                                              "Provider_EventSourceName",
                                              "RenderingInfo.Message",
                                              "RenderingInfo.Level",
                                              "RenderingInfo.Task",
                                              "RenderingInfo.Opcode",
                                              "RenderingInfo.Keywords"};
  // First pass: every field name the XML events have, so that the comparison covers them all.
  std::set<std::string> names;
  {
    Wef scan({}, /*keep_unknown=*/true);
    auto d = scan.make("wef-xml");
    event::Event e;
    for (const std::string& r : records) {
      ASSERT_TRUE(decode_one(*d, r, e).ok());
      for (event::FieldId id : e.present()) names.insert(scan.fields().name(id));
      for (const auto& [name, v] : e.extras()) names.emplace(name);
    }
  }
  std::vector<std::pair<std::string, std::string>> pairs;  // XML field, Winlogbeat field
  for (const std::string& n : names) {
    if (!not_compared.count(n)) pairs.emplace_back(n, n);
  }
  pairs.emplace_back("RenderingInfo.Message", "message");
  pairs.emplace_back("RenderingInfo.Task", "Task");
  pairs.emplace_back("RenderingInfo.Opcode", "Opcode");
  std::vector<std::string> extra(names.begin(), names.end());
  extra.emplace_back("message");
  Wef w(extra);
  auto xml = w.make("wef-xml");
  auto beat = w.make("winlogbeat");
  const std::vector<std::string> beat_lines =
      lines_of(read_file(shared_formats("windows_winlogbeat_raw.ndjson")));
  ASSERT_EQ(beat_lines.size(), 23u);
  auto crlf_to_lf = [](std::string s) {
    for (std::size_t at; (at = s.find("\r\n")) != std::string::npos;) s.erase(at, 1);
    return s;
  };
  auto null_is_empty = [](const std::string& s) { return s == "<null>" ? std::string() : s; };

  event::Event x, b;
  std::size_t next_beat = 0, matched = 0;
  for (const std::string& r : records) {
    ASSERT_TRUE(decode_one(*xml, r, x).ok());
    // The Winlogbeat event at the same time, after the previous match.
    while (next_beat < beat_lines.size()) {
      ASSERT_TRUE(decode_one(*beat, beat_lines[next_beat++], b).ok());
      if (b.time_ms == x.time_ms) break;
    }
    ASSERT_EQ(b.time_ms, x.time_ms) << "no Winlogbeat event at " << format_timestamp_ms(x.time_ms);
    ++matched;
    for (const auto& [from_xml, from_beat] : pairs) {
      // Winlogbeat ships an ECS event.outcome of its own, kept where the common core has none
      // (4662).
      if (from_xml == "event.outcome" && w.get(x, from_xml) == nullptr) continue;
      EXPECT_EQ(null_is_empty(w.text(x, from_xml)), null_is_empty(crlf_to_lf(w.text(b, from_beat))))
          << from_xml << " of EventID " << w.text(x, "EventID") << " at "
          << format_timestamp_ms(x.time_ms);
    }
    // The fields the brief names, spelled out.
    for (const char* f : {"EventID", "Channel", "Computer", "Provider_Name", "TargetUserName",
                          "SubjectUserName", "user.name", "event.action"}) {
      EXPECT_EQ(w.text(x, f), w.text(b, f)) << f;
    }
  }
  EXPECT_EQ(matched, 7u);
  EXPECT_GE(pairs.size(), 60u);  // the comparison did cover the event data
}

TEST(Wef, SystemFieldsAsEvtxDumpTypesThem) {
  Wef w({"Correlation", "Security"});
  auto d = w.make("wef-xml");
  event::Event e;
  const std::vector<std::string> records = wef_records();
  ASSERT_TRUE(decode_one(*d, records[2], e).ok());  // 7045, System channel
  EXPECT_EQ(w.text(e, "EventID"), "7045");
  EXPECT_EQ(w.get(e, "EventID")->kind, event::Kind::kInt);
  EXPECT_EQ(w.get(e, "EventID")->integer, 7045);
  EXPECT_EQ(w.get(e, "EventID_Qualifiers")->integer, 16384);
  EXPECT_EQ(w.text(e, "Provider_Name"), "Service Control Manager");
  EXPECT_EQ(w.text(e, "Provider_Guid"), "{555908d1-a6d7-4695-8e1e-26931d2012f4}");
  EXPECT_EQ(w.text(e, "Provider_EventSourceName"), "Service Control Manager");
  EXPECT_EQ(w.get(e, "Level")->integer, 4);
  EXPECT_EQ(w.get(e, "Keywords")->kind, event::Kind::kString);
  EXPECT_EQ(w.text(e, "Keywords"), "0x8080000000000000");
  EXPECT_EQ(w.text(e, "TimeCreated_SystemTime"), "2026-03-14T01:50:01.7330000Z");
  EXPECT_EQ(format_timestamp_ms(e.time_ms), "2026-03-14T01:50:01.733Z");
  EXPECT_EQ(w.get(e, "EventRecordID")->integer, 884202);
  EXPECT_EQ(w.get(e, "Execution_ProcessID")->kind, event::Kind::kInt);
  EXPECT_EQ(w.text(e, "Channel"), "System");
  EXPECT_EQ(w.text(e, "Computer"), "SRV-PACS02.ght-exemple.local");
  EXPECT_EQ(w.text(e, "Correlation"), "<null>");  // <Correlation/>, as evtx_dump's null
  EXPECT_EQ(w.text(e, "Security"), "<null>");
  EXPECT_EQ(w.text(e, "ServiceName"), "<absent>");  // not interned, extras not kept
}

TEST(Wef, UserDataFieldsByTheirOwnName) {
  Wef w({"SubjectUserSid", "SubjectDomainName", "SubjectLogonId", "LogFileCleared"});
  auto d = w.make("wef-xml");
  event::Event e;
  ASSERT_TRUE(decode_one(*d, wef_records()[6], e).ok());
  EXPECT_EQ(w.text(e, "EventID"), "1102");
  EXPECT_EQ(w.text(e, "SubjectUserName"), "svc_sqlpacs");
  EXPECT_EQ(w.text(e, "SubjectUserSid"), "S-1-5-21-3457937927-2839227994-823803824-1107");
  EXPECT_EQ(w.text(e, "SubjectDomainName"), "GHTEX");
  EXPECT_EQ(w.text(e, "SubjectLogonId"), "0x8b02d11");
  EXPECT_EQ(w.text(e, "LogFileCleared"), "<absent>");  // a container, not a field
  EXPECT_EQ(w.text(e, "event.action"), "audit-log-cleared");
  EXPECT_EQ(w.text(e, "user.name"), "svc_sqlpacs");
}

TEST(Wef, RenderingInfo) {
  Wef w;
  auto d = w.make("wef-xml");
  event::Event e;
  ASSERT_TRUE(decode_one(*d, wef_records()[0], e).ok());
  EXPECT_EQ(w.text(e, "RenderingInfo.Message"), "An account was successfully logged on.");
  EXPECT_EQ(w.text(e, "RenderingInfo.Level"), "Information");
  EXPECT_EQ(w.text(e, "RenderingInfo.Task"), "Logon");
  EXPECT_EQ(w.text(e, "RenderingInfo.Opcode"), "Info");
  EXPECT_EQ(w.get(e, "RenderingInfo.Keywords")->kind, event::Kind::kList);
  EXPECT_EQ(w.text(e, "RenderingInfo.Keywords"),
            "[Succ\xC3\xA8s de l\xE2\x80\x99"
            "audit]");
  // System's Level is the number, RenderingInfo's the rendered name.
  EXPECT_EQ(w.text(e, "Level"), "0");
  // Only what is present.
  const std::string plain =
      "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>4624"
      "</EventID></System><RenderingInfo Culture='en-US'><Message>m\r\nline 2</Message>"
      "<Keywords><Keyword>A</Keyword><Keyword>B</Keyword></Keywords></RenderingInfo></Event>";
  ASSERT_TRUE(decode_one(*d, plain, e).ok());
  EXPECT_EQ(w.text(e, "RenderingInfo.Message"), "m\nline 2");
  EXPECT_EQ(w.text(e, "RenderingInfo.Level"), "<absent>");
  EXPECT_EQ(w.text(e, "RenderingInfo.Keywords"), "[A|B]");
  ASSERT_TRUE(decode_one(*d, "<Event><System><EventID>1</EventID></System></Event>", e).ok());
  EXPECT_EQ(w.text(e, "RenderingInfo.Message"), "<absent>");
  EXPECT_EQ(w.text(e, "RenderingInfo.Keywords"), "<absent>");
}

// The same event as evtx_dump JSON and as XML: the same fields, the same kinds.
TEST(Wef, MatchesTheEvtxJsonShape) {
  const std::string xml =
      "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System>"
      "<Provider Name=\"Microsoft-Windows-Security-Auditing\" "
      "Guid=\"{54849625-5478-4994-a5ba-3e3b0328c30d}\"/><EventID Qualifiers=\"0\">4625</EventID>"
      "<Version>0</Version><Level>0</Level><Task>12544</Task><Opcode>0</Opcode>"
      "<Keywords>0x8010000000000000</Keywords><TimeCreated SystemTime=\"2026-03-14T00:04:51."
      "1180000Z\"/><EventRecordID>884202</EventRecordID><Correlation ActivityID=\"{a3f1c2d4-77b0-"
      "4e5c-9f12-0c6e5b8d4a21}\"/><Execution ProcessID=\"680\" ThreadID=\"1702\"/>"
      "<Channel>Security</Channel><Computer>FS01.ght-exemple.local</Computer><Security "
      "UserID=\"S-1-5-18\"/></System><EventData><Data Name=\"TargetUserName\">mleroy</Data>"
      "<Data Name=\"Status\">0xc000006d</Data><Data Name=\"Empty\"></Data><Data>u1</Data>"
      "<Data>u2</Data><Binary>00FF</Binary></EventData></Event>";
  const std::string json =
      R"({"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},)"
      R"("System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing",)"
      R"("Guid":"{54849625-5478-4994-a5ba-3e3b0328c30d}"}},"EventID":{"#attributes":)"
      R"({"Qualifiers":0},"#text":4625},"Version":0,"Level":0,"Task":12544,"Opcode":0,)"
      R"("Keywords":"0x8010000000000000","TimeCreated":{"#attributes":{"SystemTime":)"
      R"("2026-03-14T00:04:51.1180000Z"}},"EventRecordID":884202,"Correlation":{"#attributes":)"
      R"({"ActivityID":"{a3f1c2d4-77b0-4e5c-9f12-0c6e5b8d4a21}"}},"Execution":{"#attributes":)"
      R"({"ProcessID":680,"ThreadID":1702}},"Channel":"Security","Computer":)"
      R"("FS01.ght-exemple.local","Security":{"#attributes":{"UserID":"S-1-5-18"}}},)"
      R"("EventData":{"TargetUserName":"mleroy","Status":"0xc000006d","Empty":null,)"
      R"("Data":["u1","u2"],"Binary":"00FF"}}})";
  Wef w({}, /*keep_unknown=*/true);
  auto from_xml = w.make("wef-xml");
  auto from_json = w.make("evtx-json");
  event::Event a, b;
  ASSERT_TRUE(decode_one(*from_xml, xml, a).ok());
  ASSERT_TRUE(decode_one(*from_json, json, b).ok());
  EXPECT_EQ(a.time_ms, b.time_ms);
  auto all = [&](const event::Event& e) {
    std::map<std::string, std::string> m;
    for (event::FieldId id : e.present()) {
      const std::string name = w.fields().name(id);
      m[name] = std::to_string(static_cast<int>(e.get(id)->kind)) + ":" + w.text(e, name);
    }
    for (const auto& [name, v] : e.extras()) {
      m[std::string(name)] = std::to_string(static_cast<int>(v.kind)) + ":" + std::string(v.text);
    }
    return m;
  };
  EXPECT_EQ(all(a), all(b));
  EXPECT_EQ(w.text(a, "Data"), "[u1|u2]");
  EXPECT_EQ(w.text(a, "TargetUserName"), "mleroy");
  EXPECT_EQ(w.text(a, "event.outcome"), "failure");
}

TEST(Wef, ShapesOtherToolsWrite) {
  Wef w({"Param"});
  auto d = w.make("wef-xml");
  event::Event e;
  // wevtutil / Event Viewer indent; PowerShell's ToXml() does not; a declaration may lead.
  const std::string indented =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
      "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>\r\n"
      "  <System>\r\n    <Provider Name='P'/>\r\n    <EventID>4624</EventID>\r\n"
      "    <Channel>Security</Channel>\r\n  </System>\r\n  <EventData>\r\n"
      "    <Data Name='TargetUserName'>a&amp;b</Data>\r\n    <Data>only</Data>\r\n"
      "  </EventData>\r\n</Event>\r\n";
  ASSERT_TRUE(decode_one(*d, indented, e).ok());
  EXPECT_EQ(w.text(e, "EventID"), "4624");
  EXPECT_EQ(w.text(e, "Channel"), "Security");
  EXPECT_EQ(w.text(e, "TargetUserName"), "a&b");
  EXPECT_EQ(w.text(e, "Data"), "only");  // one unnamed Data: a string, not a list
  // A namespace prefix; an <Event> alone in an <Events> container.
  ASSERT_TRUE(decode_one(*d,
                         "<e:Event xmlns:e='urn:x'><e:System><e:EventID>1</e:EventID>"
                         "</e:System><e:UserData><X><Param>v</Param></X></e:UserData></e:Event>",
                         e)
                  .ok());
  EXPECT_EQ(w.text(e, "EventID"), "1");
  EXPECT_EQ(w.text(e, "Param"), "v");
  ASSERT_TRUE(
      decode_one(*d, "<Events>\n<Event><System><EventID>2</EventID></System></Event>\n</Events>", e)
          .ok());
  EXPECT_EQ(w.text(e, "EventID"), "2");
}

TEST(Wef, KeepsUnknownFieldsWhenAsked) {
  Wef w({}, /*keep_unknown=*/true);
  auto d = w.make("wef-xml");
  event::Event e;
  ASSERT_TRUE(decode_one(*d, wef_records()[0], e).ok());
  std::map<std::string, std::string> extras;
  for (const auto& [name, v] : e.extras()) extras[std::string(name)] = std::string(v.text);
  EXPECT_EQ(extras["LogonType"], "3");
  EXPECT_EQ(extras["LmPackageName"], "NTLM V2");
  EXPECT_EQ(extras["IpPort"], "51940");
  EXPECT_EQ(extras.count("Correlation"), 1u);
  EXPECT_EQ(extras.count("xmlns"), 0u);
  EXPECT_EQ(extras.count("Event_xmlns"), 0u);
}

// ---- Framing and rejects ------------------------------------------------------------------------

TEST(Wef, FramingRecordsAreNotEvents) {
  Wef w;
  auto d = w.make("wef-xml");
  event::Event e;
  for (const char* framing :
       {"<?xml version=\"1.0\" encoding=\"utf-8\"?>", "<!-- a comment -->", "<Events>", "</Events>",
        "  <Events xmlns='x'>  ", "<?xml version='1.0'?><Events>", "<Events/>", "<Events></Events>",
        "\xEF\xBB\xBF<?xml version='1.0'?>"}) {
    const Status s = decode_one(*d, framing, e);
    EXPECT_TRUE(decode::is_no_event(s)) << framing;
    EXPECT_EQ(s.code(), "no-event");
  }
}

TEST(Wef, HostileAndBrokenRecordsAreRejectedWithAReason) {
  Wef w;
  auto d = w.make("wef-xml");
  const std::string secret = "mleroy-SECRET";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"<?xml version=\"1.0\"?><!DOCTYPE Event [<!ENTITY a \"" + secret +
           "\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><Event><System><EventID>1</EventID>"
           "</System><EventData><Data Name='TargetUserName'>&b;</Data></EventData></Event>",
       "xml-doctype-refused"},
      {"<!DOCTYPE Event [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><Event><System/>"
       "<EventData><Data Name='X'>&xxe;</Data></EventData></Event>",
       "xml-doctype-refused"},
      {"<Event><System><EventID>1</EventID></System><EventData><Data Name='X'>&xxe;</Data>"
       "</EventData></Event>",
       "xml-bad-entity"},
      {"<Event><System><EventID>1</EventID></System><EventData><Data Name='X'>" + secret,
       "xml-truncated"},
      {"<Event><System><EventID>1</EventID></System>\xFF</Event>", "xml-bad-utf8"},
      {"<Event><System><EventID>1</EventID></Sys></Event>", "xml-unbalanced"},
      {"<Event><System><EventID>1</EventID></System></Event><Event/>", "xml-stray-content"},
      {"<AuditMessage><System/></AuditMessage>", "wef-unexpected-root"},
      {"<Events><Foo/></Events>", "wef-unexpected-root"},
      {"<Events><Event><System/></Event><Event><System/></Event></Events>", "wef-several-events"},
      {"<Event><EventData><Data Name='X'>" + secret + "</Data></EventData></Event>",
       "wef-no-system"},
      {"", "empty"},
      {" \t ", "empty"},
  };
  event::Event e;
  for (const auto& [record, code] : cases) {
    const Status s = decode_one(*d, record, e);
    EXPECT_EQ(s.code(), code) << record;
    EXPECT_EQ(s.message().find("SECRET"), std::string::npos) << "values never in messages";
    EXPECT_TRUE(e.present().empty()) << "a rejected record leaves the event reset: " << record;
  }
  // Deep nesting inside EventData.
  std::string deep = "<Event><System/><EventData>";
  for (int i = 0; i < 200; ++i) deep += "<a>";
  EXPECT_EQ(decode_one(*d, deep, e).code(), "xml-too-deep");
}

TEST(Wef, OversizedRecords) {
  event::FieldTable fields;
  decode::DecoderSetup setup;
  setup.fields = &fields;
  setup.max_record_bytes = 100;
  auto d = wef_format().make(setup);
  event::Event e;
  const std::string record = "<Event><System><EventID>1</EventID></System><EventData>" +
                             std::string(100, ' ') + "</EventData></Event>";
  EXPECT_EQ(decode_one(*d, record, e).code(), "oversized");
}

TEST(Wef, ValuesOutliveTheCallersBuffer) {
  Wef w;
  auto d = w.make("wef-xml");
  event::Event e;
  {
    std::string record = wef_records()[0];
    ASSERT_TRUE(decode_one(*d, record, e).ok());
    std::fill(record.begin(), record.end(), 'x');
  }
  EXPECT_EQ(w.text(e, "TargetUserName"), "mleroy");
  EXPECT_EQ(w.text(e, "Computer"), "FS01.ght-exemple.local");
}

TEST(Wef, DecodingDoesNotAllocateOnceWarm) {
  if (!vigie::testing::kCountAllocations) GTEST_SKIP() << "allocation counting is off under ASan";
  Wef w;
  auto d = w.make("wef-xml");
  const std::vector<std::string> records = wef_records();
  event::Event e;
  for (const std::string& r : records) ASSERT_TRUE(decode_one(*d, r, e).ok());  // warm up
  const long before = vigie::testing::allocations().load();
  for (int round = 0; round < 50; ++round) {
    for (const std::string& r : records) (void)decode_one(*d, r, e);
  }
  EXPECT_EQ(vigie::testing::allocations().load(), before);
  // Nor does splitting.
  const long split_before = vigie::testing::allocations().load();
  ingest::XmlSplitter splitter;
  std::string_view pending = wef_sample();
  int n = 0;
  for (;;) {
    const ingest::XmlSplitter::Step s = splitter.finish(pending);
    pending.remove_prefix(s.consumed);
    if (s.outcome == ingest::XmlSplitter::Outcome::kEnd) break;
    ++n;
  }
  EXPECT_EQ(vigie::testing::allocations().load(), split_before);
  EXPECT_EQ(n, 7);
}

}  // namespace
}  // namespace vigie::plugins::ad
