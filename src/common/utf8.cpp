#include "common/utf8.h"

#include <cstdint>
#include <cstring>

namespace vigie::utf8 {
namespace {

constexpr bool is_cont(unsigned char b) { return (b & 0xC0) == 0x80; }

// Simple lowercase mapping for U+0000-U+07FF, i.e. every code point whose UTF-8 form has one or
// two bytes. All targets are below U+0800 too, so the table cannot change a sequence's length.
// Built at compile time from the ranges of UnicodeData.txt so the rules stay readable.
struct TwoByteTable {
  std::array<std::uint16_t, 0x800> map{};

  constexpr void offset(char32_t first, char32_t last, int delta) {
    for (char32_t c = first; c <= last; ++c) map[c] = static_cast<std::uint16_t>(c + delta);
  }
  // Upper/lower pairs that alternate: the upper case is at the given parity (first is upper).
  constexpr void pairs(char32_t first, char32_t last) {
    for (char32_t c = first; c < last; c += 2) map[c] = static_cast<std::uint16_t>(c + 1);
  }
  constexpr void one(char32_t from, char32_t to) { map[from] = static_cast<std::uint16_t>(to); }
};

constexpr TwoByteTable make_two_byte_table() {
  TwoByteTable t;
  for (char32_t c = 0; c < 0x800; ++c) t.map[c] = static_cast<std::uint16_t>(c);
  t.offset('A', 'Z', 32);
  // Latin-1 Supplement (U+00D7 is the multiplication sign, U+00DF sharp s has no simple upper).
  t.offset(0x00C0, 0x00D6, 32);
  t.offset(0x00D8, 0x00DE, 32);
  // Latin Extended-A. U+0130 -> 'i' would shrink to one byte: left unmapped.
  t.pairs(0x0100, 0x012F);
  t.pairs(0x0132, 0x0137);
  t.pairs(0x0139, 0x0148);
  t.pairs(0x014A, 0x0177);
  t.one(0x0178, 0x00FF);
  t.pairs(0x0179, 0x017E);
  // Latin Extended-B. U+023A and U+023E map to three-byte code points: left unmapped.
  t.one(0x0181, 0x0253);
  t.pairs(0x0182, 0x0185);
  t.one(0x0186, 0x0254);
  t.one(0x0187, 0x0188);
  t.one(0x0189, 0x0256);
  t.one(0x018A, 0x0257);
  t.one(0x018B, 0x018C);
  t.one(0x018E, 0x01DD);
  t.one(0x018F, 0x0259);
  t.one(0x0190, 0x025B);
  t.one(0x0191, 0x0192);
  t.one(0x0193, 0x0260);
  t.one(0x0194, 0x0263);
  t.one(0x0196, 0x0269);
  t.one(0x0197, 0x0268);
  t.one(0x0198, 0x0199);
  t.one(0x019C, 0x026F);
  t.one(0x019D, 0x0272);
  t.one(0x019F, 0x0275);
  t.pairs(0x01A0, 0x01A5);
  t.one(0x01A6, 0x0280);
  t.one(0x01A7, 0x01A8);
  t.one(0x01A9, 0x0283);
  t.one(0x01AC, 0x01AD);
  t.one(0x01AE, 0x0288);
  t.one(0x01AF, 0x01B0);
  t.one(0x01B1, 0x028A);
  t.one(0x01B2, 0x028B);
  t.one(0x01B3, 0x01B4);
  t.one(0x01B5, 0x01B6);
  t.one(0x01B7, 0x0292);
  t.one(0x01B8, 0x01B9);
  t.one(0x01BC, 0x01BD);
  t.one(0x01C4, 0x01C6);
  t.one(0x01C5, 0x01C6);
  t.one(0x01C7, 0x01C9);
  t.one(0x01C8, 0x01C9);
  t.one(0x01CA, 0x01CC);
  t.one(0x01CB, 0x01CC);
  t.pairs(0x01CD, 0x01DC);
  t.pairs(0x01DE, 0x01EF);
  t.one(0x01F1, 0x01F3);
  t.one(0x01F2, 0x01F3);
  t.one(0x01F4, 0x01F5);
  t.one(0x01F6, 0x0195);
  t.one(0x01F7, 0x01BF);
  t.pairs(0x01F8, 0x021F);
  t.one(0x0220, 0x019E);
  t.pairs(0x0222, 0x0233);
  t.one(0x023B, 0x023C);
  t.one(0x023D, 0x019A);
  t.one(0x0241, 0x0242);
  t.one(0x0243, 0x0180);
  t.one(0x0244, 0x0289);
  t.one(0x0245, 0x028C);
  t.pairs(0x0246, 0x024F);
  // Greek and Coptic.
  t.pairs(0x0370, 0x0373);
  t.one(0x0376, 0x0377);
  t.one(0x037F, 0x03F3);
  t.one(0x0386, 0x03AC);
  t.offset(0x0388, 0x038A, 37);
  t.one(0x038C, 0x03CC);
  t.offset(0x038E, 0x038F, 63);
  t.offset(0x0391, 0x03A1, 32);
  t.offset(0x03A3, 0x03AB, 32);
  t.one(0x03CF, 0x03D7);
  t.pairs(0x03D8, 0x03EF);
  t.one(0x03F4, 0x03B8);
  t.one(0x03F7, 0x03F8);
  t.one(0x03F9, 0x03F2);
  t.one(0x03FA, 0x03FB);
  t.offset(0x03FD, 0x03FF, -130);
  // Cyrillic and Cyrillic Supplement.
  t.offset(0x0400, 0x040F, 80);
  t.offset(0x0410, 0x042F, 32);
  t.pairs(0x0460, 0x0481);
  t.pairs(0x048A, 0x04BF);
  t.one(0x04C0, 0x04CF);
  t.pairs(0x04C1, 0x04CE);
  t.pairs(0x04D0, 0x052F);
  // Armenian.
  t.offset(0x0531, 0x0556, 48);
  return t;
}

constexpr TwoByteTable kTwoByte = make_two_byte_table();

// Three-byte code points handled: Latin Extended Additional pairs and fullwidth Latin capitals.
// U+1E9E (capital sharp s -> U+00DF, two bytes) is left unmapped.
constexpr char32_t fold_three_byte(char32_t cp) {
  if (cp >= 0x1E00 && cp <= 0x1EFF) {
    if ((cp <= 0x1E95 || cp >= 0x1EA0) && (cp % 2) == 0) return cp + 1;
    return cp;
  }
  if (cp >= 0xFF21 && cp <= 0xFF3A) return cp + 0x20;
  return cp;
}

}  // namespace

bool valid(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char b = p[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    const std::size_t len = char_length_at(s, i);
    if (len == 1) return false;
    i += len;
  }
  return true;
}

bool has_non_ascii(std::string_view s) {
  // Eight bytes at a time: called on every value a case-insensitive prefilter scans.
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t high = 0;
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    high |= w;
  }
  for (; n > 0; ++p, --n) high |= static_cast<unsigned char>(*p);
  return (high & 0x8080808080808080ULL) != 0;
}

std::size_t codepoint_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 1;
}

std::size_t char_length_at(std::string_view s, std::size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  const std::size_t avail = s.size() - i;
  const unsigned char b = p[0];
  const std::size_t len = codepoint_length(b);
  if (len == 1 || len > avail) return 1;
  // Second-byte ranges per RFC 3629 table 3-7: they exclude overlongs (E0, F0), surrogates (ED)
  // and code points above U+10FFFF (F4).
  const unsigned char b1 = p[1];
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b == 0xE0) lo = 0xA0;
  if (b == 0xED) hi = 0x9F;
  if (b == 0xF0) lo = 0x90;
  if (b == 0xF4) hi = 0x8F;
  if (b1 < lo || b1 > hi) return 1;
  for (std::size_t k = 2; k < len; ++k) {
    if (!is_cont(p[k])) return 1;
  }
  return len;
}

char32_t fold_codepoint(char32_t cp) {
  if (cp < 0x800) return kTwoByte.map[cp];
  if (cp < 0x10000) return fold_three_byte(cp);
  return cp;
}

void fold(std::string_view in, std::string& out) {
  out.resize(in.size());
  const auto* src = reinterpret_cast<const unsigned char*>(in.data());
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  const std::size_t n = in.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char b = src[i];
    if (b < 0x80) {
      dst[i] = kAsciiLower[b];
      ++i;
      continue;
    }
    // Only the lead bytes of mapped ranges need decoding; everything else (other leads,
    // continuation bytes, invalid bytes) is copied byte by byte, which keeps invalid input intact.
    if (b >= 0xC2 && b <= 0xDF && i + 1 < n && is_cont(src[i + 1])) {
      const char32_t cp = (static_cast<char32_t>(b & 0x1F) << 6) | (src[i + 1] & 0x3F);
      const char32_t lc = kTwoByte.map[cp];
      dst[i] = static_cast<unsigned char>(0xC0 | (lc >> 6));
      dst[i + 1] = static_cast<unsigned char>(0x80 | (lc & 0x3F));
      i += 2;
      continue;
    }
    if ((b == 0xE1 || b == 0xEF) && i + 2 < n && is_cont(src[i + 1]) && is_cont(src[i + 2])) {
      const char32_t cp = (static_cast<char32_t>(b & 0x0F) << 12) |
                          (static_cast<char32_t>(src[i + 1] & 0x3F) << 6) | (src[i + 2] & 0x3F);
      const char32_t lc = fold_three_byte(cp);
      dst[i] = b;
      dst[i + 1] = static_cast<unsigned char>(0x80 | ((lc >> 6) & 0x3F));
      dst[i + 2] = static_cast<unsigned char>(0x80 | (lc & 0x3F));
      i += 3;
      continue;
    }
    dst[i] = b;
    ++i;
  }
}

std::string folded(std::string_view in) {
  std::string out;
  fold(in, out);
  return out;
}

void fold_ascii_inplace(char* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    p[i] = static_cast<char>(kAsciiLower[static_cast<unsigned char>(p[i])]);
  }
}

}  // namespace vigie::utf8
