#include "ingest/zone.h"

#include <gtest/gtest.h>
#include <time.h>

#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest_test_support.h"

namespace vigie::ingest {
namespace {

using testing::ms;
using testing::paris;

// ---- DST in Europe/Paris: the two documented rules ----------------------------------------------

struct LocalCase {
  const char* local;  // civil time in Europe/Paris
  const char* utc;    // the instant Vigie gives it
  LocalTimeKind kind;
};

// Expected instants computed independently (Python zoneinfo, fold=0 for the overlap).
const LocalCase kParisCases[] = {
    // Spring forward, 2024-03-31: 02:00-02:59:59.999 do not exist; shifted forward by one hour.
    {"2024-03-31T01:59:59.999", "2024-03-31T00:59:59.999Z", LocalTimeKind::kUnique},
    {"2024-03-31T02:00:00", "2024-03-31T01:00:00Z", LocalTimeKind::kGap},
    {"2024-03-31T02:30:00", "2024-03-31T01:30:00Z", LocalTimeKind::kGap},
    {"2024-03-31T02:59:59.999", "2024-03-31T01:59:59.999Z", LocalTimeKind::kGap},
    {"2024-03-31T03:00:00", "2024-03-31T01:00:00Z", LocalTimeKind::kUnique},
    {"2024-03-31T03:30:00", "2024-03-31T01:30:00Z", LocalTimeKind::kUnique},
    // Fall back, 2024-10-27: 02:00-02:59:59.999 happen twice; the earlier (CEST) is chosen.
    {"2024-10-27T01:59:59", "2024-10-26T23:59:59Z", LocalTimeKind::kUnique},
    {"2024-10-27T02:00:00", "2024-10-27T00:00:00Z", LocalTimeKind::kOverlap},
    {"2024-10-27T02:30:00", "2024-10-27T00:30:00Z", LocalTimeKind::kOverlap},
    {"2024-10-27T02:59:59.999", "2024-10-27T00:59:59.999Z", LocalTimeKind::kOverlap},
    {"2024-10-27T03:00:00", "2024-10-27T02:00:00Z", LocalTimeKind::kUnique},
    // Ordinary winter and summer times.
    {"2024-01-15T12:00:00", "2024-01-15T11:00:00Z", LocalTimeKind::kUnique},
    {"2024-07-14T12:00:00", "2024-07-14T10:00:00Z", LocalTimeKind::kUnique},
    // Past the file's explicit transitions (2037): the footer rule "CET-1CEST,M3.5.0,M10.5.0/3".
    {"2040-03-25T02:30:00", "2040-03-25T01:30:00Z", LocalTimeKind::kGap},
    {"2040-10-28T02:30:00", "2040-10-28T00:30:00Z", LocalTimeKind::kOverlap},
    {"2100-03-28T02:30:00", "2100-03-28T01:30:00Z", LocalTimeKind::kGap},
    // Folded onto the 400-year cycle.
    {"2800-03-26T02:30:00", "2800-03-26T01:30:00Z", LocalTimeKind::kGap},
    {"9999-10-31T02:30:00", "9999-10-31T00:30:00Z", LocalTimeKind::kOverlap},
    // Before railway time: Paris mean time, +00:09:21.
    {"1890-01-01T00:00:00", "1889-12-31T23:50:39Z", LocalTimeKind::kUnique},
};

class ParisLocal : public ::testing::TestWithParam<LocalCase> {};

TEST_P(ParisLocal, ResolvesWithTheDocumentedRule) {
  const LocalCase& c = GetParam();
  const LocalTimeResolution r = paris().resolve(ms(c.local));
  EXPECT_EQ(format_timestamp_ms(r.utc_ms), format_timestamp_ms(ms(c.utc))) << c.local;
  EXPECT_EQ(r.kind, c.kind) << c.local;
  EXPECT_EQ(paris().local_to_utc_ms(ms(c.local)), r.utc_ms);
}

INSTANTIATE_TEST_SUITE_P(Zone, ParisLocal, ::testing::ValuesIn(kParisCases));

TEST(Zone, ParisOffsets) {
  EXPECT_EQ(paris().name(), "Europe/Paris");
  EXPECT_EQ(paris().offset_seconds_at(ms("2024-03-31T00:59:59.999Z")), 3600);
  EXPECT_EQ(paris().offset_seconds_at(ms("2024-03-31T01:00:00Z")), 7200);
  EXPECT_EQ(paris().offset_seconds_at(ms("2024-10-27T00:59:59.999Z")), 7200);
  EXPECT_EQ(paris().offset_seconds_at(ms("2024-10-27T01:00:00Z")), 3600);
  EXPECT_EQ(paris().utc_to_local_ms(ms("2024-10-27T00:30:00Z")), ms("2024-10-27T02:30:00Z"));
  EXPECT_EQ(paris().utc_to_local_ms(ms("2024-10-27T01:30:00Z")), ms("2024-10-27T02:30:00Z"));
}

TEST(Zone, ParseLocalTimestamp) {
  // A CSV time without offset is Paris time; one with an offset keeps it.
  EXPECT_EQ(parse_local_timestamp_ms("2024-10-27 02:30:00", paris()), ms("2024-10-27T00:30:00Z"));
  EXPECT_EQ(parse_local_timestamp_ms("2024-03-31 02:30:00.250", paris()),
            ms("2024-03-31T01:30:00.250Z"));
  EXPECT_EQ(parse_local_timestamp_ms("2024-10-27T02:30:00+01:00", paris()),
            ms("2024-10-27T01:30:00Z"));
  EXPECT_EQ(parse_local_timestamp_ms("2024-10-27T02:30:00Z", paris()), ms("2024-10-27T02:30:00Z"));
  EXPECT_EQ(parse_local_timestamp_ms("2024-10-27T02:30:00-00:00", paris()),
            ms("2024-10-27T02:30:00Z"));
  EXPECT_EQ(parse_local_timestamp_ms("27/10/2024 02:30", paris()), std::nullopt);
  EXPECT_EQ(parse_local_timestamp_ms("", paris()), std::nullopt);
  EXPECT_TRUE(timestamp_has_offset("2024-10-27T02:30:00+0100"));
  EXPECT_FALSE(timestamp_has_offset("2024-10-27T02:30:00"));
  EXPECT_TRUE(timestamp_has_offset("2024-10-27 02:30:00z"));
  EXPECT_TRUE(timestamp_has_offset("2024-10-27T02:30:00.5-05"));
  EXPECT_FALSE(timestamp_has_offset("2024-10-27"));
}

TEST(Zone, Utc) {
  EXPECT_EQ(Zone::utc().name(), "UTC");
  for (std::int64_t t : {std::int64_t{0}, ms("2024-03-31T02:30:00Z"), std::int64_t{-1}}) {
    EXPECT_EQ(Zone::utc().offset_seconds_at(t), 0);
    EXPECT_EQ(Zone::utc().local_to_utc_ms(t), t);
  }
}

TEST(Zone, ExtremeValuesAreDefined) {
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  for (std::int64_t t : {kMin, kMin + 1, kMax, kMax - 1, std::int64_t{0}}) {
    (void)paris().offset_seconds_at(t);
    (void)paris().utc_to_local_ms(t);
    (void)paris().resolve(t);
  }
  EXPECT_EQ(paris().utc_to_local_ms(kMax), kMax);  // saturates
}

// ---- Loading ------------------------------------------------------------------------------------

TEST(ZoneLoad, LoadsOnceAndShares) {
  auto a = load_zone("Europe/Paris");
  auto b = load_zone("Europe/Paris");
  ASSERT_TRUE(a.ok()) << a.status().to_string();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->get(), b->get());
  auto utc = load_zone("Etc/UTC");
  ASSERT_TRUE(utc.ok()) << utc.status().to_string();
  EXPECT_EQ((*utc)->offset_seconds_at(ms("2024-07-01T00:00:00Z")), 0);
}

struct BadZone {
  const char* name;
  const char* code;
};

const BadZone kBadZones[] = {
    {"Europe/Pariss", "zone_unknown"},
    {"Mars/Olympus_Mons", "zone_unknown"},
    {"Europe", "zone_unknown"},    // a directory
    {"zone.tab", "zone_unknown"},  // a file of the folder that is not TZif
    {"", "zone_bad_name"},
    {"/etc/passwd", "zone_bad_name"},
    {"../../../etc/passwd", "zone_bad_name"},
    {"Europe/../../../etc/passwd", "zone_bad_name"},
    {"Europe//Paris", "zone_bad_name"},
    {"Europe/Paris/", "zone_bad_name"},
    {"./Europe/Paris", "zone_bad_name"},
    {"Europe/Paris ", "zone_bad_name"},
    {"Europe/Paris\n", "zone_bad_name"},
    {"CET; rm -rf /", "zone_bad_name"},
};

class ZoneLoadError : public ::testing::TestWithParam<BadZone> {};

TEST_P(ZoneLoadError, IsAClearConfigurationError) {
  auto z = load_zone(GetParam().name);
  ASSERT_FALSE(z.ok()) << GetParam().name;
  EXPECT_EQ(z.status().code(), GetParam().code) << z.status().to_string();
  EXPECT_FALSE(z.status().message().empty());
}

INSTANTIATE_TEST_SUITE_P(Zone, ZoneLoadError, ::testing::ValuesIn(kBadZones));

TEST(ZoneLoad, UnknownZoneMessageSaysWhere) {
  auto z = load_zone("Europe/Pariss", "/nonexistent/zoneinfo");
  ASSERT_FALSE(z.ok());
  EXPECT_EQ(z.status().code(), "zone_unknown");
  EXPECT_NE(z.status().message().find("/nonexistent/zoneinfo/Europe/Pariss"), std::string::npos)
      << z.status().message();
}

TEST(ZoneLoad, LeapSecondZonesAreRefused) {
  const std::string right = std::string(kDefaultZoneDir) + "/right/Europe/Paris";
  if (testing::read_file(right).empty()) GTEST_SKIP() << "no " << right;
  auto z = load_zone("right/Europe/Paris");
  ASSERT_FALSE(z.ok());
  EXPECT_EQ(z.status().code(), "zone_unsupported");
}

// ---- TZif parsing -------------------------------------------------------------------------------

void put32(std::string& s, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>((v >> shift) & 0xFF));
}
void put64(std::string& s, std::int64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    s.push_back(static_cast<char>((static_cast<std::uint64_t>(v) >> shift) & 0xFF));
  }
}

struct Tzif {
  std::vector<std::int32_t> type_offsets = {0};
  std::vector<std::pair<std::int64_t, std::uint8_t>> transitions;  // (UTC seconds, type)
  std::string footer;
  char version = '2';
  std::uint32_t leapcnt = 0;

  std::string bytes() const {
    std::string s;
    const auto header = [&](std::uint32_t timecnt, std::uint32_t typecnt, std::uint32_t charcnt,
                            std::uint32_t leaps) {
      s += "TZif";
      s.push_back(version);
      s.append(15, '\0');
      for (std::uint32_t v : {0u, 0u, leaps, timecnt, typecnt, charcnt}) put32(s, v);
    };
    const auto data = [&](bool wide) {
      for (const auto& [t, type] : transitions) {
        if (wide) {
          put64(s, t);
        } else {
          put32(s, static_cast<std::uint32_t>(t));
        }
      }
      for (const auto& tr : transitions) s.push_back(static_cast<char>(tr.second));
      for (std::int32_t off : type_offsets) {
        put32(s, static_cast<std::uint32_t>(off));
        s.push_back('\0');
        s.push_back('\0');
      }
      s += std::string_view("ZZZ\0", 4);
      for (std::uint32_t i = 0; i < leapcnt; ++i) {
        if (wide) {
          put64(s, 78796800);
        } else {
          put32(s, 78796800);
        }
        put32(s, 1);
      }
    };
    const auto timecnt = static_cast<std::uint32_t>(transitions.size());
    const auto typecnt = static_cast<std::uint32_t>(type_offsets.size());
    if (version == '\0') {
      header(timecnt, typecnt, 4, leapcnt);
      data(false);
      return s;
    }
    header(0, 0, 0, 0);  // an empty version 1 block, as zic -b slim writes
    header(timecnt, typecnt, 4, leapcnt);
    data(true);
    s += "\n" + footer + "\n";
    return s;
  }
};

TEST(Tzif, VersionOneAndTwo) {
  Tzif t;
  t.type_offsets = {3600, 7200};
  t.transitions = {{1000, 1}, {2000, 0}};
  for (char version : {'\0', '2', '3', '4'}) {
    t.version = version;
    auto z = Zone::from_tzif("Test/Zone", t.bytes());
    ASSERT_TRUE(z.ok()) << z.status().to_string();
    EXPECT_EQ(z->name(), "Test/Zone");
    EXPECT_EQ(z->offset_seconds_at(999'999), 3600);
    EXPECT_EQ(z->offset_seconds_at(1'000'000), 7200);
    EXPECT_EQ(z->offset_seconds_at(1'999'999), 7200);
    EXPECT_EQ(z->offset_seconds_at(2'000'000), 3600);
    EXPECT_EQ(z->offset_seconds_at(-5'000'000'000'000), 3600);
  }
}

struct BadTzif {
  const char* what;
  std::string bytes;
  const char* code;
};

std::vector<BadTzif> bad_tzifs() {
  std::vector<BadTzif> cases;
  Tzif ok;
  ok.type_offsets = {3600, 7200};
  ok.transitions = {{1000, 1}, {2000, 0}};
  ok.footer = "CET-1";
  const std::string good = ok.bytes();
  cases.push_back({"empty", "", "zone_bad_tzif"});
  cases.push_back({"not TZif", "TZxx" + good.substr(4), "zone_bad_tzif"});
  cases.push_back({"header only", good.substr(0, 44), "zone_bad_tzif"});
  Tzif t = ok;
  t.transitions = {{2000, 1}, {1000, 0}};
  cases.push_back({"unsorted", t.bytes(), "zone_bad_tzif"});
  t = ok;
  t.transitions = {{1000, 1}, {1000, 0}};
  cases.push_back({"equal times", t.bytes(), "zone_bad_tzif"});
  t = ok;
  t.transitions = {{1000, 2}};
  cases.push_back({"unknown type", t.bytes(), "zone_bad_tzif"});
  t = ok;
  t.type_offsets = {};
  t.transitions = {};
  cases.push_back({"no type", t.bytes(), "zone_bad_tzif"});
  t = ok;
  t.type_offsets = {100'000};
  t.transitions = {};
  cases.push_back({"offset beyond 25h", t.bytes(), "zone_bad_tzif"});
  t = ok;
  t.footer = "CET-1CEST";  // DST without a rule
  cases.push_back({"footer without rule", t.bytes(), "zone_bad_tzif"});
  t.footer = "C-1";  // a name needs three letters
  cases.push_back({"footer short name", t.bytes(), "zone_bad_tzif"});
  t.footer = "CET-1CEST,M13.5.0,M10.5.0";
  cases.push_back({"footer month 13", t.bytes(), "zone_bad_tzif"});
  t.footer = "CET-1CEST,M3.5.0,M10.5.0/168";
  cases.push_back({"footer time 168h", t.bytes(), "zone_bad_tzif"});
  t.footer = "CET-1 ";
  cases.push_back({"footer trailing space", t.bytes(), "zone_bad_tzif"});
  std::string no_footer = good;
  no_footer.pop_back();
  cases.push_back({"unterminated footer", no_footer, "zone_bad_tzif"});
  t = ok;
  t.leapcnt = 1;
  cases.push_back({"leap seconds", t.bytes(), "zone_unsupported"});
  return cases;
}

TEST(Tzif, MalformedFilesAreErrors) {
  for (const BadTzif& c : bad_tzifs()) {
    auto z = Zone::from_tzif("Test/Zone", c.bytes);
    ASSERT_FALSE(z.ok()) << c.what;
    EXPECT_EQ(z.status().code(), c.code) << c.what << ": " << z.status().to_string();
  }
}

TEST(Tzif, EveryTruncationOfARealFileIsAnError) {
  const std::string bytes = testing::read_file(std::string(kDefaultZoneDir) + "/Europe/Paris");
  ASSERT_GT(bytes.size(), 100u);
  ASSERT_TRUE(Zone::from_tzif("Europe/Paris", bytes).ok());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    auto z = Zone::from_tzif("Europe/Paris", std::string_view(bytes).substr(0, n));
    EXPECT_FALSE(z.ok()) << n;
  }
}

// ---- Against glibc ------------------------------------------------------------------------------
//
// glibc's localtime_r reads the same TZif files and applies POSIX TZ strings itself: an
// independent implementation to compare every offset with.

class ScopedTz {
 public:
  explicit ScopedTz(const std::string& tz) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    setenv("TZ", tz.c_str(), 1);
    tzset();
  }
  ~ScopedTz() {
    if (old_) {
      setenv("TZ", old_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }
  ScopedTz(const ScopedTz&) = delete;
  ScopedTz& operator=(const ScopedTz&) = delete;

 private:
  std::optional<std::string> old_;
};

long glibc_offset(std::int64_t utc_seconds) {
  const auto t = static_cast<time_t>(utc_seconds);
  struct tm tm {};
  localtime_r(&t, &tm);
  return tm.tm_gmtoff;
}

// Checks offsets against glibc from `from` to `to` (UTC seconds) every `step` seconds, and that
// every local reading maps back to its instant (the earlier one in an overlap, never a gap).
void compare_with_glibc(const Zone& zone, std::int64_t from, std::int64_t to, std::int64_t step) {
  int failures = 0;
  for (std::int64_t t = from; t < to && failures < 5; t += step) {
    const long expected = glibc_offset(t);
    const std::int32_t got = zone.offset_seconds_at(t * 1000);
    if (got != expected) {
      ADD_FAILURE() << zone.name() << " at " << format_timestamp_ms(t * 1000) << ": offset " << got
                    << ", glibc " << expected;
      ++failures;
      continue;
    }
    const std::int64_t local = zone.utc_to_local_ms(t * 1000);
    const LocalTimeResolution r = zone.resolve(local);
    const bool ok = r.kind == LocalTimeKind::kUnique ? r.utc_ms == t * 1000
                    : r.kind == LocalTimeKind::kOverlap
                        ? r.utc_ms <= t * 1000 && zone.utc_to_local_ms(r.utc_ms) == local
                        : false;
    if (!ok) {
      ADD_FAILURE() << zone.name() << " at " << format_timestamp_ms(t * 1000)
                    << ": local reading maps to " << format_timestamp_ms(r.utc_ms);
      ++failures;
    }
  }
}

constexpr std::int64_t kYear = 31'556'952;  // mean Gregorian year, seconds

std::int64_t seconds(std::string_view rfc3339) { return ms(rfc3339) / 1000; }

class SystemZone : public ::testing::TestWithParam<const char*> {};

TEST_P(SystemZone, MatchesGlibc) {
  auto zone = load_zone(GetParam());
  ASSERT_TRUE(zone.ok()) << zone.status().to_string();
  const ScopedTz tz(GetParam());
  // Dense where the rules changed most, sparse far out (the footer rule and its 400-year fold).
  compare_with_glibc(**zone, seconds("1900-01-01T00:00:00Z"), seconds("2060-01-01T00:00:00Z"),
                     3 * 3600 + 7);
  compare_with_glibc(**zone, seconds("2060-01-01T00:00:00Z"), seconds("2500-01-01T00:00:00Z"),
                     86'400 + 3607);
  for (int year : {2999, 5000, 8999}) {
    const std::int64_t begin = (year - 1970) * kYear;
    compare_with_glibc(**zone, begin, begin + kYear, 6 * 3600 + 11);
  }
}

// Chosen for their odd rules: half-hour DST (Lord_Howe), negative DST (Dublin), southern
// hemisphere (Santiago, Auckland), DST abolished (Sao_Paulo), moving Ramadan DST (Casablanca),
// two-hour DST (Troll), 45-minute offsets (Chatham), the date line jump (Apia), no DST (Kolkata).
INSTANTIATE_TEST_SUITE_P(Zone, SystemZone,
                         ::testing::Values("Europe/Paris", "America/New_York",
                                           "Australia/Lord_Howe", "Europe/Dublin",
                                           "America/Santiago", "Pacific/Auckland",
                                           "America/Sao_Paulo", "Africa/Casablanca",
                                           "Antarctica/Troll", "Pacific/Chatham", "Pacific/Apia",
                                           "Asia/Kolkata", "America/St_Johns", "UTC"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (c == '/') c = '_';
                           }
                           return name;
                         });

// The footer rule alone (no explicit transitions), against glibc reading the same POSIX string.
class PosixRule : public ::testing::TestWithParam<const char*> {};

TEST_P(PosixRule, MatchesGlibc) {
  Tzif t;
  t.footer = GetParam();
  auto zone = Zone::from_tzif(GetParam(), t.bytes());
  ASSERT_TRUE(zone.ok()) << zone.status().to_string();
  const ScopedTz tz(GetParam());
  compare_with_glibc(*zone, seconds("1971-01-01T00:00:00Z"), seconds("2100-01-01T00:00:00Z"),
                     4 * 3600 + 13);
  compare_with_glibc(*zone, seconds("2100-01-01T00:00:00Z"), seconds("3000-01-01T00:00:00Z"),
                     86'400 * 3 + 7);
}

INSTANTIATE_TEST_SUITE_P(
    Zone, PosixRule,
    ::testing::Values("CET-1CEST,M3.5.0,M10.5.0/3", "EST5EDT,M3.2.0,M11.1.0",
                      "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
                      "IST-1GMT0,M10.5.0,M3.5.0/1", "<-04>4<-03>,M9.1.6/24,M4.1.6/24",
                      "NZST-12NZDT,M9.5.0,M4.1.0/3", "<+00>0<+02>-2,M3.5.0/1,M10.5.0/3",
                      "XXX3YYY,J60/2,J300/2", "XXX3YYY,59/2,299/2",
                      "AAA-5:30BBB-6:45:10,M4.5.6/25,M9.1.0/-3", "UTC0", "<+0545>-5:45"),
    [](const auto& info) { return "rule" + std::to_string(info.index); });

}  // namespace
}  // namespace vigie::ingest
