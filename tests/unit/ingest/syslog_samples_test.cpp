// The syslog lines of the shared sample files (../shared/formats/*.log): each file's lines sniff
// as the format its README names and parse with the expected header fields and UTC times.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "ingest/syslog.h"
#include "ingest_test_support.h"

namespace vigie::ingest {
namespace {

using testing::ms;

// The non-comment lines of a sample file, cut by the frame splitter as a file is read.
std::vector<std::string> sample_lines(const std::string& name) {
  const std::string text = testing::read_file(testing::shared_dir() / "formats" / name);
  EXPECT_FALSE(text.empty()) << "missing sample " << name;
  std::vector<std::string> lines;
  FrameSplitter splitter({Framing::kNonTransparent, 1 << 20});
  std::string_view pending = text;
  for (;;) {
    const FrameSplitter::Step s = splitter.finish(pending);
    pending.remove_prefix(s.consumed);
    if (s.outcome == FrameSplitter::Outcome::kEnd) break;
    EXPECT_EQ(s.outcome, FrameSplitter::Outcome::kFrame) << name;
    if (!s.frame.starts_with('#')) lines.emplace_back(s.frame);
  }
  return lines;
}

// Receive time for year-less stamps: the samples are dated 2026-03-14.
const SyslogTimeContext& context() {
  static const SyslogTimeContext kContext{&testing::paris(), ms("2026-03-14T12:00:00Z")};
  return kContext;
}

TEST(Samples, AtnaRfc5424) {
  const auto lines = sample_lines("ehr_atna_rfc5424_dicom_auditmessage.log");
  ASSERT_EQ(lines.size(), 3u);
  const char* const times[] = {"2026-03-14T01:12:44.118Z", "2026-03-14T01:20:31.440Z",
                               "2026-03-14T01:41:19.007Z"};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    SyslogMessage m;
    ASSERT_EQ(sniff_syslog(lines[i]), SyslogFormat::kRfc5424);
    ASSERT_EQ(parse_syslog(lines[i], context(), m), SyslogError::kOk) << lines[i].substr(0, 80);
    EXPECT_EQ(m.pri, 110);
    EXPECT_EQ(m.facility(), 13);  // log audit
    EXPECT_EQ(m.severity(), 6);
    EXPECT_EQ(m.time_source, TimeSource::kOffset);
    EXPECT_EQ(m.time_ms, ms(times[i]));
    EXPECT_EQ(m.hostname, "dpi-app01.ght-exemple.local");
    EXPECT_EQ(m.app_name, "DPI-WEB");
    EXPECT_EQ(m.procid, "4711");
    EXPECT_EQ(m.msgid, "IHE+RFC-3881");
    EXPECT_TRUE(m.sd_elements.empty());
    EXPECT_TRUE(m.msg.starts_with("<?xml version=\"1.0\""));
    EXPECT_TRUE(m.msg.ends_with("</AuditMessage>"));
  }
}

TEST(Samples, IvantiRfc5424AndWelf) {
  const auto lines = sample_lines("vpn_ivanti_pulse_secure.log");
  ASSERT_EQ(lines.size(), 7u);
  int syslog = 0, welf = 0;
  for (const std::string& line : lines) {
    SyslogMessage m;
    if (line.starts_with("id=firewall")) {
      // WELF lines carry no syslog header: the WELF decoder reads them whole.
      EXPECT_EQ(sniff_syslog(line), SyslogFormat::kNone);
      EXPECT_EQ(parse_syslog(line, context(), m), SyslogError::kNotSyslog);
      ++welf;
      continue;
    }
    ASSERT_EQ(parse_syslog(line, context(), m), SyslogError::kOk) << line;
    EXPECT_EQ(m.format, SyslogFormat::kRfc5424);
    EXPECT_EQ(m.pri, 134);
    EXPECT_EQ(m.hostname, "ics-ght01");
    EXPECT_EQ(m.app_name, "PulseSecure:");  // as the appliance writes it
    EXPECT_EQ(m.procid, "");
    EXPECT_EQ(m.msgid, "");
    EXPECT_TRUE(m.msg.starts_with("2026-03-14 ")) << m.msg;
    ++syslog;
  }
  EXPECT_EQ(syslog, 4);
  EXPECT_EQ(welf, 3);
  SyslogMessage first;
  ASSERT_EQ(parse_syslog(lines[0], context(), first), SyslogError::kOk);
  EXPECT_EQ(first.time_ms, ms("2026-03-14T00:02:50Z"));
}

TEST(Samples, CiscoAsa) {
  const auto lines = sample_lines("vpn_cisco_asa_anyconnect.log");
  ASSERT_EQ(lines.size(), 12u);
  for (const std::string& line : lines) {
    SyslogMessage m;
    ASSERT_EQ(sniff_syslog(line), SyslogFormat::kRfc3164);
    ASSERT_EQ(parse_syslog(line, context(), m), SyslogError::kOk) << line;
    EXPECT_EQ(m.hostname, "ASA-GHT-01");
    EXPECT_EQ(m.app_name, "");
    EXPECT_TRUE(m.msg.starts_with("%ASA-")) << m.msg;
    EXPECT_EQ(m.time_source, TimeSource::kLocal);  // the year is written
    EXPECT_EQ(m.facility(), 20);                   // local4
  }
  SyslogMessage m;
  ASSERT_EQ(parse_syslog(lines[0], context(), m), SyslogError::kOk);
  EXPECT_EQ(m.time_ms, ms("2026-03-14T00:03:05Z"));  // 01:03:05 CET
  EXPECT_EQ(m.severity(), 6);
  EXPECT_TRUE(m.msg.starts_with("%ASA-6-113005: AAA user authentication Rejected"));
}

TEST(Samples, FortiGatePriOnly) {
  const auto lines = sample_lines("vpn_fortigate_sslvpn.log");
  ASSERT_EQ(lines.size(), 11u);
  for (const std::string& line : lines) {
    SyslogMessage m;
    ASSERT_EQ(parse_syslog(line, context(), m), SyslogError::kOk) << line;
    EXPECT_EQ(m.format, SyslogFormat::kRfc3164);
    EXPECT_GE(m.pri, 185);
    EXPECT_FALSE(m.has_time());  // the time is in the key=value body
    EXPECT_EQ(m.hostname, "");
    EXPECT_TRUE(m.msg.starts_with("date=2026-03-14 time=")) << m.msg;
    EXPECT_EQ(m.msg, std::string_view(line).substr(line.find('>') + 1));
  }
}

TEST(Samples, OpenVpnWithoutPri) {
  const auto lines = sample_lines("vpn_openvpn_server.log");
  ASSERT_EQ(lines.size(), 9u);
  for (const std::string& line : lines) {
    SyslogMessage m;
    ASSERT_EQ(sniff_syslog(line), SyslogFormat::kRfc3164);
    ASSERT_EQ(parse_syslog(line, context(), m), SyslogError::kOk) << line;
    EXPECT_EQ(m.pri, -1);
    EXPECT_EQ(m.hostname, "ovpn-ght01");
    EXPECT_EQ(m.app_name, "openvpn");
    EXPECT_EQ(m.procid, "2231");
    EXPECT_EQ(m.time_source, TimeSource::kLocalYearInferred);
  }
  SyslogMessage m;
  ASSERT_EQ(parse_syslog(lines[0], context(), m), SyslogError::kOk);
  EXPECT_EQ(m.time_ms, ms("2026-03-14T00:01:58Z"));
  EXPECT_EQ(m.msg,
            "198.51.100.23:40112 TLS Auth Error: Auth Username/Password verification "
            "failed for peer");
}

TEST(Samples, PaloAltoCsvAndLeef) {
  const auto lines = sample_lines("vpn_paloalto_globalprotect.log");
  ASSERT_EQ(lines.size(), 5u);
  for (const std::string& line : lines) {
    SyslogMessage m;
    ASSERT_EQ(sniff_syslog(line), SyslogFormat::kRfc3164);
    ASSERT_EQ(parse_syslog(line, context(), m), SyslogError::kOk) << line;
    EXPECT_EQ(m.hostname, "PA-GHT-01");
    if (m.content.starts_with("LEEF:")) {
      EXPECT_EQ(m.pri, 14);
      EXPECT_TRUE(m.content.starts_with("LEEF:1.0|Palo Alto Networks|"));
    } else {
      EXPECT_EQ(m.pri, -1);
      EXPECT_EQ(m.app_name, "");  // the CSV is all message
      EXPECT_TRUE(m.msg.starts_with("1,2026/03/14 ")) << m.msg;
    }
  }
  SyslogMessage m;
  ASSERT_EQ(parse_syslog(lines[0], context(), m), SyslogError::kOk);
  EXPECT_EQ(m.time_ms, ms("2026-03-14T00:05:11Z"));
}

}  // namespace
}  // namespace vigie::ingest
