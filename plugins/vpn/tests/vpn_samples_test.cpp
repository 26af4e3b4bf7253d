// The shared samples (../shared/formats/vpn_*.log): every record decodes, its common fields equal
// the golden file of its format (plugins/vpn/tests/golden/<format>.golden), and auto-detection
// gives each record its own format and claims no Windows record.
//
// Golden files: one block per sample record, "# <file>:<line>" then "<field>\t<value>" lines
// (@timestamp and every common field the event has), a blank line between blocks. Regenerate
// after a deliberate change with
//   VIGIE_UPDATE_GOLDEN=1 build/<dir>/tests/unit_plugin_vpn --gtest_filter='VpnSamples.*Golden*'
// and review the diff.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "vpn_test_support.h"

namespace vigie::vpn_test {
namespace {

using VpnSamples = VpnTest;

std::string golden_path(const std::string& format) {
  return std::string(VIGIE_SOURCE_DIR) + "/plugins/vpn/tests/golden/" + format + ".golden";
}

using Block = std::map<std::string, std::string>;

// "# file:line" -> fields, in file order.
std::vector<std::pair<std::string, Block>> read_golden(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::pair<std::string, Block>> blocks;
  for (std::string l; std::getline(in, l);) {
    if (l.empty()) continue;
    if (l.rfind("# ", 0) == 0) {
      blocks.emplace_back(l.substr(2), Block{});
      continue;
    }
    const std::size_t tab = l.find('\t');
    if (tab == std::string::npos || blocks.empty()) {
      ADD_FAILURE() << path << ": malformed line: " << l;
      continue;
    }
    blocks.back().second[l.substr(0, tab)] = l.substr(tab + 1);
  }
  return blocks;
}

TEST_F(VpnSamples, RegistersFiveFormatsWithTheirLogsources) {
  std::vector<std::string> names;
  for (const decode::Plugin& p : decode::builtin_plugins().plugins()) {
    if (p.family != decode::Family::kVpn) continue;
    EXPECT_EQ(p.name, "vpn");
    for (const decode::Format& f : p.formats) {
      names.emplace_back(f.info.name);
      EXPECT_EQ(f.info.logsource.category, "vpn") << f.info.name;
      EXPECT_FALSE(f.catch_all);
      for (const std::string& c : common_fields()) {
        EXPECT_NE(std::find(f.info.fields.begin(), f.info.fields.end(), c), f.info.fields.end())
            << f.info.name << " does not declare " << c;
      }
    }
  }
  EXPECT_EQ(names, (std::vector<std::string>{"fortigate", "cisco-asa", "globalprotect",
                                             "pulse-secure", "openvpn"}));
  const decode::Registry& r = decode::builtin_plugins();
  auto ls = [&](const char* f) { return r.find(decode::Family::kVpn, f)->info.logsource; };
  EXPECT_EQ(ls("fortigate").product, "fortigate");
  EXPECT_EQ(ls("fortigate").service, "event");  // SigmaHQ's fortigate rules
  EXPECT_EQ(ls("cisco-asa").product, "cisco");
  EXPECT_EQ(ls("cisco-asa").service, "asa");
  EXPECT_EQ(ls("globalprotect").product, "paloalto");
  EXPECT_EQ(ls("globalprotect").service, "globalprotect");  // SigmaHQ's CVE-2024-3400 rules
  EXPECT_EQ(ls("openvpn").product, "openvpn");
  EXPECT_EQ(ls("pulse-secure").product, "pulse_secure");
}

TEST_F(VpnSamples, EveryRecordDecodesWithoutReject) {
  for (const SampleFile& s : sample_files()) {
    auto d = make(s.format);
    const auto lines = sample_lines(s.file);
    ASSERT_GE(lines.size(), 5u) << s.file;
    event::Event e;
    for (const SampleLine& l : lines) {
      Status st = d->decode(l.text, ctx(), e);
      EXPECT_TRUE(st.ok()) << s.file << ":" << l.number << ": " << st.to_string();
      EXPECT_EQ(text(e, "vpn.vendor"), s.format);
      EXPECT_NE(e.time_ms, event::Event::kNoTime) << s.file << ":" << l.number;
      EXPECT_NE(text(e, "event.action"), "<absent>");
    }
  }
}

TEST_F(VpnSamples, CommonFieldsEqualTheGoldenFiles) {
  const bool update = std::getenv("VIGIE_UPDATE_GOLDEN") != nullptr;
  for (const SampleFile& s : sample_files()) {
    auto d = make(s.format);
    const auto lines = sample_lines(s.file);
    std::ostringstream written;
    const auto golden =
        update ? std::vector<std::pair<std::string, Block>>{} : read_golden(golden_path(s.format));
    if (!update) {
      ASSERT_EQ(golden.size(), lines.size()) << golden_path(s.format);
    }
    event::Event e;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      ASSERT_TRUE(d->decode(lines[i].text, ctx(), e).ok());
      const std::string where = s.file + ":" + std::to_string(lines[i].number);
      const Block got = common(e);
      if (update) {
        written << "# " << where << "\n";
        for (const auto& [k, v] : got) written << k << "\t" << v << "\n";
        written << "\n";
        continue;
      }
      EXPECT_EQ(golden[i].first, where);
      const Block& want = golden[i].second;
      for (const auto& [k, v] : want) {
        auto it = got.find(k);
        EXPECT_TRUE(it != got.end() && it->second == v)
            << where << " " << k << ": want '" << v << "', got '"
            << (it == got.end() ? "<absent>" : it->second) << "'";
      }
      for (const auto& [k, v] : got) {
        EXPECT_TRUE(want.count(k)) << where << " unexpected " << k << " = '" << v << "'";
      }
    }
    if (update) {
      std::ofstream(golden_path(s.format)) << written.str();
    }
  }
}

TEST_F(VpnSamples, SniffGivesEachRecordItsOwnFormat) {
  const decode::Registry& r = decode::builtin_plugins();
  for (const SampleFile& s : sample_files()) {
    for (const SampleLine& l : sample_lines(s.file)) {
      const decode::Format* f = r.sniff(decode::Family::kVpn, l.text);
      EXPECT_EQ(f == nullptr ? std::string("none") : std::string(f->info.name), s.format)
          << s.file << ":" << l.number;
      // And no other vpn format claims it.
      for (const decode::Plugin& p : r.plugins()) {
        if (p.family != decode::Family::kVpn) continue;
        for (const decode::Format& other : p.formats) {
          if (other.info.name != s.format) {
            EXPECT_FALSE(other.sniff(l.text))
                << other.info.name << " claims " << s.file << ":" << l.number;
          }
        }
      }
    }
  }
}

TEST_F(VpnSamples, SniffClaimsNoWindowsNorEhrRecord) {
  const decode::Registry& r = decode::builtin_plugins();
  for (const char* file : {"windows_winlogbeat_raw.ndjson", "windows_nxlog_im_msvistalog.ndjson",
                           "windows_wef_forwardedevents.xml", "ehr_fhir_r4_auditevent_balp.ndjson",
                           "ehr_atna_rfc5424_dicom_auditmessage.log",
                           "ehr_dpi_vendor_flat_access.ndjson", "ehr_hl7v2_pamfr_adt.er7"}) {
    std::ifstream in(std::string(VIGIE_SHARED_DIR) + "/formats/" + file);
    int n = 0, seen = 0;
    for (std::string l; std::getline(in, l);) {
      ++n;
      if (l.empty()) continue;
      ++seen;
      const decode::Format* f = r.sniff(decode::Family::kVpn, l);
      EXPECT_EQ(f, nullptr) << f->info.name << " claims " << file << ":" << n;
    }
    EXPECT_GT(seen, 0) << file;
  }
}

}  // namespace
}  // namespace vigie::vpn_test
