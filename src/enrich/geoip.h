// GeoIP: the country and autonomous system of an IP address, from MaxMind-format (MMDB)
// databases read with libmaxminddb, and the class of an address (private, loopback...).
//
// Two database layouts are read: MaxMind's and DB-IP's (`country.iso_code`,
// `autonomous_system_number`, `autonomous_system_organization`) and ip-location-db's
// (`country_code`, same ASN names). The country and ASN databases may be one file or two.
// Addresses that are not public (RFC 1918, loopback, link-local, CGNAT, documentation, unique
// local...) are never looked up: their class says what they are. An IPv4-mapped IPv6 address
// ("::ffff:10.1.2.3", as Windows writes IpAddress) is read as the IPv4 address it holds.
//
// No database configured: GeoIp is disabled, lookups return only the class, and the caller warns
// once (docs/enrichment.md). Thread safety: open() at start; lookup() from any number of threads
// (the databases are read-only memory maps). No allocation per lookup: strings are views into
// the database.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace vigie::enrich {

enum class IpClass : std::uint8_t {
  kInvalid,        // not an IP address
  kPublic,         // routable on the Internet
  kPrivate,        // RFC 1918, IPv6 unique local fc00::/7
  kLoopback,       // 127/8, ::1
  kLinkLocal,      // 169.254/16, fe80::/10
  kSharedCgnat,    // 100.64/10 (RFC 6598)
  kDocumentation,  // 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32
  kOther,          // unspecified, multicast, broadcast, reserved
};
std::string_view to_string(IpClass c);

// An IP address parsed from text (IPv4 dotted quad, IPv6, IPv4-mapped IPv6 read as IPv4).
struct IpAddress {
  bool v6 = false;
  std::uint8_t bytes[16] = {};  // v4: the first 4
};
std::optional<IpAddress> parse_ip(std::string_view text);
IpClass classify(const IpAddress& ip);

struct GeoInfo {
  IpClass ip_class = IpClass::kInvalid;
  std::string_view country;  // ISO 3166-1 alpha-2, "" when unknown
  std::uint32_t asn = 0;     // 0 when unknown
  std::string_view as_org;   // "" when unknown
};

class GeoIp {
 public:
  GeoIp();
  ~GeoIp();
  GeoIp(GeoIp&&) noexcept;
  GeoIp& operator=(GeoIp&&) noexcept;

  // Opens the databases (either path may be empty; the same path twice is opened once).
  // Error code "geoip-open" with the path and libmaxminddb's reason.
  static Result<GeoIp> open(const std::string& country_db, const std::string& asn_db);

  bool enabled() const;
  GeoInfo lookup(std::string_view ip_text) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigie::enrich
