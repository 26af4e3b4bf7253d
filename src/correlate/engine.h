// Engine: the stateful evaluator of a CorrelationSet over a stream of events in event time.
//
// Feed it every event with the single-event rules it matched (Matcher::match); it returns the
// correlation alerts those events complete. Semantics (docs/correlation.md explains them to rule
// authors):
//
// - Time. An event's time is Event::time_ms. The watermark is the greatest event time seen minus
//   the allowed lateness. An event older than the watermark is late: it is counted and not
//   correlated (single-event rules still see it); an event without a time is counted likewise.
//   Events within the lateness are placed at their time, so arrival order does not matter.
// - Windows slide. A group satisfies a correlation when some interval [s, s + timespan], both
//   edges included, holds events that satisfy the condition. Conditions that can only become true
//   as events are added (gt/gte on event_count, value_count, temporal, temporal_ordered,
//   value_sum) are decided as soon as they hold; the others (lt, lte, eq, neq, and every
//   value_avg and value_percentile condition) over each maximal window that starts at one of the
//   group's events (one that holds an event no earlier window holds), once the watermark passes
//   the window's end.
// - Groups. The group key is the tenant plus the group-by values (through aliases). An event that
//   lacks a group-by field (absent or null) does not take part in that correlation (counted as
//   missing_group_field): it is not lumped with others into an "empty" group. Values compare as
//   written, case-sensitively.
// - Episodes. A group alerts once per episode: a satisfying window that overlaps the previous
//   satisfying window of the same group (starts at or before its end) continues the episode and
//   does not alert again. A group alerts again only with a satisfying window that starts after
//   the end of the last one.
// - Chaining. A correlation's result feeds the correlations that reference it with time
//   window_end and with its group values; it is never late.
// - Alert ids are a digest of (correlation key, tenant, group values, window start).
//
// Bounded state: per correlation at most Limits::max_groups groups (when full, the least
// recently active sixteenth is evicted) and at most Limits::max_items_per_group events per group
// (the oldest is dropped); both are counted in Stats. State older than the watermark minus the
// timespan is dropped as the watermark advances.
//
// snapshot() serialises the whole state (versioned, little-endian); restore() into an engine
// built on the same correlations continues exactly where the snapshot was taken.
//
// Not thread-safe: one Engine per stream (the stream processor keeps one per partition group).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "correlate/correlation_set.h"
#include "event/event.h"

namespace vigie::correlate {

// What identifies an event to whoever reads the alert: an input line for `vigie hunt`, a packed
// (partition, offset) for the stream processor.
using EventRef = std::uint64_t;

struct Limits {
  std::size_t max_groups = 100'000;          // per correlation rule
  std::size_t max_items_per_group = 10'000;  // events (times, values, samples) per group
  std::size_t max_alert_events = 32;         // event references an alert carries
};

struct EngineOptions {
  std::int64_t allowed_lateness_ms = 5 * 60 * 1000;
  Limits limits;
};

struct Alert {
  std::uint32_t correlation = 0;  // index in the CorrelationSet
  std::string id;                 // 32 hex digits
  std::string tenant;
  std::vector<std::string> group;  // values, in the correlation's group-by order
  std::int64_t window_start = 0;   // ms since the epoch, UTC
  std::int64_t window_end = 0;
  double value = 0;               // the aggregate that met the condition
  std::vector<EventRef> events;   // the first Limits::max_alert_events contributing events
  std::uint64_t event_count = 0;  // contributing events in all
};

struct Stats {
  std::uint64_t events = 0;               // events given to process()
  std::uint64_t untimed = 0;              // matched a correlated rule but had no time
  std::uint64_t late = 0;                 // matched a correlated rule but older than the watermark
  std::uint64_t missing_group_field = 0;  // (event, correlation) skipped: a group-by value absent
  std::uint64_t missing_value = 0;        // (event, correlation) skipped: condition field absent
                                          // or not a number where one is needed
  std::uint64_t alerts = 0;               // results produced (reported or feeding others)
  std::uint64_t episode_continued = 0;    // satisfying windows that continued an episode
  std::uint64_t groups_evicted = 0;       // groups dropped early because of max_groups
  std::uint64_t items_evicted = 0;        // events dropped early (max_groups, max_items)
};

class Engine {
 public:
  Engine(std::shared_ptr<const CorrelationSet> set, EngineOptions options = {});
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  // One event and the single-event rules it matched (ascending indices, as Matcher returns them).
  // Appends the alerts to report to `out` (results of correlations that only feed others are
  // not appended). Events that match no correlated rule still advance the watermark.
  void process(const event::Event& e, EventRef ref, std::span<const std::uint32_t> matched,
               std::vector<Alert>& out);
  // End of input: decides every open window as if the watermark were at +infinity.
  void flush(std::vector<Alert>& out);

  // Greatest event time seen minus the allowed lateness (event::Event::kNoTime before any).
  std::int64_t watermark() const;
  const Stats& stats() const;
  std::size_t active_groups() const;
  // Bytes held by correlation state (group keys, windows, indexes), computed from sizes.
  std::size_t state_bytes() const;

  std::string snapshot() const;
  // Replaces the state with a snapshot's. Correlations are matched by key (id, else name, else
  // title); state of correlations the set no longer has is dropped. Fails on a malformed or
  // foreign snapshot, leaving the engine empty.
  Status restore(std::string_view bytes);

  const CorrelationSet& correlations() const { return *set_; }

 private:
  class Impl;
  friend class SnapshotCodec;
  std::shared_ptr<const CorrelationSet> set_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigie::correlate
