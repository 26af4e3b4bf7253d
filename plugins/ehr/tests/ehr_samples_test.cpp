// The shared samples (../shared/formats/ehr_*): every record decodes with no reject, its fields
// equal the golden file of its format (plugins/ehr/tests/golden/<format>.golden), decoded with the
// test tenant's key (plugins/ehr/tests/data/test.key), and auto-detection gives each record its
// own format and claims no Windows or VPN record.
//
// Golden files: one block per sample record, "# <file>:<line>" then "<field>\t<value>" lines
// (@timestamp and every field the event has, sorted; lists joined with ","), a blank line between
// blocks. Regenerate after a deliberate change with
//   VIGIE_UPDATE_GOLDEN=1 build/<dir>/tests/unit_plugin_ehr --gtest_filter='EhrSamples.*Golden*'
// and review the diff: a token that changes means every stored token of that kind changes too.
#include <algorithm>
#include <filesystem>

#include "ehr_test_support.h"
#include "tests/unit/support/golden_blocks.h"

namespace vigie::ehr_test {
namespace {

using EhrSamples = EhrTest;

std::string golden_path(const std::string& format) {
  return std::string(VIGIE_SOURCE_DIR) + "/plugins/ehr/tests/golden/" + format + ".golden";
}

TEST_F(EhrSamples, RegistersFourFormatsWithTheirLogsources) {
  std::vector<std::string> names;
  for (const decode::Plugin& p : decode::builtin_plugins().plugins()) {
    if (p.family != decode::Family::kEhr) continue;
    EXPECT_EQ(p.name, "ehr");
    for (const decode::Format& f : p.formats) {
      names.emplace_back(f.info.name);
      EXPECT_EQ(f.info.logsource.product, "ehr");
      EXPECT_FALSE(f.catch_all);
      for (std::string_view must :
           {"event.action", "event.outcome", "user.name", "user.id", "patient.token",
            "patient.token_kind", "patient.redacted", "ehr.unit", "ehr.purpose", "ehr.object",
            "source.ip", "host.name", "ehr.application", "ehr.care.unit"}) {
        EXPECT_NE(std::find(f.info.fields.begin(), f.info.fields.end(), must), f.info.fields.end())
            << f.info.name << " does not declare " << must;
      }
    }
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"fhir-auditevent", "atna-xml", "dpi-flat", "hl7v2-adt"}));
  const decode::Registry& r = decode::builtin_plugins();
  EXPECT_EQ(r.find(decode::Family::kEhr, "fhir-auditevent")->info.logsource.category, "ehr_access");
  EXPECT_EQ(r.find(decode::Family::kEhr, "hl7v2-adt")->info.logsource.category, "ehr_adt");
}

TEST_F(EhrSamples, EveryRecordDecodesWithoutReject) {
  for (const SampleFile& s : sample_files()) {
    auto d = make(s.format);
    const auto lines = sample_lines(s.file);
    EXPECT_FALSE(lines.empty()) << s.file;
    for (const SampleLine& l : lines) {
      event::Event e;
      const Status st = d->decode(l.text, ctx(), e);
      EXPECT_TRUE(st.ok()) << s.file << ":" << l.number << ": " << st.to_string();
      EXPECT_NE(e.time_ms, event::Event::kNoTime) << s.file << ":" << l.number;
      EXPECT_NE(text(e, "event.action"), "<absent>") << s.file << ":" << l.number;
      EXPECT_EQ(text(e, "ehr.format"), s.format);
    }
  }
}

TEST_F(EhrSamples, FieldsMatchGoldenFiles) {
  for (const SampleFile& s : sample_files()) {
    auto d = make(s.format);
    std::vector<testing::GoldenBlock> got;
    for (const SampleLine& l : sample_lines(s.file)) {
      event::Event e;
      ASSERT_TRUE(d->decode(l.text, ctx(), e).ok()) << s.file << ":" << l.number;
      got.push_back({s.file + ":" + std::to_string(l.number), all(e)});
    }
    testing::expect_golden_blocks(golden_path(s.format), got);
  }
}

// Auto-detection over every family: each ehr record is claimed by its own format, and no ehr
// format claims a Windows or VPN sample.
TEST_F(EhrSamples, SniffingTellsTheFourApartAndClaimsNothingElse) {
  const decode::Registry& r = decode::builtin_plugins();
  for (const SampleFile& s : sample_files()) {
    for (const SampleLine& l : sample_lines(s.file)) {
      const decode::Format* f = r.sniff(decode::Family::kEhr, l.text);
      ASSERT_NE(f, nullptr) << s.file << ":" << l.number;
      EXPECT_EQ(f->info.name, s.format) << s.file << ":" << l.number;
      const decode::Format* any = r.sniff_any(l.text);
      ASSERT_NE(any, nullptr);
      EXPECT_EQ(any->info.name, s.format) << s.file << ":" << l.number;
    }
  }
  namespace fs = std::filesystem;
  int others = 0;
  for (const auto& entry : fs::directory_iterator(std::string(VIGIE_SHARED_DIR) + "/formats")) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("windows_", 0) != 0 && name.rfind("vpn_", 0) != 0) continue;
    for (const SampleLine& l : file_lines(entry.path().string())) {
      ++others;
      for (const decode::Plugin& p : r.plugins()) {
        if (p.family != decode::Family::kEhr) continue;
        for (const decode::Format& f : p.formats) {
          EXPECT_FALSE(f.sniff(l.text)) << f.info.name << " claims " << name << ":" << l.number;
        }
      }
    }
  }
  EXPECT_GT(others, 20);
}

}  // namespace
}  // namespace vigie::ehr_test
