// Minimal JSON text output helpers (escaping per RFC 8259). Output only; parsing uses simdjson.
#pragma once

#include <string>
#include <string_view>

namespace vigie::json {

// Appends `s` as a quoted JSON string. Control characters and invalid UTF-8 bytes are escaped
// (invalid bytes as \u00XX of the byte, so output is always valid UTF-8 JSON).
void append_string(std::string& out, std::string_view s);

inline std::string quote(std::string_view s) {
  std::string out;
  append_string(out, s);
  return out;
}

}  // namespace vigie::json
