// The unit tests' check that a splitter gives the same records however its stream is cut: whole,
// byte by byte, in 20 rounds of seeded pseudo-random chunks, and cut once at every position.
// `split(stream, max, chunks)` is the test's own harness call (hl7_split_harness.h,
// json_split_harness.h); a difference fails the test with where it was cut.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::ingest::testing {

template <typename Split>
void expect_same_whatever_the_cuts(Split&& split, std::string_view stream, std::size_t max,
                                   const std::vector<std::string>& want) {
  EXPECT_EQ(split(stream, max, {}), want) << "whole";
  EXPECT_EQ(split(stream, max, std::vector<std::size_t>(stream.size(), 1)), want) << "byte by byte";
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    std::vector<std::size_t> chunks;
    for (std::size_t total = 0; total < stream.size(); total += chunks.back()) {
      chunks.push_back(1 + rng() % 19);
    }
    EXPECT_EQ(split(stream, max, chunks), want) << "random chunks, round " << round;
  }
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    EXPECT_EQ(split(stream, max, {cut}), want) << "cut at " << cut;
  }
}

}  // namespace vigie::ingest::testing
