// Base letters of the precomposed Latin letters, for the name normalisation of normalize.cpp.
//
// Generated with Python 3 (unicodedata 14.0) by the function below, for every code point of
// U+00C0..U+024F and U+1E00..U+1EFF; "" means "no base letter: keep the character".
// docs/examples/privacy/pt1.py (latin_base) is the same function, the reference of the name
// normalisation.
//
//   SPECIAL = {"æ": "ae", "œ": "oe", "ß": "ss", "ø": "o", "đ": "d", "ð": "d", "ł": "l",
//              "þ": "th", "ħ": "h", "ŧ": "t", "ı": "i", "ĸ": "k", "ŀ": "l", "ŉ": "n", "ſ": "s",
//              "ŋ": "n", "ĳ": "ij"}
//   def base(ch):
//       d = "".join(c for c in unicodedata.normalize("NFD", ch) if not "\u0300" <= c <= "\u036f")
//       if d.isascii() and d.isalpha(): return d.lower()
//       low = ch.lower()
//       return SPECIAL[low] if len(low) == 1 and low in SPECIAL else ""
#pragma once

namespace vigie::enrich::detail {

// At most two ASCII lower-case letters and a terminating NUL.
using LatinBase = char[3];

// clang-format off
// U+00C0..U+024F, 16 code points a row.
inline constexpr char32_t kLatinFirst = 0x00C0;
inline constexpr LatinBase kLatin[] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",  // U+00C0
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",  // U+00D0
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",  // U+00E0
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",  // U+00F0
    "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",  // U+0100
    "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",  // U+0110
    "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",  // U+0120
    "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",  // U+0130
    "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",  // U+0140
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",  // U+0150
    "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",  // U+0160
    "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",  // U+0170
    "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",  // U+0180
    "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",  // U+0190
    "o", "o", "", "", "", "", "", "", "", "", "", "", "", "", "", "u",  // U+01A0
    "u", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",  // U+01B0
    "", "", "", "", "", "", "", "", "", "", "", "", "", "a", "a", "i",  // U+01C0
    "i", "o", "o", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "", "a", "a",  // U+01D0
    "a", "a", "", "", "", "", "g", "g", "k", "k", "o", "o", "o", "o", "", "",  // U+01E0
    "j", "", "", "", "g", "g", "", "", "n", "n", "a", "a", "", "", "", "",  // U+01F0
    "a", "a", "a", "a", "e", "e", "e", "e", "i", "i", "i", "i", "o", "o", "o", "o",  // U+0200
    "r", "r", "r", "r", "u", "u", "u", "u", "s", "s", "t", "t", "", "", "h", "h",  // U+0210
    "", "", "", "", "", "", "a", "a", "e", "e", "o", "o", "o", "o", "o", "o",  // U+0220
    "o", "o", "y", "y", "", "", "", "", "", "", "", "", "", "", "", "",  // U+0230
    "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",  // U+0240
};

// U+1E00..U+1EFF, 16 code points a row.
inline constexpr char32_t kLatinAdditionalFirst = 0x1E00;
inline constexpr LatinBase kLatinAdditional[] = {
    "a", "a", "b", "b", "b", "b", "b", "b", "c", "c", "d", "d", "d", "d", "d", "d",  // U+1E00
    "d", "d", "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "f", "f",  // U+1E10
    "g", "g", "h", "h", "h", "h", "h", "h", "h", "h", "h", "h", "i", "i", "i", "i",  // U+1E20
    "k", "k", "k", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l", "l", "m", "m",  // U+1E30
    "m", "m", "m", "m", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",  // U+1E40
    "o", "o", "o", "o", "p", "p", "p", "p", "r", "r", "r", "r", "r", "r", "r", "r",  // U+1E50
    "s", "s", "s", "s", "s", "s", "s", "s", "s", "s", "t", "t", "t", "t", "t", "t",  // U+1E60
    "t", "t", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "v", "v", "v", "v",  // U+1E70
    "w", "w", "w", "w", "w", "w", "w", "w", "w", "w", "x", "x", "x", "x", "y", "y",  // U+1E80
    "z", "z", "z", "z", "z", "z", "h", "t", "w", "y", "", "", "", "", "ss", "",  // U+1E90
    "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a",  // U+1EA0
    "a", "a", "a", "a", "a", "a", "a", "a", "e", "e", "e", "e", "e", "e", "e", "e",  // U+1EB0
    "e", "e", "e", "e", "e", "e", "e", "e", "i", "i", "i", "i", "o", "o", "o", "o",  // U+1EC0
    "o", "o", "o", "o", "o", "o", "o", "o", "o", "o", "o", "o", "o", "o", "o", "o",  // U+1ED0
    "o", "o", "o", "o", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u",  // U+1EE0
    "u", "u", "y", "y", "y", "y", "y", "y", "y", "y", "", "", "", "", "", "",  // U+1EF0
};
// clang-format on

}  // namespace vigie::enrich::detail
