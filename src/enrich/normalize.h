// Internal to vigie::enrich: the normalisation of each identifier kind into a fixed buffer, so
// that pseudonymising does not allocate. The rules are documented in docs/privacy.md
// ("Normalisation"); the public entry point is normalize_identifier() in enrich/pseudonym.h.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "common/result.h"
#include "enrich/pseudonym.h"

namespace vigie::enrich::detail {

// A normalised value is never longer than its raw value (checked: overflow is "too-long").
struct NormalBuffer {
  std::array<char, kMaxIdentifierBytes> data;
  std::size_t size = 0;
  std::string_view view() const { return {data.data(), size}; }
};

// Normalises `raw` as an identifier of `kind` into `out`. Errors: see enrich/pseudonym.h.
Status normalize(IdKind kind, std::string_view raw, NormalBuffer& out);

}  // namespace vigie::enrich::detail
