// Golden files of decoded fields, shared by the plugin tests: one block per input record,
// "# <file>:<line>" then "<field>\t<value>" lines, a blank line between blocks.
//
// expect_golden_blocks() compares what a test decoded with the file, field by field, or rewrites
// the file when VIGIE_UPDATE_GOLDEN is set in the environment (then review the diff).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace vigie::testing {

struct GoldenBlock {
  std::string where;                          // "<file>:<line>"
  std::map<std::string, std::string> fields;  // sorted by name
};

inline std::vector<GoldenBlock> read_golden_blocks(const std::string& path) {
  std::ifstream in(path);
  std::vector<GoldenBlock> blocks;
  for (std::string l; std::getline(in, l);) {
    if (l.empty()) continue;
    if (l.rfind("# ", 0) == 0) {
      blocks.push_back({l.substr(2), {}});
      continue;
    }
    const std::size_t tab = l.find('\t');
    if (tab == std::string::npos || blocks.empty()) {
      ADD_FAILURE() << path << ": malformed line: " << l;
      continue;
    }
    blocks.back().fields[l.substr(0, tab)] = l.substr(tab + 1);
  }
  return blocks;
}

inline void write_golden_blocks(const std::string& path, const std::vector<GoldenBlock>& blocks) {
  std::ofstream out(path);
  for (const GoldenBlock& b : blocks) {
    out << "# " << b.where << "\n";
    for (const auto& [k, v] : b.fields) out << k << "\t" << v << "\n";
    out << "\n";
  }
}

inline void expect_golden_blocks(const std::string& path, const std::vector<GoldenBlock>& got) {
  if (std::getenv("VIGIE_UPDATE_GOLDEN") != nullptr) {
    write_golden_blocks(path, got);
    return;
  }
  const std::vector<GoldenBlock> want = read_golden_blocks(path);
  ASSERT_EQ(want.size(), got.size()) << path;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const std::string& where = got[i].where;
    EXPECT_EQ(want[i].where, where) << path;
    for (const auto& [k, v] : want[i].fields) {
      const auto it = got[i].fields.find(k);
      EXPECT_TRUE(it != got[i].fields.end() && it->second == v)
          << where << " " << k << ": want '" << v << "', got '"
          << (it == got[i].fields.end() ? "<absent>" : it->second) << "'";
    }
    for (const auto& [k, v] : got[i].fields) {
      EXPECT_TRUE(want[i].fields.count(k)) << where << " unexpected " << k << " = '" << v << "'";
    }
  }
}

}  // namespace vigie::testing
