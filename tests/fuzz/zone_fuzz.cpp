// libFuzzer target for vigie::ingest::Zone::from_tzif (the TZif reader and its POSIX TZ footer
// parser): any bytes give a zone or a zone_* error, never a crash or an overread. For a zone that
// loads, every lookup stays defined: offsets within the +-25 h RFC 8536 allows, and a resolved
// local time never further than that from its instant.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string_view>

#include "ingest/zone.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

constexpr std::int64_t kMaxOffsetMs = 93'599'000;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto zone = vigie::ingest::Zone::from_tzif("Fuzz/Zone", bytes);
  if (!zone.ok()) {
    const std::string& code = zone.status().code();
    check(code == "zone_bad_tzif" || code == "zone_unsupported");
    return 0;
  }
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  // 1900, 1970, 2024 around both Paris transitions, 2037-2040 (end of fat files), 2400, 9999.
  for (std::int64_t t :
       {kMin, std::int64_t{-2'208'988'800'000}, std::int64_t{0}, std::int64_t{1'711'846'800'000},
        std::int64_t{1'729'990'800'000}, std::int64_t{2'145'916'800'000},
        std::int64_t{2'216'000'000'000}, std::int64_t{13'569'465'600'000},
        std::int64_t{253'402'300'799'999}, kMax}) {
    for (std::int64_t delta :
         {std::int64_t{-3'600'001}, std::int64_t{0}, std::int64_t{1'800'000}}) {
      std::int64_t at = 0;
      if (__builtin_add_overflow(t, delta, &at)) continue;
      const std::int32_t off = zone->offset_seconds_at(at);
      check(off >= -89'999 && off <= 93'599);
      const auto r = zone->resolve(at);
      if (at > kMin + kMaxOffsetMs && at < kMax - kMaxOffsetMs) {
        check(r.utc_ms - at <= kMaxOffsetMs && at - r.utc_ms <= kMaxOffsetMs);
      }
      (void)zone->utc_to_local_ms(at);
    }
  }
  return 0;
}
