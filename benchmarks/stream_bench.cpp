// stream_bench: end-to-end throughput of the stream processor (issue 5), beside a bare librdkafka
// consumer reading the same records from the same cluster in the same run.
//
// Setup (untimed): librdkafka's mock cluster in this process (--brokers, default 3), topics ad,
// vpn and ehr with --partitions partitions each, then the demo traffic (src/demo: a simulated day
// of three establishments' AD, VPN and EHR logs in their vendors' formats, with the attack
// stories) for about --events records, produced with the project's Producer (lz4, idempotent,
// linger.ms --linger-ms) and the "vigie-tenant" header, and flushed.
//
// The mock cluster of librdkafka 2.0.2 keeps only 5 MB per partition and deletes message sets
// from the head beyond that. At 2,000,000 records 97 % are AD records (~190 bytes each once
// compressed) of about 150 computer accounts of ~15,000 records each, so hashing keys (murmur2)
// overfills the partitions that draw two or three of them: 48 partitions lost 35 % of the
// records, 128 lost 8 %. Hence the default partitioner, "balanced" (balanced_partitions below),
// and 128 partitions per topic.
//
// Phases, one after the other, each in its own consumer group reading every partition from the
// beginning:
//   (a) the baseline: a kafka::Consumer polling batches of 2,000 and summing the bytes of each
//       value, nothing else. Its record count must equal the produced count: a shortfall means
//       the mock cluster dropped data (more --partitions), and the run stops with exit code 1.
//   (b) the stream processor: StreamProcessor::create(..., stop_at_end=true) on the demo
//       deployment (write_demo_config), the shipped rules and correlations (--rules), --workers
//       worker threads, lateness twice the simulated span (a day goes by in seconds), alerts to a
//       RocksDB store (no fsync) in a temporary folder; then run(stop, reload, true), which drains
//       and returns 2 s after the last record.
//
// Figures per phase. The mock cluster's group join takes seconds, so each phase has a "join"
// (phase start to the first record consumed, (a), or processed, (b)) and a "steady" window (first
// to last record, sampled every 2 ms); the headline rates are records / steady window. The whole
// phase (join, the 2 s idle tail of (b), drain and close included) is reported too. Per core:
// records / process CPU time (getrusage RUSAGE_SELF, user + sys) over the steady window. The mock
// brokers run in this process (one librdkafka thread, "rdk:mock"...), so process CPU includes
// the broker's side of every fetch: "client CPU" excludes the threads named like the mock
// cluster's, read from /proc/self/task. Memory: ru_maxrss (the process peak so far, mock cluster
// data included) after each step, and each phase's RSS growth from /proc/self/statm (peak sampled
// during the phase, and at its end, minus its start).
//
//   stream_bench [--events N] [--partitions P] [--brokers B] [--workers W] [--rules DIR]
//                [--seed S] [--partitioner balanced|murmur2] [--linger-ms MS] [--tmp DIR]
//
// Output: a table, then one JSON line. Exit codes: 0 measured (read the table for the targets),
// 1 a correctness check failed (records lost, counts differing, the processor failed), 2 usage or
// setup error.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/json.h"
#include "config/config.h"
#include "correlate/load.h"
#include "demo/traffic.h"
#include "kafka/consumer.h"
#include "kafka/kafka.h"
#include "kafka/mock_cluster.h"
#include "kafka/producer.h"
#include "observe/logger.h"
#include "observe/metrics.h"
#include "pipeline/stream.h"
#include "store/store.h"

namespace {

using namespace vigie;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

const char* const kTopics[] = {"ad", "vpn", "ehr"};
constexpr std::size_t kPollBatch = 2000;  // as the stream processor polls

// ---- Options ---------------------------------------------------------------------------------

struct Options {
  std::uint64_t events = 2'000'000;
  int partitions = 128;
  int brokers = 3;
  std::size_t workers = 2;
  std::string rules;
  std::uint64_t seed = 42;
  std::string tmp;       // parent of the temporary folder; empty: the system's
  bool balanced = true;  // --partitioner balanced (default) or murmur2
  // The producer's linger.ms. The Producer's default (20 ms) makes message sets of a few records
  // here (2,000,000 records over 384 partitions in ~20 s), and the mock broker finds the set
  // holding a fetch offset by a linear scan of the partition's sets: its thread then took 7 of
  // the 11.5 CPU seconds of (a). 500 ms makes sets of ~100 records, as a busy producer would.
  std::string linger_ms = "500";
};

std::string default_rules_dir() {
#ifdef VIGIE_SOURCE_DIR
  return std::string(VIGIE_SOURCE_DIR) + "/rules";
#else
  return "rules";
#endif
}

void usage(std::FILE* out) {
  std::fprintf(out,
               "usage: stream_bench [options]\n"
               "  --events N       records of demo traffic to produce (about; default 2000000)\n"
               "  --partitions P   partitions of each topic ad, vpn, ehr (default 128)\n"
               "  --brokers B      mock cluster brokers (default 3)\n"
               "  --workers W      processing.workers of the stream processor (default 2)\n"
               "  --rules DIR      rule pack (default %s)\n"
               "  --seed S         demo traffic seed (default 42)\n"
               "  --tmp DIR        where the temporary folder (config, store) goes\n"
               "  --partitioner balanced|murmur2\n"
               "                   balanced (default): each key to the partition that evens out\n"
               "                   the bytes (a counting pass first); murmur2: by key hash\n"
               "  --linger-ms MS   the producer's linger.ms (default 500; the Producer's own\n"
               "                   default is 20)\n"
               "  --json           accepted for symmetry: the JSON line is always printed\n",
               default_rules_dir().c_str());
}

bool parse_u64(const char* s, std::uint64_t& out) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0') return false;
  out = v;
  return true;
}

// Returns 0 to go on, else the exit code.
int parse_options(int argc, char** argv, Options& o) {
  o.rules = default_rules_dir();
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      usage(stdout);
      std::exit(0);
    }
    if (arg == "--json") continue;
    if (i + 1 >= argc) {
      std::fprintf(stderr, "stream_bench: %s needs a value\n", arg.c_str());
      return 2;
    }
    const char* value = argv[++i];
    std::uint64_t n = 0;
    const bool numeric = parse_u64(value, n);
    if (arg == "--events" && numeric && n > 0) {
      o.events = n;
    } else if (arg == "--partitions" && numeric && n > 0 && n <= 1000) {
      o.partitions = static_cast<int>(n);
    } else if (arg == "--brokers" && numeric && n > 0 && n <= 64) {
      o.brokers = static_cast<int>(n);
    } else if (arg == "--workers" && numeric && n > 0 && n <= 256) {
      o.workers = static_cast<std::size_t>(n);
    } else if (arg == "--seed" && numeric) {
      o.seed = n;
    } else if (arg == "--rules") {
      o.rules = value;
    } else if (arg == "--linger-ms" && numeric) {
      o.linger_ms = value;
    } else if (arg == "--tmp") {
      o.tmp = value;
    } else if (arg == "--partitioner" &&
               (std::string_view(value) == "balanced" || std::string_view(value) == "murmur2")) {
      o.balanced = std::string_view(value) == "balanced";
    } else {
      std::fprintf(stderr, "stream_bench: bad option or value: %s %s\n", arg.c_str(), value);
      usage(stderr);
      return 2;
    }
  }
  return 0;
}

// ---- Measures of the process -----------------------------------------------------------------

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

double maxrss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;  // kB on Linux
}

double rss_mb() {
  std::ifstream statm("/proc/self/statm");
  long long size = 0, resident = 0;
  statm >> size >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1 << 20);
}

// CPU seconds (user + sys) of each live thread of this process, by name.
struct ThreadCpu {
  std::string name;
  double seconds = 0;
};

std::map<long, ThreadCpu> threads_cpu() {
  std::map<long, ThreadCpu> out;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator("/proc/self/task", ec)) {
    const std::string tid = e.path().filename().string();
    std::ifstream stat(e.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    const std::size_t open = line.find('(');
    const std::size_t close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open) continue;
    // After "(comm)": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
    // utime stime (fields 3..15 of proc(5)).
    std::vector<std::string> fields;
    std::size_t p = close + 2;
    while (p < line.size() && fields.size() < 13) {
      const std::size_t q = line.find(' ', p);
      fields.push_back(line.substr(p, q - p));
      if (q == std::string::npos) break;
      p = q + 1;
    }
    if (fields.size() < 13) continue;
    ThreadCpu t;
    // The main thread polls Kafka in both phases; the others of its name are the processor's
    // workers and this benchmark's sampler.
    t.name = std::atol(tid.c_str()) == static_cast<long>(getpid())
                 ? std::string("main")
                 : line.substr(open + 1, close - open - 1);
    t.seconds =
        (std::strtod(fields[11].c_str(), nullptr) + std::strtod(fields[12].c_str(), nullptr)) /
        tick;
    out[std::atol(tid.c_str())] = t;
  }
  return out;
}

// The mock cluster's own threads (librdkafka names them rdk:mock...).
bool is_mock_thread(const std::string& name) { return name.rfind("rdk:mock", 0) == 0; }

// A thread name without its trailing digits ("rdk:broker12" -> "rdk:broker*").
std::string name_group(const std::string& name) {
  std::size_t end = name.size();
  while (end > 0 && name[end - 1] >= '0' && name[end - 1] <= '9') --end;
  return end == name.size() ? name : name.substr(0, end) + "*";
}

// CPU seconds used between two snapshots, by thread name group (threads born in between count
// from zero; threads that ended in between are missing, hence "live threads").
std::map<std::string, double> cpu_by_group(const std::map<long, ThreadCpu>& before,
                                           const std::map<long, ThreadCpu>& after) {
  std::map<std::string, double> out;
  for (const auto& [tid, t] : after) {
    auto it = before.find(tid);
    const double base = it != before.end() && it->second.name == t.name ? it->second.seconds : 0;
    out[name_group(t.name)] += std::max(0.0, t.seconds - base);
  }
  return out;
}

double mock_cpu(const std::map<std::string, double>& groups) {
  double s = 0;
  for (const auto& [name, seconds] : groups) {
    if (is_mock_thread(name)) s += seconds;
  }
  return s;
}

// ---- Sampling a phase ------------------------------------------------------------------------

struct Point {
  Clock::time_point time{};
  double cpu = 0;
  std::map<long, ThreadCpu> threads;
};

// Watches a phase from another thread: the first and last moment `progress` moved (and when it
// reached `target`), the process CPU then, and the peak RSS.
class Sampler {
 public:
  Sampler(std::function<std::uint64_t()> progress, std::uint64_t target)
      : progress_(std::move(progress)), target_(target) {
    start_.time = Clock::now();
    start_.cpu = cpu_seconds();
    rss_start_ = rss_peak_ = rss_mb();
    thread_ = std::thread([this] { loop(); });
  }
  ~Sampler() { stop(); }

  void stop() {
    if (!thread_.joinable()) return;
    stop_ = true;
    thread_.join();
    end_.time = Clock::now();
    end_.cpu = cpu_seconds();
    rss_end_ = rss_mb();
    rss_peak_ = std::max(rss_peak_, rss_end_);
  }

  bool started() const { return first_set_; }
  const Point& start() const { return start_; }
  const Point& first() const { return first_; }
  // When the target was reached, else the last time progress moved.
  const Point& last() const { return reached_ ? reached_at_ : last_move_; }
  const Point& end() const { return end_; }
  double rss_start() const { return rss_start_; }
  double rss_peak() const { return rss_peak_; }
  double rss_end() const { return rss_end_; }

 private:
  void loop() {
    std::uint64_t previous = 0;
    int tick = 0;
    while (!stop_.load()) {
      const std::uint64_t v = progress_();
      if (v != previous) {
        const Point p{Clock::now(), cpu_seconds(), {}};
        if (!first_set_) {
          first_ = p;
          first_.threads = threads_cpu();
          first_set_ = true;
        }
        last_move_ = p;
        previous = v;
        if (!reached_ && v >= target_) {
          reached_at_ = p;
          reached_at_.threads = threads_cpu();
          reached_ = true;
        }
      }
      if (++tick % 5 == 0) rss_peak_ = std::max(rss_peak_, rss_mb());
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (first_set_ && !reached_) last_move_.threads = threads_cpu();
  }

  std::function<std::uint64_t()> progress_;
  std::uint64_t target_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  Point start_, first_, last_move_, reached_at_, end_;
  bool first_set_ = false, reached_ = false;
  double rss_start_ = 0, rss_peak_ = 0, rss_end_ = 0;
};

struct Phase {
  std::string id, label;
  std::uint64_t records = 0;
  double join_s = 0;    // phase start to first record
  double steady_s = 0;  // first to last record
  double total_s = 0;   // the whole phase
  double cpu_steady_s = 0, cpu_total_s = 0, mock_cpu_steady_s = 0;
  double rss_start_mb = 0, rss_peak_growth_mb = 0, rss_end_growth_mb = 0, maxrss_after_mb = 0;
  std::map<std::string, double> threads;  // steady window, by thread name group

  double rate_steady() const { return steady_s > 0 ? static_cast<double>(records) / steady_s : 0; }
  double rate_total() const { return total_s > 0 ? static_cast<double>(records) / total_s : 0; }
  double per_core() const {
    return cpu_steady_s > 0 ? static_cast<double>(records) / cpu_steady_s : 0;
  }
  double per_core_client() const {
    const double c = cpu_steady_s - mock_cpu_steady_s;
    return c > 0 ? static_cast<double>(records) / c : 0;
  }
  double per_core_total() const {
    return cpu_total_s > 0 ? static_cast<double>(records) / cpu_total_s : 0;
  }
};

// `rss_base`: the RSS the phase's growth is counted from; < 0: the sampler's start.
void fill(Phase& p, const Sampler& s, std::uint64_t records, double rss_base = -1) {
  p.records = records;
  p.total_s = std::chrono::duration<double>(s.end().time - s.start().time).count();
  p.cpu_total_s = s.end().cpu - s.start().cpu;
  if (s.started()) {
    p.join_s = std::chrono::duration<double>(s.first().time - s.start().time).count();
    p.steady_s = std::chrono::duration<double>(s.last().time - s.first().time).count();
    p.cpu_steady_s = s.last().cpu - s.first().cpu;
    p.threads = cpu_by_group(s.first().threads, s.last().threads);
    p.mock_cpu_steady_s = mock_cpu(p.threads);
  }
  p.rss_start_mb = rss_base >= 0 ? rss_base : s.rss_start();
  p.rss_peak_growth_mb = s.rss_peak() - p.rss_start_mb;
  p.rss_end_growth_mb = s.rss_end() - p.rss_start_mb;
  p.maxrss_after_mb = maxrss_mb();
}

// ---- Formatting ------------------------------------------------------------------------------

std::string thousands(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  std::string digits = buf, out;
  const bool neg = !digits.empty() && digits[0] == '-';
  if (neg) digits.erase(0, 1);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (neg ? "-" : "") + out;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string json_number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

const char* met(bool ok) { return ok ? "met" : "NOT met"; }

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(" \t", colon + 1));
    }
  }
  return "unknown";
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

std::string phase_json(const Phase& p) {
  std::string j =
      "{\"label\":" + json::quote(p.label) + ",\"records\":" + std::to_string(p.records);
  j += ",\"join_seconds\":" + json_number(p.join_s) +
       ",\"steady_seconds\":" + json_number(p.steady_s) +
       ",\"total_seconds\":" + json_number(p.total_s) +
       ",\"events_per_second\":" + json_number(p.rate_steady()) +
       ",\"events_per_second_whole_phase\":" + json_number(p.rate_total()) +
       ",\"cpu_seconds_steady\":" + json_number(p.cpu_steady_s) +
       ",\"cpu_seconds_whole_phase\":" + json_number(p.cpu_total_s) +
       ",\"mock_cluster_cpu_seconds_steady\":" + json_number(p.mock_cpu_steady_s) +
       ",\"events_per_second_per_core\":" + json_number(p.per_core()) +
       ",\"events_per_second_per_core_client\":" + json_number(p.per_core_client()) +
       ",\"events_per_second_per_core_whole_phase\":" + json_number(p.per_core_total()) +
       ",\"rss_start_mb\":" + json_number(p.rss_start_mb) +
       ",\"rss_peak_growth_mb\":" + json_number(p.rss_peak_growth_mb) +
       ",\"rss_end_growth_mb\":" + json_number(p.rss_end_growth_mb) +
       ",\"maxrss_after_mb\":" + json_number(p.maxrss_after_mb) + ",\"thread_cpu_seconds\":{";
  bool first = true;
  for (const auto& [name, s] : p.threads) {
    if (s < 0.005) continue;
    j += (first ? "" : ",") + json::quote(name) + ":" + json_number(s);
    first = false;
  }
  return j + "}}";
}

void print_threads(const Phase& p) {
  std::vector<std::pair<double, std::string>> v;
  for (const auto& [name, s] : p.threads) v.emplace_back(s, name);
  std::sort(v.rbegin(), v.rend());
  std::printf("  (%s) CPU s by thread over the steady window:", p.id.c_str());
  int shown = 0;
  for (const auto& [s, name] : v) {
    if (s < 0.005 || shown++ == 8) break;
    std::printf("  %s %.2f", name.c_str(), s);
  }
  std::printf("\n");
}

// ---- Partitions ------------------------------------------------------------------------------

// Index of (topic, partition) in per-partition tables: topic-major, kTopics order.
std::size_t partition_index(std::string_view topic, std::int32_t partition, int partitions) {
  std::size_t t = 0;
  while (t < std::size(kTopics) && topic != kTopics[t]) ++t;
  return t * static_cast<std::size_t>(partitions) + static_cast<std::size_t>(partition);
}

std::string partition_name(std::size_t index, int partitions) {
  const std::size_t per = static_cast<std::size_t>(partitions);
  return std::string(kTopics[index / per]) + "[" + std::to_string(index % per) + "]";
}

// The "balanced" partitioner. At 2,000,000 records, 97 % are AD records of about 150 computer
// accounts of about 15,000 records each: by key hash (murmur2), some partitions get two or three
// of them, more than the 5 MB a mock partition keeps. So a first pass over the same traffic counts
// each key's bytes, then each key, biggest first, goes to the partition where the fullest topic
// stays emptiest (LPT). A key keeps its partition, and one partition number in every topic, as
// with murmur2: an entity's records stay in order, and its AD, VPN and EHR records stay in the
// same processing task. Records without key keep librdkafka's random choice.
std::unordered_map<std::string, std::int32_t> balanced_partitions(
    const demo::TrafficOptions& options, int partitions) {
  constexpr std::size_t kT = std::size(kTopics);
  std::unordered_map<std::string, std::array<std::uint64_t, kT>> bytes;
  {
    demo::Traffic traffic(options);
    demo::Record r;
    while (traffic.next(r)) {
      if (r.key.empty()) continue;
      const std::size_t t = partition_index(r.topic, 0, 1);
      if (t < kT) bytes[r.key][t] += r.value.size();
    }
  }
  std::vector<std::pair<std::uint64_t, const std::string*>> keys;
  keys.reserve(bytes.size());
  for (const auto& [key, b] : bytes) keys.emplace_back(b[0] + b[1] + b[2], &key);
  std::sort(keys.begin(), keys.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first > y.first : *x.second < *y.second;
  });
  std::vector<std::array<std::uint64_t, kT>> load(static_cast<std::size_t>(partitions));
  std::unordered_map<std::string, std::int32_t> out;
  for (const auto& [total, key] : keys) {
    const std::array<std::uint64_t, kT>& b = bytes[*key];
    std::size_t best = 0;
    std::uint64_t best_cost = UINT64_MAX;
    for (std::size_t p = 0; p < load.size(); ++p) {
      std::uint64_t cost = 0;
      for (std::size_t t = 0; t < kT; ++t) {
        if (b[t] > 0) cost = std::max(cost, load[p][t] + b[t]);
      }
      if (cost < best_cost) {
        best_cost = cost;
        best = p;
      }
    }
    for (std::size_t t = 0; t < kT; ++t) load[best][t] += b[t];
    out.emplace(*key, static_cast<std::int32_t>(best));
  }
  return out;
}

// ---- Main ------------------------------------------------------------------------------------

volatile std::uint64_t g_sink = 0;

std::uint64_t touch(std::string_view v) {
  std::uint64_t sum = 0;
  for (const char c : v) sum += static_cast<unsigned char>(c);
  return sum;
}

struct TempDir {
  fs::path path;
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

int run(const Options& o) {
  std::error_code ec;
  if (!fs::is_directory(o.rules, ec)) {
    std::fprintf(stderr, "stream_bench: no rule folder %s (use --rules DIR)\n", o.rules.c_str());
    return 2;
  }
  TempDir tmp;
  {
    std::string pattern = ((o.tmp.empty() ? fs::temp_directory_path() : fs::path(o.tmp)) /
                           "vigie-stream-bench-XXXXXX")
                              .string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::fprintf(stderr, "stream_bench: cannot create a folder like %s\n", pattern.c_str());
      return 2;
    }
    tmp.path = pattern;
  }

  // librdkafka's logs, silenced but counted (errors only). Static: librdkafka's threads may log
  // until the last client is destroyed.
  static std::atomic<std::uint64_t> kafka_errors{0};
  static std::mutex kafka_first_error_mutex;
  static std::string kafka_first_error;
  kafka::set_log_handler(
      [](kafka::LogLevel level, std::string_view facility, std::string_view message) {
        if (level > kafka::LogLevel::kError) return;
        if (kafka_errors.fetch_add(1) == 0) {
          std::lock_guard<std::mutex> lock(kafka_first_error_mutex);
          kafka_first_error = std::string(facility) + ": " + std::string(message);
        }
      });

  // 1. The cluster, the topics, the deployment.
  Result<std::unique_ptr<kafka::MockCluster>> cluster = kafka::MockCluster::start(o.brokers);
  if (!cluster.ok()) {
    std::fprintf(stderr, "stream_bench: mock cluster: %s\n", cluster.status().message().c_str());
    return 2;
  }
  for (const char* t : kTopics) {
    if (Status s = (*cluster)->create_topic(t, o.partitions); !s.ok()) {
      std::fprintf(stderr, "stream_bench: topic %s: %s\n", t, s.message().c_str());
      return 2;
    }
  }
  const std::string bootstraps = (*cluster)->bootstraps();
  demo::TrafficOptions traffic_options;
  traffic_options.seed = o.seed;
  traffic_options.events = o.events;
  Result<std::string> config_path =
      demo::write_demo_config((tmp.path / "config").string(), traffic_options);
  if (!config_path.ok()) {
    std::fprintf(stderr, "stream_bench: %s\n", config_path.status().message().c_str());
    return 2;
  }
  config::LoadedConfig loaded = config::load_config(*config_path);
  if (!loaded.ok()) {
    for (const config::ConfigError& e : loaded.errors)
      std::fprintf(stderr, "%s\n", e.to_string().c_str());
    return 2;
  }
  config::Config conf = std::move(loaded.config);
  conf.kafka.bootstrap_servers = bootstraps;
  conf.kafka.group_id = "stream-bench-processor";
  conf.routes = {{"ad", "ad", "auto", 0}, {"vpn", "vpn", "auto", 0}, {"ehr", "ehr", "auto", 0}};
  conf.rules.paths = {o.rules};
  conf.store_path = (tmp.path / "store").string();
  conf.store_sync = false;
  conf.processing.workers = o.workers;
  conf.processing.lateness_ms = 2 * traffic_options.span_ms;  // a simulated day in seconds
  const correlate::LoadedDetection detection = correlate::load_detection(
      {conf.rules.paths, conf.rules.placeholders, conf.rules.logsource_maps, {"tenant"}});

  std::printf("stream_bench: demo traffic (seed %llu) on librdkafka's mock cluster\n",
              static_cast<unsigned long long>(o.seed));
  std::printf("  machine: %s, %u CPUs, load average %s at start\n", cpu_model().c_str(),
              std::thread::hardware_concurrency(), load_average().c_str());
#ifdef NDEBUG
  const char* build = "optimised (NDEBUG)";
#else
  const char* build = "DEBUG (assertions on: figures are not representative)";
#endif
  std::printf("  build: %s; cluster: %d brokers, topics ad, vpn, ehr x %d partitions\n", build,
              o.brokers, o.partitions);
  std::printf("  rules: %s (%zu rules, %zu correlations); %zu workers; lateness %.0f h\n",
              o.rules.c_str(), detection.rules->size(), detection.correlations->size(), o.workers,
              static_cast<double>(conf.processing.lateness_ms) / 3.6e6);
  std::fflush(stdout);

  // 2. The records, produced and flushed before anything is timed.
  std::uint64_t produced = 0, produced_bytes = 0;
  std::map<std::string, std::uint64_t> per_topic;
  std::unordered_map<std::string, std::int32_t> partition_of;  // empty: murmur2
  double produce_s = 0, count_s = 0;
  {
    Result<std::unique_ptr<kafka::Producer>> producer =
        kafka::Producer::create(bootstraps, kafka::Properties{{"linger.ms", o.linger_ms}});
    if (!producer.ok()) {
      std::fprintf(stderr, "stream_bench: producer: %s\n", producer.status().message().c_str());
      return 2;
    }
    if (o.balanced) {
      const auto c0 = Clock::now();
      partition_of = balanced_partitions(traffic_options, o.partitions);
      count_s = std::chrono::duration<double>(Clock::now() - c0).count();
    }
    const auto t0 = Clock::now();
    demo::Traffic traffic(traffic_options);
    demo::Record r;
    while (traffic.next(r)) {
      std::int32_t partition = -1;
      if (auto it = partition_of.find(r.key); it != partition_of.end()) partition = it->second;
      Status s =
          (*producer)->produce(r.topic, r.key, r.value, {{"vigie-tenant", r.tenant}}, partition);
      if (!s.ok()) {
        std::fprintf(stderr, "stream_bench: produce: %s\n", s.message().c_str());
        return 2;
      }
      ++produced;
      produced_bytes += r.value.size();
      ++per_topic[r.topic];
    }
    if (Status s = (*producer)->flush(300'000); !s.ok()) {
      std::fprintf(stderr, "stream_bench: flush: %s\n", s.message().c_str());
      return 2;
    }
    produce_s = std::chrono::duration<double>(Clock::now() - t0).count();
    if ((*producer)->delivered() != produced || (*producer)->failed() != 0) {
      std::fprintf(stderr, "stream_bench: %llu produced, %llu delivered, %llu failed\n",
                   static_cast<unsigned long long>(produced),
                   static_cast<unsigned long long>((*producer)->delivered()),
                   static_cast<unsigned long long>((*producer)->failed()));
      return 2;
    }
  }
  const double maxrss_produced = maxrss_mb();
  std::printf(
      "  produced %s records (ad %s, vpn %s, ehr %s), %.0f bytes/record on average, in %.1f s "
      "(generation + lz4 + mock cluster)\n",
      thousands(static_cast<double>(produced)).c_str(),
      thousands(static_cast<double>(per_topic["ad"])).c_str(),
      thousands(static_cast<double>(per_topic["vpn"])).c_str(),
      thousands(static_cast<double>(per_topic["ehr"])).c_str(),
      produced ? static_cast<double>(produced_bytes) / static_cast<double>(produced) : 0.0,
      produce_s);
  if (o.balanced) {
    std::printf("  partitioner: balanced (%zu keys placed after a %.1f s counting pass)",
                partition_of.size(), count_s);
  } else {
    std::printf("  partitioner: murmur2 (by key hash)");
  }
  std::printf("; producer linger.ms %s\n\n", o.linger_ms.c_str());
  std::fflush(stdout);
  const std::vector<std::string> topics(std::begin(kTopics), std::end(kTopics));

  // 3. (a) The bare consumer.
  Phase a{"a", "bare kafka::Consumer, sum of value bytes"};
  std::uint64_t max_per_partition = 0;
  std::size_t busiest = 0, truncated_partitions = 0;
  std::vector<std::string> truncated;  // the first few
  {
    Result<std::unique_ptr<kafka::Consumer>> consumer = kafka::Consumer::create(
        bootstraps, "stream-bench-baseline", {{"enable.partition.eof", "true"}}, nullptr);
    if (!consumer.ok()) {
      std::fprintf(stderr, "stream_bench: consumer: %s\n", consumer.status().message().c_str());
      return 2;
    }
    std::atomic<std::uint64_t> count{0};
    std::uint64_t sum = 0;
    Sampler sampler([&] { return count.load(std::memory_order_relaxed); }, produced);
    if (Status s = (*consumer)->subscribe(topics); !s.ok()) {
      std::fprintf(stderr, "stream_bench: subscribe: %s\n", s.message().c_str());
      return 2;
    }
    const std::size_t partitions = topics.size() * static_cast<std::size_t>(o.partitions);
    // Per partition: the first offset read (> 0: the mock cluster deleted the head) and the count.
    std::vector<std::int64_t> first_offset(partitions, -1);
    std::vector<std::uint64_t> per_partition(partitions, 0);
    std::vector<kafka::Message> messages;
    auto last_message = Clock::now();
    const auto started = Clock::now();
    while (true) {
      if (Status s = (*consumer)->poll_batch(kPollBatch, 100, messages); !s.ok()) {
        std::fprintf(stderr, "stream_bench: (a) poll: %s\n", s.message().c_str());
        return 1;
      }
      if (!messages.empty()) {
        for (const kafka::Message& m : messages) {
          sum += touch(m.value);
          const std::size_t i = partition_index(m.topic, m.partition, o.partitions);
          if (i < partitions) {
            if (first_offset[i] < 0) first_offset[i] = m.offset;
            ++per_partition[i];
          }
        }
        count.store(count.load(std::memory_order_relaxed) + messages.size(),
                    std::memory_order_relaxed);
        last_message = Clock::now();
        continue;
      }
      if ((*consumer)->assignment().size() == partitions &&
          (*consumer)->partition_eofs() >= partitions) {
        break;
      }
      const bool any = count.load() > 0;
      if ((any && Clock::now() - last_message > std::chrono::seconds(30)) ||
          (!any && Clock::now() - started > std::chrono::seconds(120))) {
        std::fprintf(stderr, "stream_bench: (a) no progress: %llu records read, %llu EOFs\n",
                     static_cast<unsigned long long>(count.load()),
                     static_cast<unsigned long long>((*consumer)->partition_eofs()));
        break;
      }
    }
    sampler.stop();
    g_sink = g_sink + sum;
    fill(a, sampler, count.load());
    for (std::size_t i = 0; i < partitions; ++i) {
      if (per_partition[i] > max_per_partition) {
        max_per_partition = per_partition[i];
        busiest = i;
      }
      if (first_offset[i] > 0) {
        if (truncated.size() < 8) {
          truncated.push_back(partition_name(i, o.partitions) + " from offset " +
                              std::to_string(first_offset[i]));
        }
        ++truncated_partitions;
      }
    }
    (void)(*consumer)->close();
  }
  if (a.records != produced) {
    std::fprintf(stderr,
                 "stream_bench: FAILED: the bare consumer read %llu records of the %llu produced. "
                 "librdkafka's mock cluster keeps about 5 MB per partition and deletes the oldest "
                 "message sets beyond: run again with more --partitions (now %d).\n",
                 static_cast<unsigned long long>(a.records),
                 static_cast<unsigned long long>(produced), o.partitions);
    std::fprintf(stderr, "stream_bench: %zu partitions lost their head:", truncated_partitions);
    for (const std::string& t : truncated) std::fprintf(stderr, " %s;", t.c_str());
    std::fprintf(stderr, " the busiest, %s, has %llu records\n",
                 partition_name(busiest, o.partitions).c_str(),
                 static_cast<unsigned long long>(max_per_partition));
    return 1;
  }

  // 4. (b) The stream processor.
  Phase b{"b", "StreamProcessor, shipped rules, RocksDB store"};
  pipeline::StreamStats st;
  std::uint64_t skipped = 0, stored_alerts = 0;
  double create_s = 0;
  Status run_status = Status::ok_status();
  {
    Result<std::unique_ptr<store::Store>> opened =
        store::Store::open(conf.store_path, store::StoreOptions{.sync = false});
    if (!opened.ok()) {
      std::fprintf(stderr, "stream_bench: store: %s\n", opened.status().message().c_str());
      return 2;
    }
    std::shared_ptr<store::Store> alerts_store = std::move(*opened);
    observe::Logger log(observe::LogFormat::kText, nullptr);
    observe::Registry metrics;
    const double rss_before_create = rss_mb();  // the processor's rule set and clients count too
    const auto t0 = Clock::now();
    Result<std::unique_ptr<pipeline::StreamProcessor>> processor =
        pipeline::StreamProcessor::create(conf, log, metrics, alerts_store, true);
    create_s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (!processor.ok()) {
      std::fprintf(stderr, "stream_bench: processor: %s\n", processor.status().message().c_str());
      return 2;
    }
    std::unique_ptr<pipeline::StreamProcessor> stream = std::move(*processor);
    std::atomic<bool> stop{false}, reload{false};
    Sampler sampler([&] { return stream->stats().records; }, produced);
    run_status = stream->run(stop, reload, true);
    sampler.stop();
    st = stream->stats();
    fill(b, sampler, st.records, rss_before_create);
    for (const char* t : kTopics) {
      skipped += metrics
                     .counter("vigie_records_skipped_total",
                              "Records deleted from the log before they were read (retention)",
                              {{"topic", t}})
                     .value();
    }
    stream.reset();
    stored_alerts = alerts_store->alert_count();
  }

  // 5. The table.
  const double ratio_wall = a.rate_steady() > 0 ? b.rate_steady() / a.rate_steady() : 0;
  const double ratio_core = a.per_core() > 0 ? b.per_core() / a.per_core() : 0;
  const double ratio_client =
      a.per_core_client() > 0 ? b.per_core_client() / a.per_core_client() : 0;
  auto row = [](const char* name, const std::string& va, const std::string& vb,
                const std::string& ratio) {
    std::printf("  %-42s %16s %16s %8s\n", name, va.c_str(), vb.c_str(), ratio.c_str());
  };
  row("", "(a) consumer", "(b) processor", "b/a");
  row("records", thousands(static_cast<double>(a.records)),
      thousands(static_cast<double>(b.records)), "");
  row("group join: phase start to first record, s", fixed(a.join_s, 2), fixed(b.join_s, 2), "");
  row("steady window: first to last record, s", fixed(a.steady_s, 2), fixed(b.steady_s, 2), "");
  row("whole phase, s", fixed(a.total_s, 2), fixed(b.total_s, 2), "");
  row("events/s, wall clock, steady", thousands(a.rate_steady()), thousands(b.rate_steady()),
      fixed(ratio_wall, 3));
  row("events/s, wall clock, whole phase", thousands(a.rate_total()), thousands(b.rate_total()),
      fixed(a.rate_total() > 0 ? b.rate_total() / a.rate_total() : 0, 3));
  row("process CPU s, steady (user+sys)", fixed(a.cpu_steady_s, 2), fixed(b.cpu_steady_s, 2), "");
  row("  of which mock cluster threads", fixed(a.mock_cpu_steady_s, 2),
      fixed(b.mock_cpu_steady_s, 2), "");
  row("cores busy, steady (CPU s / wall s)",
      fixed(a.steady_s > 0 ? a.cpu_steady_s / a.steady_s : 0, 2),
      fixed(b.steady_s > 0 ? b.cpu_steady_s / b.steady_s : 0, 2), "");
  row("events/s per core (process CPU)", thousands(a.per_core()), thousands(b.per_core()),
      fixed(ratio_core, 3));
  row("events/s per core (client CPU, no mock)", thousands(a.per_core_client()),
      thousands(b.per_core_client()), fixed(ratio_client, 3));
  row("events/s per core, whole phase", thousands(a.per_core_total()),
      thousands(b.per_core_total()),
      fixed(a.per_core_total() > 0 ? b.per_core_total() / a.per_core_total() : 0, 3));
  row("RSS at phase start, MB", fixed(a.rss_start_mb, 0), fixed(b.rss_start_mb, 0), "");
  row("RSS growth, peak during phase, MB", fixed(a.rss_peak_growth_mb, 0),
      fixed(b.rss_peak_growth_mb, 0), "");
  row("RSS growth at phase end, MB", fixed(a.rss_end_growth_mb, 0), fixed(b.rss_end_growth_mb, 0),
      "");
  row("ru_maxrss after phase, MB", fixed(a.maxrss_after_mb, 0), fixed(b.maxrss_after_mb, 0), "");
  std::printf(
      "  (ru_maxrss after producing: %.0f MB; it includes the mock cluster's copy of the "
      "records)\n",
      maxrss_produced);
  std::printf(
      "  records per partition: %.0f on average, the busiest (%s) %s\n",
      static_cast<double>(produced) / static_cast<double>(std::size(kTopics) * o.partitions),
      partition_name(busiest, o.partitions).c_str(),
      thousands(static_cast<double>(max_per_partition)).c_str());
  print_threads(a);
  print_threads(b);
  std::printf(
      "\n  (b) processor: create %.2f s (rules, deployment, clients); %s events decoded, %s "
      "rejected, %s alerts written (store holds %s), %s store commits, %s records skipped "
      "(offset gaps)\n",
      create_s, thousands(static_cast<double>(st.events)).c_str(),
      thousands(static_cast<double>(st.rejected)).c_str(),
      thousands(static_cast<double>(st.alerts)).c_str(),
      thousands(static_cast<double>(stored_alerts)).c_str(),
      thousands(static_cast<double>(st.batches)).c_str(),
      thousands(static_cast<double>(skipped)).c_str());
  std::printf(
      "  target b/a >= 0.5 (stretch 0.8), per core: %.3f %s (stretch %s); wall clock: "
      "%.3f %s (stretch %s)\n",
      ratio_core, met(ratio_core >= 0.5), met(ratio_core >= 0.8), ratio_wall,
      met(ratio_wall >= 0.5), met(ratio_wall >= 0.8));
  std::printf("  target >= 250,000 events/s per core: %s %s (client CPU only: %s %s)\n",
              thousands(b.per_core()).c_str(), met(b.per_core() >= 250'000),
              thousands(b.per_core_client()).c_str(), met(b.per_core_client() >= 250'000));

  std::vector<std::string> failures;
  if (!run_status.ok()) failures.push_back("the processor failed: " + run_status.to_string());
  if (b.records != produced)
    failures.push_back("the processor read " + std::to_string(b.records) + " records of " +
                       std::to_string(produced));
  if (skipped != 0) failures.push_back(std::to_string(skipped) + " records skipped (offset gaps)");
  if (st.alerts == 0) failures.push_back("no alert");
  if (kafka_errors.load() != 0) {
    std::lock_guard<std::mutex> lock(kafka_first_error_mutex);
    std::printf("  librdkafka reported %llu errors; the first: %s\n",
                static_cast<unsigned long long>(kafka_errors.load()), kafka_first_error.c_str());
  }
  for (const std::string& f : failures)
    std::fprintf(stderr, "stream_bench: FAILED: %s\n", f.c_str());

  // 6. The JSON line.
  std::string j =
      "{\"bench\":\"stream_bench\",\"events_requested\":" + std::to_string(o.events) +
      ",\"records\":" + std::to_string(produced) +
      ",\"records_by_topic\":{\"ad\":" + std::to_string(per_topic["ad"]) +
      ",\"vpn\":" + std::to_string(per_topic["vpn"]) +
      ",\"ehr\":" + std::to_string(per_topic["ehr"]) + "}" + ",\"avg_record_bytes\":" +
      json_number(produced ? static_cast<double>(produced_bytes) / static_cast<double>(produced)
                           : 0.0) +
      ",\"produce_seconds\":" + json_number(produce_s) +
      ",\"brokers\":" + std::to_string(o.brokers) +
      ",\"partitions_per_topic\":" + std::to_string(o.partitions) + ",\"partitioner\":\"" +
      (o.balanced ? "balanced" : "murmur2") + "\"" + ",\"linger_ms\":" + o.linger_ms +
      ",\"workers\":" + std::to_string(o.workers) +
      ",\"rules\":" + std::to_string(detection.rules->size()) +
      ",\"correlations\":" + std::to_string(detection.correlations->size()) +
      ",\"seed\":" + std::to_string(o.seed);
  j += ",\"machine\":{\"cpu_model\":" + json::quote(cpu_model()) +
       ",\"cpus\":" + std::to_string(std::thread::hardware_concurrency()) +
       ",\"build\":" + json::quote(build) + "}";
  j += ",\"phases\":{\"a\":" + phase_json(a) + ",\"b\":" + phase_json(b) + "}";
  j += ",\"ratio_wall\":" + json_number(ratio_wall) +
       ",\"ratio_per_core\":" + json_number(ratio_core) +
       ",\"ratio_per_core_client\":" + json_number(ratio_client);
  j += ",\"processor\":{\"create_seconds\":" + json_number(create_s) +
       ",\"events\":" + std::to_string(st.events) + ",\"rejected\":" + std::to_string(st.rejected) +
       ",\"alerts_written\":" + std::to_string(st.alerts) +
       ",\"alerts_stored\":" + std::to_string(stored_alerts) +
       ",\"batches\":" + std::to_string(st.batches) + ",\"skipped\":" + std::to_string(skipped) +
       ",\"status\":" + json::quote(run_status.to_string()) + "}";
  j += ",\"max_records_per_partition\":" + std::to_string(max_per_partition);
  j += ",\"maxrss_after_produce_mb\":" + json_number(maxrss_produced) +
       ",\"kafka_errors\":" + std::to_string(kafka_errors.load()) +
       ",\"ok\":" + (failures.empty() ? "true" : "false") + "}";
  std::printf("\n%s\n", j.c_str());
  std::fflush(stdout);
  kafka::set_log_handler({});
  return failures.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Options o;
    if (int rc = parse_options(argc, argv, o); rc != 0) return rc;
    return run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "stream_bench: %s\n", e.what());
    return 2;
  }
}
