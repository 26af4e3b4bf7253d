#include "match/cidr.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vigie::match {
namespace {

struct IpCase {
  std::string text;
  bool v6;
  std::vector<int> bytes;  // 4 for IPv4, 16 for IPv6
};

class ParseIpValid : public testing::TestWithParam<IpCase> {};

TEST_P(ParseIpValid, Bytes) {
  const IpCase& c = GetParam();
  const auto ip = parse_ip(c.text);
  ASSERT_TRUE(ip.has_value()) << c.text;
  EXPECT_EQ(ip->v6, c.v6) << c.text;
  IpAddress want;
  want.v6 = c.v6;
  for (std::size_t k = 0; k < c.bytes.size(); ++k) {
    want.bytes[k] = static_cast<std::uint8_t>(c.bytes[k]);
  }
  EXPECT_EQ(*ip, want) << c.text;
}

std::vector<int> v6(const std::vector<int>& groups) {
  std::vector<int> out;
  for (int g : groups) {
    out.push_back(g >> 8);
    out.push_back(g & 0xFF);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseIpValid,
    testing::Values(IpCase{"1.2.3.4", false, {1, 2, 3, 4}}, IpCase{"0.0.0.0", false, {0, 0, 0, 0}},
                    IpCase{"255.255.255.255", false, {255, 255, 255, 255}},
                    IpCase{"10.0.100.9", false, {10, 0, 100, 9}},
                    IpCase{"::", true, v6({0, 0, 0, 0, 0, 0, 0, 0})},
                    IpCase{"::1", true, v6({0, 0, 0, 0, 0, 0, 0, 1})},
                    IpCase{"1::", true, v6({1, 0, 0, 0, 0, 0, 0, 0})},
                    IpCase{"2001:db8::1", true, v6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1})},
                    IpCase{"2001:DB8::A:b", true, v6({0x2001, 0xdb8, 0, 0, 0, 0, 0xa, 0xb})},
                    IpCase{"2001:0db8:0000:0000:0000:ff00:0042:8329", true,
                           v6({0x2001, 0xdb8, 0, 0, 0, 0xff00, 0x42, 0x8329})},
                    IpCase{"1:2:3:4:5:6:7:8", true, v6({1, 2, 3, 4, 5, 6, 7, 8})},
                    IpCase{"1:2:3:4:5:6:7::", true, v6({1, 2, 3, 4, 5, 6, 7, 0})},
                    IpCase{"::2:3:4:5:6:7:8", true, v6({0, 2, 3, 4, 5, 6, 7, 8})},
                    IpCase{"1:2::7:8", true, v6({1, 2, 0, 0, 0, 0, 7, 8})},
                    IpCase{"::ffff:1.2.3.4", true, v6({0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304})},
                    IpCase{"::FFFF:192.168.0.1", true, v6({0, 0, 0, 0, 0, 0xffff, 0xc0a8, 0x0001})},
                    IpCase{"64:ff9b::10.0.0.1", true,
                           v6({0x64, 0xff9b, 0, 0, 0, 0, 0x0a00, 0x0001})},
                    IpCase{"1:2:3:4:5:6:1.2.3.4", true, v6({1, 2, 3, 4, 5, 6, 0x0102, 0x0304})},
                    IpCase{"fe80::1%eth0", true, v6({0xfe80, 0, 0, 0, 0, 0, 0, 1})},
                    IpCase{"fe80::1%12", true, v6({0xfe80, 0, 0, 0, 0, 0, 0, 1})},
                    IpCase{"[::1]", true, v6({0, 0, 0, 0, 0, 0, 0, 1})},
                    IpCase{"[fe80::1%eth0]", true, v6({0xfe80, 0, 0, 0, 0, 0, 0, 1})}));

TEST(ParseIp, Invalid) {
  const char* const cases[] = {"",
                               "1.2.3",
                               "1.2.3.4.5",
                               "256.1.1.1",
                               "1.2.3.256",
                               "01.2.3.4",
                               "1.2.3.04",
                               "1.2.3.-4",
                               "+1.2.3.4",
                               "1..2.3",
                               "1.2.3.4.",
                               ".1.2.3.4",
                               " 1.2.3.4",
                               "1.2.3.4 ",
                               "1.2.3.4/8",
                               "a.b.c.d",
                               "1234.1.1.1",
                               "1.2.3.4%eth0",
                               "[1.2.3.4]",
                               "1:2:3:4:5:6:7:8:9",
                               "1:2:3:4:5:6:7",
                               ":::",
                               "1::2::3",
                               ":1::",
                               "1::2:",
                               ":",
                               "1:",
                               "::1:",
                               "12345::",
                               "g::1",
                               "::ffff:1.2.3",
                               "::ffff:1.2.3.4.5",
                               "::1.2.3.4:5",
                               "1:2:3:4:5:6:7:1.2.3.4",
                               "1::2:3:4:5:6:7:8",
                               "[::1",
                               "::1]",
                               "[]",
                               "fe80::1%",
                               "::ffff:256.1.1.1",
                               "1:2:3:4:5:6:7:8::",
                               " ::1",
                               "::1 ",
                               "2001:db8::1::"};
  for (const char* text : cases) EXPECT_FALSE(parse_ip(text).has_value()) << '"' << text << '"';
}

TEST(ParseIp, MappedFlag) {
  EXPECT_TRUE(parse_ip("::ffff:1.2.3.4")->is_v4_mapped());
  EXPECT_TRUE(parse_ip("::ffff:102:304")->is_v4_mapped());
  EXPECT_FALSE(parse_ip("::1.2.3.4")->is_v4_mapped());  // IPv4-compatible, not mapped
  EXPECT_FALSE(parse_ip("1.2.3.4")->is_v4_mapped());
}

TEST(NetworkParse, PrefixAndMasking) {
  const auto n8 = Network::parse("10.0.0.0/8");
  ASSERT_TRUE(n8.has_value());
  EXPECT_FALSE(n8->base.v6);
  EXPECT_EQ(n8->prefix, 8);
  EXPECT_EQ(Network::parse("10.1.2.3/8"), n8);  // host bits are masked
  const auto n20 = Network::parse("172.16.255.1/20");
  ASSERT_TRUE(n20.has_value());
  EXPECT_EQ(*n20, *Network::parse("172.16.240.0/20"));
  EXPECT_EQ(Network::parse("1.2.3.4")->prefix, 32);
  EXPECT_EQ(Network::parse("::1")->prefix, 128);
  EXPECT_EQ(Network::parse("0.0.0.0/0")->prefix, 0);
  EXPECT_EQ(Network::parse("255.255.255.255/0"), Network::parse("0.0.0.0/0"));
  const auto v6 = Network::parse("2001:db8:abcd::/32");
  ASSERT_TRUE(v6.has_value());
  EXPECT_TRUE(v6->base.v6);
  EXPECT_EQ(*v6, *Network::parse("2001:db8::/32"));
  EXPECT_EQ(Network::parse("fe80::1%eth0/64"), Network::parse("fe80::/64"));
  EXPECT_EQ(Network::parse("[2001:db8::]/32"), Network::parse("2001:db8::/32"));
}

TEST(NetworkParse, Invalid) {
  const char* const cases[] = {
      "10.0.0.0/33",          "::/129", "10.0.0.0/",     "10.0.0.0/-1", "10.0.0.0/08",
      "10.0.0.0/8/8",         "/8",     "10.0.0.0/ 8",   "10.0.0.0/8 ", "10.0.0/8",
      "1:2:3:4:5:6:7:8:9/64", "",       "10.0.0.0/1000", "::/0x10"};
  for (const char* text : cases) {
    EXPECT_FALSE(Network::parse(text).has_value()) << '"' << text << '"';
  }
}

struct ContainsCase {
  std::string network;
  std::string ip;
  bool want;
};

class NetworkContains : public testing::TestWithParam<ContainsCase> {};

TEST_P(NetworkContains, Table) {
  const ContainsCase& c = GetParam();
  const auto net = Network::parse(c.network);
  const auto ip = parse_ip(c.ip);
  ASSERT_TRUE(net.has_value()) << c.network;
  ASSERT_TRUE(ip.has_value()) << c.ip;
  EXPECT_EQ(net->contains(*ip), c.want) << c.network << " contains " << c.ip;
}

INSTANTIATE_TEST_SUITE_P(
    Table, NetworkContains,
    testing::Values(
        ContainsCase{"10.0.0.0/8", "10.0.0.0", true},
        ContainsCase{"10.0.0.0/8", "10.255.255.255", true},
        ContainsCase{"10.0.0.0/8", "11.0.0.0", false},
        ContainsCase{"10.0.0.0/8", "9.255.255.255", false},
        ContainsCase{"10.0.0.0/8", "::ffff:10.1.2.3", true},  // IPv4-mapped matches IPv4
        ContainsCase{"10.0.0.0/8", "::ffff:11.1.2.3", false},
        ContainsCase{"10.0.0.0/8", "::10.1.2.3", false},  // IPv4-compatible does not
        ContainsCase{"10.0.0.0/8", "2001:db8::1", false},
        ContainsCase{"172.16.0.0/12", "172.31.255.255", true},
        ContainsCase{"172.16.0.0/12", "172.32.0.0", false},
        ContainsCase{"192.168.1.0/24", "192.168.1.77", true},
        ContainsCase{"192.168.1.0/24", "192.168.2.1", false},
        ContainsCase{"169.254.0.0/16", "169.254.3.4", true},
        ContainsCase{"0.0.0.0/0", "203.0.113.9", true}, ContainsCase{"1.2.3.4", "1.2.3.4", true},
        ContainsCase{"1.2.3.4", "1.2.3.5", false}, ContainsCase{"1.2.3.4/31", "1.2.3.5", true},
        ContainsCase{"1.2.3.4/31", "1.2.3.6", false},
        ContainsCase{"2001:db8::/32", "2001:db8:ffff::1", true},
        ContainsCase{"2001:db8::/32", "2001:db9::", false},
        ContainsCase{"2001:db8::/32", "1.2.3.4", false},
        ContainsCase{"fe80::/10", "fe80::1%eth0", true},
        ContainsCase{"fe80::/10", "febf:ffff::1", true},
        ContainsCase{"fe80::/10", "fec0::1", false}, ContainsCase{"fe80::/10", "10.0.0.1", false},
        ContainsCase{"fc00::/7", "fd12:3456::1", true}, ContainsCase{"fc00::/7", "fe00::", false},
        ContainsCase{"::1/128", "::1", true}, ContainsCase{"::1/128", "::2", false},
        ContainsCase{"::1/128", "[::1]", true}, ContainsCase{"::/0", "2001:db8::1", true},
        ContainsCase{"::ffff:0:0/96", "1.2.3.4", true},  // an IPv6 network sees IPv4 as mapped
        ContainsCase{"::ffff:10.0.0.0/104", "10.9.9.9", true},
        ContainsCase{"::ffff:10.0.0.0/104", "11.9.9.9", false}));

}  // namespace
}  // namespace vigie::match
