// The alert as the store keeps it, and its JSON form.
//
// Contract: to_json() writes one line, a JSON object with every key present, always in the order
// of the struct below (stable across runs, so stored bytes are deterministic). Strings are
// expected to be valid UTF-8: invalid bytes are written as \u00XX of the byte (vigie::json) and so
// do not survive a round trip. A non-finite `value` is written as null and read back as NaN.
// alert_from_json() accepts what to_json() writes: an object whose "id" is a non-empty string;
// other keys may be absent (they keep their defaults) and unknown keys are ignored (a later minor
// version may add keys). Anything else (bad syntax, invalid UTF-8, a duplicate or mistyped key, an
// integer out of range, more than kMaxAlertJsonBytes) is a Status with code "invalid-json" or
// "invalid-alert"; its message names the key, never a value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace vigie::store {

struct EventRef {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;

  friend bool operator==(const EventRef&, const EventRef&) = default;
};

struct AlertRecord {
  std::string id;      // 32 hex digits, derived from content by the producer (never generated here)
  std::string tenant;  // establishment ("" allowed)
  std::string kind;    // "match" (single-event rule) or "correlation"
  std::string rule_id, rule_name, rule_title, rule_file, level;
  std::vector<std::string> tags;
  std::string correlation_type;                            // correlation only, e.g. "event_count"
  std::vector<std::pair<std::string, std::string>> group;  // group-by field -> value
  std::int64_t time_ms = 0;          // event time (match) or window end (correlation), UTC ms
  std::int64_t window_start_ms = 0;  // correlation only
  std::int64_t window_end_ms = 0;
  double value = 0;  // correlation only: the aggregate that met the condition
  std::uint64_t event_count = 0;
  std::vector<EventRef> events;  // contributing events (capped by the producer)
  std::string status = "new";
  std::int64_t created_ms = 0;  // wall-clock time it was first stored (set by Store::commit if 0)

  friend bool operator==(const AlertRecord&, const AlertRecord&) = default;
};

// Larger inputs are rejected by alert_from_json() (a stored alert is a few KiB).
inline constexpr std::size_t kMaxAlertJsonBytes = 16 * 1024 * 1024;

// JSON object (one line, stable key order) and back. from_json fails with a Status on anything
// malformed.
std::string to_json(const AlertRecord& a);
Result<AlertRecord> alert_from_json(std::string_view json);

}  // namespace vigie::store
