#include "rules/text_origin.h"

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace vigie::rules {

SourcePos TextOrigin::at(std::size_t offset) const {
  if (has_end_ && offset >= size_) return end_;
  auto it = std::upper_bound(runs_.begin(), runs_.end(), offset,
                             [](std::size_t o, const Run& r) { return o < r.offset; });
  const Run base = it == runs_.begin() ? Run{0, head_} : *std::prev(it);
  return {base.pos.line, base.pos.column + static_cast<int>(offset - base.offset)};
}

void TextOrigin::add(std::size_t offset, SourcePos pos) {
  if (offset == 0 && runs_.empty()) {
    head_ = pos;
    return;
  }
  const Run last = runs_.empty() ? Run{0, head_} : runs_.back();
  if (offset < last.offset) return;  // out of order: keep what is known
  if (pos.line == last.pos.line &&
      pos.column == last.pos.column + static_cast<int>(offset - last.offset)) {
    return;  // continues the current run
  }
  if (!runs_.empty() && runs_.back().offset == offset) {
    runs_.back().pos = pos;
    return;
  }
  runs_.push_back({offset, pos});
}

void TextOrigin::set_end(std::size_t size, SourcePos pos) {
  has_end_ = true;
  size_ = size;
  end_ = pos;
}

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// The value of a hexadecimal digit, -1 for another character.
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads the scalar's source alongside its decoded text, one decoded byte at a time. Every step
// consumes a decoded byte or moves forward in the source, so the scan ends; a disagreement between
// the two stops it (the origin keeps what it learnt).
class Scanner {
 public:
  Scanner(const std::vector<std::string_view>& lines, int first_line, std::string_view text)
      : lines_(lines), first_line_(first_line), text_(text) {}

  TextOrigin run(std::size_t l, std::size_t c) {
    origin_ = TextOrigin(pos(l, c));
    skip_properties(l, c);
    if (l >= lines_.size()) return origin_;
    const std::string_view s = line(l);
    const char ch = c < s.size() ? s[c] : '\0';
    bool done = false;
    if (ch == '"' || ch == '\'') {
      done = flow(ch, l, c + 1);
    } else if (ch == '|' || ch == '>') {
      done = block(ch, l, c);
    } else {
      done = flow('\0', l, c);
    }
    if (done) origin_.set_end(text_.size(), end_);
    return origin_;
  }

 private:
  std::string_view line(std::size_t l) const {
    std::string_view s = lines_[l];
    if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
    return s;
  }

  bool blank_line(std::size_t l) const {
    return line(l).find_first_not_of(" \t") == std::string_view::npos;
  }

  SourcePos pos(std::size_t l, std::size_t c) const {
    return {first_line_ + static_cast<int>(l), static_cast<int>(c) + 1};
  }

  // The next decoded byte is at (l, c).
  void put(std::size_t l, std::size_t c) { origin_.add(i_++, pos(l, c)); }

  // Tags and anchors (`!!str`, `!custom`, `&name`) come before the content; yaml-cpp's mark points
  // at them.
  void skip_properties(std::size_t& l, std::size_t& c) const {
    while (l < lines_.size()) {
      std::string_view s = line(l);
      if (c >= s.size() || (s[c] != '!' && s[c] != '&')) return;
      while (c < s.size() && !is_blank(s[c])) ++c;
      while (c < s.size() && is_blank(s[c])) ++c;
      while (c >= line(l).size()) {  // content on a following line
        if (++l >= lines_.size()) return;
        s = line(l);
        c = s.find_first_not_of(" \t");
        if (c == std::string_view::npos) c = s.size();
      }
    }
  }

  // Maps the bytes a double-quoted escape produces (s[c] is the backslash); returns the number of
  // source bytes it takes. Byte counts follow the decoded text where yaml-cpp versions differ
  // (\N and \_ are one Latin-1 byte in yaml-cpp 0.7, UTF-8 elsewhere).
  std::size_t escape(std::string_view s, std::size_t l, std::size_t c) {
    const char e = s[c + 1];
    std::size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
    std::size_t out = 1;
    if (digits > 0) {
      std::uint32_t cp = 0;
      for (std::size_t k = 0; k < digits && c + 2 + k < s.size(); ++k) {
        const int h = hex_value(s[c + 2 + k]);
        if (h < 0) break;  // yaml-cpp refuses such a scalar: nothing to map precisely
        cp = cp * 16 + static_cast<std::uint32_t>(h);
      }
      out = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    } else if (e == 'N' || e == '_') {
      out = (i_ < text_.size() && text_[i_] == '\xC2') ? 2 : 1;
    } else if (e == 'L' || e == 'P') {
      out = 3;
    }
    for (std::size_t k = 0; k < out && i_ < text_.size(); ++k) put(l, c);
    return std::min(s.size() - c, 2 + digits);
  }

  // After the end of line `l`: maps the line folding (a space, or one newline per empty line) to
  // `brk` and moves to the first non-blank of the next non-empty line.
  bool fold(std::size_t& l, std::size_t& c, SourcePos brk, bool space_if_no_empty_line) {
    std::size_t next = l + 1;
    std::size_t empty = 0;
    while (next < lines_.size() && blank_line(next)) {
      ++empty;
      ++next;
    }
    if (next >= lines_.size()) return false;
    if (empty == 0 && space_if_no_empty_line) {
      if (text_[i_] != ' ') return false;
      origin_.add(i_++, brk);
    }
    for (std::size_t k = 0; k < empty && i_ < text_.size(); ++k) {
      if (text_[i_] != '\n') return false;
      origin_.add(i_++, brk);
    }
    l = next;
    c = line(l).find_first_not_of(" \t");
    return true;
  }

  // Plain (style '\0'), single- or double-quoted scalar whose content starts at (l, c).
  bool flow(char style, std::size_t l, std::size_t c) {
    origin_ = TextOrigin(pos(l, c));
    end_ = pos(l, c);
    while (i_ < text_.size()) {
      if (l >= lines_.size()) return false;
      const std::string_view s = line(l);
      if (c < s.size() && !is_blank(s[c])) {
        const char ch = s[c];
        if (style == '"' && ch == '\\') {
          if (c + 1 >= s.size()) {  // escaped line break: no folding, leading blanks dropped
            if (!fold(l, c, pos(l, c), false)) return false;
            continue;
          }
          c += escape(s, l, c);
        } else if (style == '\'' && ch == '\'') {
          if (c + 1 >= s.size() || s[c + 1] != '\'' || text_[i_] != '\'') return false;
          put(l, c);
          c += 2;
        } else {
          if (text_[i_] != ch) return false;
          put(l, c);
          ++c;
        }
        end_ = pos(l, c);
        continue;
      }
      std::size_t k = c;
      while (k < s.size() && is_blank(s[k])) ++k;
      if (k < s.size()) {  // blanks inside a line are content
        for (; c < k && i_ < text_.size(); ++c) {
          if (text_[i_] != s[c]) return false;
          put(l, c);
        }
        end_ = pos(l, c);
        continue;
      }
      // Line break: trailing blanks are dropped, the break folds.
      if (!fold(l, c, pos(l, c), true)) return false;
    }
    return true;
  }

  // Literal or folded block scalar whose indicator is at (l, c).
  bool block(char style, std::size_t l, std::size_t c) {
    origin_ = TextOrigin(pos(l, c));
    end_ = pos(l, c);
    const std::size_t first = l + 1;
    std::size_t leading = 0;  // empty lines before the first content line: one '\n' each
    while (leading < text_.size() && text_[leading] == '\n') ++leading;
    for (std::size_t k = 0; k < leading; ++k) put(first + k, 0);
    if (leading == text_.size()) return true;
    std::size_t l2 = first + leading;
    if (l2 >= lines_.size()) return false;
    // The content indentation, from the first content line: its spaces minus those the decoded
    // text keeps. This covers an explicit indentation indicator (`|2`), which counts from the
    // parent node's indentation, without knowing the parent.
    std::string_view s = line(l2);
    std::size_t spaces = s.find_first_not_of(' ');
    if (spaces == std::string_view::npos) spaces = s.size();
    std::size_t kept = 0;
    while (leading + kept < text_.size() && text_[leading + kept] == ' ') ++kept;
    if (kept > spaces) return false;
    const std::size_t indent = spaces - kept;
    origin_.set_start(pos(l2, indent));
    auto empty_line = [&](std::size_t ln) {
      std::string_view e = line(ln);
      return e.size() <= indent && e.find_first_not_of(' ') == std::string_view::npos;
    };
    while (i_ < text_.size()) {
      if (l2 >= lines_.size()) return false;
      s = line(l2);
      if (s.size() <= indent ||
          s.substr(0, indent).find_first_not_of(' ') != std::string_view::npos)
        return false;
      for (std::size_t c2 = indent; c2 < s.size() && i_ < text_.size(); ++c2) {
        if (text_[i_] != s[c2]) return false;
        put(l2, c2);
        end_ = pos(l2, c2 + 1);
      }
      if (i_ >= text_.size()) break;
      // Between two content lines: a space (folded lines), or newlines (kept line breaks, empty
      // lines, and the final breaks `+` keeps), all mapped to the end of this line.
      const SourcePos brk = pos(l2, s.size());
      if (style == '>' && text_[i_] == ' ') {
        origin_.add(i_++, brk);
      } else {
        while (i_ < text_.size() && text_[i_] == '\n') origin_.add(i_++, brk);
      }
      ++l2;
      while (l2 < lines_.size() && empty_line(l2)) ++l2;
    }
    return true;
  }

  const std::vector<std::string_view>& lines_;
  const int first_line_;
  const std::string_view text_;
  TextOrigin origin_;
  std::size_t i_ = 0;  // next decoded byte
  SourcePos end_;      // just after the last source byte read
};

}  // namespace

TextOrigin scalar_origin(const std::vector<std::string_view>& lines, int mark_line, int mark_column,
                         int first_line, std::string_view decoded) {
  if (mark_line < 0 || mark_column < 0) return TextOrigin(SourcePos{first_line, 1});
  const SourcePos mark{first_line + mark_line, mark_column + 1};
  if (static_cast<std::size_t>(mark_line) >= lines.size()) return TextOrigin(mark);
  Scanner scanner(lines, first_line, decoded);
  return scanner.run(static_cast<std::size_t>(mark_line), static_cast<std::size_t>(mark_column));
}

}  // namespace vigie::rules
