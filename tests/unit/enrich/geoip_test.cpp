// GeoIP: country and ASN of public addresses from MMDB files of both layouts; classes of the rest.
#include "enrich/geoip.h"

#include <gtest/gtest.h>

#include <string>

namespace vigie::enrich {
namespace {

const std::string kData = std::string(VIGIE_SOURCE_DIR) + "/tests/data/geoip/";

TEST(IpClass, EveryKindOfAddress) {
  auto cls = [](const char* text) {
    auto ip = parse_ip(text);
    return ip ? std::string(to_string(classify(*ip))) : std::string("unparsed");
  };
  EXPECT_EQ(cls("90.1.2.3"), "public");
  EXPECT_EQ(cls("10.212.134.21"), "private");
  EXPECT_EQ(cls("172.16.0.1"), "private");
  EXPECT_EQ(cls("172.32.0.1"), "public");
  EXPECT_EQ(cls("192.168.1.1"), "private");
  EXPECT_EQ(cls("127.0.0.1"), "loopback");
  EXPECT_EQ(cls("169.254.1.1"), "link-local");
  EXPECT_EQ(cls("100.64.0.1"), "cgnat");
  EXPECT_EQ(cls("100.128.0.1"), "public");
  EXPECT_EQ(cls("203.0.113.9"), "documentation");
  EXPECT_EQ(cls("198.51.100.1"), "documentation");
  EXPECT_EQ(cls("224.0.0.1"), "other");
  EXPECT_EQ(cls("0.0.0.0"), "other");
  // Windows writes IPv4 peers of dual-stack sockets as IPv4-mapped IPv6.
  EXPECT_EQ(cls("::ffff:10.212.134.21"), "private");
  EXPECT_EQ(cls("::ffff:90.1.2.3"), "public");
  EXPECT_EQ(cls("::1"), "loopback");
  EXPECT_EQ(cls("fe80::1"), "link-local");
  EXPECT_EQ(cls("fd12:3456::1"), "private");
  EXPECT_EQ(cls("2001:db8::1"), "documentation");
  EXPECT_EQ(cls("2a01:cb00::1"), "public");
  EXPECT_EQ(cls("-"), "unparsed");
  EXPECT_EQ(cls(""), "unparsed");
  EXPECT_EQ(cls("10.0.0.1:443"), "unparsed");
  EXPECT_EQ(cls("999.1.1.1"), "unparsed");
}

TEST(GeoIp, ReadsTheIpLocationDbLayout) {
  auto g = GeoIp::open(kData + "country-iplocationdb.mmdb", "");
  ASSERT_TRUE(g.ok()) << g.status().to_string();
  EXPECT_TRUE(g->enabled());
  GeoInfo fr = g->lookup("90.1.2.3");
  EXPECT_EQ(fr.ip_class, IpClass::kPublic);
  EXPECT_EQ(fr.country, "FR");
  EXPECT_EQ(fr.asn, 0u);
  EXPECT_EQ(g->lookup("::ffff:45.9.9.9").country, "RU");
  EXPECT_EQ(g->lookup("8.8.8.8").country, "");       // not in the database
  EXPECT_EQ(g->lookup("2a01:cb00::1").country, "");  // IPv6 in an IPv4 database: not found
}

TEST(GeoIp, ReadsTheMaxMindLayoutWithAsnFromOneFile) {
  const std::string db = kData + "country-asn-maxmind.mmdb";
  auto g = GeoIp::open(db, db);
  ASSERT_TRUE(g.ok()) << g.status().to_string();
  GeoInfo de = g->lookup("185.220.101.7");
  EXPECT_EQ(de.country, "DE");
  EXPECT_EQ(de.asn, 60729u);
  EXPECT_EQ(de.as_org, "Tor exit test");
  EXPECT_EQ(g->lookup("90.80.70.60").as_org, "Orange");
}

TEST(GeoIp, PrivateAddressesAreNeverLookedUp) {
  auto g = GeoIp::open(kData + "country-iplocationdb.mmdb", "");
  ASSERT_TRUE(g.ok());
  GeoInfo p = g->lookup("10.212.134.21");
  EXPECT_EQ(p.ip_class, IpClass::kPrivate);
  EXPECT_EQ(p.country, "");
}

TEST(GeoIp, WithoutADatabaseOnlyTheClassIsKnown) {
  auto g = GeoIp::open("", "");
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE(g->enabled());
  GeoInfo i = g->lookup("90.1.2.3");
  EXPECT_EQ(i.ip_class, IpClass::kPublic);
  EXPECT_EQ(i.country, "");
}

TEST(GeoIp, AnUnreadableDatabaseIsAnErrorNamingIt) {
  auto g = GeoIp::open("/nonexistent/country.mmdb", "");
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), "geoip-open");
  EXPECT_NE(g.status().message().find("/nonexistent/country.mmdb"), std::string::npos);
  auto bad = GeoIp::open(kData + "make_test_mmdb.py", "");  // not a database
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), "geoip-open");
}

}  // namespace
}  // namespace vigie::enrich
