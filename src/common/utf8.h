// UTF-8 helpers for Sigma matching: validation, code point stepping and the case folding used by
// case-insensitive Sigma comparisons.
//
// Folding contract (utf8::fold):
//   - Maps ASCII A-Z and the simple lowercase mappings (UnicodeData.txt field 13) of: Latin-1
//     Supplement (U+00C0-U+00DE), Latin Extended-A (U+0100-U+017F, incl. U+0178 -> U+00FF), Latin
//     Extended-B (U+0180-U+024F), Greek and Coptic (U+0370-U+03FF), Cyrillic and Cyrillic
//     Supplement (U+0400-U+052F), Armenian (U+0531-U+0556), Latin Extended Additional
//     (U+1E00-U+1EFF, Vietnamese) and fullwidth Latin (U+FF21-U+FF3A).
//   - It is length-preserving: the output has exactly as many bytes as the input, and a byte offset
//     in the folded text is the same offset in the original. A mapping that would change the UTF-8
//     length is deliberately left unmapped: U+0130 (I with dot above -> 'i'), U+1E9E (capital
//     sharp s -> U+00DF), U+023A and U+023E (-> U+2C65/U+2C66), U+2126 OHM SIGN, U+212A KELVIN
//     SIGN, U+212B ANGSTROM SIGN. Full (one-to-many) foldings such as U+00DF -> "ss" are never
//     applied. Characters outside the blocks above (Georgian, Cherokee, Greek Extended, Deseret,
//     ...) are left as they are. Lowercase mapping, not CaseFolding.txt: final sigma U+03C2 and
//     sigma U+03C3 stay distinct, as do U+00B5 MICRO SIGN and U+03BC.
//   - Idempotent: fold(fold(x)) == fold(x).
//   - Bytes that are not part of a well-formed UTF-8 sequence pass through unchanged; folding never
//     fails and never produces invalid UTF-8 from valid input.
//
// Thread safety: all functions are pure; the tables are constexpr.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace vigie::utf8 {

// Byte -> byte table lowering ASCII A-Z; every other byte (including all bytes >= 0x80) maps to
// itself. Index with `static_cast<unsigned char>(c)`.
inline constexpr std::array<unsigned char, 256> kAsciiLower = [] {
  std::array<unsigned char, 256> t{};
  for (int i = 0; i < 256; ++i) {
    t[static_cast<std::size_t>(i)] =
        static_cast<unsigned char>(i >= 'A' && i <= 'Z' ? i + ('a' - 'A') : i);
  }
  return t;
}();

// True if `s` is well-formed UTF-8 (no overlong forms, no surrogates U+D800-U+DFFF, nothing above
// U+10FFFF, no truncated sequence).
bool valid(std::string_view s);

// True if `s` contains any byte >= 0x80.
bool has_non_ascii(std::string_view s);

// Length of the sequence announced by a lead byte: 1 for ASCII, 2 for C2-DF, 3 for E0-EF, 4 for
// F0-F4; 1 for anything that cannot start a well-formed sequence (continuation bytes, C0, C1,
// F5-FF). It does not look at the following bytes.
std::size_t codepoint_length(unsigned char lead);

// Length in bytes of the character starting at s[i] (requires i < s.size()): the length of the
// well-formed UTF-8 sequence there, or 1 if the bytes at i do not form one (an invalid byte counts
// as one character). This is what Sigma's `?` consumes.
std::size_t char_length_at(std::string_view s, std::size_t i);

// Replaces the content of `out` with the case-folded form of `in` (see the
// folding contract above). `out.size() == in.size()` afterwards. Reuses `out`'s capacity, so a
// warmed-up buffer does not allocate. `in` must not alias `out`.
void fold(std::string_view in, std::string& out);

// Convenience wrapper returning a new string (allocates; not for hot paths).
std::string folded(std::string_view in);

// Lowers ASCII A-Z in place, leaves every other byte alone.
void fold_ascii_inplace(char* p, std::size_t n);

// The folded form of one code point (identity when unmapped). Exposed for tests and for callers
// that fold decoded text.
char32_t fold_codepoint(char32_t cp);

}  // namespace vigie::utf8
