// Tests of the logsource map: the built-in data, entries_for(), user files and their diagnostics,
// and the Diagnostics renderers that every loader shares.
#include "rules/logsource_map.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "rules/diagnostics.h"

namespace vigie::rules {
namespace {

std::vector<std::string> names_of(const LogsourceMap& map, const std::vector<std::size_t>& ids) {
  std::vector<std::string> names;
  names.reserve(ids.size());
  for (std::size_t id : ids) names.push_back(map.entries.at(id).name);
  return names;
}

std::vector<std::string> entries_for(const LogsourceMap& map, std::string_view product,
                                     std::string_view service, std::string_view category) {
  return names_of(map, map.entries_for(product, service, category));
}

// ---- built-in data ---------------------------------------------------------------------------

TEST(BuiltinLogsourceMap, ParsesWithoutDiagnostics) {
  LogsourceMap map;
  Diagnostics diags;
  ASSERT_TRUE(load_logsource_map_text(builtin_logsource_map_yaml(),
                                      std::string(kBuiltinLogsourceMapLabel), map, diags));
  EXPECT_TRUE(diags.empty()) << diags.render_text();
  EXPECT_GT(map.entries.size(), 80u);

  std::set<std::string> names;
  for (const LogsourceEntry& e : map.entries) {
    EXPECT_FALSE(e.name.empty());
    EXPECT_TRUE(names.insert(e.name).second) << "duplicate name " << e.name;
    EXPECT_FALSE(e.when.empty()) << e.name;
    EXPECT_EQ(e.file, kBuiltinLogsourceMapLabel);
    EXPECT_GT(e.line, 0) << e.name;
    for (const LogsourceCondition& c : e.when) EXPECT_FALSE(c.values.empty()) << e.name;
  }
  // builtin_logsource_map() is the same table, parsed once.
  const LogsourceMap builtin = builtin_logsource_map();
  ASSERT_EQ(builtin.entries.size(), map.entries.size());
  EXPECT_EQ(builtin.entries.front().name, "windows");
  EXPECT_EQ(builtin.unmapped.size(), map.unmapped.size());
}

TEST(BuiltinLogsourceMap, ProcessCreationFromSecurityRenamesFields) {
  const LogsourceMap map = builtin_logsource_map();
  const LogsourceEntry* e = map.find("process_creation-security");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->category, "process_creation");
  using Pair = std::pair<std::string, std::string>;
  EXPECT_NE(
      std::find(e->fieldmappings.begin(), e->fieldmappings.end(), Pair("Image", "NewProcessName")),
      e->fieldmappings.end());
  EXPECT_NE(std::find(e->fieldmappings.begin(), e->fieldmappings.end(),
                      Pair("ParentImage", "ParentProcessName")),
            e->fieldmappings.end());
  // Sysmon's process_creation needs no renaming.
  ASSERT_NE(map.find("process_creation-sysmon"), nullptr);
  EXPECT_TRUE(map.find("process_creation-sysmon")->fieldmappings.empty());
}

// Every service and category the SigmaHQ windows rules use (snapshot in shared/sigmahq), plus the
// ones named by thor.yml and pySigma; each must reach at least one entry.
TEST(BuiltinLogsourceMap, CoversWindowsServicesAndCategories) {
  const LogsourceMap map = builtin_logsource_map();
  const char* services[] = {"security",
                            "system",
                            "application",
                            "sysmon",
                            "powershell",
                            "powershell-classic",
                            "taskscheduler",
                            "wmi",
                            "dns-server",
                            "dns-server-analytic",
                            "dns-server-audit",
                            "dns-client",
                            "driver-framework",
                            "ntlm",
                            "firewall-as",
                            "bits-client",
                            "codeintegrity-operational",
                            "applocker",
                            "msexchange-management",
                            "printservice-admin",
                            "printservice-operational",
                            "smbclient-security",
                            "smbclient-connectivity",
                            "smbserver-connectivity",
                            "ldap",
                            "ldap_debug",
                            "windefend",
                            "security-mitigations",
                            "terminalservices-localsessionmanager",
                            "microsoft-servicebus-client",
                            "servicebus-client",
                            "diagnosis-scripted",
                            "shell-core",
                            "openssh",
                            "lsa-server",
                            "appxdeployment-server",
                            "appxpackaging-om",
                            "appmodel-runtime",
                            "capi2",
                            "certificateservicesclient-lifecycle-system",
                            "iis-configuration",
                            "dhcp",
                            "bitlocker",
                            "vhdmp",
                            "kernel-shimengine",
                            "application-experience",
                            "ntfs",
                            "hyper-v-worker",
                            "kernel-event-tracing",
                            "sense"};
  for (const char* s : services) {
    EXPECT_EQ(map.entries_for("windows", s, "").size(), 1u) << s;
  }
  const char* categories[] = {"process_creation",
                              "network_connection",
                              "registry_add",
                              "registry_set",
                              "registry_delete",
                              "registry_event",
                              "registry_rename",
                              "file_event",
                              "file_delete",
                              "file_change",
                              "file_delete_detected",
                              "image_load",
                              "pipe_created",
                              "ps_script",
                              "ps_module",
                              "ps_classic_start",
                              "ps_classic_provider_start",
                              "ps_classic_script",
                              "dns_query",
                              "create_remote_thread",
                              "process_access",
                              "driver_load",
                              "wmi_event",
                              "raw_access_thread",
                              "process_tampering",
                              "clipboard_capture",
                              "create_stream_hash",
                              "sysmon_error",
                              "sysmon_status",
                              "file_executable_detected",
                              "file_block_executable",
                              "file_block_shredding",
                              "process_termination"};
  for (const char* c : categories) {
    EXPECT_FALSE(map.entries_for("windows", "", c).empty()) << c;
  }
  // Logsources without a real log behind them are recorded as such, not mapped.
  for (const char* c : {"file_access", "file_rename"}) {
    EXPECT_TRUE(map.entries_for("windows", "", c).empty()) << c;
    const UnmappedLogsource* u = map.find_unmapped("windows", "", c);
    ASSERT_NE(u, nullptr) << c;
    EXPECT_FALSE(u->reason.empty());
  }
}

// The same check over the corpus itself: every (service, category) that a `product: windows` rule
// declares is mapped or listed as unmapped. Reads the logsource block line by line, as
// scripts/logsource_coverage.py does.
TEST(BuiltinLogsourceMap, CoversEveryWindowsLogsourceOfTheCorpus) {
  namespace fs = std::filesystem;
  const fs::path corpus = fs::path(VIGIE_SHARED_DIR) / "sigmahq";
  if (!fs::exists(corpus)) GTEST_SKIP() << "no SigmaHQ corpus at " << corpus;
  const LogsourceMap map = builtin_logsource_map();
  const std::regex key_re(R"(^\s+(product|service|category):\s*['"]?([^'"\s#]+))");
  std::map<std::pair<std::string, std::string>, int> seen;
  int rules = 0;
  for (const auto& item : fs::recursive_directory_iterator(corpus)) {
    if (!item.is_regular_file() || item.path().extension() != ".yml") continue;
    if (item.path().parent_path().filename() == "sigmahq") continue;  // thor.yml etc.
    std::ifstream in(item.path());
    std::string line;
    std::map<std::string, std::string> ls;
    bool in_logsource = false;
    auto flush = [&] {
      if (ls["product"] == "windows") {
        ++rules;
        ++seen[{ls["service"], ls["category"]}];
      }
      ls.clear();
    };
    while (std::getline(in, line)) {
      if (line == "---") flush();
      if (line.rfind("logsource:", 0) == 0) {
        in_logsource = true;
        continue;
      }
      if (!in_logsource) continue;
      std::smatch m;
      if (std::regex_search(line, m, key_re)) {
        ls[m[1]] = m[2];
      } else if (!line.empty() && line[0] != ' ' && line[0] != '#') {
        in_logsource = false;
      }
    }
    flush();
  }
  EXPECT_GT(rules, 2000);
  for (const auto& [key, count] : seen) {
    const auto& [service, category] = key;
    const bool mapped = !map.entries_for("windows", service, category).empty();
    const bool known = map.find_unmapped("windows", service, category) != nullptr;
    EXPECT_TRUE(mapped || known) << "windows/" << service << "/" << category << " used by " << count
                                 << " rules is neither mapped nor listed as unmapped";
  }
}

// ---- entries_for -----------------------------------------------------------------------------

struct EntriesForCase {
  const char* product;
  const char* service;
  const char* category;
  std::vector<std::string> expected;
};

class EntriesFor : public ::testing::TestWithParam<EntriesForCase> {};

TEST_P(EntriesFor, SelectsTheFittingEntries) {
  const EntriesForCase& c = GetParam();
  const LogsourceMap map = builtin_logsource_map();
  EXPECT_EQ(entries_for(map, c.product, c.service, c.category), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Builtin, EntriesFor,
    ::testing::Values(EntriesForCase{"windows", "security", "", {"windows-security"}},
                      // A category reaches every source of it, in table order.
                      EntriesForCase{"windows",
                                     "",
                                     "process_creation",
                                     {"process_creation-sysmon", "process_creation-security"}},
                      EntriesForCase{"windows", "", "ps_script", {"ps_script-powershell"}},
                      EntriesForCase{"windows", "", "registry_delete", {"registry_delete-sysmon"}},
                      // Keys compare case-insensitively.
                      EntriesForCase{"Windows", "SECURITY", "", {"windows-security"}},
                      // A product-only rule gets the one product-level entry: the service and
                      // category entries are implied by it (Channel present) and would add nothing.
                      EntriesForCase{"windows", "", "", {"windows"}},
                      // A rule without product fits entries of any product.
                      EntriesForCase{"", "", "antivirus", {"antivirus-windefend"}},
                      EntriesForCase{"", "security", "", {"windows-security"}},
                      // Nothing Windows for other products, and nothing for keys no entry combines.
                      EntriesForCase{"linux", "", "", {}},
                      EntriesForCase{"linux", "", "process_creation", {}},
                      EntriesForCase{"windows", "sysmon", "process_creation", {}},
                      EntriesForCase{"windows", "no-such-service", "", {}},
                      // No logsource at all: {} and the rule is unrestricted.
                      EntriesForCase{"", "", "", {}}));

TEST(LogsourceMapEntriesFor, EmptyLogsourceIsUnrestricted) {
  EXPECT_TRUE(LogsourceMap::unrestricted("", "", ""));
  EXPECT_FALSE(LogsourceMap::unrestricted("linux", "", ""));
  EXPECT_FALSE(LogsourceMap::unrestricted("", "", "process_creation"));
}

TEST(LogsourceMapEntriesFor, KeepsMappedEntriesAndEqualRankEntries) {
  // `b` is implied by `a` but `a` is not more generic (same keys), so both stay; `c` is implied by
  // `a` and more specific, so a product-only rule drops it; `d` is not implied (other field).
  LogsourceMap map;
  Diagnostics diags;
  ASSERT_TRUE(load_logsource_map_text(R"(
entries:
  - {name: a, product: p, when: {Channel: '*'}}
  - {name: b, product: p, when: {Channel: X}}
  - {name: c, product: p, category: k, when: {Channel: X, EventID: 1}}
  - {name: d, product: p, category: k, when: {Other: 1}}
  - {name: e, product: p, category: k, when: {Channel: X, EventID: 2}, fieldmappings: {A: B}}
)",
                                      "t.yml", map, diags))
      << diags.render_text();
  EXPECT_EQ(entries_for(map, "p", "", ""), (std::vector<std::string>{"a", "b", "d"}));
  EXPECT_EQ(entries_for(map, "p", "", "k"), (std::vector<std::string>{"c", "d", "e"}));
}

// ---- user files ------------------------------------------------------------------------------

TEST(LogsourceMapUserFile, OverridesByNameAndAppendsNewNames) {
  LogsourceMap map = builtin_logsource_map();
  const std::size_t builtin_size = map.entries.size();
  const auto security_index = map.entries_for("windows", "security", "").at(0);
  Diagnostics diags;
  ASSERT_TRUE(load_logsource_map_text(R"(entries:
  - name: windows-security
    product: windows
    service: security
    when: {Channel: [Security, ForwardedEvents], Computer: DC01}
  - name: vpn-fortigate
    product: fortigate
    service: sslvpn
    when: {Provider_Name: fortigate, EventID: [39947, 39948]}
    fieldmappings: {SourceIp: remip}
)",
                                      "site.yml", map, diags))
      << diags.render_text();
  EXPECT_TRUE(diags.empty()) << diags.render_text();
  ASSERT_EQ(map.entries.size(), builtin_size + 1);

  // Replaced in place: same index, new definition and origin.
  const LogsourceEntry& security = map.entries[security_index];
  EXPECT_EQ(security.name, "windows-security");
  ASSERT_EQ(security.when.size(), 2u);
  EXPECT_EQ(security.when[0].field, "Channel");
  EXPECT_EQ(security.when[0].values, (std::vector<std::string>{"Security", "ForwardedEvents"}));
  EXPECT_EQ(security.when[1].field, "Computer");
  EXPECT_EQ(security.file, "site.yml");
  EXPECT_EQ(security.line, 2);

  const LogsourceEntry& vpn = map.entries.back();
  EXPECT_EQ(vpn.name, "vpn-fortigate");
  EXPECT_EQ(vpn.line, 6);
  EXPECT_EQ(vpn.when[1].values, (std::vector<std::string>{"39947", "39948"}));
  ASSERT_EQ(vpn.fieldmappings.size(), 1u);
  EXPECT_EQ(vpn.fieldmappings[0], (std::pair<std::string, std::string>("SourceIp", "remip")));
  EXPECT_EQ(entries_for(map, "fortigate", "sslvpn", ""),
            (std::vector<std::string>{"vpn-fortigate"}));
}

TEST(LogsourceMapUserFile, DisabledRemovesAnEntry) {
  LogsourceMap map = builtin_logsource_map();
  const std::size_t builtin_size = map.entries.size();
  Diagnostics diags;
  ASSERT_TRUE(
      load_logsource_map_text("entries:\n  - {name: process_creation-security, disabled: true}\n"
                              "  - {name: no-such-entry, disabled: true}\n",
                              "site.yml", map, diags));
  EXPECT_EQ(map.entries.size(), builtin_size - 1);
  EXPECT_EQ(map.find("process_creation-security"), nullptr);
  EXPECT_EQ(entries_for(map, "windows", "", "process_creation"),
            (std::vector<std::string>{"process_creation-sysmon"}));
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].code, "logsource-disable-unknown");
  EXPECT_EQ(diags.items()[0].severity, Severity::kWarning);
  EXPECT_EQ(diags.items()[0].line, 3);
}

TEST(LogsourceMapUserFile, EmptyEntriesIsValid) {
  LogsourceMap map;
  Diagnostics diags;
  EXPECT_TRUE(load_logsource_map_text("entries:\n", "e.yml", map, diags));
  EXPECT_TRUE(load_logsource_map_text("entries: []\n", "e.yml", map, diags));
  EXPECT_TRUE(diags.empty()) << diags.render_text();
  EXPECT_TRUE(map.entries.empty());
}

TEST(LogsourceMapUserFile, UnmappedRecordsAreAppended) {
  LogsourceMap map;
  Diagnostics diags;
  ASSERT_TRUE(load_logsource_map_text(
      "entries: []\nunmapped:\n  - {product: linux, service: auditd, reason: not collected}\n",
      "u.yml", map, diags));
  const UnmappedLogsource* u = map.find_unmapped("Linux", "AUDITD", "");
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->reason, "not collected");
  EXPECT_EQ(u->line, 3);
  EXPECT_EQ(map.find_unmapped("linux", "", ""), nullptr);
}

TEST(LogsourceMapUserFile, LoadsFromDisk) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / "vigie_logsource_map_test.yml";
  {
    std::ofstream out(path);
    out << "entries:\n  - name: ehr-audit\n    product: ehr\n    when: {Source: ehr}\n";
  }
  LogsourceMap map;
  Diagnostics diags;
  EXPECT_TRUE(load_logsource_map_file(path.string(), map, diags)) << diags.render_text();
  ASSERT_EQ(map.entries.size(), 1u);
  EXPECT_EQ(map.entries[0].file, path.string());
  std::filesystem::remove(path);

  EXPECT_FALSE(load_logsource_map_file(path.string(), map, diags));
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].code, "file-unreadable");
  EXPECT_EQ(diags.items()[0].file, path.string());
  EXPECT_EQ(map.entries.size(), 1u);
}

// The example of docs/logsource.md, loaded as a user would.
TEST(LogsourceMapDocs, ExampleLoads) {
  std::ifstream in(std::string(VIGIE_SOURCE_DIR) + "/docs/logsource.md");
  ASSERT_TRUE(in) << "docs/logsource.md not found";
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string marker = "<!-- example: site-logsources.yml -->";
  std::size_t at = doc.find(marker);
  ASSERT_NE(at, std::string::npos);
  at = doc.find("```yaml\n", at);
  ASSERT_NE(at, std::string::npos);
  at += 8;
  const std::size_t end = doc.find("```", at);
  ASSERT_NE(end, std::string::npos);
  const std::string yaml = doc.substr(at, end - at);

  LogsourceMap map = builtin_logsource_map();
  const std::size_t builtin_size = map.entries.size();
  Diagnostics diags;
  ASSERT_TRUE(load_logsource_map_text(yaml, "site-logsources.yml", map, diags));
  EXPECT_TRUE(diags.empty()) << diags.render_text();
  EXPECT_EQ(map.entries.size(), builtin_size);  // one removed, one added, one replaced
  EXPECT_EQ(entries_for(map, "windows", "", "process_creation"),
            (std::vector<std::string>{"process_creation-sysmon"}));
  EXPECT_EQ(entries_for(map, "windows", "", "file_access"),
            (std::vector<std::string>{"file_access-contoso-edr"}));
  const LogsourceEntry* edr = map.find("file_access-contoso-edr");
  ASSERT_NE(edr, nullptr);
  EXPECT_EQ(edr->fieldmappings.at(0),
            (std::pair<std::string, std::string>("FileName", "TargetPath")));
  const LogsourceEntry* dns = map.find("windows-dns-server");
  ASSERT_NE(dns, nullptr);
  EXPECT_EQ(dns->file, "site-logsources.yml");
  EXPECT_EQ(dns->when.at(0).values, (std::vector<std::string>{"DNS Server", "Forwarded-DNS"}));
}

// ---- malformed user files: every problem is reported with its position -------------------------

struct BadFileCase {
  const char* what;
  const char* yaml;
  std::vector<std::string> expected;  // "code@line:col", in order; warnings prefixed "w:"
  bool applies = false;               // warnings only: the file still loads
};

std::string describe(const Diagnostic& d) {
  return std::string(d.severity == Severity::kWarning ? "w:" : "") + d.code + "@" +
         std::to_string(d.line) + ":" + std::to_string(d.column);
}

class BadLogsourceFile : public ::testing::TestWithParam<BadFileCase> {};

TEST_P(BadLogsourceFile, ReportsWithLineAndColumn) {
  const BadFileCase& c = GetParam();
  LogsourceMap map = builtin_logsource_map();
  const std::size_t before = map.entries.size();
  const std::string first_when_field = map.entries[1].when[0].values[0];
  Diagnostics diags;
  const bool ok = load_logsource_map_text(c.yaml, "bad.yml", map, diags);
  EXPECT_EQ(ok, c.applies);
  std::vector<std::string> got;
  for (const Diagnostic& d : diags.items()) {
    got.push_back(describe(d));
    EXPECT_EQ(d.file, "bad.yml");
    EXPECT_FALSE(d.message.empty());
  }
  EXPECT_EQ(got, c.expected) << diags.render_text();
  if (!c.applies) {
    // All or nothing: the map is untouched.
    EXPECT_EQ(map.entries.size(), before);
    EXPECT_EQ(map.entries[1].when[0].values[0], first_when_field);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadLogsourceFile,
    ::testing::Values(
        BadFileCase{"unclosed flow list",
                    "entries:\n  - name: a\n    product: p\n    when: {Channel: [Security\n",
                    {"yaml-syntax@5:1"}},
        BadFileCase{"tab indentation", "entries:\n\t- name: a\n", {"yaml-syntax@2:2"}},
        BadFileCase{"unquoted star is an alias",
                    "entries:\n  - name: a\n    product: p\n    when: {Channel: *}\n",
                    {"yaml-syntax@4:22"}},
        BadFileCase{"root is a list", "- a\n- b\n", {"logsource-schema@1:1"}},
        BadFileCase{"empty document", "", {"logsource-schema@0:0"}},
        BadFileCase{"no entries key",
                    "entry:\n  - name: a\n",
                    {"w:logsource-unknown-key@1:1", "logsource-schema@1:1"}},
        BadFileCase{"entries is a map", "entries:\n  name: a\n", {"logsource-schema@2:3"}},
        BadFileCase{"entry is a string", "entries:\n  - just-a-name\n", {"logsource-schema@2:5"}},
        BadFileCase{"missing name",
                    "entries:\n  - product: windows\n    when: {Channel: X}\n",
                    {"logsource-missing-name@2:5"}},
        BadFileCase{"no logsource key",
                    "entries:\n  - name: a\n    when: {Channel: X}\n",
                    {"logsource-no-key@2:5"}},
        BadFileCase{
            "no when", "entries:\n  - name: a\n    product: p\n", {"logsource-empty-when@2:5"}},
        BadFileCase{"when value is a map",
                    "entries:\n  - name: a\n    product: p\n    when: {Channel: {x: 1}}\n",
                    {"logsource-schema@4:21"}},
        BadFileCase{"when value is an empty list",
                    "entries:\n  - name: a\n    product: p\n    when:\n      EventID: []\n",
                    {"logsource-schema@5:16"}},
        BadFileCase{"when value is null",
                    "entries:\n  - name: a\n    product: p\n    when:\n      EventID:\n",
                    {"logsource-schema@5:7"}},
        BadFileCase{"when is a list",
                    "entries:\n  - name: a\n    product: p\n    when: [Channel]\n",
                    {"logsource-schema@4:11"}},
        BadFileCase{"duplicate when field",
                    "entries:\n  - name: a\n    product: p\n    when:\n      Channel: A\n"
                    "      Channel: B\n",
                    {"yaml-duplicate-key@6:7"}},
        BadFileCase{"duplicate entry key",
                    "entries:\n  - name: a\n    product: p\n    product: q\n"
                    "    when: {Channel: A}\n",
                    {"yaml-duplicate-key@4:5"}},
        BadFileCase{"duplicate name",
                    "entries:\n  - {name: a, product: p, when: {Channel: A}}\n"
                    "  - {name: a, product: p, when: {Channel: B}}\n",
                    {"logsource-duplicate-name@3:5"}},
        BadFileCase{"product is a list",
                    "entries:\n  - name: a\n    product: [p]\n    when: {Channel: A}\n",
                    {"logsource-schema@3:14"}},
        BadFileCase{"fieldmappings target is a list",
                    "entries:\n  - name: a\n    product: p\n    when: {Channel: A}\n"
                    "    fieldmappings: {Image: [x, y]}\n",
                    {"logsource-schema@5:28"}},
        BadFileCase{"disabled is not a bool",
                    "entries:\n  - {name: a, disabled: maybe}\n",
                    {"logsource-schema@2:25"}},
        BadFileCase{
            "several problems are all reported",
            "entries:\n  - name: a\n    when: {Channel: A}\n  - product: p\n"
            "    when: {Channel: A}\n  - name: c\n    product: p\n",
            {"logsource-no-key@2:5", "logsource-missing-name@4:5", "logsource-empty-when@6:5"}},
        BadFileCase{"typo in a key is a warning",
                    "entries:\n  - name: a\n    product: p\n    when: {Channel: A}\n"
                    "    fieldmapping: {Image: NewProcessName}\n",
                    {"w:logsource-unknown-key@5:5"},
                    true}),
    [](const ::testing::TestParamInfo<BadFileCase>& info) {
      std::string name = info.param.what;
      for (char& ch : name) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return name;
    });

// ---- value semantics shared with the index ---------------------------------------------------

TEST(LogsourceValues, ParseDecimal) {
  struct Case {
    const char* text;
    std::optional<std::int64_t> value;
  };
  const Case cases[] = {{"0", 0},
                        {"4688", 4688},
                        {"04688", 4688},
                        {"-1", -1},
                        {"9223372036854775807", INT64_MAX},
                        {"-9223372036854775808", INT64_MIN},
                        {"9223372036854775808", std::nullopt},
                        {"12345678901234567890", std::nullopt},
                        {"", std::nullopt},
                        {"-", std::nullopt},
                        {"+1", std::nullopt},
                        {" 1", std::nullopt},
                        {"1 ", std::nullopt},
                        {"0x17", std::nullopt},
                        {"1.0", std::nullopt},
                        {"*", std::nullopt}};
  for (const Case& c : cases) EXPECT_EQ(logsource::parse_decimal(c.text), c.value) << c.text;
}

TEST(LogsourceValues, ValuesEqual) {
  EXPECT_TRUE(logsource::values_equal("Security", "SECURITY"));
  EXPECT_TRUE(logsource::values_equal("4688", "04688"));
  EXPECT_TRUE(logsource::values_equal("0x17", "0X17"));
  EXPECT_FALSE(logsource::values_equal("0x17", "23"));
  EXPECT_FALSE(logsource::values_equal("Security", "Security "));
}

// ---- Diagnostics -----------------------------------------------------------------------------

TEST(Diagnostics, CountsSortsAndRendersText) {
  Diagnostics d;
  d.warning("logsource-unknown-key", "b.yml", 3, 5, "unknown key `x`");
  d.error("yaml-syntax", "a.yml", 10, 2, "bad\nthing");
  d.error("logsource-schema", "a.yml", 2, 0, "shape");
  d.error("file-unreadable", "a.yml", 0, 0, "cannot open");
  d.error("internal", "", 0, 0, "no file");
  EXPECT_EQ(d.errors(), 4u);
  EXPECT_EQ(d.warnings(), 1u);
  d.sort();
  EXPECT_EQ(d.render_text(),
            "error: [internal] no file\n"
            "a.yml: error: [file-unreadable] cannot open\n"
            "a.yml:2: error: [logsource-schema] shape\n"
            "a.yml:10:2: error: [yaml-syntax] bad thing\n"
            "b.yml:3:5: warning: [logsource-unknown-key] unknown key `x`\n");
}

TEST(Diagnostics, SortIsStableAtTheSamePosition) {
  Diagnostics d;
  d.error("second", "f", 1, 1, "b");
  d.error("first", "f", 1, 1, "a");
  d.error("zero", "f", 0, 0, "c");
  d.sort();
  ASSERT_EQ(d.items().size(), 3u);
  EXPECT_EQ(d.items()[0].code, "zero");
  EXPECT_EQ(d.items()[1].code, "second");
  EXPECT_EQ(d.items()[2].code, "first");
}

TEST(Diagnostics, RendersJson) {
  Diagnostics d;
  EXPECT_EQ(d.render_json(), "[]");
  d.error("yaml-syntax", "dir\\a \"b\".yml", 1, 2, "tab\there\x01");
  d.warning("logsource-unknown-key", "é.yml", 0, 0, "ok");
  EXPECT_EQ(d.render_json(),
            "[\n"
            "  {\"file\":\"dir\\\\a \\\"b\\\".yml\",\"line\":1,\"column\":2,\"severity\":\"error\","
            "\"code\":\"yaml-syntax\",\"message\":\"tab\\there\\u0001\"},\n"
            "  {\"file\":\"é.yml\",\"line\":0,\"column\":0,\"severity\":\"warning\","
            "\"code\":\"logsource-unknown-key\",\"message\":\"ok\"}\n"
            "]");
}

TEST(Diagnostics, AppendMergesCounts) {
  Diagnostics a, b;
  a.error("x", "f", 1, 1, "m");
  b.warning("y", "f", 2, 1, "m");
  b.error("z", "f", 3, 1, "m");
  a.append(b);
  EXPECT_EQ(a.items().size(), 3u);
  EXPECT_EQ(a.errors(), 2u);
  EXPECT_EQ(a.warnings(), 1u);
}

}  // namespace
}  // namespace vigie::rules
