#include "common/timestamp.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace vigie {
namespace {

struct ParseCase {
  std::string_view text;
  std::optional<std::int64_t> ms;
  int default_offset_minutes = 0;
};

// Expected values computed independently (Python datetime).
constexpr std::int64_t k20240301T123456 = 1709296496000;

const ParseCase kValid[] = {
    {"2024-03-01T12:34:56Z", k20240301T123456},
    {"2024-03-01t12:34:56z", k20240301T123456},
    {"2024-03-01 12:34:56Z", k20240301T123456},
    {"2024-03-01T12:34:56.123Z", k20240301T123456 + 123},
    {"2024-03-01T12:34:56,123Z", k20240301T123456 + 123},
    {"2024-03-01T12:34:56.1Z", k20240301T123456 + 100},
    {"2024-03-01T12:34:56.12Z", k20240301T123456 + 120},
    // Windows 7-digit fraction and longer ones: truncated to the millisecond, never rounded up.
    {"2024-03-01T12:34:56.1239999Z", k20240301T123456 + 123},
    {"2024-03-01T12:34:56.999999999999Z", k20240301T123456 + 999},
    {"2024-03-01T12:34:56+01:00", 1709292896000},
    {"2024-03-01T12:34:56+0100", 1709292896000},
    {"2024-03-01T12:34:56+01", 1709292896000},
    {"2024-03-01T12:34:56-08:00", 1709325296000},
    {"2024-03-01T12:34:56.123+0530", 1709276696123},
    {"2024-03-01T12:34:56.123+05:30", 1709276696123},
    {"2024-03-01T12:34:56+00:00", k20240301T123456},
    {"2024-03-01T12:34:56-00:00", k20240301T123456},
    // No zone: UTC, or the default offset when one is given; an explicit zone ignores the default.
    {"2024-03-01 12:34:56.123", k20240301T123456 + 123},
    {"2024-03-01T12:34:56", k20240301T123456},
    {"2024-03-01 13:34:56", k20240301T123456, 60},
    {"2024-03-01 04:34:56", k20240301T123456, -480},
    {"2024-03-01T12:34:56Z", k20240301T123456, 60},
    {"2024-03-01", 1709251200000},
    // Calendar edges.
    {"2024-02-29T23:59:59.999Z", 1709251199999},
    {"2000-02-29T00:00:00Z", 951782400000},
    {"1900-03-01T00:00:00Z", -2203891200000},
    {"1969-12-31T23:59:59.999Z", -1},
    {"1970-01-01T00:00:00Z", 0},
    {"0001-01-01T00:00:00Z", -62135596800000},
    {"9999-12-31T23:59:59.999Z", 253402300799999},
    // Leap second: the first second of the next minute.
    {"2016-12-31T23:59:60Z", 1483228800000},
    {"2026-03-14T00:14:02.5321140Z", 1773447242532},
};

const std::string_view kInvalid[] = {
    "",
    "2024",
    "2024-03",
    "2024-3-01T12:34:56Z",
    "2024-03-1T12:34:56Z",
    "24-03-01T12:34:56Z",
    "2024/03/01T12:34:56Z",
    "2024-00-01T12:34:56Z",
    "2024-13-01T12:34:56Z",
    "2024-01-00T12:34:56Z",
    "2024-01-32T12:34:56Z",
    "2024-04-31T12:34:56Z",
    "2023-02-29T12:34:56Z",
    "1900-02-29T12:34:56Z",
    "2024-03-01T24:00:00Z",
    "2024-03-01T12:60:00Z",
    "2024-03-01T12:34:61Z",
    "2024-03-01T12:34Z",
    "2024-03-01T12:34:5Z",
    "2024-03-01T1:34:56Z",
    "2024-03-01X12:34:56Z",
    "2024-03-01T",
    "2024-03-01T12:34:56.Z",
    "2024-03-01T12:34:56.",
    "2024-03-01T12:34:56+",
    "2024-03-01T12:34:56+1",
    "2024-03-01T12:34:56+01:",
    "2024-03-01T12:34:56+01:0",
    "2024-03-01T12:34:56+010",
    "2024-03-01T12:34:56+24:00",
    "2024-03-01T12:34:56+05:60",
    "2024-03-01T12:34:56ZZ",
    "2024-03-01T12:34:56Z ",
    " 2024-03-01T12:34:56Z",
    "2024-03-01T12:34:56 UTC",
    "2024-03-01T12:34:56.123abc",
    "-024-03-01T12:34:56Z",
    "１２３４-03-01",  // fullwidth digits
    "1709296496000",
    "Mar  1 12:34:56",
};

TEST(ParseTimestampTest, AcceptsIso8601AndRfc3339) {
  for (const ParseCase& c : kValid) {
    EXPECT_EQ(parse_timestamp_ms(c.text, c.default_offset_minutes), c.ms)
        << c.text << " offset " << c.default_offset_minutes;
  }
}

TEST(ParseTimestampTest, RejectsMalformedAndOutOfRange) {
  for (std::string_view text : kInvalid) {
    EXPECT_EQ(parse_timestamp_ms(text), std::nullopt) << '"' << text << '"';
  }
}

TEST(ParseTimestampTest, DoesNotReadPastTheView) {
  // The view ends before the zone: it is a zone-less timestamp, not one at +01:00.
  const std::string text = "2024-03-01T12:34:56+01:00";
  EXPECT_EQ(parse_timestamp_ms(std::string_view(text).substr(0, 19)), k20240301T123456);
  EXPECT_EQ(parse_timestamp_ms(std::string_view(text).substr(0, 20)), std::nullopt);
}

struct PartsCase {
  std::string_view text;
  DateParts parts;
};

const PartsCase kParts[] = {
    {"2024-03-01T12:34:56.789Z", {2024, 3, 1, 12, 34, 56, 9, 5}},
    {"1970-01-01T00:00:00Z", {1970, 1, 1, 0, 0, 0, 1, 4}},
    {"1969-12-31T23:59:59.999Z", {1969, 12, 31, 23, 59, 59, 1, 3}},
    // ISO weeks across year boundaries.
    {"2021-01-03T10:00:00Z", {2021, 1, 3, 10, 0, 0, 53, 7}},    // Sunday in 2020-W53
    {"2021-01-04T00:00:00Z", {2021, 1, 4, 0, 0, 0, 1, 1}},      // Monday, 2021-W01
    {"2024-12-30T08:00:00Z", {2024, 12, 30, 8, 0, 0, 1, 1}},    // Monday in 2025-W01
    {"2026-12-31T23:00:00Z", {2026, 12, 31, 23, 0, 0, 53, 4}},  // 2026 has 53 weeks
    {"2027-01-01T00:00:00Z", {2027, 1, 1, 0, 0, 0, 53, 5}},
    {"2020-12-31T00:00:00Z", {2020, 12, 31, 0, 0, 0, 53, 4}},  // leap year starting on Wednesday
    {"2023-01-01T00:00:00Z", {2023, 1, 1, 0, 0, 0, 52, 7}},
    {"2024-02-29T12:00:00Z", {2024, 2, 29, 12, 0, 0, 9, 4}},
    {"0001-01-01T00:00:00Z", {1, 1, 1, 0, 0, 0, 1, 1}},
};

TEST(DatePartsTest, BreaksDownUtc) {
  for (const PartsCase& c : kParts) {
    const std::optional<std::int64_t> ms = parse_timestamp_ms(c.text);
    ASSERT_TRUE(ms.has_value()) << c.text;
    const DateParts p = date_parts_utc(*ms);
    EXPECT_EQ(p.year, c.parts.year) << c.text;
    EXPECT_EQ(p.month, c.parts.month) << c.text;
    EXPECT_EQ(p.day, c.parts.day) << c.text;
    EXPECT_EQ(p.hour, c.parts.hour) << c.text;
    EXPECT_EQ(p.minute, c.parts.minute) << c.text;
    EXPECT_EQ(p.second, c.parts.second) << c.text;
    EXPECT_EQ(p.iso_week, c.parts.iso_week) << c.text;
    EXPECT_EQ(p.weekday, c.parts.weekday) << c.text;
  }
}

TEST(DatePartsTest, DefinedForExtremeValues) {
  // The event module's "no time" marker is INT64_MIN; breaking it down must not overflow.
  for (std::int64_t ms : {std::numeric_limits<std::int64_t>::min(),
                          std::numeric_limits<std::int64_t>::max(), std::int64_t{-1}}) {
    const DateParts p = date_parts_utc(ms);
    EXPECT_GE(p.month, 1);
    EXPECT_LE(p.month, 12);
    EXPECT_GE(p.day, 1);
    EXPECT_LE(p.day, 31);
    EXPECT_GE(p.iso_week, 1);
    EXPECT_LE(p.iso_week, 53);
    EXPECT_GE(p.weekday, 1);
    EXPECT_LE(p.weekday, 7);
    EXPECT_FALSE(format_timestamp_ms(ms).empty());
  }
}

TEST(DatePartsTest, WeekdayAndDayAdvanceEveryDay) {
  // Walk 1600-2400 day by day: every ISO weekday follows the previous, dates stay in range, and
  // week numbers only move by one on Mondays.
  constexpr std::int64_t kDay = 86'400'000;
  const std::int64_t start = *parse_timestamp_ms("1600-01-01T12:00:00Z");
  const std::int64_t end = *parse_timestamp_ms("2400-12-31T12:00:00Z");
  DateParts prev = date_parts_utc(start);
  for (std::int64_t ms = start + kDay; ms <= end; ms += kDay) {
    const DateParts p = date_parts_utc(ms);
    ASSERT_EQ(p.weekday, prev.weekday % 7 + 1) << format_timestamp_ms(ms);
    if (p.weekday == 1) {
      ASSERT_TRUE(p.iso_week == prev.iso_week + 1 || p.iso_week == 1) << format_timestamp_ms(ms);
    } else {
      ASSERT_EQ(p.iso_week, prev.iso_week) << format_timestamp_ms(ms);
    }
    ASSERT_EQ(parse_timestamp_ms(format_timestamp_ms(ms)), ms);
    prev = p;
  }
}

TEST(FormatTimestampTest, Rfc3339Milliseconds) {
  EXPECT_EQ(format_timestamp_ms(k20240301T123456 + 789), "2024-03-01T12:34:56.789Z");
  EXPECT_EQ(format_timestamp_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_timestamp_ms(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_timestamp_ms(-62135596800000), "0001-01-01T00:00:00.000Z");
  EXPECT_EQ(format_timestamp_ms(253402300799999), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(format_timestamp_ms(-62135596800000 - 366LL * 86'400'000), "0000-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace vigie
