// Records written from the vendors' own documentation and public fixtures, beyond the shared
// samples: other headers, other releases, other message ids. Each case lists the fields it
// checks (common fields and vendor fields alike); "<absent>" means the field must not be set.
#include <map>

#include "vpn_test_support.h"

namespace vigie::vpn_test {
namespace {

struct Case {
  const char* name;
  const char* format;
  std::string line;
  std::map<std::string, std::string> want;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class VpnVendor : public VpnTest, public ::testing::WithParamInterface<Case> {};

TEST_P(VpnVendor, Decodes) {
  const Case& c = GetParam();
  auto d = make(c.format);
  event::Event e;
  Status s = d->decode(c.line, ctx(), e);
  ASSERT_TRUE(s.ok()) << s.to_string();
  for (const auto& [field, value] : c.want) {
    if (field == "@timestamp") {
      EXPECT_EQ(format_timestamp_ms(e.time_ms), value);
    } else {
      EXPECT_EQ(text(e, field), value) << field;
    }
  }
  // Every vpn event says what happened and who decoded it.
  EXPECT_EQ(text(e, "vpn.vendor"), c.format);
  EXPECT_NE(text(e, "event.action"), "<absent>");
}

const Case kCases[] = {
    // ---- FortiGate -------------------------------------------------------------------------
    {"fortigate_rfc3164_header_fortios6_seconds",
     "fortigate",
     "<189>Jul  3 10:11:12 FGT-A date=2020-07-03 time=10:11:12 devname=\"FGT-A\" devid=\"FGT60E\" "
     "logid=\"0101039947\" type=\"event\" subtype=\"vpn\" level=\"information\" vd=\"root\" "
     "eventtime=1593763872 logdesc=\"SSL VPN tunnel up\" action=\"tunnel-up\" "
     "tunneltype=\"ssl-tunnel\" tunnelid=54 remip=198.51.100.9 tunnelip=10.212.134.200 "
     "user=\"GHTEX\\\\jdupont\" group=\"SSLVPN\" dst_host=\"N/A\" reason=\"N/A\" "
     "msg=\"SSL tunnel established\"",
     {{"@timestamp", "2020-07-03T08:11:12.000Z"},
      {"event.action", "session_start"},
      {"vpn.user", "GHTEX\\jdupont"},
      {"user", "GHTEX\\jdupont"},
      {"source.ip", "198.51.100.9"},
      {"vpn.assigned_ip", "10.212.134.200"},
      {"vpn.session_id", "54"},
      {"event.reason", "<absent>"},
      {"vpn.gateway", "FGT-A"}}},
    {"fortigate_no_eventtime_uses_tz",
     "fortigate",
     "date=2026-07-01 time=12:00:00 devname=\"FGT\" devid=\"FG1\" logid=\"0101039426\" "
     "type=\"event\" subtype=\"vpn\" tz=\"-0500\" action=\"ssl-login-fail\" remip=203.0.113.7 "
     "user=\"bob\" reason=\"sslvpn_login_password_expired\"",
     {{"@timestamp", "2026-07-01T17:00:00.000Z"},
      {"event.action", "auth_failure"},
      {"event.outcome", "failure"},
      {"event.reason", "sslvpn_login_password_expired"}}},
    {"fortigate_no_eventtime_no_tz_uses_zone",
     "fortigate",
     "date=2026-07-01 time=12:00:00 devname=\"FGT\" devid=\"FG1\" logid=\"0101039426\" "
     "action=\"ssl-login-fail\" user=\"bob\"",
     {{"@timestamp", "2026-07-01T10:00:00.000Z"}}},
    {"fortigate_escaped_quote_in_value",
     "fortigate",
     "date=2026-03-14 time=01:02:11 devname=\"FGT\" devid=\"FG1\" logid=\"0100044547\" "
     "eventtime=1773446531123 action=\"Edit\" cfgpath=\"vpn.ssl.settings\" "
     "msg=\"Edit \\\"vpn.ssl.settings\\\" by admin\"",
     {{"@timestamp", "2026-03-14T00:02:11.123Z"},
      {"msg", "Edit \"vpn.ssl.settings\" by admin"},
      {"cfgpath", "vpn.ssl.settings"},
      {"event.action", "other"}}},
    {"fortigate_rfc5424_header",
     "fortigate",
     "<185>1 2026-03-14T01:02:11+01:00 FGT-B - - - - date=2026-03-14 time=01:02:11 "
     "devname=\"FGT-B\" devid=\"FG2\" logid=\"0100032001\" type=\"event\" subtype=\"system\" "
     "user=\"admin\" srcip=198.51.100.77 action=\"login\" status=\"success\" msg=\"ok\"",
     {{"event.action", "auth_success"},
      {"source.ip", "198.51.100.77"},
      {"vpn.user", "admin"},
      {"vpn.gateway", "FGT-B"}}},
    {"fortigate_ipsec_xauth",
     "fortigate",
     "date=2026-03-14 time=09:00:00 devname=\"FGT\" devid=\"FG1\" logid=\"0101037138\" "
     "type=\"event\" subtype=\"vpn\" action=\"tunnel-up\" remip=203.0.113.50 "
     "xauthuser=\"mleroy\" xauthgroup=\"GG-IPSEC\" assignip=10.10.0.5 user=\"N/A\" "
     "vpntunnel=\"dialup\"",
     {{"vpn.user", "mleroy"},
      {"vpn.group", "GG-IPSEC"},
      {"vpn.assigned_ip", "10.10.0.5"},
      {"event.action", "session_start"}}},
    {"fortigate_user_auth_failure_7x",
     "fortigate",
     "date=2026-03-14 time=09:00:00 devname=\"FGT\" devid=\"FG1\" logid=\"0102043009\" "
     "type=\"event\" subtype=\"user\" action=\"authentication\" status=\"failure\" "
     "srcip=203.0.113.60 user=\"alice\" reason=\"No matching user\"",
     {{"event.action", "auth_failure"}, {"source.ip", "203.0.113.60"}}},

    // ---- Cisco ASA ---------------------------------------------------------------------------
    {"asa_no_header_at_all",
     "cisco-asa",
     "%ASA-6-113005: AAA user authentication Rejected : reason = Invalid password : server = "
     "10.1.1.1 : user = bob : user IP = 198.51.100.2",
     {{"@timestamp", "2026-03-15T00:00:00.000Z"},  // the receive time
      {"event.action", "auth_failure"},
      {"vpn.user", "bob"},
      {"source.ip", "198.51.100.2"},
      {"event.reason", "Invalid password"},
      {"asa.server", "10.1.1.1"},
      {"vpn.gateway", "<absent>"}}},
    {"asa_yearless_stamp_no_device_id",
     "cisco-asa",
     "<166>Mar 14 01:03:05: %ASA-6-113004: AAA user authentication Successful : server = "
     "10.1.1.1 : user = bob",
     {{"@timestamp", "2026-03-14T00:03:05.000Z"}, {"event.action", "auth_success"}}},
    {"asa_113019_days_in_duration",
     "cisco-asa",
     "<164>Mar 14 2026 04:40:33 fw1 : %ASA-4-113019: Group = RA-VPN, Username = "
     "marc.leroy@ght-exemple.fr, IP = 198.51.100.3, Session disconnected. Session Type: SSL, "
     "Duration: 1d 2h:03m:04s, Bytes xmt: 100, Bytes rcv: 200, Reason: Idle Timeout",
     {{"event.action", "session_end"},
      {"vpn.user", "marc.leroy@ght-exemple.fr"},
      {"vpn.duration_s", "93784"},
      {"network.bytes_out", "100"},
      {"network.bytes_in", "200"},
      {"event.reason", "Idle Timeout"},
      {"asa.session_type", "SSL"}}},
    {"asa_716001_webvpn_start",
     "cisco-asa",
     "<166>Mar 14 2026 01:00:00 fw1 : %ASA-6-716001: Group <Clinique> User <drx> IP "
     "<198.51.100.4> WebVPN session started.",
     {{"event.action", "session_start"}, {"vpn.group", "Clinique"}, {"vpn.user", "drx"}}},
    {"asa_716002_webvpn_end_reason",
     "cisco-asa",
     "<166>Mar 14 2026 01:00:00 fw1 : %ASA-6-716002: Group <Clinique> User <drx> IP "
     "<198.51.100.4> WebVPN session terminated: User Requested.",
     {{"event.action", "session_end"}, {"event.reason", "User Requested"}}},
    {"asa_716038_success",
     "cisco-asa",
     "<166>Mar 14 2026 01:00:00 fw1 : %ASA-6-716038: Group <G> User <drx> IP <198.51.100.4> "
     "Authentication: successful, Session Type: WebVPN.",
     {{"event.action", "auth_success"}, {"asa.session_type", "WebVPN"}}},
    {"asa_611102_management_failure",
     "cisco-asa",
     "<166>Mar 14 2026 01:00:00 fw1 : %ASA-6-611102: User authentication failed: IP address: "
     "198.51.100.8, Uname: enable_15",
     {{"event.action", "auth_failure"}, {"vpn.user", "enable_15"}, {"source.ip", "198.51.100.8"}}},
    {"asa_605004_login_denied",
     "cisco-asa",
     "<166>Mar 14 2026 01:00:00 fw1 : %ASA-6-605004: Login denied from 198.51.100.9/51234 to "
     "outside:203.0.113.1/ssh for user \"root\"",
     {{"event.action", "auth_failure"}, {"vpn.user", "root"}, {"source.ip", "198.51.100.9"}}},
    {"asa_113006_lockout",
     "cisco-asa",
     "<166>Mar 14 2026 01:00:00 fw1 : %ASA-6-113006: User mleroy locked out on exceeding 3 "
     "successive failed authentication attempts",
     {{"event.action", "auth_failure"}, {"vpn.user", "mleroy"}}},
    {"asa_unknown_id_keeps_generic_fields",
     "cisco-asa",
     "<166>Mar 14 2026 01:00:00 fw1 : %ASA-5-722033: Group <G> User <u1> IP <198.51.100.5> "
     "First TCP SVC connection established for SVC session.",
     {{"event.action", "other"},
      {"vpn.message_id", "722033"},
      {"asa.severity", "5"},
      {"vpn.user", "u1"},
      {"source.ip", "198.51.100.5"}}},
    {"ftd_same_catalogue",
     "cisco-asa",
     "<166>Mar 14 2026 01:00:00 ftd1 : %FTD-6-113039: Group <G> User <u2> IP <198.51.100.6> "
     "AnyConnect parent session started.",
     {{"event.action", "session_start"}, {"vpn.user", "u2"}}},

    // ---- GlobalProtect -----------------------------------------------------------------------
    // PAN-OS 9.1 (36 columns), as in elastic/integrations' panw fixture; no host in the header.
    {"gp_pan91_36_columns",
     "globalprotect",
     "Nov 30 16:09:08 1,2021/03/24 11:29:49,013101001308,GLOBALPROTECT,0,2305,2021/03/24 "
     "11:29:49,vsys1,gateway-config-release,configuration,,,domain\\user,BE,CP935,"
     "89.160.20.112,0.0.0.0,10.20.13.217,0.0.0.0,e0957c11-93-437a-9e23-9f0c24059898,5J9VN53,"
     "5.2.4,OS,\"OS 10 Pro , 64-bit\",1,,,\"\",success,,0,,0,GlobalProtect_GW,"
     "6919501582016786,0x0",
     {{"@timestamp", "2021-03-24T10:29:49.000Z"},
      {"event.action", "other"},
      {"vpn.message_id", "gateway-config-release"},
      {"vpn.user", "domain\\user"},
      {"source.ip", "89.160.20.112"},
      {"vpn.assigned_ip", "10.20.13.217"},
      {"client_os_ver", "OS 10 Pro , 64-bit"},
      {"vpn.gateway", "013101001308"}}},
    // PAN-OS 10.0 (42 columns), placeholder 1970 high-res stamp: Generated Time is used.
    {"gp_pan100_42_columns_placeholder_hires",
     "globalprotect",
     "Nov 30 16:09:08 1,2021/03/02 11:01:03,123456789999,GLOBALPROTECT,0,2305,2021/03/02 "
     "11:01:02,vsys1,gateway-setup-ipsec,tunnel,,IPSec,domain\\musterman,DE,Rechner123,"
     "175.16.199.1,0.0.0.0,10.20.30.40,0.0.0.0,96c43d47-8bb5-4f78-8dfc-413a189a29e0,SERIALNR,"
     "5.1.1,OS,\"OS 10 Enterprise, 64-bit\",1,,,,success,,0,,0,GPGateway,6894571632887761989,"
     "0x8000000000000000,1970-01-01T01:00:00.000+01:00,,0,manual only,,",
     {{"@timestamp", "2021-03-02T10:01:02.000Z"},
      {"event.action", "session_start"},
      {"vpn.assigned_ip", "10.20.30.40"}}},
    // PAN-OS 11.x (50 columns, Cluster Name), IPv6-only client, pre-logon user kept as written.
    {"gp_pan11_50_columns_ipv6",
     "globalprotect",
     "<14>Mar 14 09:00:00 PA1 1,2026/03/14 09:00:00,0132,GLOBALPROTECT,0,2561,2026/03/14 "
     "09:00:00,vsys1,gateway-connected,connected,,SSLVPN,pre-logon,FR,PC1,,2001:db8::7,,"
     "fd00::21,hid,SN1,6.2.1,Windows,\"W11\",1,,,\"\",success,,0,pre-logon,0,GW,1,0x0,"
     "2026-03-14T09:00:00.500+01:00,,0,,,,0,0,0,0,,PA1,1,clusterA",
     {{"@timestamp", "2026-03-14T08:00:00.500Z"},
      {"event.action", "session_start"},
      {"vpn.user", "pre-logon"},
      {"source.ip", "2001:db8::7"},
      {"vpn.assigned_ip", "fd00::21"},
      {"cluster_name", "clusterA"}}},
    {"gp_quoted_field_with_doubled_quote",
     "globalprotect",
     "1,2026/03/14 09:00:00,0132,GLOBALPROTECT,0,2561,2026/03/14 09:00:00,vsys1,gateway-auth,"
     "login,RADIUS,,bob,FR,,203.0.113.9,,0.0.0.0,,,,6.2.1,Windows,\"W \"\"11\"\"\",1,,"
     "\"Authentication failed: timeout\",\"\",failure,,0,,0,GW,1,0x0",
     {{"client_os_ver", "W \"11\""},
      {"event.action", "auth_failure"},
      {"event.reason", "Authentication failed: timeout"}}},
    // LEEF 2.0 as the Strata Logging Service documents it: space delimiter, values with spaces.
    {"gp_leef2_space_delimiter",
     "globalprotect",
     "<14>1 2021-09-24T20:13:48.624Z host logforwarder - panwlogs - LEEF:2.0|Palo Alto "
     "Networks|Next Generation Firewall|10.0|portal-auth| |TimeReceived=2021-09-24 20:13:46 "
     "cat=globalprotect usrName=corp\\bob PublicIPv4=198.51.100.11 PrivateIPv4=0.0.0.0 "
     "EndpointOSVersion=16.04.5 LTS EventStatus=failure ConnectionError=bad password "
     "devTime=Sep 24 2021 20:13:46 GMT DeviceName=PA2",
     {{"@timestamp", "2021-09-24T20:13:46.000Z"},
      {"vpn.message_id", "portal-auth"},
      {"event.action", "auth_failure"},
      {"vpn.user", "corp\\bob"},
      {"source.ip", "198.51.100.11"},
      {"event.reason", "bad password"},
      {"vpn.gateway", "PA2"}}},

    // ---- Pulse / Ivanti ----------------------------------------------------------------------
    // Behind a relay's BSD header (elastic/integrations pulse_connect_secure fixture shape).
    {"pulse_relayed_agent_login",
     "pulse-secure",
     "Oct 19 09:10:35 pcs-node1 1 2021-10-19T09:10:35+02:00 10.5.2.3 PulseSecure: - - - "
     "2021-10-19 09:10:35 - pcs-node1 - [89.160.20.156] user.name(REALM)[REALM_ROLES] - Agent "
     "login succeeded for user.name/REALM (session:sid74fa8e00ca60128031) from 89.160.20.156 "
     "with Pulse-Secure/9.1.13.11723 (Windows 10) Pulse/9.1.13.11723.",
     {{"@timestamp", "2021-10-19T07:10:35.000Z"},
      {"event.action", "auth_success"},
      {"vpn.message_id", "AUT24414"},
      {"vpn.user", "user.name"},
      {"vpn.group", "REALM"},
      {"roles", "REALM_ROLES"},
      {"vpn.session_id", "sid74fa8e00ca60128031"},
      {"vpn.gateway", "pcs-node1"}}},
    {"pulse_session_timed_out",
     "pulse-secure",
     "<134>1 2024-01-11T14:23:28+01:00 10.5.2.3 PulseSecure: - - - 2024-01-11 14:23:28 - "
     "ssl-vpn01 - [89.160.20.156] user.name@mydom.tld(Admin SSO)[.Administrators][64e62c265e] - "
     "Session timed out for user.name@mydom.tld/Admin SSO (session:sidbe3ce20a6820) due to "
     "inactivity (last access at 13:51:42 2024/01/11). Idle session identified during routine "
     "system scan.",
     {{"event.action", "session_end"},
      {"vpn.message_id", "AUT20914"},
      {"vpn.user", "user.name@mydom.tld"},
      {"vpn.group", "Admin SSO"},
      {"vpn.session_id", "64e62c265e"}}},
    {"pulse_login_failed_without_server",
     "pulse-secure",
     "<134>1 2021-10-19T10:12:11+02:00 h PulseSecure: - - - 2021-10-19 10:12:11 - pcs-node1 - "
     "[89.160.20.156] user.name(REALM)[] - Login failed. Reason: Wrong Password",
     {{"event.action", "auth_failure"},
      {"vpn.message_id", "<absent>"},
      {"event.reason", "Wrong Password"}}},
    {"pulse_system_line_is_other",
     "pulse-secure",
     "<134>1 2026-04-03T15:28:45+02:00 pcs-node1 PulseSecure: - - - 2026-04-03 15:28:45 - "
     "pcs-node1 - [127.0.0.1] Default Network::System()[][] - User Accounts modified. Removed "
     "username user.name from authentication server LDAP-External.",
     {{"event.action", "other"}, {"vpn.user", "System"}, {"ivs", "Default Network"}}},
    {"pulse_welf_logout_with_bytes",
     "pulse-secure",
     "id=firewall time=\"2026-03-14 04:40:33\" pri=6 fw=203.0.113.12 vpn=ics1 user=mleroy "
     "realm=\"AD\" roles=\"R\" sessionID=\"5f93\" proto= src=203.0.113.45 dst= dstname= "
     "type=vpn op= arg=\"\" result= sent=1000 rcvd=2000 agent=\"\" duration=3600 "
     "msg=\"AUT22673: Logout from 203.0.113.45 (session:5f93)\"",
     {{"@timestamp", "2026-03-14T03:40:33.000Z"},
      {"event.action", "session_end"},
      {"vpn.message_id", "AUT22673"},
      {"network.bytes_in", "2000"},
      {"network.bytes_out", "1000"},
      {"vpn.duration_s", "3600"},
      {"vpn.session_id", "5f93"}}},
    {"pulse_welf_unknown_code_is_other",
     "pulse-secure",
     "<134>Mar 14 01:00:00 ics1 id=firewall time=\"2026-03-14 01:00:00\" pri=6 fw=203.0.113.12 "
     "vpn=ics1 user=System realm=\"\" roles=\"\" src=127.0.0.1 type=vpn msg=\"ADM20716: "
     "Configuration imported\"",
     {{"event.action", "other"}, {"vpn.message_id", "ADM20716"}}},

    // ---- OpenVPN -----------------------------------------------------------------------------
    {"openvpn_status_v3_tabs",
     "openvpn",
     "CLIENT_LIST\tjdoe\t198.51.100.30:40000\t10.8.0.10\t\t100\t200\t2026-03-14 23:00:00\t"
     "1773529200\tUNDEF\t3\t1\tAES-256-GCM",
     {{"@timestamp", "2026-03-15T00:00:00.000Z"},
      {"vpn.user", "jdoe"},  // username UNDEF: the certificate CN
      {"network.bytes_in", "100"},
      {"network.bytes_out", "200"},
      {"vpn.duration_s", "3600"},
      {"openvpn.cipher", "AES-256-GCM"}}},
    {"openvpn_status_v2_openvpn24_12_columns",
     "openvpn",
     "CLIENT_LIST,jdoe,198.51.100.30:40000,10.8.0.10,,100,200,Sat Mar 14 23:00:00 2026,"
     "1773529200,jdoe,3,1",
     {{"vpn.assigned_ip", "10.8.0.10"}, {"openvpn.peer_id", "1"}, {"source.port", "40000"}}},
    {"openvpn_status_row_through_syslog",
     "openvpn",
     "<13>Mar 14 12:00:00 ovpn1 openvpn-status: CLIENT_LIST,jdoe,198.51.100.30:40000,10.8.0.10,,"
     "100,200,2026-03-14 23:00:00,1773529200,jdoe,3,1,AES-256-GCM",
     {{"vpn.message_id", "client-list"}, {"vpn.user", "jdoe"}, {"network.bytes_out", "200"}}},
    {"openvpn_verify_error",
     "openvpn",
     "Mar 14 01:00:00 vpn1 openvpn[1]: 198.51.100.31:5000 VERIFY ERROR: depth=0, "
     "error=certificate has expired: CN=old.user",
     {{"event.action", "auth_failure"},
      {"vpn.message_id", "verify-error"},
      {"event.reason", "certificate has expired: CN=old.user"},
      {"vpn.user", "old.user"}}},
    {"openvpn_inactivity_timeout",
     "openvpn",
     "Mar 14 01:00:00 vpn1 openvpn[1]: bob/198.51.100.32:5001 Inactivity timeout "
     "(--inactive), exiting",
     {{"event.action", "session_end"}, {"vpn.user", "bob"}}},
    {"openvpn_client_restarting",
     "openvpn",
     "Mar 14 01:00:00 vpn1 openvpn[1]: bob/198.51.100.32:5001 SIGUSR1[soft,ping-restart] "
     "received, client-instance restarting",
     {{"event.action", "session_end"}, {"event.reason", "ping-restart"}}},
    {"openvpn_auth_failed_with_reason",
     "openvpn",
     "Mar 14 01:00:00 vpn1 openvpn[1]: 198.51.100.33:5002 SENT CONTROL [bob]: "
     "'AUTH_FAILED,Account locked' (status=1)",
     {{"event.action", "auth_failure"}, {"vpn.user", "bob"}, {"event.reason", "Account locked"}}},
    {"openvpn_own_log_file",
     "openvpn",
     "2026-03-14 01:01:58 198.51.100.23:40112 TLS Auth Error: Auth Username/Password "
     "verification failed for peer",
     {{"@timestamp", "2026-03-14T00:01:58.000Z"},
      {"event.action", "auth_failure"},
      {"source.ip", "198.51.100.23"}}},
    {"openvpn_unknown_line_is_other",
     "openvpn",
     "Mar 14 01:00:00 vpn1 openvpn[1]: Initialization Sequence Completed",
     {{"event.action", "other"}, {"vpn.message_id", "<absent>"}, {"vpn.gateway", "vpn1"}}},
};

INSTANTIATE_TEST_SUITE_P(Docs, VpnVendor, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });

// Times written without a zone follow the configured one; with one, they do not.
TEST_F(VpnTest, LocalTimesFollowTheConfiguredZone) {
  const std::string asa =
      "<166>Jul 1 2026 12:00:00 fw : %ASA-6-113008: AAA transaction status "
      "ACCEPT : user = u";
  event::Event e;
  ASSERT_TRUE(make("cisco-asa", "UTC")->decode(asa, ctx(), e).ok());
  EXPECT_EQ(format_timestamp_ms(e.time_ms), "2026-07-01T12:00:00.000Z");
  ASSERT_TRUE(make("cisco-asa", "Europe/Paris")->decode(asa, ctx(), e).ok());
  EXPECT_EQ(format_timestamp_ms(e.time_ms), "2026-07-01T10:00:00.000Z");
  const std::string pulse =
      "<134>1 2026-07-01T12:00:00Z h PulseSecure: - - - 2026-07-01 14:00:00 - n - [1.2.3.4] "
      "u(r)[] - Login failed";
  ASSERT_TRUE(make("pulse-secure", "America/New_York")->decode(pulse, ctx(), e).ok());
  EXPECT_EQ(format_timestamp_ms(e.time_ms), "2026-07-01T12:00:00.000Z");
}

// A BSD stamp without a year takes the year that puts it closest to the receive time.
TEST_F(VpnTest, YearlessStampsTakeTheirYearFromTheReceiveTime) {
  auto d = make("openvpn", "UTC");
  event::Event e;
  decode::RecordContext c;
  c.received_ms = *parse_timestamp_ms("2027-01-01T00:00:05Z");
  ASSERT_TRUE(d->decode("Dec 31 23:59:59 v openvpn[1]: x", c, e).ok());
  EXPECT_EQ(format_timestamp_ms(e.time_ms), "2026-12-31T23:59:59.000Z");
}

}  // namespace
}  // namespace vigie::vpn_test
