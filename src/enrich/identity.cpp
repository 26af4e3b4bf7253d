#include "enrich/identity.h"

#include <algorithm>
#include <cstdint>
#include <span>

#include "common/utf8.h"

namespace vigie::enrich {
namespace {

constexpr std::string_view kNobodyNames[] = {"",     "-",      "n/a",       "null",   "(null)",
                                             "none", "%%1793", "pre-logon", "s-1-0-0"};
constexpr std::string_view kWellKnownAccounts[] = {
    "system",         "local service",   "localservice", "network service",
    "networkservice", "anonymous logon", "iusr"};
constexpr std::string_view kWellKnownDomains[] = {
    "nt authority", "nt service",         "window manager", "font driver host",
    "iis apppool",  "nt virtual machine", "builtin"};

bool is_blank_at(std::string_view s, std::size_t i, std::size_t& len) {
  const char c = s[i];
  if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
    len = 1;
    return true;
  }
  if (s.substr(i, 2) == "\xC2\xA0") {
    len = 2;
    return true;
  }
  return false;
}

std::string_view trim(std::string_view s) {
  std::size_t len = 0;
  while (!s.empty() && is_blank_at(s, 0, len)) s.remove_prefix(len);
  while (!s.empty()) {
    if (is_blank_at(s, s.size() - 1, len)) {
      s.remove_suffix(1);
    } else if (s.size() >= 2 && is_blank_at(s, s.size() - 2, len) && len == 2) {
      s.remove_suffix(2);
    } else {
      break;
    }
  }
  return s;
}

std::string_view strip_enclosing(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 &&
      ((s.front() == '"' && s.back() == '"') || (s.front() == '\'' && s.back() == '\'') ||
       (s.front() == '<' && s.back() == '>'))) {
    s = trim(s.substr(1, s.size() - 2));
  }
  return s;
}

bool contains(std::span<const std::string_view> set, std::string_view s) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

// "dwm-3", "umfd-0": the per-session window manager and font driver accounts.
bool is_session_account(std::string_view a) {
  for (std::string_view prefix : {std::string_view("dwm-"), std::string_view("umfd-")}) {
    if (a.size() > prefix.size() && a.substr(0, prefix.size()) == prefix &&
        std::all_of(a.begin() + static_cast<std::ptrdiff_t>(prefix.size()), a.end(),
                    [](char c) { return c >= '0' && c <= '9'; })) {
      return true;
    }
  }
  return false;
}

// Reads a decimal number of at most `max_digits` digits at s[i]; false if there is none.
bool read_number(std::string_view s, std::size_t& i, std::size_t max_digits, std::uint64_t limit,
                 std::uint64_t& value) {
  const std::size_t start = i;
  value = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    if (i - start == max_digits) return false;
    value = value * 10 + static_cast<std::uint64_t>(s[i] - '0');
    ++i;
  }
  return i > start && value <= limit;
}

PrincipalKind classify_sid(std::string_view sid) {
  // Past "S-1-": the authority, then the first sub-authority.
  std::size_t i = 4;
  std::uint64_t authority = 0;
  std::uint64_t first = 0;
  (void)read_number(sid, i, 15, (std::uint64_t{1} << 48) - 1, authority);
  const bool has_sub = i < sid.size();
  if (has_sub) {
    ++i;
    (void)read_number(sid, i, 10, 0xFFFFFFFFu, first);
  }
  if (authority == 0 && has_sub && first == 0 && i == sid.size()) return PrincipalKind::kNobody;
  if ((authority == 5 && has_sub && first == 21) || authority == 12) return PrincipalKind::kUser;
  return PrincipalKind::kWellKnown;
}

PrincipalKind classify_account(std::string_view domain, std::string_view account) {
  if (contains(kNobodyNames, account)) return PrincipalKind::kNobody;
  if (contains(kWellKnownDomains, domain) || contains(kWellKnownAccounts, account) ||
      is_session_account(account)) {
    return PrincipalKind::kWellKnown;
  }
  if (account.back() == '$') return PrincipalKind::kMachine;
  return PrincipalKind::kUser;
}

}  // namespace

std::string_view to_string(PrincipalKind kind) {
  static constexpr std::string_view kNames[] = {"nobody", "well-known", "machine", "user"};
  return kNames[static_cast<std::size_t>(kind)];
}

std::string_view to_string(UserForm form) {
  static constexpr std::string_view kNames[] = {"empty", "sid", "down-level", "upn", "bare"};
  return kNames[static_cast<std::size_t>(form)];
}

bool is_sid(std::string_view s) {
  if (s.size() < 5 || (s[0] != 'S' && s[0] != 's') || s.substr(1, 3) != "-1-") return false;
  std::size_t i = 4;
  std::uint64_t v = 0;
  if (!read_number(s, i, 15, (std::uint64_t{1} << 48) - 1, v)) return false;
  for (int subs = 0; i < s.size(); ++subs) {
    if (subs == 15 || s[i] != '-') return false;
    ++i;
    if (!read_number(s, i, 10, 0xFFFFFFFFu, v)) return false;
  }
  return true;
}

UserName canonicalize_user(std::string_view raw, std::string& buffer) {
  utf8::fold(strip_enclosing(raw), buffer);
  const std::string_view text(buffer);
  UserName out;
  if (contains(kNobodyNames, text)) return out;

  if (is_sid(text)) {
    buffer[0] = 'S';
    out.form = UserForm::kSid;
    out.canonical = out.account = text;
    out.kind = classify_sid(text);
    if (out.kind == PrincipalKind::kNobody) out = UserName{};
    return out;
  }

  std::string_view domain;
  std::string_view account = text;
  UserForm form = UserForm::kBare;
  if (const std::size_t slash = text.find('\\'); slash != std::string_view::npos) {
    domain = text.substr(0, slash);
    account = text.substr(slash + 1);
    form = UserForm::kDownLevel;
  } else if (const std::size_t at = text.rfind('@'); at != std::string_view::npos) {
    account = text.substr(0, at);
    domain = text.substr(at + 1);
    form = UserForm::kUpn;
  }
  if (account.empty()) return out;
  if (domain.empty()) form = UserForm::kBare;
  out.form = form;
  out.canonical = form == UserForm::kBare ? account : text;
  out.account = account;
  out.domain = domain;
  out.kind = classify_account(domain, account);
  if (out.kind == PrincipalKind::kNobody) out = UserName{};
  return out;
}

}  // namespace vigie::enrich
