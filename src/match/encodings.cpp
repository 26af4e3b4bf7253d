#include "match/encodings.h"

#include <array>
#include <cstdint>

#include "common/utf8.h"

namespace vigie::match {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Python slice semantics for s[start:end], end counted from the back when negative.
std::string py_slice(const std::string& s, std::size_t start, std::ptrdiff_t end_from_back) {
  const auto n = static_cast<std::ptrdiff_t>(s.size());
  std::ptrdiff_t end = end_from_back == 0 ? n : n + end_from_back;
  if (end < 0) end = 0;
  const auto b = static_cast<std::ptrdiff_t>(start);
  if (b >= end) return {};
  return s.substr(start, static_cast<std::size_t>(end - b));
}

// Decodes one code point at s[i]; invalid bytes become U+FFFD and consume one byte.
char32_t decode_at(std::string_view s, std::size_t i, std::size_t& len) {
  len = utf8::char_length_at(s, i);
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  switch (len) {
    case 2:
      return (static_cast<char32_t>(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
    case 3:
      return (static_cast<char32_t>(p[0] & 0x0F) << 12) |
             (static_cast<char32_t>(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    case 4:
      return (static_cast<char32_t>(p[0] & 0x07) << 18) |
             (static_cast<char32_t>(p[1] & 0x3F) << 12) |
             (static_cast<char32_t>(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
    default:
      return p[0] < 0x80 ? p[0] : 0xFFFD;
  }
}

std::string utf16(std::string_view in, bool little_endian, std::string out) {
  out.reserve(out.size() + 2 * in.size());
  auto unit = [&](std::uint16_t u) {
    const char lo = static_cast<char>(u & 0xFF);
    const char hi = static_cast<char>(u >> 8);
    out.push_back(little_endian ? lo : hi);
    out.push_back(little_endian ? hi : lo);
  };
  for (std::size_t i = 0; i < in.size();) {
    std::size_t len = 1;
    const char32_t cp = decode_at(in, i, len);
    i += len;
    if (cp < 0x10000) {
      unit(static_cast<std::uint16_t>(cp));
    } else {
      const char32_t v = cp - 0x10000;
      unit(static_cast<std::uint16_t>(0xD800 + (v >> 10)));
      unit(static_cast<std::uint16_t>(0xDC00 + (v & 0x3FF)));
    }
  }
  return out;
}

}  // namespace

std::string base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8) | p[i + 2];
    out.push_back(kAlphabet[(v >> 18) & 0x3F]);
    out.push_back(kAlphabet[(v >> 12) & 0x3F]);
    out.push_back(kAlphabet[(v >> 6) & 0x3F]);
    out.push_back(kAlphabet[v & 0x3F]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t v = std::uint32_t{p[i]} << 16;
    if (rest == 2) v |= std::uint32_t{p[i + 1]} << 8;
    out.push_back(kAlphabet[(v >> 18) & 0x3F]);
    out.push_back(kAlphabet[(v >> 12) & 0x3F]);
    out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 0x3F] : '=');
    out.push_back('=');
  }
  return out;
}

std::vector<std::string> base64offset(std::string_view bytes) {
  // pySigma: start_offsets = (0, 2, 3), end_offsets = (None, -3, -2), indexed by (len + i) % 3.
  constexpr std::array<std::size_t, 3> kStart = {0, 2, 3};
  constexpr std::array<std::ptrdiff_t, 3> kEnd = {0, -3, -2};
  std::vector<std::string> out;
  out.reserve(3);
  std::string shifted;
  for (std::size_t i = 0; i < 3; ++i) {
    shifted.assign(i, ' ');
    shifted.append(bytes);
    out.push_back(py_slice(base64(shifted), kStart[i], kEnd[(bytes.size() + i) % 3]));
  }
  return out;
}

std::string utf16le(std::string_view utf8) { return utf16(utf8, true, {}); }
std::string utf16be(std::string_view utf8) { return utf16(utf8, false, {}); }
std::string utf16_bom(std::string_view utf8) { return utf16(utf8, true, std::string("\xFF\xFE")); }

}  // namespace vigie::match
