// correlate_bench — the correlation benchmark (issue 3 §6).
//
// Question: what does the correlation engine add per event to the real pipeline (JsonReader +
// Matcher), with 50 correlation rules of all seven Sigma types over a handful of single-event
// rules and ~100,000 distinct group keys, and how many bytes does a group cost?
//
// One run of this binary, single-threaded, in one process:
//   - generates, untimed and seeded, N flat ECS-style JSON events in memory (authentication,
//     network flows, file reads, process starts, privilege use, DNS, logoffs) from 20 tenants ×
//     5,000 users, with background traffic and attack-like bursts (brute force, password spray,
//     lateral movement, exfiltration, port scans, mass file reads, process storms, slow logons);
//     event times increase over `--hours` of event time, and arrival order jitters them by up to
//     `--jitter` seconds (within the allowed lateness);
//   - writes 6 single-event rules and 50 correlation rules as YAML to a temporary folder and loads
//     them with correlate::load_detection, the way `vigie hunt` does (tenant field "tenant");
//   - measures, interleaved, `--repeat` times each:
//       (c) simdjson On-Demand parse + 5 fields per line (the project's ratio baseline),
//       (a) JsonReader + Matcher (the pipeline without correlation),
//       (b) JsonReader + Matcher + correlate::Engine::process, then Engine::flush (timed too),
//       (e) as (b) with an engine holding one event_count correlation only (group memory);
//       (d0) a replay of the events read and matched beforehand, one Event rebuilt per line,
//       (d) the same replay through the engine: d - d0 is the engine alone;
//     the best repetition of each is kept (the median is printed beside it);
//   - after (b) and (e), before flush: active groups, Engine::state_bytes() per group, and the heap
//     the engine holds according to glibc (mallinfo2: allocator overhead included), per group.
// Checks (exit 1 when one fails): no read error, matches, alerts of every correlation type, the
// same match and alert counts in every repetition.
//
// Output: human-readable lines, then one JSON line with every figure (as detect_bench --json).
// Exit codes: 0 measured (targets met or not), 1 a correctness check failed, 2 usage or setup.
#include <sched.h>
#include <simdjson.h>
#include <unistd.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/timestamp.h"
#include "correlate/engine.h"
#include "correlate/load.h"
#include "event/event.h"
#include "event/json_reader.h"
#include "match/rule_set.h"
#include "rules/correlation.h"

namespace vigie::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kExitCheckFailed = 1;
constexpr int kExitSetup = 2;
constexpr double kTargetAddedMicros = 0.5;      // µs per event added by correlation, at most
constexpr double kTargetEventCountBytes = 200;  // bytes per event_count group, at most

// ---- Options ---------------------------------------------------------------------------------

struct Options {
  std::size_t events = 1'000'000;
  std::uint64_t seed = 1;
  std::uint32_t tenants = 20;
  std::uint32_t users = 5000;  // per tenant
  double hours = 6;
  double jitter_s = 30;
  std::int64_t lateness_ms = 5 * 60 * 1000;
  int repeat = 3;
  int cpu = -1;
  std::string write_path;
  std::string rules_dir;
  std::string types;  // ",type,type,": correlation types to keep; empty: all
  bool engine_only = false;
};

constexpr std::string_view kUsage = R"(usage: correlate_bench [options]
  --events N        events to generate (default 1000000)
  --seed S          generator seed (default 1)
  --tenants N       tenants (default 20)
  --users N         users per tenant (default 5000): tenants x users group keys per user
  --hours H         event time the events span (default 6)
  --jitter S        arrival jitter in seconds, out of order within the lateness (default 30)
  --lateness S      the engine's allowed lateness in seconds (default 300)
  --repeat K        timed runs per phase, best kept (default 3)
  --cpu N           pin the process to CPU N
  --write FILE      also write the generated events (NDJSON) to FILE
  --rules-dir DIR   also write the generated rules (rules.yml, event_count.yml) to DIR
  --types LIST      keep only the correlations of these types (comma-separated, e.g.
                    event_count,value_sum): what each type costs
  --engine-only     time only the replay phases (d0, d) and print the engine's cost per event
                    and per (correlation, input) pair: for profiling the engine
  --json            accepted for symmetry with detect_bench: the JSON line is always printed
)";

template <typename T>
bool parse_number(std::string_view text, T& out) {
  std::istringstream in{std::string(text)};
  in >> out;
  return !in.fail() && in.eof();
}

std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage.data(), stdout);
      std::exit(0);
    }
    if (arg == "--json") continue;
    if (arg == "--engine-only") {
      o.engine_only = true;
      continue;
    }
    static constexpr std::string_view kValued[] = {
        "--events",   "--seed",   "--tenants", "--users", "--hours",     "--jitter",
        "--lateness", "--repeat", "--cpu",     "--write", "--rules-dir", "--types"};
    if (std::find(std::begin(kValued), std::end(kValued), arg) == std::end(kValued)) {
      std::fprintf(stderr, "correlate_bench: unknown option %s\n%s", argv[i], kUsage.data());
      return std::nullopt;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "correlate_bench: %s needs a value\n%s", argv[i], kUsage.data());
      return std::nullopt;
    }
    const std::string_view value = argv[++i];
    bool ok = true;
    double seconds = 0;
    if (arg == "--events") {
      ok = parse_number(value, o.events) && o.events > 0;
    } else if (arg == "--seed") {
      ok = parse_number(value, o.seed);
    } else if (arg == "--tenants") {
      ok = parse_number(value, o.tenants) && o.tenants > 0 && o.tenants <= 250;
    } else if (arg == "--users") {
      ok = parse_number(value, o.users) && o.users >= 100 && o.users <= 1'000'000;
    } else if (arg == "--hours") {
      ok = parse_number(value, o.hours) && o.hours > 0;
    } else if (arg == "--jitter") {
      ok = parse_number(value, o.jitter_s) && o.jitter_s >= 0;
    } else if (arg == "--lateness") {
      ok = parse_number(value, seconds) && seconds >= 0;
      o.lateness_ms = static_cast<std::int64_t>(seconds * 1000);
    } else if (arg == "--repeat") {
      ok = parse_number(value, o.repeat) && o.repeat > 0;
    } else if (arg == "--cpu") {
      ok = parse_number(value, o.cpu) && o.cpu >= 0;
    } else if (arg == "--write") {
      o.write_path = value;
    } else if (arg == "--rules-dir") {
      o.rules_dir = value;
    } else {
      o.types = "," + std::string(value) + ",";
    }
    if (!ok) {
      std::fprintf(stderr, "correlate_bench: bad value for %s\n", argv[i - 1]);
      return std::nullopt;
    }
  }
  return o;
}

// ---- Machine ---------------------------------------------------------------------------------

struct Machine {
  std::string cpu_model = "unknown";
  unsigned cpus = 0;
  std::string compiler;
  std::string build;
  std::string json_parser;
};

Machine describe_machine() {
  Machine m;
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        m.cpu_model = line.substr(line.find_first_not_of(" \t", colon + 1));
        break;
      }
    }
  }
  m.cpus = std::thread::hardware_concurrency();
#if defined(__clang__)
  m.compiler = std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  m.compiler = std::string("g++ ") + __VERSION__;
#else
  m.compiler = "unknown";
#endif
#ifdef NDEBUG
  m.build = "optimised (NDEBUG)";
#else
  m.build = "DEBUG (assertions on: figures are not representative)";
#endif
  m.json_parser = "simdjson " + std::to_string(simdjson::SIMDJSON_VERSION_MAJOR) + '.' +
                  std::to_string(simdjson::SIMDJSON_VERSION_MINOR) + '.' +
                  std::to_string(simdjson::SIMDJSON_VERSION_REVISION) + " (" +
                  simdjson::get_active_implementation()->name() + ")";
  return m;
}

// Bytes the allocator has handed out and not taken back (chunk overhead included); -1 when
// unknown.
long long heap_in_use() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  return static_cast<long long>(mallinfo2().uordblks);
#else
  return -1;
#endif
}

// ---- Deterministic generator -----------------------------------------------------------------

// splitmix64: same sequence everywhere; draws are bounded with a modulo (a negligible bias, but
// the same on every platform), never with std::*_distribution.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  std::int64_t between(std::int64_t lo, std::int64_t hi) {  // inclusive
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }

 private:
  std::uint64_t state_;
};

enum Action : std::uint8_t {
  kAuthFailure,
  kAuthSuccess,
  kFileRead,
  kProcStart,
  kNetFlow,
  kPrivUse,
  kDnsQuery,
  kLogoff,
};
constexpr std::size_t kActionCount = 8;
constexpr const char* kActionNames[kActionCount] = {
    "logon failure", "logon success", "file read", "process start",
    "network flow",  "privilege use", "dns query", "logoff"};

constexpr std::uint32_t kWorkstations = 1000;  // per tenant; servers follow
constexpr std::uint32_t kServers = 20;
constexpr std::uint32_t kHotUsers = 100;  // per tenant: service accounts, admins, busy people
constexpr double kHotShare = 0.2;         // of the background events

constexpr const char* kProcesses[] = {
    "explorer.exe",   "chrome.exe",    "msedge.exe",    "outlook.exe",  "winword.exe",
    "excel.exe",      "teams.exe",     "svchost.exe",   "conhost.exe",  "cmd.exe",
    "powershell.exe", "notepad.exe",   "acrord32.exe",  "onedrive.exe", "taskhostw.exe",
    "rundll32.exe",   "dllhost.exe",   "searchapp.exe", "mmc.exe",      "mstsc.exe",
    "psexec.exe",     "wmic.exe",      "net.exe",       "whoami.exe",   "nltest.exe",
    "certutil.exe",   "bitsadmin.exe", "reg.exe",       "sc.exe",       "schtasks.exe"};
constexpr std::size_t kProcessCount = std::size(kProcesses);
constexpr const char* kPrivileges[] = {"SeDebugPrivilege", "SeBackupPrivilege",
                                       "SeTakeOwnershipPrivilege", "SeLoadDriverPrivilege",
                                       "SeImpersonatePrivilege"};
constexpr const char* kExtensions[] = {"docx", "xlsx", "pdf", "pptx", "csv", "txt"};
constexpr std::uint16_t kCommonPorts[] = {443, 443, 443, 443, 80, 445, 53, 389, 88, 3389, 8080};

struct GenEvent {
  std::int64_t time = 0;     // event time, ms
  std::int64_t arrival = 0;  // arrival order key: time plus a delay
  std::uint32_t tenant = 0;
  std::uint32_t user = 0;
  std::uint32_t host = 0;  // < kWorkstations: workstation, else server
  Action action = kLogoff;
  std::uint32_t src_ip = 0;
  std::uint32_t dst_ip = 0;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint64_t bytes = 0;     // network.bytes or file.size
  std::uint32_t duration = 0;  // event.duration, ms
  std::uint32_t object = 0;    // file, process, privilege or DNS name
};

std::uint32_t ip(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}
std::uint32_t host_ip(std::uint32_t tenant, std::uint32_t host) {
  if (host >= kWorkstations) return ip(10, tenant, 200, host - kWorkstations + 1);
  return ip(10, tenant, host / 250, host % 250 + 1);
}
std::uint32_t home_host(std::uint32_t user) { return (user * 7919u) % kWorkstations; }

class Generator {
 public:
  Generator(const Options& o) : o_(o), rng_(o.seed) {}

  std::vector<GenEvent> run() {
    const std::int64_t start = *parse_timestamp_ms("2024-03-04T06:00:00Z");
    const double span_ms = o_.hours * 3600.0 * 1000.0;
    out_.reserve(o_.events + 256);
    // Scenario starts per background event: each kind makes about 0.4 % of the events.
    struct Kind {
      double mean_size;
      void (Generator::*make)(std::int64_t);
    };
    const Kind kinds[] = {
        {22, &Generator::brute_force},      {17, &Generator::password_spray},
        {18, &Generator::lateral_movement}, {40, &Generator::exfiltration},
        {40, &Generator::port_scan},        {80, &Generator::mass_file_read},
        {90, &Generator::process_storm},    {8, &Generator::slow_logons},
    };
    // Background runs 10 % longer than needed and the stream keeps the first N events by
    // arrival: bursts that started near the end would otherwise be the stream's only tail, run
    // the watermark ahead of the background and empty the state just before it is measured.
    const auto slots = static_cast<std::size_t>(static_cast<double>(o_.events) * 1.1);
    for (std::size_t slot = 0; slot < slots; ++slot) {
      const auto t = start + static_cast<std::int64_t>(span_ms * static_cast<double>(slot) /
                                                       static_cast<double>(o_.events));
      background(t);
      for (const Kind& k : kinds) {
        if (rng_.chance(0.004 / k.mean_size)) (this->*k.make)(t);
      }
    }
    // Arrival order: each event is delayed by up to the jitter, mostly little (cubed uniform).
    const double jitter_ms = o_.jitter_s * 1000.0;
    for (GenEvent& e : out_) {
      const double u = rng_.unit();
      e.arrival = e.time + static_cast<std::int64_t>(u * u * u * jitter_ms);
    }
    std::stable_sort(out_.begin(), out_.end(),
                     [](const GenEvent& a, const GenEvent& b) { return a.arrival < b.arrival; });
    out_.resize(o_.events);
    return std::move(out_);
  }

  std::size_t scenarios() const { return scenarios_; }

 private:
  GenEvent base(std::int64_t t, std::uint32_t tenant, std::uint32_t user, Action a) {
    GenEvent e;
    e.time = t;
    e.tenant = tenant;
    e.user = user;
    e.action = a;
    e.host = home_host(user);
    e.src_ip = host_ip(tenant, e.host);
    e.src_port = static_cast<std::uint16_t>(rng_.between(49152, 65535));
    return e;
  }
  std::uint32_t random_server() {
    return kWorkstations + static_cast<std::uint32_t>(rng_.below(kServers));
  }
  std::uint32_t internet_ip() {
    const auto k = static_cast<std::uint32_t>(rng_.below(500));
    return ip(93, 184, k / 250, k % 250 + 1);
  }
  std::uint32_t attacker_ip() {
    const auto k = static_cast<std::uint32_t>(rng_.below(500));
    return ip(k < 250 ? 198 : 203, k < 250 ? 51 : 0, k < 250 ? 100 : 113, k % 250 + 1);
  }
  std::uint64_t flow_bytes() {
    if (rng_.chance(0.01)) return static_cast<std::uint64_t>(rng_.between(1'000'000, 4'000'000));
    return static_cast<std::uint64_t>(std::exp2(8 + rng_.unit() * 12));
  }
  std::uint64_t file_size() { return static_cast<std::uint64_t>(std::exp2(10 + rng_.unit() * 11)); }

  void fill(GenEvent& e) {
    switch (e.action) {
      case kAuthFailure:
      case kAuthSuccess:
        e.duration = rng_.chance(0.001) ? static_cast<std::uint32_t>(rng_.between(2000, 6000))
                                        : static_cast<std::uint32_t>(rng_.between(20, 800));
        break;
      case kNetFlow:
        e.dst_ip = rng_.chance(0.6) ? host_ip(e.tenant, random_server()) : internet_ip();
        e.dst_port = rng_.chance(0.97) ? kCommonPorts[rng_.below(std::size(kCommonPorts))]
                                       : static_cast<std::uint16_t>(rng_.between(1024, 49151));
        e.bytes = flow_bytes();
        e.duration = static_cast<std::uint32_t>(rng_.between(1, 5000));
        break;
      case kFileRead:
        e.object = static_cast<std::uint32_t>(rng_.below(20000));
        e.bytes = file_size();
        e.duration = static_cast<std::uint32_t>(rng_.between(1, 200));
        break;
      case kProcStart:
        e.object = static_cast<std::uint32_t>(rng_.below(20));  // the benign ones
        e.duration = static_cast<std::uint32_t>(rng_.between(5, 900));
        break;
      case kPrivUse:
        e.object = static_cast<std::uint32_t>(rng_.below(std::size(kPrivileges)));
        break;
      case kDnsQuery:
        e.object = static_cast<std::uint32_t>(rng_.below(5000));
        e.duration = static_cast<std::uint32_t>(rng_.between(1, 80));
        break;
      case kLogoff:
        break;
    }
  }

  void background(std::int64_t t) {
    std::uint32_t tenant = static_cast<std::uint32_t>(rng_.below(o_.tenants));
    std::uint32_t user = rng_.chance(kHotShare) ? static_cast<std::uint32_t>(rng_.below(kHotUsers))
                                                : static_cast<std::uint32_t>(rng_.below(o_.users));
    // Mix: flows 28 %, file reads 18 %, logons 14 %, process starts 14 %, DNS 9 %, logoffs 8 %,
    // failed logons 5 %, privilege use 4 %.
    static constexpr std::pair<Action, int> kMix[] = {
        {kNetFlow, 28}, {kFileRead, 18}, {kAuthSuccess, 14}, {kProcStart, 14},
        {kDnsQuery, 9}, {kLogoff, 8},    {kAuthFailure, 5},  {kPrivUse, 4}};
    int pick = static_cast<int>(rng_.below(100));
    Action a = kLogoff;
    for (const auto& [action, weight] : kMix) {
      if (pick < weight) {
        a = action;
        break;
      }
      pick -= weight;
    }
    GenEvent e = base(t, tenant, user, a);
    const double r = rng_.unit();
    if (r < 0.05) {
      e.host = static_cast<std::uint32_t>(rng_.below(kWorkstations));
    } else if (r < 0.10) {
      e.host = random_server();
    }
    if (a == kAuthSuccess || a == kAuthFailure) {
      e.src_ip = host_ip(tenant, home_host(user));  // logged on to e.host from the user's desk
    } else {
      e.src_ip = host_ip(tenant, e.host);
    }
    fill(e);
    out_.push_back(e);
  }

  std::uint32_t pick_tenant() { return static_cast<std::uint32_t>(rng_.below(o_.tenants)); }
  std::uint32_t pick_user() { return static_cast<std::uint32_t>(rng_.below(o_.users)); }
  std::int64_t later(std::int64_t t, std::int64_t lo_s, std::int64_t hi_s) {
    return t + rng_.between(lo_s * 1000, hi_s * 1000);
  }

  // 12-30 failed logons on one account from outside within 2-8 minutes; half the time a success
  // follows, and then privilege use and a process.
  void brute_force(std::int64_t t) {
    ++scenarios_;
    const std::uint32_t tenant = pick_tenant(), user = pick_user(), src = attacker_ip();
    const auto n = rng_.between(12, 30);
    const std::int64_t span = rng_.between(120, 480) * 1000;
    std::int64_t last = t;
    for (std::int64_t i = 0; i < n; ++i) {
      GenEvent e = base(t + span * i / n, tenant, user, kAuthFailure);
      e.src_ip = src;
      fill(e);
      e.duration = static_cast<std::uint32_t>(rng_.between(1500, 3000));
      last = e.time;
      out_.push_back(e);
    }
    if (rng_.chance(0.5)) {
      GenEvent e = base(later(last, 5, 60), tenant, user, kAuthSuccess);
      e.src_ip = src;
      fill(e);
      out_.push_back(e);
      GenEvent p = base(later(e.time, 10, 120), tenant, user, kPrivUse);
      fill(p);
      out_.push_back(p);
      GenEvent q = base(later(p.time, 5, 60), tenant, user, kProcStart);
      fill(q);
      q.object = 20 + static_cast<std::uint32_t>(rng_.below(kProcessCount - 20));
      out_.push_back(q);
    }
  }

  // One outside address tries one password on 10-25 accounts of a tenant within 3-10 minutes.
  void password_spray(std::int64_t t) {
    ++scenarios_;
    const std::uint32_t tenant = pick_tenant(), src = attacker_ip();
    const auto n = rng_.between(10, 25);
    const std::int64_t span = rng_.between(180, 600) * 1000;
    for (std::int64_t i = 0; i < n; ++i) {
      GenEvent e = base(t + span * i / n, tenant, pick_user(), kAuthFailure);
      e.src_ip = src;
      fill(e);
      out_.push_back(e);
    }
  }

  // One account logs on to 6-12 hosts within 10-40 minutes and starts a tool on each.
  void lateral_movement(std::int64_t t) {
    ++scenarios_;
    const std::uint32_t tenant = pick_tenant(), user = pick_user();
    const auto n = rng_.between(6, 12);
    const std::int64_t span = rng_.between(600, 2400) * 1000;
    for (std::int64_t i = 0; i < n; ++i) {
      const auto host = static_cast<std::uint32_t>(rng_.below(kWorkstations + kServers));
      GenEvent e = base(t + span * i / n, tenant, user, kAuthSuccess);
      e.host = host;
      fill(e);
      out_.push_back(e);
      GenEvent p = base(later(e.time, 2, 30), tenant, user, kProcStart);
      p.host = host;
      p.src_ip = host_ip(tenant, host);
      fill(p);
      p.object = 20 + static_cast<std::uint32_t>(rng_.below(kProcessCount - 20));
      out_.push_back(p);
    }
  }

  // 20-60 large flows (2-20 MB) from one account to one outside address within 10-40 minutes.
  void exfiltration(std::int64_t t) {
    ++scenarios_;
    const std::uint32_t tenant = pick_tenant(), user = pick_user(), dst = internet_ip();
    const auto n = rng_.between(20, 60);
    const std::int64_t span = rng_.between(600, 2400) * 1000;
    for (std::int64_t i = 0; i < n; ++i) {
      GenEvent e = base(t + span * i / n, tenant, user, kNetFlow);
      fill(e);
      e.dst_ip = dst;
      e.dst_port = 443;
      e.bytes = static_cast<std::uint64_t>(rng_.between(2'000'000, 20'000'000));
      out_.push_back(e);
    }
  }

  // One workstation probes 20-60 ports of a server within 1-4 minutes.
  void port_scan(std::int64_t t) {
    ++scenarios_;
    const std::uint32_t tenant = pick_tenant(), user = pick_user();
    const std::uint32_t dst = host_ip(tenant, random_server());
    const auto n = rng_.between(20, 60);
    const std::int64_t span = rng_.between(60, 240) * 1000;
    const auto first_port = static_cast<std::uint16_t>(rng_.between(1, 2000));
    for (std::int64_t i = 0; i < n; ++i) {
      GenEvent e = base(t + span * i / n, tenant, user, kNetFlow);
      fill(e);
      e.dst_ip = dst;
      e.dst_port = static_cast<std::uint16_t>(first_port + i * 7);
      e.bytes = static_cast<std::uint64_t>(rng_.between(60, 200));
      out_.push_back(e);
    }
  }

  // One account reads 40-120 distinct files of 2-10 MB within 5-15 minutes.
  void mass_file_read(std::int64_t t) {
    ++scenarios_;
    const std::uint32_t tenant = pick_tenant(), user = pick_user();
    const auto n = rng_.between(40, 120);
    const std::int64_t span = rng_.between(300, 900) * 1000;
    const auto first = static_cast<std::uint32_t>(rng_.below(20000));
    for (std::int64_t i = 0; i < n; ++i) {
      GenEvent e = base(t + span * i / n, tenant, user, kFileRead);
      fill(e);
      e.object = (first + static_cast<std::uint32_t>(i)) % 20000;
      e.bytes = static_cast<std::uint64_t>(rng_.between(2'000'000, 10'000'000));
      out_.push_back(e);
    }
  }

  // One host starts 60-120 processes of many kinds within 2-5 minutes.
  void process_storm(std::int64_t t) {
    ++scenarios_;
    const std::uint32_t tenant = pick_tenant(), user = pick_user();
    const auto n = rng_.between(60, 120);
    const std::int64_t span = rng_.between(120, 300) * 1000;
    for (std::int64_t i = 0; i < n; ++i) {
      GenEvent e = base(t + span * i / n, tenant, user, kProcStart);
      fill(e);
      e.object = static_cast<std::uint32_t>(rng_.below(kProcessCount));
      out_.push_back(e);
    }
  }

  // 5-10 logons of one account that each take 3-10 s, within 30 minutes.
  void slow_logons(std::int64_t t) {
    ++scenarios_;
    const std::uint32_t tenant = pick_tenant(), user = pick_user();
    const auto n = rng_.between(5, 10);
    for (std::int64_t i = 0; i < n; ++i) {
      GenEvent e = base(t + 1'800'000 * i / n, tenant, user, kAuthSuccess);
      fill(e);
      e.duration = static_cast<std::uint32_t>(rng_.between(3000, 10000));
      out_.push_back(e);
    }
  }

  const Options& o_;
  Rng rng_;
  std::vector<GenEvent> out_;
  std::size_t scenarios_ = 0;
};

// ---- Events as JSON lines ----------------------------------------------------------------------

// The events as NDJSON in one buffer, with simdjson's padding after the last line.
struct Corpus {
  static constexpr std::size_t kPadding = 64;
  std::string buffer;
  std::vector<std::size_t> starts;  // size() + 1 entries
  std::size_t bytes = 0;
  std::array<std::size_t, kActionCount> per_action{};
  std::size_t scenarios = 0;

  std::size_t size() const { return starts.empty() ? 0 : starts.size() - 1; }
  std::string_view line(std::size_t i) const {
    return std::string_view(buffer.data() + starts[i], starts[i + 1] - starts[i] - 1);
  }
  std::size_t capacity(std::size_t i) const { return buffer.size() - starts[i]; }
};

static_assert(simdjson::SIMDJSON_PADDING <= Corpus::kPadding);

void append_ip(std::string& out, std::uint32_t v) {
  char buf[16];
  const int n = std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", v >> 24, (v >> 16) & 255,
                              (v >> 8) & 255, v & 255);
  out.append(buf, static_cast<std::size_t>(n));
}

void append_host(std::string& out, std::uint32_t host) {
  char buf[16];
  const int n = host < kWorkstations
                    ? std::snprintf(buf, sizeof buf, "ws-%04u", host)
                    : std::snprintf(buf, sizeof buf, "srv-%02u", host - kWorkstations + 1);
  out.append(buf, static_cast<std::size_t>(n));
}

// One event in a Filebeat/ECS-like flat shape: the envelope a shipper adds, then the fields.
void append_event(std::string& out, const GenEvent& e) {
  char buf[160];
  auto put = [&](const char* fmt, auto... args) {
    const int n = std::snprintf(buf, sizeof buf, fmt, args...);
    out.append(buf, static_cast<std::size_t>(n));
  };
  out += "{\"@timestamp\":\"";
  out += format_timestamp_ms(e.time);
  put("\",\"tenant\":\"tenant-%02u\",\"agent\":{\"type\":\"filebeat\",\"version\":\"8.12.2\","
      "\"name\":\"",
      e.tenant);
  append_host(out, e.host);
  out += "\"},\"ecs\":{\"version\":\"8.11.0\"},\"event\":{\"action\":\"";
  static constexpr const char* kEventFields[kActionCount] = {
      "logon\",\"category\":\"authentication\",\"outcome\":\"failure\"",
      "logon\",\"category\":\"authentication\",\"outcome\":\"success\"",
      "file_read\",\"category\":\"file\",\"outcome\":\"success\"",
      "process_start\",\"category\":\"process\",\"outcome\":\"success\"",
      "network_flow\",\"category\":\"network\",\"outcome\":\"success\"",
      "privilege_use\",\"category\":\"iam\",\"outcome\":\"success\"",
      "dns_query\",\"category\":\"network\",\"outcome\":\"success\"",
      "logoff\",\"category\":\"authentication\",\"outcome\":\"success\""};
  out += kEventFields[e.action];
  if (e.duration != 0) put(",\"duration\":%u", e.duration);
  put("},\"user\":{\"name\":\"user%05u\",\"domain\":\"T%02u\"},\"host\":{\"name\":\"", e.user,
      e.tenant);
  append_host(out, e.host);
  out += "\"},\"source\":{\"ip\":\"";
  append_ip(out, e.src_ip);
  put("\",\"port\":%u}", e.src_port);
  switch (e.action) {
    case kAuthFailure:
    case kAuthSuccess:
      put(",\"winlog\":{\"event_id\":%d,\"logon\":{\"type\":3}},\"message\":\"%s\"",
          e.action == kAuthSuccess ? 4624 : 4625,
          e.action == kAuthSuccess ? "An account was successfully logged on."
                                   : "An account failed to log on.");
      break;
    case kNetFlow:
      out += ",\"destination\":{\"ip\":\"";
      append_ip(out, e.dst_ip);
      put("\",\"port\":%u},\"network\":{\"transport\":\"tcp\",\"direction\":\"%s\",\"bytes\":%llu}",
          e.dst_port, (e.dst_ip >> 24) == 10 ? "internal" : "outbound",
          static_cast<unsigned long long>(e.bytes));
      break;
    case kFileRead:
      put(",\"file\":{\"path\":\"\\\\\\\\fs01\\\\share\\\\dept%02u\\\\doc-%05u.%s\",\"size\":%llu}",
          e.object % 40, e.object, kExtensions[e.object % std::size(kExtensions)],
          static_cast<unsigned long long>(e.bytes));
      break;
    case kProcStart:
      put(",\"process\":{\"name\":\"%s\",\"pid\":%u,\"parent\":{\"name\":\"%s\"}}",
          kProcesses[e.object], 1000 + (e.src_port % 60000),
          e.object < 20 ? "explorer.exe" : "cmd.exe");
      break;
    case kPrivUse:
      put(",\"privilege\":{\"name\":\"%s\"}", kPrivileges[e.object]);
      break;
    case kDnsQuery:
      put(",\"dns\":{\"question\":{\"name\":\"host%04u.example.com\",\"type\":\"A\"}}", e.object);
      break;
    case kLogoff:
      break;
  }
  out += "}\n";
}

Corpus make_corpus(const Options& o) {
  Generator gen(o);
  const std::vector<GenEvent> events = gen.run();
  Corpus c;
  c.scenarios = gen.scenarios();
  c.buffer.reserve(events.size() * 560 + Corpus::kPadding);
  c.starts.reserve(events.size() + 1);
  for (const GenEvent& e : events) {
    c.starts.push_back(c.buffer.size());
    append_event(c.buffer, e);
    ++c.per_action[e.action];
  }
  c.starts.push_back(c.buffer.size());
  c.bytes = c.buffer.size() - events.size();
  c.buffer.append(Corpus::kPadding, ' ');
  return c;
}

// ---- Rules as YAML -------------------------------------------------------------------------

struct BaseRule {
  const char* name;
  const char* title;
  const char* detection;  // the selection's body, 4-space indented map
};

constexpr BaseRule kBaseRules[] = {
    {"auth_failure", "Failed logon", "event.action: logon\n    event.outcome: failure"},
    {"auth_success", "Successful logon", "event.action: logon\n    event.outcome: success"},
    {"file_read", "File read", "event.action: file_read"},
    {"proc_start", "Process start", "event.action: process_start"},
    {"net_flow", "Network flow", "event.action: network_flow"},
    {"priv_use", "Sensitive privilege use", "event.action: privilege_use"},
};

struct CorrelationSpec {
  const char* name;
  const char* type;
  const char* rules;     // YAML flow list
  const char* group_by;  // YAML flow list
  const char* timespan;
  const char* condition;  // YAML flow map, or "" (temporal types: all rules)
};

// 50 correlations: 14 event_count, 9 value_count, 6 temporal, 6 temporal_ordered, 7 value_sum,
// 4 value_avg, 4 value_percentile. Most conditions are gt/gte (decided as events arrive); the
// ranges with lt/lte, the eq, and every value_avg and value_percentile are decided at close.
constexpr CorrelationSpec kCorrelations[] = {
    // event_count
    {"brute_force_user", "event_count", "[auth_failure]", "[user.name]", "10m", "{gte: 10}"},
    {"brute_force_user_host", "event_count", "[auth_failure]", "[user.name, host.name]", "10m",
     "{gte: 8}"},
    {"failures_per_source", "event_count", "[auth_failure]", "[source.ip]", "15m", "{gte: 12}"},
    {"failures_per_host", "event_count", "[auth_failure]", "[host.name]", "30m", "{gte: 15}"},
    {"logon_burst_user", "event_count", "[auth_success]", "[user.name]", "30m", "{gte: 8}"},
    {"flow_burst_user", "event_count", "[net_flow]", "[user.name]", "10m", "{gte: 20}"},
    {"flow_burst_source", "event_count", "[net_flow]", "[source.ip]", "5m", "{gte: 20}"},
    {"file_burst_user", "event_count", "[file_read]", "[user.name]", "10m", "{gte: 30}"},
    {"process_storm_host", "event_count", "[proc_start]", "[host.name]", "5m", "{gte: 40}"},
    {"privilege_use_user", "event_count", "[priv_use]", "[user.name]", "30m", "{gte: 5}"},
    {"activity_user", "event_count", "[auth_success, file_read, proc_start, net_flow]",
     "[user.name]", "1h", "{gte: 60}"},
    {"flow_burst_user_host", "event_count", "[net_flow]", "[user.name, host.name]", "15m",
     "{gte: 25}"},
    {"slow_brute_force_user", "event_count", "[auth_failure]", "[user.name]", "1h",
     "{gte: 5, lt: 10}"},
    {"privilege_use_thrice", "event_count", "[priv_use]", "[user.name]", "30m", "{eq: 3}"},
    // value_count
    {"hosts_per_user", "value_count", "[auth_success]", "[user.name]", "1h",
     "{field: host.name, gte: 5}"},
    {"users_per_source", "value_count", "[auth_failure]", "[source.ip]", "15m",
     "{field: user.name, gte: 6}"},
    {"ports_per_source", "value_count", "[net_flow]", "[source.ip]", "5m",
     "{field: destination.port, gte: 15}"},
    {"files_per_user", "value_count", "[file_read]", "[user.name]", "15m",
     "{field: file.path, gte: 25}"},
    {"processes_per_host", "value_count", "[proc_start]", "[host.name]", "10m",
     "{field: process.name, gte: 12}"},
    {"destinations_per_user", "value_count", "[net_flow]", "[user.name]", "30m",
     "{field: destination.ip, gte: 15}"},
    {"users_per_host", "value_count", "[auth_success]", "[host.name]", "1h",
     "{field: user.name, gte: 6}"},
    {"failed_hosts_per_user", "value_count", "[auth_failure]", "[user.name]", "30m",
     "{field: host.name, gte: 4}"},
    {"few_hosts_per_user", "value_count", "[auth_success]", "[user.name]", "1h",
     "{field: host.name, gte: 2, lte: 3}"},
    // temporal
    {"failure_and_success", "temporal", "[auth_failure, auth_success]", "[user.name]", "10m", ""},
    {"logon_and_privilege", "temporal", "[auth_success, priv_use]", "[user.name]", "15m", ""},
    {"privilege_and_process", "temporal", "[priv_use, proc_start]", "[user.name]", "10m", ""},
    {"failure_and_privilege", "temporal", "[auth_failure, priv_use]", "[user.name]", "30m", ""},
    {"logon_process_flow_host", "temporal", "[auth_success, proc_start, net_flow]", "[host.name]",
     "5m", ""},
    {"privilege_and_file", "temporal", "[priv_use, file_read]", "[user.name]", "30m", ""},
    // temporal_ordered
    {"failure_then_success", "temporal_ordered", "[auth_failure, auth_success]", "[user.name]",
     "10m", ""},
    {"success_then_privilege", "temporal_ordered", "[auth_success, priv_use]", "[user.name]", "10m",
     ""},
    {"privilege_then_process", "temporal_ordered", "[priv_use, proc_start]", "[user.name]", "5m",
     ""},
    {"failure_success_privilege", "temporal_ordered", "[auth_failure, auth_success, priv_use]",
     "[user.name]", "30m", ""},
    {"logon_then_flow", "temporal_ordered", "[auth_success, net_flow]", "[user.name, host.name]",
     "5m", ""},
    {"process_then_flow_host", "temporal_ordered", "[proc_start, net_flow]", "[host.name]", "2m",
     ""},
    // value_sum
    {"bytes_out_user", "value_sum", "[net_flow]", "[user.name]", "1h",
     "{field: network.bytes, gte: 50000000}"},
    {"bytes_out_host", "value_sum", "[net_flow]", "[host.name]", "15m",
     "{field: network.bytes, gte: 20000000}"},
    {"bytes_out_user_host", "value_sum", "[net_flow]", "[user.name, host.name]", "30m",
     "{field: network.bytes, gt: 30000000}"},
    {"file_bytes_user", "value_sum", "[file_read]", "[user.name]", "1h",
     "{field: file.size, gte: 200000000}"},
    {"bytes_out_source", "value_sum", "[net_flow]", "[source.ip]", "10m",
     "{field: network.bytes, gte: 25000000}"},
    {"failure_time_user", "value_sum", "[auth_failure]", "[user.name]", "10m",
     "{field: event.duration, gt: 20000}"},
    {"file_bytes_host_band", "value_sum", "[file_read]", "[host.name]", "30m",
     "{field: file.size, gte: 50000000, lt: 100000000}"},
    // value_avg
    {"slow_logons_user", "value_avg", "[auth_success]", "[user.name]", "1h",
     "{field: event.duration, gt: 2500}"},
    {"large_flows_host", "value_avg", "[net_flow]", "[host.name]", "30m",
     "{field: network.bytes, gt: 5000000}"},
    {"slow_processes_host", "value_avg", "[proc_start]", "[host.name]", "15m",
     "{field: event.duration, gt: 850}"},
    {"large_files_user", "value_avg", "[file_read]", "[user.name]", "30m",
     "{field: file.size, gt: 4000000}"},
    // value_percentile
    {"p95_flow_bytes_user", "value_percentile", "[net_flow]", "[user.name]", "1h",
     "{field: network.bytes, percentile: 95, gt: 10000000}"},
    {"p90_failure_time_source", "value_percentile", "[auth_failure]", "[source.ip]", "15m",
     "{field: event.duration, percentile: 90, gte: 1500}"},
    {"p50_file_size_host", "value_percentile", "[file_read]", "[host.name]", "30m",
     "{field: file.size, percentile: 50, gt: 3000000}"},
    {"p99_flow_bytes_source", "value_percentile", "[net_flow]", "[source.ip]", "10m",
     "{field: network.bytes, percentile: 99, gt: 15000000}"},
};
static_assert(std::size(kCorrelations) == 50);

// The single event_count correlation of phase (e): all activity of a user in an hour, the widest
// grouping of the set (about every user × tenant has a group).
constexpr CorrelationSpec kEventCountOnly = {
    "activity_user_only", "event_count", "[auth_success, file_read, proc_start, net_flow]",
    "[user.name]",        "1h",          "{gte: 60}"};

std::string base_rules_yaml() {
  std::string y;
  int n = 0;
  for (const BaseRule& r : kBaseRules) {
    char id[64];
    std::snprintf(id, sizeof id, "b0000000-0000-4000-8000-%012d", ++n);
    y += std::string("---\ntitle: ") + r.title + "\nid: " + id + "\nname: " + r.name +
         "\nstatus: test\nlogsource: {}\ndetection:\n  selection:\n    " + r.detection +
         "\n  condition: selection\nlevel: low\n";
  }
  return y;
}

std::string correlation_yaml(const CorrelationSpec& c, int n) {
  char id[64];
  std::snprintf(id, sizeof id, "c0000000-0000-4000-8000-%012d", n);
  std::string y = std::string("---\ntitle: ") + c.name + "\nid: " + id + "\nname: " + c.name +
                  "\nstatus: test\nlevel: high\ncorrelation:\n  type: " + c.type +
                  "\n  rules: " + c.rules + "\n  group-by: " + c.group_by +
                  "\n  timespan: " + c.timespan + "\n";
  if (*c.condition != '\0') y += std::string("  condition: ") + c.condition + "\n";
  return y;
}

// Loads `yaml` as `vigie hunt` would (tenant field "tenant"), through a file in `dir`.
std::optional<correlate::LoadedDetection> load_yaml(const fs::path& dir, const std::string& file,
                                                    const std::string& yaml, std::string& error) {
  const fs::path path = dir / file;
  {
    std::ofstream out(path);
    out << yaml;
    if (!out) {
      error = "cannot write " + path.string();
      return std::nullopt;
    }
  }
  correlate::LoadedDetection d = correlate::load_detection({{path.string()}, "", {}, {"tenant"}});
  if (d.diags.errors() > 0) {
    error = "rules did not load:\n" + d.diags.render_text();
    return std::nullopt;
  }
  return d;
}

// ---- Phases ------------------------------------------------------------------------------------

// (c) simdjson On-Demand, 5 fields per line, in document order.
struct BaselineTotals {
  std::size_t errors = 0;
  std::uint64_t checksum = 0;
};

BaselineTotals run_simdjson(simdjson::ondemand::parser& parser, const Corpus& corpus) {
  BaselineTotals t;
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    const std::string_view line = corpus.line(i);
    simdjson::ondemand::document doc;
    std::string_view ts, tenant, action, user, host;
    simdjson::ondemand::object event, user_obj, host_obj;
    if (parser.iterate(line.data(), line.size(), corpus.capacity(i)).get(doc) ||
        doc["@timestamp"].get_string().get(ts) || doc["tenant"].get_string().get(tenant) ||
        doc["event"].get_object().get(event) || event["action"].get_string().get(action) ||
        doc["user"].get_object().get(user_obj) || user_obj["name"].get_string().get(user) ||
        doc["host"].get_object().get(host_obj) || host_obj["name"].get_string().get(host)) {
      ++t.errors;
      continue;
    }
    t.checksum += ts.size() + tenant.size() + action.size() + user.size() + host.size() +
                  static_cast<unsigned char>(user.back());
  }
  return t;
}

struct PipelineTotals {
  std::size_t read_errors = 0;
  std::size_t matches = 0;
  std::size_t events_matched = 0;
  std::size_t alerts = 0;
  std::vector<std::size_t> alerts_per_correlation;
  // Engine state at the end of the stream, before flush.
  std::size_t active_groups = 0;
  std::size_t peak_groups = 0;  // sampled every 65,536 events
  std::size_t state_bytes = 0;
  long long heap_bytes = -1;  // mallinfo2 growth since before the engine was built
  correlate::Stats stats;
  double seconds = 0;        // process() over every event plus flush()
  double flush_seconds = 0;  // flush() alone
};

// Reader + matcher, and an engine when `correlate` is set: the loop of `vigie hunt`.
PipelineTotals run_pipeline(const correlate::LoadedDetection& d, const Corpus& corpus,
                            bool correlate, const Options& o) {
  PipelineTotals t;
  event::ReaderOptions reader_options;
  reader_options.keep_unknown_fields = d.rules->needs_all_fields();
  event::JsonReader reader(d.rules->fields(), reader_options);
  match::Matcher matcher(d.rules);
  const event::FieldId tenant_field = *d.rules->fields().find("tenant");
  event::Event ev;
  std::vector<correlate::Alert> alerts;
  alerts.reserve(64);
  t.alerts_per_correlation.assign(d.correlations->size(), 0);
  const long long heap0 = heap_in_use();
  std::unique_ptr<correlate::Engine> engine;
  if (correlate) {
    correlate::EngineOptions engine_options;
    engine_options.allowed_lateness_ms = o.lateness_ms;
    engine = std::make_unique<correlate::Engine>(d.correlations, engine_options);
  }
  auto take_alerts = [&] {
    for (const correlate::Alert& a : alerts) ++t.alerts_per_correlation[a.correlation];
    t.alerts += alerts.size();
    alerts.clear();
  };

  const auto t0 = Clock::now();
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    if (!reader.read(corpus.line(i), event::InputFormat::kFlat, ev).ok()) {
      ++t.read_errors;
      continue;
    }
    ev.line = static_cast<std::int64_t>(i + 1);
    if (const event::Value* v = ev.get(tenant_field);
        v != nullptr && v->kind == event::Kind::kString) {
      ev.tenant = v->text;
    }
    const std::span<const std::uint32_t> matched = matcher.match(ev);
    t.matches += matched.size();
    t.events_matched += matched.empty() ? 0 : 1;
    if (engine) {
      engine->process(ev, static_cast<correlate::EventRef>(i + 1), matched, alerts);
      if (!alerts.empty()) take_alerts();
      if ((i & 0xFFFF) == 0) t.peak_groups = std::max(t.peak_groups, engine->active_groups());
    }
  }
  const auto t1 = Clock::now();
  t.seconds = std::chrono::duration<double>(t1 - t0).count();
  if (!engine) return t;

  t.active_groups = engine->active_groups();
  t.peak_groups = std::max(t.peak_groups, t.active_groups);
  t.state_bytes = engine->state_bytes();
  const long long heap1 = heap_in_use();
  if (heap0 >= 0 && heap1 >= 0) t.heap_bytes = heap1 - heap0;
  const auto t2 = Clock::now();
  engine->flush(alerts);
  take_alerts();
  const auto t3 = Clock::now();
  t.flush_seconds = std::chrono::duration<double>(t3 - t2).count();
  t.seconds += t.flush_seconds;
  t.stats = engine->stats();
  return t;
}

// Phase (d): the engine alone. Each event is read and matched once, untimed; what correlation
// reads of it (time, tenant, the group-by and value fields) and the rules it matched are kept, and
// the timed loop rebuilds one Event from them and calls Engine::process. Phase (d0) is the same
// loop without the engine; d - d0 is what correlation costs, without the ±30 % drift of a
// difference between two full pipelines (b - a).
struct Replay {
  struct Record {
    std::int64_t time = event::Event::kNoTime;
    std::string_view tenant;
    std::uint32_t value_begin = 0, value_end = 0, match_begin = 0, match_end = 0;
  };
  std::vector<Record> records;
  std::vector<std::pair<event::FieldId, event::Value>> values;
  std::vector<std::uint32_t> matches;
  std::deque<std::string> text;  // stable storage for the values' text
  std::size_t field_count = 0;
};

Replay make_replay(const correlate::LoadedDetection& d, const Corpus& corpus) {
  Replay r;
  r.field_count = d.rules->fields().size();
  // The fields correlation reads: group-by and value fields of inputs that are rules.
  std::vector<event::FieldId> wanted;
  const correlate::CorrelationSet& set = *d.correlations;
  for (std::uint32_t c = 0; c < set.size(); ++c) {
    for (const correlate::CorrelationInput& in : set.at(c).inputs) {
      if (in.is_correlation) continue;
      for (const auto* list : {&in.group, &in.fields}) {
        for (const correlate::ValueSource& src : *list) {
          if (src.index != correlate::ValueSource::kNone) wanted.push_back(src.index);
        }
      }
    }
  }
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  event::JsonReader reader(d.rules->fields(), {});
  match::Matcher matcher(d.rules);
  const event::FieldId tenant_field = *d.rules->fields().find("tenant");
  std::vector<std::string_view> tenants;
  event::Event ev;
  auto keep = [&](std::string_view s) -> std::string_view { return r.text.emplace_back(s); };
  r.records.reserve(corpus.size());
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    Replay::Record rec;
    rec.value_begin = rec.value_end = static_cast<std::uint32_t>(r.values.size());
    rec.match_begin = rec.match_end = static_cast<std::uint32_t>(r.matches.size());
    if (!reader.read(corpus.line(i), event::InputFormat::kFlat, ev).ok()) {
      r.records.push_back(rec);
      continue;
    }
    rec.time = ev.time_ms;
    if (const event::Value* v = ev.get(tenant_field);
        v != nullptr && v->kind == event::Kind::kString) {
      auto it = std::find(tenants.begin(), tenants.end(), v->text);
      rec.tenant = it != tenants.end() ? *it : tenants.emplace_back(keep(v->text));
    }
    for (event::FieldId f : wanted) {
      const event::Value* v = ev.get(f);
      if (v == nullptr || v->kind == event::Kind::kList) continue;  // flat events: no lists
      event::Value copy = *v;
      copy.text = keep(v->text);
      r.values.emplace_back(f, copy);
    }
    rec.value_end = static_cast<std::uint32_t>(r.values.size());
    ev.tenant = rec.tenant;
    for (std::uint32_t m : matcher.match(ev)) r.matches.push_back(m);
    rec.match_end = static_cast<std::uint32_t>(r.matches.size());
    r.records.push_back(rec);
  }
  return r;
}

// Rebuilds each event and, with `engine`, runs it through the engine; returns seconds (flush
// included) and counts alerts.
double run_replay(const Replay& r, const std::shared_ptr<const correlate::CorrelationSet>& set,
                  bool with_engine, const Options& o, std::size_t& alert_count) {
  correlate::EngineOptions engine_options;
  engine_options.allowed_lateness_ms = o.lateness_ms;
  correlate::Engine engine(set, engine_options);
  std::vector<correlate::Alert> alerts;
  alerts.reserve(64);
  event::Event ev;
  std::size_t checksum = 0;
  alert_count = 0;
  const auto t0 = Clock::now();
  for (std::size_t i = 0; i < r.records.size(); ++i) {
    const Replay::Record& rec = r.records[i];
    ev.reset(r.field_count);
    ev.time_ms = rec.time;
    ev.tenant = rec.tenant;
    for (std::uint32_t k = rec.value_begin; k < rec.value_end; ++k) {
      ev.set(r.values[k].first, r.values[k].second);
    }
    const std::span<const std::uint32_t> matched(r.matches.data() + rec.match_begin,
                                                 rec.match_end - rec.match_begin);
    if (with_engine) {
      engine.process(ev, static_cast<correlate::EventRef>(i + 1), matched, alerts);
      alert_count += alerts.size();
      alerts.clear();
    } else {
      checksum += matched.size() + ev.present().size();
    }
  }
  if (with_engine) {
    engine.flush(alerts);
    alert_count += alerts.size();
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!with_engine) alert_count = checksum;  // keeps the loop from being optimised away
  return seconds;
}

struct Phase {
  char id;
  std::string label;
  std::vector<double> seconds;

  double best() const { return *std::min_element(seconds.begin(), seconds.end()); }
  double median() const {
    std::vector<double> s = seconds;
    std::sort(s.begin(), s.end());
    return s.size() % 2 ? s[s.size() / 2] : (s[s.size() / 2 - 1] + s[s.size() / 2]) / 2;
  }
};

// ---- Output ------------------------------------------------------------------------------------

std::string thousands(double v, int decimals = 0) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  const auto dot = s.find('.');
  std::string int_part = s.substr(0, dot);
  const std::string frac = dot == std::string::npos ? "" : s.substr(dot);
  const bool neg = !int_part.empty() && int_part[0] == '-';
  if (neg) int_part.erase(0, 1);
  std::string out;
  for (std::size_t i = 0; i < int_part.size(); ++i) {
    if (i > 0 && (int_part.size() - i) % 3 == 0) out += ',';
    out += int_part[i];
  }
  return (neg ? "-" : "") + out + frac;
}
std::string thousands(std::size_t v) { return thousands(static_cast<double>(v)); }

std::string json_number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

const char* met(bool ok) { return ok ? "met" : "NOT met"; }

std::string stats_json(const correlate::Stats& s) {
  return "{\"events\":" + std::to_string(s.events) + ",\"untimed\":" + std::to_string(s.untimed) +
         ",\"late\":" + std::to_string(s.late) +
         ",\"missing_group_field\":" + std::to_string(s.missing_group_field) +
         ",\"missing_value\":" + std::to_string(s.missing_value) +
         ",\"alerts\":" + std::to_string(s.alerts) +
         ",\"episode_continued\":" + std::to_string(s.episode_continued) +
         ",\"groups_evicted\":" + std::to_string(s.groups_evicted) +
         ",\"items_evicted\":" + std::to_string(s.items_evicted) + "}";
}

double per_group(double bytes, std::size_t groups) {
  return groups > 0 ? bytes / static_cast<double>(groups) : 0;
}

int run(int argc, char** argv) {
  const auto options = parse_options(argc, argv);
  if (!options) return kExitSetup;
  const Options& o = *options;
  if (o.cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(o.cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) {
      std::fprintf(stderr, "correlate_bench: cannot pin to CPU %d\n", o.cpu);
      return kExitSetup;
    }
  }
  const Machine machine = describe_machine();

  // Rules.
  const fs::path dir =
      o.rules_dir.empty()
          ? fs::temp_directory_path() / ("vigie_correlate_bench_" + std::to_string(::getpid()))
          : fs::path(o.rules_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::string yaml = base_rules_yaml();
  int n = 0;
  std::size_t kept = 0;
  for (const CorrelationSpec& c : kCorrelations) {
    ++n;
    if (!o.types.empty() && o.types.find("," + std::string(c.type) + ",") == std::string::npos) {
      continue;
    }
    yaml += correlation_yaml(c, n);
    ++kept;
  }
  if (kept == 0) {
    std::fprintf(stderr, "correlate_bench: --types keeps no correlation\n");
    return kExitSetup;
  }
  const std::string ec_yaml = base_rules_yaml() + correlation_yaml(kEventCountOnly, 99);
  std::string error;
  const auto l0 = Clock::now();
  auto full = load_yaml(dir, "rules.yml", yaml, error);
  const double load_seconds = std::chrono::duration<double>(Clock::now() - l0).count();
  auto ec_only = full ? load_yaml(dir, "event_count.yml", ec_yaml, error) : std::nullopt;
  if (o.rules_dir.empty()) fs::remove_all(dir, ec);
  if (!full || !ec_only) {
    std::fprintf(stderr, "correlate_bench: %s\n", error.c_str());
    return kExitSetup;
  }
  const correlate::CorrelationSet& set = *full->correlations;
  if (set.size() != kept || full->rules->size() != std::size(kBaseRules)) {
    std::fprintf(stderr,
                 "correlate_bench: loaded %zu rules and %zu correlations, expected %zu, %zu\n",
                 full->rules->size(), set.size(), std::size(kBaseRules), kept);
    return kExitSetup;
  }

  // Events.
  const auto g0 = Clock::now();
  const Corpus corpus = make_corpus(o);
  const double generate_seconds = std::chrono::duration<double>(Clock::now() - g0).count();
  if (!o.write_path.empty()) {
    std::ofstream out(o.write_path, std::ios::binary);
    out.write(corpus.buffer.data(),
              static_cast<std::streamsize>(corpus.buffer.size() - Corpus::kPadding));
    if (!out) {
      std::fprintf(stderr, "correlate_bench: cannot write %s\n", o.write_path.c_str());
      return kExitSetup;
    }
  }

  // Correlation inputs per event (untimed): how many (correlation, input) pairs the events feed.
  std::size_t inputs = 0, eager = 0;
  {
    event::JsonReader reader(full->rules->fields(), {});
    match::Matcher matcher(full->rules);
    event::Event ev;
    for (std::size_t i = 0; i < corpus.size(); ++i) {
      if (!reader.read(corpus.line(i), event::InputFormat::kFlat, ev).ok()) continue;
      for (std::uint32_t r : matcher.match(ev)) inputs += set.consumers_of_rule(r).size();
    }
    for (std::uint32_t c = 0; c < set.size(); ++c) eager += set.at(c).eager ? 1 : 0;
  }

  // Measurements, interleaved so that the machine's drift spreads over all phases.
  Phase c{'c', "c simdjson parse + 5 fields", {}};
  Phase a{'a', "a JsonReader + Matcher", {}};
  Phase b{'b', "b JsonReader + Matcher + Engine (" + std::to_string(set.size()) + ")", {}};
  Phase e{'e', "e JsonReader + Matcher + Engine (1 event_count)", {}};
  Phase d0{'0', "d0 replay of pre-read events, no engine", {}};
  Phase d{'d', "d replay + Engine (" + std::to_string(set.size()) + ")", {}};
  const auto r0 = Clock::now();
  const Replay replay = make_replay(*full, corpus);
  const double replay_prepare_seconds = std::chrono::duration<double>(Clock::now() - r0).count();
  std::size_t d_alerts0 = 0;
  if (o.engine_only) {
    for (int rep = 0; rep < o.repeat; ++rep) {
      std::size_t d_checksum = 0;
      d0.seconds.push_back(run_replay(replay, full->correlations, false, o, d_checksum));
      d.seconds.push_back(run_replay(replay, full->correlations, true, o, d_alerts0));
    }
    const double n = static_cast<double>(corpus.size());
    const double us = (d.best() - d0.best()) * 1e6 / n;
    std::printf("engine alone: %.3f us/event, %.3f us per (correlation, input) pair; %zu alerts\n",
                us, inputs > 0 ? us * n / static_cast<double>(inputs) : 0.0, d_alerts0);
    return 0;
  }
  simdjson::ondemand::parser parser;
  BaselineTotals base0;
  PipelineTotals a0, b0, e0;
  std::vector<std::string> failures;
  for (int rep = 0; rep < o.repeat; ++rep) {
    auto s0 = Clock::now();
    const BaselineTotals bt = run_simdjson(parser, corpus);
    c.seconds.push_back(std::chrono::duration<double>(Clock::now() - s0).count());
    PipelineTotals at = run_pipeline(*full, corpus, false, o);
    a.seconds.push_back(at.seconds);
    PipelineTotals btot = run_pipeline(*full, corpus, true, o);
    b.seconds.push_back(btot.seconds);
    PipelineTotals et = run_pipeline(*ec_only, corpus, true, o);
    e.seconds.push_back(et.seconds);
    std::size_t d_checksum = 0, d_alerts = 0;
    d0.seconds.push_back(run_replay(replay, full->correlations, false, o, d_checksum));
    d.seconds.push_back(run_replay(replay, full->correlations, true, o, d_alerts));
    if (rep == 0) {
      d_alerts0 = d_alerts;
    } else if (d_alerts != d_alerts0) {
      failures.push_back("replay alert counts differ between repetitions");
    }
    if (rep == 0) {
      base0 = bt;
      a0 = std::move(at);
      b0 = std::move(btot);
      e0 = std::move(et);
    } else if (bt.checksum != base0.checksum || at.matches != a0.matches ||
               btot.matches != a0.matches || btot.alerts != b0.alerts || et.alerts != e0.alerts) {
      failures.push_back("counts differ between repetitions");
    }
  }
  if (base0.errors != 0) failures.push_back(std::to_string(base0.errors) + " simdjson errors");
  if (a0.read_errors != 0) failures.push_back(std::to_string(a0.read_errors) + " read errors");
  if (a0.matches == 0) failures.push_back("no match");
  if (d_alerts0 != b0.alerts) {
    failures.push_back("the replay (d) gives " + std::to_string(d_alerts0) +
                       " alerts, the pipeline (b) " + std::to_string(b0.alerts));
  }
  std::array<std::size_t, 7> alerts_by_type{}, corr_by_type{};
  for (std::uint32_t i = 0; i < set.size(); ++i) {
    const auto type = static_cast<std::size_t>(set.at(i).rule.type);
    alerts_by_type[type] += b0.alerts_per_correlation[i];
    ++corr_by_type[type];
  }
  for (std::size_t k = 0; k < 7; ++k) {
    if (corr_by_type[k] > 0 && alerts_by_type[k] == 0) {
      failures.push_back(std::string("no alert of type ") +
                         rules::correlation_type_name(static_cast<rules::CorrelationType>(k)));
    }
  }
  std::size_t silent = 0;
  for (std::size_t x : b0.alerts_per_correlation) silent += x == 0 ? 1 : 0;

  // Figures.
  const double events = static_cast<double>(corpus.size());
  auto eps = [&](double s) { return s > 0 ? events / s : 0; };
  auto ns = [&](double s) { return s * 1e9 / events; };
  const double added_us = (b.best() - a.best()) * 1e6 / events;
  const double added_median_us = (b.median() - a.median()) * 1e6 / events;
  const double added_ec_us = (e.best() - a.best()) * 1e6 / events;
  const double engine_us = (d.best() - d0.best()) * 1e6 / events;
  const double engine_median_us = (d.median() - d0.median()) * 1e6 / events;
  const double b_over_a = a.best() / b.best();  // throughput ratio
  const double bytes_per_group = per_group(static_cast<double>(b0.state_bytes), b0.active_groups);
  const double heap_per_group = per_group(static_cast<double>(b0.heap_bytes), b0.active_groups);
  const double ec_bytes_per_group =
      per_group(static_cast<double>(e0.state_bytes), e0.active_groups);
  const double ec_heap_per_group = per_group(static_cast<double>(e0.heap_bytes), e0.active_groups);

  std::printf(
      "correlate_bench: %s flat JSON events, %s bytes (avg %.0f B/event), seed %llu, %u tenants "
      "x %u users, %.1f h of event time, arrival jitter <= %.0f s, lateness %.0f s; generated "
      "in %.1f s (%s attack-like bursts)\n",
      thousands(corpus.size()).c_str(), thousands(corpus.bytes).c_str(),
      static_cast<double>(corpus.bytes) / events, static_cast<unsigned long long>(o.seed),
      o.tenants, o.users, o.hours, o.jitter_s, static_cast<double>(o.lateness_ms) / 1000,
      generate_seconds, thousands(corpus.scenarios).c_str());
  std::printf("mix:");
  for (std::size_t k = 0; k < kActionCount; ++k) {
    std::printf(" %s %.1f%%%s", kActionNames[k],
                100.0 * static_cast<double>(corpus.per_action[k]) / events,
                k + 1 < kActionCount ? "," : "\n");
  }
  std::printf(
      "rules: %zu single-event rules, %zu correlations (event_count %zu, value_count %zu, "
      "temporal %zu, temporal_ordered %zu, value_sum %zu, value_avg %zu, value_percentile %zu; "
      "%zu decided as events arrive, %zu at close), loaded in %.3f s; %.2f correlation inputs "
      "per event\n",
      full->rules->size(), set.size(), corr_by_type[0], corr_by_type[1], corr_by_type[2],
      corr_by_type[3], corr_by_type[4], corr_by_type[5], corr_by_type[6], eager, set.size() - eager,
      load_seconds, static_cast<double>(inputs) / events);
  std::printf("machine: %s, %u logical CPUs; %s; %s; %s; single thread, best of %d\n\n",
              machine.cpu_model.c_str(), machine.cpus, machine.compiler.c_str(),
              machine.json_parser.c_str(), machine.build.c_str(), o.repeat);
  std::printf("%-48s %14s %10s %10s %8s   %s\n", "phase", "events/s", "ns/event", "median ns",
              "MB/s", "seconds per repetition");
  for (const Phase* p : {&c, &a, &b, &e, &d0, &d}) {
    std::string reps;
    for (double s : p->seconds) reps += (reps.empty() ? "" : " ") + thousands(s, 3);
    std::printf(
        "%-48s %14s %10s %10s %8s   %s\n", p->label.c_str(), thousands(eps(p->best())).c_str(),
        thousands(ns(p->best())).c_str(), thousands(ns(p->median())).c_str(),
        thousands(static_cast<double>(corpus.bytes) / p->best() / 1e6).c_str(), reps.c_str());
  }
  std::printf(
      "\nb/a throughput: %.3f; a/c: %.3f; b/c: %.3f\n"
      "correlation adds %.3f us/event (best b - best a; medians: %.3f; of which flush %.3f) — "
      "target <= %.1f: %s\n",
      b_over_a, c.best() / a.best(), c.best() / b.best(), added_us, added_median_us,
      b0.flush_seconds * 1e6 / events, kTargetAddedMicros, met(added_us <= kTargetAddedMicros));
  std::printf(
      "engine alone (d - d0, events read and matched beforehand in %.1f s): %.3f us/event "
      "(medians: %.3f), %.3f us per (correlation, input) pair — target <= %.1f: %s\n",
      replay_prepare_seconds, engine_us, engine_median_us,
      inputs > 0 ? engine_us * events / static_cast<double>(inputs) : 0.0, kTargetAddedMicros,
      met(engine_us <= kTargetAddedMicros));
  std::printf(
      "b: %s matches on %s events; %s alerts (%s of %zu correlations never fired): event_count "
      "%s, value_count %s, temporal %s, temporal_ordered %s, value_sum %s, value_avg %s, "
      "value_percentile %s\n",
      thousands(a0.matches).c_str(), thousands(a0.events_matched).c_str(),
      thousands(b0.alerts).c_str(), thousands(silent).c_str(), set.size(),
      thousands(alerts_by_type[0]).c_str(), thousands(alerts_by_type[1]).c_str(),
      thousands(alerts_by_type[2]).c_str(), thousands(alerts_by_type[3]).c_str(),
      thousands(alerts_by_type[4]).c_str(), thousands(alerts_by_type[5]).c_str(),
      thousands(alerts_by_type[6]).c_str());
  const correlate::Stats& s = b0.stats;
  std::printf(
      "b: engine stats: %s events, %s late, %s untimed, %s without a group-by field, %s without "
      "the value, %s episodes continued, evicted %s groups and %s events\n",
      thousands(s.events).c_str(), thousands(s.late).c_str(), thousands(s.untimed).c_str(),
      thousands(s.missing_group_field).c_str(), thousands(s.missing_value).c_str(),
      thousands(s.episode_continued).c_str(), thousands(s.groups_evicted).c_str(),
      thousands(s.items_evicted).c_str());
  std::printf(
      "b: state at end of stream: %s active groups (peak sampled %s), state_bytes %s = %.0f "
      "B/group; heap held %s = %.0f B/group (mallinfo2, allocator overhead included)\n",
      thousands(b0.active_groups).c_str(), thousands(b0.peak_groups).c_str(),
      thousands(b0.state_bytes).c_str(), bytes_per_group,
      thousands(static_cast<double>(b0.heap_bytes)).c_str(), heap_per_group);
  std::printf(
      "e: one event_count correlation (%s by %s over %s): adds %.3f us/event; %s alerts; %s "
      "active groups, state_bytes %s = %.0f B/group — target <= %.0f: %s; heap held %.0f "
      "B/group\n",
      kEventCountOnly.rules, kEventCountOnly.group_by, kEventCountOnly.timespan, added_ec_us,
      thousands(e0.alerts).c_str(), thousands(e0.active_groups).c_str(),
      thousands(e0.state_bytes).c_str(), ec_bytes_per_group, kTargetEventCountBytes,
      met(ec_bytes_per_group <= kTargetEventCountBytes), ec_heap_per_group);

  // One JSON line.
  std::string j = "{\"benchmark\":\"correlate_bench\"";
  j += ",\"events\":" + std::to_string(corpus.size());
  j += ",\"bytes\":" + std::to_string(corpus.bytes);
  j += ",\"avg_event_bytes\":" + json_number(static_cast<double>(corpus.bytes) / events);
  j += ",\"seed\":" + std::to_string(o.seed);
  j += ",\"repeat\":" + std::to_string(o.repeat) + ",\"kept\":\"best\"";
  j += ",\"workload\":{\"tenants\":" + std::to_string(o.tenants) +
       ",\"users_per_tenant\":" + std::to_string(o.users) + ",\"hours\":" + json_number(o.hours) +
       ",\"jitter_seconds\":" + json_number(o.jitter_s) +
       ",\"lateness_seconds\":" + json_number(static_cast<double>(o.lateness_ms) / 1000) +
       ",\"bursts\":" + std::to_string(corpus.scenarios) +
       ",\"base_rules\":" + std::to_string(full->rules->size()) +
       ",\"correlations\":" + std::to_string(set.size()) +
       ",\"eager_correlations\":" + std::to_string(eager) +
       ",\"correlation_inputs_per_event\":" + json_number(static_cast<double>(inputs) / events) +
       "}";
  j += ",\"machine\":{\"cpu_model\":" + json::quote(machine.cpu_model) +
       ",\"logical_cpus\":" + std::to_string(machine.cpus) +
       ",\"compiler\":" + json::quote(machine.compiler) +
       ",\"build\":" + json::quote(machine.build) +
       ",\"json_parser\":" + json::quote(machine.json_parser) + "}";
  j += ",\"phases\":[";
  bool first = true;
  for (const Phase* p : {&c, &a, &b, &e, &d0, &d}) {
    j += first ? "" : ",";
    first = false;
    j += "{\"phase\":\"" + std::string(1, p->id) + "\",\"label\":" + json::quote(p->label);
    j += ",\"best_seconds\":" + json_number(p->best()) +
         ",\"median_seconds\":" + json_number(p->median()) + ",\"seconds\":[";
    for (std::size_t i = 0; i < p->seconds.size(); ++i) {
      j += (i ? "," : "") + json_number(p->seconds[i]);
    }
    j += "],\"events_per_second\":" + json_number(eps(p->best())) +
         ",\"ns_per_event\":" + json_number(ns(p->best())) + "}";
  }
  j += "],\"ratios\":{\"b_over_a_throughput\":" + json_number(b_over_a) +
       ",\"a_over_c_throughput\":" + json_number(c.best() / a.best()) +
       ",\"b_over_c_throughput\":" + json_number(c.best() / b.best()) + "}";
  j += ",\"correlation\":{\"added_us_per_event\":" + json_number(added_us) +
       ",\"added_us_per_event_medians\":" + json_number(added_median_us) +
       ",\"flush_us_per_event\":" + json_number(b0.flush_seconds * 1e6 / events) +
       ",\"engine_alone_us_per_event\":" + json_number(engine_us) +
       ",\"engine_alone_us_per_event_medians\":" + json_number(engine_median_us) +
       ",\"engine_alone_us_per_input\":" +
       json_number(inputs > 0 ? engine_us * events / static_cast<double>(inputs) : 0.0) +
       ",\"matches\":" + std::to_string(a0.matches) + ",\"alerts\":" + std::to_string(b0.alerts) +
       ",\"alerts_by_type\":{";
  for (std::size_t k = 0; k < 7; ++k) {
    j += (k ? ",\"" : "\"") +
         std::string(rules::correlation_type_name(static_cast<rules::CorrelationType>(k))) +
         "\":" + std::to_string(alerts_by_type[k]);
  }
  j += "},\"correlations_without_alert\":" + std::to_string(silent) +
       ",\"active_groups\":" + std::to_string(b0.active_groups) +
       ",\"peak_groups_sampled\":" + std::to_string(b0.peak_groups) +
       ",\"state_bytes\":" + std::to_string(b0.state_bytes) +
       ",\"bytes_per_group\":" + json_number(bytes_per_group) +
       ",\"heap_bytes\":" + std::to_string(b0.heap_bytes) +
       ",\"heap_bytes_per_group\":" + json_number(heap_per_group) +
       ",\"stats\":" + stats_json(b0.stats) + "}";
  j += ",\"event_count_only\":{\"added_us_per_event\":" + json_number(added_ec_us) +
       ",\"alerts\":" + std::to_string(e0.alerts) +
       ",\"active_groups\":" + std::to_string(e0.active_groups) +
       ",\"state_bytes\":" + std::to_string(e0.state_bytes) +
       ",\"bytes_per_group\":" + json_number(ec_bytes_per_group) +
       ",\"heap_bytes_per_group\":" + json_number(ec_heap_per_group) +
       ",\"stats\":" + stats_json(e0.stats) + "}";
  j += ",\"targets\":{\"added_at_most_0_5_us\":" +
       std::string(added_us <= kTargetAddedMicros ? "true" : "false") +
       ",\"engine_alone_at_most_0_5_us\":" +
       std::string(engine_us <= kTargetAddedMicros ? "true" : "false") +
       ",\"event_count_group_at_most_200_bytes\":" +
       std::string(ec_bytes_per_group <= kTargetEventCountBytes ? "true" : "false") + "}";
  j += ",\"ok\":" + std::string(failures.empty() ? "true" : "false") + "}";
  std::printf("%s\n", j.c_str());

  for (const std::string& f : failures)
    std::fprintf(stderr, "correlate_bench: check failed: %s\n", f.c_str());
  return failures.empty() ? 0 : kExitCheckFailed;
}

}  // namespace
}  // namespace vigie::bench

int main(int argc, char** argv) {
  try {
    return vigie::bench::run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "correlate_bench: %s\n", e.what());
    return 2;
  }
}
