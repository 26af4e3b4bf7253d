// detect_bench — the detection benchmark (issue 2).
//
// Question: how many Winlogbeat events per second per core does Vigie detect on, with 200 and with
// 2,000 SigmaHQ rules, relative to just parsing the JSON?
//
// One run of this binary generates N events in memory (seeded, Winlogbeat 8.x shape, see
// event_generator.h) and measures three phases, each single-threaded in its own forked child (so
// that each phase's peak RSS is its own):
//   (a) baseline: simdjson On-Demand parse of each line + 5 fields (simdjson_baseline.h);
//   (b) JsonReader + Matcher over 200 SigmaHQ rules (windows/process_creation and
//       windows/builtin/security: sorted paths, the first 200 rules that load and compile);
//   (c) the same over 2,000 SigmaHQ rules (all of rules/windows: sorted, first 2,000).
// Before timing, each phase runs on the first 10,000 events and must produce matches (b, c) and
// no read errors; otherwise the run fails with exit code 1 (a fast wrong answer must not look
// good). Each phase is then timed `--repeat` times over all N events and the best run is kept; the
// match count must be identical in every repetition.
//
// Output: a table (events/s per core, MB/s, ns/event, matches, rules, load and compile time, peak
// RSS), the ratios b/a and c/b against the issue's targets, the top 10 rules of (b), and with
// --json one JSON line with every figure. Exit codes: 0 measured (targets met or not), 1 a
// correctness check failed, 2 usage or setup error.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/json.h"
#include "event/event.h"
#include "event/json_reader.h"
#include "event_generator.h"
#include "match/rule_set.h"
#include "rules/diagnostics.h"
#include "rules/loader.h"
#include "simdjson_baseline.h"

namespace vigie::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kValidationEvents = 10'000;
constexpr int kExitCheckFailed = 1;
constexpr int kExitSetup = 2;

// ---- Options ---------------------------------------------------------------------------------

struct Options {
  std::size_t events = 1'000'000;
  std::uint64_t seed = 1;
  double attack_share = 0.005;
  std::string sigma_dir;
  std::size_t small_rules = 200;
  std::size_t large_rules = 2000;
  int repeat = 3;
  std::string phases = "abc";
  int cpu = -1;
  bool json = false;
  bool lean = false;
  std::size_t top = 10;
  std::string write_path;
};

constexpr std::string_view kUsage = R"(usage: detect_bench [options]
  --events N        events to generate (default 1000000)
  --seed S          generator seed (default 1)
  --attack-share F  share of attack traces, 0..1 (default 0.005)
  --sigma-dir DIR   SigmaHQ checkout holding rules/windows (default: $VIGIE_SHARED_DIR/sigmahq,
                    else <source>/../shared/sigmahq)
  --small-rules N   rules in phase b (default 200)
  --large-rules N   rules in phase c (default 2000)
  --repeat K        timed runs per phase, best kept (default 3)
  --phases LIST     phases to run, subset of "abc" (default abc)
  --cpu N           pin each phase to CPU N
  --lean            generate the lean envelope (Winlogbeat after drop_fields, ~1 KB/event)
                    instead of the full one (~1.5 KB/event)
  --top N           rules listed per matcher phase, by match count (default 10)
  --json            also print one JSON line with every figure
  --write FILE      write the generated events (NDJSON) to FILE, then measure as usual
)";

std::string default_sigma_dir() {
  if (const char* shared = std::getenv("VIGIE_SHARED_DIR"); shared != nullptr && *shared != '\0') {
    return std::string(shared) + "/sigmahq";
  }
  return std::string(VIGIE_SOURCE_DIR) + "/../shared/sigmahq";
}

template <typename T>
bool parse_number(std::string_view text, T& out) {
  std::istringstream in{std::string(text)};
  in >> out;
  return !in.fail() && in.eof();
}

// Returns nullopt (after printing why) on a usage error; exits 0 on --help.
std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  o.sigma_dir = default_sigma_dir();
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage.data(), stdout);
      std::exit(0);
    }
    if (arg == "--json") {
      o.json = true;
      continue;
    }
    if (arg == "--lean") {
      o.lean = true;
      continue;
    }
    static constexpr std::string_view kValued[] = {
        "--events", "--seed",   "--attack-share", "--sigma-dir", "--small-rules", "--large-rules",
        "--repeat", "--phases", "--cpu",          "--top",       "--write"};
    if (std::find(std::begin(kValued), std::end(kValued), arg) == std::end(kValued)) {
      std::fprintf(stderr, "detect_bench: unknown option %s\n%s", argv[i], kUsage.data());
      return std::nullopt;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "detect_bench: %s needs a value\n%s", argv[i], kUsage.data());
      return std::nullopt;
    }
    const std::string_view value = argv[++i];
    bool ok = true;
    if (arg == "--events") {
      ok = parse_number(value, o.events) && o.events > 0;
    } else if (arg == "--seed") {
      ok = parse_number(value, o.seed);
    } else if (arg == "--attack-share") {
      ok = parse_number(value, o.attack_share) && o.attack_share >= 0 && o.attack_share <= 1;
    } else if (arg == "--sigma-dir") {
      o.sigma_dir = value;
    } else if (arg == "--small-rules") {
      ok = parse_number(value, o.small_rules) && o.small_rules > 0;
    } else if (arg == "--large-rules") {
      ok = parse_number(value, o.large_rules) && o.large_rules > 0;
    } else if (arg == "--repeat") {
      ok = parse_number(value, o.repeat) && o.repeat > 0;
    } else if (arg == "--phases") {
      o.phases = value;
      ok = !value.empty() && value.find_first_not_of("abc") == std::string_view::npos;
    } else if (arg == "--cpu") {
      ok = parse_number(value, o.cpu) && o.cpu >= 0;
    } else if (arg == "--top") {
      ok = parse_number(value, o.top);
    } else if (arg == "--write") {
      o.write_path = value;
    } else {
      std::fprintf(stderr, "detect_bench: unknown option %s\n%s", argv[i - 1], kUsage.data());
      return std::nullopt;
    }
    if (!ok) {
      std::fprintf(stderr, "detect_bench: bad value for %s\n", argv[i - 1]);
      return std::nullopt;
    }
  }
  return o;
}

// ---- Machine ---------------------------------------------------------------------------------

struct Machine {
  std::string cpu_model = "unknown";
  unsigned cpus = 0;  // logical CPUs online
  std::string compiler;
  std::string build;
  std::string json_parser;
};

Machine describe_machine() {
  Machine m;
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0 && m.cpu_model == "unknown") {
      const auto colon = line.find(':');
      if (colon != std::string::npos)
        m.cpu_model = line.substr(line.find_first_not_of(" \t", colon + 1));
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
  m.json_parser = SimdjsonBaseline::describe();
  return m;
}

long proc_status_kb(const char* key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  const std::size_t key_len = std::strlen(key);
  while (std::getline(status, line)) {
    if (line.compare(0, key_len, key) == 0 && line.size() > key_len && line[key_len] == ':') {
      return std::atol(line.c_str() + key_len + 1);
    }
  }
  return -1;
}

// ---- Phase results, passed from the child through a pipe as "key\tvalue" lines ----------------

struct TopRule {
  std::size_t count = 0;
  std::string name;  // file stem
  std::string title;
};

struct PhaseResult {
  char phase = 'a';
  std::string label;
  bool ok = false;
  std::string error;
  // Work.
  std::size_t events = 0;
  std::size_t bytes = 0;
  std::vector<double> seconds;       // one per repetition
  std::vector<double> read_seconds;  // b, c: JsonReader alone, one per repetition
  std::size_t matches = 0;
  std::size_t events_matched = 0;
  std::size_t read_errors = 0;
  std::size_t distinct_rules_matched = 0;
  std::uint64_t checksum = 0;
  // Rules (b, c).
  std::size_t rule_candidates_files = 0;  // files under the chosen folders
  std::size_t rules_loadable = 0;         // rules that load and compile among them
  std::size_t rules = 0;                  // rules in the compiled set that is measured
  std::size_t rule_files = 0;
  double load_seconds = 0;
  double compile_seconds = 0;
  std::size_t atoms = 0;
  std::size_t atom_refs = 0;
  std::size_t prefilter_needles = 0;
  std::size_t fields = 0;
  bool needs_all_fields = false;
  std::vector<TopRule> top;
  // Memory.
  long rss_start_kb = -1;
  long rss_peak_kb = -1;

  double best_seconds() const {
    return seconds.empty() ? 0 : *std::min_element(seconds.begin(), seconds.end());
  }
  double events_per_second() const {
    const double s = best_seconds();
    return s > 0 ? static_cast<double>(events) / s : 0;
  }
  double mb_per_second() const {
    const double s = best_seconds();
    return s > 0 ? static_cast<double>(bytes) / s / 1e6 : 0;
  }
  double ns_per_event() const {
    return events > 0 ? best_seconds() * 1e9 / static_cast<double>(events) : 0;
  }
  double read_ns_per_event() const {
    if (events == 0 || read_seconds.empty()) return 0;
    return *std::min_element(read_seconds.begin(), read_seconds.end()) * 1e9 /
           static_cast<double>(events);
  }
};

std::string sanitize(std::string s) {
  for (auto& c : s) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

std::string serialize(const PhaseResult& r) {
  std::ostringstream out;
  out.precision(17);
  out << "ok\t" << (r.ok ? 1 : 0) << '\n'
      << "error\t" << sanitize(r.error) << '\n'
      << "events\t" << r.events << '\n'
      << "bytes\t" << r.bytes << '\n'
      << "matches\t" << r.matches << '\n'
      << "events_matched\t" << r.events_matched << '\n'
      << "read_errors\t" << r.read_errors << '\n'
      << "distinct\t" << r.distinct_rules_matched << '\n'
      << "checksum\t" << r.checksum << '\n'
      << "candidates\t" << r.rule_candidates_files << '\n'
      << "loadable\t" << r.rules_loadable << '\n'
      << "rules\t" << r.rules << '\n'
      << "rule_files\t" << r.rule_files << '\n'
      << "load_s\t" << r.load_seconds << '\n'
      << "compile_s\t" << r.compile_seconds << '\n'
      << "atoms\t" << r.atoms << '\n'
      << "atom_refs\t" << r.atom_refs << '\n'
      << "needles\t" << r.prefilter_needles << '\n'
      << "fields\t" << r.fields << '\n'
      << "all_fields\t" << (r.needs_all_fields ? 1 : 0) << '\n'
      << "rss_start\t" << r.rss_start_kb << '\n'
      << "rss_peak\t" << r.rss_peak_kb << '\n';
  for (double s : r.seconds) out << "seconds\t" << s << '\n';
  for (double s : r.read_seconds) out << "read_seconds\t" << s << '\n';
  for (const auto& t : r.top) {
    out << "top\t" << t.count << '\t' << sanitize(t.name) << '\t' << sanitize(t.title) << '\n';
  }
  return out.str();
}

void deserialize(const std::string& text, PhaseResult& r) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    const std::string key = line.substr(0, tab);
    const std::string value = line.substr(tab + 1);
    auto u = [&] { return static_cast<std::size_t>(std::strtoull(value.c_str(), nullptr, 10)); };
    auto d = [&] { return std::strtod(value.c_str(), nullptr); };
    if (key == "ok")
      r.ok = value == "1";
    else if (key == "error")
      r.error = value;
    else if (key == "events")
      r.events = u();
    else if (key == "bytes")
      r.bytes = u();
    else if (key == "matches")
      r.matches = u();
    else if (key == "events_matched")
      r.events_matched = u();
    else if (key == "read_errors")
      r.read_errors = u();
    else if (key == "distinct")
      r.distinct_rules_matched = u();
    else if (key == "checksum")
      r.checksum = std::strtoull(value.c_str(), nullptr, 10);
    else if (key == "candidates")
      r.rule_candidates_files = u();
    else if (key == "loadable")
      r.rules_loadable = u();
    else if (key == "rules")
      r.rules = u();
    else if (key == "rule_files")
      r.rule_files = u();
    else if (key == "load_s")
      r.load_seconds = d();
    else if (key == "compile_s")
      r.compile_seconds = d();
    else if (key == "atoms")
      r.atoms = u();
    else if (key == "atom_refs")
      r.atom_refs = u();
    else if (key == "needles")
      r.prefilter_needles = u();
    else if (key == "fields")
      r.fields = u();
    else if (key == "all_fields")
      r.needs_all_fields = value == "1";
    else if (key == "rss_start")
      r.rss_start_kb = std::atol(value.c_str());
    else if (key == "rss_peak")
      r.rss_peak_kb = std::atol(value.c_str());
    else if (key == "seconds")
      r.seconds.push_back(d());
    else if (key == "read_seconds")
      r.read_seconds.push_back(d());
    else if (key == "top") {
      TopRule t;
      const auto tab2 = value.find('\t');
      const auto tab3 = value.find('\t', tab2 + 1);
      t.count = static_cast<std::size_t>(std::strtoull(value.c_str(), nullptr, 10));
      t.name = value.substr(tab2 + 1, tab3 - tab2 - 1);
      t.title = tab3 == std::string::npos ? "" : value.substr(tab3 + 1);
      r.top.push_back(std::move(t));
    }
  }
}

// ---- Rule selection --------------------------------------------------------------------------

// Every *.yml / *.yaml under `root/sub` for each sub, sorted by path.
std::vector<std::string> rule_files_under(const std::string& root,
                                          const std::vector<std::string>& subs) {
  std::vector<std::string> files;
  for (const auto& sub : subs) {
    const fs::path dir = fs::path(root) / sub;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      const auto ext = it->path().extension();
      if (ext == ".yml" || ext == ".yaml") files.push_back(it->path().string());
    }
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

using RuleKey = std::pair<std::string, int>;  // file, line of the YAML document

RuleKey key_of(const rules::Rule& r) { return {r.file, r.pos.line}; }

bool rule_order(const rules::Rule& a, const rules::Rule& b) { return key_of(a) < key_of(b); }

struct SelectedRules {
  std::shared_ptr<const match::RuleSet> rule_set;
  std::size_t candidate_files = 0;
  std::size_t loadable = 0;
  std::size_t files = 0;
  double load_seconds = 0;
  double compile_seconds = 0;
};

// The first `limit` rules (sorted by file path, then position) among `candidates` that load and
// compile without error. Probing compiles all candidates once, untimed; then the chosen files are
// loaded and their chosen rules compiled again, timed: that is the cost a user pays for them.
std::optional<SelectedRules> select_rules(const std::vector<std::string>& candidates,
                                          std::size_t limit, std::string& error) {
  SelectedRules out;
  out.candidate_files = candidates.size();
  if (candidates.empty()) {
    error = "no rule files found";
    return std::nullopt;
  }
  std::set<RuleKey> compiles;
  {
    rules::Diagnostics diags;
    auto loaded = rules::load_rule_paths(candidates, diags);
    auto probe = match::RuleSet::compile(loaded.rules, {}, diags);
    for (std::uint32_t i = 0; i < probe->size(); ++i) compiles.insert(key_of(probe->rule(i)));
    out.loadable = compiles.size();
  }
  std::set<RuleKey> chosen;
  std::vector<std::string> files;
  for (const auto& key : compiles) {  // std::set iterates in (file, line) order
    if (chosen.size() == limit) break;
    chosen.insert(key);
    if (files.empty() || files.back() != key.first) files.push_back(key.first);
  }
  out.files = files.size();

  rules::Diagnostics diags;
  const auto t0 = Clock::now();
  auto loaded = rules::load_rule_paths(files, diags);
  const auto t1 = Clock::now();
  std::vector<rules::Rule> picked;
  for (auto& r : loaded.rules) {
    if (chosen.count(key_of(r)) != 0) picked.push_back(std::move(r));
  }
  std::sort(picked.begin(), picked.end(), rule_order);
  const auto t2 = Clock::now();
  out.rule_set = match::RuleSet::compile(std::move(picked), {}, diags);
  const auto t3 = Clock::now();
  out.load_seconds = std::chrono::duration<double>(t1 - t0).count();
  out.compile_seconds = std::chrono::duration<double>(t3 - t2).count();
  if (out.rule_set->size() != chosen.size()) {
    error = "the chosen rules did not all compile on the second pass (" +
            std::to_string(out.rule_set->size()) + " of " + std::to_string(chosen.size()) + ")";
    return std::nullopt;
  }
  return out;
}

// ---- Phases (run in the child) ---------------------------------------------------------------

struct MatchTotals {
  std::size_t events = 0;
  std::size_t read_errors = 0;
  std::size_t matches = 0;
  std::size_t events_matched = 0;
  std::string first_error_code;
};

MatchTotals run_matcher(const std::shared_ptr<const match::RuleSet>& rule_set,
                        const EventCorpus& corpus, std::size_t count,
                        std::vector<std::size_t>* per_rule) {
  MatchTotals t;
  match::Matcher matcher(rule_set);
  event::ReaderOptions reader_options;
  reader_options.keep_unknown_fields = rule_set->needs_all_fields();
  event::JsonReader reader(rule_set->fields(), reader_options);
  event::Event e;
  for (std::size_t i = 0; i < count; ++i) {
    ++t.events;
    const Status status = reader.read(corpus.line(i), event::InputFormat::kWinlogbeat, e);
    if (!status.ok()) {
      if (t.read_errors++ == 0) t.first_error_code = status.code();
      continue;
    }
    const auto hits = matcher.match(e);
    t.matches += hits.size();
    if (!hits.empty()) ++t.events_matched;
    if (per_rule != nullptr) {
      for (const std::uint32_t h : hits) ++(*per_rule)[h];
    }
  }
  return t;
}

// JsonReader alone, with the field table and options of `rule_set`: the decode share of a phase.
std::size_t run_reader(const std::shared_ptr<const match::RuleSet>& rule_set,
                       const EventCorpus& corpus) {
  event::ReaderOptions reader_options;
  reader_options.keep_unknown_fields = rule_set->needs_all_fields();
  event::JsonReader reader(rule_set->fields(), reader_options);
  event::Event e;
  std::size_t fields = 0;
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    if (reader.read(corpus.line(i), event::InputFormat::kWinlogbeat, e).ok()) {
      fields += e.present().size() + e.extras().size();
    }
  }
  return fields;
}

void run_baseline_phase(const Options& o, const EventCorpus& corpus, PhaseResult& r) {
  SimdjsonBaseline baseline;
  const std::size_t check_n = std::min(kValidationEvents, corpus.size());
  const BaselineTotals check = baseline.run(corpus, check_n);
  if (check.errors != 0 || check.with_text == 0) {
    r.error = "validation on the first " + std::to_string(check_n) +
              " events: " + std::to_string(check.errors) + " parse errors, " +
              std::to_string(check.with_text) + " with CommandLine/TargetUserName";
    return;
  }
  for (int rep = 0; rep < o.repeat; ++rep) {
    const auto t0 = Clock::now();
    const BaselineTotals t = baseline.run(corpus, corpus.size());
    const auto t1 = Clock::now();
    r.seconds.push_back(std::chrono::duration<double>(t1 - t0).count());
    if (rep == 0) {
      r.checksum = t.checksum;
      r.read_errors = t.errors;
    } else if (t.checksum != r.checksum) {
      r.error = "checksum differs between repetitions";
      return;
    }
  }
  r.events = corpus.size();
  r.bytes = corpus.bytes();
  if (r.read_errors != 0) {
    r.error = std::to_string(r.read_errors) + " parse errors over the full corpus";
    return;
  }
  r.ok = true;
}

void run_matcher_phase(const Options& o, const EventCorpus& corpus, std::size_t limit,
                       const std::vector<std::string>& subs, PhaseResult& r) {
  const auto candidates = rule_files_under(o.sigma_dir + "/rules/windows", subs);
  std::string error;
  auto selected = select_rules(candidates, limit, error);
  r.rule_candidates_files = candidates.size();
  if (!selected) {
    r.error = "rule selection under " + o.sigma_dir + "/rules/windows: " + error;
    return;
  }
  const auto& rule_set = selected->rule_set;
  r.rules_loadable = selected->loadable;
  r.rules = rule_set->size();
  r.rule_files = selected->files;
  r.load_seconds = selected->load_seconds;
  r.compile_seconds = selected->compile_seconds;
  const auto stats = rule_set->stats();
  r.atoms = stats.atoms;
  r.atom_refs = stats.atom_refs;
  r.prefilter_needles = stats.prefilter_needles;
  r.fields = stats.fields;
  r.needs_all_fields = rule_set->needs_all_fields();

  const std::size_t check_n = std::min(kValidationEvents, corpus.size());
  const MatchTotals check = run_matcher(rule_set, corpus, check_n, nullptr);
  if (check.read_errors != 0 || check.matches == 0) {
    r.error = "validation on the first " + std::to_string(check_n) +
              " events: " + std::to_string(check.matches) + " matches, " +
              std::to_string(check.read_errors) + " read errors" +
              (check.first_error_code.empty() ? "" : " (first: " + check.first_error_code + ")");
    return;
  }
  std::vector<std::size_t> per_rule(rule_set->size(), 0);
  for (int rep = 0; rep < o.repeat; ++rep) {
    const auto r0 = Clock::now();
    r.checksum += run_reader(rule_set, corpus);
    r.read_seconds.push_back(std::chrono::duration<double>(Clock::now() - r0).count());
    std::fill(per_rule.begin(), per_rule.end(), 0);
    const auto t0 = Clock::now();
    const MatchTotals t = run_matcher(rule_set, corpus, corpus.size(), &per_rule);
    const auto t1 = Clock::now();
    r.seconds.push_back(std::chrono::duration<double>(t1 - t0).count());
    if (rep == 0) {
      r.matches = t.matches;
      r.events_matched = t.events_matched;
      r.read_errors = t.read_errors;
    } else if (t.matches != r.matches) {
      r.error = "match count differs between repetitions";
      return;
    }
  }
  r.events = corpus.size();
  r.bytes = corpus.bytes();
  std::vector<std::uint32_t> order(per_rule.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return per_rule[a] > per_rule[b]; });
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (per_rule[order[i]] > 0) ++r.distinct_rules_matched;
    if (i < o.top && per_rule[order[i]] > 0) {
      const auto& rule = rule_set->rule(order[i]);
      r.top.push_back({per_rule[order[i]], fs::path(rule.file).stem().string(), rule.title});
    }
  }
  if (r.read_errors != 0) {
    r.error = std::to_string(r.read_errors) + " read errors over the full corpus";
    return;
  }
  r.ok = true;
}

void run_phase_in_child(char phase, const Options& o, const EventCorpus& corpus, PhaseResult& r) {
  r.rss_start_kb = proc_status_kb("VmRSS");
  switch (phase) {
    case 'a':
      run_baseline_phase(o, corpus, r);
      break;
    case 'b':
      run_matcher_phase(o, corpus, o.small_rules, {"process_creation", "builtin/security"}, r);
      break;
    default:
      run_matcher_phase(o, corpus, o.large_rules, {""}, r);
      break;
  }
  r.rss_peak_kb = proc_status_kb("VmHWM");
  if (r.rss_peak_kb < 0) {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    r.rss_peak_kb = usage.ru_maxrss;
  }
}

// Forks; the child measures and writes its PhaseResult to a pipe. A crash or exception in the
// child becomes an error in the returned result, never a silent zero.
PhaseResult run_phase(char phase, const Options& o, const EventCorpus& corpus) {
  PhaseResult r;
  r.phase = phase;
  std::fflush(stdout);
  std::fflush(stderr);
  int fds[2];
  if (pipe(fds) != 0) {
    r.error = "pipe() failed";
    return r;
  }
  const pid_t pid = fork();
  if (pid < 0) {
    r.error = "fork() failed";
    return r;
  }
  if (pid == 0) {
    close(fds[0]);
    PhaseResult child;
    child.phase = phase;
    try {
      if (o.cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(o.cpu, &set);
        sched_setaffinity(0, sizeof set, &set);
      }
      run_phase_in_child(phase, o, corpus, child);
    } catch (const std::exception& ex) {
      child.ok = false;
      child.error = std::string("exception: ") + ex.what();
    }
    const std::string text = serialize(child);
    std::size_t off = 0;
    while (off < text.size()) {
      const ssize_t n = write(fds[1], text.data() + off, text.size() - off);
      if (n <= 0) break;
      off += static_cast<std::size_t>(n);
    }
    close(fds[1]);
    _exit(0);  // skip destructors: the corpus is the parent's
  }
  close(fds[1]);
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  deserialize(text, r);
  if (!WIFEXITED(status)) {
    r.ok = false;
    r.error = "the phase's process died" +
              (WIFSIGNALED(status) ? " (signal " + std::to_string(WTERMSIG(status)) + ")" : "");
  }
  return r;
}

// ---- Output ----------------------------------------------------------------------------------

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

std::string json_string(std::string_view s) { return vigie::json::quote(s); }

std::string json_number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string phase_label(char phase, const Options& o) {
  switch (phase) {
    case 'a':
      return "a simdjson parse + 5 fields";
    case 'b':
      return "b JsonReader+Matcher, " + std::to_string(o.small_rules) + " rules";
    default:
      return "c JsonReader+Matcher, " + std::to_string(o.large_rules) + " rules";
  }
}

struct Ratios {
  std::optional<double> b_over_a;  // throughput ratio (events/s b / events/s a)
  std::optional<double> c_over_b;  // cost ratio per event (ns c / ns b)
};

constexpr double kTargetEventsPerSecond = 1e6;
constexpr double kStretchEventsPerSecond = 2e6;
constexpr double kTargetBOverA = 0.17;
constexpr double kTargetCOverB = 1.5;

const char* met(bool ok) { return ok ? "met" : "NOT met"; }

void print_table(const Options& o, const Machine& m, const EventCorpus& corpus,
                 double generate_seconds, const std::vector<PhaseResult>& results,
                 const Ratios& ratios) {
  std::printf(
      "detect_bench: %s Winlogbeat events (%s envelope), %s bytes (avg %.0f B/event), seed "
      "%llu, %s attack traces, generated in %.1f s\n",
      thousands(static_cast<double>(corpus.size())).c_str(), o.lean ? "lean" : "full",
      thousands(static_cast<double>(corpus.bytes())).c_str(),
      static_cast<double>(corpus.bytes()) / static_cast<double>(corpus.size()),
      static_cast<unsigned long long>(o.seed),
      thousands(static_cast<double>(corpus.attack_events())).c_str(), generate_seconds);
  std::printf("mix:");
  for (std::size_t k = 0; k < kEventKindCount; ++k) {
    const auto kind = static_cast<EventKind>(k);
    std::printf(
        " %s %.1f%%%s", std::string(event_kind_name(kind)).c_str(),
        100.0 * static_cast<double>(corpus.kind_count(kind)) / static_cast<double>(corpus.size()),
        k + 1 < kEventKindCount ? "," : "\n");
  }
  std::printf("machine: %s, %u logical CPUs; %s; %s; single thread per phase, best of %d\n",
              m.cpu_model.c_str(), m.cpus, m.compiler.c_str(), m.json_parser.c_str(), o.repeat);
  std::printf("build: %s\n", m.build.c_str());
  std::printf("rules: %s\n\n", o.sigma_dir.c_str());
  std::printf("%-36s %6s %7s %9s %14s %8s %9s %10s %10s %11s %9s\n", "phase", "rules", "load s",
              "compile s", "events/s/core", "MB/s", "ns/event", "matches", "events hit",
              "peak RSS MB", "phase MB");
  for (const auto& r : results) {
    if (!r.ok) {
      std::printf("%-36s FAILED: %s\n", r.label.c_str(), r.error.c_str());
      continue;
    }
    const bool rules = r.phase != 'a';
    std::printf(
        "%-36s %6s %7s %9s %14s %8s %9s %10s %10s %11s %9s\n", r.label.c_str(),
        rules ? thousands(static_cast<double>(r.rules)).c_str() : "-",
        rules ? thousands(r.load_seconds, 2).c_str() : "-",
        rules ? thousands(r.compile_seconds, 3).c_str() : "-",
        thousands(r.events_per_second()).c_str(), thousands(r.mb_per_second()).c_str(),
        thousands(r.ns_per_event()).c_str(),
        rules ? thousands(static_cast<double>(r.matches)).c_str() : "-",
        rules ? thousands(static_cast<double>(r.events_matched)).c_str() : "-",
        thousands(static_cast<double>(r.rss_peak_kb) / 1024.0).c_str(),
        ("+" + thousands(static_cast<double>(r.rss_peak_kb - r.rss_start_kb) / 1024.0)).c_str());
  }
  std::printf(
      "\n(peak RSS includes the %s MB corpus shared with the parent; 'phase MB' is the "
      "phase's own growth)\n",
      thousands(static_cast<double>(corpus.bytes()) / 1e6).c_str());
  for (const auto& r : results) {
    if (r.ok && r.phase != 'a') {
      std::printf(
          "%c: %s rules from %s files (%s loadable among %s candidate files); %s atoms "
          "(%s uses), %s prefilter needles, %s fields, keep unknown fields: %s; %s rules "
          "matched at least once; per event: JsonReader alone %s ns, so matching ~%s ns\n",
          r.phase, thousands(static_cast<double>(r.rules)).c_str(),
          thousands(static_cast<double>(r.rule_files)).c_str(),
          thousands(static_cast<double>(r.rules_loadable)).c_str(),
          thousands(static_cast<double>(r.rule_candidates_files)).c_str(),
          thousands(static_cast<double>(r.atoms)).c_str(),
          thousands(static_cast<double>(r.atom_refs)).c_str(),
          thousands(static_cast<double>(r.prefilter_needles)).c_str(),
          thousands(static_cast<double>(r.fields)).c_str(), r.needs_all_fields ? "yes" : "no",
          thousands(static_cast<double>(r.distinct_rules_matched)).c_str(),
          thousands(r.read_ns_per_event()).c_str(),
          thousands(r.ns_per_event() - r.read_ns_per_event()).c_str());
    }
  }
  std::printf("\n");
  const PhaseResult* b = nullptr;
  for (const auto& r : results) {
    if (r.phase == 'b' && r.ok) b = &r;
  }
  if (b != nullptr) {
    std::printf("b: %s events/s per core — target >= 1,000,000: %s; stretch >= 2,000,000: %s\n",
                thousands(b->events_per_second()).c_str(),
                met(b->events_per_second() >= kTargetEventsPerSecond),
                met(b->events_per_second() >= kStretchEventsPerSecond));
  }
  if (ratios.b_over_a) {
    std::printf("b/a throughput ratio: %.3f — target >= %.2f: %s\n", *ratios.b_over_a,
                kTargetBOverA, met(*ratios.b_over_a >= kTargetBOverA));
  }
  if (ratios.c_over_b) {
    std::printf("c/b cost per event:   %.3f — target <= %.2f: %s\n", *ratios.c_over_b,
                kTargetCOverB, met(*ratios.c_over_b <= kTargetCOverB));
  }
  for (const auto& r : results) {
    if (!r.ok || r.top.empty() || r.phase == 'a') continue;
    std::printf("\ntop %zu rules in %c (matches over %s events):\n", r.top.size(), r.phase,
                thousands(static_cast<double>(r.events)).c_str());
    for (const auto& t : r.top) {
      std::printf("  %10s  %s  (%s)\n", thousands(static_cast<double>(t.count)).c_str(),
                  t.name.c_str(), t.title.c_str());
    }
  }
}

void print_json(const Options& o, const Machine& m, const EventCorpus& corpus,
                const std::vector<PhaseResult>& results, const Ratios& ratios) {
  std::string j = "{\"benchmark\":\"detect_bench\"";
  j += ",\"events\":" + std::to_string(corpus.size());
  j += ",\"bytes\":" + std::to_string(corpus.bytes());
  j += ",\"avg_event_bytes\":" +
       json_number(static_cast<double>(corpus.bytes()) / static_cast<double>(corpus.size()));
  j += ",\"seed\":" + std::to_string(o.seed);
  j += ",\"envelope\":" + std::string(o.lean ? "\"lean\"" : "\"full\"");
  j += ",\"attack_events\":" + std::to_string(corpus.attack_events());
  j += ",\"repeat\":" + std::to_string(o.repeat);
  j += ",\"machine\":{\"cpu_model\":" + json_string(m.cpu_model) +
       ",\"logical_cpus\":" + std::to_string(m.cpus) + ",\"compiler\":" + json_string(m.compiler) +
       ",\"build\":" + json_string(m.build) + ",\"json_parser\":" + json_string(m.json_parser) +
       "}";
  j += ",\"phases\":[";
  bool first = true;
  for (const auto& r : results) {
    if (!first) j += ',';
    first = false;
    j += "{\"phase\":\"" + std::string(1, r.phase) + "\",\"label\":" + json_string(r.label);
    j += ",\"ok\":" + std::string(r.ok ? "true" : "false");
    if (!r.ok) j += ",\"error\":" + json_string(r.error);
    j += ",\"events\":" + std::to_string(r.events) + ",\"bytes\":" + std::to_string(r.bytes);
    j += ",\"best_seconds\":" + json_number(r.best_seconds());
    j += ",\"seconds\":[";
    for (std::size_t i = 0; i < r.seconds.size(); ++i) {
      j += (i ? "," : "") + json_number(r.seconds[i]);
    }
    j += "],\"events_per_second\":" + json_number(r.events_per_second());
    j += ",\"mb_per_second\":" + json_number(r.mb_per_second());
    j += ",\"ns_per_event\":" + json_number(r.ns_per_event());
    j += ",\"rss_start_kb\":" + std::to_string(r.rss_start_kb);
    j += ",\"rss_peak_kb\":" + std::to_string(r.rss_peak_kb);
    if (r.phase != 'a') {
      j += ",\"rules\":" + std::to_string(r.rules) +
           ",\"rule_files\":" + std::to_string(r.rule_files);
      j += ",\"rules_loadable\":" + std::to_string(r.rules_loadable);
      j += ",\"candidate_files\":" + std::to_string(r.rule_candidates_files);
      j += ",\"load_seconds\":" + json_number(r.load_seconds);
      j += ",\"compile_seconds\":" + json_number(r.compile_seconds);
      j +=
          ",\"atoms\":" + std::to_string(r.atoms) + ",\"atom_refs\":" + std::to_string(r.atom_refs);
      j += ",\"prefilter_needles\":" + std::to_string(r.prefilter_needles);
      j += ",\"fields\":" + std::to_string(r.fields);
      j += ",\"needs_all_fields\":" + std::string(r.needs_all_fields ? "true" : "false");
      j += ",\"reader_only_ns_per_event\":" + json_number(r.read_ns_per_event());
      j += ",\"matches\":" + std::to_string(r.matches);
      j += ",\"events_matched\":" + std::to_string(r.events_matched);
      j += ",\"distinct_rules_matched\":" + std::to_string(r.distinct_rules_matched);
      j += ",\"read_errors\":" + std::to_string(r.read_errors);
      j += ",\"top_rules\":[";
      for (std::size_t i = 0; i < r.top.size(); ++i) {
        j += (i ? "," : "") + std::string("{\"rule\":") + json_string(r.top[i].name) +
             ",\"title\":" + json_string(r.top[i].title) +
             ",\"matches\":" + std::to_string(r.top[i].count) + "}";
      }
      j += "]";
    }
    j += "}";
  }
  j += "],\"ratios\":{";
  std::string sep;
  if (ratios.b_over_a) {
    j += "\"b_over_a_throughput\":" + json_number(*ratios.b_over_a);
    sep = ",";
  }
  if (ratios.c_over_b) j += sep + "\"c_over_b_cost\":" + json_number(*ratios.c_over_b);
  j += "},\"targets\":{";
  sep.clear();
  for (const auto& r : results) {
    if (r.phase == 'b' && r.ok) {
      j += "\"b_1m_events_per_second\":" +
           std::string(r.events_per_second() >= kTargetEventsPerSecond ? "true" : "false");
      j += ",\"b_2m_events_per_second\":" +
           std::string(r.events_per_second() >= kStretchEventsPerSecond ? "true" : "false");
      sep = ",";
    }
  }
  if (ratios.b_over_a) {
    j += sep +
         "\"b_over_a_at_least_0_17\":" + (*ratios.b_over_a >= kTargetBOverA ? "true" : "false");
    sep = ",";
  }
  if (ratios.c_over_b) {
    j += sep + "\"c_over_b_at_most_1_5\":" + (*ratios.c_over_b <= kTargetCOverB ? "true" : "false");
  }
  j += "}}";
  std::printf("%s\n", j.c_str());
}

int run(int argc, char** argv) {
  const auto options = parse_options(argc, argv);
  if (!options) return kExitSetup;
  const Options& o = *options;
  if (o.phases.find_first_of("bc") != std::string::npos &&
      !fs::is_directory(fs::path(o.sigma_dir) / "rules" / "windows")) {
    std::fprintf(stderr, "detect_bench: no rules/windows under %s (use --sigma-dir)\n",
                 o.sigma_dir.c_str());
    return kExitSetup;
  }
  const Machine machine = describe_machine();

  GeneratorOptions gen;
  gen.events = o.events;
  gen.seed = o.seed;
  gen.attack_share = o.attack_share;
  gen.lean = o.lean;
  const auto g0 = Clock::now();
  const EventCorpus corpus = generate_events(gen);
  const double generate_seconds = std::chrono::duration<double>(Clock::now() - g0).count();
  if (!o.write_path.empty()) {
    std::ofstream out(o.write_path, std::ios::binary);
    const auto text = corpus.ndjson();
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out) {
      std::fprintf(stderr, "detect_bench: cannot write %s\n", o.write_path.c_str());
      return kExitSetup;
    }
  }

  std::vector<PhaseResult> results;
  for (const char phase : std::string("abc")) {
    if (o.phases.find(phase) == std::string::npos) continue;
    PhaseResult r = run_phase(phase, o, corpus);
    r.label = phase_label(phase, o);
    results.push_back(std::move(r));
  }

  const PhaseResult* a = nullptr;
  const PhaseResult* b = nullptr;
  const PhaseResult* c = nullptr;
  for (const auto& r : results) {
    if (!r.ok) continue;
    (r.phase == 'a' ? a : r.phase == 'b' ? b : c) = &r;
  }
  Ratios ratios;
  if (a != nullptr && b != nullptr && a->events_per_second() > 0) {
    ratios.b_over_a = b->events_per_second() / a->events_per_second();
  }
  if (b != nullptr && c != nullptr && b->ns_per_event() > 0) {
    ratios.c_over_b = c->ns_per_event() / b->ns_per_event();
  }
  print_table(o, machine, corpus, generate_seconds, results, ratios);
  if (o.json) print_json(o, machine, corpus, results, ratios);

  bool all_ok = true;
  for (const auto& r : results) {
    if (!r.ok) {
      std::fprintf(stderr, "detect_bench: phase %c failed: %s\n", r.phase, r.error.c_str());
      all_ok = false;
    }
  }
  return all_ok ? 0 : kExitCheckFailed;
}

}  // namespace
}  // namespace vigie::bench

int main(int argc, char** argv) {
  try {
    return vigie::bench::run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "detect_bench: %s\n", e.what());
    return 2;
  }
}
