// `vigie demo`: the main job on the embedded default. Starts librdkafka's mock cluster in this
// process (3 brokers), creates the ad, vpn and ehr topics, produces a simulated day of three
// establishments' logs with attack stories in it (src/demo), runs the stream processor on them
// with the shipped rules, shows progress, and ends with the alerts by rule and establishment.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "commands.h"
#include "config/config.h"
#include "demo/traffic.h"
#include "kafka/kafka.h"
#include "kafka/mock_cluster.h"
#include "kafka/producer.h"
#include "observe/logger.h"
#include "observe/metrics.h"
#include "pipeline/stream.h"
#include "store/store.h"

namespace vigie::app {

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr int kPartitions = 8;
constexpr std::uint64_t kMaxLag = 40'000;  // records produced but not yet processed
const char* const kTopics[] = {"ad", "vpn", "ehr"};
constexpr const char* kDeadLetters = "vigie-dead-letters";

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// A fresh folder for this run's store and configuration: --store, else ./vigie-demo.
Result<std::string> work_dir(const DemoOptions& o) {
  fs::path dir = o.store.empty() ? fs::path("vigie-demo") : fs::path(o.store);
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir / "config", ec);
  if (ec) return Status::error("io", "cannot create " + dir.string() + ": " + ec.message());
  return fs::absolute(dir).string();
}

}  // namespace

std::string data_dir() {
  if (const char* home = std::getenv("VIGIE_HOME"); home != nullptr && *home != '\0') return home;
#ifdef VIGIE_SOURCE_DIR
  return VIGIE_SOURCE_DIR;
#else
  return ".";
#endif
}

int demo(const DemoOptions& options) {
  const fs::path rules = fs::path(options.home) / "rules";
  std::error_code ec;
  if (!fs::is_directory(rules, ec)) {
    std::fprintf(stderr, "vigie demo: %s has no rules/ folder (set --home or VIGIE_HOME)\n",
                 options.home.c_str());
    return 2;
  }
  Result<std::string> dir = work_dir(options);
  if (!dir.ok()) {
    std::fprintf(stderr, "vigie demo: %s\n", dir.status().message().c_str());
    return 1;
  }
  // librdkafka's own log lines would drown the progress: only errors, and only after the run.
  std::vector<std::string> kafka_errors;
  std::mutex kafka_errors_mutex;
  kafka::set_log_handler(
      [&](kafka::LogLevel level, std::string_view facility, std::string_view message) {
        if (level > kafka::LogLevel::kError) return;
        std::lock_guard<std::mutex> lock(kafka_errors_mutex);
        if (kafka_errors.size() < 20)
          kafka_errors.push_back(std::string(facility) + ": " + std::string(message));
      });

  // 1. The cluster and its topics.
  Result<std::unique_ptr<kafka::MockCluster>> cluster = kafka::MockCluster::start(3);
  if (!cluster.ok()) {
    std::fprintf(stderr, "vigie demo: mock cluster: %s\n", cluster.status().message().c_str());
    return 1;
  }
  for (const char* t : kTopics) {
    if (Status s = (*cluster)->create_topic(t, kPartitions); !s.ok()) {
      std::fprintf(stderr, "vigie demo: topic %s: %s\n", t, s.message().c_str());
      return 1;
    }
  }
  (void)(*cluster)->create_topic(kDeadLetters, 1);
  const std::string bootstraps = (*cluster)->bootstraps();

  // 2. The establishments' configuration, then the processor's settings over it.
  demo::TrafficOptions traffic_options;
  traffic_options.seed = options.seed;
  traffic_options.events = options.events;
  Result<std::string> config_path =
      demo::write_demo_config((fs::path(*dir) / "config").string(), traffic_options);
  if (!config_path.ok()) {
    std::fprintf(stderr, "vigie demo: %s\n", config_path.status().message().c_str());
    return 1;
  }
  config::LoadedConfig loaded = config::load_config(*config_path);
  if (!loaded.ok()) {
    for (const config::ConfigError& e : loaded.errors)
      std::fprintf(stderr, "%s\n", e.to_string().c_str());
    return 1;
  }
  config::Config conf = std::move(loaded.config);
  conf.kafka.bootstrap_servers = bootstraps;
  conf.kafka.group_id = "vigie-demo";
  conf.kafka.dead_letter_topic = kDeadLetters;
  conf.routes = {{"ad", "ad", "auto", 0}, {"vpn", "vpn", "auto", 0}, {"ehr", "ehr", "auto", 0}};
  conf.rules.paths = {rules.string()};
  conf.store_path = (fs::path(*dir) / "store").string();
  conf.store_sync = false;  // a demo: a crash loses nothing that matters
  // A simulated day goes by in seconds: the three topics, read at their own speeds, can be hours
  // apart in event time, which a real deployment's 5 minutes would count as late. The lateness
  // covers the whole simulated span, so that no event is dropped as late.
  conf.processing.lateness_ms = 2 * traffic_options.span_ms;

  // 3. The processor, on its own thread, writing to a store this function reads at the end.
  Result<std::unique_ptr<store::Store>> opened =
      store::Store::open(conf.store_path, store::StoreOptions{.sync = false});
  if (!opened.ok()) {
    std::fprintf(stderr, "vigie demo: %s\n", opened.status().message().c_str());
    return 1;
  }
  std::shared_ptr<store::Store> alerts_store = std::move(*opened);
  std::FILE* log_file = std::fopen((fs::path(*dir) / "vigie.log").c_str(), "w");
  observe::Logger log(observe::LogFormat::kText, log_file != nullptr ? log_file : stderr);
  observe::Registry metrics;
  Result<std::unique_ptr<pipeline::StreamProcessor>> processor =
      pipeline::StreamProcessor::create(conf, log, metrics, alerts_store);
  if (!processor.ok()) {
    std::fprintf(stderr, "vigie demo: %s\n", processor.status().message().c_str());
    return 1;
  }
  std::unique_ptr<pipeline::StreamProcessor> stream = std::move(*processor);
  std::atomic<bool> stop{false}, reload{false};
  Status run_status = Status::ok_status();
  std::thread processing([&] { run_status = stream->run(stop, reload); });

  // 4. The traffic, produced at --rate records per second (0: as fast as it goes).
  Result<std::unique_ptr<kafka::Producer>> producer = kafka::Producer::create(bootstraps, {});
  if (!producer.ok()) {
    stop = true;
    processing.join();
    std::fprintf(stderr, "vigie demo: %s\n", producer.status().message().c_str());
    return 1;
  }
  demo::Traffic traffic(traffic_options);
  std::printf(
      "Vigie demo: %zu establishments, a simulated day of AD, VPN and EHR logs (seed %llu)\n",
      demo::default_establishments().size(), static_cast<unsigned long long>(options.seed));
  std::printf("  mock Kafka cluster %s, topics ad, vpn, ehr (%d partitions each)\n",
              bootstraps.c_str(), kPartitions);
  std::printf("  stories: ");
  for (std::size_t i = 0; i < traffic.stories().size(); ++i) {
    std::printf("%s%s", i ? "; " : "", traffic.stories()[i].name.c_str());
  }
  std::printf("\n\n");
  std::fflush(stdout);

  std::atomic<std::uint64_t> produced{0};
  std::atomic<bool> produced_all{false};
  Status produce_status = Status::ok_status();
  const auto started = Clock::now();
  const double deadline_s = options.duration_s;
  std::thread producing([&] {
    demo::Record r;
    // Producers write while the processor reads, as in a hospital; the mock cluster keeps only a
    // few megabytes per partition, so the producer waits when the processor is far behind.
    while (!stream->ready() && !stop.load() && stream->healthy()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    const auto t0 = Clock::now();
    while (!stop.load() && seconds_since(started) < deadline_s && traffic.next(r)) {
      while (produced.load() > stream->stats().records + kMaxLag && !stop.load() &&
             stream->healthy()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      Status s = (*producer)->produce(r.topic, r.key, r.value, {{"vigie-tenant", r.tenant}});
      if (!s.ok()) {
        produce_status = s;
        break;
      }
      const std::uint64_t n = produced.fetch_add(1) + 1;
      if (options.rate > 0 && n % 100 == 0) {
        const auto due = t0 + std::chrono::duration<double>(static_cast<double>(n) / options.rate);
        std::this_thread::sleep_until(std::chrono::time_point_cast<Clock::duration>(due));
      }
    }
    if (Status s = (*producer)->flush(30'000); !s.ok() && produce_status.ok()) produce_status = s;
    produced_all = true;
  });

  // 5. Progress, once a second, until everything produced is processed (or the deadline).
  std::uint64_t last_records = 0;
  auto last = Clock::now();
  while (true) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    const pipeline::StreamStats st = stream->stats();
    const bool done = produced_all.load() && st.records >= produced.load();
    if (seconds_since(last) >= 1.0 || done) {
      const double rate = static_cast<double>(st.records - last_records) / seconds_since(last);
      std::printf(
          "  %5.1fs  produced %9llu  processed %9llu  lag %7llu  %8.0f records/s  "
          "alerts %6llu  rejected %llu\n",
          seconds_since(started), static_cast<unsigned long long>(produced.load()),
          static_cast<unsigned long long>(st.records),
          static_cast<unsigned long long>(produced.load() - std::min(produced.load(), st.records)),
          rate, static_cast<unsigned long long>(st.alerts),
          static_cast<unsigned long long>(st.rejected));
      std::fflush(stdout);
      last_records = st.records;
      last = Clock::now();
    }
    if (done || !stream->healthy()) break;
    if (seconds_since(started) > deadline_s + 30) break;  // a stuck run still ends
  }
  stop = true;
  producing.join();
  processing.join();
  const pipeline::StreamStats st = stream->stats();
  stream.reset();
  if (log_file != nullptr) std::fclose(log_file);

  // 6. What was found.
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::uint64_t>> table;
  std::set<std::string> tenants;
  std::uint64_t total = 0;
  alerts_store->for_each_alert([&](const store::AlertRecord& a) {
    table[{a.level, a.rule_title}][a.tenant]++;
    tenants.insert(a.tenant);
    ++total;
  });
  std::printf("\n%llu records in %.1f s: %llu events, %llu rejected, %llu alerts\n\n",
              static_cast<unsigned long long>(st.records), seconds_since(started),
              static_cast<unsigned long long>(st.events),
              static_cast<unsigned long long>(st.rejected), static_cast<unsigned long long>(total));
  auto rank = [](const std::string& level) {
    if (level == "critical") return 0;
    if (level == "high") return 1;
    if (level == "medium") return 2;
    if (level == "low") return 3;
    return 4;
  };
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& [k, v] : table) rows.push_back(k);
  std::sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
    return rank(a.first) != rank(b.first) ? rank(a.first) < rank(b.first) : a.second < b.second;
  });
  std::printf("  %-9s %-58s", "level", "rule");
  for (const std::string& t : tenants) std::printf(" %10.10s", t.c_str());
  std::printf("\n");
  for (const auto& row : rows) {
    std::printf("  %-9s %-58.58s", row.first.c_str(), row.second.c_str());
    for (const std::string& t : tenants) {
      auto it = table[row].find(t);
      std::printf(" %10llu",
                  static_cast<unsigned long long>(it == table[row].end() ? 0 : it->second));
    }
    std::printf("\n");
  }
  std::printf("\nAlerts are stored in %s\nList them: vigie alerts list --store %s\n",
              conf.store_path.c_str(), conf.store_path.c_str());
  std::printf("Processor log: %s/vigie.log\n", dir->c_str());
  int status = 0;
  if (!produce_status.ok()) {
    std::fprintf(stderr, "vigie demo: producing failed: %s\n", produce_status.message().c_str());
    status = 1;
  }
  if (!run_status.ok()) {
    std::fprintf(stderr, "vigie demo: the processor stopped: %s\n", run_status.message().c_str());
    status = 1;
  }
  for (const std::string& e : kafka_errors) std::fprintf(stderr, "kafka: %s\n", e.c_str());
  return status;
}

}  // namespace vigie::app
