#include "match/glob.h"

#include <utility>

#include "common/utf8.h"

namespace vigie::match {
namespace {

using PartKind = SigmaString::PartKind;

}  // namespace

Glob Glob::compile(const SigmaString& s, bool case_insensitive) {
  Glob g;
  g.case_insensitive_ = case_insensitive;
  g.tokens_.reserve(s.parts.size());
  for (const SigmaString::Part& p : s.parts) {
    Token t{p.kind, {}};
    if (p.kind == PartKind::kLiteral) {
      if (case_insensitive) {
        utf8::fold(p.text, t.text);
      } else {
        t.text = p.text;
      }
    }
    // SigmaString::parse already normalises, but a hand-built SigmaString may not be: merge here
    // so the fast-path shapes and the matcher can rely on the normal form.
    if (!g.tokens_.empty() && g.tokens_.back().kind == t.kind && t.kind != PartKind::kAnyOne) {
      g.tokens_.back().text += t.text;
      continue;
    }
    if (t.kind == PartKind::kLiteral && t.text.empty()) continue;
    g.tokens_.push_back(std::move(t));
  }

  auto is = [&](std::size_t i, PartKind k) { return g.tokens_[i].kind == k; };
  const std::size_t n = g.tokens_.size();
  if (n == 0) {
    g.kind_ = Kind::kExact;
  } else if (n == 1 && is(0, PartKind::kLiteral)) {
    g.kind_ = Kind::kExact;
    g.literal_ = std::move(g.tokens_[0].text);
  } else if (n == 1 && is(0, PartKind::kAnyRun)) {
    g.kind_ = Kind::kAny;
  } else if (n == 2 && is(0, PartKind::kLiteral) && is(1, PartKind::kAnyRun)) {
    g.kind_ = Kind::kPrefix;
    g.literal_ = std::move(g.tokens_[0].text);
  } else if (n == 2 && is(0, PartKind::kAnyRun) && is(1, PartKind::kLiteral)) {
    g.kind_ = Kind::kSuffix;
    g.literal_ = std::move(g.tokens_[1].text);
  } else if (n == 3 && is(0, PartKind::kAnyRun) && is(1, PartKind::kLiteral) &&
             is(2, PartKind::kAnyRun)) {
    g.kind_ = Kind::kInfix;
    g.literal_ = std::move(g.tokens_[1].text);
  } else {
    g.kind_ = Kind::kGeneral;
    return g;
  }
  g.tokens_.clear();
  g.tokens_.shrink_to_fit();
  return g;
}

bool Glob::match(std::string_view value) const {
  switch (kind_) {
    case Kind::kExact:
      return value == literal_;
    case Kind::kPrefix:
      return value.starts_with(literal_);
    case Kind::kSuffix:
      return value.ends_with(literal_);
    case Kind::kInfix:
      return value.find(literal_) != std::string_view::npos;
    case Kind::kAny:
      return true;
    case Kind::kGeneral:
      return match_general(value);
  }
  return false;
}

// Greedy matching with backtracking to the most recent `*` only. Backtracking further is never
// needed: whatever an earlier star could absorb, the later star can absorb too. Each star start
// position only moves forward, hence O(len(value) * len(pattern)).
bool Glob::match_general(std::string_view v) const {
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  const std::size_t n = v.size();
  const std::size_t count = tokens_.size();
  std::size_t i = 0;
  std::size_t t = 0;
  std::size_t star_t = kNone;
  std::size_t star_i = 0;

  // After a star at star_t, the next token can only start where its literal occurs: jump there.
  auto seek = [&](std::size_t from) -> bool {
    const Token& next = tokens_[star_t + 1];
    if (next.kind != PartKind::kLiteral) {
      star_i = from;
      return true;
    }
    const std::size_t pos = v.find(next.text, from);
    if (pos == std::string_view::npos) return false;
    star_i = pos;
    return true;
  };

  while (true) {
    if (t < count) {
      const Token& tok = tokens_[t];
      if (tok.kind == PartKind::kAnyRun) {
        star_t = t;
        if (t + 1 == count) return true;  // a trailing star absorbs the rest
        if (!seek(i)) return false;
        i = star_i;
        t = star_t + 1;
        continue;
      }
      // Every other token needs at least one byte; once the value is exhausted no longer star
      // absorption can help either (the tokens since the star would only end later).
      if (i >= n) return false;
      if (tok.kind == PartKind::kAnyOne) {
        i += utf8::char_length_at(v, i);
        ++t;
        continue;
      }
      if (v.substr(i).starts_with(tok.text)) {
        i += tok.text.size();
        ++t;
        continue;
      }
    } else if (i == n) {
      return true;
    }
    // Mismatch (or pattern exhausted before the value): let the last star absorb one more
    // character, in code points so that `?` never starts inside a multibyte character.
    if (star_t == kNone || star_i >= n) return false;
    if (!seek(star_i + utf8::char_length_at(v, star_i))) return false;
    i = star_i;
    t = star_t + 1;
  }
}

}  // namespace vigie::match
