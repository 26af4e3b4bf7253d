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

#include "tests/unit/support/golden_blocks.h"
#include "vpn_test_support.h"

namespace vigie::vpn_test {
namespace {

using VpnSamples = VpnTest;

std::string golden_path(const std::string& format) {
  return std::string(VIGIE_SOURCE_DIR) + "/plugins/vpn/tests/golden/" + format + ".golden";
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
  for (const SampleFile& s : sample_files()) {
    auto d = make(s.format);
    std::vector<testing::GoldenBlock> got;
    event::Event e;
    for (const SampleLine& l : sample_lines(s.file)) {
      ASSERT_TRUE(d->decode(l.text, ctx(), e).ok());
      got.push_back({s.file + ":" + std::to_string(l.number), common(e)});
    }
    testing::expect_golden_blocks(golden_path(s.format), got);
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
