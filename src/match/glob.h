// Glob: whole-value matching of a Sigma string with wildcards (Sigma equality, and the
// contains / startswith / endswith forms once the caller has added the `*`).
//
// Semantics: `*` matches any run of bytes, including the empty one and newlines; `?` matches
// exactly one character, i.e. one well-formed UTF-8 sequence or one byte that is not part of one;
// literal parts match their bytes exactly. The whole value must match (no implicit `*`).
//
// Case-insensitive globs fold their literal parts with utf8::fold at compile time; match() then
// expects a value that the caller has ALREADY folded with utf8::fold (fold once per event value,
// not once per pattern). A case-sensitive glob compares bytes as they are.
//
// Cost: match() never allocates and is O(len(value) * len(pattern)) in the worst case (greedy
// star with backtracking to the last star only; no exponential blow-up). Common shapes take a
// fast path: `lit` (equality), `lit*` (prefix), `*lit` (suffix), `*lit*` (substring), `*`.
//
// Thread safety: a compiled Glob is immutable; match() may run concurrently.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "match/sigma_string.h"

namespace vigie::match {

class Glob {
 public:
  enum class Kind { kExact, kPrefix, kSuffix, kInfix, kAny, kGeneral };

  // A glob that matches only the empty value.
  Glob() = default;

  static Glob compile(const SigmaString& s, bool case_insensitive);

  bool match(std::string_view value) const;

  Kind kind() const { return kind_; }
  bool case_insensitive() const { return case_insensitive_; }

 private:
  struct Token {
    SigmaString::PartKind kind = SigmaString::PartKind::kLiteral;
    std::string text;  // folded when case-insensitive
  };

  bool match_general(std::string_view value) const;

  Kind kind_ = Kind::kExact;
  bool case_insensitive_ = false;
  std::string literal_;        // the literal of the fast-path kinds
  std::vector<Token> tokens_;  // kGeneral only
};

}  // namespace vigie::match
