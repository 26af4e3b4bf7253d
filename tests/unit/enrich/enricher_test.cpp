// Enricher: identity, person and unit from the directory, GeoIP, and VPN session attribution.
#include "enrich/enricher.h"

#include <gtest/gtest.h>

#include <string>

namespace vigie::enrich {
namespace {

const std::string kData = std::string(VIGIE_SOURCE_DIR) + "/tests/data/";

class EnricherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<Diagnostic> diags;
    auto d = Directory::parse(
        "ad_account,sid,vpn_user,ehr_login,employee_id,unit,valid_from,valid_to\n"
        "GHTEX\\mleroy,S-1-5-21-1-2-3-4123,m.leroy,LEROYM,012345,2201,2019-03-01,\n"
        "GHTEX\\sdupont,S-1-5-21-1-2-3-4200,sdupont,DUPONTS,012400,6268,2015-09-01,2024-06-30\n",
        "directory.csv", nullptr, diags);
    ASSERT_TRUE(d.ok()) << d.status().to_string();
    directory_ = *d;
    auto g = GeoIp::open(kData + "geoip/country-asn-maxmind.mmdb",
                         kData + "geoip/country-asn-maxmind.mmdb");
    ASSERT_TRUE(g.ok());
    geoip_ = std::move(*g);
    enricher_ = std::make_unique<Enricher>(EnricherSetup{&fields_, &geoip_, &leases_, &patients_});
  }

  event::Event make(std::int64_t time_ms,
                    std::initializer_list<std::pair<std::string_view, std::string_view>> kv) {
    event::Event e;
    e.reset(fields_.size());
    e.time_ms = time_ms;
    e.tenant = "chu-a";
    for (const auto& [k, v] : kv) e.set(fields_.intern(k), event::Value::string(v));
    return e;
  }
  std::string get(const event::Event& e, std::string_view name) {
    auto id = fields_.find(name);
    const event::Value* v = id ? e.get(*id) : nullptr;
    return v == nullptr ? "<absent>" : std::string(v->text);
  }

  event::FieldTable fields_;
  std::shared_ptr<const Directory> directory_;
  GeoIp geoip_;
  LeaseTable leases_;
  PatientLinks patients_;
  std::unique_ptr<Enricher> enricher_;
  static constexpr std::int64_t kMarch2026 = 1773446400000;  // 2026-03-14T00:00:00Z
};

TEST_F(EnricherTest, ADomainAccountResolvesToItsPersonAndUnit) {
  event::Event e = make(kMarch2026, {{"user.name", "MLEROY"}, {"user.domain", "GHTEX"}});
  enricher_->enrich(e, Source::kAd, directory_.get());
  EXPECT_EQ(get(e, "user.canonical"), "ghtex\\mleroy");
  EXPECT_EQ(get(e, "user.kind"), "user");
  EXPECT_EQ(get(e, "user.resolution"), "resolved");
  EXPECT_EQ(get(e, "user.person"), "sid:S-1-5-21-1-2-3-4123");
  EXPECT_EQ(get(e, "user.unit"), "2201");
}

TEST_F(EnricherTest, TheNullSidOfAFailedLogonGivesWayToTheName) {
  event::Event e =
      make(kMarch2026, {{"user.name", "mleroy"}, {"user.domain", "GHTEX"}, {"user.id", "S-1-0-0"}});
  enricher_->enrich(e, Source::kAd, directory_.get());
  EXPECT_EQ(get(e, "user.kind"), "user");
  EXPECT_EQ(get(e, "user.person"), "sid:S-1-5-21-1-2-3-4123");
}

TEST_F(EnricherTest, TheSidIsTheStableKey) {
  event::Event e = make(kMarch2026, {{"user.name", "renamed"}, {"user.id", "S-1-5-21-1-2-3-4123"}});
  enricher_->enrich(e, Source::kAd, directory_.get());
  EXPECT_EQ(get(e, "user.person"), "sid:S-1-5-21-1-2-3-4123");
}

TEST_F(EnricherTest, TheSamePersonThroughTheVpnAndTheEhr) {
  event::Event vpn = make(kMarch2026, {{"vpn.user", "m.leroy"}});
  enricher_->enrich(vpn, Source::kVpn, directory_.get());
  event::Event ehr = make(kMarch2026, {{"user.name", "LEROYM"}});
  enricher_->enrich(ehr, Source::kEhr, directory_.get());
  EXPECT_EQ(get(vpn, "user.person"), "sid:S-1-5-21-1-2-3-4123");
  EXPECT_EQ(get(ehr, "user.person"), "sid:S-1-5-21-1-2-3-4123");
}

TEST_F(EnricherTest, ALeaverDoesNotResolveAfterLeaving) {
  event::Event e = make(kMarch2026, {{"user.name", "sdupont"}, {"user.domain", "GHTEX"}});
  enricher_->enrich(e, Source::kAd, directory_.get());
  EXPECT_EQ(get(e, "user.resolution"), "outside-validity");
  EXPECT_EQ(get(e, "user.person"), "<absent>");
}

TEST_F(EnricherTest, MachinesAndWellKnownAccountsAreNotPersons) {
  event::Event m = make(kMarch2026, {{"user.name", "PC-URG-0123$"}, {"user.domain", "GHTEX"}});
  enricher_->enrich(m, Source::kAd, directory_.get());
  EXPECT_EQ(get(m, "user.kind"), "machine");
  EXPECT_EQ(get(m, "user.resolution"), "<absent>");
  event::Event a = make(kMarch2026, {{"user.name", "ANONYMOUS LOGON"}});
  enricher_->enrich(a, Source::kAd, directory_.get());
  EXPECT_EQ(get(a, "user.kind"), "well-known");
}

TEST_F(EnricherTest, PublicSourcesGetCountryAndNetwork) {
  event::Event e = make(kMarch2026, {{"source.ip", "185.220.101.7"}});
  enricher_->enrich(e, Source::kVpn, nullptr);
  EXPECT_EQ(get(e, "source.ip_class"), "public");
  EXPECT_EQ(get(e, "source.geo.country_iso_code"), "DE");
  EXPECT_EQ(get(e, "source.as.number"), "60729");
  EXPECT_EQ(get(e, "source.as.organization.name"), "Tor exit test");
  event::Event p = make(kMarch2026, {{"source.ip", "10.212.134.21"}});
  enricher_->enrich(p, Source::kAd, nullptr);
  EXPECT_EQ(get(p, "source.ip_class"), "private");
  EXPECT_EQ(get(p, "source.geo.country_iso_code"), "<absent>");
}

// The Armentières pattern: a VPN login from abroad, then Kerberos from the tunnel address.
TEST_F(EnricherTest, AnAdEventFromAVpnAddressGetsTheSessionsUserAndCountry) {
  event::Event start = make(kMarch2026, {{"event.action", "session_start"},
                                         {"vpn.user", "m.leroy"},
                                         {"source.ip", "185.220.101.7"},
                                         {"vpn.assigned_ip", "10.212.134.21"},
                                         {"vpn.session_id", "s-42"}});
  enricher_->enrich(start, Source::kVpn, directory_.get());
  event::Event kerb =
      make(kMarch2026 + 60'000, {{"event.action", "kerberos-service-ticket-request"},
                                 {"user.name", "mleroy"},
                                 {"source.ip", "10.212.134.21"}});
  enricher_->enrich(kerb, Source::kAd, directory_.get());
  EXPECT_EQ(get(kerb, "vpn.session.user"), "m.leroy");
  EXPECT_EQ(get(kerb, "vpn.session.public_ip"), "185.220.101.7");
  EXPECT_EQ(get(kerb, "vpn.session.country"), "DE");
  EXPECT_EQ(get(kerb, "vpn.session.id"), "s-42");
  // After the session ends the address means nobody in particular.
  event::Event end = make(kMarch2026 + 120'000, {{"event.action", "session_end"},
                                                 {"vpn.assigned_ip", "10.212.134.21"},
                                                 {"vpn.session_id", "s-42"}});
  enricher_->enrich(end, Source::kVpn, directory_.get());
  event::Event later = make(kMarch2026 + 180'000, {{"source.ip", "10.212.134.21"}});
  enricher_->enrich(later, Source::kAd, directory_.get());
  EXPECT_EQ(get(later, "vpn.session.user"), "<absent>");
  // Another establishment with the same pool address sees nothing of it.
  event::Event other = make(kMarch2026 + 60'000, {{"source.ip", "10.212.134.21"}});
  other.tenant = "ch-b";
  enricher_->enrich(other, Source::kAd, directory_.get());
  EXPECT_EQ(get(other, "vpn.session.user"), "<absent>");
}

// An access audited by INS only (a FHIR AuditEvent naming the patient by national identity)
// compares equal to the ADT and DPI events of the same patient, which name the IPP: the link comes
// from an earlier event of the same establishment that carried both. Tokens stand for the values.
TEST_F(EnricherTest, AnInsOnlyAccessTakesTheIppTokenTheAdtLinkedToIt) {
  constexpr std::string_view kIpp = "pt1:ipp:aaaaaaaaaaaaaaaaaaaaaaaaaa";
  constexpr std::string_view kNir = "pt1:nir:bbbbbbbbbbbbbbbbbbbbbbbbbb";
  event::Event access_before =
      make(kMarch2026,
           {{"patient.nir_token", kNir}, {"patient.token", kNir}, {"patient.token_kind", "nir"}});
  enricher_->enrich(access_before, Source::kEhr, directory_.get());
  EXPECT_EQ(get(access_before, "patient.token"), kNir) << "no link learned yet";
  EXPECT_EQ(get(access_before, "patient.token_via"), "<absent>");

  event::Event adt = make(kMarch2026, {{"patient.ipp_token", kIpp},
                                       {"patient.nir_token", kNir},
                                       {"patient.token", kIpp},
                                       {"patient.token_kind", "ipp"}});
  enricher_->enrich(adt, Source::kEhr, directory_.get());
  EXPECT_EQ(get(adt, "patient.token"), kIpp);
  EXPECT_EQ(get(adt, "patient.token_via"), "<absent>");
  EXPECT_EQ(patients_.size(), 1u);

  event::Event access =
      make(kMarch2026 + 60'000,
           {{"patient.nir_token", kNir}, {"patient.token", kNir}, {"patient.token_kind", "nir"}});
  enricher_->enrich(access, Source::kEhr, directory_.get());
  EXPECT_EQ(get(access, "patient.token"), kIpp);
  EXPECT_EQ(get(access, "patient.token_kind"), "ipp");
  EXPECT_EQ(get(access, "patient.token_via"), "ins-link");
  EXPECT_EQ(get(access, "patient.nir_token"), kNir) << "the INS token itself stays";

  // Tenants are walls: another establishment's access with the same token is not linked.
  event::Event other =
      make(kMarch2026,
           {{"patient.nir_token", kNir}, {"patient.token", kNir}, {"patient.token_kind", "nir"}});
  other.tenant = "chu-b";
  enricher_->enrich(other, Source::kEhr, directory_.get());
  EXPECT_EQ(get(other, "patient.token"), kNir);
  // Only ehr events are linked.
  event::Event ad =
      make(kMarch2026,
           {{"patient.nir_token", kNir}, {"patient.token", kNir}, {"patient.token_kind", "nir"}});
  enricher_->enrich(ad, Source::kAd, directory_.get());
  EXPECT_EQ(get(ad, "patient.token"), kNir);
}

TEST(PatientLinks, AreBoundedAndTheLatestLinkWins) {
  PatientLinks links(2);
  links.learn("t", "nir1", "ipp1");
  links.learn("t", "nir1", "ipp9");  // an identity merge moved the INS to another IPP
  EXPECT_EQ(links.ipp_of("t", "nir1"), "ipp9");
  EXPECT_EQ(links.ipp_of("u", "nir1"), "");
  links.learn("t", "nir2", "ipp2");
  links.learn("t", "nir3", "ipp3");
  EXPECT_EQ(links.size(), 2u);
  EXPECT_EQ(links.forgotten(), 1u);
  EXPECT_EQ(links.ipp_of("t", "nir3"), "ipp3");
}

TEST(PatientLinks, ASnapshotRestoresEveryLinkAndEveryTruncationFails) {
  PatientLinks links;
  links.learn("t", "nir1", "ipp1");
  links.learn("u", "nir1", "ipp7");
  const std::string bytes = links.snapshot();
  PatientLinks r;
  ASSERT_TRUE(r.restore(bytes).ok());
  EXPECT_EQ(r.ipp_of("t", "nir1"), "ipp1");
  EXPECT_EQ(r.ipp_of("u", "nir1"), "ipp7");
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    PatientLinks bad;
    EXPECT_EQ(bad.restore(bytes.substr(0, n)).code(), "bad-snapshot") << n;
    EXPECT_EQ(bad.size(), 0u);
  }
}

}  // namespace
}  // namespace vigie::enrich
