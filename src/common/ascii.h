// ASCII text helpers for decoders and matchers: blank trimming, case-insensitive comparison that
// folds A-Z only (bytes >= 0x80 compare as they are), and the control-byte scan every decoder
// runs on its records. Views in, views out; no allocation.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "common/utf8.h"

namespace vigie::ascii {

// `s` without leading and trailing spaces and tabs.
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Equal once A-Z are lowered.
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (utf8::kAsciiLower[static_cast<unsigned char>(a[i])] !=
        utf8::kAsciiLower[static_cast<unsigned char>(b[i])]) {
      return false;
    }
  }
  return true;
}

// Position of the first `needle` in `haystack` with A-Z lowered on both sides, or npos; 0 for an
// empty needle.
inline std::size_t ifind(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return 0;
  if (needle.size() > haystack.size()) return std::string_view::npos;
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (iequals(haystack.substr(i, needle.size()), needle)) return i;
  }
  return std::string_view::npos;
}

// The first byte of `r` that is a C0 control (but tab, and CR / LF when `line_ends`) or DEL, or
// npos; sets `non_ascii` when a byte >= 0x80 comes before it (then the record needs a UTF-8
// check). Eight bytes at a time: records are mostly printable ASCII, and only a word holding
// something else is looked at byte by byte.
inline std::size_t find_control(std::string_view r, bool line_ends, bool& non_ascii) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  std::size_t i = 0;
  while (i < r.size()) {
    if (i + 8 <= r.size()) {
      std::uint64_t w;
      std::memcpy(&w, r.data() + i, 8);
      const std::uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;  // a byte < 0x20
      const std::uint64_t x = w ^ (kOnes * 0x7f);
      const std::uint64_t del = (x - kOnes) & ~x & kHigh;  // a byte == 0x7f
      if ((below_space | del | (w & kHigh)) == 0) {
        i += 8;
        continue;
      }
    }
    for (const std::size_t end = i + 8 < r.size() ? i + 8 : r.size(); i < end; ++i) {
      const auto b = static_cast<unsigned char>(r[i]);
      if (b >= 0x20 && b != 0x7f) {
        non_ascii |= b >= 0x80;
        continue;
      }
      if (b == '\t' || (line_ends && (b == '\r' || b == '\n'))) continue;
      return i;
    }
  }
  return std::string_view::npos;
}

}  // namespace vigie::ascii
