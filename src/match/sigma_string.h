// SigmaString: a Sigma string value split into literal text and wildcards, plus the windash
// expansion.
//
// Parsing rules (SIGMA.md, pySigma-compatible):
//   `*`  any run of characters, possibly empty, spanning newlines   -> PartKind::kAnyRun
//   `?`  exactly one character (one UTF-8 code point)               -> PartKind::kAnyOne
//   `\*` `\?` `\\`  a literal `*`, `?`, `\`
//   `\` before any other character, or a trailing lone `\`: a literal backslash (the following
//   character is then read normally, so `\\*` is a literal backslash followed by a wildcard and
//   `\a*` is `\a` followed by a wildcard).
// Normal form: adjacent literal parts are merged, runs of consecutive `*` collapse into one
// kAnyRun, and an empty literal part never appears (the empty string has no parts). Two strings
// that match the same values under these rules therefore compare equal part by part.
//
// Values, not views: a SigmaString owns its text. Thread safety: none needed (plain value type).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::match {

struct SigmaString {
  enum class PartKind { kLiteral, kAnyRun, kAnyOne };
  struct Part {
    PartKind kind = PartKind::kLiteral;
    std::string text;  // only for kLiteral; empty for the wildcards
    bool operator==(const Part&) const = default;
  };

  std::vector<Part> parts;

  // Parses a raw rule value with wildcard and escape handling (rules above). Never fails.
  static SigmaString parse(std::string_view raw);
  // A value without any wildcard: every byte is literal (outputs of re, base64, utf16, ...).
  static SigmaString literal(std::string_view text);

  bool has_wildcards() const;
  // Concatenation of the literal parts. Only meaningful when !has_wildcards().
  std::string plain() const;
  // The value re-escaped in Sigma syntax (`*`, `?` for wildcards; `\*`, `\?`, `\\` for literal
  // ones), such that parse(s.to_display()) == s. For diagnostics; callers must still not print
  // field values from events with it.
  std::string to_display() const;
  // Adds a leading / trailing kAnyRun unless one is already there (contains, startswith, endswith).
  SigmaString& prepend_any();
  SigmaString& append_any();
  // The longest literal part (the first one on ties), as a view into this object; empty if there
  // is none. Invalidated by any change to `parts`.
  std::string_view longest_literal() const;

  bool operator==(const SigmaString&) const = default;
};

// The windash expansion (pySigma's `\B[-/]\b` on each literal part): every `-` or `/` that is
// preceded by the start of its literal part or by a non-word byte, and followed by a word byte
// [A-Za-z0-9_], is replaced by each of '-', '/', U+2013, U+2014, U+2015. The result is the
// cartesian product over those positions; the first variant is the original string itself, and no
// two variants are equal. Wildcard parts are kept, and the start or end of a literal part counts
// as a string boundary (as in pySigma, which matches each plain part separately). "Word" is ASCII
// only: a non-ASCII letter before the dash counts as a non-word byte (pySigma's Unicode `\b` would
// treat it as a word character; SigmaHQ windash values are ASCII).
//
// Returns std::nullopt when the number of variants (5^positions) would exceed `max_variants`; a
// string without such positions yields exactly one variant.
std::optional<std::vector<SigmaString>> windash_variants(const SigmaString& s,
                                                         std::size_t max_variants = 1024);

}  // namespace vigie::match
