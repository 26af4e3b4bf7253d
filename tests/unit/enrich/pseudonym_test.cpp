// Patient tokens (enrich/pseudonym.h): the stable pt1 format, values shared with the reference
// implementation docs/examples/privacy/pt1.py, domain separation, normalisation of each kind, the
// previous key, and error messages that never carry the identifier.
#include "enrich/pseudonym.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace vigie::enrich {
namespace {

SecretKey key_of(unsigned char first) {
  std::array<unsigned char, 32> bytes;
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<unsigned char>(first + i);
  return std::move(SecretKey::from_bytes(bytes)).value();
}

std::unique_ptr<Pseudonymiser> make(std::string domain = "CHU-X", unsigned char first = 0) {
  const SecretKey key = key_of(first);
  return std::move(Pseudonymiser::create(std::move(domain), key)).value();
}

// ---------------------------------------------------------------------------------------------
// Token values: `python3 docs/examples/privacy/pt1.py --self-test` (key bytes 00..1f, domain
// CHU-X) prints these. A change here is a change of the token format: it breaks every stored
// token and every establishment's re-identification tool.

struct Vector {
  IdKind kind;
  std::string_view raw;
  std::string_view normalised;
  std::string_view token;
};

constexpr Vector kVectors[] = {
    {IdKind::kNir, "1 85 05 75 123 456 73", "1850575123456", "pt1:nir:2xyopcxjoxqgk3wnvazojf54ku"},
    {IdKind::kNir, "185052A004123", "185052A004123", "pt1:nir:zqeiljatoqzqsqutor345uhd2u"},
    {IdKind::kIpp, "000123456", "123456", "pt1:ipp:q5pohg4trm32mldetuip54izwi"},
    {IdKind::kIpp, "123456", "123456", "pt1:ipp:q5pohg4trm32mldetuip54izwi"},
    {IdKind::kFhirPatient, "https://fhir.chu-x.fr/fhir/Patient/123/_history/2", "Patient/123",
     "pt1:fhir:gyaqvvdab4hebywuk6n23pjhey"},
    {IdKind::kFhirPatient, "Patient/123", "Patient/123", "pt1:fhir:gyaqvvdab4hebywuk6n23pjhey"},
    {IdKind::kName, "Marc LEROY", "leroy marc", "pt1:name:5avk7nb7wivhrqkt3mdd4fncm4"},
    {IdKind::kName, "leroy, marc", "leroy marc", "pt1:name:5avk7nb7wivhrqkt3mdd4fncm4"},
    {IdKind::kFamilyName, "Le Gall", "legall", "pt1:family:lzkht7kklrzxl232hajiwl6y4u"},
    {IdKind::kFamilyName, "L\xC3\x89-GALL", "legall", "pt1:family:lzkht7kklrzxl232hajiwl6y4u"},
    {IdKind::kName, "Zo\xC3\xAB B\xC3\xAEl\xC3\xA9-\xC5\x92uvray", "bile oeuvray zoe",
     "pt1:name:ail3y4idqcyuwn7hx7rvgbgwz4"},
    {IdKind::kBirthDate, "12/05/1985", "1985-05-12", "pt1:birth:p5oqrbj5dq6wknllx3g2tkmu6i"},
    {IdKind::kBirthDate, "19850512", "1985-05-12", "pt1:birth:p5oqrbj5dq6wknllx3g2tkmu6i"},
    {IdKind::kBirthDate, "1985-05-12", "1985-05-12", "pt1:birth:p5oqrbj5dq6wknllx3g2tkmu6i"},
    {IdKind::kNda, "000123456", "123456", "pt1:nda:c5qdqolel3rpa2emskxoy42w64"},
    {IdKind::kNda, "24000006", "24000006", "pt1:nda:ttil7st34byy5c2fcxybbl3nmq"},
    {IdKind::kNda, " 2400 0006 ", "24000006", "pt1:nda:ttil7st34byy5c2fcxybbl3nmq"},
};

// NOLINTNEXTLINE(readability-identifier-naming): the name gtest looks up
void PrintTo(const Vector& v, std::ostream* os) { *os << to_string(v.kind) << " " << v.raw; }

class TokenVectorTest : public ::testing::TestWithParam<Vector> {};

TEST_P(TokenVectorTest, MatchesTheReferenceImplementation) {
  const Vector& v = GetParam();
  std::string normalised;
  ASSERT_TRUE(normalize_identifier(v.kind, v.raw, normalised).ok());
  EXPECT_EQ(normalised, v.normalised);
  const auto p = make();
  std::string token;
  ASSERT_TRUE(p->pseudonymise(v.kind, v.raw, token).ok());
  EXPECT_EQ(token, v.token);
  EXPECT_EQ(token_kind(token), v.kind);
}

INSTANTIATE_TEST_SUITE_P(Pt1, TokenVectorTest, ::testing::ValuesIn(kVectors));

TEST(TokenFormat, IsVersionKindAnd26Base32Characters) {
  const auto p = make();
  for (IdKind kind : {IdKind::kIpp, IdKind::kNir, IdKind::kFhirPatient, IdKind::kName,
                      IdKind::kFamilyName, IdKind::kBirthDate, IdKind::kNda}) {
    const std::string raw = kind == IdKind::kNir         ? "2690299350012"
                            : kind == IdKind::kBirthDate ? "2001-02-03"
                                                         : "abc";
    std::string token;
    ASSERT_TRUE(p->pseudonymise(kind, raw, token).ok()) << to_string(kind);
    const std::string prefix = "pt1:" + std::string(to_string(kind)) + ":";
    ASSERT_EQ(token.substr(0, prefix.size()), prefix);
    const std::string digest = token.substr(prefix.size());
    EXPECT_EQ(digest.size(), kTokenDigestChars);
    EXPECT_EQ(digest.find_first_not_of("abcdefghijklmnopqrstuvwxyz234567"), std::string::npos);
    EXPECT_EQ(token_kind(token), kind);
  }
}

TEST(TokenFormat, TokenKindRejectsWhatIsNotAToken) {
  for (std::string_view s :
       {"", "pt1:", "pt1:nir:", "pt2:nir:2xyopcxjoxqgk3wnvazojf54ku",
        "pt1:xyz:2xyopcxjoxqgk3wnvazojf54ku", "pt1:nir:2xyopcxjoxqgk3wnvazojf54k",
        "pt1:nir:2xyopcxjoxqgk3wnvazojf54kuu", "pt1:nir:2XYOPCXJOXQGK3WNVAZOJF54KU",
        "pt1:nir:2xyopcxjoxqgk3wnvazojf54k1", "pt1:nir:2xyopcxjoxqgk3wnvazojf54kv",
        "1850575123456"}) {
    EXPECT_FALSE(token_kind(s).has_value()) << s;
  }
}

TEST(TokenFormat, KindNamesRoundTrip) {
  for (IdKind kind : {IdKind::kIpp, IdKind::kNir, IdKind::kFhirPatient, IdKind::kName,
                      IdKind::kFamilyName, IdKind::kBirthDate, IdKind::kNda}) {
    EXPECT_EQ(parse_id_kind(to_string(kind)), kind);
  }
  EXPECT_EQ(to_string(IdKind::kNda), "nda");
  EXPECT_FALSE(parse_id_kind("NIR").has_value());
  EXPECT_FALSE(parse_id_kind("NDA").has_value());
  EXPECT_FALSE(parse_id_kind("").has_value());
}

// ---------------------------------------------------------------------------------------------
// Domain separation

TEST(DomainSeparation, SameDigitsOfTwoKindsDoNotCollide) {
  const auto p = make();
  const std::string ipp = *p->token(IdKind::kIpp, "1850575123456");
  const std::string nir = *p->token(IdKind::kNir, "1850575123456");
  EXPECT_NE(ipp.substr(ipp.rfind(':')), nir.substr(nir.rfind(':')));
  const std::string name = *p->token(IdKind::kName, "Leroy");
  const std::string family = *p->token(IdKind::kFamilyName, "Leroy");
  EXPECT_NE(name.substr(name.rfind(':')), family.substr(family.rfind(':')));
}

// A stay number and an IPP share their normalisation and often their digits (both are local
// counters of the establishment): only the kind in the MAC keeps a stay from matching a patient.
TEST(DomainSeparation, AnNdaAndAnIppWithTheSameDigitsDoNotCollide) {
  const auto p = make();
  std::string ipp_form, nda_form;
  ASSERT_TRUE(normalize_identifier(IdKind::kIpp, "24000006", ipp_form).ok());
  ASSERT_TRUE(normalize_identifier(IdKind::kNda, "24000006", nda_form).ok());
  EXPECT_EQ(ipp_form, nda_form);
  const std::string ipp = *p->token(IdKind::kIpp, "24000006");
  const std::string nda = *p->token(IdKind::kNda, "24000006");
  EXPECT_EQ(ipp.substr(0, 8), "pt1:ipp:");
  EXPECT_EQ(nda.substr(0, 8), "pt1:nda:");
  EXPECT_NE(ipp.substr(ipp.rfind(':')), nda.substr(nda.rfind(':')));
  EXPECT_EQ(token_kind(nda), IdKind::kNda);
  EXPECT_NE(*make("CHU-X")->token(IdKind::kNda, "24000006"),
            *make("CHU-Y")->token(IdKind::kNda, "24000006"));
}

TEST(DomainSeparation, SameKeyInTwoDomainsDoesNotLink) {
  EXPECT_NE(*make("CHU-X")->token(IdKind::kIpp, "123456"),
            *make("CHU-Y")->token(IdKind::kIpp, "123456"));
}

TEST(DomainSeparation, TwoKeysDoNotLink) {
  EXPECT_NE(*make("CHU-X", 0)->token(IdKind::kIpp, "123456"),
            *make("CHU-X", 1)->token(IdKind::kIpp, "123456"));
}

TEST(DomainSeparation, StaffAndPatientShareTokensUnderOneKey) {
  // A staff directory row and an EHR event, pseudonymised apart, compare equal.
  const auto p = make();
  EXPECT_EQ(*p->token(IdKind::kNir, "2 69 02 99 350 012 50"),
            *p->token(IdKind::kNir, "2690299350012"));
  EXPECT_EQ(*p->token(IdKind::kFamilyName, "DUPONT-MARTIN"),
            *p->token(IdKind::kFamilyName, "Dupont Martin"));
}

TEST(Domain, MustBeAShortPlainIdentifier) {
  const SecretKey key = key_of(0);
  for (const std::string& d : std::vector<std::string>{"", "CHU X", "CHU/X", std::string(129, 'a'),
                                                       std::string("a\0b", 3)}) {
    const auto r = Pseudonymiser::create(d, key);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), "invalid-domain");
  }
  EXPECT_TRUE(Pseudonymiser::create("750712184", key).ok());
  EXPECT_TRUE(Pseudonymiser::create("ght:idf-93_1.a", key).ok());
}

// ---------------------------------------------------------------------------------------------
// Normalisation

struct NormCase {
  IdKind kind;
  std::string_view raw;
  std::string_view expected;  // the normalised value, or the error code prefixed with '!'
};

constexpr NormCase kNormCases[] = {
    // NIR / NIA: separators, key checked then dropped, Corsica kept as 2A/2B.
    {IdKind::kNir, "1850575123456", "1850575123456"},
    {IdKind::kNir, "185057512345673", "1850575123456"},
    {IdKind::kNir, "1.85.05.75.123.456-73", "1850575123456"},
    {IdKind::kNir,
     "1\xC2\xA0"
     "85\xE2\x80\xAF"
     "05 75 123 456 73",
     "1850575123456"},
    {IdKind::kNir, "185052a004123 56", "185052A004123"},
    {IdKind::kNir, "185052B00412383", "185052B004123"},
    {IdKind::kNir, "185052A00412383", "!invalid-nir"},  // the key of 2B, not 2A
    {IdKind::kNir, "185057512345674", "!invalid-nir"},  // wrong key
    {IdKind::kNir, "18505751234", "!invalid-nir"},
    {IdKind::kNir, "0850575123456", "!invalid-nir"},
    {IdKind::kNir, "9850575123456", "!invalid-nir"},
    {IdKind::kNir, "18505A5123456", "!invalid-nir"},  // a letter outside the department
    {IdKind::kNir, "185052C004123", "!invalid-nir"},
    {IdKind::kNir, "7850599123456", "7850599123456"},  // NIA
    {IdKind::kNir, "  ", "!empty"},
    // IPP: blanks removed, ASCII upper case, zero padding of numeric IPPs dropped.
    {IdKind::kIpp, " 00012 3456 ", "123456"},
    {IdKind::kIpp, "0", "0"},
    {IdKind::kIpp, "000", "0"},
    {IdKind::kIpp, "ab-0012", "AB-0012"},
    {IdKind::kIpp, "0012a", "0012A"},
    {IdKind::kIpp,
     "12\x01"
     "3",
     "!invalid-ipp"},
    {IdKind::kIpp, "", "!empty"},
    // NDA (stay number): the IPP's rule; its own error code.
    {IdKind::kNda, "\t24000006\n", "24000006"},
    {IdKind::kNda, "0024 000 006", "24000006"},
    {IdKind::kNda, "0", "0"},
    {IdKind::kNda, "s24-000006", "S24-000006"},
    {IdKind::kNda, "0024a", "0024A"},
    {IdKind::kNda,
     "240\x7f"
     "00006",
     "!invalid-nda"},
    {IdKind::kNda, " \t ", "!empty"},
    // FHIR Patient references.
    {IdKind::kFhirPatient, "Patient/abc-1.2", "Patient/abc-1.2"},
    {IdKind::kFhirPatient, "http://h/fhir/r4/Patient/abc?_format=json", "Patient/abc"},
    {IdKind::kFhirPatient, "https://h/Patient/abc/#x", "Patient/abc"},
    {IdKind::kFhirPatient, "  abc  ", "Patient/abc"},
    {IdKind::kFhirPatient, "Patient/ABC", "Patient/ABC"},  // FHIR ids are case-sensitive
    {IdKind::kFhirPatient, "Practitioner/1", "!invalid-fhir-reference"},
    {IdKind::kFhirPatient, "patient/1", "!invalid-fhir-reference"},
    {IdKind::kFhirPatient, "Patient/", "!invalid-fhir-reference"},
    {IdKind::kFhirPatient, "Patient/1/Observation/2", "!invalid-fhir-reference"},
    {IdKind::kFhirPatient, "urn:uuid:5f1c", "!invalid-fhir-reference"},
    {IdKind::kFhirPatient, "Patient/a_b", "!invalid-fhir-reference"},
    // Names: case, accents (precomposed or combining), ligatures, punctuation, blanks.
    {IdKind::kName, "  JEAN-PIERRE   d'Ormesson ", "d jean ormesson pierre"},
    {IdKind::kName,
     "Jose\xCC\x81 Garci\xCC\x81"
     "a",
     "garcia jose"},  // combining acute
    {IdKind::kName,
     "Jos\xC3\xA9 Garc\xC3\xAD"
     "a",
     "garcia jose"},
    {IdKind::kName,
     "\xC3\x86lfred Stra\xC3\x9F"
     "e",
     "aelfred strasse"},
    {IdKind::kName,
     "O\xE2\x80\x99"
     "Brien\xC2\xA0Se\xC3\xA1n",
     "brien o sean"},
    {IdKind::kName,
     "Ng\xE1\xBB\x8D"
     "c",
     "ngoc"},  // Latin Extended Additional
    {IdKind::kName, "\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD", "\xD0\xB8\xD0\xB2\xD0\xB0\xD0\xBD"},
    {IdKind::kName,
     "Du\xC2\xAD"
     "pont",
     "dupont"},  // soft hyphen
    {IdKind::kName, "- , .", "!empty"},
    {IdKind::kName, "L\xC3", "!invalid-utf8"},
    {IdKind::kFamilyName, "Saint-\xC3\x89tienne d'Orves", "saintetiennedorves"},
    {IdKind::kFamilyName, "LEROY", "leroy"},
    // Birth dates.
    {IdKind::kBirthDate, "1985-05-12T00:00:00+02:00", "1985-05-12"},
    {IdKind::kBirthDate, "198505120830", "1985-05-12"},
    {IdKind::kBirthDate, "19850512083000.000+0200", "1985-05-12"},
    {IdKind::kBirthDate, "5/3/1985", "1985-03-05"},
    {IdKind::kBirthDate, "05-03-1985", "1985-03-05"},
    {IdKind::kBirthDate, "05.03.1985", "1985-03-05"},
    {IdKind::kBirthDate, "29/02/2000", "2000-02-29"},
    {IdKind::kBirthDate, "29/02/1900", "!invalid-date"},
    {IdKind::kBirthDate, "31/04/1985", "!invalid-date"},
    {IdKind::kBirthDate, "1985-13-01", "!invalid-date"},
    {IdKind::kBirthDate, "05/03-1985", "!invalid-date"},
    {IdKind::kBirthDate, "1985", "!invalid-date"},
    {IdKind::kBirthDate, "1985-05", "!invalid-date"},
    {IdKind::kBirthDate, "0985-05-12", "!invalid-date"},
    {IdKind::kBirthDate, "19850512x", "!invalid-date"},
    {IdKind::kBirthDate, "", "!empty"},
};

// NOLINTNEXTLINE(readability-identifier-naming): the name gtest looks up
void PrintTo(const NormCase& c, std::ostream* os) { *os << to_string(c.kind) << " " << c.raw; }

class NormalisationTest : public ::testing::TestWithParam<NormCase> {};

TEST_P(NormalisationTest, GivesTheCanonicalFormOrTheError) {
  const NormCase& c = GetParam();
  std::string out = "left over";
  const Status s = normalize_identifier(c.kind, c.raw, out);
  if (c.expected.front() == '!') {
    ASSERT_FALSE(s.ok()) << "got " << out;
    EXPECT_EQ(s.code(), c.expected.substr(1));
    EXPECT_TRUE(out.empty());
  } else {
    ASSERT_TRUE(s.ok()) << s.to_string();
    EXPECT_EQ(out, c.expected);
  }
}

INSTANTIATE_TEST_SUITE_P(Kinds, NormalisationTest, ::testing::ValuesIn(kNormCases));

TEST(Normalisation, LongValuesAreRefused) {
  std::string out;
  EXPECT_TRUE(normalize_identifier(IdKind::kName, std::string(256, 'a'), out).ok());
  EXPECT_EQ(normalize_identifier(IdKind::kName, std::string(257, 'a'), out).code(), "too-long");
  // 128 one-letter words: the most words a name can have.
  std::string many;
  for (int i = 0; i < 128; ++i) many += "b ";
  EXPECT_TRUE(normalize_identifier(IdKind::kName, many.substr(0, 255), out).ok());
}

TEST(Normalisation, IsIdempotentOnNames) {
  for (std::string_view raw : {"  JEAN-PIERRE   d'Ormesson ",
                               "\xC3\x86lfred Stra\xC3\x9F"
                               "e"}) {
    std::string once, twice;
    ASSERT_TRUE(normalize_identifier(IdKind::kName, raw, once).ok());
    ASSERT_TRUE(normalize_identifier(IdKind::kName, once, twice).ok());
    EXPECT_EQ(once, twice);
  }
}

// ---------------------------------------------------------------------------------------------
// Errors carry no value

TEST(Errors, NeverContainTheIdentifier) {
  const auto p = make();
  const std::pair<IdKind, std::string_view> bad[] = {
      {IdKind::kNir, "185057512345674"},
      {IdKind::kNir, "1850575123"},
      {IdKind::kBirthDate, "31/04/1985"},
      {IdKind::kFhirPatient, "Patient/secret_1"},
      {IdKind::kIpp,
       "12\x01"
       "3456"},
      {IdKind::kNda,
       "24\x01"
       "3456"},
      {IdKind::kName, "Leroy\xC3"},
      {IdKind::kName, std::string_view("Leroyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
                                       "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
                                       "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
                                       "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
                                       "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy")},
  };
  for (const auto& [kind, raw] : bad) {
    std::string out = "x";
    const Status s = p->pseudonymise(kind, raw, out);
    ASSERT_FALSE(s.ok()) << raw;
    EXPECT_TRUE(out.empty());
    const std::string text = s.to_string();
    EXPECT_EQ(text.find(raw), std::string::npos) << text;
    for (std::string_view part : {"1850575", "1985", "secret", "3456", "Leroy", "eroy"}) {
      if (raw.find(part) != std::string_view::npos) {
        EXPECT_EQ(text.find(part), std::string::npos) << text;
      }
    }
    EXPECT_NE(text.find(to_string(kind)), std::string::npos) << "the message names the kind";
  }
}

// ---------------------------------------------------------------------------------------------
// Key rotation

TEST(Rotation, PreviousKeyGivesTheTokensOfBeforeTheRotation) {
  const SecretKey old_key = key_of(7);
  const SecretKey new_key = key_of(9);
  const auto before = std::move(Pseudonymiser::create("CHU-X", old_key)).value();
  const auto during = std::move(Pseudonymiser::create("CHU-X", new_key, &old_key)).value();
  const auto after = std::move(Pseudonymiser::create("CHU-X", new_key)).value();
  EXPECT_TRUE(during->has_previous_key());
  EXPECT_FALSE(after->has_previous_key());
  std::string current, previous;
  ASSERT_TRUE(during->pseudonymise(IdKind::kIpp, "42", current).ok());
  ASSERT_TRUE(during->pseudonymise_previous(IdKind::kIpp, "42", previous).ok());
  EXPECT_EQ(current, *after->token(IdKind::kIpp, "42"));
  EXPECT_EQ(previous, *before->token(IdKind::kIpp, "42"));
  EXPECT_NE(current, previous);
  std::string out = "x";
  EXPECT_EQ(after->pseudonymise_previous(IdKind::kIpp, "42", out).code(), "no-previous-key");
  EXPECT_TRUE(out.empty());
}

// ---------------------------------------------------------------------------------------------
// Keys

TEST(SecretKeyTest, LengthIsChecked) {
  std::vector<unsigned char> bytes(31, 1);
  EXPECT_EQ(SecretKey::from_bytes(bytes).status().code(), "key-too-short");
  bytes.resize(32);
  EXPECT_TRUE(SecretKey::from_bytes(bytes).ok());
  bytes.resize(64);
  EXPECT_TRUE(SecretKey::from_bytes(bytes).ok());
  bytes.resize(65);
  EXPECT_EQ(SecretKey::from_bytes(bytes).status().code(), "key-too-long");
}

TEST(SecretKeyTest, AMovedFromKeyIsEmptyAndRefused) {
  SecretKey key = key_of(0);
  SecretKey moved = std::move(key);
  EXPECT_EQ(moved.bytes().size(), 32u);
  EXPECT_EQ(key.bytes().size(), 0u);  // NOLINT(bugprone-use-after-move): what a move leaves
  EXPECT_EQ(Pseudonymiser::create("CHU-X", key).status().code(), "key-too-short");
}

// ---------------------------------------------------------------------------------------------
// Threads

TEST(Threads, ConcurrentCallsAgree) {
  const auto p = make();
  const std::string expected = *p->token(IdKind::kName, "Marc Leroy");
  std::array<int, 4> mismatches{};
  std::vector<std::thread> threads;
  threads.reserve(mismatches.size());
  for (std::size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] {
      std::string out;
      for (int i = 0; i < 2000; ++i) {
        if (!p->pseudonymise(IdKind::kName, "LEROY  Marc", out).ok() || out != expected) {
          ++mismatches[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

}  // namespace
}  // namespace vigie::enrich
