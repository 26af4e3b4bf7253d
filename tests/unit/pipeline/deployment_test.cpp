// Deployment: the configuration's tenants, keys, directories and GeoIP, built and checked once.
#include "pipeline/deployment.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace vigie::pipeline {
namespace {

namespace fs = std::filesystem;

class DeploymentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vigie-deployment-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    key_ = (dir_ / "chu-a.key").string();
    std::ofstream(key_) << "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n";
    ::chmod(key_.c_str(), 0600);
  }
  void TearDown() override { fs::remove_all(dir_); }

  config::Config two_tenants() {
    config::Config c;
    config::TenantSettings a;
    a.id = "010000099";
    a.key_file = key_;
    a.directory = std::string(VIGIE_SOURCE_DIR) + "/tests/data/enrich/directory.csv";
    a.syslog_hosts = {"*.chu-a.local"};
    config::TenantSettings b;
    b.id = "973000001";
    b.zone = "America/Cayenne";
    c.tenants = {a, b};
    return c;
  }

  fs::path dir_;
  std::string key_;
};

TEST_F(DeploymentTest, BuildsEveryTenantsState) {
  std::vector<std::string> warnings;
  auto d = Deployment::build(two_tenants(), warnings, "");
  ASSERT_TRUE(d.ok()) << d.status().to_string();
  const TenantState* a = (*d)->tenant("010000099");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->zone->name(), "Europe/Paris");
  ASSERT_NE(a->pseudonymiser, nullptr);
  EXPECT_EQ(a->pseudonymiser->domain(), "010000099");
  ASSERT_NE(a->directory, nullptr);
  EXPECT_FALSE(a->directory->entries().empty());
  const TenantState* b = (*d)->tenant("973000001");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->zone->name(), "America/Cayenne");
  EXPECT_EQ(b->pseudonymiser, nullptr);
  EXPECT_EQ((*d)->tenant("nobody"), nullptr);
  EXPECT_EQ(*(*d)->router().resolve({.syslog_host = "dc01.chu-a.local"}), "010000099");
  // No GeoIP database: one warning, the run goes on.
  ASSERT_FALSE(warnings.empty());
  EXPECT_NE(warnings.back().find("no GeoIP database"), std::string::npos);
  EXPECT_FALSE((*d)->geoip().enabled());
}

TEST_F(DeploymentTest, RoutesARecordToItsEstablishmentsStateOrSaysWhyNot) {
  std::vector<std::string> warnings;
  config::Config c = two_tenants();
  auto d = Deployment::build(c, warnings, "");
  ASSERT_TRUE(d.ok()) << d.status().to_string();
  EXPECT_TRUE((*d)->has_tenants());
  ASSERT_EQ((*d)->tenant_states().size(), 2u);
  auto a = (*d)->route({.syslog_host = "VPN1.CHU-A.local"});
  ASSERT_TRUE(a.ok()) << a.status().to_string();
  EXPECT_EQ(*a, (*d)->tenant("010000099"));
  auto none = (*d)->route({.syslog_host = "fw.elsewhere.local"});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), "no-tenant");
  EXPECT_EQ((*d)->route({}).status().code(), "no-tenant");

  c.fallback_tenant = "973000001";
  auto with_fallback = Deployment::build(c, warnings, "");
  ASSERT_TRUE(with_fallback.ok());
  auto b = (*with_fallback)->route({.syslog_host = "fw.elsewhere.local"});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)->id, "973000001");
  EXPECT_EQ((*b)->zone->name(), "America/Cayenne");

  auto bare = Deployment::build(config::Config{}, warnings, "");
  ASSERT_TRUE(bare.ok());
  EXPECT_FALSE((*bare)->has_tenants());
}

TEST_F(DeploymentTest, AGeoIpDatabaseFromTheConfiguration) {
  config::Config c = two_tenants();
  c.geoip.country_db =
      std::string(VIGIE_SOURCE_DIR) + "/tests/data/geoip/country-iplocationdb.mmdb";
  std::vector<std::string> warnings;
  auto d = Deployment::build(c, warnings, "");
  ASSERT_TRUE(d.ok()) << d.status().to_string();
  EXPECT_TRUE((*d)->geoip().enabled());
  EXPECT_EQ((*d)->geoip().lookup("90.1.2.3").country, "FR");
}

TEST_F(DeploymentTest, FatalProblemsNameTheTenantNeverTheKey) {
  std::vector<std::string> warnings;
  config::Config open_key = two_tenants();
  ::chmod(key_.c_str(), 0644);  // readable by others: refused
  auto d = Deployment::build(open_key, warnings, "");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), "key-file-permissions");
  EXPECT_NE(d.status().message().find("tenant 010000099"), std::string::npos);
  EXPECT_EQ(d.status().message().find("00112233"), std::string::npos);
  ::chmod(key_.c_str(), 0600);

  config::Config bad_zone = two_tenants();
  bad_zone.tenants[1].zone = "Mars/Olympus";
  d = Deployment::build(bad_zone, warnings, "");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("tenant 973000001"), std::string::npos);

  config::Config dup = two_tenants();
  dup.tenants[1].syslog_hosts = {"*.chu-a.local"};
  d = Deployment::build(dup, warnings, "");
  ASSERT_FALSE(d.ok());

  config::Config no_dir = two_tenants();
  no_dir.tenants[0].directory = (dir_ / "missing.csv").string();
  d = Deployment::build(no_dir, warnings, "");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("tenant 010000099"), std::string::npos);

  config::Config no_geo = two_tenants();
  no_geo.geoip.country_db = (dir_ / "missing.mmdb").string();
  d = Deployment::build(no_geo, warnings, "");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), "geoip-open");
}

}  // namespace
}  // namespace vigie::pipeline
