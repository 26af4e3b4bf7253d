// The staff directory of one tenant: maps the identifiers a person uses (AD account, SID, UPN,
// EHR login, VPN username, employee id) to one canonical person, honouring each mapping's
// validity interval at the event's time. docs/identity.md documents the file format with an
// example under docs/examples/identity/.
//
// File format: CSV (RFC 4180 quoting, ',' ';' or TAB as detected on the header) or JSON lines
// (one flat object per line), chosen by the first line that is neither blank nor a '#' comment:
// '{' means JSON lines. A UTF-8 byte order mark is skipped; records are single lines (CR LF or LF).
// CSV needs a header row naming the columns; JSON lines name them in each object. Columns (names
// compared case-insensitively, ' ' and '-' read as '_'; aliases in parentheses):
//
//   ad_account   (samaccountname)      sAMAccountName, bare or DOMAIN\user
//   sid          (objectsid)           account SID S-1-5-21-... or S-1-12-...
//   upn          (userprincipalname)   user@suffix
//   ehr_login    (dpi_login)           login in the EHR (DPI)
//   vpn_user     (vpn_username)        username on the VPN gateways, as they log it
//   employee_id  (employeeid, matricule)  HR id
//   unit         (uf)                  functional unit code
//   valid_from, valid_to               ISO 8601 date or timestamp (vigie::parse_timestamp_ms);
//                                      empty = open. A date alone is midnight UTC; valid_to as a
//                                      date alone includes that whole day. [from, to) in time.
//   nir (ins), birth_date, family_name, given_name
//                                      the staff member's own personal identifiers: never kept in
//                                      clear, pseudonymised at load (enrich/pseudonym.h) into
//                                      nir_token, birth_token, family_token and name_token (the
//                                      last from given_name + family_name).
//
// The header must name sid or employee_id. Other columns are ignored (a warning names their
// position, never their text: a file without a header would otherwise echo a row of data).
//
// Person id: "sid:<SID>" when the row has a SID, else "emp:<employee id>"; a row with neither is
// skipped. Two accounts of one employee (mleroy and adm-mleroy) are two person ids with the same
// employee_id: rules that need "the same human" compare DirectoryEntry::employee_id.
//
// Diagnostics: every malformed row is reported with file:line and a stable code, and skipped;
// loading never stops at the first one. Codes: errors (row skipped) "column-count",
// "unterminated-quote", "stray-quote", "line-too-long", "invalid-utf8", "invalid-json" and the
// other codes of vigie::event::JsonReader, "not-a-string", "invalid-sid", "invalid-account",
// "invalid-date", "empty-validity", "no-person-key"; warnings (row kept) "unknown-column",
// "invalid-personal-value" (its token left empty), "no-pseudonymiser" (personal columns dropped),
// "conflicting-mapping" (one identifier, two persons, overlapping validity: lookups at those times
// are ambiguous), "too-many-diagnostics". A message never contains a value read from the file.
// Whole-file errors (a Status, nothing built): "directory-unreadable", "directory-too-large",
// "no-header", "no-key-column", "duplicate-column", "no-valid-rows" (rows but none usable: a
// reload keeps the previous directory).
//
// Thread safety: a Directory is immutable once built; resolve() may be called from any number of
// threads. DirectorySlot swaps a new Directory in atomically: readers keep the snapshot they took
// (a shared_ptr) and never wait for a load.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "enrich/identity.h"

namespace vigie::enrich {

class Pseudonymiser;

// Where a raw user string was read: the EHR and VPN logins are looked up in their own column first.
enum class Source : std::uint8_t { kAd, kVpn, kEhr };

enum class Outcome : std::uint8_t {
  kResolved,         // one person at that time
  kNotAPerson,       // nobody, a well-known principal or a machine (see Resolution::principal)
  kUnknown,          // no row maps this identifier
  kOutsideValidity,  // rows map it, none at that time (a leaver, a future hire): `entry` is the
                     // row whose validity is nearest to that time
  kAmbiguous,        // rows of two persons map it at that time
};

// Which identifier resolved, strongest first. kAccount means the account name matched without its
// domain part being checked (no domain alias table): the weakest evidence.
enum class ResolvedVia : std::uint8_t {
  kNone,
  kSid,
  kUpn,
  kDownLevel,
  kVpnUser,
  kEhrLogin,
  kEmployeeId,
  kAccount,
};

std::string_view to_string(Outcome outcome);
std::string_view to_string(ResolvedVia via);

struct DirectoryEntry {
  std::string person_id;  // "sid:S-1-5-21-..." or "emp:<employee id>"
  // Canonical forms (enrich/identity.h); empty when the row has none.
  std::string sid;
  std::string ad_account;
  std::string upn;
  std::string ehr_login;
  std::string vpn_user;
  std::string employee_id;  // trimmed, lower-cased
  std::string unit;         // trimmed, as written
  std::int64_t valid_from_ms = std::numeric_limits<std::int64_t>::min();
  std::int64_t valid_to_ms = std::numeric_limits<std::int64_t>::max();  // exclusive
  // Tokens of the staff member's own identifiers (pt1:...), empty when absent or invalid.
  std::string nir_token;
  std::string birth_token;
  std::string family_token;
  std::string name_token;
  std::int64_t line = 0;  // line in the directory file

  bool valid_at(std::int64_t ms) const { return ms >= valid_from_ms && ms < valid_to_ms; }
};

struct Resolution {
  Outcome outcome = Outcome::kUnknown;
  PrincipalKind principal = PrincipalKind::kNobody;  // of the raw string
  ResolvedVia via = ResolvedVia::kNone;
  // kResolved, kAmbiguous (one of the rows) and kOutsideValidity: a row of the Directory, valid
  // while the caller holds the Directory; else nullptr.
  const DirectoryEntry* entry = nullptr;
};

enum class Severity : std::uint8_t { kWarning, kError };

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string code;
  std::string file;
  std::int64_t line = 0;  // 0: the whole file
  std::string message;
  // "file:line: error: message [code]" (gcc style).
  std::string to_string() const;
};

struct DirectoryOptions {
  std::size_t max_file_bytes = std::size_t{256} << 20;
  std::size_t max_line_bytes = std::size_t{1} << 16;
  std::size_t max_diagnostics = 1000;  // then one "too-many-diagnostics" warning
};

class Directory {
 public:
  // Builds a directory from a file's text; `file` names it in diagnostics. Row problems are
  // appended to `diagnostics`; a whole-file problem is the returned Status. `pseudonymiser` may be
  // null: personal columns are then dropped with a warning.
  static Result<std::shared_ptr<const Directory>> parse(std::string_view text,
                                                        std::string_view file,
                                                        const Pseudonymiser* pseudonymiser,
                                                        std::vector<Diagnostic>& diagnostics,
                                                        const DirectoryOptions& options = {});
  // Reads `path` (at most options.max_file_bytes), then parse(). The copy of the file in memory is
  // wiped afterwards (it holds the personal columns in clear).
  static Result<std::shared_ptr<const Directory>> load(const std::string& path,
                                                       const Pseudonymiser* pseudonymiser,
                                                       std::vector<Diagnostic>& diagnostics,
                                                       const DirectoryOptions& options = {});
  // A directory without rows (what a DirectorySlot holds before the first load).
  static std::shared_ptr<const Directory> empty();

  // Resolves a raw user string (enrich/identity.h) read from `source` at event time `at_ms`.
  // Order: SID; for kVpn/kEhr the vpn_user/ehr_login column; UPN or DOMAIN\user; then the bare
  // account name. `scratch` is a buffer the caller reuses (no allocation once warm).
  Resolution resolve(Source source, std::string_view raw_user, std::int64_t at_ms,
                     std::string& scratch) const;
  // Resolves an HR employee id to the first row (in file order) of that employee valid at that
  // time; rows of one employee with different person ids are not "ambiguous".
  Resolution resolve_employee(std::string_view employee_id, std::int64_t at_ms,
                              std::string& scratch) const;

  const std::vector<DirectoryEntry>& entries() const { return entries_; }
  std::size_t rows_skipped() const { return rows_skipped_; }

  // Public for std::make_shared; build with parse() or load().
  Directory() = default;

 private:
  friend class DirectoryBuilder;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Index = std::unordered_map<std::string, std::vector<std::uint32_t>, Hash, std::equal_to<>>;
  Resolution find(const Index& index, std::string_view key, std::int64_t at_ms,
                  ResolvedVia via) const;

  std::vector<DirectoryEntry> entries_;
  std::size_t rows_skipped_ = 0;
  Index by_sid_, by_upn_, by_down_level_, by_account_, by_vpn_, by_ehr_, by_employee_;
};

// The current directory of one tenant, replaced as a whole on reload.
class DirectorySlot {
 public:
  DirectorySlot() : current_(Directory::empty()) {}
  // The snapshot to resolve against; keep it for the whole event (never null).
  std::shared_ptr<const Directory> current() const { return current_.load(); }
  void replace(std::shared_ptr<const Directory> next);
  // Directory::load(), then replace() on success; on a whole-file error the current directory
  // stays and the Status says why.
  Status reload(const std::string& path, const Pseudonymiser* pseudonymiser,
                std::vector<Diagnostic>& diagnostics, const DirectoryOptions& options = {});
  // How many times the directory was replaced.
  std::uint64_t generation() const { return generation_.load(); }

 private:
  std::atomic<std::shared_ptr<const Directory>> current_;
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace vigie::enrich
