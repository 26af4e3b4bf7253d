// libFuzzer target for the staff directory parser (enrich/directory.h): CSV and JSON-lines text
// of any shape. The first byte picks the options (small or large line limit, with or without a
// pseudonymiser); the rest is the file. Checks the contract, not just absence of crashes:
//   - a built directory has only well-formed entries: a person id "sid:..." or "emp:...", an
//     interval with from < to, a line inside the file, tokens that are empty or pt1 tokens;
//   - every diagnostic has a known code, a line inside the file and a printable message;
//   - parsing is deterministic (the same input twice gives the same entries and diagnostics);
//   - resolve() answers agree with the entries: a resolved row is valid at that time, an
//     out-of-validity row is not, a non-person string never resolves.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "enrich/directory.h"
#include "enrich/pseudonym.h"

namespace {

using vigie::enrich::Diagnostic;
using vigie::enrich::Directory;
using vigie::enrich::DirectoryEntry;
using vigie::enrich::DirectoryOptions;
using vigie::enrich::Outcome;
using vigie::enrich::PrincipalKind;
using vigie::enrich::Pseudonymiser;
using vigie::enrich::Resolution;
using vigie::enrich::SecretKey;
using vigie::enrich::Source;

const Pseudonymiser& pseudonymiser() {
  static const std::unique_ptr<Pseudonymiser> kPseudonymiser = [] {
    std::array<unsigned char, 32> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<unsigned char>(i);
    const SecretKey key = std::move(SecretKey::from_bytes(bytes)).value();
    return std::move(Pseudonymiser::create("FUZZ", key)).value();
  }();
  return *kPseudonymiser;
}

bool known_code(std::string_view code) {
  for (std::string_view k : {"column-count",
                             "unterminated-quote",
                             "stray-quote",
                             "line-too-long",
                             "invalid-utf8",
                             "invalid-json",
                             "empty",
                             "oversized",
                             "too-deep",
                             "not-an-object",
                             "out-of-memory",
                             "not-a-string",
                             "invalid-sid",
                             "invalid-account",
                             "invalid-date",
                             "empty-validity",
                             "no-person-key",
                             "unknown-column",
                             "invalid-personal-value",
                             "no-pseudonymiser",
                             "conflicting-mapping",
                             "too-many-diagnostics"}) {
    if (code == k) return true;
  }
  return false;
}

bool token_or_empty(const std::string& t) {
  return t.empty() || vigie::enrich::token_kind(t).has_value();
}

void check_entry(const DirectoryEntry& e, std::int64_t lines) {
  const std::string_view id = e.person_id;
  if (id.substr(0, 4) != "sid:" && id.substr(0, 4) != "emp:") std::abort();
  if (id.size() == 4) std::abort();
  if (!(e.valid_from_ms < e.valid_to_ms)) std::abort();
  if (e.line < 1 || e.line > lines) std::abort();
  if (!token_or_empty(e.nir_token) || !token_or_empty(e.birth_token) ||
      !token_or_empty(e.family_token) || !token_or_empty(e.name_token)) {
    std::abort();
  }
}

void check_diagnostic(const Diagnostic& d, std::int64_t lines) {
  if (!known_code(d.code)) std::abort();
  if (d.line < 0 || d.line > lines) std::abort();
  for (char c : d.message) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) {
      std::abort();  // messages are built from fixed English text and numbers only
    }
  }
}

void check_resolution(const Resolution& r, std::int64_t at_ms) {
  switch (r.outcome) {
    case Outcome::kResolved:
      if (r.entry == nullptr || !r.entry->valid_at(at_ms)) std::abort();
      break;
    case Outcome::kOutsideValidity:
      if (r.entry == nullptr || r.entry->valid_at(at_ms)) std::abort();
      break;
    case Outcome::kAmbiguous:
      if (r.entry == nullptr) std::abort();
      break;
    case Outcome::kNotAPerson:
      if (r.principal == PrincipalKind::kUser || r.entry != nullptr) std::abort();
      break;
    case Outcome::kUnknown:
      if (r.entry != nullptr) std::abort();
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  DirectoryOptions options;
  options.max_line_bytes = (mode & 1) != 0 ? 64 : 4096;
  options.max_diagnostics = (mode & 2) != 0 ? 3 : 1000;
  const Pseudonymiser* p = (mode & 4) != 0 ? nullptr : &pseudonymiser();

  std::int64_t lines = 1;
  for (char c : text) lines += c == '\n';

  std::vector<Diagnostic> diags;
  auto result = Directory::parse(text, "fuzz", p, diags, options);
  for (const Diagnostic& d : diags) check_diagnostic(d, lines);
  std::vector<Diagnostic> again;
  auto second = Directory::parse(text, "fuzz", p, again, options);
  if (result.ok() != second.ok() || diags.size() != again.size()) std::abort();
  for (std::size_t i = 0; i < diags.size(); ++i) {
    if (diags[i].to_string() != again[i].to_string()) std::abort();
  }
  if (!result.ok()) {
    if (result.status().code() != second.status().code()) std::abort();
    return 0;
  }
  const Directory& dir = **result;
  if (dir.entries().size() != (*second)->entries().size()) std::abort();
  for (const DirectoryEntry& e : dir.entries()) check_entry(e, lines);

  // Resolve every field of the first few lines, split at the usual delimiters, at a few times.
  std::string scratch;
  std::size_t probes = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size() && probes < 64; ++i) {
    if (i < text.size() && text[i] != ',' && text[i] != ';' && text[i] != '\t' && text[i] != '\n' &&
        text[i] != '"') {
      continue;
    }
    const std::string_view field = text.substr(start, i - start);
    start = i + 1;
    ++probes;
    for (std::int64_t at_ms : {std::int64_t{0}, std::int64_t{1'704'067'200'000}}) {
      for (Source source : {Source::kAd, Source::kVpn, Source::kEhr}) {
        check_resolution(dir.resolve(source, field, at_ms, scratch), at_ms);
      }
      check_resolution(dir.resolve_employee(field, at_ms, scratch), at_ms);
    }
  }
  return 0;
}
