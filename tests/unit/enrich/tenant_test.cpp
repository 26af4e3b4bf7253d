// TenantRouter: the establishment of a record, walls first.
#include "enrich/tenant.h"

#include <gtest/gtest.h>

namespace vigie::enrich {
namespace {

TenantConfig two_hospitals() {
  TenantConfig c;
  c.tenants = {{"010000099", {"ad.chu-a", "vpn.chu-a"}, {"fw-chu-a", "*.chu-a.local"}},
               {"020000088", {"ad.ch-b"}, {"FW-CH-B", "*.icu.chu-a.local"}}};
  return c;
}

std::string tenant_of(const TenantRouter& r, Origin o) {
  Result<std::string_view> t = r.resolve(o);
  return t.ok() ? std::string(*t) : "reject:" + t.status().code();
}

TEST(TenantRouter, ATopicOfOneTenantDecides) {
  auto r = TenantRouter::build(two_hospitals());
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(tenant_of(*r, {.topic = "ad.chu-a"}), "010000099");
  EXPECT_EQ(tenant_of(*r, {.topic = "ad.ch-b"}), "020000088");
  // A header or host that agrees is fine.
  EXPECT_EQ(tenant_of(*r, {.topic = "ad.chu-a", .header_value = "010000099"}), "010000099");
  EXPECT_EQ(tenant_of(*r, {.topic = "vpn.chu-a", .syslog_host = "fw-chu-a"}), "010000099");
}

TEST(TenantRouter, ARecordNamingAnotherTenantThanItsTopicIsRejected) {
  auto r = TenantRouter::build(two_hospitals());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(tenant_of(*r, {.topic = "ad.chu-a", .header_value = "020000088"}),
            "reject:tenant-conflict");
  EXPECT_EQ(tenant_of(*r, {.topic = "ad.chu-a", .syslog_host = "fw-ch-b"}),
            "reject:tenant-conflict");
}

TEST(TenantRouter, SharedTopicsUseTheHeaderThenTheSyslogHost) {
  auto r = TenantRouter::build(two_hospitals());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(tenant_of(*r, {.topic = "syslog.shared", .header_value = "020000088"}), "020000088");
  EXPECT_EQ(tenant_of(*r, {.topic = "syslog.shared", .header_value = "999999999"}),
            "reject:unknown-tenant");
  EXPECT_EQ(tenant_of(*r, {.topic = "syslog.shared", .syslog_host = "FW-CHU-A"}), "010000099");
  EXPECT_EQ(tenant_of(*r, {.syslog_host = "dc01.chu-a.local"}), "010000099");
  // The longest suffix wins.
  EXPECT_EQ(tenant_of(*r, {.syslog_host = "mon3.icu.chu-a.local"}), "020000088");
  // A suffix is not the whole name, and is not a substring.
  EXPECT_EQ(tenant_of(*r, {.syslog_host = "chu-a.local"}), "reject:no-tenant");
  EXPECT_EQ(tenant_of(*r, {.syslog_host = "evilchu-a.local"}), "reject:no-tenant");
  EXPECT_EQ(tenant_of(*r, {}), "reject:no-tenant");
}

TEST(TenantRouter, TheFallbackTakesWhatNothingNames) {
  TenantConfig c = two_hospitals();
  c.fallback = "grades-unrouted";
  auto r = TenantRouter::build(c);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(tenant_of(*r, {.topic = "other"}), "grades-unrouted");
  EXPECT_TRUE(r->known("grades-unrouted"));
  EXPECT_EQ(tenant_of(*r, {.header_value = "nobody"}), "reject:unknown-tenant");
}

TEST(TenantRouter, BadConfigurationsAreErrors) {
  auto code = [](TenantConfig c) {
    auto r = TenantRouter::build(c);
    return r.ok() ? std::string("ok") : r.status().code();
  };
  EXPECT_EQ(code({{{"", {}, {}}}}), "bad-tenant-id");
  EXPECT_EQ(code({{{"chu a", {}, {}}}}), "bad-tenant-id");
  EXPECT_EQ(code({{{std::string(65, 'a'), {}, {}}}}), "bad-tenant-id");
  EXPECT_EQ(code({{{"a", {}, {}}, {"a", {}, {}}}}), "duplicate-tenant");
  EXPECT_EQ(code({{{"a", {"t"}, {}}, {"b", {"t"}, {}}}}), "duplicate-topic");
  EXPECT_EQ(code({{{"a", {}, {"h"}}, {"b", {}, {"H"}}}}), "duplicate-host");
  EXPECT_EQ(code({{{"a", {}, {"*.x.local"}}, {"b", {}, {"*.X.local"}}}}), "duplicate-host");
  EXPECT_EQ(code({{{"a", {}, {"fw*"}}}}), "bad-host-pattern");
  EXPECT_EQ(code({{{"a", {}, {"*"}}}}), "bad-host-pattern");
  EXPECT_EQ(code({{{"a", {}, {""}}}}), "bad-host-pattern");
  EXPECT_EQ(code(two_hospitals()), "ok");
}

}  // namespace
}  // namespace vigie::enrich
