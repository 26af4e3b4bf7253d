// Identity canonicalisation: from the user string a log carries to a canonical account name and
// a classification (person candidate, machine, well-known principal, nobody). docs/identity.md
// lists every form with examples; enrich/directory.h maps the result to a person.
//
// Lexical rules, in order:
//   1. Trim blanks (ASCII and U+00A0), then one pair of surrounding quotes ("..." or '...') or
//      angle brackets (<...>), then blanks again.
//   2. Case: Active Directory compares account and domain names case-insensitively; everything is
//      lower-cased with vigie::utf8::fold (simple lower-case mappings) except SIDs, written with
//      an upper-case "S".
//   3. Form: a SID ("S-1-<authority>-<sub>..." with 0 to 15 sub-authorities, decimal) is kSid;
//      else "DOMAIN\user" (split at the first '\') is kDownLevel; else "user@suffix" (split at
//      the last '@'; the suffix is a UPN suffix or a Kerberos realm) is kUpn; else kBare
//      (sAMAccountName, VPN or EHR login). "DOMAIN\" or "@suffix" with nothing on the user side
//      is nobody; "\user" and "user@" are kBare.
//   4. Kind:
//      - kNobody: "", "-", "n/a", "null", "(null)", "pre-logon" (GlobalProtect), "%%1793" (<value
//        not set>), the NULL SID S-1-0-0 and any empty user part.
//      - kWellKnown (a principal that is not a person): the accounts SYSTEM, LOCAL SERVICE,
//        NETWORK SERVICE, ANONYMOUS LOGON, IUSR, DWM-<n>, UMFD-<n> (bare or in any domain); any
//        account of the domains NT AUTHORITY, NT SERVICE, WINDOW MANAGER, FONT DRIVER HOST,
//        IIS APPPOOL, NT VIRTUAL MACHINE, BUILTIN; every SID other than S-1-0-0, S-1-5-21-*
//        and S-1-12-* (SYSTEM is S-1-5-18, LOCAL SERVICE S-1-5-19, NETWORK SERVICE S-1-5-20,
//        ANONYMOUS LOGON S-1-5-7, DWM-n S-1-5-90-0-n, UMFD-n S-1-5-96-0-n, BUILTIN S-1-5-32-*).
//      - kMachine: an account name ending in '$' (computer accounts, gMSA).
//      - kUser: everything else (a person, or a service account the directory may know),
//        including domain or local account SIDs S-1-5-21-* and Entra ID SIDs S-1-12-*; a SID
//        alone cannot tell a computer account from a user, so those are kUser too.
//
// Thread safety: pure functions. canonicalize_user() writes only into the caller's buffer and does
// not allocate once that buffer has grown to the longest input seen.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vigie::enrich {

enum class PrincipalKind : std::uint8_t { kNobody, kWellKnown, kMachine, kUser };
enum class UserForm : std::uint8_t { kEmpty, kSid, kDownLevel, kUpn, kBare };

std::string_view to_string(PrincipalKind kind);  // "nobody", "well-known", "machine", "user"
std::string_view to_string(UserForm form);       // "empty", "sid", "down-level", "upn", "bare"

// A canonicalised user string. Every view points into the buffer given to canonicalize_user()
// and is valid until that buffer changes.
struct UserName {
  PrincipalKind kind = PrincipalKind::kNobody;
  UserForm form = UserForm::kEmpty;
  // The whole canonical string, the key to compare and look up: "S-1-5-21-1-2-3-1104",
  // "ghtex\mleroy", "mleroy@ght-exemple.fr", "mleroy". Empty for kNobody.
  std::string_view canonical;
  std::string_view account;  // user part ("mleroy", "pc-urg-0123$"); the SID itself for kSid
  std::string_view domain;   // NetBIOS domain, UPN suffix or realm; empty for kBare and kSid
};

// Canonicalises `raw`; replaces the content of `buffer`, which the result points into.
UserName canonicalize_user(std::string_view raw, std::string& buffer);

// True if `s` is a SID as rule 3 above defines it (any case of the leading 'S').
bool is_sid(std::string_view s);

}  // namespace vigie::enrich
