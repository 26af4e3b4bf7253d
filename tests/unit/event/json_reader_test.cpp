#include "event/json_reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/timestamp.h"

namespace vigie::event {
namespace {

// A FieldTable as a compiled rule set would build it: the fields some rule references.
FieldTable make_table(std::initializer_list<std::string_view> extra = {}) {
  FieldTable t;
  for (std::string_view name : {"EventID",
                                "Channel",
                                "Provider_Name",
                                "Provider_Guid",
                                "Computer",
                                "TimeCreated_SystemTime",
                                "EventRecordID",
                                "Execution_ProcessID",
                                "Execution_ThreadID",
                                "Security_UserID",
                                "Correlation_ActivityID",
                                "EventID_Qualifiers",
                                "Task",
                                "Opcode",
                                "Level",
                                "Keywords",
                                "Version",
                                "TargetUserName",
                                "TargetDomainName",
                                "LogonType",
                                "IpAddress",
                                "IpPort",
                                "Status",
                                "SubStatus",
                                "SubjectUserName",
                                "CommandLine",
                                "NewProcessName",
                                "ParentProcessName",
                                "ServiceName",
                                "TicketEncryptionType",
                                "Image",
                                "ParentImage",
                                "ProcessId",
                                "Data",
                                "host.name",
                                "event.outcome",
                                "event.code",
                                "message",
                                "winlog.api"}) {
    t.intern(name);
  }
  for (std::string_view name : extra) t.intern(name);
  return t;
}

// Reads fields of a decoded event by name.
class View {
 public:
  View(const FieldTable& t, const Event& e) : table_(t), event_(e) {}
  const Value* get(std::string_view name) const {
    auto id = table_.find(name);
    return id ? event_.get(*id) : nullptr;
  }
  // "<kind>:<text>" or "absent"; lists as "list:[a,b]".
  std::string str(std::string_view name) const {
    const Value* v = get(name);
    return v == nullptr ? "absent" : describe(*v);
  }
  std::string describe(const Value& v) const {
    switch (v.kind) {
      case Kind::kAbsent:
        return "absent";
      case Kind::kNull:
        return "null";
      case Kind::kBool:
        return std::string("bool:") + (v.boolean ? "true" : "false");
      case Kind::kInt:
        return "int:" + std::to_string(v.integer) + "/" + std::string(v.text);
      case Kind::kDouble:
        return "double:" + std::string(v.text);
      case Kind::kString:
        return "str:" + std::string(v.text);
      case Kind::kList: {
        std::string s = "list:[";
        for (std::uint32_t i = 0; i < v.list_size; ++i) {
          if (i > 0) s += ",";
          s += describe(event_.list_items()[v.list_begin + i]);
        }
        return s + "]";
      }
    }
    return "?";
  }
  std::optional<std::string> extra(std::string_view name) const {
    for (const auto& [n, v] : event_.extras()) {
      if (n == name) return describe(v);
    }
    return std::nullopt;
  }

 private:
  const FieldTable& table_;
  const Event& event_;
};

std::int64_t ts(std::string_view text) { return parse_timestamp_ms(text).value(); }

// --- input format names -------------------------------------------------------------------

TEST(InputFormatTest, NamesRoundTrip) {
  for (InputFormat f :
       {InputFormat::kAuto, InputFormat::kFlat, InputFormat::kEvtxJson, InputFormat::kWinlogbeat}) {
    EXPECT_EQ(parse_input_format(to_string(f)), f);
  }
  EXPECT_EQ(to_string(InputFormat::kEvtxJson), "evtx-json");
  for (std::string_view bad : {"", "Auto", "evtx", "json", "winlogbeat ", "FLAT"}) {
    EXPECT_EQ(parse_input_format(bad), std::nullopt) << bad;
  }
}

// --- flat -----------------------------------------------------------------------------------

// NXLog im_msvistalog-like record with Sigma names at top level (invented values).
constexpr std::string_view kFlat4625 =
    R"({"EventTime": "2026-03-14 01:04:51", "Hostname": "FS01.ght-exemple.local", )"
    R"("Keywords": -9218868437227405312, "EventType": "AUDIT_FAILURE", "SeverityValue": 4, )"
    R"("EventID": 4625, "Provider_Name": "Microsoft-Windows-Security-Auditing", "Version": 0, )"
    R"("Task": 12544, "EventRecordID": 884202, "Channel": "Security", )"
    R"("TimeCreated_SystemTime": "2026-03-14T00:04:51.1180000Z", "TargetUserName": "mleroy", )"
    R"("TargetDomainName": "GHTEX", "Status": "0xc000006d", "LogonType": "3", )"
    R"("IpAddress": "10.212.134.21", "IpPort": "51932", "Computer": "FS01.ght-exemple.local"})";

TEST(JsonReaderFlatTest, RealisticRecordKeepsTypes) {
  const FieldTable table = make_table();
  JsonReader reader(table);
  Event ev;
  ASSERT_TRUE(reader.read(kFlat4625, InputFormat::kFlat, ev).ok());
  View v(table, ev);
  EXPECT_EQ(v.str("EventID"), "int:4625/4625");
  EXPECT_EQ(v.str("Keywords"), "int:-9218868437227405312/-9218868437227405312");
  EXPECT_EQ(v.str("LogonType"), "str:3");  // numeric strings stay strings
  EXPECT_EQ(v.str("Status"), "str:0xc000006d");
  EXPECT_EQ(v.str("Version"), "int:0/0");
  EXPECT_EQ(v.str("TargetUserName"), "str:mleroy");
  EXPECT_EQ(v.str("Channel"), "str:Security");
  EXPECT_EQ(ev.time_ms, ts("2026-03-14T00:04:51.118Z"));
  EXPECT_EQ(reader.last_format(), InputFormat::kFlat);
}

TEST(JsonReaderFlatTest, ScalarKinds) {
  const FieldTable table = make_table({"i", "neg", "f", "exp", "big", "huge", "tiny", "t", "f2",
                                       "n", "s", "esc", "empty", "i64min", "below"});
  JsonReader reader(table);
  Event ev;
  ASSERT_TRUE(
      reader
          .read(R"({"i": 42 , "neg": -7, "f": 2.50, "exp": 1E5, "big": 18446744073709551615,)"
                R"( "huge": -1e400, "tiny": 1e-400, "t": true, "f2": false, "n": null,)"
                R"( "s": "x", "esc": "a\"b\\c\u00e9\n", "empty": "",)"
                R"( "i64min": -9223372036854775808, "below": -9223372036854775809})",
                InputFormat::kFlat, ev)
          .ok());
  View v(table, ev);
  EXPECT_EQ(v.str("i"), "int:42/42");  // raw token, trailing space trimmed
  EXPECT_EQ(v.str("neg"), "int:-7/-7");
  EXPECT_EQ(v.str("f"), "double:2.50");
  EXPECT_DOUBLE_EQ(v.get("f")->real, 2.5);
  EXPECT_EQ(v.str("exp"), "double:1E5");
  EXPECT_EQ(v.str("big"), "double:18446744073709551615");
  EXPECT_DOUBLE_EQ(v.get("big")->real, 18446744073709551615.0);
  EXPECT_EQ(v.str("huge"), "double:-1e400");
  EXPECT_TRUE(std::isinf(v.get("huge")->real) && v.get("huge")->real < 0);
  EXPECT_EQ(v.get("tiny")->real, 0.0);
  EXPECT_EQ(v.str("t"), "bool:true");
  EXPECT_EQ(v.str("f2"), "bool:false");
  EXPECT_EQ(v.str("n"), "null");
  EXPECT_EQ(v.str("s"), "str:x");
  EXPECT_EQ(v.str("esc"), "str:a\"b\\c\xc3\xa9\n");
  EXPECT_EQ(v.str("empty"), "str:");
  EXPECT_EQ(v.str("i64min"), "int:-9223372036854775808/-9223372036854775808");
  EXPECT_EQ(v.str("below"), "double:-9223372036854775809");
}

TEST(JsonReaderFlatTest, NestedObjectsAreFlattenedWithDots) {
  const FieldTable table = make_table({"host.os.family", "a.b.c.d", "a.x", "user.name"});
  JsonReader reader(table);
  Event ev;
  ASSERT_TRUE(reader
                  .read(R"({"host": {"name": "dc01", "os": {"family": "windows"}},)"
                        R"( "a": {"b": {"c": {"d": 1}}, "x": "y"}, "user": {}, "host.name2": 3})",
                        InputFormat::kFlat, ev)
                  .ok());
  View v(table, ev);
  EXPECT_EQ(v.str("host.name"), "str:dc01");
  EXPECT_EQ(v.str("host.os.family"), "str:windows");
  EXPECT_EQ(v.str("a.b.c.d"), "int:1/1");
  EXPECT_EQ(v.str("a.x"), "str:y");
  EXPECT_EQ(v.str("user.name"), "absent");
  EXPECT_EQ(ev.present().size(), 4u);
}

TEST(JsonReaderFlatTest, ArraysOfScalarsAreLists) {
  const FieldTable table = make_table({"mixed", "empty", "nested.list", "objs"});
  JsonReader reader(table);
  Event ev;
  ASSERT_TRUE(reader
                  .read(R"({"Keywords": ["Audit Success", "Classic"],)"
                        R"( "mixed": [1, "a", {"o": 1}, [2, 3], true, null, 2.5],)"
                        R"( "empty": [], "nested": {"list": ["x"]}, "objs": [{"a": 1}, {"b": 2}]})",
                        InputFormat::kFlat, ev)
                  .ok());
  View v(table, ev);
  EXPECT_EQ(v.str("Keywords"), "list:[str:Audit Success,str:Classic]");
  // Object and array elements are skipped, the scalars keep their types.
  EXPECT_EQ(v.str("mixed"), "list:[int:1/1,str:a,bool:true,null,double:2.5]");
  EXPECT_EQ(v.str("empty"), "list:[]");
  EXPECT_EQ(v.str("nested.list"), "list:[str:x]");
  EXPECT_EQ(v.str("objs"), "list:[]");
}

TEST(JsonReaderFlatTest, KeyWithSpacesAlsoAnswersWithoutThem) {
  struct Case {
    std::vector<std::string_view> interned;
    std::string expect_spaced, expect_joined;
  };
  const Case cases[] = {
      {{"Threat Name", "ThreatName"}, "str:Trojan:Win32/Emotet", "str:Trojan:Win32/Emotet"},
      {{"ThreatName"}, "absent", "str:Trojan:Win32/Emotet"},
      {{"Threat Name"}, "str:Trojan:Win32/Emotet", "absent"},
      {{}, "absent", "absent"},
  };
  for (const Case& c : cases) {
    FieldTable table;
    for (std::string_view n : c.interned) table.intern(n);
    JsonReader reader(table);
    Event ev;
    ASSERT_TRUE(
        reader.read(R"({"Threat Name": "Trojan:Win32/Emotet"})", InputFormat::kFlat, ev).ok());
    View v(table, ev);
    EXPECT_EQ(v.str("Threat Name"), c.expect_spaced);
    EXPECT_EQ(v.str("ThreatName"), c.expect_joined);
  }
}

// The space is found wherever it is: in the first 8 bytes, past them, last, or twice.
TEST(JsonReaderFlatTest, SpacesAnywhereInTheKey) {
  FieldTable table;
  for (std::string_view n : {"ThreatName", "DetectionSourceName", "ActionX", "AB"}) table.intern(n);
  JsonReader reader(table);
  Event ev;
  ASSERT_TRUE(reader
                  .read(R"({"Threat Name": 1, "Detection SourceName": 2, "ActionX ": 3,)"
                        R"( " A B": 4, "NoSpacesHereAtAll": 5})",
                        InputFormat::kFlat, ev)
                  .ok());
  const View v(table, ev);
  EXPECT_EQ(v.str("ThreatName"), "int:1/1");
  EXPECT_EQ(v.str("DetectionSourceName"), "int:2/2");
  EXPECT_EQ(v.str("ActionX"), "int:3/3");
  EXPECT_EQ(v.str("AB"), "int:4/4");
  EXPECT_EQ(ev.present().size(), 4u);
}

TEST(JsonReaderFlatTest, OnlyInternedFieldsAreMaterialised) {
  const FieldTable table = make_table();
  JsonReader reader(table);
  Event ev;
  ASSERT_TRUE(reader.read(kFlat4625, InputFormat::kFlat, ev).ok());
  View v(table, ev);
  EXPECT_EQ(v.str("EventType"), "absent");
  EXPECT_TRUE(ev.extras().empty());
  for (FieldId id : ev.present()) {
    const std::string& name = table.name(id);
    EXPECT_NE(kFlat4625.find("\"" + name + "\""), std::string_view::npos) << name;
  }
  EXPECT_EQ(ev.present().size(), 15u);
}

TEST(JsonReaderFlatTest, KeepUnknownFieldsStoresExtrasWithStableNames) {
  const FieldTable table = make_table();
  JsonReader reader(table, ReaderOptions{.keep_unknown_fields = true});
  Event ev;
  ASSERT_TRUE(
      reader
          .read(R"({"EventID": 4688, "CommandLine": "whoami /all", "Severity": "INFO",)"
                R"( "agent": {"name": "WKS-URG-014", "tags": ["a", "b"]}, "Threat Name": 1})",
                InputFormat::kFlat, ev)
          .ok());
  View v(table, ev);
  EXPECT_EQ(v.str("EventID"), "int:4688/4688");
  EXPECT_EQ(v.extra("Severity"), "str:INFO");
  EXPECT_EQ(v.extra("agent.name"), "str:WKS-URG-014");
  EXPECT_EQ(v.extra("agent.tags"), "list:[str:a,str:b]");
  EXPECT_EQ(v.extra("Threat Name"), "int:1/1");
  EXPECT_EQ(v.extra("EventID"), std::nullopt);  // interned fields are not extras
  EXPECT_EQ(v.extra("CommandLine"), std::nullopt);
  EXPECT_EQ(ev.extras().size(), 4u);
}

TEST(JsonReaderFlatTest, EscapedKeysAndRepeatedKeys) {
  const FieldTable table = make_table();
  JsonReader reader(table);
  Event ev;
  ASSERT_TRUE(reader
                  .read(R"({"Command\u004cine": "cmd.exe /c \"dir\"", "Status": "first",)"
                        R"( "Status": "last"})",
                        InputFormat::kFlat, ev)
                  .ok());
  View v(table, ev);
  EXPECT_EQ(v.str("CommandLine"), "str:cmd.exe /c \"dir\"");
  EXPECT_EQ(v.str("Status"), "str:last");
}

// --- event time ------------------------------------------------------------------------------

TEST(JsonReaderTimeTest, FlatTimeSourcesInPriorityOrder) {
  struct Case {
    std::string_view record;
    std::int64_t expect;
  };
  const std::int64_t sys = ts("2026-03-14T00:04:51.118Z");
  const std::int64_t at = ts("2026-03-14T00:00:00Z");
  const std::int64_t plain = ts("2026-01-01T00:00:00Z");
  const Case cases[] = {
      {R"({"TimeCreated_SystemTime": "2026-03-14T00:04:51.1180000Z"})", sys},
      {R"({"@timestamp": "2026-03-14T00:00:00Z", "TimeCreated_SystemTime": "2026-03-14T00:04:51.118Z"})",
       sys},
      {R"({"TimeCreated_SystemTime": "2026-03-14T00:04:51.118Z", "@timestamp": "2026-03-14T00:00:00Z"})",
       sys},
      {R"({"timestamp": "2026-01-01T00:00:00Z", "@timestamp": "2026-03-14T00:00:00Z"})", at},
      {R"({"@timestamp": "2026-03-14T00:00:00Z", "timestamp": "2026-01-01T00:00:00Z"})", at},
      {R"({"timestamp": "2026-01-01T00:00:00Z"})", plain},
      // An unusable higher-priority source does not hide a usable one.
      {R"({"TimeCreated_SystemTime": "yesterday", "@timestamp": "2026-03-14T00:00:00Z"})", at},
      // Unparseable or non-string: no time, and not a reject.
      {R"({"TimeCreated_SystemTime": "2026-02-30T00:00:00Z"})", Event::kNoTime},
      {R"({"@timestamp": 1773447242532})", Event::kNoTime},
      {R"({"event": {"timestamp": "2026-01-01T00:00:00Z"}})", Event::kNoTime},
      {R"({"EventID": 1})", Event::kNoTime},
  };
  // "@timestamp" and "timestamp" are not interned: the time is read all the same.
  const FieldTable table = make_table();
  JsonReader reader(table);
  Event ev;
  for (const Case& c : cases) {
    ASSERT_TRUE(reader.read(c.record, InputFormat::kFlat, ev).ok()) << c.record;
    EXPECT_EQ(ev.time_ms, c.expect) << c.record;
  }
}

// --- winlogbeat -------------------------------------------------------------------------------

// Shape of Winlogbeat 8.x as shipped (see /work/shared/formats/windows_winlogbeat_raw.ndjson).
constexpr std::string_view kBeat4625 =
    R"({"@timestamp": "2026-03-14T00:30:05.441Z", "@metadata": {"beat": "winlogbeat", "type": "_doc", "version": "8.14.3"}, )"
    R"("agent": {"type": "winlogbeat", "version": "8.14.3", "name": "VPN-RDS01"}, "ecs": {"version": "8.0.0"}, )"
    R"("host": {"name": "vpn-rds01.ght-exemple.local"}, "log": {"level": "information"}, )"
    R"("event": {"code": "4625", "kind": "event", "provider": "Microsoft-Windows-Security-Auditing", )"
    R"("action": "Logon", "created": "2026-03-14T00:30:06.9Z", "outcome": "failure"}, )"
    R"("message": "An account failed to log on.", "winlog": {"api": "wineventlog", "channel": "Security", )"
    R"("computer_name": "VPN-RDS01.ght-exemple.local", "event_id": "4625", )"
    R"("provider_name": "Microsoft-Windows-Security-Auditing", )"
    R"("provider_guid": "{54849625-5478-4994-a5ba-3e3b0328c30d}", "record_id": "530021", "task": "Logon", )"
    R"("opcode": "Info", "keywords": ["Audit Failure"], "process": {"pid": 644, "thread": {"id": 3180}}, )"
    R"("version": 0, "event_data": {"TargetUserName": "administrateur", "TargetDomainName": "GHTEX", )"
    R"("Status": "0xc000006d", "SubStatus": "0xc0000064", "LogonType": "3", "IpAddress": "203.0.113.45", )"
    R"("IpPort": "49822"}}})";

TEST(JsonReaderWinlogbeatTest, MapsWinlogFieldsToSigmaNames) {
  const FieldTable table = make_table();
  JsonReader reader(table);
  Event ev;
  ASSERT_TRUE(reader.read(kBeat4625, InputFormat::kWinlogbeat, ev).ok());
  View v(table, ev);
  EXPECT_EQ(v.str("EventID"), "str:4625");  // 8.x ships a string: the type is kept
  EXPECT_EQ(v.str("Channel"), "str:Security");
  EXPECT_EQ(v.str("Provider_Name"), "str:Microsoft-Windows-Security-Auditing");
  EXPECT_EQ(v.str("Provider_Guid"), "str:{54849625-5478-4994-a5ba-3e3b0328c30d}");
  EXPECT_EQ(v.str("Computer"), "str:VPN-RDS01.ght-exemple.local");
  EXPECT_EQ(v.str("EventRecordID"), "str:530021");
  EXPECT_EQ(v.str("Execution_ProcessID"), "int:644/644");
  EXPECT_EQ(v.str("Execution_ThreadID"), "int:3180/3180");
  EXPECT_EQ(v.str("Task"), "str:Logon");
  EXPECT_EQ(v.str("Opcode"), "str:Info");
  EXPECT_EQ(v.str("Keywords"), "list:[str:Audit Failure]");
  EXPECT_EQ(v.str("TimeCreated_SystemTime"), "str:2026-03-14T00:30:05.441Z");
  EXPECT_EQ(ev.time_ms, ts("2026-03-14T00:30:05.441Z"));
  // event_data by own name.
  EXPECT_EQ(v.str("TargetUserName"), "str:administrateur");
  EXPECT_EQ(v.str("LogonType"), "str:3");
  EXPECT_EQ(v.str("IpAddress"), "str:203.0.113.45");
  // Everything else under its dotted ECS name.
  EXPECT_EQ(v.str("host.name"), "str:vpn-rds01.ght-exemple.local");
  EXPECT_EQ(v.str("event.outcome"), "str:failure");
  EXPECT_EQ(v.str("event.code"), "str:4625");
  EXPECT_EQ(v.str("message"), "str:An account failed to log on.");
  EXPECT_EQ(v.str("winlog.api"), "str:wineventlog");
  EXPECT_EQ(v.str("Version"), "absent");  // winlog.version keeps its ECS name
}

TEST(JsonReaderWinlogbeatTest, Winlogbeat7IntegersUserDataAndUser) {
  const FieldTable table = make_table({"SubjectDomainName", "xml_name", "winlog.user.name"});
  JsonReader reader(table);
  Event ev;
  ASSERT_TRUE(
      reader
          .read(R"({"winlog": {"event_id": 1102, "record_id": 1203390, "channel": "Security",)"
                R"( "user": {"identifier": "S-1-5-18", "name": "SYSTEM"},)"
                R"( "user_data": {"SubjectUserName": "svc_sqlpacs", "SubjectDomainName": "GHTEX",)"
                R"( "xml_name": "LogFileCleared"}}, "@timestamp": "2026-03-14T03:44:20.310Z"})",
                InputFormat::kWinlogbeat, ev)
          .ok());
  View v(table, ev);
  EXPECT_EQ(v.str("EventID"), "int:1102/1102");
  EXPECT_EQ(v.str("EventRecordID"), "int:1203390/1203390");
  EXPECT_EQ(v.str("Security_UserID"), "str:S-1-5-18");
  EXPECT_EQ(v.str("winlog.user.name"), "str:SYSTEM");
  EXPECT_EQ(v.str("SubjectUserName"), "str:svc_sqlpacs");
  EXPECT_EQ(v.str("SubjectDomainName"), "str:GHTEX");
  EXPECT_EQ(v.str("xml_name"), "str:LogFileCleared");
  EXPECT_EQ(ev.time_ms, ts("2026-03-14T03:44:20.310Z"));
}

TEST(JsonReaderWinlogbeatTest, EventCodeIsEventIdOnlyWithoutWinlogEventId) {
  struct Case {
    std::string_view record;
    std::string expect;
  };
  const Case cases[] = {
      {R"({"event": {"code": "4740"}, "winlog": {"channel": "Security"}})", "str:4740"},
      {R"({"winlog": {"channel": "Security"}, "event": {"code": 4740}})", "int:4740/4740"},
      // winlog.event_id wins whatever the key order.
      {R"({"event": {"code": "1"}, "winlog": {"event_id": "4624"}})", "str:4624"},
      {R"({"winlog": {"event_id": "4624"}, "event": {"code": "1"}})", "str:4624"},
      {R"({"winlog": {"event_id": null}, "event": {"code": "1"}})", "null"},
      {R"({"winlog": {"channel": "Security"}})", "absent"},
  };
  const FieldTable table = make_table();
  JsonReader reader(table);
  Event ev;
  for (const Case& c : cases) {
    ASSERT_TRUE(reader.read(c.record, InputFormat::kWinlogbeat, ev).ok()) << c.record;
    EXPECT_EQ(View(table, ev).str("EventID"), c.expect) << c.record;
  }
}

TEST(JsonReaderWinlogbeatTest, KeepUnknownFieldsUseEcsNames) {
  const FieldTable table = make_table();
  JsonReader reader(table, ReaderOptions{.keep_unknown_fields = true});
  Event ev;
  ASSERT_TRUE(reader.read(kBeat4625, InputFormat::kWinlogbeat, ev).ok());
  View v(table, ev);
  EXPECT_EQ(v.extra("agent.name"), "str:VPN-RDS01");
  EXPECT_EQ(v.extra("@metadata.version"), "str:8.14.3");
  EXPECT_EQ(v.extra("winlog.version"), "int:0/0");
  EXPECT_EQ(v.extra("event.action"), "str:Logon");
  EXPECT_EQ(v.extra("TargetDomainName"), std::nullopt);  // interned
  EXPECT_EQ(v.str("TargetDomainName"), "str:GHTEX");
}

// --- evtx-json --------------------------------------------------------------------------------

// evtx_dump -o jsonl shape (omerbenamram/evtx), invented values.
constexpr std::string_view kEvtx4624 =
    R"({"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},)"
    R"("System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Security-Auditing",)"
    R"("Guid":"{54849625-5478-4994-A5BA-3E3B0328C30D}"}},"EventID":4624,"Version":2,"Level":0,)"
    R"("Task":12544,"Opcode":0,"Keywords":"0x8020000000000000",)"
    R"("TimeCreated":{"#attributes":{"SystemTime":"2026-03-14T00:14:02.5321140Z"}},)"
    R"("EventRecordID":884204,"Correlation":{"#attributes":{"ActivityID":"{A3F1C2D4-77B0-4E5C-9F12-0C6E5B8D4A21}"}},)"
    R"("Execution":{"#attributes":{"ProcessID":680,"ThreadID":1704}},"Channel":"Security",)"
    R"("Computer":"FS01.ght-exemple.local","Security":{"#attributes":{"UserID":"S-1-5-18"}}},)"
    R"("EventData":{"TargetUserName":"mleroy","TargetDomainName":"GHTEX","LogonType":3,)"
    R"("IpAddress":"10.212.134.21","IpPort":"51944"}}})";

TEST(JsonReaderEvtxTest, SystemElementsAndAttributes) {
  const FieldTable table = make_table();
  JsonReader reader(table);
  Event ev;
  ASSERT_TRUE(reader.read(kEvtx4624, InputFormat::kEvtxJson, ev).ok());
  View v(table, ev);
  EXPECT_EQ(v.str("EventID"), "int:4624/4624");
  EXPECT_EQ(v.str("Version"), "int:2/2");
  EXPECT_EQ(v.str("Level"), "int:0/0");
  EXPECT_EQ(v.str("Task"), "int:12544/12544");
  EXPECT_EQ(v.str("Opcode"), "int:0/0");
  EXPECT_EQ(v.str("Keywords"), "str:0x8020000000000000");
  EXPECT_EQ(v.str("EventRecordID"), "int:884204/884204");
  EXPECT_EQ(v.str("Channel"), "str:Security");
  EXPECT_EQ(v.str("Computer"), "str:FS01.ght-exemple.local");
  EXPECT_EQ(v.str("Provider_Name"), "str:Microsoft-Windows-Security-Auditing");
  EXPECT_EQ(v.str("Provider_Guid"), "str:{54849625-5478-4994-A5BA-3E3B0328C30D}");
  EXPECT_EQ(v.str("TimeCreated_SystemTime"), "str:2026-03-14T00:14:02.5321140Z");
  EXPECT_EQ(v.str("Execution_ProcessID"), "int:680/680");
  EXPECT_EQ(v.str("Execution_ThreadID"), "int:1704/1704");
  EXPECT_EQ(v.str("Security_UserID"), "str:S-1-5-18");
  EXPECT_EQ(v.str("Correlation_ActivityID"), "str:{A3F1C2D4-77B0-4E5C-9F12-0C6E5B8D4A21}");
  EXPECT_EQ(v.str("TargetUserName"), "str:mleroy");
  EXPECT_EQ(v.str("LogonType"), "int:3/3");
  EXPECT_EQ(v.str("IpPort"), "str:51944");
  EXPECT_EQ(ev.time_ms, ts("2026-03-14T00:14:02.532Z"));
  EXPECT_EQ(reader.last_format(), InputFormat::kEvtxJson);
}

TEST(JsonReaderEvtxTest, TextNodesQualifiersAndSeparateAttributes) {
  const FieldTable table = make_table();
  JsonReader reader(table);
  Event ev;
  // EventID with Qualifiers (classic providers), and evtx_dump --separate-json-attributes.
  ASSERT_TRUE(
      reader
          .read(
              R"({"Event":{"System":{"Provider_attributes":{"Name":"Service Control Manager"},)"
              R"("Provider":null,"EventID":{"#attributes":{"Qualifiers":16384},"#text":7045},)"
              R"("TimeCreated_attributes":{"SystemTime":"2026-03-14T02:00:00.0000000Z"},)"
              R"("TimeCreated":null,"Channel":"System"},)"
              R"("EventData":{"ServiceName":"PSEXESVC","ImagePath":"%SystemRoot%\\PSEXESVC.exe"}}})",
              InputFormat::kEvtxJson, ev)
          .ok());
  View v(table, ev);
  EXPECT_EQ(v.str("EventID"), "int:7045/7045");
  EXPECT_EQ(v.str("EventID_Qualifiers"), "int:16384/16384");
  EXPECT_EQ(v.str("Provider_Name"), "str:Service Control Manager");
  EXPECT_EQ(v.str("ServiceName"), "str:PSEXESVC");
  EXPECT_EQ(ev.time_ms, ts("2026-03-14T02:00:00Z"));
}

TEST(JsonReaderEvtxTest, EventDataForms) {
  struct Case {
    std::string_view event_data;
    std::vector<std::pair<std::string_view, std::string>> expect;
  };
  const Case cases[] = {
      // Named Data elements (XML <Data Name="X">v</Data>), either attribute/text order.
      {R"({"Data":[{"#attributes":{"Name":"TargetUserName"},"#text":"jdupont"},)"
       R"({"#text":"10","#attributes":{"Name":"LogonType"}},)"
       R"({"#attributes":{"Name":"IpAddress"}}]})",
       {{"TargetUserName", "str:jdupont"},
        {"LogonType", "str:10"},
        {"IpAddress", "null"},
        {"Data", "absent"}}},
      // Unnamed data: several values become a list, one value a scalar.
      {R"({"Data":{"#text":["dpi-agent.exe","4.2.1.0",3]},"Binary":null})",
       {{"Data", "list:[str:dpi-agent.exe,str:4.2.1.0,int:3/3]"}}},
      {R"({"Data":{"#text":"only"}})", {{"Data", "str:only"}}},
      {R"({"Data":"bare"})", {{"Data", "str:bare"}}},
      // Named and unnamed mixed in one array; nested lists of named items do not interleave.
      {R"({"Data":["a",{"#attributes":{"Name":"Status"},"#text":"0x0"},{"#text":"b"},)"
       R"({"#attributes":{"Name":"Keywords"},"#text":["k1","k2"]},{"#text":["c","d"]}]})",
       {{"Data", "list:[str:a,str:b,str:c,str:d]"},
        {"Status", "str:0x0"},
        {"Keywords", "list:[str:k1,str:k2]"}}},
      // A leaf wrapped in a text node.
      {R"({"CommandLine":{"#text":"whoami /all"}})", {{"CommandLine", "str:whoami /all"}}},
      // #attributes of EventData itself (Name of the template) are not data.
      {R"({"#attributes":{"Name":"LogonType"},"TargetUserName":"x"})",
       {{"TargetUserName", "str:x"}, {"LogonType", "absent"}}},
  };
  const FieldTable table = make_table();
  JsonReader reader(table);
  Event ev;
  for (const Case& c : cases) {
    const std::string record =
        R"({"Event":{"System":{"EventID":4624},"EventData":)" + std::string(c.event_data) + "}}";
    ASSERT_TRUE(reader.read(record, InputFormat::kEvtxJson, ev).ok()) << record;
    View v(table, ev);
    EXPECT_EQ(v.str("EventID"), "int:4624/4624");
    for (const auto& [name, expect] : c.expect) {
      EXPECT_EQ(v.str(name), expect) << name << " in " << c.event_data;
    }
  }
}

TEST(JsonReaderEvtxTest, UserDataLeavesByOwnName) {
  const FieldTable table = make_table({"SubjectUserSid", "SubjectDomainName", "Param"});
  JsonReader reader(table);
  Event ev;
  ASSERT_TRUE(
      reader
          .read(
              R"({"Event":{"System":{"EventID":1102,"Channel":"Security"},)"
              R"("UserData":{"LogFileCleared":{"#attributes":{"xmlns":"http://manifests.microsoft.com/win/2004/08/windows/eventlog"},)"
              R"("SubjectUserSid":"S-1-5-21-3457937927-2839227994-823803824-1107",)"
              R"("SubjectUserName":"svc_sqlpacs","SubjectDomainName":"GHTEX",)"
              R"("Inner":{"Param":{"#text":"deep"}}}}}})",
              InputFormat::kEvtxJson, ev)
          .ok());
  View v(table, ev);
  EXPECT_EQ(v.str("EventID"), "int:1102/1102");
  EXPECT_EQ(v.str("SubjectUserName"), "str:svc_sqlpacs");
  EXPECT_EQ(v.str("SubjectDomainName"), "str:GHTEX");
  EXPECT_EQ(v.str("Param"), "str:deep");
}

TEST(JsonReaderEvtxTest, KeepUnknownFieldsIncludesComposedAttributeNames) {
  const FieldTable table;  // only the five fixed fields
  JsonReader reader(table, ReaderOptions{.keep_unknown_fields = true});
  Event ev;
  ASSERT_TRUE(reader.read(kEvtx4624, InputFormat::kEvtxJson, ev).ok());
  View v(table, ev);
  EXPECT_EQ(v.str("EventID"), "int:4624/4624");
  EXPECT_EQ(v.extra("Execution_ProcessID"), "int:680/680");
  EXPECT_EQ(v.extra("Correlation_ActivityID"), "str:{A3F1C2D4-77B0-4E5C-9F12-0C6E5B8D4A21}");
  EXPECT_EQ(v.extra("Provider_Guid"), "str:{54849625-5478-4994-A5BA-3E3B0328C30D}");
  EXPECT_EQ(v.extra("TargetUserName"), "str:mleroy");
  EXPECT_EQ(v.extra("Provider_Name"), std::nullopt);  // fixed field
}

TEST(JsonReaderEvtxTest, NonEventDocumentsYieldNothing) {
  const FieldTable table = make_table();
  JsonReader reader(table);
  Event ev;
  for (std::string_view record :
       {R"({"Event": null})", R"({"Event": {"System": 1, "EventData": null}})", R"({"x": 1})"}) {
    ASSERT_TRUE(reader.read(record, InputFormat::kEvtxJson, ev).ok()) << record;
    EXPECT_TRUE(ev.present().empty()) << record;
  }
}

// --- auto detection ---------------------------------------------------------------------------

TEST(JsonReaderAutoTest, DetectsShapePerRecordFromTopLevelKeys) {
  struct Case {
    std::string_view record;
    InputFormat shape;
    std::string event_id;
  };
  const Case cases[] = {
      {kEvtx4624, InputFormat::kEvtxJson, "int:4624/4624"},
      {kBeat4625, InputFormat::kWinlogbeat, "str:4625"},
      {kFlat4625, InputFormat::kFlat, "int:4625/4625"},
      // Text that looks like a shape inside a string value is just text.
      {R"({"EventID": 1, "message": "raw: {\"winlog\": {\"event_id\": 2}}, \"Event\": {}"})",
       InputFormat::kFlat, "int:1/1"},
      {R"({"EventID": 1, "winlog": "not an object", "Event": [1]})", InputFormat::kFlat, "int:1/1"},
      // Nested "winlog" is not top-level.
      {R"({"EventID": 1, "x": {"winlog": {"event_id": 2}}})", InputFormat::kFlat, "int:1/1"},
      // The detected key may come last; Event wins over winlog.
      {R"({"a": 1, "b": [1, 2], "c": {"d": 3}, "winlog": {"event_id": 7}})",
       InputFormat::kWinlogbeat, "int:7/7"},
      {R"({"winlog": {"event_id": 7}, "Event": {"System": {"EventID": 8}}})",
       InputFormat::kEvtxJson, "int:8/8"},
  };
  const FieldTable table = make_table();
  JsonReader reader(table);
  Event ev;
  for (const Case& c : cases) {
    ASSERT_TRUE(reader.read(c.record, InputFormat::kAuto, ev).ok()) << c.record;
    EXPECT_EQ(reader.last_format(), c.shape) << c.record;
    EXPECT_EQ(View(table, ev).str("EventID"), c.event_id) << c.record;
  }
}

TEST(JsonReaderAutoTest, ExplicitFormatIsNotOverridden) {
  const FieldTable table = make_table({"winlog.event_id"});
  JsonReader reader(table);
  Event ev;
  ASSERT_TRUE(reader.read(R"({"winlog": {"event_id": 9}})", InputFormat::kFlat, ev).ok());
  EXPECT_EQ(reader.last_format(), InputFormat::kFlat);
  View v(table, ev);
  EXPECT_EQ(v.str("winlog.event_id"), "int:9/9");
  EXPECT_EQ(v.str("EventID"), "absent");
}

// --- rejects ----------------------------------------------------------------------------------

std::string nested(std::size_t depth, char open, char close, std::string_view leaf) {
  std::string s;
  for (std::size_t i = 0; i < depth; ++i) s += open == '{' ? std::string(R"({"a":)") : "[";
  s += leaf;
  s.append(depth, close);
  return s;
}

struct RejectCase {
  std::string name;
  std::string record;
  std::string code;
  std::string message_part;  // something the message must say (e.g. the offset)
  // The error is inside a value: only seen by shapes that read that value (On-Demand parsing).
  bool value_level = false;
};

std::vector<RejectCase> reject_cases() {
  return {
      {"empty", "", "empty", ""},
      {"blank", "  \t\r", "empty", ""},
      {"truncated", R"({"EventID": 4624, "TargetUserName": "mler)", "invalid-json", ""},
      {"truncated_object", R"({"EventID": 4624, "TargetUserName": "mleroy")", "invalid-json", ""},
      {"unbalanced", R"({"EventID": [4624}, "TargetUserName": "mleroy"})", "invalid-json", "",
       true},
      {"missing_colon", R"({"EventID" 4624})", "invalid-json", ""},
      {"trailing_comma", R"({"EventID": 4624,})", "invalid-json", ""},
      {"bad_atom", R"({"EventID": tru})", "invalid-json", "", true},
      {"bad_number", R"({"EventID": 01})", "invalid-json", "", true},
      {"bad_escape", R"({"TargetUserName": "\ud800mleroy"})", "invalid-json", "", true},
      {"two_values", R"({"EventID": 1} {"TargetUserName": "mleroy"})", "invalid-json",
       "byte offset 15"},
      {"utf8_bad_byte",
       "{\"TargetUserName\": \"ml\xff"
       "eroy\"}",
       "invalid-utf8", "byte offset 22"},
      {"utf8_overlong", "{\"TargetUserName\": \"\xc0\xafmleroy\"}", "invalid-utf8",
       "byte offset 20"},
      {"utf8_surrogate", "{\"TargetUserName\": \"\xed\xa0\x80mleroy\"}", "invalid-utf8",
       "byte offset 20"},
      // In an object no interned field lives under: never walked, still validated.
      {"utf8_in_skipped_object",
       "{\"agent\": {\"name\": \"a\xff"
       "\"}, \"TargetUserName\": \"mleroy\"}",
       "invalid-utf8", "byte offset 21"},
      {"utf8_truncated_at_end", "{\"TargetUserName\": \"mleroy\"}\xc3", "invalid-utf8",
       "byte offset 28"},
      {"utf8_in_key", "{\"Target\xfeUserName\": \"mleroy\"}", "invalid-utf8", "byte offset 8"},
      {"top_array", R"([{"TargetUserName": "mleroy"}])", "not-an-object", "array"},
      {"top_number", "4624", "not-an-object", "scalar"},
      {"top_string", R"("mleroy")", "not-an-object", "scalar"},
      {"top_null", "null", "not-an-object", "scalar"},
      {"deep_array", nested(10000, '[', ']', "\"mleroy\""), "too-deep", "byte offset 64"},
      {"deep_object", "{\"TargetUserName\":" + nested(10000, '{', '}', "\"mleroy\"") + "}",
       "too-deep", "nesting deeper than 64"},
      // Under a key no rule wants: still rejected (the outcome does not depend on the table).
      {"deep_skipped", "{\"zz\":" + nested(10000, '[', ']', "1") + "}", "too-deep", ""},
      {"just_too_deep", "{\"a\":" + nested(64, '[', ']', "1") + "}", "too-deep", ""},
      {"oversized", "{\"TargetUserName\": \"" + std::string(4096, 'm') + "\"}", "oversized",
       "4118 bytes"},
  };
}

// Keeps failure output readable (the default prints the struct's bytes).
// NOLINTNEXTLINE(readability-identifier-naming): the name gtest looks up
void PrintTo(const RejectCase& c, std::ostream* os) { *os << c.name; }

class JsonReaderRejectTest : public testing::TestWithParam<RejectCase> {};

TEST_P(JsonReaderRejectTest, RejectsWithCodeAndContentFreeMessage) {
  const RejectCase& c = GetParam();
  const FieldTable table = make_table();
  for (InputFormat format :
       {InputFormat::kAuto, InputFormat::kFlat, InputFormat::kEvtxJson, InputFormat::kWinlogbeat}) {
    if (c.value_level && format == InputFormat::kEvtxJson) continue;  // top-level keys skipped
    // Only the oversized case runs under a small limit (the deep records are large).
    JsonReader reader(table,
                      ReaderOptions{.max_record_bytes = c.code == "oversized" ? 4096u : 1u << 20});
    Event ev;
    // A good record first: a reject must not leave its fields behind.
    ASSERT_TRUE(reader.read(kFlat4625, InputFormat::kFlat, ev).ok());
    const Status s = reader.read(c.record, format, ev);
    ASSERT_FALSE(s.ok()) << to_string(format);
    EXPECT_EQ(s.code(), c.code) << s.to_string() << " format " << to_string(format);
    EXPECT_NE(s.message().find(c.message_part), std::string::npos) << s.message();
    EXPECT_EQ(s.message().find("mler"), std::string::npos) << s.message();
    EXPECT_EQ(s.message().find("4624"), std::string::npos) << s.message();
    EXPECT_TRUE(ev.present().empty());
    EXPECT_TRUE(ev.extras().empty());
    EXPECT_EQ(ev.time_ms, Event::kNoTime);
    EXPECT_EQ(reader.last_format(), InputFormat::kFlat);  // unchanged by the reject
    // The reader is still usable.
    ASSERT_TRUE(reader.read(kEvtx4624, InputFormat::kAuto, ev).ok());
    EXPECT_EQ(reader.last_format(), InputFormat::kEvtxJson);
  }
}

TEST(JsonReaderRejectValueTest, EvtxValueErrorsInsideReadElements) {
  const FieldTable table = make_table();
  JsonReader reader(table);
  Event ev;
  for (std::string_view record :
       {R"({"Event":{"System":{"EventID":tru}}})", R"({"Event":{"EventData":{"IpPort":01}}})",
        R"({"Event":{"EventData":{"Data":[{"#text":"\ud800"}]}}})"}) {
    EXPECT_EQ(reader.read(record, InputFormat::kEvtxJson, ev).code(), "invalid-json") << record;
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, JsonReaderRejectTest, testing::ValuesIn(reject_cases()),
                         [](const testing::TestParamInfo<RejectCase>& info) {
                           return info.param.name;
                         });

TEST(JsonReaderLimitsTest, DepthAndSizeLimitsAreInclusive) {
  const FieldTable table = make_table();
  JsonReader reader(table, ReaderOptions{.max_record_bytes = 100, .max_depth = 8});
  Event ev;
  // Top-level object (1) + 7 arrays = depth 8: accepted; one more is rejected.
  EXPECT_TRUE(reader.read("{\"a\":" + nested(7, '[', ']', "1") + "}", InputFormat::kFlat, ev).ok());
  EXPECT_EQ(reader.read("{\"a\":" + nested(8, '[', ']', "1") + "}", InputFormat::kFlat, ev).code(),
            "too-deep");
  // Brackets inside strings (escaped quotes included) are text, not nesting.
  EXPECT_TRUE(reader.read(R"({"CommandLine": "[[[[{{{{\"[[[[{{{{"})", InputFormat::kFlat, ev).ok());
  EXPECT_EQ(View(table, ev).str("CommandLine"), "str:[[[[{{{{\"[[[[{{{{");
  // Exactly max_record_bytes is accepted.
  std::string record = R"({"CommandLine": ")";
  record += std::string(100 - record.size() - 2, 'x') + "\"}";
  ASSERT_EQ(record.size(), 100u);
  EXPECT_TRUE(reader.read(record, InputFormat::kFlat, ev).ok());
  EXPECT_EQ(reader.read(record + " ", InputFormat::kFlat, ev).code(), "oversized");
}

TEST(JsonReaderLimitsTest, DeepFlatObjectsWithinTheLimitAreFlattened) {
  std::string name = "a";
  for (int i = 1; i < 63; ++i) name += ".a";
  FieldTable table = make_table();
  table.intern(name);
  JsonReader reader(table);
  Event ev;
  ASSERT_TRUE(reader.read(nested(63, '{', '}', "1"), InputFormat::kFlat, ev).ok());
  EXPECT_EQ(View(table, ev).str(name), "int:1/1");
}

// --- reuse ------------------------------------------------------------------------------------

TEST(JsonReaderReuseTest, ValuesDoNotLeakAcrossRecords) {
  const FieldTable table = make_table();
  JsonReader reader(table, ReaderOptions{.keep_unknown_fields = true});
  Event ev;
  std::string big(20000, 'x');
  for (int i = 0; i < 3000; ++i) {
    const int kind = i % 5;
    std::string record;
    switch (kind) {
      case 0:
        record = std::string(kEvtx4624);
        break;
      case 1:
        record = std::string(kBeat4625);
        break;
      case 2:
        record = R"({"EventID": )" + std::to_string(i) + R"(, "Mine": "r)" + std::to_string(i) +
                 R"(", "Keywords": ["k)" + std::to_string(i) + R"("]})";
        break;
      case 3:  // growing records: the buffers grow and keep working
        record = R"({"CommandLine": ")" + big.substr(0, 100 + i * 5) + R"("})";
        break;
      case 4:
        record = "{\"EventID\": \"bad\xff\"}";
        break;
    }
    const Status s = reader.read(record, InputFormat::kAuto, ev);
    View v(table, ev);
    switch (kind) {
      case 0:
        ASSERT_TRUE(s.ok());
        EXPECT_EQ(v.str("TargetUserName"), "str:mleroy");
        EXPECT_EQ(v.str("Status"), "absent");
        EXPECT_EQ(ev.time_ms, ts("2026-03-14T00:14:02.532Z"));
        break;
      case 1:
        ASSERT_TRUE(s.ok());
        EXPECT_EQ(v.str("TargetUserName"), "str:administrateur");
        EXPECT_EQ(v.str("Status"), "str:0xc000006d");
        EXPECT_EQ(v.str("Correlation_ActivityID"), "absent");
        EXPECT_EQ(v.extra("Mine"), std::nullopt);
        break;
      case 2:
        ASSERT_TRUE(s.ok());
        EXPECT_EQ(v.str("EventID"), "int:" + std::to_string(i) + "/" + std::to_string(i));
        EXPECT_EQ(v.str("Keywords"), "list:[str:k" + std::to_string(i) + "]");
        EXPECT_EQ(v.str("TargetUserName"), "absent");
        EXPECT_EQ(v.str("Channel"), "absent");
        EXPECT_EQ(v.extra("Mine"), "str:r" + std::to_string(i));
        EXPECT_EQ(v.extra("agent.name"), std::nullopt);
        EXPECT_EQ(ev.extras().size(), 1u);
        EXPECT_EQ(ev.time_ms, Event::kNoTime);
        break;
      case 3:
        ASSERT_TRUE(s.ok());
        EXPECT_EQ(v.get("CommandLine")->text.size(), static_cast<std::size_t>(100 + i * 5));
        EXPECT_EQ(ev.present().size(), 1u);
        break;
      case 4:
        EXPECT_EQ(s.code(), "invalid-utf8");
        EXPECT_TRUE(ev.present().empty());
        break;
    }
  }
}

// Objects that hold no interned field are skipped unread; interning a nested name later makes the
// reader walk into its objects again (the table may grow between reads).
TEST(JsonReaderSkipTest, NestedObjectsFollowTheFieldTable) {
  FieldTable table;
  table.intern("TargetUserName");
  JsonReader reader(table);
  Event ev;
  const std::string flat =
      R"({"agent": {"name": "DC01", "id": {"x": 1}}, "host": {"os": {"name": "Windows"}},)"
      R"( "TargetUserName": "mleroy"})";
  const std::string beat =
      R"({"agent": {"name": "DC01"}, "host": {"os": {"name": "Windows"}}, "winlog": {)"
      R"("event_id": 4624, "event_data": {"TargetUserName": "mleroy"}}})";
  ASSERT_TRUE(reader.read(flat, InputFormat::kFlat, ev).ok());
  EXPECT_EQ(View(table, ev).str("TargetUserName"), "str:mleroy");
  ASSERT_TRUE(reader.read(beat, InputFormat::kWinlogbeat, ev).ok());
  EXPECT_EQ(View(table, ev).str("TargetUserName"), "str:mleroy");
  EXPECT_EQ(View(table, ev).str("EventID"), "int:4624/4624");

  table.intern("host.os.name");
  for (const auto& [record, format] :
       {std::pair{flat, InputFormat::kFlat}, std::pair{beat, InputFormat::kWinlogbeat}}) {
    ASSERT_TRUE(reader.read(record, format, ev).ok());
    const View v(table, ev);
    EXPECT_EQ(v.str("host.os.name"), "str:Windows") << to_string(format);
    EXPECT_EQ(v.str("TargetUserName"), "str:mleroy") << to_string(format);
    EXPECT_EQ(ev.present().size(), format == InputFormat::kFlat ? 2u : 3u);
  }
}

// An object whose key has spaces is walked when an interned name lives under its space-free
// spelling: "Threat Info": {"Name": ...} answers to ThreatInfo.Name, as a leaf key would.
TEST(JsonReaderSkipTest, ObjectKeysWithSpacesFollowTheirAlias) {
  FieldTable table;
  table.intern("ThreatInfo.Name");
  JsonReader reader(table);
  Event ev;
  ASSERT_TRUE(reader
                  .read(R"({"Threat Info": {"Name": "Emotet"}, "Other Info": {"Name": "x"}})",
                        InputFormat::kFlat, ev)
                  .ok());
  EXPECT_EQ(View(table, ev).str("ThreatInfo.Name"), "str:Emotet");
  EXPECT_EQ(ev.present().size(), 1u);
}

TEST(JsonReaderReuseTest, RecordBufferIsACopy) {
  // The caller's line buffer may be overwritten right after read(): values must not point into it.
  const FieldTable table = make_table();
  JsonReader reader(table);
  Event ev;
  std::string line = R"({"TargetUserName": "mleroy", "EventID": 4624})";
  ASSERT_TRUE(reader.read(line, InputFormat::kFlat, ev).ok());
  std::fill(line.begin(), line.end(), '#');
  View v(table, ev);
  EXPECT_EQ(v.str("TargetUserName"), "str:mleroy");
  EXPECT_EQ(v.str("EventID"), "int:4624/4624");
}

// --- committed samples and the shared format examples -----------------------------------------

std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

TEST(JsonReaderSamplesTest, ThreeShapesOfTheSameEventsAgree) {
  const std::string dir = std::string(VIGIE_SOURCE_DIR) + "/plugins/ad/samples/";
  const auto evtx = read_lines(dir + "security_evtx_dump.jsonl");
  const auto beat = read_lines(dir + "security_winlogbeat.ndjson");
  const auto flat = read_lines(dir + "security_flat.ndjson");
  ASSERT_GE(evtx.size(), 10u);
  ASSERT_GE(beat.size(), 10u);
  ASSERT_GE(flat.size(), 10u);
  const FieldTable table = make_table();
  JsonReader reader(table);
  Event ev;
  struct Seen {
    std::string event_id, computer, user, channel, command_line;
    std::int64_t time;
  };
  auto decode = [&](const std::string& line, InputFormat expect_shape) {
    const Status s = reader.read(line, InputFormat::kAuto, ev);
    EXPECT_TRUE(s.ok()) << s.to_string();
    EXPECT_EQ(reader.last_format(), expect_shape);
    View v(table, ev);
    auto text = [&](std::string_view name) {
      const Value* value = v.get(name);
      return value == nullptr ? std::string("absent") : std::string(value->text);
    };
    EXPECT_NE(ev.time_ms, Event::kNoTime);
    return Seen{text("EventID"), text("Computer"),    text("TargetUserName"),
                text("Channel"), text("CommandLine"), ev.time_ms};
  };
  // The flat and Winlogbeat samples hold the same events as the evtx one (which has one more).
  for (std::size_t i = 0; i < flat.size(); ++i) {
    const Seen e = decode(evtx[i], InputFormat::kEvtxJson);
    const Seen b = decode(beat[i], InputFormat::kWinlogbeat);
    const Seen f = decode(flat[i], InputFormat::kFlat);
    for (const Seen* other : {&b, &f}) {
      EXPECT_EQ(e.event_id, other->event_id) << "line " << i + 1;
      EXPECT_EQ(e.computer, other->computer) << "line " << i + 1;
      EXPECT_EQ(e.user, other->user) << "line " << i + 1;
      EXPECT_EQ(e.channel, other->channel) << "line " << i + 1;
      EXPECT_EQ(e.command_line, other->command_line) << "line " << i + 1;
      EXPECT_EQ(e.time, other->time) << "line " << i + 1;
    }
    EXPECT_NE(e.event_id, "absent");
  }
  for (std::size_t i = flat.size(); i < evtx.size(); ++i) decode(evtx[i], InputFormat::kEvtxJson);
}

TEST(JsonReaderSamplesTest, SharedFormatExamplesDecode) {
  struct File {
    std::string name;
    InputFormat shape;
  };
  const File files[] = {{"windows_winlogbeat_raw.ndjson", InputFormat::kWinlogbeat},
                        {"windows_nxlog_im_msvistalog.ndjson", InputFormat::kFlat}};
  const FieldTable table = make_table();
  JsonReader reader(table);
  Event ev;
  for (const File& f : files) {
    const auto lines = read_lines(std::string(VIGIE_SHARED_DIR) + "/formats/" + f.name);
    if (lines.empty()) GTEST_SKIP() << "shared formats not available";
    for (const std::string& line : lines) {
      const Status s = reader.read(line, InputFormat::kAuto, ev);
      ASSERT_TRUE(s.ok()) << f.name << ": " << s.to_string();
      EXPECT_EQ(reader.last_format(), f.shape) << f.name;
      EXPECT_NE(ev.get(FieldTable::kEventID), nullptr) << f.name;
      EXPECT_NE(ev.get(FieldTable::kChannel), nullptr) << f.name;
    }
  }
}

}  // namespace
}  // namespace vigie::event
