// The ad plugin: every Windows collector format gives the same event with Sigma's field names.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "common/timestamp.h"
#include "decode/decoder.h"
#include "decode/fields.h"
#include "ingest/zone.h"
#include "tests/unit/support/decoder_fixture.h"
#include "tests/unit/support/pretty_json.h"

namespace vigie {
namespace {

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) lines.push_back(l);
  }
  return lines;
}

std::string shared_formats(const std::string& name) {
  return std::string(VIGIE_SHARED_DIR) + "/formats/" + name;
}

// Decoders of the ad formats; TargetUserName is read back, so it is interned too.
class AdTest : public test::DecoderFixture {
 protected:
  AdTest() : DecoderFixture(decode::Family::kAd) { fields_.intern("TargetUserName"); }
};

TEST_F(AdTest, RegistersItsFormatsWithTheWindowsLogsource) {
  std::vector<std::string> names;
  for (const decode::Plugin& p : decode::builtin_plugins().plugins()) {
    if (p.family != decode::Family::kAd) continue;
    for (const decode::Format& f : p.formats) {
      names.emplace_back(f.info.name);
      EXPECT_EQ(f.info.logsource.product, "windows");
      EXPECT_FALSE(f.info.fields.empty());
    }
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"winlogbeat", "evtx-json", "nxlog", "wef-xml", "flat"}));
}

// The two shared samples hold the same 23 events, as Winlogbeat and as NXLog ship them.
TEST_F(AdTest, NxlogAndWinlogbeatGiveTheSameEvent) {
  auto beat = make("winlogbeat");
  auto nx = make("nxlog");
  const auto beat_lines = read_lines(shared_formats("windows_winlogbeat_raw.ndjson"));
  const auto nx_lines = read_lines(shared_formats("windows_nxlog_im_msvistalog.ndjson"));
  ASSERT_EQ(beat_lines.size(), nx_lines.size());
  ASSERT_GE(beat_lines.size(), 20u);
  event::Event a, b;
  for (std::size_t i = 0; i < beat_lines.size(); ++i) {
    ASSERT_TRUE(beat->decode(beat_lines[i], {}, a).ok()) << "winlogbeat line " << i + 1;
    ASSERT_TRUE(nx->decode(nx_lines[i], {}, b).ok()) << "nxlog line " << i + 1;
    for (const char* f : {"EventID", "Channel", "Computer", "Provider_Name", "TargetUserName"}) {
      EXPECT_EQ(text(a, f), text(b, f)) << f << " line " << i + 1;
    }
    // NXLog's EventTime is local Paris time to the second; Winlogbeat's is UTC to the ms.
    EXPECT_EQ(b.time_ms, a.time_ms - a.time_ms % 1000) << "line " << i + 1;
    EXPECT_EQ(text(b, "TimeCreated_SystemTime"), format_timestamp_ms(b.time_ms));
  }
}

// The common core (event.action, event.outcome, user.*, source.*) of the shared samples, the same
// from Winlogbeat and from NXLog.
TEST_F(AdTest, CommonCoreFieldsOfTheSamples) {
  for (const char* f : {"event.action", "event.outcome", "user.name", "user.domain", "source.ip",
                        "source.host", "host.name"}) {
    fields_.intern(f);
  }
  auto beat = make("winlogbeat");
  auto nx = make("nxlog");
  const auto beat_lines = read_lines(shared_formats("windows_winlogbeat_raw.ndjson"));
  const auto nx_lines = read_lines(shared_formats("windows_nxlog_im_msvistalog.ndjson"));
  struct Expected {
    std::size_t line;
    const char* action;
    const char* outcome;
    const char* user;
    const char* source_ip;
  };
  const Expected expected[] = {
      {1, "kerberos-preauth", "failure", "mleroy", "10.212.134.21"},  // ::ffff: dropped
      {2, "ntlm-validation", "failure", "ssimon", "<absent>"},        // Status 0xc000006a
      {3, "logon", "failure", "mleroy", "10.212.134.21"},
      {4, "account-locked-out", "success", "ssimon", "<absent>"},
      {5, "logon", "success", "mleroy", "10.212.134.21"},
      {6, "kerberos-service-ticket-request", "success", "mleroy@GHT-EXEMPLE.LOCAL",
       "10.212.134.21"},
      {8, "explicit-credential-logon", "success", "mleroy", "<absent>"},  // the actor
      {13, "group-member-added", "success", "svc_sqlpacs", "<absent>"},
      {21, "process-created", "success", "svc_sqlpacs", "<absent>"},
      {22, "audit-log-cleared", "success", "svc_sqlpacs", "<absent>"},  // UserData
  };
  event::Event a, b;
  for (const Expected& x : expected) {
    ASSERT_TRUE(beat->decode(beat_lines[x.line - 1], {}, a).ok());
    ASSERT_TRUE(nx->decode(nx_lines[x.line - 1], {}, b).ok());
    for (const event::Event* e : {&a, &b}) {
      EXPECT_EQ(text(*e, "event.action"), x.action) << "line " << x.line;
      EXPECT_EQ(text(*e, "event.outcome"), x.outcome) << "line " << x.line;
      EXPECT_EQ(text(*e, "user.name"), x.user) << "line " << x.line;
      EXPECT_EQ(text(*e, "source.ip"), x.source_ip) << "line " << x.line;
    }
  }
  // 4740 names the caller computer where other events name the domain.
  ASSERT_TRUE(beat->decode(beat_lines[3], {}, a).ok());
  EXPECT_EQ(text(a, "user.domain"), "<absent>");
  EXPECT_NE(text(a, "source.host"), "<absent>");
}

TEST_F(AdTest, NxlogLocalTimeFollowsTheConfiguredZone) {
  auto paris = make("nxlog");
  event::Event e;
  // Summer (CEST, +2) and winter (CET, +1).
  ASSERT_TRUE(paris->decode(R"({"EventTime":"2026-07-01 12:00:00","EventID":4624})", {}, e).ok());
  EXPECT_EQ(format_timestamp_ms(e.time_ms), "2026-07-01T10:00:00.000Z");
  ASSERT_TRUE(paris->decode(R"({"EventTime":"2026-01-15 12:00:00","EventID":4624})", {}, e).ok());
  EXPECT_EQ(format_timestamp_ms(e.time_ms), "2026-01-15T11:00:00.000Z");
  // An explicit offset wins over the zone.
  ASSERT_TRUE(
      paris->decode(R"({"EventTime":"2026-07-01T12:00:00+00:00","EventID":4624})", {}, e).ok());
  EXPECT_EQ(format_timestamp_ms(e.time_ms), "2026-07-01T12:00:00.000Z");
  auto utc = make("nxlog", "UTC");
  ASSERT_TRUE(utc->decode(R"({"EventTime":"2026-07-01 12:00:00","EventID":4624})", {}, e).ok());
  EXPECT_EQ(format_timestamp_ms(e.time_ms), "2026-07-01T12:00:00.000Z");
}

TEST_F(AdTest, NxlogRejectsAnEventTimeThatIsNoTime) {
  auto nx = make("nxlog");
  event::Event e;
  Status s = nx->decode(R"({"EventTime":"yesterday","EventID":4624})", {}, e);
  EXPECT_EQ(s.code(), "bad-time");
  EXPECT_EQ(s.message().find("yesterday"), std::string::npos) << "values never in messages";
}

TEST_F(AdTest, SniffTellsTheFormatsApart) {
  const decode::Registry& r = decode::builtin_plugins();
  auto sniffed = [&](const std::string& line) {
    const decode::Format* f = r.sniff(decode::Family::kAd, line);
    return f == nullptr ? std::string("none") : std::string(f->info.name);
  };
  for (const auto& l : read_lines(shared_formats("windows_winlogbeat_raw.ndjson")))
    EXPECT_EQ(sniffed(l), "winlogbeat");
  for (const auto& l : read_lines(shared_formats("windows_nxlog_im_msvistalog.ndjson")))
    EXPECT_EQ(sniffed(l), "nxlog");
  for (const auto& l :
       read_lines(std::string(VIGIE_SOURCE_DIR) + "/plugins/ad/samples/security_evtx_dump.jsonl"))
    EXPECT_EQ(sniffed(l), "evtx-json");
  EXPECT_EQ(sniffed(R"({"EventID": 4624, "TargetUserName": "x"})"), "flat");
  // Text that looks like a key inside a string value does not make a record Winlogbeat.
  EXPECT_EQ(sniffed(R"({"message": "seen \"winlog\": {\"x\": 1}", "EventID": 1})"), "flat");
  EXPECT_EQ(sniffed(R"({"winlog": "a string, not the beat's object"})"), "flat");
  EXPECT_EQ(sniffed("<14>Mar 14 01:04:30 host msg"), "none");
  EXPECT_EQ(sniffed(""), "none");
}

// Pretty-printed records (json.dumps(indent=2), `evtx_dump -o json`), as the JSON framing gives
// them from a file: the same format sniffed, and the same event, as the record on one line, with
// LF or CRLF line ends (a key and the "{" of its value on two lines too).
TEST_F(AdTest, PrettyPrintedRecordsAreSniffedAndDecodedAsTheirLines) {
  const decode::Registry& r = decode::builtin_plugins();
  const auto json = [this](const event::Event& e) {
    std::string out;
    decode::append_event_json(out, e, fields_);
    return out;
  };
  const std::string evtx =
      std::string(VIGIE_SOURCE_DIR) + "/plugins/ad/samples/security_evtx_dump.jsonl";
  for (const auto& [format, file] :
       {std::pair<std::string_view, std::string>{"winlogbeat",
                                                 shared_formats("windows_winlogbeat_raw.ndjson")},
        {"nxlog", shared_formats("windows_nxlog_im_msvistalog.ndjson")},
        {"evtx-json", evtx}}) {
    auto d = make(format);
    for (const std::string& line : read_lines(file)) {
      event::Event one_line, spread;
      ASSERT_TRUE(d->decode(line, {}, one_line).ok()) << format;
      const std::string want = json(one_line);  // before the next decode()
      for (std::string_view eol : {"\n", "\r\n"}) {
        const std::string p = test::pretty_json(line, eol);
        const decode::Format* f = r.sniff(decode::Family::kAd, p);
        ASSERT_NE(f, nullptr);
        EXPECT_EQ(f->info.name, format);
        ASSERT_TRUE(d->decode(p, {}, spread).ok()) << format;
        EXPECT_EQ(json(spread), want) << format;
      }
    }
  }
  const decode::Format* f =
      r.sniff(decode::Family::kAd, "{\n  \"winlog\"\n  :\n  {\n    \"event_id\": 4624\n  }\n}");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->info.name, "winlogbeat");
}

TEST_F(AdTest, BadRecordsAreRejectedWithAReason) {
  for (std::string_view format : {"winlogbeat", "evtx-json", "nxlog", "flat"}) {
    auto d = make(format);
    event::Event e;
    for (std::string_view bad :
         {std::string_view(R"({"EventID": 4624, "TargetUserName": "trunc)"),
          std::string_view("[1,2"), std::string_view("\xff\xfe{}"), std::string_view("")}) {
      Status s = d->decode(bad, {}, e);
      EXPECT_FALSE(s.ok()) << format;
      EXPECT_FALSE(s.code().empty());
    }
  }
}

}  // namespace
}  // namespace vigie
