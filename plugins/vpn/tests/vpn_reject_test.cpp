// Bad input: one case per reject code, records that are not rejected although damaged (an
// unknown message id, a truncated text), noise that must never crash, and messages that never
// carry a value of the record.
#include <random>
#include <set>

#include "vpn_test_support.h"

namespace vigie::vpn_test {
namespace {

struct Reject {
  const char* name;
  const char* format;
  std::string line;
  const char* code;
  const char* secret;  // a value of the record that the message must not contain ("" = none)
};

void PrintTo(const Reject& r, std::ostream* os) { *os << r.name; }

class VpnReject : public VpnTest, public ::testing::WithParamInterface<Reject> {};

TEST_P(VpnReject, GivesItsStableCode) {
  const Reject& r = GetParam();
  max_record_bytes_ = 4096;
  auto d = make(r.format);
  event::Event e;
  Status s = d->decode(r.line, ctx(), e);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), r.code) << s.to_string();
  EXPECT_FALSE(s.message().empty());
  if (*r.secret != '\0') {
    EXPECT_EQ(s.message().find(r.secret), std::string::npos) << s.message();
  }
}

const std::string kFortiTruncated =
    "<185>date=2026-03-14 time=01:02:11 devname=\"FGT-GHT-01\" devid=\"FG1\" logid=\"0101039426\" "
    "user=\"mleroy";

const Reject kRejects[] = {
    {"oversized", "fortigate", "logid=1 devid=2 user=" + std::string(5000, 'a'), "oversized", ""},
    {"empty", "cisco-asa", "   \t ", "empty-record", ""},
    {"binary_nul", "openvpn", std::string("Mar 14 01:00:00 v openvpn[1]: a\0b", 33), "binary-data",
     ""},
    {"binary_noise", "globalprotect", "\x01\x02\x03\x04GLOBALPROTECT", "binary-data", ""},
    {"invalid_utf8", "pulse-secure",
     "id=firewall time=\"2026-03-14 01:02:50\" user=ml\xe9roy realm=\"AD\" msg=\"AUT23457: x\"",
     "invalid-utf8", "ml"},
    {"truncated_utf8", "fortigate", "logid=\"1\" devid=\"2\" user=\"\xc3", "invalid-utf8", ""},
    {"syslog_header", "cisco-asa", "<999>Mar 14 2026 01:03:05 fw : %ASA-6-113004: x",
     "syslog-header", ""},
    {"not_fortigate", "fortigate", "just some words without pairs", "unrecognised-record", ""},
    {"not_asa", "cisco-asa", "<166>Mar 14 2026 01:03:05 fw : %PIX-6-113004: x",
     "unrecognised-record", ""},
    {"not_globalprotect", "globalprotect", "1,2026/03/14 01:05:11,0132,TRAFFIC,end,2561",
     "unrecognised-record", ""},
    {"not_pulse", "pulse-secure", "<134>1 2026-03-14T01:02:50+01:00 h app - - - hello",
     "unrecognised-record", ""},
    {"openvpn_empty_message", "openvpn", "Mar 14 01:00:00 vpn1 openvpn[1]:", "unrecognised-record",
     ""},
    {"fortigate_truncated_in_quotes", "fortigate", kFortiTruncated, "unterminated-quote", "mleroy"},
    {"welf_truncated_in_quotes", "pulse-secure",
     "id=firewall time=\"2026-03-14 01:02:50\" realm=\"AD-GHT\" msg=\"AUT23457: Login fa",
     "unterminated-quote", "Login"},
    {"csv_truncated_in_quotes", "globalprotect",
     "1,2026/03/14 01:05:11,0132,GLOBALPROTECT,0,2561,2026/03/14 01:05:11,vsys1,portal-auth,"
     "login,LDAP,,mleroy,NL,,203.0.113.45,0.0.0.0,0.0.0.0,0.0.0.0,,,6.2.1,Windows,\"Microsoft",
     "unterminated-quote", "Microsoft"},
    {"csv_column_count_truncated", "globalprotect",
     "1,2026/03/14 01:05:11,0132,GLOBALPROTECT,0,2561,2026/03/14 01:05:11,vsys1,portal-auth,"
     "login,LDAP,,mleroy,NL,,203.0.113.45",
     "csv-column-count", "mleroy"},
    {"csv_column_count_between_layouts", "globalprotect",
     "1,2026/03/14 01:05:11,0132,GLOBALPROTECT,0,2561,2026/03/14 01:05:11,vsys1,portal-auth,"
     "login,LDAP,,mleroy,NL,,203.0.113.45,0.0.0.0,0.0.0.0,0.0.0.0,,,6.2.1,Windows,W,1,,,,"
     "failure,,0,,0,GW,1,0x0,x,y",  // 38 columns: neither 36 nor 42
     "csv-column-count", "mleroy"},
    {"client_list_column_count", "openvpn", "CLIENT_LIST,jdoe,198.51.100.30:40000,10.8.0.10",
     "csv-column-count", "jdoe"},
    {"fortigate_bad_time", "fortigate",
     "date=2026-13-45 time=99:00:00 devname=\"F\" devid=\"D\" logid=\"0101039426\"", "bad-time",
     "2026-13-45"},
    {"welf_bad_time", "pulse-secure", "id=firewall time=\"yesterday\" realm=\"AD\" msg=\"x\"",
     "bad-time", "yesterday"},
    {"csv_bad_time", "globalprotect",
     "1,2026/03/14 01:05:11,0132,GLOBALPROTECT,0,2561,never,vsys1,portal-auth,login,LDAP,,"
     "mleroy,NL,,203.0.113.45,0.0.0.0,0.0.0.0,0.0.0.0,,,6.2.1,Windows,W,1,,,,failure,,0,,0,GW,1,"
     "0x0",
     "bad-time", "never"},
};

INSTANTIATE_TEST_SUITE_P(Codes, VpnReject, ::testing::ValuesIn(kRejects),
                         [](const ::testing::TestParamInfo<Reject>& i) { return i.param.name; });

// Damaged but readable: decoded, not rejected.
TEST_F(VpnTest, UnknownMessagesAndTruncatedTextsAreOtherNotRejects) {
  event::Event e;
  auto asa = make("cisco-asa");
  ASSERT_TRUE(
      asa->decode("<166>Mar 14 2026 01:03:05 fw : %ASA-6-999999: something new", ctx(), e).ok());
  EXPECT_EQ(text(e, "event.action"), "other");
  EXPECT_EQ(text(e, "vpn.message_id"), "999999");
  EXPECT_EQ(text(e, "vpn.gateway"), "fw");
  // Cut in the middle of the text: the header and what the text holds so far.
  ASSERT_TRUE(asa->decode("<166>Mar 14 2026 01:03:05 fw : %ASA-6-113019: Group = G, Username = "
                          "bob, IP = 1.2.3.4, Session disconnected. Session Type: SSL, Dura",
                          ctx(), e)
                  .ok());
  EXPECT_EQ(text(e, "event.action"), "session_end");
  EXPECT_EQ(text(e, "vpn.user"), "bob");
  EXPECT_EQ(text(e, "vpn.duration_s"), "<absent>");
  ASSERT_TRUE(asa->decode("%ASA-6-113019:", ctx(), e).ok());

  auto ovpn = make("openvpn");
  ASSERT_TRUE(ovpn->decode("Mar 14 01:00:00 v openvpn[1]: 1.2.3.4:5 TLS: Username/Password "
                           "authentication succeeded for username 'tru",
                           ctx(), e)
                  .ok());
  EXPECT_EQ(text(e, "event.action"), "auth_success");
  EXPECT_EQ(text(e, "vpn.user"), "<absent>");

  auto pulse = make("pulse-secure");
  ASSERT_TRUE(pulse
                  ->decode("id=firewall time=\"2026-03-14 01:02:50\" realm=\"AD\" "
                           "msg=\"XYZ99999: a code nobody documented\"",
                           ctx(), e)
                  .ok());
  EXPECT_EQ(text(e, "event.action"), "other");
  EXPECT_EQ(text(e, "vpn.message_id"), "XYZ99999");
}

// Random bytes, random cuts of real records, and byte flips: any outcome but a crash, and a
// rejected record gets one of the documented codes.
TEST_F(VpnTest, NoiseNeverCrashesAndRejectsUseDocumentedCodes) {
  const std::set<std::string> codes = {
      "oversized",          "empty-record",     "binary-data",
      "invalid-utf8",       "syslog-header",    "unrecognised-record",
      "unterminated-quote", "csv-column-count", "bad-time"};
  std::mt19937 rng(4);
  event::Event e;
  for (const SampleFile& s : sample_files()) {
    auto d = make(s.format);
    for (const SampleLine& l : sample_lines(s.file)) {
      for (int round = 0; round < 200; ++round) {
        std::string x = l.text.substr(0, rng() % (l.text.size() + 1));
        for (int flips = static_cast<int>(rng() % 4); flips > 0 && !x.empty(); --flips) {
          x[rng() % x.size()] = static_cast<char>(rng() % 256);
        }
        Status st = d->decode(x, ctx(), e);
        if (!st.ok()) {
          EXPECT_TRUE(codes.count(st.code())) << st.code();
        }
      }
    }
    for (int round = 0; round < 500; ++round) {
      std::string x(rng() % 300, '\0');
      for (char& ch : x) ch = static_cast<char>(rng() % 256);
      Status st = d->decode(x, ctx(), e);
      if (!st.ok()) {
        EXPECT_TRUE(codes.count(st.code())) << st.code();
      }
    }
  }
}

}  // namespace
}  // namespace vigie::vpn_test
