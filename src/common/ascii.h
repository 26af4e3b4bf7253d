// ASCII text helpers for decoders and matchers: blank trimming and case-insensitive comparison
// that fold A-Z only (bytes >= 0x80 compare as they are). Views in, views out; no allocation.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
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

}  // namespace vigie::ascii
