// pretty_json(): a one-line JSON record written as a pretty-printer writes it, for the tests of
// decoders that read pretty-printed files (their records come whole out of ingest::JsonSplitter,
// line ends and indentation included).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vigie::test {

// `compact` with a line end (`eol`) and two spaces per level after each '{', '[' and ','
// and before each '}' and ']', outside strings.
inline std::string pretty_json(std::string_view compact, std::string_view eol = "\n") {
  std::string out;
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  const auto line_end = [&] {
    out += eol;
    out.append(2 * depth, ' ');
  };
  for (char c : compact) {
    if (in_string) {
      out += c;
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '}' || c == ']') {
      depth -= depth > 0 ? 1 : 0;
      line_end();
    }
    out += c;
    if (c == '"') in_string = true;
    if (c == '{' || c == '[') ++depth;
    if (c == '{' || c == '[' || c == ',') line_end();
  }
  return out;
}

}  // namespace vigie::test
