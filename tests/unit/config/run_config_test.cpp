// `vigie run`'s sections of the configuration: Kafka, routes, rules, store, processing, metrics,
// and ${ENV} interpolation, each mistake reported with file:line:col.
#include <gtest/gtest.h>
#include <stdlib.h>

#include "config/config.h"

namespace vigie::config {
namespace {

bool has_error(const LoadedConfig& c, const std::string& code, int line) {
  for (const ConfigError& e : c.errors) {
    if (e.code == code && e.line == line) return true;
  }
  return false;
}

TEST(RunConfig, ReadsEveryStreamSetting) {
  ::setenv("VIGIE_TEST_BOOTSTRAP", "kafka-1:9093,kafka-2:9093", 1);
  ::setenv("VIGIE_TEST_SASL_PASSWORD", "s3cret", 1);
  LoadedConfig c = parse_config(R"(version: 1
kafka:
  bootstrap_servers: ${VIGIE_TEST_BOOTSTRAP}
  group_id: vigie-grades
  dead_letter_topic: vigie-dead-letters
  alerts_topic: vigie-alerts
  properties:
    security.protocol: SASL_SSL
    sasl.password: ${VIGIE_TEST_SASL_PASSWORD}
    client.id: ${VIGIE_TEST_UNSET_CLIENT:-vigie}
routes:
  - {topic: ad, family: ad, format: winlogbeat}
  - {topic: vpn, family: vpn}
rules:
  paths: [rules, /opt/sigma]
  placeholders: placeholders.yml
store:
  path: /var/lib/vigie/store
  sync: false
metrics:
  address: 0.0.0.0:9464
log:
  format: json
processing:
  workers: 4
  lateness: 10m
  batch_records: 1000
  batch_time: 250ms
  drain_timeout: 20s
  dead_letter_payload: {ehr: none, vpn: none}
)",
                                "/etc/vigie/vigie.yml");
  ASSERT_TRUE(c.ok()) << c.errors.front().to_string();
  const Config& k = c.config;
  EXPECT_EQ(k.kafka.bootstrap_servers, "kafka-1:9093,kafka-2:9093");
  EXPECT_EQ(k.kafka.group_id, "vigie-grades");
  EXPECT_EQ(k.kafka.dead_letter_topic, "vigie-dead-letters");
  EXPECT_EQ(k.kafka.alerts_topic, "vigie-alerts");
  ASSERT_EQ(k.kafka.properties.size(), 3u);
  EXPECT_EQ(k.kafka.properties[0],
            (std::pair<std::string, std::string>{"security.protocol", "SASL_SSL"}));
  EXPECT_EQ(k.kafka.properties[1].second, "s3cret");
  EXPECT_EQ(k.kafka.properties[2].second, "vigie");  // the default of an unset variable
  ASSERT_EQ(k.routes.size(), 2u);
  EXPECT_EQ(k.routes[0].topic, "ad");
  EXPECT_EQ(k.routes[0].format, "winlogbeat");
  EXPECT_EQ(k.routes[1].family, "vpn");
  EXPECT_EQ(k.routes[1].format, "auto");
  EXPECT_EQ(k.rules.paths, (std::vector<std::string>{"/etc/vigie/rules", "/opt/sigma"}));
  EXPECT_EQ(k.rules.placeholders, "/etc/vigie/placeholders.yml");
  EXPECT_EQ(k.store_path, "/var/lib/vigie/store");
  EXPECT_FALSE(k.store_sync);
  EXPECT_EQ(k.metrics_address, "0.0.0.0:9464");
  EXPECT_EQ(k.log_format, "json");
  EXPECT_EQ(k.processing.workers, 4u);
  EXPECT_EQ(k.processing.lateness_ms, 600'000);
  EXPECT_EQ(k.processing.batch_records, 1000u);
  EXPECT_EQ(k.processing.batch_ms, 250);
  EXPECT_EQ(k.processing.drain_timeout_ms, 20'000);
  EXPECT_EQ(k.processing.dead_letter_payload.at("ad"), "raw");  // the default stays
  EXPECT_EQ(k.processing.dead_letter_payload.at("vpn"), "none");
}

TEST(RunConfig, DefaultsAreSafe) {
  LoadedConfig c = parse_config("version: 1\n", "/x/vigie.yml");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c.config.store_sync);
  EXPECT_EQ(c.config.processing.dead_letter_payload.at("ehr"), "none");  // patients' records
  EXPECT_EQ(c.config.kafka.group_id, "vigie");
}

TEST(RunConfig, ReportsEachMistakeWhereItIs) {
  ::unsetenv("VIGIE_TEST_NOT_SET");
  LoadedConfig c = parse_config(R"(version: 1
kafka:
  bootstrap_servers: ${VIGIE_TEST_NOT_SET}
  grup_id: typo
routes:
  - {topic: ad, family: windows}
  - {topic: ad, family: ad}
  - {family: vpn}
processing:
  workers: 0
  lateness: soon
store:
  sync: maybe
)",
                                "/x/vigie.yml");
  EXPECT_FALSE(c.ok());
  EXPECT_TRUE(has_error(c, "unset-env", 3));
  EXPECT_TRUE(has_error(c, "unknown-key", 4));
  EXPECT_TRUE(has_error(c, "bad-value", 6));        // family
  EXPECT_TRUE(has_error(c, "duplicate-route", 7));  // topic ad twice
  EXPECT_TRUE(has_error(c, "missing-key", 8));      // no topic
  EXPECT_TRUE(has_error(c, "bad-value", 10));       // workers 0
  EXPECT_TRUE(has_error(c, "bad-value", 11));       // lateness
  EXPECT_TRUE(has_error(c, "bad-value", 13));       // sync
  for (const ConfigError& e : c.errors) {
    EXPECT_EQ(e.file, "/x/vigie.yml");
    EXPECT_GT(e.column, 0) << e.to_string();
  }
}

TEST(RunConfig, EnvironmentSyntax) {
  ::setenv("VIGIE_TEST_HOST", "k1", 1);
  LoadedConfig c = parse_config(R"(kafka:
  bootstrap_servers: "${VIGIE_TEST_HOST}:9092,$${literal}"
  group_id: "${bad name}"
)",
                                "/x/vigie.yml");
  EXPECT_EQ(c.config.kafka.bootstrap_servers, "k1:9092,${literal}");
  EXPECT_TRUE(has_error(c, "bad-env", 3));
  // The error names the variable, never a value.
  for (const ConfigError& e : c.errors) EXPECT_EQ(e.message.find("k1"), std::string::npos);
}

}  // namespace
}  // namespace vigie::config
