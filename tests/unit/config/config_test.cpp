// The deployment configuration: every setting read, every mistake reported with file:line:col.
#include "config/config.h"

#include <gtest/gtest.h>

namespace vigie::config {
namespace {

TEST(Config, ReadsEverySetting) {
  LoadedConfig c = parse_config(R"(version: 1
zone: Europe/Paris
tenant_header: x-establishment
fallback_tenant: grades-unrouted
max_record_bytes: 65536
tenants:
  - id: "010000099"
    name: CHU A
    topics: [ad.chu-a, vpn.chu-a]
    syslog_hosts: "*.chu-a.local"
    key_file: keys/010000099.key
    directory: /etc/vigie/directory/chu-a.csv
  - id: "020000088"
    zone: America/Cayenne
geoip:
  country_db: geo/country.mmdb
ehr:
  flat_columns: {user: login, patient_ipp: ipp}
)",
                                "/etc/vigie/vigie.yml");
  ASSERT_TRUE(c.ok()) << c.errors.front().to_string();
  const Config& k = c.config;
  EXPECT_EQ(k.zone, "Europe/Paris");
  EXPECT_EQ(k.tenant_header, "x-establishment");
  EXPECT_EQ(k.fallback_tenant, "grades-unrouted");
  EXPECT_EQ(k.max_record_bytes, 65536u);
  ASSERT_EQ(k.tenants.size(), 2u);
  EXPECT_EQ(k.tenants[0].id, "010000099");  // quoted: stays a string with its leading zero
  EXPECT_EQ(k.tenants[0].name, "CHU A");
  EXPECT_EQ(k.tenants[0].topics, (std::vector<std::string>{"ad.chu-a", "vpn.chu-a"}));
  EXPECT_EQ(k.tenants[0].syslog_hosts, (std::vector<std::string>{"*.chu-a.local"}));
  // Relative paths are relative to the configuration file's folder.
  EXPECT_EQ(k.tenants[0].key_file, "/etc/vigie/keys/010000099.key");
  EXPECT_EQ(k.tenants[0].directory, "/etc/vigie/directory/chu-a.csv");
  EXPECT_EQ(k.tenants[1].zone, "America/Cayenne");
  EXPECT_EQ(k.geoip.country_db, "/etc/vigie/geo/country.mmdb");
  EXPECT_EQ(k.ehr_flat_columns.at("patient_ipp"), "ipp");
}

TEST(Config, AnEmptyFileIsEveryDefault) {
  LoadedConfig c = parse_config("", "vigie.yml");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.config.zone, "Europe/Paris");
  EXPECT_TRUE(c.config.tenants.empty());
  EXPECT_EQ(c.config.max_record_bytes, std::size_t{1} << 20);
}

TEST(Config, EveryMistakeIsReportedWithItsPlace) {
  LoadedConfig c = parse_config(R"(version: 2
zonee: Europe/Paris
max_record_bytes: -1
tenants:
  - name: no id
    topic: ad.x
geoip: [a]
)",
                                "vigie.yml");
  ASSERT_EQ(c.errors.size(), 6u);
  std::vector<std::string> lines;
  for (const ConfigError& e : c.errors) lines.push_back(e.to_string());
  EXPECT_EQ(lines[0],
            "vigie.yml:1:10: error: [bad-version] version must be 1 (the only "
            "configuration format so far)");
  EXPECT_EQ(lines[1].substr(0, 38), "vigie.yml:2:1: error: [unknown-key] un");
  EXPECT_NE(lines[1].find("'zonee'"), std::string::npos);
  EXPECT_EQ(lines[2].substr(0, 36), "vigie.yml:3:19: error: [bad-value] m");
  EXPECT_EQ(lines[3].substr(0, 36), "vigie.yml:5:5: error: [missing-key] ");
  EXPECT_EQ(lines[4].substr(0, 38), "vigie.yml:6:5: error: [unknown-key] un");
  EXPECT_EQ(lines[5].substr(0, 33), "vigie.yml:7:8: error: [bad-type] ");
}

TEST(Config, BrokenYamlAndMissingFilesAreErrors) {
  LoadedConfig c = parse_config("tenants: [\n", "vigie.yml");
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].code, "bad-yaml");
  EXPECT_GT(c.errors[0].line, 0);
  LoadedConfig m = load_config("/nonexistent/vigie.yml");
  ASSERT_EQ(m.errors.size(), 1u);
  EXPECT_EQ(m.errors[0].to_string(),
            "/nonexistent/vigie.yml: error: [unreadable] cannot read the configuration file");
}

}  // namespace
}  // namespace vigie::config
