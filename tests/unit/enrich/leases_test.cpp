// LeaseTable: an internal VPN address at an event's time gives the session that held it.
#include "enrich/leases.h"

#include <gtest/gtest.h>

namespace vigie::enrich {
namespace {

Lease lease(const char* user, std::int64_t start, const char* session = "") {
  Lease l;
  l.user = user;
  l.public_ip = "198.51.100.7";
  l.country = "FR";
  l.session_id = session;
  l.start_ms = start;
  return l;
}

const char* user_at(const LeaseTable& t, const char* tenant, const char* ip, std::int64_t at) {
  const Lease* l = t.find(tenant, ip, at);
  return l == nullptr ? "none" : l->user.c_str();
}

TEST(LeaseTable, AnAddressBelongsToItsSessionFromStartToEnd) {
  LeaseTable t;
  t.start("chu-a", "10.212.134.21", lease("mleroy", 1000));
  EXPECT_STREQ(user_at(t, "chu-a", "10.212.134.21", 999), "none");
  EXPECT_STREQ(user_at(t, "chu-a", "10.212.134.21", 1000), "mleroy");    // edges included
  EXPECT_STREQ(user_at(t, "chu-a", "10.212.134.21", 50'000), "mleroy");  // still open
  EXPECT_TRUE(t.end("chu-a", "10.212.134.21", 60'000));
  EXPECT_STREQ(user_at(t, "chu-a", "10.212.134.21", 60'000), "mleroy");
  EXPECT_STREQ(user_at(t, "chu-a", "10.212.134.21", 60'001), "none");
}

TEST(LeaseTable, AReusedAddressGivesTheSessionOfTheEventsTime) {
  LeaseTable t;
  t.start("chu-a", "10.212.134.21", lease("mleroy", 1000));
  t.end("chu-a", "10.212.134.21", 5000);
  t.start("chu-a", "10.212.134.21", lease("ssimon", 9000));
  EXPECT_STREQ(user_at(t, "chu-a", "10.212.134.21", 3000), "mleroy");
  EXPECT_STREQ(user_at(t, "chu-a", "10.212.134.21", 7000), "none");
  EXPECT_STREQ(user_at(t, "chu-a", "10.212.134.21", 9500), "ssimon");
  // A session start whose end was never seen ends when the address is given again.
  t.start("chu-a", "10.212.134.22", lease("a", 1000));
  t.start("chu-a", "10.212.134.22", lease("b", 2000));
  EXPECT_STREQ(user_at(t, "chu-a", "10.212.134.22", 1500), "a");
  EXPECT_STREQ(user_at(t, "chu-a", "10.212.134.22", 2500), "b");
  // Out of order: a start that arrives after a later one is placed by its time.
  t.start("chu-a", "10.212.134.23", lease("late", 5000));
  t.start("chu-a", "10.212.134.23", lease("early", 1000));
  EXPECT_STREQ(user_at(t, "chu-a", "10.212.134.23", 1500), "early");
  EXPECT_STREQ(user_at(t, "chu-a", "10.212.134.23", 6000), "late");
}

TEST(LeaseTable, TenantsAreWalls) {
  LeaseTable t;
  t.start("chu-a", "10.212.134.21", lease("mleroy", 1000));
  EXPECT_STREQ(user_at(t, "ch-b", "10.212.134.21", 2000), "none");
  EXPECT_FALSE(t.end("ch-b", "10.212.134.21", 3000));
  EXPECT_STREQ(user_at(t, "chu-a", "10.212.134.21", 4000), "mleroy");
}

TEST(LeaseTable, SessionIdsKeepEndsOnTheirSession) {
  LeaseTable t;
  t.start("chu-a", "10.0.0.1", lease("a", 1000, "s1"));
  EXPECT_FALSE(t.end("chu-a", "10.0.0.1", 2000, "other-session"));
  EXPECT_STREQ(user_at(t, "chu-a", "10.0.0.1", 2500), "a");
  EXPECT_TRUE(t.end("chu-a", "10.0.0.1", 3000, "s1"));
  EXPECT_STREQ(user_at(t, "chu-a", "10.0.0.1", 3500), "none");
}

TEST(LeaseTable, BoundedAndExpired) {
  LeaseTable t(3);
  t.start("x", "10.0.0.1", lease("a", 1000));
  t.end("x", "10.0.0.1", 2000);
  t.start("x", "10.0.0.2", lease("b", 1500));
  t.start("x", "10.0.0.3", lease("c", 1600));
  t.start("x", "10.0.0.4", lease("d", 1700));  // full: the ended lease goes first
  EXPECT_EQ(t.size(), 3u);
  EXPECT_EQ(t.evicted(), 1u);
  EXPECT_STREQ(user_at(t, "x", "10.0.0.1", 1500), "none");
  t.start("x", "10.0.0.5", lease("e", 1800));  // then the oldest open one
  EXPECT_STREQ(user_at(t, "x", "10.0.0.2", 1900), "none");
  EXPECT_STREQ(user_at(t, "x", "10.0.0.3", 1900), "c");
  t.end("x", "10.0.0.3", 2000);
  t.expire(2001);
  EXPECT_EQ(t.size(), 2u);
  EXPECT_STREQ(user_at(t, "x", "10.0.0.3", 1900), "none");
}

TEST(LeaseTable, ASnapshotRestoresEveryLeaseAndEveryTruncationFails) {
  LeaseTable t;
  t.start("chu-a", "10.212.134.21", lease("mleroy", 1000, "s1"));
  EXPECT_TRUE(t.end("chu-a", "10.212.134.21", 5000, "s1"));
  t.start("chu-a", "10.212.134.21", lease("jdurand", 6000));
  t.start("chu-b", "10.212.134.21", lease("apetit", 2000));
  const std::string bytes = t.snapshot();
  LeaseTable r;
  ASSERT_TRUE(r.restore(bytes).ok());
  EXPECT_EQ(r.size(), 3u);
  EXPECT_STREQ(user_at(r, "chu-a", "10.212.134.21", 4000), "mleroy");
  EXPECT_STREQ(user_at(r, "chu-a", "10.212.134.21", 5500), "none");  // ended, kept ended
  EXPECT_STREQ(user_at(r, "chu-a", "10.212.134.21", 9000), "jdurand");
  EXPECT_STREQ(user_at(r, "chu-b", "10.212.134.21", 9000), "apetit");  // tenants stay apart
  EXPECT_EQ(r.snapshot(), bytes);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    LeaseTable bad;
    EXPECT_EQ(bad.restore(bytes.substr(0, n)).code(), "bad-snapshot") << n;
    EXPECT_EQ(bad.size(), 0u);
  }
}

}  // namespace
}  // namespace vigie::enrich
