// The demo traffic (demo/traffic.h): the same records for the same seed, in event-time order,
// about as many as asked, memory bounded by the population; every record decodes with the
// plugins (the format each establishment is meant to send, at the time the record says, every
// account resolving in the staff directory written by write_demo_config()); a day/night shape;
// and the three stories present with attacks, absent without, the everyday traffic unchanged.
#include "demo/traffic.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "decode/decoder.h"
#include "enrich/directory.h"
#include "enrich/pseudonym.h"
#include "event/event.h"
#include "event/field_table.h"
#include "ingest/zone.h"

namespace vigie::demo {
namespace {

constexpr std::int64_t kHour = 3'600'000;

std::vector<Record> generate(const TrafficOptions& options, std::vector<Story>* stories = nullptr) {
  Traffic traffic(options);
  if (stories != nullptr) *stories = traffic.stories();
  std::vector<Record> out;
  Record r;
  while (traffic.next(r)) out.push_back(r);
  return out;
}

TrafficOptions day(std::uint64_t events, bool attacks = true, std::uint64_t seed = 42) {
  TrafficOptions o;
  o.seed = seed;
  o.events = events;
  o.attacks = attacks;
  return o;
}

// A folder for write_demo_config(), removed at the end.
class DemoDir {
 public:
  DemoDir() {
    std::string pattern = ::testing::TempDir() + "vigie_demo_XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~DemoDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Everything a test needs to read a record as Vigie does: the plugins' decoders (made once),
// Paris time, each establishment's pseudonymisation key and staff directory.
struct Reader {
  event::FieldTable fields;
  event::FieldId user_name, vpn_user, action, outcome, ehr_format, patient_token, event_id,
      encryption, service, ip, source_ip, target_user;
  std::shared_ptr<const ingest::Zone> zone;
  std::map<const decode::Format*, std::unique_ptr<decode::Decoder>> decoders;
  std::map<std::string, std::unique_ptr<enrich::Pseudonymiser>> keys;
  std::map<std::string, std::shared_ptr<const enrich::Directory>> directories;
  DemoDir dir;
  event::Event ev;
  decode::Split parts;
  std::string scratch;

  explicit Reader(const TrafficOptions& options) {
    user_name = fields.intern("user.name");
    vpn_user = fields.intern("vpn.user");
    action = fields.intern("event.action");
    outcome = fields.intern("event.outcome");
    ehr_format = fields.intern("ehr.format");
    patient_token = fields.intern("patient.token");
    event_id = fields.intern("EventID");
    encryption = fields.intern("TicketEncryptionType");
    service = fields.intern("ServiceName");
    ip = fields.intern("IpAddress");
    source_ip = fields.intern("source.ip");
    target_user = fields.intern("TargetUserName");
    auto z = ingest::load_zone("Europe/Paris");
    EXPECT_TRUE(z.ok()) << z.status().to_string();
    if (z.ok()) zone = *z;
    decode::DecoderSetup setup;
    setup.fields = &fields;
    setup.zone = zone.get();
    for (const decode::Plugin& p : decode::builtin_plugins().plugins()) {
      for (const decode::Format& f : p.formats) decoders[&f] = f.make(setup);
    }
    Result<std::string> config = write_demo_config(dir.path(), options);
    EXPECT_TRUE(config.ok()) << config.status().to_string();
    for (const Establishment& e : default_establishments()) {
      auto key = enrich::Pseudonymiser::load(e.id, dir.path() + "/" + e.id + ".key");
      EXPECT_TRUE(key.ok()) << key.status().to_string();
      std::vector<enrich::Diagnostic> diags;
      auto directory =
          enrich::Directory::load(dir.path() + "/" + e.id + "-directory.csv", key->get(), diags);
      EXPECT_TRUE(directory.ok()) << directory.status().to_string();
      for (const enrich::Diagnostic& d : diags) ADD_FAILURE() << d.to_string();
      if (key.ok()) keys[e.id] = std::move(key).value();
      if (directory.ok()) directories[e.id] = *directory;
    }
  }

  // Decodes `r` into `ev`; the format in `format`. False (with a test failure) when it does not.
  bool read(const Record& r, const decode::Format** format = nullptr) {
    const decode::Format* f = decode::builtin_plugins().sniff_any(r.value);
    if (f == nullptr) {
      ADD_FAILURE() << "no format sniffs a record of topic " << r.topic << ": " << r.value;
      return false;
    }
    if (format != nullptr) *format = f;
    decode::RecordContext ctx;
    ctx.received_ms = r.time_ms + 2000;
    ctx.pseudonymiser = keys[r.tenant].get();
    decode::Decoder& d = *decoders.at(f);
    Status s = d.split(r.value, parts);
    if (!s.ok() || parts.records.size() != 1) {
      ADD_FAILURE() << s.to_string() << ": " << r.value;
      return false;
    }
    s = d.decode(parts.records[0], ctx, ev);
    if (!s.ok()) {
      ADD_FAILURE() << f->info.name << ": " << s.to_string() << ": " << r.value;
      return false;
    }
    return true;
  }

  std::string_view text(event::FieldId id) const {
    const event::Value* v = ev.get(id);
    return v == nullptr ? std::string_view() : v->text;
  }

  enrich::Outcome resolve(const std::string& tenant, enrich::Source source, std::string_view user,
                          std::int64_t at) {
    return directories.at(tenant)->resolve(source, user, at, scratch).outcome;
  }
};

// ---------------------------------------------------------------------------------------------

TEST(DemoTraffic, SameSeedSameRecords) {
  const std::vector<Record> a = generate(day(20'000));
  const std::vector<Record> b = generate(day(20'000));
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].value, b[i].value) << "record " << i;
    ASSERT_EQ(a[i].key, b[i].key);
    ASSERT_EQ(a[i].topic, b[i].topic);
    ASSERT_EQ(a[i].tenant, b[i].tenant);
    ASSERT_EQ(a[i].time_ms, b[i].time_ms);
  }
  const std::vector<Record> c = generate(day(20'000, true, 43));
  std::size_t same = 0;
  for (std::size_t i = 0; i < std::min(a.size(), c.size()); ++i) same += a[i].value == c[i].value;
  EXPECT_LT(same, a.size() / 10) << "another seed gives other records";
}

TEST(DemoTraffic, EventTimeOrderWithinTheSpan) {
  TrafficOptions o = day(30'000);
  const std::vector<Record> records = generate(o);
  ASSERT_FALSE(records.empty());
  for (std::size_t i = 0; i < records.size(); ++i) {
    ASSERT_GE(records[i].time_ms, o.start_ms);
    ASSERT_LT(records[i].time_ms, o.start_ms + o.span_ms);
    if (i > 0) {
      ASSERT_GE(records[i].time_ms, records[i - 1].time_ms) << "record " << i;
    }
  }
}

TEST(DemoTraffic, AboutAsManyRecordsAsAsked) {
  for (std::uint64_t events : {20'000ULL, 200'000ULL}) {
    Traffic traffic(day(events));
    Record r;
    while (traffic.next(r)) {
    }
    EXPECT_GT(traffic.produced(), events * 85 / 100) << events;
    EXPECT_LT(traffic.produced(), events * 115 / 100) << events;
  }
}

TEST(DemoTraffic, MemoryDoesNotGrowWithTheNumberOfRecords) {
  // The same rate over one day and over four: four times the records, not more items waiting.
  auto peak = [](std::int64_t days) {
    TrafficOptions o = day(static_cast<std::uint64_t>(50'000 * days));
    o.span_ms = days * 24 * kHour;
    Traffic traffic(o);
    Record r;
    std::size_t most = 0;
    while (traffic.next(r)) most = std::max(most, traffic.pending());
    return most;
  };
  const std::size_t one = peak(1), four = peak(4);
  EXPECT_GT(one, 0u);
  EXPECT_LT(four, one * 3 / 2) << "one day " << one << ", four days " << four;
}

// The formats each establishment sends, and every record decoded at the time it claims.
TEST(DemoTraffic, EveryRecordDecodesAsItsEstablishmentsFormats) {
  const TrafficOptions o = day(60'000);
  const std::vector<Record> records = generate(o);
  Reader reader(o);
  std::map<std::string, std::set<std::string>> formats;  // tenant -> format names
  std::map<std::string, std::map<std::string, std::uint64_t>> topics;
  std::uint64_t patients = 0, ehr_reads = 0;
  for (const Record& r : records) {
    const decode::Format* f = nullptr;
    if (!reader.read(r, &f)) continue;
    formats[r.tenant].insert(std::string(f->info.name));
    ++topics[r.tenant][r.topic];
    const std::string_view family = r.topic;
    const auto* plugin = [&]() -> const decode::Plugin* {
      for (const decode::Plugin& p : decode::builtin_plugins().plugins()) {
        for (const decode::Format& g : p.formats) {
          if (&g == f) return &p;
        }
      }
      return nullptr;
    }();
    ASSERT_NE(plugin, nullptr);
    EXPECT_EQ(decode::to_string(plugin->family), family) << r.value;
    ASSERT_NE(reader.ev.time_ms, event::Event::kNoTime) << r.value;
    EXPECT_LT(std::llabs(reader.ev.time_ms - r.time_ms), 1000) << f->info.name << ": " << r.value;
    if (reader.text(reader.action) == "patient-record-read") {
      ++ehr_reads;
      patients += !reader.text(reader.patient_token).empty();
    }
  }
  const std::vector<Establishment> est = default_establishments();
  EXPECT_EQ(formats[est[0].id],
            (std::set<std::string>{"winlogbeat", "fortigate", "fhir-auditevent", "hl7v2-adt"}));
  EXPECT_EQ(formats[est[1].id],
            (std::set<std::string>{"winlogbeat", "cisco-asa", "dpi-flat", "hl7v2-adt"}));
  EXPECT_EQ(formats[est[2].id],
            (std::set<std::string>{"nxlog", "fortigate", "dpi-flat", "hl7v2-adt"}));
  for (const Establishment& e : est) {
    EXPECT_GT(topics[e.id]["ad"], topics[e.id]["vpn"]) << e.id;
    EXPECT_GT(topics[e.id]["ehr"], topics[e.id]["vpn"]) << e.id;
    EXPECT_GT(topics[e.id]["vpn"], 20u) << e.id;
  }
  // The CHU is the biggest.
  EXPECT_GT(topics[est[0].id]["ehr"], topics[est[1].id]["ehr"]);
  EXPECT_GT(ehr_reads, 1000u);
  EXPECT_EQ(patients, ehr_reads) << "every read names its patient (a token)";
}

// Across the spring change of time: local stamps (NXLog, ASA, HL7) still decode to their time.
TEST(DemoTraffic, LocalTimestampsAcrossSummerTime) {
  TrafficOptions o = day(30'000);
  o.start_ms = 1'774'674'000'000;  // Saturday 28 March 2026, 06:00 Paris (05:00 UTC)
  o.span_ms = 48 * kHour;
  const std::vector<Record> records = generate(o);
  Reader reader(o);
  std::size_t after = 0;
  for (const Record& r : records) {
    if (!reader.read(r)) continue;
    EXPECT_LT(std::llabs(reader.ev.time_ms - r.time_ms), 1000) << r.value;
    after += r.time_ms >= 1'774'746'000'000;  // 29 March 01:00 UTC: summer time
  }
  EXPECT_GT(after, records.size() / 3);
}

// Every person the everyday traffic names resolves in the directory written for it.
TEST(DemoTraffic, AccountsResolveInTheStaffDirectory) {
  const TrafficOptions o = day(40'000, false);
  const std::vector<Record> records = generate(o);
  Reader reader(o);
  std::uint64_t ehr = 0, vpn = 0, ad = 0;
  for (const Record& r : records) {
    if (!reader.read(r)) continue;
    const std::string_view action = reader.text(reader.action);
    if (r.topic == "ehr" && reader.text(reader.ehr_format) != "hl7v2-adt") {
      ++ehr;
      EXPECT_EQ(
          reader.resolve(r.tenant, enrich::Source::kEhr, reader.text(reader.user_name), r.time_ms),
          enrich::Outcome::kResolved)
          << r.value;
    } else if (r.topic == "vpn" && action == "session_start") {
      ++vpn;
      EXPECT_EQ(
          reader.resolve(r.tenant, enrich::Source::kVpn, reader.text(reader.vpn_user), r.time_ms),
          enrich::Outcome::kResolved)
          << r.value;
    } else if (r.topic == "ad" && (action == "logon" || action == "kerberos-tgt-request")) {
      const std::string_view user = reader.text(reader.target_user);
      if (user.empty() || user.back() == '$' || user.starts_with("svc_")) continue;
      ++ad;
      EXPECT_EQ(reader.resolve(r.tenant, enrich::Source::kAd, user, r.time_ms),
                enrich::Outcome::kResolved)
          << r.value;
    }
  }
  EXPECT_GT(ehr, 1000u);
  EXPECT_GT(vpn, 10u);
  EXPECT_GT(ad, 1000u);
}

// More at 9-12 h than at 2-5 h (Paris time), for people's logs and for the machines'.
TEST(DemoTraffic, DayAndNight) {
  const TrafficOptions o = day(60'000, false);
  const std::vector<Record> records = generate(o);
  std::map<std::string, std::array<std::uint64_t, 24>> hours;  // tenant/topic -> per hour
  for (const Record& r : records) {
    const std::int64_t local = r.time_ms + kHour;  // March: Paris is UTC+1
    const int hour = static_cast<int>((local / kHour) % 24);
    ++hours[r.tenant + "/" + r.topic][hour];
  }
  for (const Establishment& e : default_establishments()) {
    for (const char* topic : {"ad", "ehr"}) {
      const auto& h = hours[e.id + "/" + topic];
      const double day_rate = (h[9] + h[10] + h[11]) / 3.0;
      const double night_rate = (h[2] + h[3] + h[4]) / 3.0;
      EXPECT_GT(night_rate, 0) << e.id << " " << topic;
      EXPECT_GT(day_rate, 2 * night_rate) << e.id << " " << topic;
    }
  }
}

// The most distinct patients one user opened within any hour, over the given records.
std::uint64_t most_patients_in_an_hour(Reader& reader, const std::vector<Record>& records,
                                       std::string* who = nullptr) {
  std::map<std::string, std::vector<std::pair<std::int64_t, std::string>>> reads;
  for (const Record& r : records) {
    if (r.topic != "ehr" || !reader.read(r)) continue;
    if (reader.text(reader.action) != "patient-record-read") continue;
    reads[r.tenant + "/" + std::string(reader.text(reader.user_name))].emplace_back(
        r.time_ms, std::string(reader.text(reader.patient_token)));
  }
  std::uint64_t most = 0;
  for (const auto& [user, list] : reads) {
    std::unordered_map<std::string, int> in_window;
    std::size_t begin = 0;
    for (std::size_t end = 0; end < list.size(); ++end) {
      ++in_window[list[end].second];
      while (list[end].first - list[begin].first > kHour) {
        if (--in_window[list[begin].second] == 0) in_window.erase(list[begin].second);
        ++begin;
      }
      if (in_window.size() > most) {
        most = in_window.size();
        if (who != nullptr) *who = user;
      }
    }
  }
  return most;
}

TEST(DemoTraffic, StoriesArePresentWithAttacksAndAbsentWithout) {
  const TrafficOptions with = day(60'000, true);
  std::vector<Story> stories;
  const std::vector<Record> attacked = generate(with, &stories);
  const std::vector<Record> everyday = generate(day(60'000, false));
  Reader reader(with);
  const std::vector<Establishment> est = default_establishments();

  ASSERT_EQ(stories.size(), 3u);
  EXPECT_EQ(stories[0].tenant, est[0].id);
  EXPECT_EQ(stories[1].tenant, est[1].id);
  EXPECT_EQ(stories[2].tenant, est[2].id);
  for (const Story& s : stories) {
    EXPECT_FALSE(s.name.empty());
    EXPECT_FALSE(s.description.empty());
    EXPECT_FALSE(s.rule_ids.empty());
    EXPECT_GE(s.start_ms, with.start_ms);
    EXPECT_LE(s.end_ms, with.start_ms + with.span_ms);
  }
  EXPECT_TRUE(Traffic(day(1000, false)).stories().empty());

  // Story 1: one address fails as many users, then opens a session; RC4 tickets for several
  // SPNs and SAM queries from that session's pool address.
  auto story1 = [&](const std::vector<Record>& records) {
    std::map<std::string, std::set<std::string>> failed_users;  // source ip -> users
    std::set<std::string> sessions_after_spray, rc4_services;
    std::uint64_t sam_queries = 0;
    for (const Record& r : records) {
      if (r.tenant != est[0].id || !reader.read(r)) continue;
      const std::string source(reader.text(reader.source_ip));
      const std::string_view action = reader.text(reader.action);
      if (action == "auth_failure")
        failed_users[source].insert(std::string(reader.text(reader.vpn_user)));
      if (action == "session_start" && failed_users[source].size() >= 10) {
        sessions_after_spray.insert(source);
      }
      const std::string_view id = reader.text(reader.event_id);
      if (id == "4769" && reader.text(reader.encryption) == "0x17" &&
          reader.text(reader.ip).ends_with(".250")) {
        rc4_services.insert(std::string(reader.text(reader.service)));
      }
      sam_queries += id == "4661";
    }
    return std::tuple{sessions_after_spray.size(), rc4_services.size(), sam_queries};
  };
  const auto [sessions, services, sam] = story1(attacked);
  EXPECT_EQ(sessions, 1u);
  EXPECT_GE(services, 3u);
  EXPECT_GE(sam, 1u);
  const auto [sessions0, services0, sam0] = story1(everyday);
  EXPECT_EQ(sessions0, 0u);
  EXPECT_EQ(services0, 0u);
  EXPECT_EQ(sam0, 0u);

  // Story 2: one nurse, hundreds of patients in an hour; nobody near 100 in everyday work.
  std::string who;
  EXPECT_GE(most_patients_in_an_hour(reader, attacked, &who), 200u);
  EXPECT_TRUE(who.starts_with(est[1].id + "/")) << who;
  EXPECT_LT(most_patients_in_an_hour(reader, everyday), 80u);

  // Story 3: EHR activity by an account outside its directory validity, only with attacks.
  auto departed = [&](const std::vector<Record>& records) {
    std::set<std::string> tenants;
    std::uint64_t n = 0;
    for (const Record& r : records) {
      if (r.topic != "ehr" || !reader.read(r)) continue;
      if (reader.text(reader.ehr_format) == "hl7v2-adt") continue;
      if (reader.resolve(r.tenant, enrich::Source::kEhr, reader.text(reader.user_name),
                         r.time_ms) == enrich::Outcome::kOutsideValidity) {
        ++n;
        tenants.insert(r.tenant);
      }
    }
    return std::pair{n, tenants};
  };
  const auto [n, tenants] = departed(attacked);
  EXPECT_GE(n, 5u);
  EXPECT_EQ(tenants, std::set<std::string>{est[2].id});
  EXPECT_EQ(departed(everyday).first, 0u);
}

// Without attacks, the everyday records are those of the run with attacks, in the same order,
// but for the hosts' event record numbers.
TEST(DemoTraffic, AttacksAddRecordsAndChangeNothingElse) {
  const std::regex record_number(R"(("record_id": "|"RecordNumber": )\d+)");
  auto normal = [&](const Record& r) {
    return r.tenant + "|" + r.topic + "|" + r.key + "|" + std::to_string(r.time_ms) + "|" +
           std::regex_replace(r.value, record_number, "$1N");
  };
  const std::vector<Record> with = generate(day(15'000, true));
  const std::vector<Record> without = generate(day(15'000, false));
  ASSERT_GT(with.size(), without.size());
  std::size_t j = 0;
  for (std::size_t i = 0; i < with.size() && j < without.size(); ++i) {
    if (normal(with[i]) == normal(without[j])) ++j;
  }
  EXPECT_EQ(j, without.size()) << "everyday record " << j << " missing from the run with attacks";
  EXPECT_LT(with.size() - without.size(), 1500u);
}

TEST(DemoTraffic, WritesTheDeploymentFiles) {
  DemoDir dir;
  const TrafficOptions o = day(10'000);
  Result<std::string> config = write_demo_config(dir.path() + "/sub", o);
  ASSERT_TRUE(config.ok()) << config.status().to_string();
  EXPECT_EQ(*config, dir.path() + "/sub/config.yaml");
  std::ifstream in(*config);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const Establishment& e : default_establishments()) {
    EXPECT_NE(text.find("id: \"" + e.id + "\""), std::string::npos) << text;
    EXPECT_NE(text.find("\"*." + e.syslog_domain + "\""), std::string::npos) << text;
    struct stat st {};
    ASSERT_EQ(::stat((dir.path() + "/sub/" + e.id + ".key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }
  // A file in the way of the folder: an error that names it.
  Result<std::string> bad = write_demo_config(*config + "/x", o);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), "demo-write");
}

}  // namespace
}  // namespace vigie::demo
