#include "match/sigma_string.h"

#include <array>
#include <utility>

namespace vigie::match {
namespace {

using PartKind = SigmaString::PartKind;

// Appends keeping the normal form: literals merge, consecutive `*` collapse, no empty literal.
void push_literal(std::vector<SigmaString::Part>& parts, std::string_view text) {
  if (text.empty()) return;
  if (!parts.empty() && parts.back().kind == PartKind::kLiteral) {
    parts.back().text.append(text);
    return;
  }
  parts.push_back({PartKind::kLiteral, std::string(text)});
}

void push_wildcard(std::vector<SigmaString::Part>& parts, PartKind kind) {
  if (kind == PartKind::kAnyRun && !parts.empty() && parts.back().kind == PartKind::kAnyRun) {
    return;
  }
  parts.push_back({kind, {}});
}

bool is_word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The five replacements, in pySigma's order.
constexpr std::array<std::string_view, 5> kDashes = {"-", "/", "\xE2\x80\x93", "\xE2\x80\x94",
                                                     "\xE2\x80\x95"};

}  // namespace

SigmaString SigmaString::parse(std::string_view raw) {
  SigmaString s;
  std::string lit;
  auto flush = [&] {
    push_literal(s.parts, lit);
    lit.clear();
  };
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\\') {
      if (i + 1 < raw.size() && (raw[i + 1] == '*' || raw[i + 1] == '?' || raw[i + 1] == '\\')) {
        lit.push_back(raw[i + 1]);
        ++i;
      } else {
        // Not an escape: the backslash itself is literal and the next character is read as usual.
        lit.push_back('\\');
      }
    } else if (c == '*' || c == '?') {
      flush();
      push_wildcard(s.parts, c == '*' ? PartKind::kAnyRun : PartKind::kAnyOne);
    } else {
      lit.push_back(c);
    }
  }
  flush();
  return s;
}

SigmaString SigmaString::literal(std::string_view text) {
  SigmaString s;
  push_literal(s.parts, text);
  return s;
}

bool SigmaString::has_wildcards() const {
  for (const Part& p : parts) {
    if (p.kind != PartKind::kLiteral) return true;
  }
  return false;
}

std::string SigmaString::plain() const {
  std::string out;
  for (const Part& p : parts) {
    if (p.kind == PartKind::kLiteral) out += p.text;
  }
  return out;
}

std::string SigmaString::to_display() const {
  std::string out;
  for (const Part& p : parts) {
    switch (p.kind) {
      case PartKind::kAnyRun:
        out.push_back('*');
        break;
      case PartKind::kAnyOne:
        out.push_back('?');
        break;
      case PartKind::kLiteral:
        for (const char c : p.text) {
          if (c == '*' || c == '?' || c == '\\') out.push_back('\\');
          out.push_back(c);
        }
        break;
    }
  }
  return out;
}

SigmaString& SigmaString::prepend_any() {
  if (parts.empty() || parts.front().kind != PartKind::kAnyRun) {
    parts.insert(parts.begin(), Part{PartKind::kAnyRun, {}});
  }
  return *this;
}

SigmaString& SigmaString::append_any() {
  push_wildcard(parts, PartKind::kAnyRun);
  return *this;
}

std::string_view SigmaString::longest_literal() const {
  std::string_view best;
  for (const Part& p : parts) {
    if (p.kind == PartKind::kLiteral && p.text.size() > best.size()) best = p.text;
  }
  return best;
}

std::optional<std::vector<SigmaString>> windash_variants(const SigmaString& s,
                                                         std::size_t max_variants) {
  // Positions to expand, as (part index, byte offset), in string order.
  std::vector<std::pair<std::size_t, std::size_t>> positions;
  for (std::size_t pi = 0; pi < s.parts.size(); ++pi) {
    const SigmaString::Part& part = s.parts[pi];
    if (part.kind != PartKind::kLiteral) continue;
    const std::string& t = part.text;
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (t[i] != '-' && t[i] != '/') continue;
      const bool boundary_before = i == 0 || !is_word_byte(static_cast<unsigned char>(t[i - 1]));
      const bool word_after =
          i + 1 < t.size() && is_word_byte(static_cast<unsigned char>(t[i + 1]));
      if (boundary_before && word_after) positions.emplace_back(pi, i);
    }
  }

  std::size_t total = 1;
  for (std::size_t k = 0; k < positions.size(); ++k) {
    if (total > max_variants / kDashes.size()) return std::nullopt;
    total *= kDashes.size();
  }
  if (total > max_variants) return std::nullopt;

  // Per position, the choices start with the original character so that variant 0 is `s`.
  std::vector<std::array<std::string_view, 5>> choices(positions.size());
  for (std::size_t k = 0; k < positions.size(); ++k) {
    const char orig = s.parts[positions[k].first].text[positions[k].second];
    choices[k] = kDashes;
    if (orig == '/') std::swap(choices[k][0], choices[k][1]);
  }

  std::vector<SigmaString> out;
  out.reserve(total);
  std::vector<std::size_t> digit(positions.size(), 0);
  for (std::size_t v = 0; v < total; ++v) {
    SigmaString variant;
    variant.parts.reserve(s.parts.size());
    std::size_t k = 0;
    for (std::size_t pi = 0; pi < s.parts.size(); ++pi) {
      const SigmaString::Part& part = s.parts[pi];
      if (part.kind != PartKind::kLiteral) {
        variant.parts.push_back(part);
        continue;
      }
      std::string text;
      text.reserve(part.text.size() + 2 * positions.size());
      std::size_t from = 0;
      while (k < positions.size() && positions[k].first == pi) {
        const std::size_t at = positions[k].second;
        text.append(part.text, from, at - from);
        text.append(choices[k][digit[k]]);
        from = at + 1;
        ++k;
      }
      text.append(part.text, from, std::string::npos);
      variant.parts.push_back({PartKind::kLiteral, std::move(text)});
    }
    out.push_back(std::move(variant));
    // Odometer increment, last position fastest.
    for (std::size_t d = positions.size(); d-- > 0;) {
      if (++digit[d] < kDashes.size()) break;
      digit[d] = 0;
    }
  }
  return out;
}

}  // namespace vigie::match
