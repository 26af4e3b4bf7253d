// The staff directory (enrich/directory.h): loading the CSV and JSON-lines fixtures of
// tests/data/enrich/, every identifier path of resolve(), validity dates, malformed rows reported
// with file:line and skipped, whole-file errors, and personal columns kept only as tokens.
#include "enrich/directory.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/timestamp.h"
#include "enrich/pseudonym.h"

namespace vigie::enrich {
namespace {

const std::string kData = std::string(VIGIE_SOURCE_DIR) + "/tests/data/enrich/";
constexpr std::string_view kLeroySid = "S-1-5-21-1004336348-1177238915-682003330-4123";
constexpr std::string_view kAdmLeroySid = "S-1-5-21-1004336348-1177238915-682003330-5123";
constexpr std::string_view kSophieSid = "S-1-5-21-1004336348-1177238915-682003330-4200";
constexpr std::string_view kSamuelSid = "S-1-5-21-1004336348-1177238915-682003330-4999";

std::int64_t at(std::string_view iso) { return *parse_timestamp_ms(iso); }

std::unique_ptr<Pseudonymiser> pseudonymiser() {
  std::array<unsigned char, 32> bytes;
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<unsigned char>(i);
  const SecretKey key = std::move(SecretKey::from_bytes(bytes)).value();
  return std::move(Pseudonymiser::create("CHU-X", key)).value();
}

std::vector<std::pair<std::int64_t, std::string>> codes(const std::vector<Diagnostic>& diags) {
  std::vector<std::pair<std::int64_t, std::string>> out;
  out.reserve(diags.size());
  for (const Diagnostic& d : diags) out.emplace_back(d.line, d.code);
  return out;
}

class CsvDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Directory::load(kData + "directory.csv", pseudo_.get(), diags_);
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    dir_ = std::move(r).value();
  }
  Resolution resolve(Source source, std::string_view raw, std::string_view when) {
    return dir_->resolve(source, raw, at(when), scratch_);
  }
  std::string person(Source source, std::string_view raw, std::string_view when) {
    const Resolution r = resolve(source, raw, when);
    if (r.outcome != Outcome::kResolved) return std::string(to_string(r.outcome));
    return r.entry->person_id;
  }

  std::unique_ptr<Pseudonymiser> pseudo_ = pseudonymiser();
  std::vector<Diagnostic> diags_;
  std::shared_ptr<const Directory> dir_;
  std::string scratch_;
};

TEST_F(CsvDirectoryTest, LoadsEveryRowAndIgnoresTheUnknownColumn) {
  EXPECT_EQ(dir_->entries().size(), 5u);
  EXPECT_EQ(dir_->rows_skipped(), 0u);
  ASSERT_EQ(codes(diags_),
            (std::vector<std::pair<std::int64_t, std::string>>{{2, "unknown-column"}}));
  EXPECT_EQ(diags_[0].severity, Severity::kWarning);
  EXPECT_EQ(diags_[0].message, "column 14 of the header is not a known column: ignored");
}

TEST_F(CsvDirectoryTest, CanonicalFormsAreStored) {
  const DirectoryEntry& e = dir_->entries()[0];
  EXPECT_EQ(e.person_id, "sid:" + std::string(kLeroySid));
  EXPECT_EQ(e.sid, kLeroySid);
  EXPECT_EQ(e.ad_account, "ghtex\\mleroy");
  EXPECT_EQ(e.upn, "mleroy@ght-exemple.fr");
  EXPECT_EQ(e.ehr_login, "leroym");
  EXPECT_EQ(e.vpn_user, "m.leroy");
  EXPECT_EQ(e.employee_id, "012345");
  EXPECT_EQ(e.unit, "2201");
  EXPECT_EQ(e.valid_from_ms, at("2019-03-01"));
  EXPECT_EQ(e.line, 3);
  const DirectoryEntry& local = dir_->entries()[4];
  EXPECT_EQ(local.person_id, "emp:099999");
  EXPECT_TRUE(local.sid.empty());
}

TEST_F(CsvDirectoryTest, ResolvesEachIdentifierForm) {
  const std::string leroy = "sid:" + std::string(kLeroySid);
  struct Case {
    Source source;
    std::string_view raw;
    ResolvedVia via;
  };
  for (const Case& c : {
           Case{Source::kAd, kLeroySid, ResolvedVia::kSid},
           Case{Source::kAd, "s-1-5-21-1004336348-1177238915-682003330-4123", ResolvedVia::kSid},
           Case{Source::kAd, "GHTEX\\MLEROY", ResolvedVia::kDownLevel},
           Case{Source::kAd, "mleroy@GHT-exemple.fr", ResolvedVia::kUpn},
           Case{Source::kAd, "mleroy@GHT-EXEMPLE.LOCAL", ResolvedVia::kAccount},  // a realm
           Case{Source::kAd, "GHT-EXEMPLE\\mleroy", ResolvedVia::kAccount},       // DNS name
           Case{Source::kAd, "MLeroy", ResolvedVia::kAccount},
           Case{Source::kVpn, "M.Leroy", ResolvedVia::kVpnUser},
           Case{Source::kVpn, "ghtex\\mleroy", ResolvedVia::kDownLevel},
           Case{Source::kEhr, "leroym", ResolvedVia::kEhrLogin},
           Case{Source::kEhr, "mleroy", ResolvedVia::kAccount},  // an LDAP-bound EHR login
       }) {
    const Resolution r = resolve(c.source, c.raw, "2024-01-15T10:00:00Z");
    ASSERT_EQ(r.outcome, Outcome::kResolved) << c.raw << ": " << to_string(r.outcome);
    EXPECT_EQ(r.entry->person_id, leroy) << c.raw;
    EXPECT_EQ(r.via, c.via) << c.raw << ": " << to_string(r.via);
    EXPECT_EQ(r.principal, PrincipalKind::kUser);
  }
}

TEST_F(CsvDirectoryTest, LoginsOfOneSourceAreNotLookedUpForAnother) {
  EXPECT_EQ(person(Source::kAd, "LEROYM", "2024-01-15"), "unknown");
  EXPECT_EQ(person(Source::kVpn, "LEROYM", "2024-01-15"), "unknown");
  EXPECT_EQ(person(Source::kAd, "m.leroy", "2024-01-15"), "unknown");
  EXPECT_EQ(person(Source::kEhr, "LOCALEHR", "2024-01-15"), "emp:099999");
}

TEST_F(CsvDirectoryTest, NonPersonsAreNotLookedUp) {
  for (std::string_view raw : {"SYSTEM", "NT AUTHORITY\\SYSTEM", "S-1-5-18", "DWM-1"}) {
    const Resolution r = resolve(Source::kAd, raw, "2024-01-15");
    EXPECT_EQ(r.outcome, Outcome::kNotAPerson) << raw;
    EXPECT_EQ(r.principal, PrincipalKind::kWellKnown) << raw;
    EXPECT_EQ(r.entry, nullptr);
  }
  EXPECT_EQ(resolve(Source::kAd, "GHTEX\\PC-URG-0123$", "2024-01-15").principal,
            PrincipalKind::kMachine);
  EXPECT_EQ(resolve(Source::kVpn, "pre-logon", "2024-01-15").principal, PrincipalKind::kNobody);
  EXPECT_EQ(resolve(Source::kAd, "-", "2024-01-15").outcome, Outcome::kNotAPerson);
}

TEST_F(CsvDirectoryTest, UnknownIdentifiers) {
  EXPECT_EQ(person(Source::kAd, "GHTEX\\nobody", "2024-01-15"), "unknown");
  EXPECT_EQ(person(Source::kAd, "S-1-5-21-1-2-3-4", "2024-01-15"), "unknown");
  // A SID that is not in the directory does not fall back to anything else.
  EXPECT_EQ(resolve(Source::kAd, "S-1-5-21-1-2-3-4", "2024-01-15").via, ResolvedVia::kNone);
}

TEST_F(CsvDirectoryTest, ValidityDatesAtTheEventTime) {
  const std::string sophie = "sid:" + std::string(kSophieSid);
  const std::string samuel = "sid:" + std::string(kSamuelSid);
  // sdupont was Sophie until 2024-06-30 (that day included), then Samuel from 2024-09-01.
  EXPECT_EQ(person(Source::kAd, "GHTEX\\sdupont", "2020-01-01"), sophie);
  EXPECT_EQ(person(Source::kAd, "GHTEX\\sdupont", "2024-06-30T23:59:59.999Z"), sophie);
  EXPECT_EQ(person(Source::kAd, "GHTEX\\sdupont", "2024-09-01T00:00:00Z"), samuel);
  EXPECT_EQ(person(Source::kAd, "sdupont", "2025-01-01"), samuel);
  const Resolution gap = resolve(Source::kAd, "GHTEX\\sdupont", "2024-07-15");
  EXPECT_EQ(gap.outcome, Outcome::kOutsideValidity);
  ASSERT_NE(gap.entry, nullptr);
  EXPECT_EQ(gap.entry->person_id, sophie) << "the nearest row: she left two weeks before";
  EXPECT_EQ(resolve(Source::kAd, "GHTEX\\sdupont", "2024-08-25").entry->person_id, samuel);
  // Before his first day.
  const Resolution early = resolve(Source::kAd, "GHTEX\\mleroy", "2019-02-28T23:59:59Z");
  EXPECT_EQ(early.outcome, Outcome::kOutsideValidity);
  EXPECT_EQ(person(Source::kAd, "GHTEX\\mleroy", "2019-03-01T00:00:00Z"),
            "sid:" + std::string(kLeroySid));
  // Sophie's VPN username expired with her; the VPN authenticates against AD, where the account
  // name is now Samuel's.
  EXPECT_EQ(resolve(Source::kVpn, "sdupont", "2025-01-01").entry->person_id, samuel);
  EXPECT_EQ(resolve(Source::kVpn, "sdupont", "2025-01-01").via, ResolvedVia::kAccount);
}

TEST_F(CsvDirectoryTest, AnEmployeeWithTwoAccounts) {
  const Resolution r = dir_->resolve_employee(" 012345 ", at("2024-01-15"), scratch_);
  ASSERT_EQ(r.outcome, Outcome::kResolved);
  EXPECT_EQ(r.via, ResolvedVia::kEmployeeId);
  EXPECT_EQ(r.entry->person_id, "sid:" + std::string(kLeroySid));
  const Resolution adm = resolve(Source::kAd, "GHTEX\\adm-mleroy", "2024-01-15");
  ASSERT_EQ(adm.outcome, Outcome::kResolved);
  EXPECT_EQ(adm.entry->person_id, "sid:" + std::string(kAdmLeroySid));
  EXPECT_EQ(adm.entry->employee_id, r.entry->employee_id) << "the same human";
  EXPECT_EQ(dir_->resolve_employee("12345", at("2024-01-15"), scratch_).outcome, Outcome::kUnknown);
}

TEST_F(CsvDirectoryTest, PersonalColumnsAreKeptOnlyAsTokens) {
  const DirectoryEntry& leroy = dir_->entries()[0];
  EXPECT_EQ(leroy.nir_token, "pt1:nir:2xyopcxjoxqgk3wnvazojf54ku");
  EXPECT_EQ(leroy.birth_token, "pt1:birth:p5oqrbj5dq6wknllx3g2tkmu6i");
  EXPECT_EQ(leroy.name_token, "pt1:name:5avk7nb7wivhrqkt3mdd4fncm4");
  EXPECT_EQ(leroy.family_token, *pseudo_->token(IdKind::kFamilyName, "Leroy"));
  // A patient record of the same family, pseudonymised elsewhere, compares equal.
  const DirectoryEntry& sophie = dir_->entries()[2];
  EXPECT_EQ(sophie.family_token, *pseudo_->token(IdKind::kFamilyName, "DUPONT MARTIN"));
  EXPECT_EQ(sophie.nir_token, *pseudo_->token(IdKind::kNir, "269029935001250"));
  EXPECT_TRUE(dir_->entries()[1].nir_token.empty());
  for (const DirectoryEntry& e : dir_->entries()) {
    for (const std::string* field :
         {&e.person_id, &e.sid, &e.ad_account, &e.upn, &e.ehr_login, &e.vpn_user, &e.employee_id,
          &e.unit, &e.nir_token, &e.birth_token, &e.family_token, &e.name_token}) {
      for (std::string_view clear : {"185057", "1 85 05", "269029", "2 69 02", "1985", "1969",
                                     "Marc", "marc", "Sophie", "sophie m", "Martin"}) {
        EXPECT_EQ(field->find(clear), std::string::npos) << *field;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Malformed rows

TEST(DirectoryErrors, EveryBadRowIsReportedWithItsLineAndSkipped) {
  const auto pseudo = pseudonymiser();
  std::vector<Diagnostic> diags;
  const std::string path = kData + "directory_bad.csv";
  auto r = Directory::load(path, pseudo.get(), diags);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  const auto& dir = *r;
  EXPECT_EQ(codes(diags), (std::vector<std::pair<std::int64_t, std::string>>{
                              {3, "column-count"},
                              {4, "unterminated-quote"},
                              {5, "stray-quote"},
                              {6, "invalid-sid"},
                              {7, "invalid-account"},
                              {8, "invalid-date"},
                              {9, "empty-validity"},
                              {10, "no-person-key"},
                              {11, "invalid-utf8"},
                              {12, "invalid-personal-value"},
                              {14, "invalid-sid"},
                              {16, "invalid-sid"},
                              {13, "conflicting-mapping"},
                          }));
  EXPECT_EQ(dir->entries().size(), 4u);
  EXPECT_EQ(dir->rows_skipped(), 11u);
  for (const Diagnostic& d : diags) {
    EXPECT_EQ(d.file, path);
    EXPECT_EQ(d.severity, d.code == "invalid-personal-value" || d.code == "conflicting-mapping"
                              ? Severity::kWarning
                              : Severity::kError)
        << d.code;
    // No value of the file in any message.
    for (std::string_view value :
         {"alice",         "bob",        "carol",      "da\"ve", "dave",     "1005x", "PC-URG",
          "pc-urg",        "2024-02-30", "2024-05-01", "heidi",  "judy",     "Judy",  "350 012 51",
          "2690299350012", "mallory",    "S-5-1",      "oscar",  "S-1-5-18", "E1",    "E8",
          "GHTEX",         "ghtex"}) {
      EXPECT_EQ(d.message.find(value), std::string::npos) << d.to_string();
    }
  }
  EXPECT_EQ(diags[0].to_string(),
            path + ":3: error: 3 fields where the header has 8; row skipped [column-count]");
  EXPECT_EQ(diags[9].to_string(),
            path +
                ":12: warning: column nir: cannot be pseudonymised (invalid-nir); its token is "
                "left empty [invalid-personal-value]");
  // The row kept despite its bad NIR, and the CSV unescaping of line 15.
  EXPECT_EQ(dir->entries()[1].line, 12);
  EXPECT_TRUE(dir->entries()[1].nir_token.empty());
  EXPECT_FALSE(dir->entries()[1].family_token.empty());
  EXPECT_TRUE(dir->entries()[1].name_token.empty()) << "no given name: no full-name token";
  EXPECT_EQ(dir->entries()[3].ad_account, "ghtex\\\"o;scar\"");
  // The conflict: two persons claim GHTEX\alice from 2020; lookups then are ambiguous.
  std::string scratch;
  EXPECT_EQ(dir->resolve(Source::kAd, "GHTEX\\alice", at("2021-01-01"), scratch).outcome,
            Outcome::kAmbiguous);
  EXPECT_EQ(dir->resolve(Source::kAd, "GHTEX\\alice", at("2019-01-01"), scratch).outcome,
            Outcome::kResolved);
}

TEST(DirectoryErrors, WholeFileProblemsBuildNothing) {
  std::vector<Diagnostic> diags;
  struct Case {
    std::string_view text;
    std::string_view code;
  };
  for (const Case& c : {
           Case{"", "no-header"},
           Case{"\n# only a comment\n\n", "no-header"},
           Case{"ad_account,upn\nmleroy,mleroy@x.fr\n", "no-key-column"},
           Case{"sid,objectSid\n", "duplicate-column"},
           Case{"sid,\"unterminated\n", "no-header"},
           Case{"sid,employee_id\nS-1-5-18,\n,\n", "no-valid-rows"},
       }) {
    const auto r = Directory::parse(c.text, "t.csv", nullptr, diags);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), c.code) << c.text;
  }
  std::vector<Diagnostic> none;
  EXPECT_EQ(Directory::load("/nonexistent/dir.csv", nullptr, none).status().code(),
            "directory-unreadable");
  EXPECT_EQ(Directory::load(VIGIE_SOURCE_DIR, nullptr, none).status().code(),
            "directory-unreadable");
  EXPECT_EQ(Directory::load(kData + "directory.csv", nullptr, none,
                            DirectoryOptions{.max_file_bytes = 100})
                .status()
                .code(),
            "directory-too-large");
  EXPECT_TRUE(none.empty());
}

TEST(DirectoryErrors, AHeaderlessFileIsRefusedWithoutEchoingItsFirstRow) {
  std::vector<Diagnostic> diags;
  const auto r = Directory::parse(
      "GHTEX\\mleroy,S-1-5-21-1-2-3-4,1850575123456\nGHTEX\\x,S-1-5-21-1-2-3-5,2690299350012\n",
      "h.csv", nullptr, diags);
  ASSERT_EQ(r.status().code(), "no-key-column");
  EXPECT_EQ(r.status().message().find("1850575123456"), std::string::npos);
  EXPECT_EQ(r.status().message().find("mleroy"), std::string::npos);
  for (const Diagnostic& d : diags) {
    EXPECT_EQ(d.code, "unknown-column");
    EXPECT_EQ(d.message.find("1850575123456"), std::string::npos);
  }
}

TEST(DirectoryErrors, AHeaderOnlyFileIsAnEmptyDirectory) {
  std::vector<Diagnostic> diags;
  const auto r = Directory::parse("sid,employee_id\n", "e.csv", nullptr, diags);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)->entries().empty());
  EXPECT_TRUE(diags.empty());
}

TEST(DirectoryErrors, LongLinesAndTheDiagnosticCap) {
  std::string text = "employee_id,unit\n";
  text += "e1," + std::string(200, 'u') + "\n";
  for (int i = 0; i < 20; ++i) text += "\"bad\n";
  text += "e2,u2\n";
  std::vector<Diagnostic> diags;
  const auto r = Directory::parse(text, "l.csv", nullptr, diags,
                                  DirectoryOptions{.max_line_bytes = 100, .max_diagnostics = 5});
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ((*r)->entries().size(), 1u);
  EXPECT_EQ((*r)->rows_skipped(), 21u);
  ASSERT_EQ(diags.size(), 6u);
  EXPECT_EQ(diags[0].code, "line-too-long");
  EXPECT_EQ(diags[0].line, 2);
  EXPECT_EQ(diags[5].code, "too-many-diagnostics");
}

TEST(DirectoryErrors, WithoutAPseudonymiserPersonalColumnsAreDropped) {
  std::vector<Diagnostic> diags;
  const auto r = Directory::load(kData + "directory.csv", nullptr, diags);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(codes(diags), (std::vector<std::pair<std::int64_t, std::string>>{
                              {2, "unknown-column"}, {3, "no-pseudonymiser"}}));
  for (const DirectoryEntry& e : (*r)->entries()) {
    EXPECT_TRUE(e.nir_token.empty() && e.birth_token.empty() && e.family_token.empty() &&
                e.name_token.empty());
  }
}

// ---------------------------------------------------------------------------------------------
// Formats

TEST(DirectoryFormats, JsonLines) {
  const auto pseudo = pseudonymiser();
  std::vector<Diagnostic> diags;
  auto r = Directory::load(kData + "directory.jsonl", pseudo.get(), diags);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(codes(diags), (std::vector<std::pair<std::int64_t, std::string>>{
                              {1, "unknown-column"},
                              {4, "unknown-column"},
                              {5, "not-a-string"},
                              {6, "invalid-json"},
                              {7, "not-an-object"},
                              {8, "not-a-string"},
                          }));
  const auto& entries = (*r)->entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].person_id, "sid:" + std::string(kLeroySid));
  EXPECT_EQ(entries[0].nir_token, "pt1:nir:2xyopcxjoxqgk3wnvazojf54ku");
  EXPECT_EQ(entries[0].name_token, "pt1:name:5avk7nb7wivhrqkt3mdd4fncm4");
  EXPECT_EQ(entries[1].person_id, "sid:" + std::string(kAdmLeroySid)) << "aliases, any case";
  EXPECT_EQ(entries[1].ad_account, "ghtex\\adm-mleroy");
  EXPECT_EQ(entries[1].unit, "2201") << "an integer is taken as written";
  EXPECT_EQ(entries[2].person_id, "emp:99999");
  std::string scratch;
  EXPECT_EQ((*r)->resolve(Source::kEhr, "localehr", at("2024-01-01"), scratch).entry, &entries[2]);
}

TEST(DirectoryFormats, DelimitersBomCrLfAndComments) {
  for (std::string_view text : {
           "\xEF\xBB\xBF"
           "sid;employee_id;unit\r\n# comment\r\nS-1-5-21-9-9-9-1;e1;\"a;b\"\r\n",
           "sid\temployee_id\tunit\nS-1-5-21-9-9-9-1\te1\ta;b\n",
           "  SID , Employee-ID , UF \n S-1-5-21-9-9-9-1 , e1 , \"a;b\" \n",
       }) {
    std::vector<Diagnostic> diags;
    const auto r = Directory::parse(text, "d.csv", nullptr, diags);
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    ASSERT_EQ((*r)->entries().size(), 1u) << text;
    EXPECT_TRUE(diags.empty()) << diags[0].to_string();
    EXPECT_EQ((*r)->entries()[0].person_id, "sid:S-1-5-21-9-9-9-1");
    EXPECT_EQ((*r)->entries()[0].unit, "a;b");
  }
}

TEST(DirectoryFormats, ValidityBoundsAndTimestamps) {
  std::vector<Diagnostic> diags;
  const auto r = Directory::parse(
      "employee_id,valid_from,valid_to\n"
      "e1,2024-01-01T08:00:00+01:00,2024-01-01T18:00:00+01:00\n"
      "e2,,2024-01-31\n",
      "v.csv", nullptr, diags);
  ASSERT_TRUE(r.ok());
  const auto& e = (*r)->entries();
  EXPECT_EQ(e[0].valid_from_ms, at("2024-01-01T07:00:00Z"));
  EXPECT_EQ(e[0].valid_to_ms, at("2024-01-01T17:00:00Z")) << "a timestamp is exclusive";
  EXPECT_EQ(e[1].valid_to_ms, at("2024-02-01")) << "a date includes its day";
  EXPECT_FALSE(e[1].valid_at(at("2024-02-01")));
  EXPECT_TRUE(e[1].valid_at(at("1900-01-01")));
}

// docs/identity.md shows how strings resolve against docs/examples/identity/directory.csv; the
// table there is the test data.
TEST(DirectoryDocs, TheResolveExamplesOfIdentityMdHold) {
  const std::string root = VIGIE_SOURCE_DIR;
  std::vector<Diagnostic> diags;
  const auto dir = Directory::load(root + "/docs/examples/identity/directory.csv", nullptr, diags);
  ASSERT_TRUE(dir.ok()) << dir.status().to_string();
  for (const Diagnostic& d : diags) EXPECT_EQ(d.code, "no-pseudonymiser") << d.to_string();
  std::ifstream doc(root + "/docs/identity.md");
  ASSERT_TRUE(doc.good());
  std::string line;
  while (std::getline(doc, line) && line.find("<!-- resolve-examples") == std::string::npos) {
  }
  std::getline(doc, line);  // header
  std::getline(doc, line);  // separator
  int rows = 0;
  std::string scratch;
  while (std::getline(doc, line) && !line.empty() && line[0] == '|') {
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(1));
    std::string cell;
    while (std::getline(ss, cell, '|')) {
      const auto b = cell.find_first_not_of(" `");
      const auto e = cell.find_last_not_of(" `");
      cells.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
    }
    ASSERT_EQ(cells.size(), 7u) << line;
    const Source source = cells[0] == "vpn"   ? Source::kVpn
                          : cells[0] == "ehr" ? Source::kEhr
                                              : Source::kAd;
    const Resolution r = (*dir)->resolve(source, cells[1], at(cells[2]), scratch);
    EXPECT_EQ(to_string(r.principal), cells[3]) << line;
    EXPECT_EQ(to_string(r.outcome), cells[4]) << line;
    EXPECT_EQ(to_string(r.via), cells[5]) << line;
    EXPECT_EQ(r.entry == nullptr ? std::string() : r.entry->person_id, cells[6]) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 16);
}

TEST(DirectoryFormats, EmptyDirectory) {
  const auto d = Directory::empty();
  std::string scratch;
  EXPECT_TRUE(d->entries().empty());
  EXPECT_EQ(d->resolve(Source::kAd, "mleroy", 0, scratch).outcome, Outcome::kUnknown);
  EXPECT_EQ(Directory::empty(), d);
}

}  // namespace
}  // namespace vigie::enrich
