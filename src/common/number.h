// Strict decimal numbers: what "numeric string" means for Sigma comparisons.
#pragma once

#include <optional>
#include <string_view>

namespace vigie {

// Parses an optional sign, digits and at most one '.', nothing else (no spaces, exponents, hex
// or leading '.'-only forms such as "."). Returns nullopt for anything else or over 40 chars.
std::optional<double> parse_decimal(std::string_view s);

}  // namespace vigie
