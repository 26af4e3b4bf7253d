// STYLE.md: no per-event heap allocation on the hot path. Once its output buffer is warm,
// pseudonymising an identifier, canonicalising a user string and resolving it in the directory
// allocate nothing. This file replaces operator new for the whole unit_enrich binary (see
// allocation_counter.h): it must be the only one that includes it.
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "../support/allocation_counter.h"
#include "enrich/directory.h"
#include "enrich/identity.h"
#include "enrich/pseudonym.h"

namespace vigie::enrich {
namespace {

using vigie::testing::allocations;
using vigie::testing::kCountAllocations;

TEST(Allocations, PseudonymiseDoesNotAllocateOnceWarm) {
  if (!kCountAllocations) GTEST_SKIP() << "allocation counting is off under ASan";
  std::array<unsigned char, 32> bytes{};
  const SecretKey key = std::move(SecretKey::from_bytes(bytes)).value();
  const auto p = std::move(Pseudonymiser::create("CHU-X", key)).value();
  std::string out;
  ASSERT_TRUE(p->pseudonymise(IdKind::kName, "Jean-Pierre D'ORMESSON", out).ok());
  const long before = allocations().load();
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(p->pseudonymise(IdKind::kName, "Jean-Pierre D'ORMESSON", out).ok());
    ASSERT_TRUE(p->pseudonymise(IdKind::kNir, "1 85 05 75 123 456 73", out).ok());
    ASSERT_TRUE(p->pseudonymise(IdKind::kFhirPatient, "https://h/fhir/Patient/9", out).ok());
    ASSERT_TRUE(p->pseudonymise(IdKind::kBirthDate, "12/05/1985", out).ok());
    ASSERT_TRUE(p->pseudonymise(IdKind::kIpp, "000123", out).ok());
  }
  EXPECT_EQ(allocations().load() - before, 0);
}

TEST(Allocations, ResolveDoesNotAllocateOnceWarm) {
  if (!kCountAllocations) GTEST_SKIP() << "allocation counting is off under ASan";
  std::vector<Diagnostic> diags;
  const auto dir = Directory::parse(
      "sid,ad_account,upn,vpn_user,ehr_login,employee_id\n"
      "S-1-5-21-1-2-3-10,GHTEX\\mleroy,mleroy@ght-exemple.fr,m.leroy,LEROYM,012345\n",
      "a.csv", nullptr, diags);
  ASSERT_TRUE(dir.ok());
  std::string scratch;
  (void)(*dir)->resolve(Source::kAd, "mleroy@GHT-EXEMPLE.LOCAL", 0, scratch);
  const long before = allocations().load();
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ((*dir)->resolve(Source::kAd, "GHTEX\\MLEROY", 0, scratch).outcome,
              Outcome::kResolved);
    EXPECT_EQ((*dir)->resolve(Source::kVpn, "m.leroy", 0, scratch).outcome, Outcome::kResolved);
    EXPECT_EQ((*dir)->resolve(Source::kEhr, "LEROYM", 0, scratch).outcome, Outcome::kResolved);
    EXPECT_EQ((*dir)->resolve(Source::kAd, "S-1-5-21-1-2-3-10", 0, scratch).outcome,
              Outcome::kResolved);
    EXPECT_EQ((*dir)->resolve(Source::kAd, "mleroy@GHT-EXEMPLE.LOCAL", 0, scratch).outcome,
              Outcome::kResolved);
    EXPECT_EQ((*dir)->resolve(Source::kAd, "NT AUTHORITY\\SYSTEM", 0, scratch).outcome,
              Outcome::kNotAPerson);
    EXPECT_EQ((*dir)->resolve_employee("012345", 0, scratch).outcome, Outcome::kResolved);
  }
  EXPECT_EQ(allocations().load() - before, 0);
}

}  // namespace
}  // namespace vigie::enrich
