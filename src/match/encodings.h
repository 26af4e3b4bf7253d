// Value encodings behind the Sigma modifiers base64, base64offset, wide/utf16le, utf16be, utf16.
//
// All functions take the value's bytes (rule values are UTF-8) and return new strings of bytes;
// they run at rule-compile time, not per event. Pure functions, thread-safe, never fail.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigie::match {

// Standard base64 (RFC 4648 alphabet `A-Za-z0-9+/`), padded with `=`.
std::string base64(std::string_view bytes);

// The `base64offset` modifier, exactly as pySigma computes it: for i = 0, 1, 2, the base64 of i
// spaces followed by the value, with the first {0, 2, 3}[i] characters removed (they depend on the
// unknown preceding bytes) and, depending on (len + i) % 3, nothing / the last 3 / the last 2
// characters removed (they depend on the unknown following bytes, or are padding). Result: always
// three strings, in offset order. Guarantee: when the value sits at byte offset o of some data,
// base64(data) contains variant o % 3, whatever the surrounding bytes.
// http:// -> {aHR0cDovL, h0dHA6Ly, odHRwOi8v}.
// Very short values give empty strings, as in pySigma: "" -> {"", "", ""}, "a" -> {"Y", "", "h"};
// an empty string used as a contains pattern matches everything, so callers should reject or
// diagnose values shorter than 2 bytes (the only ones that produce an empty variant).
std::vector<std::string> base64offset(std::string_view bytes);

// UTF-8 to UTF-16 code units, little-endian / big-endian, no byte-order mark. Code points beyond
// the BMP become surrogate pairs. A byte that is not part of a well-formed UTF-8 sequence is
// encoded as U+FFFD (rule values are validated as UTF-8 before this is reached).
std::string utf16le(std::string_view utf8);
std::string utf16be(std::string_view utf8);
// Sigma's `utf16`: the byte-order mark FF FE followed by the UTF-16LE encoding.
std::string utf16_bom(std::string_view utf8);
// Sigma's `wide`, a synonym of utf16le.
inline std::string wide(std::string_view utf8) { return utf16le(utf8); }

}  // namespace vigie::match
