#include "match/cidr.h"

namespace vigie::match {
namespace {

constexpr std::array<std::uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Strict dotted quad into out[0..4).
bool parse_v4(std::string_view s, std::uint8_t* out) {
  std::size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
    const std::size_t start = i;
    unsigned value = 0;
    while (i < s.size() && is_digit(s[i]) && i - start < 3) {
      value = value * 10 + static_cast<unsigned>(s[i] - '0');
      ++i;
    }
    const std::size_t len = i - start;
    if (len == 0 || value > 255 || (len > 1 && s[start] == '0')) return false;
    out[part] = static_cast<std::uint8_t>(value);
  }
  return i == s.size();
}

bool parse_v6(std::string_view s, std::uint8_t* out) {
  constexpr std::size_t kNoGap = 99;
  std::array<std::uint16_t, 8> groups{};
  std::size_t count = 0;     // groups written
  std::size_t gap = kNoGap;  // index in `groups` where `::` stands
  std::size_t i = 0;
  if (s.starts_with("::")) {
    gap = 0;
    i = 2;
  } else if (s.starts_with(":")) {
    return false;
  }
  while (i < s.size()) {
    // A group, or an embedded IPv4 that must end the string.
    std::size_t j = i;
    while (j < s.size() && hex_value(s[j]) >= 0) ++j;
    if (j < s.size() && s[j] == '.') {
      std::array<std::uint8_t, 4> v4{};
      if (count > 6 || !parse_v4(s.substr(i), v4.data())) return false;
      groups[count++] = static_cast<std::uint16_t>(v4[0] << 8 | v4[1]);
      groups[count++] = static_cast<std::uint16_t>(v4[2] << 8 | v4[3]);
      break;
    }
    const std::size_t len = j - i;
    if (len == 0 || len > 4 || count == 8) return false;
    unsigned v = 0;
    for (std::size_t k = i; k < j; ++k) v = v * 16 + static_cast<unsigned>(hex_value(s[k]));
    groups[count++] = static_cast<std::uint16_t>(v);
    i = j;
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (gap != kNoGap) return false;  // a second `::`
      gap = count;
      ++i;
    } else if (i == s.size()) {
      return false;  // trailing single colon
    }
  }
  if (gap != kNoGap) {
    if (count > 7) return false;  // `::` must stand for at least one group
    const std::size_t zeros = 8 - count;
    for (std::size_t k = count; k-- > gap;) groups[k + zeros] = groups[k];
    for (std::size_t k = gap; k < gap + zeros; ++k) groups[k] = 0;
  } else if (count != 8) {
    return false;
  }
  for (std::size_t k = 0; k < 8; ++k) {
    out[2 * k] = static_cast<std::uint8_t>(groups[k] >> 8);
    out[2 * k + 1] = static_cast<std::uint8_t>(groups[k] & 0xFF);
  }
  return true;
}

// Do the first `bits` bits of a and b agree?
bool prefix_equal(const std::uint8_t* a, const std::uint8_t* b, unsigned bits) {
  const unsigned full = bits / 8;
  for (unsigned k = 0; k < full; ++k) {
    if (a[k] != b[k]) return false;
  }
  const unsigned rest = bits % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
  return (a[full] & mask) == (b[full] & mask);
}

}  // namespace

bool IpAddress::is_v4_mapped() const {
  if (!v6) return false;
  for (std::size_t k = 0; k < kMappedPrefix.size(); ++k) {
    if (bytes[k] != kMappedPrefix[k]) return false;
  }
  return true;
}

std::optional<IpAddress> parse_ip(std::string_view text) {
  bool bracketed = false;
  if (text.starts_with('[')) {
    if (!text.ends_with(']') || text.size() < 2) return std::nullopt;
    text = text.substr(1, text.size() - 2);
    bracketed = true;
  }
  IpAddress ip;
  if (!bracketed && text.find(':') == std::string_view::npos) {
    if (!parse_v4(text, ip.bytes.data())) return std::nullopt;
    return ip;
  }
  if (const std::size_t pct = text.find('%'); pct != std::string_view::npos) {
    if (pct + 1 == text.size()) return std::nullopt;  // an empty zone id
    text = text.substr(0, pct);
  }
  if (!parse_v6(text, ip.bytes.data())) return std::nullopt;
  ip.v6 = true;
  return ip;
}

std::optional<Network> Network::parse(std::string_view cidr) {
  const std::size_t slash = cidr.rfind('/');
  const std::optional<IpAddress> ip = parse_ip(cidr.substr(0, slash));
  if (!ip) return std::nullopt;
  const unsigned max_prefix = ip->v6 ? 128 : 32;
  unsigned prefix = max_prefix;
  if (slash != std::string_view::npos) {
    const std::string_view p = cidr.substr(slash + 1);
    if (p.empty() || p.size() > 3 || (p.size() > 1 && p[0] == '0')) return std::nullopt;
    prefix = 0;
    for (const char c : p) {
      if (!is_digit(c)) return std::nullopt;
      prefix = prefix * 10 + static_cast<unsigned>(c - '0');
    }
    if (prefix > max_prefix) return std::nullopt;
  }
  Network net;
  net.base = *ip;
  net.prefix = static_cast<std::uint8_t>(prefix);
  const unsigned width = max_prefix / 8;
  for (unsigned k = 0; k < width; ++k) {
    const unsigned bit = k * 8;
    if (bit >= prefix) {
      net.base.bytes[k] = 0;
    } else if (prefix - bit < 8) {
      net.base.bytes[k] &= static_cast<std::uint8_t>(0xFF << (8 - (prefix - bit)));
    }
  }
  return net;
}

bool Network::contains(const IpAddress& ip) const {
  if (!base.v6) {
    if (!ip.v6) return prefix_equal(base.bytes.data(), ip.bytes.data(), prefix);
    if (!ip.is_v4_mapped()) return false;
    return prefix_equal(base.bytes.data(), ip.bytes.data() + 12, prefix);
  }
  if (ip.v6) return prefix_equal(base.bytes.data(), ip.bytes.data(), prefix);
  std::array<std::uint8_t, 16> mapped{};
  for (std::size_t k = 0; k < 12; ++k) mapped[k] = kMappedPrefix[k];
  for (std::size_t k = 0; k < 4; ++k) mapped[12 + k] = ip.bytes[k];
  return prefix_equal(base.bytes.data(), mapped.data(), prefix);
}

}  // namespace vigie::match
