// IP addresses and networks for the Sigma `cidr` modifier.
//
// parse_ip accepts (and nothing else; no surrounding whitespace is trimmed):
//   - IPv4 as a strict dotted quad: exactly four decimal parts 0-255, no sign, no leading zero
//     ("010.0.0.1" is rejected, as Python's ipaddress does, because some parsers read it as octal);
//   - IPv6 per RFC 4291: eight groups of 1-4 hex digits (either case), one `::` standing for one
//     or more zero groups, a dotted IPv4 in place of the last two groups (`::ffff:1.2.3.4`,
//     `64:ff9b::10.0.0.1`); an optional zone id (`fe80::1%eth0`, ignored) and optional brackets
//     (`[::1]`, `[fe80::1%eth0]`).
// Representation: IPv4 in bytes[0..4) with the other bytes zero and v6 = false; IPv6 in all 16
// bytes with v6 = true.
//
// Network::parse accepts `address/prefix` with a decimal prefix 0-32 (IPv4) or 0-128 (IPv6, no
// leading zero), or a bare address (= /32 or /128). Host bits set in the address are masked off
// ("10.1.2.3/8" is 10.0.0.0/8). Anything else returns std::nullopt.
//
// Network::contains: an IPv4 network contains IPv4 addresses in it and the IPv4-mapped IPv6
// forms of those (::ffff:a.b.c.d). An IPv6 network compares an IPv4 address by its mapped form,
// so ::ffff:0:0/96 contains every IPv4 address and fe80::/10 contains none.
//
// All functions are pure, allocation-free and thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace vigie::match {

struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};

  // True for an IPv6 address of the form ::ffff:a.b.c.d.
  bool is_v4_mapped() const;
  bool operator==(const IpAddress&) const = default;
};

std::optional<IpAddress> parse_ip(std::string_view text);

struct Network {
  IpAddress base;           // host bits cleared
  std::uint8_t prefix = 0;  // 0-32 for IPv4, 0-128 for IPv6

  static std::optional<Network> parse(std::string_view cidr);
  bool contains(const IpAddress& ip) const;
  bool operator==(const Network&) const = default;
};

}  // namespace vigie::match
