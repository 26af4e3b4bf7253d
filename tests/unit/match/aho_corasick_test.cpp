#include "match/aho_corasick.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/utf8.h"

namespace vigie::match {
namespace {

using namespace std::string_view_literals;
using Hit = std::pair<std::uint32_t, std::size_t>;  // (needle id, end offset)

std::vector<Hit> scan_all(const AhoCorasick& ac, std::string_view text, bool folded = false) {
  std::vector<Hit> hits;
  auto on = [&](std::uint32_t id, std::size_t end) { hits.emplace_back(id, end); };
  if (folded) {
    ac.scan_folded(text, on);
  } else {
    ac.scan(text, on);
  }
  return hits;
}

// Every occurrence by brute force, in (end offset, longest first) order like the automaton.
std::vector<Hit> naive(const std::vector<std::string>& needles, std::string_view text) {
  std::vector<Hit> hits;
  for (std::uint32_t id = 0; id < needles.size(); ++id) {
    const std::string& n = needles[id];
    for (std::size_t pos = text.find(n); pos != std::string_view::npos;
         pos = text.find(n, pos + 1)) {
      hits.emplace_back(id, pos + n.size());
    }
  }
  std::sort(hits.begin(), hits.end(), [&](const Hit& a, const Hit& b) {
    if (a.second != b.second) return a.second < b.second;
    return needles[a.first].size() > needles[b.first].size();
  });
  return hits;
}

TEST(AhoCorasick, ClassicExample) {
  AhoCorasick ac;
  const std::uint32_t he = ac.add("he");
  const std::uint32_t she = ac.add("she");
  const std::uint32_t his = ac.add("his");
  const std::uint32_t hers = ac.add("hers");
  ac.build();
  EXPECT_EQ(scan_all(ac, "ushers"), (std::vector<Hit>{{she, 4}, {he, 4}, {hers, 6}}));
  EXPECT_EQ(scan_all(ac, "ahishers"), (std::vector<Hit>{{his, 4}, {she, 6}, {he, 6}, {hers, 8}}));
}

TEST(AhoCorasick, IdsAreDenseAndDeduplicated) {
  AhoCorasick ac;
  EXPECT_EQ(ac.add("alpha"), 0u);
  EXPECT_EQ(ac.add("beta"), 1u);
  EXPECT_EQ(ac.add("alpha"), 0u);
  EXPECT_EQ(ac.add("gamma"), 2u);
  EXPECT_EQ(ac.add("beta"), 1u);
  EXPECT_EQ(ac.size(), 3u);
  EXPECT_EQ(ac.needle(2), "gamma");
  ac.build();
  EXPECT_EQ(scan_all(ac, "alphabeta"), (std::vector<Hit>{{0, 5}, {1, 9}}));
}

TEST(AhoCorasick, EmptyNeedleIsRejected) {
  AhoCorasick ac;
  EXPECT_EQ(ac.add(""), AhoCorasick::kInvalidId);
  EXPECT_EQ(ac.size(), 0u);
  EXPECT_EQ(ac.add("x"), 0u);
  ac.build();
  EXPECT_EQ(scan_all(ac, "axa"), (std::vector<Hit>{{0, 2}}));
}

TEST(AhoCorasick, EmptyTextAndNoNeedles) {
  AhoCorasick none;
  none.build();
  EXPECT_TRUE(scan_all(none, "anything").empty());
  AhoCorasick ac;
  ac.add("abc");
  ac.build();
  EXPECT_TRUE(scan_all(ac, "").empty());
  EXPECT_TRUE(scan_all(ac, "ab").empty());
}

TEST(AhoCorasick, BuildState) {
  AhoCorasick ac;
  ac.add("abc");
  EXPECT_FALSE(ac.built());
  EXPECT_TRUE(scan_all(ac, "abc").empty());  // not built yet: nothing reported
  ac.build();
  EXPECT_TRUE(ac.built());
  EXPECT_EQ(scan_all(ac, "abc").size(), 1u);
  ac.add("bc");  // un-builds
  EXPECT_FALSE(ac.built());
  EXPECT_TRUE(scan_all(ac, "abc").empty());
  ac.build();
  EXPECT_EQ(scan_all(ac, "abc"), (std::vector<Hit>{{0, 3}, {1, 3}}));
  ac.add("abc");  // an existing needle does not un-build
  EXPECT_TRUE(ac.built());
}

TEST(AhoCorasick, OverlappingAndSuffixNeedles) {
  AhoCorasick ac;
  const std::uint32_t aa = ac.add("aa");
  ac.build();
  EXPECT_EQ(scan_all(ac, "aaaa"), (std::vector<Hit>{{aa, 2}, {aa, 3}, {aa, 4}}));

  AhoCorasick suf;
  const std::uint32_t abc = suf.add("abc");
  const std::uint32_t bc = suf.add("bc");
  const std::uint32_t c = suf.add("c");
  const std::uint32_t abcd = suf.add("abcd");
  suf.build();
  // Longest first at one end offset; a needle inside a longer one is still reported.
  EXPECT_EQ(scan_all(suf, "xabcd"), (std::vector<Hit>{{abc, 4}, {bc, 4}, {c, 4}, {abcd, 5}}));
}

TEST(AhoCorasick, BinaryBytes) {
  AhoCorasick ac;
  const std::uint32_t nul = ac.add("\x00\x01"sv);
  const std::uint32_t high = ac.add("\xFF\xFE\xFF"sv);
  const std::uint32_t utf16 = ac.add(
      "c\x00m\x00"
      "d\x00"sv);
  ac.build();
  const std::string_view text =
      "\x00\x00\x01\xFF\xFE\xFF\xFE\xFF"
      "c\x00m\x00"
      "d\x00"sv;
  EXPECT_EQ(scan_all(ac, text), (std::vector<Hit>{{nul, 3}, {high, 6}, {high, 8}, {utf16, 14}}));
}

TEST(AhoCorasick, ScanFoldedLowersAsciiOnTheFly) {
  AhoCorasick ac;
  const std::uint32_t m = ac.add("mimikatz");
  const std::uint32_t e = ac.add(utf8::folded("\\ÉCOLE\\"));
  ac.build();
  const std::string text = "C:\\Temp\\MiMiKaTz.EXE";
  EXPECT_EQ(scan_all(ac, text, /*folded=*/true), (std::vector<Hit>{{m, 16}}));
  EXPECT_TRUE(scan_all(ac, text, /*folded=*/false).empty());
  EXPECT_EQ(text, "C:\\Temp\\MiMiKaTz.EXE");  // the input is not modified
  // Non-ASCII needles need the text folded with utf8::fold (documented).
  const std::string path = "D:\\ÉCOLE\\x";
  EXPECT_TRUE(scan_all(ac, path, true).empty());
  EXPECT_EQ(scan_all(ac, utf8::folded(path)).size(), 1u);
  EXPECT_EQ(scan_all(ac, utf8::folded(path))[0].first, e);
}

struct RandomCase {
  std::string name;
  std::size_t dense_budget;  // 0 = only the root is dense: exercises the sparse path
  int alphabet;              // number of distinct bytes, 256 = all
  int max_needle_len;
};

class AhoCorasickRandom : public testing::TestWithParam<RandomCase> {};

TEST_P(AhoCorasickRandom, AgreesWithNaiveSearch) {
  const RandomCase& rc = GetParam();
  std::mt19937 rng(20240601);
  auto byte = [&] {
    const int b = static_cast<int>(rng() % static_cast<unsigned>(rc.alphabet));
    return static_cast<char>(rc.alphabet == 256 ? b : 'a' + b);
  };
  for (int round = 0; round < 60; ++round) {
    AhoCorasick ac(rc.dense_budget);
    std::vector<std::string> needles;
    const int count = 1 + static_cast<int>(rng() % 120);
    for (int k = 0; k < count; ++k) {
      std::string n(1 + rng() % static_cast<unsigned>(rc.max_needle_len), '\0');
      for (char& c : n) c = byte();
      const std::uint32_t id = ac.add(n);
      if (id == needles.size()) needles.push_back(n);
      ASSERT_EQ(needles[id], n);
    }
    ac.build();
    for (int t = 0; t < 5; ++t) {
      std::string text(rng() % 400, '\0');
      for (char& c : text) c = byte();
      // Plant a few needles so long ones occur too.
      for (int p = 0; p < 3 && !text.empty(); ++p) {
        const std::string& n = needles[rng() % needles.size()];
        const std::size_t at = rng() % text.size();
        text.replace(at, std::min(n.size(), text.size() - at), n);
      }
      ASSERT_EQ(scan_all(ac, text), naive(needles, text))
          << rc.name << " round " << round << " text " << t;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, AhoCorasickRandom,
    testing::Values(RandomCase{"binary_dense", AhoCorasick::kDefaultDenseBudgetBytes, 2, 8},
                    RandomCase{"binary_sparse", 0, 2, 8},
                    RandomCase{"four_dense", AhoCorasick::kDefaultDenseBudgetBytes, 4, 12},
                    RandomCase{"four_mixed", 4096, 4, 12}, RandomCase{"four_sparse", 0, 4, 12},
                    RandomCase{"bytes_dense", AhoCorasick::kDefaultDenseBudgetBytes, 256, 6},
                    RandomCase{"bytes_sparse", 0, 256, 6}),
    [](const testing::TestParamInfo<RandomCase>& info) { return info.param.name; });

TEST(AhoCorasick, ScanFoldedAgreesWithFoldThenScan) {
  std::mt19937 rng(99);
  const std::string_view alphabet = "aAbBzZ09_-";
  AhoCorasick ac(512);
  std::vector<std::string> needles;
  for (int k = 0; k < 80; ++k) {
    std::string n(1 + rng() % 6, '\0');
    for (char& c : n) c = alphabet[rng() % alphabet.size()];
    utf8::fold_ascii_inplace(n.data(), n.size());
    if (ac.add(n) == needles.size()) needles.push_back(n);
  }
  ac.build();
  for (int t = 0; t < 200; ++t) {
    std::string text(rng() % 200, '\0');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    std::string lowered = text;
    utf8::fold_ascii_inplace(lowered.data(), lowered.size());
    ASSERT_EQ(scan_all(ac, text, true), naive(needles, lowered));
  }
}

std::vector<Hit> sorted_any_order(const AhoCorasick& ac, std::string_view text, bool folded) {
  std::vector<Hit> hits;
  auto on = [&](std::uint32_t id, std::size_t end) { hits.emplace_back(id, end); };
  if (folded) {
    ac.scan_folded_any_order(text, on);
  } else {
    ac.scan_any_order(text, on);
  }
  std::sort(hits.begin(), hits.end());
  return hits;
}

// The any-order scans report the same occurrences as the ordered ones, each once, whether the
// window filter is in use (every needle >= 4 bytes, few needles) or not.
struct AnyOrderCase {
  std::string name;
  int min_len;
  int max_len;
  int needles;
  bool filtered;
};

class AhoCorasickAnyOrder : public testing::TestWithParam<AnyOrderCase> {};

TEST_P(AhoCorasickAnyOrder, SameOccurrencesAsTheOrderedScan) {
  const AnyOrderCase& c = GetParam();
  std::mt19937 rng(4242);
  const std::string_view alphabet = "abcAB:.\\ ";
  for (int round = 0; round < 40; ++round) {
    AhoCorasick ac;
    std::vector<std::string> needles;
    for (int k = 0; k < c.needles; ++k) {
      std::string n(static_cast<std::size_t>(c.min_len) +
                        rng() % static_cast<unsigned>(c.max_len - c.min_len + 1),
                    '\0');
      for (char& ch : n) ch = alphabet[rng() % alphabet.size()];
      utf8::fold_ascii_inplace(n.data(), n.size());
      if (ac.add(n) == needles.size()) needles.push_back(n);
    }
    ac.build();
    ASSERT_EQ(ac.uses_gram_filter(), c.filtered);
    for (int t = 0; t < 10; ++t) {
      std::string text(rng() % 300, '\0');
      for (char& ch : text) ch = alphabet[rng() % alphabet.size()];
      for (int p = 0; p < 4 && !text.empty(); ++p) {  // plant needles, overlapping ones too
        const std::string& n = needles[rng() % needles.size()];
        const std::size_t at = rng() % text.size();
        text.replace(at, std::min(n.size(), text.size() - at), n);
      }
      for (bool folded : {false, true}) {
        std::vector<Hit> want = scan_all(ac, text, folded);
        std::sort(want.begin(), want.end());
        ASSERT_EQ(sorted_any_order(ac, text, folded), want)
            << c.name << " round " << round << " text " << t << " folded " << folded;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, AhoCorasickAnyOrder,
    testing::Values(AnyOrderCase{"long_needles_filtered", 4, 9, 30, true},
                    AnyOrderCase{"exactly_four_filtered", 4, 4, 60, true},
                    AnyOrderCase{"one_short_needle_unfiltered", 1, 6, 40, false},
                    AnyOrderCase{"too_many_needles_unfiltered", 5, 12, 5000, false}),
    [](const testing::TestParamInfo<AnyOrderCase>& info) { return info.param.name; });

TEST(AhoCorasick, AnyOrderShortTextsAndNoNeedles) {
  AhoCorasick empty;
  empty.build();
  EXPECT_FALSE(empty.uses_gram_filter());
  EXPECT_TRUE(sorted_any_order(empty, "mimikatz", false).empty());
  AhoCorasick ac;
  const std::uint32_t id = ac.add("kiwi");
  ac.build();
  ASSERT_TRUE(ac.uses_gram_filter());
  EXPECT_TRUE(sorted_any_order(ac, "", false).empty());
  EXPECT_TRUE(sorted_any_order(ac, "kiw", false).empty());
  EXPECT_EQ(sorted_any_order(ac, "kiwi", false), (std::vector<Hit>{{id, 4}}));
  EXPECT_EQ(sorted_any_order(ac, "KIWIkiwi", true), (std::vector<Hit>{{id, 4}, {id, 8}}));
  EXPECT_EQ(sorted_any_order(ac, "kiwiwi", false), (std::vector<Hit>{{id, 4}}));
}

// 20 000 needles of 200 random bytes: about four million states, the largest set the contract
// promises to hold in under 64 MiB.
TEST(AhoCorasick, TwentyThousandLongNeedlesFitInMemory) {
  std::mt19937 rng(5);
  AhoCorasick ac;
  std::vector<std::string> needles;
  for (int k = 0; k < 20000; ++k) {
    std::string n(200, '\0');
    for (char& c : n) c = static_cast<char>(rng() & 0xFF);
    ASSERT_EQ(ac.add(n), needles.size());
    needles.push_back(std::move(n));
  }
  ac.build();
  EXPECT_LT(ac.memory_bytes(), std::size_t{64} << 20) << "states " << ac.num_states();
  EXPECT_GT(ac.num_states(), ac.num_dense_states());  // the sparse representation is in use
  EXPECT_EQ(ac.num_classes(), 257u);
  std::string text(5000, 'x');
  text.replace(100, 200, needles[17]);
  text.replace(1000, 200, needles[19999]);
  text.replace(4700, 200, needles[0]);
  const std::vector<Hit> hits = scan_all(ac, text);
  EXPECT_EQ(hits, (std::vector<Hit>{{17, 300}, {19999, 1200}, {0, 4900}}));
}

}  // namespace
}  // namespace vigie::match
