#include "observe/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <exception>
#include <map>
#include <mutex>

#include "common/utf8.h"

namespace vigie::observe {

// ---------------------------------------------------------------------------------------------
// Histogram

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::observe(double v) {
  if (std::isnan(v)) return;
  // Few buckets (typically 10-20): a linear scan beats a binary search and needs no branch misses
  // on the common small values.
  std::size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::cumulative_counts() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    out[i] = total;
  }
  return out;
}

std::uint64_t Histogram::count() const {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
  }
  return total;
}

std::vector<double> linear_buckets(double start, double width, int count) {
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(std::max(count, 0)));
  for (int i = 0; i < count; ++i) out.push_back(start + width * i);
  return out;
}

std::vector<double> exponential_buckets(double start, double factor, int count) {
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(std::max(count, 0)));
  double v = start;
  for (int i = 0; i < count; ++i, v *= factor) out.push_back(v);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Registry

namespace {

enum class Type { kCounter, kGauge, kHistogram };

const char* type_name(Type t) {
  switch (t) {
    case Type::kCounter:
      return "counter";
    case Type::kGauge:
      return "gauge";
    case Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

bool valid_name(std::string_view s, bool allow_colon) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (allow_colon && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void append_escaped_help(std::string& out, std::string_view s) {
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
}

// The exposition format is UTF-8: a label value that is not would make the whole scrape fail, so
// its invalid bytes become U+FFFD rather than reaching Prometheus.
void append_escaped_label_value(std::string& out, std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      std::size_t n = utf8::char_length_at(s, i);
      if (n == 1) {
        out += "\xEF\xBF\xBD";
      } else {
        out.append(s.substr(i, n));
      }
      i += n;
      continue;
    }
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(static_cast<char>(c));
    }
    ++i;
  }
}

void append_double(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, ec == std::errc() ? end : buf);
  }
}

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, ec == std::errc() ? end : buf);
}

struct Series {
  std::unique_ptr<Counter> counter;
  std::unique_ptr<Gauge> gauge;
  std::unique_ptr<Histogram> histogram;
};

struct Family {
  Type type = Type::kCounter;
  std::string help;
  std::vector<double> buckets;  // histograms only
  // Key: the rendered label set without braces (`a="x",b="y"`), labels sorted by name. Label names
  // are identifiers and values are escaped, so the rendering is a unique key of the label set.
  std::map<std::string, Series> series;
};

}  // namespace

struct Registry::State {
  mutable std::mutex mutex;  // families, first_error, callbacks
  std::map<std::string, Family, std::less<>> families;
  Status first_error;
  std::vector<std::function<void(Registry&)>> callbacks;
  // Returned by wrong calls: they work, nothing renders them.
  Counter detached_counter;
  Gauge detached_gauge;
  Histogram detached_histogram{{}};
  mutable std::mutex scrape_mutex;  // one scrape (callbacks + render) at a time

  void record(Status s) {
    if (first_error.ok()) first_error = std::move(s);
  }

  // Validates the call and returns its series (created on first use), or nullptr after recording
  // the error. Called with `mutex` held.
  Series* find_or_create(Type type, std::string_view name, std::string_view help,
                         const Labels& labels, const std::vector<double>* buckets);
};

Series* Registry::State::find_or_create(Type type, std::string_view name, std::string_view help,
                                        const Labels& labels, const std::vector<double>* buckets) {
  if (!valid_name(name, /*allow_colon=*/true)) {
    record(Status::error("metric-invalid-name", "invalid metric name '" + std::string(name) +
                                                    "' (expected [a-zA-Z_:][a-zA-Z0-9_:]*)"));
    return nullptr;
  }
  std::vector<const std::pair<std::string, std::string>*> sorted;
  sorted.reserve(labels.size());
  for (const auto& label : labels) sorted.push_back(&label);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  std::string key;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const std::string& label_name = sorted[i]->first;
    std::string problem;
    if (!valid_name(label_name, /*allow_colon=*/false)) {
      problem = "is not [a-zA-Z_][a-zA-Z0-9_]*";
    } else if (label_name.rfind("__", 0) == 0) {
      problem = "is reserved (starts with __)";
    } else if (type == Type::kHistogram && label_name == "le") {
      problem = "is reserved for histogram buckets";
    } else if (i > 0 && sorted[i - 1]->first == label_name) {
      problem = "is given twice";
    }
    if (!problem.empty()) {
      std::string message = "metric '";
      message += name;
      message += "': label name '";
      message += label_name;
      message += "' ";
      message += problem;
      record(Status::error("metric-invalid-label", std::move(message)));
      return nullptr;
    }
    if (i > 0) key.push_back(',');
    key += label_name;
    key += "=\"";
    append_escaped_label_value(key, sorted[i]->second);
    key.push_back('"');
  }

  auto it = families.find(name);
  if (it == families.end()) {
    Family family;
    family.type = type;
    family.help = std::string(help);
    if (buckets != nullptr) family.buckets = *buckets;
    it = families.emplace(std::string(name), std::move(family)).first;
  } else if (it->second.type != type) {
    record(Status::error("metric-type-conflict",
                         "metric '" + std::string(name) + "' is already a " +
                             type_name(it->second.type) + ", not a " + type_name(type)));
    return nullptr;
  } else if (buckets != nullptr && it->second.buckets != *buckets) {
    record(Status::error(
        "metric-invalid-buckets",
        "histogram '" + std::string(name) + "' is already registered with other buckets"));
    return nullptr;
  }

  Family& family = it->second;
  auto [series_it, inserted] = family.series.try_emplace(std::move(key));
  Series& series = series_it->second;
  if (inserted) {
    switch (type) {
      case Type::kCounter:
        series.counter = std::make_unique<Counter>();
        break;
      case Type::kGauge:
        series.gauge = std::make_unique<Gauge>();
        break;
      case Type::kHistogram:
        series.histogram = std::make_unique<Histogram>(family.buckets);
        break;
    }
  }
  return &series;
}

Registry::Registry() : state_(std::make_unique<State>()) {}
Registry::~Registry() = default;

Counter& Registry::counter(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(state_->mutex);
  Series* s = state_->find_or_create(Type::kCounter, name, help, labels, nullptr);
  return s != nullptr ? *s->counter : state_->detached_counter;
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(state_->mutex);
  Series* s = state_->find_or_create(Type::kGauge, name, help, labels, nullptr);
  return s != nullptr ? *s->gauge : state_->detached_gauge;
}

Histogram& Registry::histogram(std::string_view name, std::string_view help,
                               std::vector<double> buckets, const Labels& labels) {
  if (!buckets.empty() && std::isinf(buckets.back()) && buckets.back() > 0) buckets.pop_back();
  bool valid =
      std::all_of(buckets.begin(), buckets.end(), [](double b) { return std::isfinite(b); });
  for (std::size_t i = 1; valid && i < buckets.size(); ++i) valid = buckets[i - 1] < buckets[i];
  std::lock_guard lock(state_->mutex);
  if (!valid) {
    state_->record(Status::error("metric-invalid-buckets",
                                 "histogram '" + std::string(name) +
                                     "': bucket bounds must be finite and strictly increasing"));
    return state_->detached_histogram;
  }
  Series* s = state_->find_or_create(Type::kHistogram, name, help, labels, &buckets);
  return s != nullptr ? *s->histogram : state_->detached_histogram;
}

Status Registry::check() const {
  std::lock_guard lock(state_->mutex);
  return state_->first_error;
}

void Registry::on_scrape(std::function<void(Registry&)> f) {
  if (!f) return;
  std::lock_guard lock(state_->mutex);
  state_->callbacks.push_back(std::move(f));
}

std::string Registry::render() const {
  std::lock_guard scrape_lock(state_->scrape_mutex);

  std::vector<std::function<void(Registry&)>> callbacks;
  {
    std::lock_guard lock(state_->mutex);
    callbacks = state_->callbacks;
  }
  // The callbacks set gauges (interior state, like every metric update) and may create metrics;
  // the registry itself is never a const object (every accessor is non-const), so this is sound.
  auto& self = const_cast<Registry&>(*this);  // NOLINT(cppcoreguidelines-pro-type-const-cast)
  for (const auto& f : callbacks) {
    try {
      f(self);
    } catch (...) {
      self.counter("vigie_scrape_callback_errors_total",
                   "on_scrape callbacks that threw; their metrics kept their previous values")
          .inc();
    }
  }

  std::string out;
  std::lock_guard lock(state_->mutex);
  // Named references rather than structured bindings: clang 14 (the fuzz build) cannot capture
  // those in the lambda below.
  for (const auto& family_entry : state_->families) {
    const std::string& name = family_entry.first;
    const Family& family = family_entry.second;
    out += "# HELP ";
    out += name;
    out.push_back(' ');
    append_escaped_help(out, family.help);
    out += "\n# TYPE ";
    out += name;
    out.push_back(' ');
    out += type_name(family.type);
    out.push_back('\n');
    for (const auto& series_entry : family.series) {
      const std::string& labels = series_entry.first;
      const Series& series = series_entry.second;
      auto append_series = [&](std::string_view suffix, std::string_view extra_label) {
        out += name;
        out += suffix;
        if (!labels.empty() || !extra_label.empty()) {
          out.push_back('{');
          out += labels;
          if (!labels.empty() && !extra_label.empty()) out.push_back(',');
          out += extra_label;
          out.push_back('}');
        }
        out.push_back(' ');
      };
      switch (family.type) {
        case Type::kCounter:
          append_series("", "");
          append_uint(out, series.counter->value());
          out.push_back('\n');
          break;
        case Type::kGauge:
          append_series("", "");
          append_double(out, series.gauge->value());
          out.push_back('\n');
          break;
        case Type::kHistogram: {
          const Histogram& h = *series.histogram;
          std::vector<std::uint64_t> cumulative = h.cumulative_counts();
          std::string le;
          for (std::size_t i = 0; i < cumulative.size(); ++i) {
            le = "le=\"";
            if (i < h.upper_bounds().size()) {
              append_double(le, h.upper_bounds()[i]);
            } else {
              le += "+Inf";
            }
            le.push_back('"');
            append_series("_bucket", le);
            append_uint(out, cumulative[i]);
            out.push_back('\n');
          }
          append_series("_sum", "");
          append_double(out, h.sum());
          out.push_back('\n');
          // _count from the same reads as the buckets, so that it always equals the +Inf bucket.
          append_series("_count", "");
          append_uint(out, cumulative.back());
          out.push_back('\n');
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace vigie::observe
