// Golden diagnostics: every tests/golden/diagnostics/NAME.yml (or folder NAME/) is loaded the way
// `vigie rules check tests/golden/diagnostics/NAME.yml` loads it, and what the command would print
// must equal NAME.expected byte for byte.
//
// The test calls correlate::load_detection() and renders Diagnostics::render_text() plus the
// summary line in-process rather than running the `vigie` binary: it is the same code path
// (rules_check.cpp is those two calls), it runs under the sanitizer build with the rest of
// unit_rules, and it needs no binary path. tests/cli/golden_test.sh runs the built binary over the
// same files, so the command's own printing is pinned as well.
//
// The rule path is passed relative to the source tree (the working directory is switched to it for
// the load), so the expected files show `tests/golden/diagnostics/NAME.yml:line:col: ...`.
//
// VIGIE_UPDATE_GOLDEN=1 rewrites every .expected file with the current output instead of comparing
// (then review the change with `git diff tests/golden`). See docs/testing.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "correlate/load.h"
#include "rules/diagnostics.h"

namespace vigie::rules {
namespace {

namespace fs = std::filesystem;

constexpr const char* kGoldenRel = "tests/golden/diagnostics";

fs::path source_dir() { return fs::path(VIGIE_SOURCE_DIR); }

struct GoldenCase {
  std::string name;      // NAME
  std::string rule_rel;  // tests/golden/diagnostics/NAME.yml or tests/golden/diagnostics/NAME
};

// One case per .yml file and per sub-folder (a folder is loaded as a whole: rules that interact
// across files, such as duplicate ids). Sorted by name so the order is stable.
std::vector<GoldenCase> golden_cases() {
  std::vector<GoldenCase> cases;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(source_dir() / kGoldenRel, ec)) {
    const fs::path& p = e.path();
    if (e.is_directory(ec) || (e.is_regular_file(ec) && p.extension() == ".yml")) {
      cases.push_back({p.stem().string(), std::string(kGoldenRel) + "/" + p.filename().string()});
    }
  }
  std::sort(cases.begin(), cases.end(),
            [](const GoldenCase& a, const GoldenCase& b) { return a.name < b.name; });
  return cases;
}

std::string read_file(const fs::path& p, bool& ok) {
  std::ifstream in(p, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Restores the working directory when the test ends, whatever happens.
class ScopedCwd {
 public:
  explicit ScopedCwd(const fs::path& to) : saved_(fs::current_path()) { fs::current_path(to); }
  ~ScopedCwd() {
    std::error_code ec;
    fs::current_path(saved_, ec);
  }
  ScopedCwd(const ScopedCwd&) = delete;
  ScopedCwd& operator=(const ScopedCwd&) = delete;

 private:
  fs::path saved_;
};

// What `vigie rules check PATH` prints on stdout (apps/vigie/rules_check.cpp, text format).
std::string rules_check_output(const std::string& rule_rel) {
  ScopedCwd cwd(source_dir());
  correlate::LoadedDetection loaded = correlate::load_detection({{rule_rel}, "", {}});
  return loaded.diags.render_text() + std::to_string(loaded.loaded()) + " rules loaded, " +
         std::to_string(loaded.diags.errors()) + " errors, " +
         std::to_string(loaded.diags.warnings()) + " warnings\n";
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> lines;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

// A line diff (longest common subsequence; golden files are a few lines long): ' ' both,
// '-' only expected, '+' only actual.
std::string line_diff(const std::string& expected, const std::string& actual) {
  std::vector<std::string> a = split_lines(expected), b = split_lines(actual);
  std::vector<std::vector<std::size_t>> lcs(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = a.size(); i-- > 0;) {
    for (std::size_t j = b.size(); j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::string out = "--- expected\n+++ actual\n";
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      out += "  " + a[i++] + "\n";
      ++j;
    } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
      out += "+ " + b[j++] + "\n";
    } else {
      out += "- " + a[i++] + "\n";
    }
  }
  if (!expected.empty() && expected.back() != '\n')
    out += "(expected file lacks a final newline)\n";
  return out;
}

bool update_mode() {
  const char* v = std::getenv("VIGIE_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

class GoldenDiagnostics : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenDiagnostics, MatchesExpectedFile) {
  const GoldenCase& c = GetParam();
  const fs::path expected_path = source_dir() / kGoldenRel / (c.name + ".expected");
  const std::string actual = rules_check_output(c.rule_rel);
  if (update_mode()) {
    std::ofstream out(expected_path, std::ios::binary | std::ios::trunc);
    out << actual;
    ASSERT_TRUE(out.good()) << "cannot write " << expected_path;
    GTEST_SKIP() << "VIGIE_UPDATE_GOLDEN=1: rewrote " << expected_path;
  }
  bool ok = false;
  const std::string expected = read_file(expected_path, ok);
  ASSERT_TRUE(ok) << "missing " << expected_path
                  << " (create it with VIGIE_UPDATE_GOLDEN=1, then check every line:col by hand)"
                  << "\nactual output:\n"
                  << actual;
  EXPECT_EQ(expected, actual) << "`vigie rules check " << c.rule_rel << "` differs from "
                              << expected_path << ":\n"
                              << line_diff(expected, actual);
}

std::string case_name(const ::testing::TestParamInfo<GoldenCase>& info) {
  std::string n = info.param.name;
  for (char& ch : n) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return n;
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenDiagnostics, ::testing::ValuesIn(golden_cases()), case_name);

// The folder itself: enough cases, and no .expected file left behind by a renamed case.
TEST(GoldenDiagnosticsFolder, EveryExpectedFileHasItsRuleFile) {
  const std::vector<GoldenCase> cases = golden_cases();
  EXPECT_GE(cases.size(), 40u) << "tests/golden/diagnostics lost cases";
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(source_dir() / kGoldenRel, ec)) {
    if (e.path().extension() != ".expected") continue;
    const std::string stem = e.path().stem().string();
    EXPECT_TRUE(std::any_of(cases.begin(), cases.end(),
                            [&](const GoldenCase& c) { return c.name == stem; }))
        << e.path() << " has no " << stem << ".yml or " << stem << "/ beside it";
  }
}

}  // namespace
}  // namespace vigie::rules
