#include "store/alert_record.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "store_test_support.h"

namespace vigie::store {
namespace {

using testing::sample_alert;

TEST(AlertJson, RoundTripsEveryField) {
  AlertRecord a = sample_alert(7);
  a.status = "in_progress";
  a.created_ms = 1'700'000'000'123;
  a.value = 0.1 + 0.2;  // needs the shortest round-trip form, not 6 digits
  const std::string json = to_json(a);
  Result<AlertRecord> back = alert_from_json(json);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(*back, a);
  EXPECT_EQ(to_json(*back), json);  // stable
}

TEST(AlertJson, IsOneLineWithStableKeyOrder) {
  const std::string json = to_json(sample_alert(1));
  EXPECT_EQ(json.find('\n'), std::string::npos);
  const char* keys[] = {"\"id\":",
                        "\"tenant\":",
                        "\"kind\":",
                        "\"rule_id\":",
                        "\"rule_name\":",
                        "\"rule_title\":",
                        "\"rule_file\":",
                        "\"level\":",
                        "\"tags\":",
                        "\"correlation_type\":",
                        "\"group\":",
                        "\"time_ms\":",
                        "\"window_start_ms\":",
                        "\"window_end_ms\":",
                        "\"value\":",
                        "\"event_count\":",
                        "\"events\":",
                        "\"status\":",
                        "\"created_ms\":"};
  std::size_t at = 0;
  for (const char* k : keys) {
    const std::size_t found = json.find(k, at);
    ASSERT_NE(found, std::string::npos) << k;
    at = found;
  }
  EXPECT_EQ(json.rfind("{\"id\":", 0), 0U);
}

TEST(AlertJson, RoundTripsEscapesUnicodeAndEmptyFields) {
  AlertRecord a;
  a.id = "0123456789abcdef0123456789abcdef";
  a.tenant = "";
  a.kind = "match";
  a.rule_title = "quote \" backslash \\ slash / newline \n tab \t cr \r bell \x07 nul-free";
  a.rule_name = std::string("ctl \x01\x1f end");
  a.rule_file = "règles/accès-dossier-patient.yml";
  a.level = "日本語 ✓ 🏥";  // 3- and 4-byte UTF-8
  a.tags = {"", "a\"b"};
  a.group = {{"", ""}, {"utilisateur", "Élodie Müller"}, {"utilisateur", "dup key kept"}};
  a.events = {{"", 0, 0}};
  a.status = "";
  const std::string json = to_json(a);
  Result<AlertRecord> back = alert_from_json(json);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(*back, a);
}

TEST(AlertJson, RoundTripsExtremeNumbers) {
  AlertRecord a = sample_alert(2);
  a.time_ms = std::numeric_limits<std::int64_t>::min();
  a.window_start_ms = -1;
  a.window_end_ms = std::numeric_limits<std::int64_t>::max();
  a.event_count = std::numeric_limits<std::uint64_t>::max();
  a.value = -1.5e300;
  a.events = {
      {"t", std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int64_t>::max()},
      {"t", std::numeric_limits<std::int32_t>::max(), -5}};
  a.created_ms = -42;
  Result<AlertRecord> back = alert_from_json(to_json(a));
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(*back, a);

  a.value = 3;  // written as an integer, read as a double
  back = alert_from_json(to_json(a));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->value, 3.0);
}

TEST(AlertJson, NonFiniteValueBecomesNullThenNaN) {
  AlertRecord a = sample_alert(3);
  a.value = std::numeric_limits<double>::infinity();
  const std::string json = to_json(a);
  EXPECT_NE(json.find("\"value\":null"), std::string::npos);
  Result<AlertRecord> back = alert_from_json(json);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_TRUE(std::isnan(back->value));
}

TEST(AlertJson, OnlyIdIsRequiredAndUnknownKeysAreIgnored) {
  Result<AlertRecord> a = alert_from_json(R"({"id":"abc","future_key":{"x":[1,2]},"time_ms":5})");
  ASSERT_TRUE(a.ok()) << a.status().to_string();
  EXPECT_EQ(a->id, "abc");
  EXPECT_EQ(a->time_ms, 5);
  EXPECT_EQ(a->status, "new");
  EXPECT_TRUE(a->tags.empty());
}

struct MalformedCase {
  const char* name;
  std::string json;
  const char* code;
};

class AlertJsonMalformed : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(AlertJsonMalformed, IsRejectedWithoutEchoingValues) {
  const MalformedCase& c = GetParam();
  Result<AlertRecord> a = alert_from_json(c.json);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), c.code) << a.status().to_string();
  EXPECT_EQ(a.status().message().find("SECRET"), std::string::npos) << a.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AlertJsonMalformed,
    ::testing::Values(
        MalformedCase{"empty", "", "invalid-json"},
        MalformedCase{"truncated", R"({"id":"SECRET")", "invalid-json"},
        MalformedCase{"trailing", R"({"id":"SECRET"} x)", "invalid-json"},
        MalformedCase{"bad_utf8", "{\"id\":\"SECRET\xff\"}", "invalid-json"},
        MalformedCase{"not_object", R"(["SECRET"])", "invalid-alert"},
        MalformedCase{"null", "null", "invalid-alert"},
        MalformedCase{"no_id", R"({"tenant":"SECRET"})", "invalid-alert"},
        MalformedCase{"empty_id", R"({"id":""})", "invalid-alert"},
        MalformedCase{"id_number", R"({"id":123})", "invalid-alert"},
        MalformedCase{"duplicate_key", R"({"id":"a","tenant":"SECRET","tenant":"b"})",
                      "invalid-alert"},
        MalformedCase{"time_fraction", R"({"id":"a","time_ms":1.5})", "invalid-alert"},
        MalformedCase{"time_string", R"({"id":"a","time_ms":"SECRET"})", "invalid-alert"},
        MalformedCase{"time_overflow", R"({"id":"a","time_ms":9223372036854775808})",
                      "invalid-alert"},
        MalformedCase{"count_negative", R"({"id":"a","event_count":-1})", "invalid-alert"},
        MalformedCase{"value_string", R"({"id":"a","value":"SECRET"})", "invalid-alert"},
        MalformedCase{"tags_object", R"({"id":"a","tags":{"x":"SECRET"}})", "invalid-alert"},
        MalformedCase{"tags_number", R"({"id":"a","tags":["ok",1]})", "invalid-alert"},
        MalformedCase{"group_array", R"({"id":"a","group":["SECRET"]})", "invalid-alert"},
        MalformedCase{"group_number", R"({"id":"a","group":{"user":7}})", "invalid-alert"},
        MalformedCase{"events_object", R"({"id":"a","events":{}})", "invalid-alert"},
        MalformedCase{"event_string", R"({"id":"a","events":["SECRET"]})", "invalid-alert"},
        MalformedCase{"partition_range",
                      R"({"id":"a","events":[{"topic":"t","partition":2147483648,"offset":1}]})",
                      "invalid-alert"},
        MalformedCase{"event_duplicate", R"({"id":"a","events":[{"topic":"t","topic":"SECRET"}]})",
                      "invalid-alert"},
        MalformedCase{"status_null", R"({"id":"a","status":null})", "invalid-alert"}),
    [](const ::testing::TestParamInfo<MalformedCase>& info) { return info.param.name; });

}  // namespace
}  // namespace vigie::store
