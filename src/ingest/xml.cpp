#include "ingest/xml.h"

#include <array>
#include <cstring>

#include "common/utf8.h"

namespace vigie::ingest {
namespace {

// The pseudo-token next() loops on: markup that carries nothing (a comment, a PI, empty text).
constexpr auto kNothing = static_cast<XmlToken>(0xFF);

constexpr bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Byte classes, one table lookup per byte in the hot loops.
enum : std::uint8_t {
  kNameStart = 1,  // may start a name (':' is not: it may only separate prefix and local part)
  kNameChar = 2,   // may continue one
  kTextStop = 4,   // ends a plain run of character data
  kAttrStop = 8,   // ends a plain run of an attribute value
};

constexpr std::array<std::uint8_t, 256> kClass = [] {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    std::uint8_t k = 0;
    if (is_alpha(ch) || ch == '_' || c >= 0x80) k |= kNameStart | kNameChar;
    if (is_digit(ch) || ch == '-' || ch == '.' || ch == ':') k |= kNameChar;
    if (ch == '<' || ch == '&' || ch == '\r') k |= kTextStop;
    if (ch == '<' || ch == '&' || ch == '\r' || ch == '\n' || ch == '\t' || ch == '"' ||
        ch == '\'') {
      k |= kAttrStop;
    }
    t[static_cast<std::size_t>(c)] = k;
  }
  return t;
}();

constexpr bool has(char c, std::uint8_t k) {
  return (kClass[static_cast<unsigned char>(c)] & k) != 0;
}

bool starts_with(std::string_view s, std::size_t at, std::string_view prefix) {
  return at <= s.size() && s.substr(at).starts_with(prefix);
}

// Whether `s` from `at` is a strict prefix of `markup`: the input ended in the middle of it.
bool cut_inside(std::string_view s, std::size_t at, std::string_view markup) {
  const std::string_view rest = s.substr(at);
  return rest.size() < markup.size() && markup.starts_with(rest);
}

// The characters XML 1.0 allows (§2.2), as code points.
constexpr bool xml_char(std::uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

std::size_t put_utf8(std::uint32_t cp, char* out) {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (cp >> 12));
    out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (cp >> 18));
  out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

// Checks the whole input once: well-formed UTF-8 and only characters XML allows. Eight ASCII
// bytes at a time when none is a control character.
XmlError check_chars(std::string_view s, std::size_t& at) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  constexpr std::uint64_t kSpaces = 0x2020202020202020ULL;
  std::size_t i = 0;
  while (i < n) {
    if (n - i >= 8) {
      std::uint64_t w = 0;
      std::memcpy(&w, p + i, 8);
      // No byte >= 0x80 and no byte < 0x20 (the "has less than" bit trick).
      if (((w & kHigh) | ((w - kSpaces) & ~w & kHigh)) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        at = i;
        return XmlError::kBadChar;
      }
      ++i;
      continue;
    }
    // A well-formed sequence (RFC 3629: no overlong form, no surrogate, <= U+10FFFF) is longer
    // than one byte.
    const std::size_t len = utf8::char_length_at(s, i);
    if (len == 1) {
      at = i;
      return XmlError::kBadUtf8;
    }
    // U+FFFE and U+FFFF are well-formed UTF-8 but not XML characters.
    if (c == 0xEF && p[i + 1] == 0xBF && p[i + 2] >= 0xBE) {
      at = i;
      return XmlError::kBadChar;
    }
    i += len;
  }
  return XmlError::kOk;
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

constexpr std::string_view kBom = "\xEF\xBB\xBF";

}  // namespace

std::string_view xml_error_name(XmlError error) {
  switch (error) {
    case XmlError::kOk:
      return "ok";
    case XmlError::kEmpty:
      return "xml-empty";
    case XmlError::kTooLarge:
      return "xml-too-large";
    case XmlError::kBadUtf8:
      return "xml-bad-utf8";
    case XmlError::kBadChar:
      return "xml-bad-char";
    case XmlError::kDoctypeRefused:
      return "xml-doctype-refused";
    case XmlError::kBadEntity:
      return "xml-bad-entity";
    case XmlError::kBadName:
      return "xml-bad-name";
    case XmlError::kBadAttribute:
      return "xml-bad-attribute";
    case XmlError::kTooManyAttributes:
      return "xml-too-many-attributes";
    case XmlError::kUnbalanced:
      return "xml-unbalanced";
    case XmlError::kTooDeep:
      return "xml-too-deep";
    case XmlError::kStrayContent:
      return "xml-stray-content";
    case XmlError::kBadDeclaration:
      return "xml-bad-declaration";
    case XmlError::kUnsupportedEncoding:
      return "xml-unsupported-encoding";
    case XmlError::kMalformed:
      return "xml-malformed";
    case XmlError::kTruncated:
      return "xml-truncated";
  }
  return "xml-unknown";
}

std::string_view xml_error_message(XmlError error) {
  switch (error) {
    case XmlError::kOk:
      return "no error";
    case XmlError::kEmpty:
      return "no root element";
    case XmlError::kTooLarge:
      return "larger than the size limit";
    case XmlError::kBadUtf8:
      return "not well-formed UTF-8";
    case XmlError::kBadChar:
      return "a character XML does not allow (control character, U+FFFE, U+FFFF)";
    case XmlError::kDoctypeRefused:
      return "a DTD or entity declaration (refused, never expanded)";
    case XmlError::kBadEntity:
      return "an entity or character reference that is not allowed";
    case XmlError::kBadName:
      return "a malformed element or attribute name";
    case XmlError::kBadAttribute:
      return "a malformed or repeated attribute";
    case XmlError::kTooManyAttributes:
      return "too many attributes on one element";
    case XmlError::kUnbalanced:
      return "an end tag that does not match the open element";
    case XmlError::kTooDeep:
      return "elements nested deeper than the limit";
    case XmlError::kStrayContent:
      return "content outside the root element";
    case XmlError::kBadDeclaration:
      return "a malformed or misplaced XML declaration";
    case XmlError::kUnsupportedEncoding:
      return "an encoding other than UTF-8";
    case XmlError::kMalformed:
      return "malformed markup";
    case XmlError::kTruncated:
      return "the input ends inside markup or an element";
  }
  return "unknown error";
}

std::string_view xml_local_name(std::string_view qname) {
  for (std::size_t i = qname.size(); i > 0; --i) {
    if (qname[i - 1] == ':') return qname.substr(i);
  }
  return qname;
}

std::string_view xml_prefix(std::string_view qname) {
  const std::size_t colon = qname.find(':');
  return colon == std::string_view::npos ? std::string_view() : qname.substr(0, colon);
}

// ---- XmlReader ----------------------------------------------------------------------------------

XmlReader::XmlReader(XmlOptions options) : options_(options) {}

void XmlReader::use_scratch(std::span<char> scratch, std::size_t need) {
  if (scratch.size() >= need && scratch.data() != nullptr) {
    scratch_ = scratch.data();
    return;
  }
  if (own_size_ < need || !own_) {
    own_ = std::make_unique<char[]>(need == 0 ? 1 : need);
    own_size_ = need == 0 ? 1 : need;
  }
  scratch_ = own_.get();
}

void XmlReader::reset(std::string_view input) { reset(input, {}); }

void XmlReader::reset(std::string_view input, std::span<char> scratch) {
  in_ = input;
  pos_ = 0;
  state_ = State::kProlog;
  error_ = XmlError::kOk;
  error_offset_ = 0;
  pending_end_ = false;
  empty_element_ = false;
  name_ = {};
  local_ = {};
  text_ = {};
  attributes_.clear();
  stack_.clear();
  scratch_used_ = 0;
  if (input.size() > options_.max_bytes) {
    fail(XmlError::kTooLarge, options_.max_bytes);
    return;
  }
  use_scratch(scratch, input.size());
  std::size_t at = 0;
  if (XmlError e = check_chars(input, at); e != XmlError::kOk) {
    fail(e, at);
    return;
  }
  if (input.starts_with(kBom)) pos_ = kBom.size();
}

XmlToken XmlReader::fail(XmlError e, std::size_t at) {
  if (state_ != State::kFailed) {
    state_ = State::kFailed;
    error_ = e;
    error_offset_ = at;
  }
  return XmlToken::kError;
}

const std::string_view* XmlReader::attribute(std::string_view qname) const {
  for (const XmlAttribute& a : attributes_) {
    if (a.name == qname) return &a.value;
  }
  return nullptr;
}

XmlToken XmlReader::next() {
  if (state_ == State::kFailed) return XmlToken::kError;
  if (state_ == State::kDone) return XmlToken::kEnd;
  if (pending_end_) {
    pending_end_ = false;  // name_ and local_ are still the element's
    stack_.pop_back();
    attributes_.clear();
    empty_element_ = true;
    if (stack_.empty()) state_ = State::kEpilog;
    return XmlToken::kEndElement;
  }
  for (;;) {
    if (pos_ >= in_.size()) {
      if (state_ == State::kContent) return fail(XmlError::kTruncated, pos_);
      if (state_ == State::kProlog) return fail(XmlError::kEmpty, pos_);
      state_ = State::kDone;
      return XmlToken::kEnd;
    }
    XmlToken t = kNothing;
    if (state_ == State::kContent) {
      t = text_token();
      if (t == kNothing) t = markup();
    } else if (in_[pos_] == '<') {
      t = markup();
    } else if (is_space(in_[pos_])) {
      ++pos_;
    } else {
      return fail(XmlError::kStrayContent, pos_);
    }
    if (t != kNothing) return t;
  }
}

XmlToken XmlReader::skip_element() {
  const std::size_t outer = stack_.size() - (pending_end_ ? 1 : 0);
  if (pending_end_) return next();
  for (;;) {
    const XmlToken t = next();
    if (t == XmlToken::kError) return t;
    if (t == XmlToken::kEndElement && stack_.size() < outer) return t;
    if (t == XmlToken::kEnd) return fail(XmlError::kTruncated, pos_);  // cannot happen
  }
}

std::size_t XmlReader::scan_name(std::size_t at) const {
  std::size_t i = at;
  if (i >= in_.size() || !has(in_[i], kNameStart)) return at;
  while (i < in_.size() && has(in_[i], kNameChar)) ++i;
  return i;
}

namespace {

// A qname: at most one ':', with something on both sides (scan_name already excludes a leading
// one). Sets `local` to where the local part starts. A loop, not find(): names are short.
bool valid_qname(std::string_view name, std::size_t& local) {
  local = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] != ':') continue;
    if (local != 0 || i + 1 == name.size() || !has(name[i + 1], kNameStart)) return false;
    local = i + 1;
  }
  return true;
}

}  // namespace

XmlToken XmlReader::markup() {
  // At '<'.
  if (pos_ + 1 >= in_.size()) return fail(XmlError::kTruncated, pos_);
  const char c = in_[pos_ + 1];
  if (c == '?') {
    const std::size_t start = in_.starts_with(kBom) ? kBom.size() : 0;
    XmlError e = XmlError::kOk;
    if (pos_ == start && state_ == State::kProlog && starts_with(in_, pos_, "<?xml") &&
        (pos_ + 5 >= in_.size() || is_space(in_[pos_ + 5]) || in_[pos_ + 5] == '?')) {
      e = declaration();
    } else {
      e = skip_pi();
    }
    return e == XmlError::kOk ? kNothing : fail(e, error_offset_);
  }
  if (c == '!') {
    if (starts_with(in_, pos_, "<!--")) {
      const XmlError e = skip_comment();
      return e == XmlError::kOk ? kNothing : fail(e, error_offset_);
    }
    if (starts_with(in_, pos_, "<![CDATA[")) return fail(XmlError::kStrayContent, pos_);
    if (pos_ + 2 < in_.size() && is_alpha(in_[pos_ + 2])) {
      return fail(XmlError::kDoctypeRefused, pos_);
    }
    if (cut_inside(in_, pos_, "<!--") || cut_inside(in_, pos_, "<![CDATA[")) {
      return fail(XmlError::kTruncated, pos_);
    }
    return fail(XmlError::kMalformed, pos_);
  }
  if (c == '/') return end_tag();
  if (has(c, kNameStart)) {
    if (state_ == State::kEpilog) return fail(XmlError::kStrayContent, pos_);
    return start_tag();
  }
  return fail(XmlError::kMalformed, pos_);
}

XmlError XmlReader::skip_comment() {
  // At "<!--". "--" may only appear as the start of "-->".
  const std::size_t dashes = in_.find("--", pos_ + 4);
  if (dashes == std::string_view::npos) {
    error_offset_ = pos_;
    return XmlError::kTruncated;
  }
  if (dashes + 2 >= in_.size()) {
    error_offset_ = pos_;
    return XmlError::kTruncated;
  }
  if (in_[dashes + 2] != '>') {
    error_offset_ = dashes;
    return XmlError::kMalformed;
  }
  pos_ = dashes + 3;
  return XmlError::kOk;
}

XmlError XmlReader::skip_pi() {
  // At "<?": a target name, then whitespace or "?>".
  std::size_t i = pos_ + 2;
  while (i < in_.size() && has(in_[i], kNameChar)) ++i;
  const std::string_view target = in_.substr(pos_ + 2, i - pos_ - 2);
  if (i >= in_.size()) {
    error_offset_ = pos_;
    return XmlError::kTruncated;
  }
  if (target.empty() || !has(target.front(), kNameStart) ||
      (!is_space(in_[i]) && !starts_with(in_, i, "?>"))) {
    error_offset_ = pos_;
    return XmlError::kMalformed;
  }
  if (iequals_ascii(target, "xml")) {
    error_offset_ = pos_;
    return XmlError::kBadDeclaration;
  }
  const std::size_t end = in_.find("?>", i);
  if (end == std::string_view::npos) {
    error_offset_ = pos_;
    return XmlError::kTruncated;
  }
  pos_ = end + 2;
  return XmlError::kOk;
}

XmlError XmlReader::declaration() {
  // At "<?xml" at the start of the document.
  error_offset_ = pos_;
  const std::size_t end = in_.find("?>", pos_ + 5);
  if (end == std::string_view::npos) return XmlError::kTruncated;
  const std::string_view decl = in_.substr(pos_ + 5, end - pos_ - 5);
  std::size_t i = 0;
  // Reads ` name="value"` (spaces required before, allowed around '='), or fails.
  auto pseudo_attribute = [&](std::string_view& name, std::string_view& value) {
    const std::size_t spaces = i;
    while (i < decl.size() && is_space(decl[i])) ++i;
    if (i == spaces || i >= decl.size()) return false;
    const std::size_t name_start = i;
    while (i < decl.size() && is_alpha(decl[i])) ++i;
    name = decl.substr(name_start, i - name_start);
    while (i < decl.size() && is_space(decl[i])) ++i;
    if (i >= decl.size() || decl[i] != '=') return false;
    ++i;
    while (i < decl.size() && is_space(decl[i])) ++i;
    if (i >= decl.size() || (decl[i] != '"' && decl[i] != '\'')) return false;
    const char quote = decl[i++];
    const std::size_t close = decl.find(quote, i);
    if (close == std::string_view::npos) return false;
    value = decl.substr(i, close - i);
    i = close + 1;
    return true;
  };
  std::string_view name, value;
  if (!pseudo_attribute(name, value) || name != "version" || value.size() < 3 ||
      !value.starts_with("1.")) {
    return XmlError::kBadDeclaration;
  }
  for (char c : value.substr(2)) {
    if (!is_digit(c)) return XmlError::kBadDeclaration;
  }
  bool seen_encoding = false, seen_standalone = false;
  while (i < decl.size()) {
    const std::size_t before = i;
    while (i < decl.size() && is_space(decl[i])) ++i;
    if (i == decl.size()) break;  // trailing spaces
    i = before;
    if (!pseudo_attribute(name, value)) return XmlError::kBadDeclaration;
    if (name == "encoding" && !seen_encoding && !seen_standalone) {
      seen_encoding = true;
      if (value.empty() || !is_alpha(value.front())) return XmlError::kBadDeclaration;
      for (char c : value) {
        if (!is_alpha(c) && !is_digit(c) && c != '.' && c != '_' && c != '-') {
          return XmlError::kBadDeclaration;
        }
      }
      if (!iequals_ascii(value, "utf-8") && !iequals_ascii(value, "us-ascii")) {
        return XmlError::kUnsupportedEncoding;
      }
    } else if (name == "standalone" && !seen_standalone) {
      seen_standalone = true;
      if (value != "yes" && value != "no") return XmlError::kBadDeclaration;
    } else {
      return XmlError::kBadDeclaration;
    }
  }
  pos_ = end + 2;
  return XmlError::kOk;
}

XmlError XmlReader::reference(std::size_t& at, char* out, std::size_t& n) const {
  // At '&': "&name;" or "&#digits;" or "&#xhex;".
  std::size_t i = at + 1;
  while (i < in_.size() && (has(in_[i], kNameChar) || in_[i] == '#')) ++i;
  if (i >= in_.size()) return XmlError::kTruncated;
  if (in_[i] != ';') return XmlError::kBadEntity;
  const std::string_view body = in_.substr(at + 1, i - at - 1);
  if (body.size() >= 2 && body[0] == '#') {
    const bool hex = body[1] == 'x';
    const std::string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty()) return XmlError::kBadEntity;
    std::uint32_t cp = 0;
    for (char c : digits) {
      std::uint32_t d = 0;
      if (is_digit(c)) {
        d = static_cast<std::uint32_t>(c - '0');
      } else if (hex && c >= 'a' && c <= 'f') {
        d = static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (hex && c >= 'A' && c <= 'F') {
        d = static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return XmlError::kBadEntity;
      }
      cp = cp * (hex ? 16 : 10) + d;
      if (cp > 0x10FFFF) return XmlError::kBadEntity;  // also stops any overflow
    }
    if (!xml_char(cp)) return XmlError::kBadEntity;
    n += put_utf8(cp, out + n);
  } else if (body == "lt") {
    out[n++] = '<';
  } else if (body == "gt") {
    out[n++] = '>';
  } else if (body == "amp") {
    out[n++] = '&';
  } else if (body == "apos") {
    out[n++] = '\'';
  } else if (body == "quot") {
    out[n++] = '"';
  } else {
    return XmlError::kBadEntity;
  }
  at = i + 1;
  return XmlError::kOk;
}

namespace {

// A value being gathered: a view into the input while it is one untouched run, else bytes written
// into the scratch buffer (which then holds the runs gathered so far, decoded).
class Gather {
 public:
  explicit Gather(char* out) : out_(out) {}
  void run(const char* p, std::size_t len) {
    if (len == 0) return;
    if (!copying_ && view_.empty()) {
      view_ = std::string_view(p, len);
      return;
    }
    char* o = copy();
    std::memcpy(o + n_, p, len);
    n_ += len;
  }
  // Switches to the scratch buffer (copying the view so far) and returns where to write.
  char* copy() {
    if (!copying_) {
      copying_ = true;
      if (!view_.empty()) std::memcpy(out_, view_.data(), view_.size());
      n_ = view_.size();
    }
    return out_;
  }
  std::size_t& size() { return n_; }
  std::string_view value() const { return copying_ ? std::string_view(out_, n_) : view_; }
  std::size_t scratch_used() const { return copying_ ? n_ : 0; }

 private:
  char* out_;
  std::string_view view_;
  bool copying_ = false;
  std::size_t n_ = 0;
};

}  // namespace

XmlError XmlReader::attribute_value(std::size_t& at, std::string_view& value) {
  // After the opening quote.
  const char quote = in_[at - 1];
  Gather g(scratch_ + scratch_used_);
  std::size_t i = at;
  for (;;) {
    const std::size_t run = i;
    while (i < in_.size() && !has(in_[i], kAttrStop)) ++i;
    g.run(in_.data() + run, i - run);
    if (i >= in_.size()) {
      error_offset_ = i;
      return XmlError::kTruncated;
    }
    const char c = in_[i];
    if (c == quote) break;
    if (c == '"' || c == '\'') {  // the other quote
      g.run(in_.data() + i, 1);
      ++i;
    } else if (c == '<') {
      error_offset_ = i;
      return XmlError::kBadAttribute;
    } else if (c == '&') {
      char* out = g.copy();
      const std::size_t ref = i;
      if (XmlError e = reference(i, out, g.size()); e != XmlError::kOk) {
        error_offset_ = ref;
        return e;
      }
    } else {  // tab, LF, CR (CR LF is one): a space (§3.3.3)
      char* out = g.copy();
      out[g.size()++] = ' ';
      if (c == '\r' && i + 1 < in_.size() && in_[i + 1] == '\n') ++i;
      ++i;
    }
  }
  value = g.value();
  scratch_used_ += g.scratch_used();
  at = i + 1;
  return XmlError::kOk;
}

XmlToken XmlReader::start_tag() {
  // At '<' followed by a name start.
  const std::size_t lt = pos_;
  std::size_t i = scan_name(pos_ + 1);
  const std::string_view name = in_.substr(pos_ + 1, i - pos_ - 1);
  std::size_t local = 0;
  if (!valid_qname(name, local)) return fail(XmlError::kBadName, pos_ + 1);
  if (stack_.size() >= options_.max_depth) return fail(XmlError::kTooDeep, lt);
  attributes_.clear();
  bool empty = false;
  for (;;) {
    const std::size_t spaces = i;
    while (i < in_.size() && is_space(in_[i])) ++i;
    if (i >= in_.size()) return fail(XmlError::kTruncated, lt);
    const char c = in_[i];
    if (c == '>') {
      ++i;
      break;
    }
    if (c == '/') {
      if (i + 1 >= in_.size()) return fail(XmlError::kTruncated, lt);
      if (in_[i + 1] != '>') return fail(XmlError::kMalformed, i);
      i += 2;
      empty = true;
      break;
    }
    if (!has(c, kNameStart)) return fail(XmlError::kBadName, i);
    if (i == spaces) return fail(XmlError::kBadAttribute, i);
    const std::size_t name_start = i;
    i = scan_name(i);
    const std::string_view attr = in_.substr(name_start, i - name_start);
    std::size_t attr_local = 0;
    if (!valid_qname(attr, attr_local)) return fail(XmlError::kBadName, name_start);
    while (i < in_.size() && is_space(in_[i])) ++i;
    if (i >= in_.size()) return fail(XmlError::kTruncated, lt);
    if (in_[i] != '=') return fail(XmlError::kBadAttribute, i);
    ++i;
    while (i < in_.size() && is_space(in_[i])) ++i;
    if (i >= in_.size()) return fail(XmlError::kTruncated, lt);
    if (in_[i] != '"' && in_[i] != '\'') return fail(XmlError::kBadAttribute, i);
    ++i;
    std::string_view value;
    if (XmlError e = attribute_value(i, value); e != XmlError::kOk) {
      return fail(e, e == XmlError::kTruncated ? lt : error_offset_);
    }
    if (attributes_.size() >= options_.max_attributes) {
      return fail(XmlError::kTooManyAttributes, name_start);
    }
    for (const XmlAttribute& a : attributes_) {
      if (a.name == attr) return fail(XmlError::kBadAttribute, name_start);
    }
    attributes_.push_back({attr, value});
  }
  pos_ = i;
  stack_.push_back(name);
  state_ = State::kContent;
  name_ = name;
  local_ = name.substr(local);
  empty_element_ = empty;
  pending_end_ = empty;
  return XmlToken::kStartElement;
}

XmlToken XmlReader::end_tag() {
  // At "</".
  const std::size_t lt = pos_;
  std::size_t i = scan_name(pos_ + 2);
  if (i == pos_ + 2) {
    return fail(pos_ + 2 >= in_.size() ? XmlError::kTruncated : XmlError::kBadName, pos_ + 2);
  }
  const std::string_view name = in_.substr(pos_ + 2, i - pos_ - 2);
  while (i < in_.size() && is_space(in_[i])) ++i;
  if (i >= in_.size()) return fail(XmlError::kTruncated, lt);
  if (in_[i] != '>') return fail(XmlError::kMalformed, i);
  if (stack_.empty() || stack_.back() != name) return fail(XmlError::kUnbalanced, lt);
  stack_.pop_back();
  pos_ = i + 1;
  name_ = name;
  local_ = xml_local_name(name);
  empty_element_ = false;
  attributes_.clear();
  if (stack_.empty()) state_ = State::kEpilog;
  return XmlToken::kEndElement;
}

XmlToken XmlReader::text_token() {
  // In content: character data, CDATA sections, references, comments and PIs up to a tag.
  Gather g(scratch_ + scratch_used_);
  while (pos_ < in_.size()) {
    const std::size_t run = pos_;
    while (pos_ < in_.size() && !has(in_[pos_], kTextStop)) ++pos_;
    g.run(in_.data() + run, pos_ - run);
    if (pos_ >= in_.size()) break;
    const char c = in_[pos_];
    const char next = pos_ + 1 < in_.size() ? in_[pos_ + 1] : '\0';  // after a '<'
    if (c == '&') {
      char* out = g.copy();
      const std::size_t ref = pos_;
      if (XmlError e = reference(pos_, out, g.size()); e != XmlError::kOk) return fail(e, ref);
    } else if (c == '\r') {  // CR LF and a lone CR are LF (§2.11)
      char* out = g.copy();
      out[g.size()++] = '\n';
      ++pos_;
      if (pos_ < in_.size() && in_[pos_] == '\n') ++pos_;
    } else if (next == '!' && starts_with(in_, pos_, "<![CDATA[")) {
      const std::size_t body = pos_ + 9;
      const std::size_t end = in_.find("]]>", body);
      if (end == std::string_view::npos) return fail(XmlError::kTruncated, pos_);
      // CDATA is literal, but line ends are normalised there too.
      if (std::memchr(in_.data() + body, '\r', end - body) == nullptr) {
        g.run(in_.data() + body, end - body);
      } else {
        char* out = g.copy();
        for (std::size_t k = body; k < end; ++k) {
          if (in_[k] != '\r') {
            out[g.size()++] = in_[k];
          } else {
            out[g.size()++] = '\n';
            if (k + 1 < end && in_[k + 1] == '\n') ++k;
          }
        }
      }
      pos_ = end + 3;
    } else if (next == '!' && starts_with(in_, pos_, "<!--")) {
      if (XmlError e = skip_comment(); e != XmlError::kOk) return fail(e, error_offset_);
    } else if (next == '?') {
      if (XmlError e = skip_pi(); e != XmlError::kOk) return fail(e, error_offset_);
    } else {
      // A tag, the common case, decided on one byte; or a declaration or a malformed '<', which
      // markup() reports.
      break;
    }
  }
  const std::string_view text = g.value();
  if (text.empty()) return kNothing;
  scratch_used_ += g.scratch_used();
  text_ = text;
  return XmlToken::kText;
}

// ---- XmlSplitter --------------------------------------------------------------------------------

XmlSplitter::XmlSplitter(XmlSplitOptions options) : options_(options) {}

void XmlSplitter::reset() {
  discarding_ = false;
  started_ = false;
}

namespace {

constexpr std::size_t kIncomplete = std::string_view::npos;

// The end (one past the '>') of the tag starting at `at` ('<' + name), quotes respected.
std::size_t tag_end(std::string_view in, std::size_t at) {
  for (std::size_t i = at + 1; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '"' || c == '\'') {
      i = in.find(c, i + 1);
      if (i == std::string_view::npos) return kIncomplete;
    } else if (c == '>') {
      return i + 1;
    }
  }
  return kIncomplete;
}

// One past the '>' that closes the element starting at `at` ('<' + name start).
std::size_t element_end(std::string_view in, std::size_t at) {
  std::size_t depth = 0;
  std::size_t i = at;
  for (;;) {
    std::size_t next = kIncomplete;
    if (starts_with(in, i, "<!--")) {
      next = in.find("-->", i + 4);
      if (next != kIncomplete) next += 3;
    } else if (starts_with(in, i, "<![CDATA[")) {
      next = in.find("]]>", i + 9);
      if (next != kIncomplete) next += 3;
    } else if (starts_with(in, i, "<?")) {
      next = in.find("?>", i + 2);
      if (next != kIncomplete) next += 2;
    } else if (starts_with(in, i, "<!")) {  // a declaration: its parser refuses it
      next = in.find('>', i + 2);
      if (next != kIncomplete) next += 1;
    } else if (starts_with(in, i, "</")) {
      next = in.find('>', i + 2);
      if (next == kIncomplete) return kIncomplete;
      if (depth <= 1) return next + 1;
      --depth;
      next += 1;
    } else if (i + 1 < in.size() && has(in[i + 1], kNameStart)) {
      next = tag_end(in, i);
      if (next == kIncomplete) return kIncomplete;
      if (in[next - 2] != '/') {
        ++depth;
      } else if (depth == 0) {
        return next;  // "<a/>"
      }
    } else if (i + 1 >= in.size()) {
      return kIncomplete;
    } else {
      next = i + 1;  // a '<' that starts nothing: text, for the parser to judge
    }
    if (next == kIncomplete) return kIncomplete;
    i = in.find('<', next);
    if (i == std::string_view::npos) return kIncomplete;
  }
}

// Whether the tag at `at` ("<name" or "</name") names the container.
bool container_tag(std::string_view in, std::size_t at, std::string_view container) {
  if (container.empty()) return false;
  const std::size_t name = at + (starts_with(in, at, "</") ? 2 : 1);
  if (!starts_with(in, name, container)) return false;
  const std::size_t after = name + container.size();
  return after < in.size() && (is_space(in[after]) || in[after] == '>' || in[after] == '/');
}

}  // namespace

XmlSplitter::Step XmlSplitter::step(std::string_view in, bool at_end) {
  Step s;
  std::size_t i = 0;
  if (!started_) {
    if (in.size() < kBom.size() && kBom.starts_with(in) && !at_end && !in.empty()) return s;
    if (in.starts_with(kBom)) i = kBom.size();
    started_ = !in.empty() || at_end;
  }
  if (discarding_) {
    const std::size_t line = in.find("\n<", i);
    if (line == std::string_view::npos) {
      // Keep a last LF: the '<' that follows it may come with the next read.
      s.consumed = !in.empty() && in.back() == '\n' && !at_end ? in.size() - 1 : in.size();
      s.outcome = at_end ? Outcome::kEnd : Outcome::kNeedMore;
      if (at_end) discarding_ = false;
      return s;
    }
    discarding_ = false;
    i = line + 1;
  }
  const std::size_t max = options_.max_record_bytes;
  for (;;) {
    while (i < in.size() && is_space(in[i])) ++i;
    if (i >= in.size()) {
      s.consumed = i;
      s.outcome = at_end ? Outcome::kEnd : Outcome::kNeedMore;
      return s;
    }
    std::size_t end = kIncomplete;
    bool skip = false;  // carries nothing
    if (in[i] != '<') {
      end = in.find('<', i);  // stray text: a record, for the parser to reject
      if (end == std::string_view::npos && at_end) end = in.size();
    } else if (starts_with(in, i, "<?")) {
      end = in.find("?>", i + 2);
      if (end != kIncomplete) end += 2;
      skip = true;
    } else if (starts_with(in, i, "<!--")) {
      end = in.find("-->", i + 4);
      if (end != kIncomplete) end += 3;
      skip = true;
    } else if (starts_with(in, i, "<!") || starts_with(in, i, "</")) {
      end = in.find('>', i + 2);
      if (end != kIncomplete) end += 1;
      skip = end != kIncomplete && container_tag(in, i, options_.container);
    } else if (i + 1 < in.size() && has(in[i + 1], kNameStart)) {
      if (container_tag(in, i, options_.container)) {
        end = tag_end(in, i);
        skip = true;
      } else {
        end = element_end(in, i);
      }
    } else if (i + 1 < in.size()) {
      end = i + 1;  // a lone '<': a record of one byte, which its parser rejects
    }
    if (end == kIncomplete) {
      if (in.size() - i > max) {
        s.outcome = Outcome::kError;
        s.error = XmlError::kTooLarge;
        s.consumed = i + 1;
        discarding_ = true;
        return s;
      }
      if (!at_end) {
        s.consumed = i;
        s.outcome = Outcome::kNeedMore;
        return s;
      }
      end = in.size();  // the stream ended inside it: its parser says it is truncated
      skip = false;
    }
    if (end - i > max) {  // as if it had been found incomplete at max bytes: the same outcome
      s.outcome = Outcome::kError;
      s.error = XmlError::kTooLarge;
      s.consumed = i + 1;
      discarding_ = true;
      return s;
    }
    if (skip) {
      i = end;
      continue;
    }
    s.consumed = end;
    s.outcome = Outcome::kRecord;
    s.record = in.substr(i, end - i);
    return s;
  }
}

}  // namespace vigie::ingest
