#include "enrich/normalize.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "common/utf8.h"
#include "enrich/latin_base_table.h"

namespace vigie::enrich::detail {
namespace {

// Error Statuses name the kind and the rule, never the value (it is a patient identifier).
Status error(std::string code, IdKind kind, std::string_view what) {
  std::string message = "identifier of kind ";
  message += to_string(kind);
  message += ": ";
  message += what;
  return Status::error(std::move(code), std::move(message));
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ascii_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view trim_ascii(std::string_view s) {
  while (!s.empty() && is_ascii_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ascii_space(s.back())) s.remove_suffix(1);
  return s;
}

// Decodes the code point at s[i] of a string already checked with utf8::valid().
char32_t decode_at(std::string_view s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  const std::size_t len = utf8::codepoint_length(b);
  char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (std::size_t k = 1; k < len; ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += len;
  return cp;
}

class Writer {
 public:
  explicit Writer(NormalBuffer& out) : out_(out) { out_.size = 0; }
  bool put(char c) {
    if (out_.size == out_.data.size()) return false;
    out_.data[out_.size++] = c;
    return true;
  }
  bool put(std::string_view s) {
    for (char c : s) {
      if (!put(c)) return false;
    }
    return true;
  }
  bool put_codepoint(char32_t cp) {
    char buf[4];
    std::size_t n = 0;
    if (cp < 0x80) {
      buf[n++] = static_cast<char>(cp);
    } else if (cp < 0x800) {
      buf[n++] = static_cast<char>(0xC0 | (cp >> 6));
      buf[n++] = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      buf[n++] = static_cast<char>(0xE0 | (cp >> 12));
      buf[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      buf[n++] = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      buf[n++] = static_cast<char>(0xF0 | (cp >> 18));
      buf[n++] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      buf[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      buf[n++] = static_cast<char>(0x80 | (cp & 0x3F));
    }
    return put(std::string_view(buf, n));
  }

 private:
  NormalBuffer& out_;
};

// ---------------------------------------------------------------------------------------------
// Names

// Characters that vanish inside a word: combining diacritical marks (decomposed input), soft
// hyphen, zero-width space/joiners, byte order mark.
bool is_dropped(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || cp == 0x00AD || (cp >= 0x200B && cp <= 0x200D) ||
         cp == 0xFEFF;
}

// Characters that separate words, besides every ASCII character that is not a letter or a digit:
// C1 controls, no-break and typographic spaces, dashes, apostrophes, minus sign.
bool is_separator(char32_t cp) {
  if (cp < 0x80) return !is_ascii_alnum(static_cast<unsigned char>(cp));
  return (cp >= 0x80 && cp <= 0xA0) || cp == 0x00B4 || cp == 0x02BC ||
         (cp >= 0x2000 && cp <= 0x200A) || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2018 ||
         cp == 0x2019 || cp == 0x201B || cp == 0x202F || cp == 0x205F || cp == 0x2212 ||
         cp == 0x3000;
}

// The ASCII base letters of a precomposed Latin letter ("" when it has none).
std::string_view latin_base(char32_t cp) {
  constexpr std::size_t kLatinCount = sizeof kLatin / sizeof kLatin[0];
  constexpr std::size_t kAdditionalCount = sizeof kLatinAdditional / sizeof kLatinAdditional[0];
  if (cp >= kLatinFirst && cp - kLatinFirst < kLatinCount) return kLatin[cp - kLatinFirst];
  if (cp >= kLatinAdditionalFirst && cp - kLatinAdditionalFirst < kAdditionalCount) {
    return kLatinAdditional[cp - kLatinAdditionalFirst];
  }
  return {};
}

struct Word {
  std::uint16_t begin;
  std::uint16_t size;
};

// Writes the words of `raw` one after the other (no separator) into `scratch` and their spans into
// `words`; returns false on overflow.
bool split_name(std::string_view raw, NormalBuffer& scratch,
                std::array<Word, kMaxIdentifierBytes>& words, std::size_t& word_count) {
  Writer w(scratch);
  word_count = 0;
  bool in_word = false;
  std::size_t i = 0;
  while (i < raw.size()) {
    const char32_t cp = decode_at(raw, i);
    if (is_dropped(cp)) continue;
    if (is_separator(cp)) {
      in_word = false;
      continue;
    }
    if (!in_word) {
      words[word_count++] = Word{static_cast<std::uint16_t>(scratch.size), 0};
      in_word = true;
    }
    bool ok;
    if (cp < 0x80) {
      ok = w.put(static_cast<char>(utf8::kAsciiLower[cp]));
    } else if (std::string_view base = latin_base(cp); !base.empty()) {
      ok = w.put(base);
    } else {
      ok = w.put_codepoint(utf8::fold_codepoint(cp));
    }
    if (!ok) return false;
    words[word_count - 1].size =
        static_cast<std::uint16_t>(scratch.size - words[word_count - 1].begin);
  }
  return true;
}

Status normalize_name(IdKind kind, std::string_view raw, NormalBuffer& out) {
  NormalBuffer scratch;
  // The scratch copy holds the name too: wiped on the way out (best effort, as for the output).
  struct Wipe {
    NormalBuffer& b;
    ~Wipe() { OPENSSL_cleanse(b.data.data(), b.size); }
  } wipe{scratch};
  std::array<Word, kMaxIdentifierBytes> words;
  std::size_t count = 0;
  if (!split_name(raw, scratch, words, count)) return error("too-long", kind, "too long");
  if (count == 0) return error("empty", kind, "no letter or digit");
  const std::string_view text = scratch.view();
  auto word = [&](const Word& wd) { return text.substr(wd.begin, wd.size); };
  Writer w(out);
  bool ok = true;
  if (kind == IdKind::kFamilyName) {
    // "LE GALL", "Le-Gall" and "LEGALL" are one family name.
    for (std::size_t k = 0; k < count; ++k) ok = ok && w.put(word(words[k]));
  } else {
    // Sources disagree on the order ("LEROY Marc", "Marc Leroy"): the words are sorted.
    std::sort(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(count),
              [&](const Word& a, const Word& b) { return word(a) < word(b); });
    for (std::size_t k = 0; k < count; ++k) {
      if (k > 0) ok = ok && w.put(' ');
      ok = ok && w.put(word(words[k]));
    }
  }
  if (!ok) return error("too-long", kind, "too long");
  return Status::ok_status();
}

// ---------------------------------------------------------------------------------------------
// NIR / NIA (INS matricule)

Status normalize_nir(std::string_view raw, NormalBuffer& out) {
  const auto invalid = [] {
    return error("invalid-nir", IdKind::kNir,
                 "not a NIR/NIA (13 characters, or 15 with a correct key; 2A/2B for Corsica)");
  };
  char c15[15];
  std::size_t n = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (is_ascii_space(c) || c == '.' || c == '-') continue;
    // U+00A0 and U+202F: the spaces French typography puts between the NIR's groups.
    if (raw.substr(i, 2) == "\xC2\xA0") {
      ++i;
      continue;
    }
    if (raw.substr(i, 3) == "\xE2\x80\xAF") {
      i += 2;
      continue;
    }
    if (n == sizeof c15) return invalid();
    c15[n++] = (c == 'a' || c == 'b') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  if (n == 0) return error("empty", IdKind::kNir, "no character");
  if (n != 13 && n != 15) return invalid();
  // sex/category 1-8, year (2), month (2), department (2 digits or 2A/2B), commune (3), order (3).
  std::uint64_t number = 0;
  for (std::size_t i = 0; i < 13; ++i) {
    char c = c15[i];
    if (i == 6 && c15[5] == '2' && (c == 'A' || c == 'B')) {
      // The key of a Corsican NIR is computed with 2A -> 19 and 2B -> 18.
      number = (number - 2) * 10 + (c == 'A' ? 19 : 18);
      continue;
    }
    if (!is_digit(c)) return invalid();
    number = number * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (c15[0] < '1' || c15[0] > '8') return invalid();
  if (n == 15) {
    if (!is_digit(c15[13]) || !is_digit(c15[14])) return invalid();
    const int key = (c15[13] - '0') * 10 + (c15[14] - '0');
    if (static_cast<std::uint64_t>(key) != 97 - number % 97) return invalid();
  }
  Writer w(out);
  (void)w.put(std::string_view(c15, 13));
  return Status::ok_status();
}

// ---------------------------------------------------------------------------------------------
// Birth date

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool valid_date(int y, int m, int d) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  return d <= kDays[m - 1] + (m == 2 && is_leap(y) ? 1 : 0);
}

// Reads exactly `n` digits at s[pos].
bool digits(std::string_view s, std::size_t pos, std::size_t n, int& value) {
  if (pos + n > s.size()) return false;
  value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!is_digit(s[pos + i])) return false;
    value = value * 10 + (s[pos + i] - '0');
  }
  return true;
}

Status normalize_birth_date(std::string_view raw, NormalBuffer& out) {
  const std::string_view s = trim_ascii(raw);
  if (s.empty()) return error("empty", IdKind::kBirthDate, "no character");
  int y = 0, m = 0, d = 0;
  bool parsed = false;
  if (s.size() >= 10 && s[4] == '-' && s[7] == '-') {
    // ISO 8601 date, optionally followed by a time ("T..." or " ...") that is ignored.
    parsed = digits(s, 0, 4, y) && digits(s, 5, 2, m) && digits(s, 8, 2, d) &&
             (s.size() == 10 || s[10] == 'T' || s[10] == 't' || s[10] == ' ');
  } else if (s.size() >= 8 && digits(s, 0, 4, y) && digits(s, 4, 2, m) && digits(s, 6, 2, d)) {
    // HL7 v2 DT/DTM: YYYYMMDD[HHMM[SS[.S+]]][+/-ZZZZ]; the time is ignored.
    parsed = std::all_of(s.begin() + 8, s.end(),
                         [](char c) { return is_digit(c) || c == '.' || c == '+' || c == '-'; });
  } else {
    // French order: D/M/YYYY, DD-MM-YYYY, DD.MM.YYYY (one separator, used twice).
    const std::size_t p1 = s.find_first_of("/-.");
    if (p1 == 1 || p1 == 2) {
      const char sep = s[p1];
      const std::size_t p2 = s.find(sep, p1 + 1);
      parsed = (p2 == p1 + 2 || p2 == p1 + 3) && s.size() == p2 + 5 && digits(s, 0, p1, d) &&
               digits(s, p1 + 1, p2 - p1 - 1, m) && digits(s, p2 + 1, 4, y);
    }
  }
  if (!parsed || !valid_date(y, m, d)) {
    return error("invalid-date", IdKind::kBirthDate,
                 "not a date (YYYY-MM-DD, YYYYMMDD[time], DD/MM/YYYY, DD-MM-YYYY or DD.MM.YYYY)");
  }
  char buf[10];
  buf[0] = static_cast<char>('0' + y / 1000);
  buf[1] = static_cast<char>('0' + y / 100 % 10);
  buf[2] = static_cast<char>('0' + y / 10 % 10);
  buf[3] = static_cast<char>('0' + y % 10);
  buf[4] = '-';
  buf[5] = static_cast<char>('0' + m / 10);
  buf[6] = static_cast<char>('0' + m % 10);
  buf[7] = '-';
  buf[8] = static_cast<char>('0' + d / 10);
  buf[9] = static_cast<char>('0' + d % 10);
  Writer w(out);
  (void)w.put(std::string_view(buf, sizeof buf));
  return Status::ok_status();
}

// ---------------------------------------------------------------------------------------------
// FHIR Patient reference

// FHIR R4 id: [A-Za-z0-9\-\.]{1,64}.
bool is_fhir_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return is_ascii_alnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  });
}

Status normalize_fhir(std::string_view raw, NormalBuffer& out) {
  std::string_view s = trim_ascii(raw);
  if (s.empty()) return error("empty", IdKind::kFhirPatient, "no character");
  s = s.substr(0, s.find_first_of("?#"));
  const bool has_path = s.find('/') != std::string_view::npos;
  if (const std::size_t h = s.find("/_history/"); h != std::string_view::npos) s = s.substr(0, h);
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  // The last "Patient/" that starts the string or follows a '/': relative and absolute references
  // to one resource are one patient, whatever the base URL.
  constexpr std::string_view kType = "Patient/";
  // A bare id has no '/': "Patient/" alone is not the patient "Patient".
  std::string_view id = has_path ? std::string_view() : s;
  for (std::size_t pos = s.rfind(kType); pos != std::string_view::npos;
       pos = pos == 0 ? std::string_view::npos : s.rfind(kType, pos - 1)) {
    if (pos == 0 || s[pos - 1] == '/') {
      id = s.substr(pos + kType.size());
      break;
    }
  }
  if (!is_fhir_id(id)) {
    return error("invalid-fhir-reference", IdKind::kFhirPatient,
                 "not Patient/<id>, an absolute URL to one, or a bare FHIR id");
  }
  Writer w(out);
  (void)w.put(kType);
  (void)w.put(id);
  return Status::ok_status();
}

// ---------------------------------------------------------------------------------------------
// IPP and NDA: local identifiers of the establishment (a patient's, a stay's), one rule for both.
// The GAM, the DPI and its exports write the same number with or without padding and spaces.

Status normalize_local_id(IdKind kind, std::string_view raw, NormalBuffer& out) {
  Writer w(out);
  bool all_digits = true;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (is_ascii_space(static_cast<char>(c))) continue;
    if (c < 0x20 || c == 0x7F) {
      return error(kind == IdKind::kNda ? "invalid-nda" : "invalid-ipp", kind,
                   "holds a control character");
    }
    if (!is_digit(static_cast<char>(c))) all_digits = false;
    (void)w.put(static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c));
  }
  if (out.size == 0) return error("empty", kind, "no character");
  if (all_digits) {
    // "000123456" and "123456": some systems pad the number to a fixed width.
    std::size_t zeros = 0;
    while (zeros + 1 < out.size && out.data[zeros] == '0') ++zeros;
    std::copy(out.data.begin() + static_cast<std::ptrdiff_t>(zeros),
              out.data.begin() + static_cast<std::ptrdiff_t>(out.size), out.data.begin());
    out.size -= zeros;
  }
  return Status::ok_status();
}

}  // namespace

Status normalize(IdKind kind, std::string_view raw, NormalBuffer& out) {
  out.size = 0;
  if (raw.size() > kMaxIdentifierBytes) {
    return error("too-long", kind, "longer than 256 bytes");
  }
  if (!utf8::valid(raw)) return error("invalid-utf8", kind, "not valid UTF-8");
  switch (kind) {
    case IdKind::kIpp:
    case IdKind::kNda:
      return normalize_local_id(kind, raw, out);
    case IdKind::kNir:
      return normalize_nir(raw, out);
    case IdKind::kFhirPatient:
      return normalize_fhir(raw, out);
    case IdKind::kName:
    case IdKind::kFamilyName:
      return normalize_name(kind, raw, out);
    case IdKind::kBirthDate:
      return normalize_birth_date(raw, out);
  }
  return error("invalid-kind", kind, "unknown kind");
}

}  // namespace vigie::enrich::detail
