#include "enrich/geoip.h"

#include <arpa/inet.h>
#include <maxminddb.h>
#include <netinet/in.h>

#include <cstring>

namespace vigie::enrich {

std::string_view to_string(IpClass c) {
  switch (c) {
    case IpClass::kInvalid:
      return "invalid";
    case IpClass::kPublic:
      return "public";
    case IpClass::kPrivate:
      return "private";
    case IpClass::kLoopback:
      return "loopback";
    case IpClass::kLinkLocal:
      return "link-local";
    case IpClass::kSharedCgnat:
      return "cgnat";
    case IpClass::kDocumentation:
      return "documentation";
    case IpClass::kOther:
      return "other";
  }
  return "invalid";
}

std::optional<IpAddress> parse_ip(std::string_view text) {
  // inet_pton wants a NUL-terminated string; addresses are short.
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof buf) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress ip;
  if (inet_pton(AF_INET, buf, ip.bytes) == 1) return ip;
  std::uint8_t v6[16];
  if (inet_pton(AF_INET6, buf, v6) != 1) return std::nullopt;
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(v6, kMapped, 12) == 0) {
    std::memcpy(ip.bytes, v6 + 12, 4);
    return ip;
  }
  ip.v6 = true;
  std::memcpy(ip.bytes, v6, 16);
  return ip;
}

IpClass classify(const IpAddress& ip) {
  const std::uint8_t* b = ip.bytes;
  if (!ip.v6) {
    if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168)) {
      return IpClass::kPrivate;
    }
    if (b[0] == 127) return IpClass::kLoopback;
    if (b[0] == 169 && b[1] == 254) return IpClass::kLinkLocal;
    if (b[0] == 100 && (b[1] & 0xc0) == 64) return IpClass::kSharedCgnat;
    if ((b[0] == 192 && b[1] == 0 && b[2] == 2) || (b[0] == 198 && b[1] == 51 && b[2] == 100) ||
        (b[0] == 203 && b[1] == 0 && b[2] == 113)) {
      return IpClass::kDocumentation;
    }
    if (b[0] == 0 || b[0] >= 224) return IpClass::kOther;  // this network, multicast, reserved
    return IpClass::kPublic;
  }
  static constexpr std::uint8_t kZero[16] = {};
  if (std::memcmp(b, kZero, 15) == 0 && (b[15] == 0 || b[15] == 1)) {
    return b[15] == 1 ? IpClass::kLoopback : IpClass::kOther;
  }
  if ((b[0] & 0xfe) == 0xfc) return IpClass::kPrivate;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return IpClass::kLinkLocal;
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return IpClass::kDocumentation;
  if (b[0] == 0xff) return IpClass::kOther;            // multicast
  if ((b[0] & 0xe0) == 0x20) return IpClass::kPublic;  // 2000::/3, global unicast
  return IpClass::kOther;
}

struct GeoIp::Impl {
  MMDB_s country{};
  MMDB_s asn{};
  bool has_country = false;
  bool has_asn = false;
  bool asn_is_country = false;  // one file for both

  ~Impl() {
    if (has_country) MMDB_close(&country);
    if (has_asn && !asn_is_country) MMDB_close(&asn);
  }

  static bool lookup(const MMDB_s& db, const IpAddress& ip, MMDB_entry_s& entry) {
    sockaddr_storage ss{};
    if (ip.v6) {
      auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
      s6->sin6_family = AF_INET6;
      std::memcpy(&s6->sin6_addr, ip.bytes, 16);
    } else {
      auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
      s4->sin_family = AF_INET;
      std::memcpy(&s4->sin_addr, ip.bytes, 4);
    }
    int error = MMDB_SUCCESS;
    MMDB_lookup_result_s r =
        MMDB_lookup_sockaddr(const_cast<MMDB_s*>(&db), reinterpret_cast<sockaddr*>(&ss), &error);
    if (error != MMDB_SUCCESS || !r.found_entry) return false;
    entry = r.entry;
    return true;
  }

  static std::string_view string_at(MMDB_entry_s& entry, const char* const* path) {
    MMDB_entry_data_s data{};
    if (MMDB_aget_value(&entry, &data, path) != MMDB_SUCCESS || !data.has_data ||
        data.type != MMDB_DATA_TYPE_UTF8_STRING) {
      return {};
    }
    return {data.utf8_string, data.data_size};
  }

  static std::uint32_t uint_at(MMDB_entry_s& entry, const char* const* path) {
    MMDB_entry_data_s data{};
    if (MMDB_aget_value(&entry, &data, path) != MMDB_SUCCESS || !data.has_data) return 0;
    switch (data.type) {
      case MMDB_DATA_TYPE_UINT16:
        return data.uint16;
      case MMDB_DATA_TYPE_UINT32:
        return data.uint32;
      default:
        return 0;
    }
  }
};

GeoIp::GeoIp() = default;
GeoIp::~GeoIp() = default;
GeoIp::GeoIp(GeoIp&&) noexcept = default;
GeoIp& GeoIp::operator=(GeoIp&&) noexcept = default;

Result<GeoIp> GeoIp::open(const std::string& country_db, const std::string& asn_db) {
  GeoIp g;
  g.impl_ = std::make_unique<Impl>();
  auto open_one = [](const std::string& path, MMDB_s& db) -> Status {
    const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &db);
    if (status != MMDB_SUCCESS) {
      return Status::error("geoip-open",
                           "cannot open GeoIP database " + path + ": " + MMDB_strerror(status));
    }
    return Status();
  };
  if (!country_db.empty()) {
    if (Status s = open_one(country_db, g.impl_->country); !s.ok()) return s;
    g.impl_->has_country = true;
  }
  if (!asn_db.empty()) {
    if (asn_db == country_db) {
      g.impl_->asn = g.impl_->country;
      g.impl_->asn_is_country = true;
    } else if (Status s = open_one(asn_db, g.impl_->asn); !s.ok()) {
      return s;
    }
    g.impl_->has_asn = true;
  }
  return g;
}

bool GeoIp::enabled() const { return impl_ && (impl_->has_country || impl_->has_asn); }

GeoInfo GeoIp::lookup(std::string_view ip_text) const {
  GeoInfo info;
  std::optional<IpAddress> ip = parse_ip(ip_text);
  if (!ip) return info;
  info.ip_class = classify(*ip);
  if (info.ip_class != IpClass::kPublic || !enabled()) return info;
  static const char* const kIsoCode[] = {"country", "iso_code", nullptr};
  static const char* const kCountryCode[] = {"country_code", nullptr};
  static const char* const kAsn[] = {"autonomous_system_number", nullptr};
  static const char* const kAsOrg[] = {"autonomous_system_organization", nullptr};
  MMDB_entry_s entry{};
  if (impl_->has_country && Impl::lookup(impl_->country, *ip, entry)) {
    info.country = Impl::string_at(entry, kIsoCode);
    if (info.country.empty()) info.country = Impl::string_at(entry, kCountryCode);
  }
  if (impl_->has_asn && Impl::lookup(impl_->asn, *ip, entry)) {
    info.asn = Impl::uint_at(entry, kAsn);
    info.as_org = Impl::string_at(entry, kAsOrg);
  }
  return info;
}

}  // namespace vigie::enrich
