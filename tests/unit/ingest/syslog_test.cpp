#include "ingest/syslog.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest_test_support.h"

namespace vigie::ingest {
namespace {

using testing::ms;
using testing::paris;

constexpr std::string_view kBom = "\xEF\xBB\xBF";

SyslogTimeContext paris_at(std::string_view reference) {
  return SyslogTimeContext{&paris(), ms(reference)};
}

// True when `part` is empty or lies inside `whole`: every view must point into the input.
bool inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

void expect_views_inside(const SyslogMessage& m, std::string_view line) {
  for (std::string_view v : {m.timestamp, m.hostname, m.app_name, m.procid, m.msgid,
                             m.structured_data, m.content, m.msg}) {
    EXPECT_TRUE(inside(v, line)) << v;
  }
  for (const SdElement& e : m.sd_elements) {
    EXPECT_TRUE(inside(e.id, line));
    EXPECT_LE(e.first_param + e.param_count, m.sd_params.size());
  }
  for (const SdParam& p : m.sd_params) {
    EXPECT_TRUE(inside(p.name, line));
    EXPECT_TRUE(inside(p.value, line));
  }
}

// ---- RFC 5424 §6.5, the four examples -----------------------------------------------------------

TEST(Rfc5424, Example1NoStructuredData) {
  const std::string line = "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - " +
                           std::string(kBom) + "'su root' failed for lonvick on /dev/pts/8";
  EXPECT_EQ(sniff_syslog(line), SyslogFormat::kRfc5424);
  SyslogMessage m;
  ASSERT_EQ(parse_syslog(line, {}, m), SyslogError::kOk);
  EXPECT_EQ(m.format, SyslogFormat::kRfc5424);
  EXPECT_EQ(m.pri, 34);
  EXPECT_EQ(m.facility(), 4);
  EXPECT_EQ(m.severity(), 2);
  EXPECT_EQ(m.version, 1);
  EXPECT_EQ(m.timestamp, "2003-10-11T22:14:15.003Z");
  EXPECT_EQ(m.time_source, TimeSource::kOffset);
  EXPECT_EQ(m.time_ms, 1065910455003);
  EXPECT_EQ(m.hostname, "mymachine.example.com");
  EXPECT_EQ(m.app_name, "su");
  EXPECT_EQ(m.procid, "");
  EXPECT_EQ(m.msgid, "ID47");
  EXPECT_EQ(m.structured_data, "");
  EXPECT_TRUE(m.sd_elements.empty());
  EXPECT_TRUE(m.msg_has_bom);
  EXPECT_EQ(m.msg, "'su root' failed for lonvick on /dev/pts/8");
  EXPECT_EQ(m.content, m.msg);
  expect_views_inside(m, line);
}

TEST(Rfc5424, Example2NoBomMicroseconds) {
  const std::string_view line =
      "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make "
      "the do-nuts.";
  SyslogMessage m;
  ASSERT_EQ(parse_syslog(line, {}, m), SyslogError::kOk);
  EXPECT_EQ(m.pri, 165);
  EXPECT_EQ(m.facility(), 20);
  EXPECT_EQ(m.severity(), 5);
  EXPECT_EQ(m.time_ms, 1061727255000);  // .000003 truncated to the millisecond
  EXPECT_EQ(m.hostname, "192.0.2.1");
  EXPECT_EQ(m.app_name, "myproc");
  EXPECT_EQ(m.procid, "8710");
  EXPECT_EQ(m.msgid, "");
  EXPECT_FALSE(m.msg_has_bom);
  EXPECT_EQ(m.msg, "%% It's time to make the do-nuts.");
}

TEST(Rfc5424, Example3StructuredData) {
  const std::string line =
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
      "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] " +
      std::string(kBom) + "An application event log entry...";
  SyslogMessage m;
  ASSERT_EQ(parse_syslog(line, {}, m), SyslogError::kOk);
  EXPECT_EQ(m.app_name, "evntslog");
  EXPECT_EQ(m.structured_data,
            "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]");
  ASSERT_EQ(m.sd_elements.size(), 1u);
  EXPECT_EQ(m.sd_elements[0].id, "exampleSDID@32473");
  const auto params = m.params(m.sd_elements[0]);
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(params[0].name, "iut");
  EXPECT_EQ(params[0].value, "3");
  EXPECT_EQ(params[1].name, "eventSource");
  EXPECT_EQ(params[1].value, "Application");
  EXPECT_EQ(params[2].name, "eventID");
  EXPECT_EQ(params[2].value, "1011");
  EXPECT_TRUE(m.msg_has_bom);
  EXPECT_EQ(m.msg, "An application event log entry...");
  expect_views_inside(m, line);
}

TEST(Rfc5424, Example4StructuredDataOnly) {
  const std::string_view line =
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
      "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
      "[examplePriority@32473 class=\"high\"]";
  SyslogMessage m;
  ASSERT_EQ(parse_syslog(line, {}, m), SyslogError::kOk);
  ASSERT_EQ(m.sd_elements.size(), 2u);
  EXPECT_EQ(m.sd_elements[1].id, "examplePriority@32473");
  const SdElement* prio = m.find_sd_element("examplePriority@32473");
  ASSERT_NE(prio, nullptr);
  ASSERT_EQ(m.params(*prio).size(), 1u);
  EXPECT_EQ(m.params(*prio)[0].name, "class");
  EXPECT_EQ(m.params(*prio)[0].value, "high");
  EXPECT_EQ(m.find_sd_element("origin"), nullptr);
  EXPECT_EQ(m.msg, "");
  EXPECT_FALSE(m.msg_has_bom);
  expect_views_inside(m, line);
}

// RFC 5424 §6.2.3.1 timestamps (the fifth, 9 fraction digits, is invalid in the RFC: accepted
// here and truncated, see docs/sources.md).
TEST(Rfc5424, Timestamps) {
  struct Case {
    const char* stamp;
    const char* utc;
  };
  for (const Case& c : {Case{"1985-04-12T23:20:50.52Z", "1985-04-12T23:20:50.520Z"},
                        Case{"1985-04-12T19:20:50.52-04:00", "1985-04-12T23:20:50.520Z"},
                        Case{"2003-10-11T22:14:15.003Z", "2003-10-11T22:14:15.003Z"},
                        Case{"2003-08-24T05:14:15.000003-07:00", "2003-08-24T12:14:15Z"},
                        Case{"2003-08-24T05:14:15.000000003-07:00", "2003-08-24T12:14:15Z"}}) {
    const std::string line = std::string("<13>1 ") + c.stamp + " h a p m -";
    SyslogMessage m;
    ASSERT_EQ(parse_rfc5424(line, {}, m), SyslogError::kOk) << c.stamp;
    EXPECT_EQ(m.time_ms, ms(c.utc)) << c.stamp;
    EXPECT_EQ(m.time_source, TimeSource::kOffset);
  }
}

TEST(Rfc5424, NilValuesEverywhere) {
  SyslogMessage m;
  ASSERT_EQ(parse_rfc5424("<0>1 - - - - - -", {}, m), SyslogError::kOk);
  EXPECT_EQ(m.pri, 0);
  EXPECT_FALSE(m.has_time());
  EXPECT_EQ(m.timestamp, "");
  EXPECT_EQ(m.hostname, "");
  EXPECT_EQ(m.app_name, "");
  EXPECT_EQ(m.procid, "");
  EXPECT_EQ(m.msgid, "");
  EXPECT_EQ(m.structured_data, "");
  EXPECT_EQ(m.msg, "");
  ASSERT_EQ(parse_rfc5424("<191>1 - - - - - - ", {}, m), SyslogError::kOk);
  EXPECT_EQ(m.pri, 191);
  EXPECT_EQ(m.msg, "");
}

TEST(Rfc5424, EscapesInParamValues) {
  // §6.3.3: '"', '\' and ']' are escaped; a backslash before anything else stays a backslash.
  const std::string_view line =
      R"(<13>1 - - - - - [id@1 q="a\"b" bs="c\\d" br="e\]f" other="g\h" end="i\\" raw="j]k"] m)";
  SyslogMessage m;
  ASSERT_EQ(parse_rfc5424(line, {}, m), SyslogError::kOk);
  ASSERT_EQ(m.sd_params.size(), 6u);
  std::string scratch;
  EXPECT_EQ(m.sd_params[0].value, R"(a\"b)");
  EXPECT_EQ(sd_param_value(m.sd_params[0].value, scratch), R"(a"b)");
  EXPECT_EQ(sd_param_value(m.sd_params[1].value, scratch), R"(c\d)");
  EXPECT_EQ(sd_param_value(m.sd_params[2].value, scratch), "e]f");
  EXPECT_EQ(sd_param_value(m.sd_params[3].value, scratch), R"(g\h)");
  EXPECT_EQ(sd_param_value(m.sd_params[4].value, scratch), R"(i\)");
  EXPECT_EQ(sd_param_value(m.sd_params[5].value, scratch), "j]k");  // unescaped ']' tolerated
  // Without a backslash the value itself comes back: no copy.
  EXPECT_EQ(sd_param_value(m.sd_params[5].value, scratch).data(), m.sd_params[5].value.data());
  EXPECT_EQ(m.msg, "m");
}

TEST(Rfc5424, StructuredDataEdges) {
  SyslogMessage m;
  // An element without params, UTF-8 in a value, an empty value.
  ASSERT_EQ(parse_rfc5424("<13>1 - - - - - [a][b x=\"\" y=\"é\"] msg", {}, m), SyslogError::kOk);
  ASSERT_EQ(m.sd_elements.size(), 2u);
  EXPECT_EQ(m.sd_elements[0].param_count, 0u);
  EXPECT_EQ(m.params(m.sd_elements[1])[0].value, "");
  EXPECT_EQ(m.params(m.sd_elements[1])[1].value, "é");
  // RFC 5424 §6.3.5 example 3: a space after the first element ends STRUCTURED-DATA; the second
  // "element" is the start of MSG.
  ASSERT_EQ(parse_rfc5424("<13>1 - - - - - [exampleSDID@32473 iut=\"3\"] "
                          "[examplePriority@32473 class=\"high\"]",
                          {}, m),
            SyslogError::kOk);
  EXPECT_EQ(m.sd_elements.size(), 1u);
  EXPECT_EQ(m.msg, "[examplePriority@32473 class=\"high\"]");
  // The same SD-ID twice is kept twice; find_sd_element() gives the first.
  ASSERT_EQ(parse_rfc5424("<13>1 - - - - - [a x=\"1\"][a x=\"2\"]", {}, m), SyslogError::kOk);
  ASSERT_EQ(m.sd_elements.size(), 2u);
  EXPECT_EQ(m.params(*m.find_sd_element("a"))[0].value, "1");
  // A param name may repeat (§6.3.3).
  ASSERT_EQ(parse_rfc5424("<13>1 - - - - - [a x=\"1\" x=\"2\"]", {}, m), SyslogError::kOk);
  EXPECT_EQ(m.sd_params.size(), 2u);
}

TEST(Rfc5424, LocalTimestampUsesTheZone) {
  SyslogMessage m;
  ASSERT_EQ(
      parse_rfc5424("<13>1 2024-10-27T02:30:00 h a - - -", paris_at("2024-10-27T12:00:00Z"), m),
      SyslogError::kOk);
  EXPECT_EQ(m.time_source, TimeSource::kLocal);
  EXPECT_EQ(m.local_time_kind, LocalTimeKind::kOverlap);
  EXPECT_EQ(m.time_ms, ms("2024-10-27T00:30:00Z"));
  // No zone in the context: UTC.
  ASSERT_EQ(parse_rfc5424("<13>1 2024-10-27T02:30:00 h a - - -", {}, m), SyslogError::kOk);
  EXPECT_EQ(m.time_ms, ms("2024-10-27T02:30:00Z"));
}

TEST(Rfc5424, LengthLimitsAreInclusive) {
  SyslogMessage m;
  const std::string ok = "<13>1 - " + std::string(255, 'h') + " " + std::string(48, 'a') + " " +
                         std::string(128, 'p') + " " + std::string(32, 'm') + " [" +
                         std::string(32, 'i') + " " + std::string(32, 'n') + "=\"v\"]";
  ASSERT_EQ(parse_rfc5424(ok, {}, m), SyslogError::kOk);
  EXPECT_EQ(m.hostname.size(), 255u);
  EXPECT_EQ(m.sd_elements[0].id.size(), 32u);
}

TEST(Rfc5424, StructuredDataBounds) {
  std::string many_elements = "<13>1 - - - - - ";
  for (std::size_t i = 0; i < kMaxSdElements; ++i) many_elements += "[e" + std::to_string(i) + "]";
  SyslogMessage m;
  ASSERT_EQ(parse_rfc5424(many_elements, {}, m), SyslogError::kOk);
  EXPECT_EQ(m.sd_elements.size(), kMaxSdElements);
  EXPECT_EQ(parse_rfc5424(many_elements + "[one_more]", {}, m), SyslogError::kSdTooLarge);

  std::string many_params = "<13>1 - - - - - [e";
  for (std::size_t i = 0; i < kMaxSdParams; ++i) many_params += " p=\"1\"";
  EXPECT_EQ(parse_rfc5424(many_params + "]", {}, m), SyslogError::kOk);
  EXPECT_EQ(parse_rfc5424(many_params + " p=\"1\"]", {}, m), SyslogError::kSdTooLarge);
}

// ---- One malformed line per error code ----------------------------------------------------------

enum class Parser { kAuto, kRfc5424 };

struct Malformed {
  const char* what;
  std::string line;
  SyslogError error;
  std::size_t error_at;
  // parse_syslog(), or parse_rfc5424() for lines whose broken VERSION makes sniff_syslog() see
  // RFC 3164 (which would accept them as a PRI and content).
  Parser parser = Parser::kAuto;
};

const std::vector<Malformed>& malformed_lines() {
  static const std::vector<Malformed> kCases = {
      {"empty line", "", SyslogError::kEmpty, 0},
      {"not syslog", "id=firewall time=\"2026-03-14 01:02:50\"", SyslogError::kNotSyslog, 0},
      {"PRI over 191", "<192>1 - - - - - -", SyslogError::kBadPri, 0},
      {"PRI 4 digits", "<1000>Mar 14 01:02:03 h m", SyslogError::kBadPri, 0},
      {"PRI leading zero", "<013>1 - - - - - -", SyslogError::kBadPri, 0},
      {"PRI not closed", "<13 Mar 14 01:02:03 h m", SyslogError::kBadPri, 0},
      {"PRI letters", "<1x>Mar 14 01:02:03 h m", SyslogError::kBadPri, 0},
      {"version 0", "<13>0 - - - - - -", SyslogError::kBadVersion, 4, Parser::kRfc5424},
      {"version not SP-terminated", "<13>1x - - - - - -", SyslogError::kBadVersion, 4,
       Parser::kRfc5424},
      {"version 2", "<13>2 - - - - - -", SyslogError::kUnsupportedVersion, 4},
      {"header cut after version", "<13>1", SyslogError::kTruncatedHeader, 5, Parser::kRfc5424},
      {"header cut in hostname", "<13>1 - host", SyslogError::kTruncatedHeader, 8},
      {"header cut before SD", "<13>1 - h a p m ", SyslogError::kTruncatedHeader, 16},
      {"timestamp not a time", "<13>1 yesterday h a p m -", SyslogError::kBadTimestamp, 6},
      {"timestamp date only", "<13>1 2024-03-01 h a p m -", SyslogError::kBadTimestamp, 6},
      {"timestamp month 13", "<13>1 2024-13-01T00:00:00Z h a p m -", SyslogError::kBadTimestamp, 6},
      {"timestamp Feb 30", "<13>1 2024-02-30T00:00:00Z h a p m -", SyslogError::kBadTimestamp, 6},
      {"BSD stamp Feb 30", "<13>Feb 30 01:02:03 host msg", SyslogError::kBadTimestamp, 4},
      {"BSD stamp hour 24", "Mar 14 24:00:00 host msg", SyslogError::kBadTimestamp, 0},
      {"ISO stamp in 3164", "<13>2024-03-01Tnoon host msg", SyslogError::kBadTimestamp, 4},
      {"hostname empty", "<13>1 -  a p m -", SyslogError::kBadHostname, 8},
      {"hostname 256", "<13>1 - " + std::string(256, 'h') + " a p m -", SyslogError::kBadHostname,
       8},
      {"hostname not ASCII", "<13>1 - hôte a p m -", SyslogError::kBadHostname, 8},
      {"BSD hostname control", "<13>Mar 14 01:02:03 ho\x01st msg", SyslogError::kBadHostname, 20},
      {"app-name 49", "<13>1 - h " + std::string(49, 'a') + " p m -", SyslogError::kBadAppName, 10},
      {"procid 129", "<13>1 - h a " + std::string(129, 'p') + " m -", SyslogError::kBadProcId, 12},
      {"msgid 33", "<13>1 - h a p " + std::string(33, 'm') + " -", SyslogError::kBadMsgId, 14},
      {"SD neither - nor [", "<13>1 - h a p m {x}", SyslogError::kBadStructuredData, 16},
      {"SD nil then no SP", "<13>1 - h a p m -msg", SyslogError::kBadStructuredData, 17},
      {"SD element then no SP", "<13>1 - h a p m [a]msg", SyslogError::kBadStructuredData, 19},
      {"SD-ID empty", "<13>1 - h a p m [ x=\"1\"]", SyslogError::kBadSdId, 17},
      {"SD-ID 33", "<13>1 - h a p m [" + std::string(33, 'i') + "]", SyslogError::kBadSdId, 50},
      {"SD-ID with =", "<13>1 - h a p m [a=b]", SyslogError::kBadSdId, 18},
      {"SD param no =", "<13>1 - h a p m [a x]", SyslogError::kBadSdParam, 20},
      {"SD param unquoted", "<13>1 - h a p m [a x=1]", SyslogError::kBadSdParam, 21},
      {"SD param empty name", "<13>1 - h a p m [a =\"1\"]", SyslogError::kBadSdParam, 19},
      {"SD junk after value", "<13>1 - h a p m [a x=\"1\"y]", SyslogError::kBadSdParam, 24},
      {"SD value not closed", "<13>1 - h a p m [a x=\"1]", SyslogError::kUnterminatedSd, 24},
      {"SD escaped last quote", "<13>1 - h a p m [a x=\"1\\\"]", SyslogError::kUnterminatedSd, 26},
      {"SD element not closed", "<13>1 - h a p m [a x=\"1\"", SyslogError::kUnterminatedSd, 24},
      {"SD cut after id", "<13>1 - h a p m [a", SyslogError::kUnterminatedSd, 18},
      {"SD too many elements",
       "<13>1 - h a p m " +
           [] {
             std::string s;
             for (std::size_t i = 0; i <= kMaxSdElements; ++i) s += "[e]";
             return s;
           }(),
       SyslogError::kSdTooLarge, 16 + 3 * kMaxSdElements},
      {"BOM then bad UTF-8", "<13>1 - h a p m - \xEF\xBB\xBF\xC3\x28", SyslogError::kBadUtf8, 18},
  };
  return kCases;
}

class MalformedLine : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedLine, GivesItsErrorCode) {
  const Malformed& c = GetParam();
  SyslogMessage m;
  m.hostname = "stale";
  const SyslogTimeContext ctx = paris_at("2024-06-01T00:00:00Z");
  const SyslogError e =
      c.parser == Parser::kAuto ? parse_syslog(c.line, ctx, m) : parse_rfc5424(c.line, ctx, m);
  EXPECT_EQ(e, c.error) << c.what << ": " << syslog_error_name(e);
  EXPECT_EQ(m.error_at, c.error_at) << c.what;
  EXPECT_EQ(m.format, SyslogFormat::kNone) << c.what;
  EXPECT_EQ(m.hostname, "") << c.what;  // a reject carries no partial event
}

INSTANTIATE_TEST_SUITE_P(Syslog, MalformedLine, ::testing::ValuesIn(malformed_lines()),
                         [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(SyslogError, EveryCodeHasAStableNameAndATest) {
  std::set<std::string_view> names;
  std::set<SyslogError> tested;
  for (const Malformed& c : malformed_lines()) tested.insert(c.error);
  for (int i = 0; i < kSyslogErrorCount; ++i) {
    const auto e = static_cast<SyslogError>(i);
    const std::string_view name = syslog_error_name(e);
    EXPECT_TRUE(name == "ok" || name.starts_with("syslog-")) << name;
    EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name;
    // Header errors are tested above, framing errors in syslog_frame_test.cpp.
    if (e != SyslogError::kOk && !name.starts_with("syslog-frame-")) {
      EXPECT_TRUE(tested.count(e)) << "no malformed line for " << name;
    }
  }
  // The names are an interface (dead letters, metrics, docs/sources.md): pinned one by one.
  const std::vector<std::pair<SyslogError, std::string_view>> pinned = {
      {SyslogError::kOk, "ok"},
      {SyslogError::kEmpty, "syslog-empty"},
      {SyslogError::kNotSyslog, "syslog-not-syslog"},
      {SyslogError::kBadPri, "syslog-bad-pri"},
      {SyslogError::kBadVersion, "syslog-bad-version"},
      {SyslogError::kUnsupportedVersion, "syslog-unsupported-version"},
      {SyslogError::kTruncatedHeader, "syslog-truncated-header"},
      {SyslogError::kBadTimestamp, "syslog-bad-timestamp"},
      {SyslogError::kBadHostname, "syslog-bad-hostname"},
      {SyslogError::kBadAppName, "syslog-bad-app-name"},
      {SyslogError::kBadProcId, "syslog-bad-procid"},
      {SyslogError::kBadMsgId, "syslog-bad-msgid"},
      {SyslogError::kBadStructuredData, "syslog-bad-structured-data"},
      {SyslogError::kBadSdId, "syslog-bad-sd-id"},
      {SyslogError::kBadSdParam, "syslog-bad-sd-param"},
      {SyslogError::kUnterminatedSd, "syslog-unterminated-sd"},
      {SyslogError::kSdTooLarge, "syslog-sd-too-large"},
      {SyslogError::kBadUtf8, "syslog-bad-utf8"},
      {SyslogError::kFrameBadLength, "syslog-frame-bad-length"},
      {SyslogError::kFrameTooLarge, "syslog-frame-too-large"},
      {SyslogError::kFrameTruncated, "syslog-frame-truncated"},
  };
  ASSERT_EQ(pinned.size(), static_cast<std::size_t>(kSyslogErrorCount));
  for (const auto& [error, name] : pinned) EXPECT_EQ(syslog_error_name(error), name);
  EXPECT_EQ(syslog_error_name(static_cast<SyslogError>(200)), "syslog-unknown-error");
}

// ---- Sniffing -----------------------------------------------------------------------------------

TEST(Sniff, Formats) {
  struct Case {
    std::string_view line;
    SyslogFormat format;
  };
  for (const Case& c : {
           Case{"<34>1 2003-10-11T22:14:15.003Z host su - ID47 - msg", SyslogFormat::kRfc5424},
           Case{"<13>1 - - - - - -", SyslogFormat::kRfc5424},
           Case{"<13>10 - - - - - -", SyslogFormat::kRfc5424},  // a (future) version 10
           Case{"<13>2 x", SyslogFormat::kRfc5424},
           Case{"<34>Oct 11 22:14:15 mymachine su: 'su root' failed", SyslogFormat::kRfc3164},
           Case{"<185>date=2026-03-14 time=01:02:11", SyslogFormat::kRfc3164},
           Case{"<166>Mar 14 2026 01:03:05 ASA-GHT-01 : %ASA-6-113005", SyslogFormat::kRfc3164},
           Case{"<999>broken", SyslogFormat::kRfc3164},  // parse says syslog-bad-pri
           Case{"<13>", SyslogFormat::kRfc3164},
           Case{"Mar 14 01:01:58 ovpn-ght01 openvpn[2231]: x", SyslogFormat::kRfc3164},
           Case{"Mar  4 01:01:58 h x", SyslogFormat::kRfc3164},
           Case{"2024-03-01T12:34:56.123+01:00 host tag: x", SyslogFormat::kRfc3164},
           Case{"id=firewall time=\"2026-03-14 01:02:50\"", SyslogFormat::kNone},
           Case{"<?xml version=\"1.0\"?><Event/>", SyslogFormat::kNone},
           Case{"<Event xmlns=\"http://schemas.microsoft.com\">", SyslogFormat::kNone},
           Case{"{\"winlog\":{}}", SyslogFormat::kNone},
           Case{"March 14 01:01:58", SyslogFormat::kNone},
           Case{"MAR 14 01:01:58 h x", SyslogFormat::kNone},
           Case{"2024-03-01 12:34:56 host", SyslogFormat::kNone},
           Case{"", SyslogFormat::kNone},
           Case{"<", SyslogFormat::kNone},
       }) {
    EXPECT_EQ(sniff_syslog(c.line), c.format) << c.line;
  }
  EXPECT_EQ(syslog_format_name(SyslogFormat::kRfc5424), "rfc5424");
  EXPECT_EQ(syslog_format_name(SyslogFormat::kRfc3164), "rfc3164");
  EXPECT_EQ(syslog_format_name(SyslogFormat::kNone), "none");
}

// ---- RFC 3164 and its variants ------------------------------------------------------------------

struct Bsd {
  const char* what;
  std::string_view line;
  const char* reference;  // receive time (UTC)
  int pri;
  const char* utc;  // expected time, or nullptr for none
  TimeSource source;
  std::string_view hostname, tag, pid, msg;
};

const Bsd kBsdCases[] = {
    // RFC 3164 §5.4 examples.
    {"rfc3164 example 1",
     "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
     "2024-10-12T08:00:00Z", 34, "2024-10-11T20:14:15Z", TimeSource::kLocalYearInferred,
     "mymachine", "su", "", "'su root' failed for lonvick on /dev/pts/8"},
    {"rfc3164 example 2", "<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!", "2024-02-05T17:00:00Z", 13,
     "2024-02-05T16:32:18Z", TimeSource::kLocalYearInferred, "10.0.0.99", "", "", "Use the BFG!"},
    {"rfc3164 example 3 (relayed, stamp kept in content)",
     "<165>Aug 24 05:34:00 CST 1987 mymachine myproc[10]: %% It's time to make the do-nuts.  %%",
     "2024-08-24T10:00:00Z", 165, "2024-08-24T03:34:00Z", TimeSource::kLocalYearInferred, "CST", "",
     "", "1987 mymachine myproc[10]: %% It's time to make the do-nuts.  %%"},
    // No PRI (a file written by rsyslog), a tag with pid.
    {"no PRI", "Mar 14 01:01:58 ovpn-ght01 openvpn[2231]: AUTH-PAM: user 'admin' failed",
     "2026-03-14T06:00:00Z", -1, "2026-03-14T00:01:58Z", TimeSource::kLocalYearInferred,
     "ovpn-ght01", "openvpn", "2231", "AUTH-PAM: user 'admin' failed"},
    // Single-digit day written without padding, and with a fraction.
    {"day without pad", "<13>Mar 4 01:01:58.250 h t: m", "2026-03-04T06:00:00Z", 13,
     "2026-03-04T00:01:58.250Z", TimeSource::kLocalYearInferred, "h", "t", "", "m"},
    {"microseconds", "<13>Mar 14 01:01:58.123456 h t: m", "2026-03-14T06:00:00Z", 13,
     "2026-03-14T00:01:58.123Z", TimeSource::kLocalYearInferred, "h", "t", "", "m"},
    // ISO stamps in place of the BSD one (rsyslog RSYSLOG_FileFormat, syslog-ng ISO).
    {"ISO with offset", "<13>2024-03-01T12:34:56.123456+01:00 host tag[9]: x",
     "2030-01-01T00:00:00Z", 13, "2024-03-01T11:34:56.123Z", TimeSource::kOffset, "host", "tag",
     "9", "x"},
    {"ISO without offset", "2024-07-01T12:00:00 host tag: x", "2030-01-01T00:00:00Z", -1,
     "2024-07-01T10:00:00Z", TimeSource::kLocal, "host", "tag", "", "x"},
    // Cisco ASA: year in the stamp, " : %ASA-..." with no tag; without device-id, no host.
    {"ASA", "<166>Mar 14 2026 01:03:05 ASA-GHT-01 : %ASA-6-113005: AAA user authentication",
     "2027-06-01T00:00:00Z", 166, "2026-03-14T00:03:05Z", TimeSource::kLocal, "ASA-GHT-01", "", "",
     "%ASA-6-113005: AAA user authentication"},
    {"ASA without host", "<166>Mar 14 2026 01:03:05: %ASA-6-113005: AAA", "2026-03-14T00:03:05Z",
     166, "2026-03-14T00:03:05Z", TimeSource::kLocal, "", "", "", "%ASA-6-113005: AAA"},
    {"ASA without stamp", "<166>%ASA-6-113005: AAA", "2026-03-14T00:03:05Z", 166, nullptr,
     TimeSource::kNone, "", "%ASA-6-113005", "", "AAA"},
    // /dev/log messages have no host: the token after the stamp is already the tag.
    {"no host", "<13>Mar 14 01:01:58 sshd[42]: Accepted password", "2026-03-14T06:00:00Z", 13,
     "2026-03-14T00:01:58Z", TimeSource::kLocalYearInferred, "", "sshd", "42", "Accepted password"},
    {"no host, no pid", "<13>Mar 14 01:01:58 cron: job", "2026-03-14T06:00:00Z", 13,
     "2026-03-14T00:01:58Z", TimeSource::kLocalYearInferred, "", "cron", "", "job"},
    // Content without a "tag:" prefix is all message (PAN-OS CSV); LEEF reads as tag "LEEF".
    {"no tag", "Mar 14 01:05:11 PA-GHT-01 1,2026/03/14 01:05:11,0132,GLOBALPROTECT",
     "2026-03-14T06:00:00Z", -1, "2026-03-14T00:05:11Z", TimeSource::kLocalYearInferred,
     "PA-GHT-01", "", "", "1,2026/03/14 01:05:11,0132,GLOBALPROTECT"},
    {"LEEF", "<14>Mar 14 01:10:03 PA-GHT-01 LEEF:1.0|Palo Alto Networks|PAN-OS|11.1|gp|",
     "2026-03-14T06:00:00Z", 14, "2026-03-14T00:10:03Z", TimeSource::kLocalYearInferred,
     "PA-GHT-01", "LEEF", "", "1.0|Palo Alto Networks|PAN-OS|11.1|gp|"},
    {"tag with slash", "<22>Mar 14 01:10:03 mx postfix/smtpd[1234]: connect from x",
     "2026-03-14T06:00:00Z", 22, "2026-03-14T00:10:03Z", TimeSource::kLocalYearInferred, "mx",
     "postfix/smtpd", "1234", "connect from x"},
    // PRI and no stamp (RFC 3164 §4.3.2): all content. FortiGate writes its own date= time=.
    {"FortiGate", "<185>date=2026-03-14 time=01:02:11 devname=\"FGT-GHT-01\"",
     "2026-03-14T06:00:00Z", 185, nullptr, TimeSource::kNone, "", "", "",
     "date=2026-03-14 time=01:02:11 devname=\"FGT-GHT-01\""},
    {"stamp then nothing", "<13>Mar 14 01:01:58", "2026-03-14T06:00:00Z", 13,
     "2026-03-14T00:01:58Z", TimeSource::kLocalYearInferred, "", "", "", ""},
    {"stamp and host only", "<13>Mar 14 01:01:58 host", "2026-03-14T06:00:00Z", 13,
     "2026-03-14T00:01:58Z", TimeSource::kLocalYearInferred, "host", "", "", ""},
    {"lenient: plain text", "just a line", "2026-03-14T06:00:00Z", -1, nullptr, TimeSource::kNone,
     "", "", "", "just a line"},
    // DST in a BSD stamp: the gap and the overlap of 2024 in Paris.
    {"BSD stamp in the gap", "<13>Mar 31 02:30:00 h t: m", "2024-03-31T06:00:00Z", 13,
     "2024-03-31T01:30:00Z", TimeSource::kLocalYearInferred, "h", "t", "", "m"},
    {"BSD stamp in the overlap", "<13>Oct 27 02:30:00 h t: m", "2024-10-27T06:00:00Z", 13,
     "2024-10-27T00:30:00Z", TimeSource::kLocalYearInferred, "h", "t", "", "m"},
    // Year rollover at New Year, both ways.
    {"sent in December, received in January", "<13>Dec 31 23:59:59 h t: m",
     "2024-12-31T23:00:05Z" /* 2025-01-01T00:00:05 in Paris */, 13, "2024-12-31T22:59:59Z",
     TimeSource::kLocalYearInferred, "h", "t", "", "m"},
    {"sender's clock ahead across New Year", "<13>Jan  1 00:00:01 h t: m",
     "2024-12-31T22:59:58Z" /* 2024-12-31T23:59:58 in Paris */, 13,
     "2024-12-31T23:00:01Z" /* 2025-01-01T00:00:01 in Paris */, TimeSource::kLocalYearInferred, "h",
     "t", "", "m"},
    {"late replay stays in the reference year", "<13>Jun 30 12:00:00 h t: m",
     "2025-12-15T12:00:00Z", 13, "2025-06-30T10:00:00Z", TimeSource::kLocalYearInferred, "h", "t",
     "", "m"},
    {"a file read in December: its March is that year's, not next year's",
     "<13>Mar 14 01:01:58 h t: m", "2026-12-05T20:33:38Z", 13, "2026-03-14T00:01:58Z",
     TimeSource::kLocalYearInferred, "h", "t", "", "m"},
    {"a day ahead is still this year; more is last year", "<13>Dec  6 20:00:00 h t: m",
     "2026-12-05T20:33:38Z", 13, "2026-12-06T19:00:00Z", TimeSource::kLocalYearInferred, "h", "t",
     "", "m"},
    {"two days ahead is last year", "<13>Dec  8 12:00:00 h t: m", "2026-12-05T20:33:38Z", 13,
     "2025-12-08T11:00:00Z", TimeSource::kLocalYearInferred, "h", "t", "", "m"},
    // Feb 29 without a year: the nearest leap year among the three candidates.
    {"Feb 29 received in 2025", "<13>Feb 29 12:00:00 h t: m", "2025-01-10T00:00:00Z", 13,
     "2024-02-29T11:00:00Z", TimeSource::kLocalYearInferred, "h", "t", "", "m"},
};

class BsdLine : public ::testing::TestWithParam<Bsd> {};

TEST_P(BsdLine, Parses) {
  const Bsd& c = GetParam();
  SyslogMessage m;
  ASSERT_EQ(parse_rfc3164(c.line, paris_at(c.reference), m), SyslogError::kOk) << c.what;
  EXPECT_EQ(m.format, SyslogFormat::kRfc3164);
  EXPECT_EQ(m.pri, c.pri) << c.what;
  EXPECT_EQ(m.time_source, c.source) << c.what;
  if (c.utc != nullptr) {
    EXPECT_EQ(format_timestamp_ms(m.time_ms), format_timestamp_ms(ms(c.utc))) << c.what;
  }
  EXPECT_EQ(m.hostname, c.hostname) << c.what;
  EXPECT_EQ(m.app_name, c.tag) << c.what;
  EXPECT_EQ(m.procid, c.pid) << c.what;
  EXPECT_EQ(m.msg, c.msg) << c.what;
  EXPECT_EQ(m.msgid, "");
  EXPECT_TRUE(m.sd_elements.empty());
  expect_views_inside(m, c.line);
  // parse_syslog() agrees whenever the line is recognisably syslog.
  if (sniff_syslog(c.line) == SyslogFormat::kRfc3164) {
    SyslogMessage auto_m;
    ASSERT_EQ(parse_syslog(c.line, paris_at(c.reference), auto_m), SyslogError::kOk);
    EXPECT_EQ(auto_m.msg, m.msg);
    EXPECT_EQ(auto_m.time_ms, m.time_ms);
  }
}

INSTANTIATE_TEST_SUITE_P(Syslog, BsdLine, ::testing::ValuesIn(kBsdCases),
                         [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(Rfc3164, ContentKeepsTheTag) {
  SyslogMessage m;
  ASSERT_EQ(parse_rfc3164("<14>Mar 14 01:10:03 PA LEEF:1.0|x", {}, m), SyslogError::kOk);
  EXPECT_EQ(m.content, "LEEF:1.0|x");
  EXPECT_EQ(m.msg, "1.0|x");
}

TEST(Rfc3164, DstGapAndOverlapAreReported) {
  SyslogMessage m;
  ASSERT_EQ(parse_rfc3164("<13>Mar 31 02:30:00 h t: m", paris_at("2024-03-31T06:00:00Z"), m),
            SyslogError::kOk);
  EXPECT_EQ(m.local_time_kind, LocalTimeKind::kGap);
  ASSERT_EQ(parse_rfc3164("<13>Oct 27 02:30:00 h t: m", paris_at("2024-10-27T06:00:00Z"), m),
            SyslogError::kOk);
  EXPECT_EQ(m.local_time_kind, LocalTimeKind::kOverlap);
  ASSERT_EQ(parse_rfc3164("<13>Oct 27 03:30:00 h t: m", paris_at("2024-10-27T06:00:00Z"), m),
            SyslogError::kOk);
  EXPECT_EQ(m.local_time_kind, LocalTimeKind::kUnique);
}

TEST(Rfc3164, Feb29WithoutALeapYearNearbyIsBad) {
  SyslogMessage m;
  EXPECT_EQ(parse_rfc3164("<13>Feb 29 12:00:00 h t: m", paris_at("2022-06-01T00:00:00Z"), m),
            SyslogError::kBadTimestamp);
}

// ---- Robustness and allocation ------------------------------------------------------------------

TEST(Syslog, EveryPrefixParsesOrFailsCleanly) {
  const std::vector<std::string> lines = {
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
      "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
      "[examplePriority@32473 class=\"hi\\\"gh\"] \xEF\xBB\xBFmsg",
      "<166>Mar 14 2026 01:03:05 ASA-GHT-01 : %ASA-6-113005: AAA user authentication",
      "<13>Mar 14 01:01:58.123 ovpn-ght01 openvpn[2231]: x",
  };
  SyslogMessage m;
  for (const std::string& line : lines) {
    for (std::size_t n = 0; n <= line.size(); ++n) {
      const std::string prefix = line.substr(0, n);  // its own buffer: ASan sees any overread
      const SyslogError e = parse_syslog(prefix, paris_at("2026-03-14T00:00:00Z"), m);
      if (e == SyslogError::kOk) {
        expect_views_inside(m, prefix);
      } else {
        EXPECT_LE(m.error_at, prefix.size());
      }
    }
  }
}

TEST(SyslogHostname, TheHostOfEitherFormatOrNothing) {
  SyslogMessage m;
  EXPECT_EQ(syslog_hostname("<13>1 2026-03-14T01:02:03Z vpn1.chu-a.local app - - - x", m),
            "vpn1.chu-a.local");
  EXPECT_EQ(syslog_hostname("<13>Mar 14 01:01:58 ovpn-ght01 openvpn[2231]: x", m), "ovpn-ght01");
  EXPECT_EQ(syslog_hostname("Mar 14 01:01:58 ovpn-ght01 openvpn[2231]: x", m), "ovpn-ght01");
  EXPECT_EQ(syslog_hostname("<13>1 2026-03-14T01:02:03Z - app - - - x", m), "");
  EXPECT_EQ(syslog_hostname(R"({"host":{"name":"dc01"}})", m), "");
  EXPECT_EQ(syslog_hostname("", m), "");
  EXPECT_EQ(syslog_hostname("<999>1 broken", m), "");
}

}  // namespace
}  // namespace vigie::ingest
