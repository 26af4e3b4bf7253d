#include "demo/render.h"

#include <cstdio>

#include "common/json.h"
#include "demo/clock.h"
#include "demo/rng.h"

namespace vigie::demo {
namespace {

using json::append_string;

// The event's task: winlog.task / NXLog Category, and NXLog Task.
struct WinTask {
  const char* name;
  int number;
};
constexpr WinTask kLogonTask{"Logon", 12544};
constexpr WinTask kUserAccountTask{"User Account Management", 13824};
constexpr WinTask kGroupTask{"Security Group Management", 13826};
constexpr WinTask kKerberosAsTask{"Kerberos Authentication Service", 14339};

struct WinMeta {
  int id;
  WinTask task;
  int version;
  const char* message;  // first line of the rendered message
};

constexpr WinMeta kWinMeta[] = {
    {4624, kLogonTask, 2, "An account was successfully logged on."},
    {4625, kLogonTask, 0, "An account failed to log on."},
    {4634, {"Logoff", 12545}, 0, "An account was logged off."},
    {4661, {"SAM", 12802}, 1, "A handle to an object was requested."},
    {4672, {"Special Logon", 12548}, 0, "Special privileges assigned to new logon."},
    {4688, {"Process Creation", 13312}, 2, "A new process has been created."},
    {4720, kUserAccountTask, 0, "A user account was created."},
    {4722, kUserAccountTask, 0, "A user account was enabled."},
    {4724, kUserAccountTask, 0, "An attempt was made to reset an account's password."},
    {4725, kUserAccountTask, 0, "A user account was disabled."},
    {4728, kGroupTask, 0, "A member was added to a security-enabled global group."},
    {4732, kGroupTask, 0, "A member was added to a security-enabled local group."},
    {4738, kUserAccountTask, 0, "A user account was changed."},
    {4740, kUserAccountTask, 0, "A user account was locked out."},
    {4768, kKerberosAsTask, 0, "A Kerberos authentication ticket (TGT) was requested."},
    {4769,
     {"Kerberos Service Ticket Operations", 14337},
     0,
     "A Kerberos service ticket was requested."},
    {4771, kKerberosAsTask, 0, "Kerberos pre-authentication failed."},
    {4776,
     {"Credential Validation", 14336},
     0,
     "The computer attempted to validate the credentials for an account."},
    {5145,
     {"Detailed File Share", 12811},
     0,
     "A network share object was checked to see whether client can be granted desired access."},
};

const WinMeta& meta_of(int id) {
  for (const WinMeta& m : kWinMeta) {
    if (m.id == id) return m;
  }
  return kWinMeta[0];
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return s;
}

// A UUID-shaped string from 64 bits (two mixes of them).
std::string uuid_of(std::uint64_t bits) {
  std::uint64_t s = bits;
  const std::uint64_t a = splitmix64(s), b = splitmix64(s);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-4%03llx-%04llx-%012llx",
                static_cast<unsigned long long>(a >> 32),
                static_cast<unsigned long long>((a >> 16) & 0xffff),
                static_cast<unsigned long long>(a & 0xfff),
                static_cast<unsigned long long>(((b >> 48) & 0x3fff) | 0x8000),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

void key_value(std::string& out, std::string_view key, std::string_view value) {
  append_string(out, key);
  out += ": ";
  append_string(out, value);
}
// ", key: value": a member after the first.
void more(std::string& out, std::string_view key, std::string_view value) {
  out += ", ";
  key_value(out, key, value);
}

// A time as a JSON string, in one of clock.h's shapes.
template <typename Format>
void append_time(std::string& out, std::int64_t t, Format format) {
  std::string text;
  format(text, t);
  append_string(out, text);
}

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16 |
                       static_cast<unsigned char>(in[i + 1]) << 8 |
                       static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Upper case, ASCII and the Latin-1 letters of French names ("François" -> "FRANÇOIS").
std::string upper(std::string s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 'a' && c <= 'z') {
      s[i] = static_cast<char>(c - 32);
    } else if (c == 0xC3 && i + 1 < s.size()) {
      const unsigned char d = static_cast<unsigned char>(s[i + 1]);
      if (d >= 0xA0 && d <= 0xBE && d != 0xB7) s[i + 1] = static_cast<char>(d - 0x20);
      ++i;
    }
  }
  return s;
}

// "LEROY Marc", as DPIs display their users.
std::string display_name(const Staff& s) { return upper(s.family) + " " + s.given; }

}  // namespace

std::string render_winlogbeat(const Site& site, const WinEvent& e, std::uint64_t record_id) {
  const WinMeta& m = meta_of(e.event_id);
  const std::string& host = e.computer->name;
  const std::string fqdn = host + "." + site.dns_domain;
  std::uint64_t h = label_hash(host) ^ label_hash(site.est.id);
  std::string out;
  out.reserve(2048);
  out += "{\"@timestamp\": ";
  append_time(out, e.time, append_iso_utc);
  out +=
      ", \"@metadata\": {\"beat\": \"winlogbeat\", \"type\": \"_doc\", \"version\": \"8.14.3\"}, "
      "\"agent\": {\"type\": \"winlogbeat\", \"version\": \"8.14.3\"";
  more(out, "name", host);
  more(out, "id", uuid_of(h));
  more(out, "ephemeral_id", uuid_of(h + 1));
  out += "}, \"ecs\": {\"version\": \"8.0.0\"}, \"host\": {";
  key_value(out, "name", lower(fqdn));
  out += "}, \"log\": {\"level\": \"information\"}, \"event\": {";
  key_value(out, "code", std::to_string(e.event_id));
  out += ", \"kind\": \"event\", \"provider\": \"Microsoft-Windows-Security-Auditing\"";
  more(out, "action", m.task.name);
  std::string created;
  append_iso_utc(created, e.time + 180 + static_cast<std::int64_t>(e.time % 487));
  more(out, "created", created);
  more(out, "outcome", e.failure ? "failure" : "success");
  out += "}";
  more(out, "message", m.message);
  out += ", \"winlog\": {\"api\": \"wineventlog\", \"channel\": \"Security\"";
  more(out, "computer_name", fqdn);
  more(out, "event_id", std::to_string(e.event_id));
  out +=
      ", \"provider_name\": \"Microsoft-Windows-Security-Auditing\", \"provider_guid\": "
      "\"{54849625-5478-4994-a5ba-3e3b0328c30d}\"";
  more(out, "record_id", std::to_string(record_id));
  more(out, "task", m.task.name);
  out += ", \"opcode\": \"Info\", \"keywords\": [";
  out += e.failure ? "\"Audit Failure\"" : "\"Audit Success\"";
  out += "], \"process\": {\"pid\": 680, \"thread\": {\"id\": ";
  out += std::to_string(1000 + e.time % 2999);
  out += "}}, \"version\": ";
  out += std::to_string(m.version);
  out += ", \"event_data\": {";
  for (std::size_t i = 0; i < e.data.size(); ++i) {
    if (i) out += ", ";
    key_value(out, e.data[i].first, e.data[i].second);
  }
  out += "}}}";
  return out;
}

std::string render_nxlog(const Site& site, const WinEvent& e, std::uint64_t record_id) {
  const WinMeta& m = meta_of(e.event_id);
  std::string out;
  out.reserve(1800);
  out += "{\"EventTime\": ";
  append_time(out, e.time, append_local_paris);
  more(out, "Hostname", e.computer->name + "." + site.dns_domain);
  out += ", \"Keywords\": ";
  out += e.failure ? "-9218868437227405312" : "-9214364837600034816";
  out += e.failure
             ? ", \"EventType\": \"AUDIT_FAILURE\", \"SeverityValue\": 4, \"Severity\": \"ERROR\""
             : ", \"EventType\": \"AUDIT_SUCCESS\", \"SeverityValue\": 2, \"Severity\": \"INFO\"";
  out += ", \"EventID\": ";
  out += std::to_string(e.event_id);
  out +=
      ", \"SourceName\": \"Microsoft-Windows-Security-Auditing\", \"ProviderGuid\": "
      "\"{54849625-5478-4994-A5BA-3E3B0328C30D}\", \"Version\": ";
  out += std::to_string(m.version);
  out += ", \"Task\": ";
  out += std::to_string(m.task.number);
  out += ", \"OpcodeValue\": 0, \"RecordNumber\": ";
  out += std::to_string(record_id);
  out += ", \"ProcessID\": 680, \"ThreadID\": ";
  out += std::to_string(1000 + e.time % 2999);
  out += ", \"Channel\": \"Security\"";
  more(out, "Message", m.message);
  more(out, "Category", m.task.name);
  out += ", \"Opcode\": \"Info\"";
  for (const auto& [k, v] : e.data) more(out, k, v);
  out += ", \"EventReceivedTime\": ";
  append_time(out, e.time + 1500, append_local_paris);
  out += ", \"SourceModuleName\": \"in_eventlog\", \"SourceModuleType\": \"im_msvistalog\"}";
  return out;
}

namespace {

void fortigate_header(std::string& out, const Site& site, std::int64_t time, int pri,
                      std::string_view logid, std::string_view level, std::string_view logdesc) {
  out += '<';
  out += std::to_string(pri);
  out += ">date=";
  append_fortigate_date(out, time);
  out += " time=";
  append_fortigate_time(out, time);
  out += " devname=\"";
  out += site.vpn_gateway;
  out += "\" devid=\"FG100FTK2200";
  char serial[8];
  std::snprintf(serial, sizeof serial, "%04d", static_cast<int>(label_hash(site.est.id) % 10000));
  out += serial;
  out += "\" eventtime=";
  // FortiOS 7.x writes nanoseconds.
  out += std::to_string(time);
  out += std::to_string(1'000'000 + (label_hash(std::to_string(time)) % 1'000'000)).substr(1);
  out += " tz=\"";
  append_fortigate_tz(out, time);
  out += "\" logid=\"";
  out += logid;
  out += "\" type=\"event\" subtype=\"vpn\" level=\"";
  out += level;
  out += "\" vd=\"root\" logdesc=\"";
  out += logdesc;
  out += '"';
}

std::string asa_line(const Site& site, std::int64_t time, int severity, std::string_view id,
                     std::string_view text) {
  std::string out = "<";
  out += std::to_string(20 * 8 + severity);  // facility local4
  out += '>';
  append_asa_paris(out, time);
  out += ' ';
  out += site.vpn_gateway;
  out += " : %ASA-";
  out += std::to_string(severity);
  out += '-';
  out += id;
  out += ": ";
  out += text;
  return out;
}

std::string asa_duration(std::int64_t s) {
  char buf[48];
  if (s >= 86400) {
    std::snprintf(buf, sizeof buf, "%lldd %lldh:%02lldm:%02llds", static_cast<long long>(s / 86400),
                  static_cast<long long>(s / 3600 % 24), static_cast<long long>(s / 60 % 60),
                  static_cast<long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lldh:%02lldm:%02llds", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  }
  return buf;
}

// The FortiGate's one line for `e`.
std::string fortigate_line(const Site& site, const VpnEvent& e) {
  std::string line;
  line.reserve(600);
  switch (e.kind) {
    case VpnEvent::Kind::kLoginFail:
      fortigate_header(line, site, e.time, 185, "0101039426", "alert", "SSL VPN login fail");
      line += " action=\"ssl-login-fail\" tunneltype=\"ssl-web\" tunnelid=0 remip=";
      line += e.remote_ip;
      line += " user=\"";
      line += e.user;
      line += "\" group=\"N/A\" dst_host=\"N/A\" reason=\"";
      line += e.unknown_user ? "sslvpn_login_unknown_user" : "sslvpn_login_permission_denied";
      line += "\" msg=\"SSL user failed to logged in\"";
      break;
    case VpnEvent::Kind::kNewConnection:
      fortigate_header(line, site, e.time, 190, "0101039943", "information",
                       "SSL VPN new connection");
      line += " action=\"ssl-new-con\" tunneltype=\"ssl\" tunnelid=";
      line += std::to_string(e.tunnel_id);
      line += " remip=";
      line += e.remote_ip;
      line +=
          " user=\"N/A\" group=\"N/A\" dst_host=\"N/A\" reason=\"N/A\" msg=\"SSL new "
          "connection\"";
      break;
    case VpnEvent::Kind::kTunnelUp:
    case VpnEvent::Kind::kTunnelDown: {
      const bool up = e.kind == VpnEvent::Kind::kTunnelUp;
      fortigate_header(line, site, e.time, 190, up ? "0101039947" : "0101039948", "information",
                       up ? "SSL VPN tunnel up" : "SSL VPN tunnel down");
      line += up ? " action=\"tunnel-up\"" : " action=\"tunnel-down\"";
      line += " tunneltype=\"ssl-tunnel\" tunnelid=";
      line += std::to_string(e.tunnel_id);
      line += " remip=";
      line += e.remote_ip;
      line += " tunnelip=";
      line += e.tunnel_ip;
      line += " user=\"";
      line += e.user;
      line += "\" group=\"";
      line += e.group;
      if (up) {
        line += "\" dst_host=\"N/A\" reason=\"tunnel established\" msg=\"SSL tunnel established\"";
        break;
      }
      line += "\" dst_host=\"N/A\" reason=\"User requested termination of service\" duration=";
      line += std::to_string(e.duration_s);
      line += " sentbyte=";
      line += std::to_string(e.bytes_to_client);
      line += " rcvdbyte=";
      line += std::to_string(e.bytes_from_client);
      line += " msg=\"SSL tunnel shutdown\"";
      break;
    }
  }
  return line;
}

}  // namespace

void render_vpn(const Site& site, const VpnEvent& e,
                std::vector<std::pair<std::int64_t, std::string>>& out) {
  if (site.vpn_vendor == VpnVendor::kFortigate) {
    out.emplace_back(e.time, fortigate_line(site, e));
    return;
  }
  // Cisco ASA, AnyConnect with SAML or AAA (RADIUS) authentication.
  const std::string aaa = "10." + std::to_string(site.net) + ".1.12";
  const std::string who = "Group <" + e.group + "> User <" + e.user + "> IP <" + e.remote_ip + ">";
  // One message, `delay` ms after the event.
  auto line = [&](std::int64_t delay, int severity, std::string_view id, const std::string& text) {
    out.emplace_back(e.time + delay, asa_line(site, e.time + delay, severity, id, text));
  };
  switch (e.kind) {
    case VpnEvent::Kind::kLoginFail:
      line(0, 6, "113005",
           "AAA user authentication Rejected : reason = " +
               std::string(e.unknown_user ? "Unknown user" : "AAA failure") + " : server = " + aaa +
               " : user = " + e.user + " : user IP = " + e.remote_ip);
      break;
    case VpnEvent::Kind::kNewConnection:
      break;  // the ASA logs nothing before authentication
    case VpnEvent::Kind::kTunnelUp:
      line(0, 6, "113004",
           "AAA user authentication Successful : server = " + aaa + " : user = " + e.user);
      line(0, 6, "113008", "AAA transaction status ACCEPT : user = " + e.user);
      line(600, 6, "113039", who + " AnyConnect parent session started.");
      line(1400, 6, "722022", who + " TCP SVC connection established without compression");
      line(1500, 4, "722051",
           who + " IPv4 Address <" + e.tunnel_ip + "> IPv6 address <::> assigned to session");
      break;
    case VpnEvent::Kind::kTunnelDown:
      line(0, 4, "113019",
           "Group = " + e.group + ", Username = " + e.user + ", IP = " + e.remote_ip +
               ", Session disconnected. Session Type: AnyConnect-Parent, Duration: " +
               asa_duration(e.duration_s) + ", Bytes xmt: " + std::to_string(e.bytes_to_client) +
               ", Bytes rcv: " + std::to_string(e.bytes_from_client) + ", Reason: User Requested");
      break;
  }
}

namespace {

constexpr std::string_view kDcm = "http://dicom.nema.org/resources/ontology/DCM";
constexpr std::string_view kActReason = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
constexpr std::string_view kEntityType = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
constexpr std::string_view kObjectRole = "http://terminology.hl7.org/CodeSystem/object-role";
constexpr std::string_view kRestful = "http://hl7.org/fhir/restful-interaction";

struct Coding {
  std::string_view system, code, display;
};

void coding(std::string& out, std::string_view system, std::string_view code,
            std::string_view display) {
  out += "{\"system\": ";
  append_string(out, system);
  out += ", \"code\": ";
  append_string(out, code);
  out += ", \"display\": ";
  append_string(out, display);
  out += '}';
}
void coding(std::string& out, const Coding& c) { coding(out, c.system, c.code, c.display); }

// What an AuditEvent says of each EhrEvent::Kind (in the enum's order).
struct FhirKind {
  const char* profile;  // the BALP profile, or nullptr
  Coding type;
  const char* action;
  Coding subtype;  // code "": none
};
constexpr FhirKind kFhirKinds[] = {
    {nullptr, {kDcm, "110114", "User Authentication"}, "E", {kDcm, "110122", "Login"}},
    {nullptr, {kDcm, "110114", "User Authentication"}, "E", {kDcm, "110122", "Login"}},
    {nullptr, {kDcm, "110114", "User Authentication"}, "E", {kDcm, "110123", "Logout"}},
    {"https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientRead",
     {"http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "Restful Operation"},
     "R",
     {kRestful, "read", "read"}},
    {"https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientQuery",
     {"http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "Restful Operation"},
     "E",
     {kRestful, "search-type", "search type"}},
    {nullptr,
     {kDcm, "110113", "Security Alert"},
     "E",
     {kDcm, "110127", "Emergency Override Started"}},
    {nullptr, {kDcm, "110106", "Export"}, "R", {}},
};
static_assert(std::size(kFhirKinds) == static_cast<std::size_t>(EhrEvent::Kind::kPrint) + 1);

// An entity's `"type": ..., "role": ...`.
void entity_type_role(std::string& out, std::string_view type, std::string_view type_display,
                      std::string_view role, std::string_view role_display) {
  out += "\"type\": ";
  coding(out, kEntityType, type, type_display);
  out += ", \"role\": ";
  coding(out, kObjectRole, role, role_display);
}

// A system object entity, open for more members: `{"what": {"reference": ...}, "type": ...`.
void system_object(std::string& out, std::string_view reference, std::string_view role,
                   std::string_view role_display) {
  out += "{\"what\": {\"reference\": ";
  append_string(out, reference);
  out += "}, ";
  entity_type_role(out, "2", "System Object", role, role_display);
}

void fhir_user_agent(std::string& out, const Site& site, const EhrEvent& e, bool emergency) {
  const Staff& u = *e.user;
  const std::string_view login = e.login.empty() ? std::string_view(u.ehr_login) : e.login;
  out += "{\"type\": {\"coding\": [";
  coding(out, "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP",
         "information recipient");
  out += "]}, \"who\": {\"display\": ";
  append_string(out, display_name(u));
  if (!u.rpps.empty()) {
    out += ", \"identifier\": {\"system\": \"urn:oid:1.2.250.1.71.4.2.1\", \"value\": ";
    append_string(out, "8" + u.rpps);
    out += '}';
  }
  out += "}, \"altId\": ";
  append_string(out, login);
  out += ", \"name\": ";
  append_string(out, display_name(u));
  out += ", \"requestor\": true, \"location\": {\"display\": ";
  append_string(out, "UF " + site.units[u.unit].code);
  out += "}, \"purposeOfUse\": [{\"coding\": [";
  if (emergency) {
    coding(out, kActReason, "ETREAT", "Emergency Treatment");
  } else {
    coding(out, kActReason, "TREAT", "treatment");
  }
  out += "]}]";
  const std::string_view code = role_code(u.role);
  if (!code.empty()) {
    out += ", \"role\": [{\"coding\": [";
    coding(out,
           "https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante",
           code, role_label(u.role));
    out += "]}]";
  }
  out += '}';
}

void fhir_client_agent(std::string& out, const EhrEvent& e) {
  out += "{\"type\": {\"coding\": [";
  coding(out, kDcm, "110152", "Destination Role ID");
  out += "]}, \"who\": {\"display\": ";
  append_string(out, e.workstation != nullptr ? e.workstation->name : std::string("VPN-CLIENT"));
  out += "}, \"requestor\": false, \"network\": {\"address\": ";
  append_string(out, e.client_ip);
  out += ", \"type\": \"2\"}}";
}

void fhir_server_agent(std::string& out, const Site& site) {
  out += "{\"type\": {\"coding\": [";
  coding(out, kDcm, "110153", "Source Role ID");
  out += "]}, \"who\": {\"identifier\": {\"value\": ";
  append_string(out, lower(site.dpi_server.name) + "." + site.dns_domain);
  out += "}}, \"requestor\": false, \"network\": {\"address\": ";
  append_string(out, "https://dpi." + site.dns_domain + "/fhir");
  out += ", \"type\": \"5\"}}";
}

// `, "entity": [` and the patient's entity.
void fhir_patient_entity(std::string& out, const Site& site, const Patient& p) {
  out += ", \"entity\": [{\"what\": {\"reference\": ";
  append_string(out, "Patient/p-" + p.ipp);
  out += ", \"identifier\": {\"system\": ";
  append_string(out, "urn:oid:" + site.ipp_oid);
  out += ", \"value\": ";
  append_string(out, p.ipp);
  out += "}}, ";
  entity_type_role(out, "1", "Person", "1", "Patient");
  out += ", \"name\": ";
  append_string(out, "IPP " + p.ipp);
  out += '}';
}

}  // namespace

std::string render_fhir(const Site& site, const EhrEvent& e, std::uint64_t uuid_bits) {
  const FhirKind& kind = kFhirKinds[static_cast<std::size_t>(e.kind)];
  std::string out;
  out.reserve(2600);
  out += "{\"resourceType\": \"AuditEvent\", \"id\": ";
  append_string(out, uuid_of(uuid_bits));
  out += ", \"meta\": {";
  if (kind.profile != nullptr) {
    out += "\"profile\": [";
    append_string(out, kind.profile);
    out += "]";
  }
  out += "}, \"type\": ";
  coding(out, kind.type);
  out += ", \"action\": ";
  append_string(out, kind.action);
  out += ", \"recorded\": ";
  append_time(out, e.time, [](std::string& o, std::int64_t t) { append_iso_paris(o, t, true); });
  out += ", \"outcome\": ";
  out += e.kind == EhrEvent::Kind::kLoginFailed ? "\"4\"" : "\"0\"";
  out += ", \"agent\": [";
  const bool rest = e.kind == EhrEvent::Kind::kRead || e.kind == EhrEvent::Kind::kQuery;
  if (rest) {
    fhir_server_agent(out, site);
    out += ", ";
    fhir_client_agent(out, e);
    out += ", ";
  }
  fhir_user_agent(out, site, e, e.kind == EhrEvent::Kind::kBreakGlass);
  if (!rest) {
    out += ", ";
    fhir_client_agent(out, e);
  }
  out += "], \"source\": {\"site\": ";
  append_string(out, "FINESS " + site.est.id);
  out += ", \"observer\": {\"display\": \"DPI-WEB\"}, \"type\": [";
  coding(out, "http://terminology.hl7.org/CodeSystem/security-source-type", "4",
         "Application Server");
  out += "]}";
  switch (e.kind) {
    case EhrEvent::Kind::kRead:
      fhir_patient_entity(out, site, *e.patient);
      out += ", ";
      system_object(out,
                    (e.object_id % 3 == 0 ? "Observation/obs-" : "DocumentReference/cr-") +
                        std::to_string(e.object_id),
                    "4", "Domain Resource");
      out += "}]";
      break;
    case EhrEvent::Kind::kQuery: {
      const std::string query =
          "Patient?family=" + e.query_family + "&_count=20&_sort=-_lastUpdated";
      out += ", \"entity\": [{";
      entity_type_role(out, "2", "System Object", "24", "Query");
      out += ", \"query\": ";
      append_string(out, base64("GET /fhir/" + query + " HTTP/1.1"));
      out += ", \"description\": ";
      append_string(out, query);
      out += "}]";
      break;
    }
    case EhrEvent::Kind::kBreakGlass:
      fhir_patient_entity(out, site, *e.patient);
      out += ", {\"type\": ";
      coding(out, kEntityType, "4", "Other");
      out += ", \"detail\": [{\"type\": \"motif_bris_de_glace\", \"valueString\": ";
      append_string(out, e.justification);
      out += "}]}]";
      break;
    case EhrEvent::Kind::kPrint:
      fhir_patient_entity(out, site, *e.patient);
      out += ", ";
      system_object(out, "Bundle/print-" + std::to_string(e.object_id), "20", "Job");
      out += ", \"detail\": [{\"type\": \"documentCount\", \"valueString\": ";
      append_string(out, std::to_string(e.documents));
      out += "}]}]";
      break;
    default:
      break;  // authentication: no entity
  }
  if (!kind.subtype.code.empty()) {
    out += ", \"subtype\": [";
    coding(out, kind.subtype);
    out += "]";
  }
  if (e.kind == EhrEvent::Kind::kLoginFailed) out += ", \"outcomeDesc\": \"Mot de passe invalide\"";
  if (e.kind == EhrEvent::Kind::kBreakGlass) {
    out += ", \"purposeOfEvent\": [{\"coding\": [";
    coding(out, kActReason, "ETREAT", "Emergency Treatment");
    out += "]}]";
  }
  out += '}';
  return out;
}

namespace {

// What the DPI's flat log says of each EhrEvent::Kind (in the enum's order): its event, and the
// result or action that follows it.
struct DpiFlatKind {
  const char* event;
  const char* key;  // nullptr: none
  const char* value;
};
constexpr DpiFlatKind kDpiFlatKinds[] = {
    {"AUTH_LOGIN", "result", "success"},        // kLogin
    {"AUTH_LOGIN", "result", "failure"},        // kLoginFailed
    {"AUTH_LOGOUT", "result", "success"},       // kLogout
    {"ACCESS_MEDICAL_DATA", "action", "READ"},  // kRead
    {"PATIENT_SEARCH", "action", "SEARCH"},     // kQuery
    {"BRIS_DE_GLACE", nullptr, nullptr},        // kBreakGlass
    {"EXPORT", "action", "PRINT_PDF"},          // kPrint
};
static_assert(std::size(kDpiFlatKinds) == static_cast<std::size_t>(EhrEvent::Kind::kPrint) + 1);

}  // namespace

std::string render_dpi_flat(const Site& site, const EhrEvent& e) {
  const Staff& u = *e.user;
  const std::string_view login = e.login.empty() ? std::string_view(u.ehr_login) : e.login;
  std::string out;
  out.reserve(700);
  out += "{\"finess_eg\": ";
  append_string(out, site.est.id);
  out += ", \"app\": \"DPI\", \"app_vendor\": \"Mediboard\", \"ts\": ";
  append_time(out, e.time, [](std::string& o, std::int64_t t) { append_iso_paris(o, t, false); });
  auto field = [&](std::string_view k, std::string_view v) { more(out, k, v); };
  const DpiFlatKind& kind = kDpiFlatKinds[static_cast<std::size_t>(e.kind)];
  field("event", kind.event);
  if (kind.key != nullptr) field(kind.key, kind.value);
  if (e.kind == EhrEvent::Kind::kLogin || e.kind == EhrEvent::Kind::kLoginFailed) {
    field("auth_method", site.index % 3 == 2 ? "basic" : "ldap");
  }
  out += ", \"user_id\": ";
  out += u.employee_id;
  field("user_login", login);
  if (!u.rpps.empty()) field("user_rpps", u.rpps);
  field("user_profile", role_profile(u.role));
  field("user_uf", site.units[u.unit].code);
  if (e.patient != nullptr) {
    field("object_class", e.kind == EhrEvent::Kind::kPrint ? "CPatient" : "CSejour");
    out += ", \"object_id\": ";
    out += std::to_string(e.object_id);
    field("patient_ipp", e.patient->ipp);
    if (!e.patient->nir.empty() && e.kind == EhrEvent::Kind::kRead) {
      field("patient_ins", e.patient->nir);
      field("patient_ins_oid", "1.2.250.1.213.1.4.10");
    }
    field("sejour_nda", e.patient->nda);
    field("sejour_uf", e.patient_unit);
  }
  if (e.kind == EhrEvent::Kind::kQuery) {
    out += ", \"search_terms_length\": ";
    out += std::to_string(e.query_family.size());
  }
  if (e.kind == EhrEvent::Kind::kBreakGlass) {
    field("role", "consultant");
    field("comment", e.justification);
  }
  if (e.kind == EhrEvent::Kind::kPrint) {
    out += ", \"document_count\": ";
    out += std::to_string(e.documents);
  }
  if (e.workstation != nullptr) field("workstation", e.workstation->name);
  field("client_ip", e.client_ip);
  field("session_id", e.session_id);
  if (e.kind == EhrEvent::Kind::kRead) field("datetime_rounding", "1m");
  out += '}';
  return out;
}

std::string render_hl7_adt(const Site& site, const AdtEvent& e) {
  const Patient& p = *e.patient;
  const Unit& unit = site.units[e.unit];
  const std::string fac = upper(site.dns_domain.substr(0, site.dns_domain.find('.')));
  const std::string auth = fac + "&" + site.ipp_oid + "&ISO";
  std::string when;
  append_hl7_paris(when, e.time);
  const char* trigger = e.kind == AdtEvent::Kind::kAdmit      ? "A01"
                        : e.kind == AdtEvent::Kind::kTransfer ? "A02"
                                                              : "A03";
  char msg_id[32];
  std::snprintf(msg_id, sizeof msg_id, "MSG%09llu",
                static_cast<unsigned long long>(e.message_number));
  char mvt_id[32];
  std::snprintf(mvt_id, sizeof mvt_id, "MVT%09llu",
                static_cast<unsigned long long>(e.movement_number));
  std::string out;
  out.reserve(900);
  // MSH
  out += "MSH|^~\\&|GAM|" + fac + "|DPI|" + fac + "|" + when + "||ADT^" + trigger + "^ADT_" +
         trigger + "|" + msg_id +
         "|P|2.5^FRA^2.11|||||FRA|UNICODE UTF-8|FR||2.11^IHE_FRANCE-2.11-PAM";
  // EVN
  out += "\rEVN||" + when + "||||" + when;
  // PID
  out += "\rPID|1||" + p.ipp + "^^^" + auth + "^PI";
  if (!p.nir.empty()) out += "~" + p.nir + "^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS";
  out += "||" + upper(p.family) + "^" + p.given + "^" + p.given + "^^^^L||" + p.birth + "|";
  out += p.sex;
  out += "|||" + std::to_string(1 + label_hash(p.ipp) % 80) + " rue des Tilleuls^^" +
         upper(fac.substr(fac.find('-') + 1)) + "^^99" +
         std::to_string(100 + label_hash(p.ipp) % 800) + "^FRA^H|||||||" + p.nda + "^^^" + auth +
         "^AN||||||||||||N||" + (p.nir.empty() ? "PROV" : "VALI");
  // PV1
  const std::string uf = unit.code + "^^^" + auth;
  out += "\rPV1|1|";
  out += e.emergency && e.kind == AdtEvent::Kind::kAdmit ? "E" : "I";
  out += "|" + uf + "|||";
  if (e.kind == AdtEvent::Kind::kTransfer) out += site.units[e.prior_unit].code + "^^^" + auth;
  out += "|";
  if (!e.attending_rpps.empty()) {
    out += "8" + e.attending_rpps + "^" + upper(e.attending_family) + "^" + e.attending_given +
           "^^^^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^D^^^RPPS";
  }
  out += "||||||||||||" + p.nda + "^^^" + auth + "^VN|||||||||||||||||||||||||";
  std::string admitted;
  append_hl7_paris(admitted, p.admitted);
  out += admitted;
  if (e.kind == AdtEvent::Kind::kDischarge) out += "|" + when;
  // ZBE
  const std::string ward = unit.name + "^^^^^" + auth + "^UF^^^" + unit.code;
  out += "\rZBE|" + std::string(mvt_id) + "^" + fac + "^" + site.ipp_oid + "^ISO|" + when +
         "||INSERT|N||" + ward + "|" + ward + "|HMS";
  return out;
}

}  // namespace vigie::demo
