// Identity canonicalisation (enrich/identity.h): every user-string form of HEALTH.md section 4.1,
// the well-known non-persons, machine accounts, SIDs, and AD's case-insensitivity.
#include "enrich/identity.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>

namespace vigie::enrich {
namespace {

struct FormCase {
  std::string_view raw;
  PrincipalKind kind;
  UserForm form;
  std::string_view canonical;
  std::string_view account;
  std::string_view domain;
};

// NOLINTNEXTLINE(readability-identifier-naming): the name gtest looks up
void PrintTo(const FormCase& c, std::ostream* os) { *os << '"' << c.raw << '"'; }

constexpr auto kUser = PrincipalKind::kUser;
constexpr auto kMachine = PrincipalKind::kMachine;
constexpr auto kWellKnown = PrincipalKind::kWellKnown;
constexpr auto kNobody = PrincipalKind::kNobody;

constexpr FormCase kCases[] = {
    // One nurse, as AD, Kerberos, VPN and EHR logs write her.
    {"mleroy", kUser, UserForm::kBare, "mleroy", "mleroy", ""},
    {"MLEROY", kUser, UserForm::kBare, "mleroy", "mleroy", ""},
    {"GHTEX\\MLEROY", kUser, UserForm::kDownLevel, "ghtex\\mleroy", "mleroy", "ghtex"},
    {"ght-exemple\\mleroy", kUser, UserForm::kDownLevel, "ght-exemple\\mleroy", "mleroy",
     "ght-exemple"},
    {"mleroy@ght-exemple.fr", kUser, UserForm::kUpn, "mleroy@ght-exemple.fr", "mleroy",
     "ght-exemple.fr"},
    {"mleroy@GHT-EXEMPLE.LOCAL", kUser, UserForm::kUpn, "mleroy@ght-exemple.local", "mleroy",
     "ght-exemple.local"},
    {"Marc.Leroy@ght-exemple.fr", kUser, UserForm::kUpn, "marc.leroy@ght-exemple.fr", "marc.leroy",
     "ght-exemple.fr"},
    {"  \"GHTEX\\mleroy\"  ", kUser, UserForm::kDownLevel, "ghtex\\mleroy", "mleroy", "ghtex"},
    {"<mleroy@ght-exemple.fr>", kUser, UserForm::kUpn, "mleroy@ght-exemple.fr", "mleroy",
     "ght-exemple.fr"},
    {"'m.leroy'", kUser, UserForm::kBare, "m.leroy", "m.leroy", ""},
    {"\xC2\xA0mleroy\xC2\xA0", kUser, UserForm::kBare, "mleroy", "mleroy", ""},
    {"\\mleroy", kUser, UserForm::kBare, "mleroy", "mleroy", ""},
    {"mleroy@", kUser, UserForm::kBare, "mleroy", "mleroy", ""},
    {"a@b@c.fr", kUser, UserForm::kUpn, "a@b@c.fr", "a@b", "c.fr"},
    {"\xC3\x89LODIE", kUser, UserForm::kBare, "\xC3\xA9lodie", "\xC3\xA9lodie", ""},
    {"S-1-5-21-3623811015-3361044348-30300820-1013", kUser, UserForm::kSid,
     "S-1-5-21-3623811015-3361044348-30300820-1013", "S-1-5-21-3623811015-3361044348-30300820-1013",
     ""},
    {"s-1-5-21-1-2-3-500", kUser, UserForm::kSid, "S-1-5-21-1-2-3-500", "S-1-5-21-1-2-3-500", ""},
    {"S-1-12-1-1-2-3-4", kUser, UserForm::kSid, "S-1-12-1-1-2-3-4", "S-1-12-1-1-2-3-4", ""},
    // Machines.
    {"PC-URG-0123$", kMachine, UserForm::kBare, "pc-urg-0123$", "pc-urg-0123$", ""},
    {"GHTEX\\DC01$", kMachine, UserForm::kDownLevel, "ghtex\\dc01$", "dc01$", "ghtex"},
    {"dc01$@GHT-EXEMPLE.LOCAL", kMachine, UserForm::kUpn, "dc01$@ght-exemple.local", "dc01$",
     "ght-exemple.local"},
    // Well-known principals.
    {"SYSTEM", kWellKnown, UserForm::kBare, "system", "system", ""},
    {"NT AUTHORITY\\SYSTEM", kWellKnown, UserForm::kDownLevel, "nt authority\\system", "system",
     "nt authority"},
    {"LOCAL SERVICE", kWellKnown, UserForm::kBare, "local service", "local service", ""},
    {"NT AUTHORITY\\NETWORK SERVICE", kWellKnown, UserForm::kDownLevel,
     "nt authority\\network service", "network service", "nt authority"},
    {"ANONYMOUS LOGON", kWellKnown, UserForm::kBare, "anonymous logon", "anonymous logon", ""},
    {"NT AUTHORITY\\ANONYMOUS LOGON", kWellKnown, UserForm::kDownLevel,
     "nt authority\\anonymous logon", "anonymous logon", "nt authority"},
    {"DWM-1", kWellKnown, UserForm::kBare, "dwm-1", "dwm-1", ""},
    {"Window Manager\\DWM-12", kWellKnown, UserForm::kDownLevel, "window manager\\dwm-12", "dwm-12",
     "window manager"},
    {"UMFD-0", kWellKnown, UserForm::kBare, "umfd-0", "umfd-0", ""},
    {"Font Driver Host\\UMFD-3", kWellKnown, UserForm::kDownLevel, "font driver host\\umfd-3",
     "umfd-3", "font driver host"},
    {"NT SERVICE\\MSSQLSERVER", kWellKnown, UserForm::kDownLevel, "nt service\\mssqlserver",
     "mssqlserver", "nt service"},
    {"IIS APPPOOL\\DefaultAppPool", kWellKnown, UserForm::kDownLevel, "iis apppool\\defaultapppool",
     "defaultapppool", "iis apppool"},
    {"BUILTIN\\Administrators", kWellKnown, UserForm::kDownLevel, "builtin\\administrators",
     "administrators", "builtin"},
    {"S-1-5-18", kWellKnown, UserForm::kSid, "S-1-5-18", "S-1-5-18", ""},
    {"S-1-5-19", kWellKnown, UserForm::kSid, "S-1-5-19", "S-1-5-19", ""},
    {"S-1-5-20", kWellKnown, UserForm::kSid, "S-1-5-20", "S-1-5-20", ""},
    {"S-1-5-7", kWellKnown, UserForm::kSid, "S-1-5-7", "S-1-5-7", ""},
    {"S-1-5-90-0-1", kWellKnown, UserForm::kSid, "S-1-5-90-0-1", "S-1-5-90-0-1", ""},
    {"S-1-5-96-0-0", kWellKnown, UserForm::kSid, "S-1-5-96-0-0", "S-1-5-96-0-0", ""},
    {"S-1-5-32-544", kWellKnown, UserForm::kSid, "S-1-5-32-544", "S-1-5-32-544", ""},
    {"S-1-1-0", kWellKnown, UserForm::kSid, "S-1-1-0", "S-1-1-0", ""},
    // Nobody.
    {"", kNobody, UserForm::kEmpty, "", "", ""},
    {"   ", kNobody, UserForm::kEmpty, "", "", ""},
    {"-", kNobody, UserForm::kEmpty, "", "", ""},
    {"\"-\"", kNobody, UserForm::kEmpty, "", "", ""},
    {"N/A", kNobody, UserForm::kEmpty, "", "", ""},
    {"pre-logon", kNobody, UserForm::kEmpty, "", "", ""},
    {"%%1793", kNobody, UserForm::kEmpty, "", "", ""},
    {"S-1-0-0", kNobody, UserForm::kEmpty, "", "", ""},
    {"GHTEX\\-", kNobody, UserForm::kEmpty, "", "", ""},
    {"GHTEX\\", kNobody, UserForm::kEmpty, "", "", ""},
    {"@ght-exemple.fr", kNobody, UserForm::kEmpty, "", "", ""},
    // Not SIDs: plain account names.
    {"S-1-", kUser, UserForm::kBare, "s-1-", "s-1-", ""},
    {"S-2-5-21", kUser, UserForm::kBare, "s-2-5-21", "s-2-5-21", ""},
    {"S-1-5-x", kUser, UserForm::kBare, "s-1-5-x", "s-1-5-x", ""},
    {"S-1-5-21-4294967296", kUser, UserForm::kBare, "s-1-5-21-4294967296", "s-1-5-21-4294967296",
     ""},
    {"S-1-5--21", kUser, UserForm::kBare, "s-1-5--21", "s-1-5--21", ""},
};

class UserFormTest : public ::testing::TestWithParam<FormCase> {};

TEST_P(UserFormTest, Canonicalises) {
  const FormCase& c = GetParam();
  std::string buffer = "stale content";
  const UserName n = canonicalize_user(c.raw, buffer);
  EXPECT_EQ(n.kind, c.kind) << to_string(n.kind);
  EXPECT_EQ(n.form, c.form) << to_string(n.form);
  EXPECT_EQ(n.canonical, c.canonical);
  EXPECT_EQ(n.account, c.account);
  EXPECT_EQ(n.domain, c.domain);
}

INSTANTIATE_TEST_SUITE_P(Forms, UserFormTest, ::testing::ValuesIn(kCases));

TEST(UserName, CaseInsensitiveLikeActiveDirectory) {
  std::string a, b;
  EXPECT_EQ(canonicalize_user("GHTEX\\MLeroy", a).canonical,
            canonicalize_user("ghtex\\mleroy", b).canonical);
  EXPECT_EQ(canonicalize_user("\xC3\x89lodie.MARTIN", a).canonical,
            canonicalize_user("\xC3\xA9LODIE.martin", b).canonical);
}

TEST(Sid, Grammar) {
  EXPECT_TRUE(is_sid("S-1-5-18"));
  EXPECT_TRUE(is_sid("S-1-5"));
  EXPECT_TRUE(is_sid("s-1-281474976710655-1"));  // the largest 48-bit authority
  EXPECT_FALSE(is_sid("S-1-281474976710656-1"));
  EXPECT_TRUE(is_sid("S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15"));  // 15 sub-authorities
  EXPECT_FALSE(is_sid("S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16"));
  EXPECT_FALSE(is_sid("S-1-5-"));
  EXPECT_FALSE(is_sid("S-1-5-21 "));
  EXPECT_FALSE(is_sid("S-1"));
  EXPECT_FALSE(is_sid(""));
}

TEST(UserName, ViewsPointIntoTheBuffer) {
  std::string buffer;
  const UserName n = canonicalize_user("GHTEX\\MLEROY", buffer);
  EXPECT_GE(n.account.data(), buffer.data());
  EXPECT_LE(n.account.data() + n.account.size(), buffer.data() + buffer.size());
}

}  // namespace
}  // namespace vigie::enrich
