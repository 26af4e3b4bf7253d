// Prometheus metrics of the stream processor: counters, gauges and histograms kept in a Registry
// and rendered in the Prometheus text exposition format 0.0.4 (docs/observability.md).
//
// Hot path: Counter::inc, Gauge::set/add and Histogram::observe are lock-free (relaxed atomics),
// never allocate and may be called from any thread. Creating or looking a metric up through the
// Registry takes a mutex and allocates: look each metric up once (at wiring or rule-compile time),
// keep the reference, and update that. References stay valid for the registry's lifetime.
//
// Privacy: label values are rule ids, tenant ids, topic names, reason codes. Never event payloads
// or field values (EHR and AD events carry personal data): everything rendered here is scraped,
// stored and shown to people who must not see them. Every distinct label set is a series that lives
// as long as the registry, so label values also come from small, closed sets.
//
// Naming: every Vigie metric starts with `vigie_`; counters end in `_total`; units are base units
// in the name (`_seconds`, `_bytes`). Names are checked against Prometheus's
// [a-zA-Z_:][a-zA-Z0-9_:]*, label names against [a-zA-Z_][a-zA-Z0-9_]* (not starting with "__";
// "le" is reserved for histograms).
//
// Thread safety: every member of every class here may be called concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace vigie::observe {

using Labels = std::vector<std::pair<std::string, std::string>>;

// A monotonically increasing count (events, matches, dead letters).
class Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down (lag, queue depth, store size).
class Gauge {
 public:
  Gauge() = default;
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// A distribution over fixed buckets (latencies, batch sizes). Bucket upper bounds are inclusive
// (`le`): an observation v lands in the first bucket whose bound is >= v, and in +Inf when above
// all of them. Exposition is cumulative. NaN observations are ignored.
class Histogram {
 public:
  // `upper_bounds` must be strictly increasing and finite (Registry::histogram checks this and
  // drops a trailing +Inf); the +Inf bucket is implicit.
  explicit Histogram(std::vector<double> upper_bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  void observe(double v);

  const std::vector<double>& upper_bounds() const { return bounds_; }
  // Cumulative counts, one per upper bound followed by the +Inf bucket (== count()). Read bucket
  // by bucket while observations go on: consistent with itself, not with sum().
  std::vector<std::uint64_t> cumulative_counts() const;
  std::uint64_t count() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // per bucket, last = +Inf; not cumulative
  std::atomic<double> sum_{0.0};
};

// Bucket helpers: `count` bounds start, start+width, ... / start, start*factor, ...
// (start > 0, factor > 1 for the exponential form; count <= 0 gives no bounds).
std::vector<double> linear_buckets(double start, double width, int count);
std::vector<double> exponential_buckets(double start, double factor, int count);

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Returns the metric named `name` with these labels, creating it (value 0) on first use; the
  // same (name, labels) returns the same object whatever the order of `labels`. The first call of
  // a family sets its help text (later ones may pass any help; it is not compared).
  //
  // A wrong call (invalid metric or label name, duplicate label name, a name already registered
  // with another type, a histogram registered again with other buckets, buckets not strictly
  // increasing) does not crash and does not throw: it returns a detached metric that works but is
  // never rendered, and records the error for check(). Wiring code calls check() once and fails
  // startup on an error.
  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  // `buckets`: upper bounds, strictly increasing, finite (a trailing +Inf is accepted and dropped).
  // All series of one histogram family share the buckets of its first registration.
  Histogram& histogram(std::string_view name, std::string_view help, std::vector<double> buckets,
                       const Labels& labels = {});

  // The first registration error, or ok. Codes: metric-invalid-name, metric-invalid-label,
  // metric-type-conflict, metric-invalid-buckets.
  Status check() const;

  // Registers a callback run by render() before rendering, to set gauges sampled at scrape time
  // (consumer lag, RocksDB sizes). Callbacks run one scrape at a time, in registration order, on
  // the scraping thread, with no registry lock held: they may create and set metrics but must not
  // call render(). A callback that throws is caught and counted in
  // vigie_scrape_callback_errors_total (created on the first failure); its gauges keep their
  // previous values.
  void on_scrape(std::function<void(Registry&)> f);

  // Runs the on_scrape callbacks, then renders every family in the text exposition format 0.0.4:
  // families sorted by name, each with one "# HELP" and one "# TYPE" line; series sorted by their
  // labels, labels sorted by name; histograms as cumulative _bucket{le=...} lines ending with
  // le="+Inf", then _sum and _count. HELP text escapes \ and newline; label values escape \, " and
  // newline, and invalid UTF-8 bytes become U+FFFD. Values: integers for counters and bucket
  // counts; shortest round-trip decimal for doubles, "+Inf", "-Inf", "NaN".
  //
  // const because it changes no metric itself; the callbacks it runs receive this registry as
  // non-const (a Registry is never meant to be a const object).
  std::string render() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace vigie::observe
