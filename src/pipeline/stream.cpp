#include "pipeline/stream.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include "common/digest.h"
#include "common/timestamp.h"
#include "correlate/engine.h"
#include "correlate/load.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "observe/logger.h"
#include "observe/metrics.h"
#include "pipeline/deployment.h"
#include "pipeline/processor.h"
#include "store/store.h"

namespace vigie::pipeline {

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Correlation events are referenced by (route, offset): the route index in the top 16 bits.
constexpr int kRouteShift = 48;
correlate::EventRef pack_ref(std::size_t route, std::int64_t offset) {
  return (static_cast<std::uint64_t>(route) << kRouteShift) |
         (static_cast<std::uint64_t>(offset) & ((std::uint64_t{1} << kRouteShift) - 1));
}

constexpr std::string_view kLeasesKey = "enrich/leases";
constexpr std::string_view kPatientLinksKey = "enrich/patient-links";

std::string task_state_key(std::int32_t partition) { return "task/" + std::to_string(partition); }

const char* family_name(decode::Family f) {
  switch (f) {
    case decode::Family::kAd:
      return "ad";
    case decode::Family::kVpn:
      return "vpn";
    case decode::Family::kEhr:
      return "ehr";
  }
  return "ad";
}

// What the configuration describes and a reload replaces as a whole: establishments and rules.
struct Generation {
  std::uint64_t number = 0;
  std::unique_ptr<Deployment> deployment;
  correlate::LoadedDetection detection;
};

// Builds a generation; every problem is appended to `problems` ("file:line:col: error: ...").
std::shared_ptr<Generation> build_generation(const config::Config& config, std::uint64_t number,
                                             std::vector<std::string>& problems,
                                             std::vector<std::string>& warnings) {
  auto g = std::make_shared<Generation>();
  g->number = number;
  Result<std::unique_ptr<Deployment>> d = Deployment::build(config, warnings);
  if (!d.ok()) {
    problems.push_back(d.status().message());
    return nullptr;
  }
  g->deployment = std::move(*d);
  g->detection = correlate::load_detection(
      {config.rules.paths, config.rules.placeholders, config.rules.logsource_maps, {"tenant"}});
  for (const rules::Diagnostic& diag : g->detection.diags.items()) {
    if (diag.severity != rules::Severity::kError) continue;
    problems.push_back(diag.file + ":" + std::to_string(diag.line) + ":" +
                       std::to_string(diag.column) + ": error: [" + diag.code + "] " +
                       diag.message);
  }
  if (g->detection.loaded() == 0) problems.push_back("no rule loaded from the rules paths");
  return problems.empty() ? g : nullptr;
}

}  // namespace

// One consumed record, copied out of librdkafka's buffers.
struct QueuedRecord {
  std::uint16_t route = 0;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::int64_t timestamp_ms = 0;
  std::string value;
  std::string tenant_header;
};

class StreamProcessor::Impl {
 public:
  class Worker;

  Impl(config::Config config, observe::Logger& log, observe::Registry& metrics,
       std::shared_ptr<store::Store> store, std::shared_ptr<Generation> generation,
       std::vector<const decode::Format*> route_formats)
      : config_(std::move(config)),
        log_(log),
        metrics_(metrics),
        store_(std::move(store)),
        generation_(std::move(generation)),
        route_formats_(std::move(route_formats)) {}

  Status start_clients(bool partition_eof);
  Status run(const std::atomic<bool>& stop, std::atomic<bool>& reload, bool stop_at_end);
  bool idle() const;

  // Fatal error from any thread: the first one wins; everything stops without writing more.
  void fail(const Status& s) {
    std::lock_guard<std::mutex> lock(fatal_mutex_);
    if (fatal_.ok()) fatal_ = s;
    failed_.store(true);
  }
  bool failed() const { return failed_.load(); }

  std::shared_ptr<const Generation> generation() const {
    std::lock_guard<std::mutex> lock(generation_mutex_);
    return generation_;
  }

  void reload();

  config::Config config_;
  observe::Logger& log_;
  observe::Registry& metrics_;
  std::shared_ptr<store::Store> store_;
  mutable std::mutex generation_mutex_;
  std::shared_ptr<const Generation> generation_;
  std::vector<const decode::Format*> route_formats_;  // per route; nullptr: sniff
  // What the /metrics scrape reads of this processor, while it runs.
  struct Scrape {
    std::mutex mutex;
    kafka::Consumer* consumer = nullptr;
  };
  std::shared_ptr<Scrape> scrape_ = std::make_shared<Scrape>();
  std::unique_ptr<kafka::RebalanceListener> listener_;
  std::unique_ptr<kafka::Consumer> consumer_;
  std::unique_ptr<kafka::Producer> producer_;  // dead letters and alerts; null when neither
  Enrichment enrichment_;
  std::vector<std::unique_ptr<Worker>> workers_;

  std::mutex commit_mutex_;  // store writes that carry the shared enrichment state, in order
  std::mutex fatal_mutex_;
  Status fatal_ = Status::ok_status();
  std::atomic<bool> failed_{false};
  std::atomic<bool> ready_{false};

  // Offsets written to the store, to commit to Kafka for lag monitoring.
  std::mutex committed_mutex_;
  std::map<std::pair<std::uint16_t, std::int32_t>, std::int64_t> committed_;

  std::atomic<std::uint64_t> records_{0}, rejected_{0}, events_{0}, alerts_{0}, batches_{0};
};

// A worker thread: the tasks (partition numbers) it owns, their engines, its micro-batch.
class StreamProcessor::Impl::Worker {
 public:
  Worker(Impl& impl, std::size_t index) : impl_(impl), index_(index) {
    auto& m = impl.metrics_;
    batch_seconds_ = &m.histogram("vigie_batch_seconds", "Time to process and write a micro-batch",
                                  observe::exponential_buckets(0.001, 2, 14));
    store_seconds_ = &m.histogram("vigie_store_write_seconds", "Time of one RocksDB write batch",
                                  observe::exponential_buckets(0.0001, 2, 16));
    groups_ = &m.gauge("vigie_correlation_groups", "Correlation groups held",
                       {{"worker", std::to_string(index)}});
    state_bytes_ = &m.gauge("vigie_correlation_state_bytes", "Bytes of correlation state",
                            {{"worker", std::to_string(index)}});
    late_ = &m.gauge("vigie_correlation_late_events",
                     "Events older than the watermark, not correlated (tasks held now, since "
                     "they were loaded)",
                     {{"worker", std::to_string(index)}});
    evicted_ = &m.gauge("vigie_correlation_evicted_groups",
                        "Correlation groups dropped early by max_groups (tasks held now)",
                        {{"worker", std::to_string(index)}});
    thread_ = std::thread([this] { loop(); });
  }
  ~Worker() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      quit_ = true;
    }
    not_empty_.notify_all();
    not_full_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  // Nothing queued and nothing in the current micro-batch.
  bool idle() {
    std::lock_guard<std::mutex> lock(mutex_);
    return queue_.empty() && !busy_;
  }

  // Blocks while the queue is full (backpressure), unless the processor failed.
  void push_records(std::vector<QueuedRecord>&& records) {
    std::unique_lock<std::mutex> lock(mutex_);
    not_full_.wait(lock, [&] {
      return queued_ < impl_.config_.processing.queue_records || impl_.failed() || quit_;
    });
    queued_ += records.size();
    queue_.push_back(Command{std::move(records), {}, nullptr});
    not_empty_.notify_one();
  }

  // Finish the queued records of `release` (all, when empty and `sync`), write them, and forget
  // the tasks of those partitions. Returns when done (or when the processor failed).
  std::future<void> push_release(std::vector<std::pair<std::uint16_t, std::int32_t>> release) {
    auto done = std::make_shared<std::promise<void>>();
    std::future<void> f = done->get_future();
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(Command{{}, std::move(release), std::move(done)});
    not_empty_.notify_one();
    return f;
  }

 private:
  struct Command {
    std::vector<QueuedRecord> records;
    std::vector<std::pair<std::uint16_t, std::int32_t>> release;  // with `done`: a release
    std::shared_ptr<std::promise<void>> done;
  };
  struct Task {
    std::unique_ptr<correlate::Engine> engine;
  };

  void loop() {
    try {
      run_loop();
    } catch (const std::exception& e) {
      impl_.fail(Status::error("internal", std::string("worker: ") + e.what()));
    }
    // Whoever waits on this worker must not wait forever.
    std::lock_guard<std::mutex> lock(mutex_);
    for (Command& c : queue_) {
      if (c.done) c.done->set_value();
    }
    queue_.clear();
  }

  void run_loop() {
    while (true) {
      Command cmd;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        busy_ = false;  // the previous command is done
        const auto deadline =
            batch_started_ + std::chrono::milliseconds(impl_.config_.processing.batch_ms);
        if (batch_records_ > 0) {
          not_empty_.wait_until(lock, deadline, [&] { return !queue_.empty() || quit_; });
        } else {
          not_empty_.wait(lock, [&] { return !queue_.empty() || quit_; });
        }
        if (quit_ || impl_.failed()) return;
        if (queue_.empty()) {  // the batch's time is up
          lock.unlock();
          commit();
          continue;
        }
        cmd = std::move(queue_.front());
        queue_.pop_front();
        busy_ = true;
        queued_ -= cmd.records.size();
        not_full_.notify_all();
      }
      if (cmd.done) {
        commit();
        for (auto [route, partition] : cmd.release) {
          tasks_.erase(partition);  // reloaded from the store if it comes back
          expected_.erase({route, partition});
        }
        if (cmd.release.empty()) {
          tasks_.clear();
          expected_.clear();
        }
        cmd.done->set_value();
        continue;
      }
      maybe_switch_generation();
      for (QueuedRecord& r : cmd.records) {
        if (impl_.failed()) return;
        process(r);
        if (batch_records_ >= impl_.config_.processing.batch_records) commit();
      }
      if (Clock::now() - batch_started_ >=
          std::chrono::milliseconds(impl_.config_.processing.batch_ms)) {
        commit();
      }
    }
  }

  // A reload gives workers a new generation at a batch boundary: state moves by snapshot.
  void maybe_switch_generation() {
    std::shared_ptr<const Generation> g = impl_.generation();
    if (generation_ == g) return;
    commit();
    std::map<std::int32_t, std::string> snapshots;
    for (auto& [p, t] : tasks_) snapshots[p] = t.engine->snapshot();
    generation_ = g;
    ProcessorOptions o;
    o.require_tenant = true;
    o.max_record_bytes = impl_.config_.max_record_bytes;
    if (!impl_.config_.ehr_flat_columns.empty())
      o.ehr_flat_columns = &impl_.config_.ehr_flat_columns;
    processor_ =
        std::make_unique<Processor>(*g->deployment, g->detection.rules, impl_.enrichment_, o);
    tasks_.clear();
    for (auto& [p, bytes] : snapshots) {
      Task& t = tasks_[p];
      t.engine = make_engine();
      if (Status s = t.engine->restore(bytes); !s.ok()) {
        impl_.log_.warn("correlation-state-dropped",
                        {{"task", std::to_string(p)}, {"reason", s.code()}});
      }
    }
  }

  std::unique_ptr<correlate::Engine> make_engine() const {
    const config::ProcessingSettings& p = impl_.config_.processing;
    correlate::EngineOptions o;
    o.allowed_lateness_ms = p.lateness_ms;
    o.limits.max_groups = p.max_groups;
    o.limits.max_items_per_group = p.max_items_per_group;
    o.limits.max_alert_events = p.max_alert_events;
    return std::make_unique<correlate::Engine>(generation_->detection.correlations, o);
  }

  Task& task(std::int32_t partition) {
    auto it = tasks_.find(partition);
    if (it != tasks_.end()) return it->second;
    Task& t = tasks_[partition];
    t.engine = make_engine();
    if (std::optional<std::string> bytes = impl_.store_->state(task_state_key(partition))) {
      if (Status s = t.engine->restore(*bytes); !s.ok()) {
        impl_.log_.warn("correlation-state-dropped",
                        {{"task", std::to_string(partition)}, {"reason", s.code()}});
        t.engine = make_engine();
      }
    }
    return t;
  }

  void process(QueuedRecord& r) {
    if (batch_records_ == 0) batch_started_ = Clock::now();
    ++batch_records_;
    current_partition_ = r.partition;
    impl_.records_.fetch_add(1, std::memory_order_relaxed);
    const config::RouteSettings& route = impl_.config_.routes[r.route];
    Task& t = task(r.partition);
    const Generation& g = *generation_;
    const correlate::CorrelationSet& correlations = *g.detection.correlations;
    std::uint32_t inner = 0;
    auto output = make_output(
        [&](std::string_view code, const std::string& message) {
          (void)message;
          impl_.rejected_.fetch_add(1, std::memory_order_relaxed);
          impl_.metrics_
              .counter("vigie_records_rejected_total", "Records that gave no event, by reason",
                       {{"reason", std::string(code)}, {"topic", route.topic}})
              .inc();
          dead_letter(r, route, code);
          ++inner;
        },
        [&](const event::Event& ev, decode::Family family, std::span<const std::uint32_t> matched) {
          impl_.events_.fetch_add(1, std::memory_order_relaxed);
          events_counter(family).inc();
          for (std::uint32_t idx : matched) {
            if (!correlations.rule_reported(idx)) continue;
            match_alert(g.detection.rules->rule(idx), ev, r, route, inner);
          }
          t.engine->process(ev, pack_ref(r.route, r.offset), matched, alerts_);
          for (const correlate::Alert& a : alerts_) correlation_alert(correlations, a);
          alerts_.clear();
          ++inner;
        });
    const RecordSource source{.topic = route.topic,
                              .tenant_header = r.tenant_header,
                              .received_ms = r.timestamp_ms > 0 ? r.timestamp_ms : now_ms(),
                              .line = r.offset};
    check_gap(r, route);
    processor_->process(r.value, source, output, impl_.route_formats_[r.route]);
    offsets_[{r.route, r.partition}] = r.offset + 1;
    expected_[{r.route, r.partition}] = r.offset + 1;
    dirty_tasks_.insert(r.partition);
  }

  // Records the log no longer holds (retention deleted them before they were read, or the topic
  // was recreated) are lost to the SOC: say so, with how many. Transaction markers also take an
  // offset each: gaps of one are not counted.
  void check_gap(const QueuedRecord& r, const config::RouteSettings& route) {
    const std::pair<std::uint16_t, std::int32_t> tp{r.route, r.partition};
    auto it = expected_.find(tp);
    std::optional<std::int64_t> expected;
    if (it != expected_.end()) {
      expected = it->second;
    } else {
      expected = impl_.store_->offset(route.topic, r.partition);
    }
    if (!expected || r.offset <= *expected + 1) return;
    const std::int64_t missing = r.offset - *expected;
    impl_.metrics_
        .counter("vigie_records_skipped_total",
                 "Records deleted from the log before they were read (retention)",
                 {{"topic", route.topic}})
        .inc(static_cast<std::uint64_t>(missing));
    impl_.log_.warn("offset-gap", {{"topic", route.topic},
                                   {"partition", std::to_string(r.partition)},
                                   {"from", std::to_string(*expected)},
                                   {"to", std::to_string(r.offset)},
                                   {"missing", std::to_string(missing)}});
  }

  observe::Counter& events_counter(decode::Family f) {
    observe::Counter*& c = events_by_family_[static_cast<int>(f)];
    if (c == nullptr) {
      c = &impl_.metrics_.counter("vigie_events_processed_total", "Events decoded and detected",
                                  {{"family", family_name(f)}});
    }
    return *c;
  }

  void dead_letter(const QueuedRecord& r, const config::RouteSettings& route,
                   std::string_view code) {
    if (impl_.producer_ == nullptr || impl_.config_.kafka.dead_letter_topic.empty()) return;
    auto policy = impl_.config_.processing.dead_letter_payload.find(route.family);
    const bool raw =
        policy != impl_.config_.processing.dead_letter_payload.end() && policy->second == "raw";
    std::vector<kafka::Header> headers = {
        {"vigie-source-topic", route.topic},
        {"vigie-source-partition", std::to_string(r.partition)},
        {"vigie-source-offset", std::to_string(r.offset)},
        {"vigie-family", route.family},
        {"vigie-reason", std::string(code)},
        {"vigie-time", format_timestamp_ms(now_ms())},
    };
    if (!r.tenant_header.empty()) headers.push_back({"vigie-tenant", r.tenant_header});
    const std::string key =
        route.topic + "/" + std::to_string(r.partition) + "/" + std::to_string(r.offset);
    if (Status s =
            impl_.producer_->produce(impl_.config_.kafka.dead_letter_topic, key,
                                     raw ? std::string_view(r.value) : std::string_view(), headers);
        !s.ok()) {
      impl_.fail(Status::error("dead-letter", "cannot queue a dead letter: " + s.message()));
      return;
    }
    dead_letters_pending_ = true;
  }

  // What an alert says of its rule (a single-event rule or a correlation: same fields).
  template <class RuleT>
  static void set_rule(store::AlertRecord& a, const RuleT& rule) {
    a.rule_id = rule.id;
    a.rule_name = rule.name;
    a.rule_title = rule.title;
    a.rule_file = rule.file;
    a.level = rule.level;
    a.tags = rule.tags;
  }

  void match_alert(const rules::Rule& rule, const event::Event& ev, const QueuedRecord& r,
                   const config::RouteSettings& route, std::uint32_t inner) {
    store::AlertRecord a;
    ContentDigest d;
    d.add("match").add(rule.id.empty() ? rule.title : rule.id).add(ev.tenant).add(route.topic);
    d.add(static_cast<std::int64_t>(r.partition)).add(r.offset).add(std::int64_t{inner});
    a.id = d.hex(32);
    a.tenant = ev.tenant;
    a.kind = "match";
    set_rule(a, rule);
    a.time_ms = ev.time_ms != event::Event::kNoTime ? ev.time_ms : r.timestamp_ms;
    a.window_start_ms = a.window_end_ms = a.time_ms;
    a.event_count = 1;
    a.events.push_back({route.topic, r.partition, r.offset});
    a.created_ms = now_ms();
    add_alert(std::move(a));
  }

  void correlation_alert(const correlate::CorrelationSet& set, const correlate::Alert& alert) {
    const rules::Correlation& rule = set.at(alert.correlation).rule;
    store::AlertRecord a;
    a.id = alert.id;
    a.tenant = alert.tenant;
    a.kind = "correlation";
    set_rule(a, rule);
    a.correlation_type = rules::correlation_type_name(rule.type);
    for (std::size_t i = 0; i < alert.group.size() && i < rule.group_by.size(); ++i) {
      a.group.emplace_back(rule.group_by[i], alert.group[i]);
    }
    a.time_ms = alert.window_end;
    a.window_start_ms = alert.window_start;
    a.window_end_ms = alert.window_end;
    a.value = alert.value;
    a.event_count = alert.event_count;
    for (correlate::EventRef ref : alert.events) {
      const std::size_t route = static_cast<std::size_t>(ref >> kRouteShift);
      const std::int64_t offset =
          static_cast<std::int64_t>(ref & ((std::uint64_t{1} << kRouteShift) - 1));
      // The partition of a task's events is its number (co-partitioned topics).
      if (route < impl_.config_.routes.size()) {
        a.events.push_back({impl_.config_.routes[route].topic, current_partition_, offset});
      }
    }
    a.created_ms = now_ms();
    add_alert(std::move(a));
  }

  void add_alert(store::AlertRecord&& a) {
    impl_.metrics_
        .counter("vigie_alerts_total", "Alerts raised (before deduplication by id)",
                 {{"rule", a.rule_id.empty() ? a.rule_title : a.rule_id}, {"level", a.level}})
        .inc();
    if (!impl_.config_.kafka.alerts_topic.empty()) pending_publish_.push_back(a);
    batch_.add_alert(std::move(a));
  }

  // Writes the micro-batch: dead letters delivered first, then alerts, correlation state and next
  // offsets in one store write. A failure stops the processor; nothing is advanced.
  void commit() {
    if (batch_records_ == 0 && dirty_tasks_.empty()) return;
    const auto started = Clock::now();
    if (dead_letters_pending_) {
      // Waits through broker outages: a dead letter is never dropped to advance an offset.
      while (true) {
        Status s = impl_.producer_->flush(1000);
        if (s.ok()) break;
        if (impl_.failed() || quit_) return;
        if (impl_.producer_->failed() > 0) {
          impl_.fail(
              Status::error("dead-letter", "dead letters were not delivered: " + s.message()));
          return;
        }
      }
      dead_letters_pending_ = false;
    }
    for (std::int32_t p : dirty_tasks_) {
      auto it = tasks_.find(p);
      if (it != tasks_.end()) batch_.put_state(task_state_key(p), it->second.engine->snapshot());
    }
    for (const auto& [tp, next] : offsets_) {
      batch_.put_offset(impl_.config_.routes[tp.first].topic, tp.second, next);
    }
    // What enrichment learned (VPN leases, patient links) goes with the offsets too: a restart
    // attributes a pool address to the session that held it even when the session started
    // before the records it replays. Shared by the workers: each writes the whole table, which
    // holds at least what its own records taught it. Snapshots reach the store in the order they
    // are taken (commit_mutex_), so an older one never overwrites a newer one.
    std::unique_lock<std::mutex> in_order(impl_.commit_mutex_);
    {
      std::lock_guard<std::mutex> lock(impl_.enrichment_.mutex);
      batch_.put_state(kLeasesKey, impl_.enrichment_.leases.snapshot());
      batch_.put_state(kPatientLinksKey, impl_.enrichment_.patients.snapshot());
    }
    const auto write_started = Clock::now();
    Result<store::CommitResult> r = impl_.store_->commit(batch_);
    in_order.unlock();
    store_seconds_->observe(std::chrono::duration<double>(Clock::now() - write_started).count());
    if (!r.ok()) {
      impl_.fail(Status::error("store-write", r.status().message()));
      return;
    }
    impl_.alerts_.fetch_add(r->alerts_inserted, std::memory_order_relaxed);
    impl_.batches_.fetch_add(1, std::memory_order_relaxed);
    publish_alerts();
    {
      std::lock_guard<std::mutex> lock(impl_.committed_mutex_);
      for (const auto& [tp, next] : offsets_) impl_.committed_[tp] = next;
    }
    std::size_t groups = 0, bytes = 0;
    std::uint64_t late = 0, evicted = 0;
    for (auto& [p, t] : tasks_) {
      groups += t.engine->active_groups();
      bytes += t.engine->state_bytes();
      late += t.engine->stats().late;
      evicted += t.engine->stats().groups_evicted;
    }
    groups_->set(static_cast<double>(groups));
    state_bytes_->set(static_cast<double>(bytes));
    late_->set(static_cast<double>(late));
    evicted_->set(static_cast<double>(evicted));
    batch_seconds_->observe(std::chrono::duration<double>(Clock::now() - started).count());
    batch_.clear();
    offsets_.clear();
    dirty_tasks_.clear();
    batch_records_ = 0;
    batch_started_ = Clock::now();
  }

  // Alerts to the optional alerts topic, after they are stored: at least once, keyed by id.
  void publish_alerts() {
    if (impl_.producer_ == nullptr || impl_.config_.kafka.alerts_topic.empty()) return;
    for (const store::AlertRecord& a : pending_publish_) {
      (void)impl_.producer_->produce(impl_.config_.kafka.alerts_topic, a.id, store::to_json(a));
    }
    pending_publish_.clear();
  }

  Impl& impl_;
  std::size_t index_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable not_empty_, not_full_;
  std::deque<Command> queue_;
  std::size_t queued_ = 0;
  bool quit_ = false;
  bool busy_ = false;  // a command taken from the queue is being worked on

  std::shared_ptr<const Generation> generation_;
  std::unique_ptr<Processor> processor_;
  std::map<std::int32_t, Task> tasks_;
  std::vector<correlate::Alert> alerts_;
  store::Batch batch_;
  std::vector<store::AlertRecord> pending_publish_;
  std::map<std::pair<std::uint16_t, std::int32_t>, std::int64_t> offsets_;   // this batch's
  std::map<std::pair<std::uint16_t, std::int32_t>, std::int64_t> expected_;  // next to read
  std::set<std::int32_t> dirty_tasks_;
  std::size_t batch_records_ = 0;
  Clock::time_point batch_started_ = Clock::now();
  bool dead_letters_pending_ = false;
  std::int32_t current_partition_ = 0;
  observe::Counter* events_by_family_[3] = {nullptr, nullptr, nullptr};
  observe::Histogram* batch_seconds_;
  observe::Histogram* store_seconds_;
  observe::Gauge* groups_;
  observe::Gauge* state_bytes_;
  observe::Gauge* late_;
  observe::Gauge* evicted_;
};

namespace {

// Resumes each assigned partition from the offset in the store; finishes and writes a revoked
// partition's work before it goes.
class Listener : public kafka::RebalanceListener {
 public:
  explicit Listener(StreamProcessor::Impl& impl) : impl_(impl) {}

  std::vector<std::optional<std::int64_t>> on_assigned(
      const std::vector<kafka::TopicPartition>& tps) override {
    std::vector<std::optional<std::int64_t>> from;
    for (const auto& [topic, partition] : tps) {
      from.push_back(impl_.store_->offset(topic, partition));
      impl_.log_.info("partition-assigned",
                      {{"topic", topic},
                       {"partition", std::to_string(partition)},
                       {"from", from.back() ? std::to_string(*from.back()) : "committed"}});
    }
    impl_.ready_.store(true);
    return from;
  }

  void on_revoked(const std::vector<kafka::TopicPartition>& tps, bool lost) override;

 private:
  StreamProcessor::Impl& impl_;
};

std::size_t route_of(const config::Config& c, std::string_view topic) {
  for (std::size_t i = 0; i < c.routes.size(); ++i) {
    if (c.routes[i].topic == topic) return i;
  }
  return c.routes.size();
}

}  // namespace

void Listener::on_revoked(const std::vector<kafka::TopicPartition>& tps, bool lost) {
  if (impl_.workers_.empty()) return;  // not running (a failed run's consumer closing)
  // Each worker finishes the records it holds of these partitions and writes them, before the
  // partitions go. A lost assignment (session timeout) is handled the same: what was read is
  // written with its offsets; the new owner resumes from its own store.
  std::vector<std::vector<std::pair<std::uint16_t, std::int32_t>>> per_worker(
      impl_.workers_.size());
  for (const auto& [topic, partition] : tps) {
    const std::size_t route = route_of(impl_.config_, topic);
    if (route >= impl_.config_.routes.size()) continue;
    per_worker[static_cast<std::size_t>(partition) % impl_.workers_.size()].emplace_back(
        static_cast<std::uint16_t>(route), partition);
    impl_.log_.info("partition-revoked", {{"topic", topic},
                                          {"partition", std::to_string(partition)},
                                          {"lost", lost ? "true" : "false"}});
  }
  std::vector<std::future<void>> waits;
  for (std::size_t w = 0; w < per_worker.size(); ++w) {
    if (!per_worker[w].empty())
      waits.push_back(impl_.workers_[w]->push_release(std::move(per_worker[w])));
  }
  for (std::future<void>& f : waits) f.wait();
}

void StreamProcessor::Impl::reload() {
  std::vector<std::string> problems, warnings;
  std::shared_ptr<Generation> g =
      build_generation(config_, generation()->number + 1, problems, warnings);
  if (g == nullptr) {
    log_.error("reload-refused", {{"problems", std::to_string(problems.size())}});
    for (const std::string& p : problems) log_.error("reload-problem", {{"detail", p}});
    return;
  }
  {
    std::lock_guard<std::mutex> lock(generation_mutex_);
    generation_ = std::move(g);
  }
  log_.info("reloaded", {{"rules", std::to_string(generation()->detection.loaded())}});
}

Status StreamProcessor::Impl::start_clients(bool partition_eof) {
  const config::KafkaSettings& k = config_.kafka;
  if (!k.dead_letter_topic.empty() || !k.alerts_topic.empty()) {
    kafka::Properties props = k.properties;
    // A dead letter waits through broker outages rather than being dropped.
    props.insert(props.begin(), {"message.timeout.ms", "0"});
    Result<std::unique_ptr<kafka::Producer>> p =
        kafka::Producer::create(k.bootstrap_servers, props, true);
    if (!p.ok()) return p.status();
    producer_ = std::move(*p);
  }
  listener_ = std::make_unique<Listener>(*this);
  kafka::Properties consumer_props = k.properties;
  if (partition_eof) consumer_props.emplace_back("enable.partition.eof", "true");
  Result<std::unique_ptr<kafka::Consumer>> c =
      kafka::Consumer::create(k.bootstrap_servers, k.group_id, consumer_props, listener_.get());
  if (!c.ok()) return c.status();
  consumer_ = std::move(*c);
  std::vector<std::string> topics;
  for (const config::RouteSettings& r : config_.routes) topics.push_back(r.topic);
  return consumer_->subscribe(topics);
}

bool StreamProcessor::Impl::idle() const {
  for (const auto& w : workers_) {
    if (!w->idle()) return false;
  }
  return true;
}

Status StreamProcessor::Impl::run(const std::atomic<bool>& stop, std::atomic<bool>& reload_flag,
                                  bool stop_at_end) {
  for (std::size_t i = 0; i < config_.processing.workers; ++i) {
    workers_.push_back(std::make_unique<Worker>(*this, i));
  }
  observe::Counter& consumed =
      metrics_.counter("vigie_records_consumed_total", "Records read from Kafka");
  // Consumer lag per partition, read at scrape time (librdkafka's cached watermarks). The
  // registry may outlive this processor: the callback goes quiet when it ends.
  metrics_.on_scrape([scrape = scrape_](observe::Registry& r) {
    std::lock_guard<std::mutex> lock(scrape->mutex);
    if (scrape->consumer == nullptr) return;
    for (const auto& [topic, partition, lag] : scrape->consumer->lag()) {
      if (lag < 0) continue;
      r.gauge("vigie_consumer_lag", "Records behind the end of the partition",
              {{"topic", topic}, {"partition", std::to_string(partition)}})
          .set(static_cast<double>(lag));
    }
  });
  {
    std::lock_guard<std::mutex> lock(scrape_->mutex);
    scrape_->consumer = consumer_.get();
  }
  std::vector<kafka::Message> messages;
  std::vector<std::vector<QueuedRecord>> per_worker(workers_.size());
  auto last_commit = Clock::now();
  auto last_message = Clock::now();
  const std::string& tenant_header = config_.tenant_header;
  while (!stop.load() && !failed()) {
    if (reload_flag.exchange(false)) reload();
    Status s = consumer_->poll_batch(2000, 100, messages);
    if (!s.ok()) {
      fail(s);
      break;
    }
    for (const kafka::Message& m : messages) {
      const std::size_t route = route_of(config_, m.topic);
      if (route >= config_.routes.size()) continue;
      QueuedRecord r;
      r.route = static_cast<std::uint16_t>(route);
      r.partition = m.partition;
      r.offset = m.offset;
      r.timestamp_ms = m.timestamp_ms;
      r.value.assign(m.value);
      if (std::optional<std::string_view> h = m.header(tenant_header)) r.tenant_header.assign(*h);
      per_worker[static_cast<std::size_t>(m.partition) % workers_.size()].push_back(std::move(r));
    }
    consumed.inc(messages.size());
    if (!messages.empty()) last_message = Clock::now();
    if (stop_at_end && messages.empty() && Clock::now() - last_message > std::chrono::seconds(2)) {
      const std::size_t assigned = consumer_->assignment().size();
      if (assigned > 0 && consumer_->partition_eofs() >= assigned && idle()) break;
    }
    for (std::size_t w = 0; w < workers_.size(); ++w) {
      if (!per_worker[w].empty()) {
        workers_[w]->push_records(std::move(per_worker[w]));
        per_worker[w].clear();
      }
    }
    if (Clock::now() - last_commit > std::chrono::seconds(1)) {
      last_commit = Clock::now();
      std::vector<std::tuple<std::string, std::int32_t, std::int64_t>> offsets;
      {
        std::lock_guard<std::mutex> lock(committed_mutex_);
        for (const auto& [tp, next] : committed_)
          offsets.emplace_back(config_.routes[tp.first].topic, tp.second, next);
      }
      if (!offsets.empty()) consumer_->commit_async(offsets);
    }
  }
  messages.clear();
  // Drain: every worker finishes and writes what it holds, then the group is left (revocation
  // writes again, harmlessly), all within the deadline.
  const auto deadline =
      Clock::now() + std::chrono::milliseconds(config_.processing.drain_timeout_ms);
  bool drained = true;
  if (!failed()) {
    std::vector<std::future<void>> waits;
    for (auto& w : workers_) waits.push_back(w->push_release({}));
    for (std::future<void>& f : waits) {
      if (f.wait_until(deadline) != std::future_status::ready) drained = false;
    }
  }
  if (!drained)
    log_.warn("drain-timeout",
              {{"timeout_ms", std::to_string(config_.processing.drain_timeout_ms)}});
  if (drained && !failed()) {
    if (Status c = consumer_->close(); !c.ok()) log_.warn("close", {{"error", c.message()}});
  }
  workers_.clear();
  ready_.store(false);
  {
    std::lock_guard<std::mutex> lock(scrape_->mutex);
    scrape_->consumer = nullptr;
  }
  std::lock_guard<std::mutex> lock(fatal_mutex_);
  return fatal_;
}

namespace {

// The configuration's problems; the first generation and the routes' formats when there are none.
std::vector<std::string> check(const config::Config& config, bool need_store,
                               std::vector<std::string>& warnings,
                               std::shared_ptr<Generation>* generation,
                               std::vector<const decode::Format*>* formats) {
  std::vector<std::string> problems;
  if (config.kafka.bootstrap_servers.empty())
    problems.push_back("kafka.bootstrap_servers: no Kafka cluster named");
  if (config.routes.empty()) problems.push_back("routes: no topic to consume");
  if (config.routes.size() > 0xffff) problems.push_back("routes: more than 65535 topics");
  if (config.rules.paths.empty()) problems.push_back("rules.paths: no rules to run");
  if (need_store && config.store_path.empty()) problems.push_back("store.path: not set");
  // Each route's decoder: its format, or the one that sniffs each record.
  const decode::Registry& registry = decode::builtin_plugins();
  for (const config::RouteSettings& r : config.routes) {
    const decode::Format* f = nullptr;
    if (r.format != "auto") {
      std::optional<decode::Family> family = decode::parse_family(r.family);
      if (family) f = registry.find(*family, r.format);
      if (f == nullptr) {
        problems.push_back("routes: topic " + r.topic + " (line " + std::to_string(r.line) +
                           "): no format '" + r.format + "' in family " + r.family +
                           " (see vigie decode --list-formats)");
      }
    }
    if (formats != nullptr) formats->push_back(f);
  }
  std::shared_ptr<Generation> g = build_generation(config, 1, problems, warnings);
  if (generation != nullptr) *generation = std::move(g);
  return problems;
}

}  // namespace

std::vector<std::string> check_stream_config(const config::Config& config,
                                             std::vector<std::string>& warnings) {
  return check(config, true, warnings, nullptr, nullptr);
}

Result<std::unique_ptr<StreamProcessor>> StreamProcessor::create(
    const config::Config& config, observe::Logger& log, observe::Registry& metrics,
    std::shared_ptr<store::Store> store, bool stop_at_end) {
  std::vector<std::string> warnings;
  std::shared_ptr<Generation> g;
  std::vector<const decode::Format*> formats;
  std::vector<std::string> problems = check(config, store == nullptr, warnings, &g, &formats);
  for (const std::string& w : warnings) log.warn("configuration", {{"detail", w}});
  if (!problems.empty()) {
    std::string all;
    for (const std::string& p : problems) all += (all.empty() ? "" : "\n") + p;
    return Status::error("bad-configuration", all);
  }
  if (store == nullptr) {
    store::StoreOptions so;
    so.sync = config.store_sync;
    if (const char* f = std::getenv("VIGIE_TEST_STORE_FAIL_AFTER"); f != nullptr && *f != '\0') {
      so.fail_commit_after = std::atoll(f);  // test hook (docs/testing.md)
    }
    Result<std::unique_ptr<store::Store>> opened = store::Store::open(config.store_path, so);
    if (!opened.ok()) return opened.status();
    store = std::move(*opened);
  }
  auto impl = std::make_unique<Impl>(config, log, metrics, std::move(store), std::move(g),
                                     std::move(formats));
  // Enrichment state as the last write left it.
  if (std::optional<std::string> b = impl->store_->state(kLeasesKey)) {
    if (Status s = impl->enrichment_.leases.restore(*b); !s.ok())
      log.warn("lease-state-dropped", {{"reason", s.code()}});
  }
  if (std::optional<std::string> b = impl->store_->state(kPatientLinksKey)) {
    if (Status s = impl->enrichment_.patients.restore(*b); !s.ok())
      log.warn("patient-link-state-dropped", {{"reason", s.code()}});
  }
  if (Status s = impl->start_clients(stop_at_end); !s.ok()) return s;
  return std::unique_ptr<StreamProcessor>(new StreamProcessor(std::move(impl)));
}

StreamProcessor::StreamProcessor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StreamProcessor::~StreamProcessor() = default;

Status StreamProcessor::run(const std::atomic<bool>& stop, std::atomic<bool>& reload,
                            bool stop_at_end) {
  return impl_->run(stop, reload, stop_at_end);
}

StreamStats StreamProcessor::stats() const {
  StreamStats s;
  s.records = impl_->records_.load();
  s.rejected = impl_->rejected_.load();
  s.events = impl_->events_.load();
  s.alerts = impl_->alerts_.load();
  s.batches = impl_->batches_.load();
  return s;
}

bool StreamProcessor::ready() const { return impl_->ready_.load() && !impl_->failed(); }
bool StreamProcessor::healthy() const { return !impl_->failed(); }

}  // namespace vigie::pipeline
