// xml_bench — Windows event XML decoding (issue 4 §7).
//
// Question: how many Windows Event Forwarding XML events per second per core does the wef-xml
// decoder (ingest::XmlReader + the ad plugin's field mapping) turn into events, against a memchr
// pass over the same bytes for '<' (the least any XML reader must do), measured in the same run?
// Target: at least 200,000 events/s per core.
//
// Data: --events events (default 20,000, ~33 MB) generated from the seven events of the shared WEF
// sample (../shared/formats/windows_wef_forwardedevents.xml, 4624, 4769, 7045, 4728, 4662 written
// over five lines, 1102 with UserData, all with RenderingInfo), each copy with its own record id,
// time, user, address and computer, some values escaped (&amp;, &#x...;), a third without
// RenderingInfo and a fifth indented as wevtutil and Event Viewer write it (CR LF, spaces).
// Before timing, every event is decoded once and must give no reject and its own user and record
// id back (a fast wrong answer fails with exit code 1).
//
// Benchmarks (Google Benchmark; items are events, bytes are the XML bytes):
//   bm_memchr_lt         the baseline: count '<' with memchr
//   bm_xml_tokens        the parser alone: every token of every event
//   bm_wef_decode        the decoder, fields of every format interned plus 12 EventData names
//   bm_wef_decode_all     the decoder keeping every field (vigie decode, keyword searches)
// then the ratios to the baseline and the target check.
//
//   xml_bench [--events N] [--shared DIR] [Google Benchmark flags, e.g. --benchmark_repetitions=3]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "decode/decoder.h"
#include "decode/fields.h"
#include "event/event.h"
#include "event/field_table.h"
#include "ingest/xml.h"
#include "plugins/ad/wef.h"

namespace {

struct Corpus {
  std::string bytes;                          // the events, one after the other
  std::vector<std::string_view> events;       // views into bytes
  std::vector<std::string> users;             // the user of each event, as decoded
  std::vector<std::string_view> user_fields;  // the field it is in
  std::vector<std::string> record_ids;
};

Corpus g_corpus;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Replaces the text of the first `<open>...<` after `from` (an element's text or an attribute's
// value, `open` ending with '>' or '"').
void replace_value(std::string& s, std::string_view open, std::string_view value) {
  const std::size_t at = s.find(open);
  if (at == std::string::npos) return;
  const std::size_t begin = at + open.size();
  const std::size_t end = s.find_first_of(open.back() == '"' ? "\"" : "<", begin);
  s.replace(begin, end - begin, value);
}

// wevtutil-style indentation: a line break and spaces before each tag of System and EventData.
std::string indent(const std::string& s) {
  std::string out;
  out.reserve(s.size() * 5 / 4);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<' && i > 0 && s[i + 1] != '/' && s[i - 1] == '>') out += "\r\n    ";
    out += s[i];
  }
  return out;
}

bool generate(const std::string& shared, std::size_t count) {
  const std::string sample = read_file(shared + "/formats/windows_wef_forwardedevents.xml");
  std::vector<std::string> templates;
  vigie::ingest::XmlSplitter splitter;
  for (std::string_view rest = sample;;) {
    const auto step = splitter.finish(rest);
    rest.remove_prefix(step.consumed);
    if (step.outcome == vigie::ingest::XmlSplitter::Outcome::kEnd) break;
    if (step.outcome == vigie::ingest::XmlSplitter::Outcome::kRecord) {
      templates.emplace_back(step.record);
    }
  }
  if (templates.size() != 7) {
    std::fprintf(stderr, "xml_bench: expected 7 events in the WEF sample under %s, found %zu\n",
                 shared.c_str(), templates.size());
    return false;
  }
  std::mt19937_64 rng(20260314);
  const char* const names[] = {"mleroy",      "ssimon",   "cbernard",    "jmartin",
                               "svc_sqlpacs", "a.dupont", "urg-interne", "b.nguyen"};
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < count; ++i) {
    std::string e = templates[i % templates.size()];
    const std::string record_id = std::to_string(1'000'000 + i);
    std::string user = names[rng() % std::size(names)];
    if (rng() % 10 == 0) user += "&amp;co";  // escaped: decoded into the scratch buffer
    // The user goes into the first of these the event has; check_corpus() reads it back there.
    std::string_view field;
    for (std::string_view f : {"TargetUserName", "SubjectUserName", "AccountName"}) {
      const std::string data = "<Data Name=\"" + std::string(f) + "\">";
      const std::string element = "<" + std::string(f) + ">";
      if (e.find(data) != std::string::npos) {
        replace_value(e, data, user);
      } else if (e.find(element) != std::string::npos) {
        replace_value(e, element, user);
      } else {
        continue;
      }
      field = f;
      break;
    }
    replace_value(e, "<EventRecordID>", record_id);
    char time[40];
    std::snprintf(time, sizeof time, "2026-03-%02zuT%02zu:%02zu:%02zu.%03zu0000Z", 14 + i % 10,
                  (i / 3600) % 24, (i / 60) % 60, i % 60, i % 1000);
    replace_value(e, "SystemTime=\"", time);
    char ip[32];
    std::snprintf(ip, sizeof ip, "10.%u.%u.%u", unsigned(rng() % 256), unsigned(rng() % 256),
                  unsigned(1 + rng() % 254));
    replace_value(e, "<Data Name=\"IpAddress\">", ip);
    replace_value(e, "<Computer>", "PC-" + std::to_string(rng() % 5000) + ".ght-exemple.local");
    if (i % 3 == 1) {  // Events format instead of RenderedText
      const std::size_t r = e.find("<RenderingInfo");
      if (r != std::string::npos) e.erase(r, e.find("</RenderingInfo>") + 16 - r);
    }
    if (i % 5 == 2) e = indent(e);
    offsets.push_back(g_corpus.bytes.size());
    g_corpus.bytes += e;
    g_corpus.users.push_back(user);
    g_corpus.user_fields.push_back(field);
    g_corpus.record_ids.push_back(record_id);
  }
  offsets.push_back(g_corpus.bytes.size());
  for (std::size_t i = 0; i + 1 < offsets.size(); ++i) {
    g_corpus.events.emplace_back(g_corpus.bytes.data() + offsets[i], offsets[i + 1] - offsets[i]);
  }
  // The users as the decoder gives them back.
  for (std::string& u : g_corpus.users) {
    if (const std::size_t amp = u.find("&amp;"); amp != std::string::npos) u.erase(amp + 1, 4);
  }
  return true;
}

struct Decoding {
  explicit Decoding(bool keep_all) {
    vigie::decode::intern_all_fields(vigie::decode::builtin_plugins(), table);
    for (const char* n : {"TargetUserName", "SubjectUserName", "IpAddress", "LogonType",
                          "WorkstationName", "ServiceName", "ImagePath", "ObjectName", "Properties",
                          "MemberSid", "AccountName", "AuthenticationPackageName"}) {
      table.intern(n);
    }
    vigie::decode::DecoderSetup setup;
    setup.fields = &table;
    setup.keep_unknown_fields = keep_all;
    decoder = vigie::plugins::ad::wef_format().make(setup);
  }
  vigie::event::FieldTable table;
  std::unique_ptr<vigie::decode::Decoder> decoder;
  vigie::event::Event event;
};

// Every event decodes, and gives its own user and record id back.
bool check_corpus() {
  Decoding d(false);
  const auto record = d.table.find("EventRecordID");
  for (std::size_t i = 0; i < g_corpus.events.size(); ++i) {
    const vigie::Status s = d.decoder->decode(g_corpus.events[i], {}, d.event);
    if (!s.ok()) {
      std::fprintf(stderr, "xml_bench: event %zu rejected: %s\n", i, s.to_string().c_str());
      return false;
    }
    const auto user = d.table.find(g_corpus.user_fields[i]);
    const vigie::event::Value* u = user ? d.event.get(*user) : nullptr;
    const vigie::event::Value* r = d.event.get(*record);
    if (u == nullptr || u->text != g_corpus.users[i] || r == nullptr ||
        r->text != g_corpus.record_ids[i] || d.event.time_ms == vigie::event::Event::kNoTime) {
      std::fprintf(stderr, "xml_bench: event %zu decoded to the wrong values\n", i);
      return false;
    }
  }
  return true;
}

void set_counters(benchmark::State& state) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(g_corpus.events.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(g_corpus.bytes.size()));
}

void bm_memchr_lt(benchmark::State& state) {
  std::size_t expected = 0;
  for (char c : g_corpus.bytes) expected += c == '<';
  for (auto _ : state) {
    std::size_t n = 0;
    for (std::string_view e : g_corpus.events) {
      const char* p = e.data();
      const char* end = p + e.size();
      while ((p = static_cast<const char*>(std::memchr(p, '<', end - p))) != nullptr) {
        ++n;
        ++p;
      }
    }
    if (n != expected) state.SkipWithError("memchr miscounted");
    benchmark::DoNotOptimize(n);
  }
  set_counters(state);
}

void bm_xml_tokens(benchmark::State& state) {
  vigie::ingest::XmlReader reader;
  for (auto _ : state) {
    std::size_t tokens = 0;
    for (std::string_view e : g_corpus.events) {
      reader.reset(e);
      for (vigie::ingest::XmlToken t = reader.next(); t != vigie::ingest::XmlToken::kEnd;
           t = reader.next()) {
        if (t == vigie::ingest::XmlToken::kError) {
          state.SkipWithError("XML error");
          return;
        }
        ++tokens;
      }
    }
    benchmark::DoNotOptimize(tokens);
  }
  set_counters(state);
}

void decode_all(benchmark::State& state, bool keep_all) {
  Decoding d(keep_all);
  for (auto _ : state) {
    std::size_t fields = 0;
    for (std::string_view e : g_corpus.events) {
      if (!d.decoder->decode(e, {}, d.event).ok()) {
        state.SkipWithError("reject");
        return;
      }
      fields += d.event.present().size() + d.event.extras().size();
    }
    benchmark::DoNotOptimize(fields);
  }
  set_counters(state);
}

void bm_wef_decode(benchmark::State& state) { decode_all(state, false); }
void bm_wef_decode_all(benchmark::State& state) { decode_all(state, true); }

// Console output as usual, plus the events/s of each benchmark for the summary.
class Reporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.error_occurred || r.run_type != Run::RT_Iteration) continue;
      const auto it = r.counters.find("items_per_second");
      if (it == r.counters.end()) continue;
      double& best = events_per_s[r.run_name.function_name];
      best = std::max(best, static_cast<double>(it->second));
    }
  }
  std::map<std::string, double> events_per_s;
};

}  // namespace

BENCHMARK(bm_memchr_lt)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(bm_xml_tokens)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(bm_wef_decode)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(bm_wef_decode_all)->Unit(benchmark::kMillisecond)->MinTime(1.0);

int main(int argc, char** argv) {
  std::size_t count = 20'000;
  std::string shared = VIGIE_SHARED_DIR;
  if (const char* env = std::getenv("VIGIE_SHARED_DIR"); env != nullptr && *env != '\0') {
    shared = env;
  }
  std::vector<char*> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--events" && i + 1 < argc) {
      count = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--shared" && i + 1 < argc) {
      shared = argv[++i];
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (count == 0 || !generate(shared, count)) return 2;
  if (!check_corpus()) return 1;
  std::printf("xml_bench: %zu events, %.1f MB, %.0f bytes/event on average\n",
              g_corpus.events.size(), g_corpus.bytes.size() / 1e6,
              static_cast<double>(g_corpus.bytes.size()) / g_corpus.events.size());
  int bench_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&bench_argc, rest.data());
  Reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  const double base = reporter.events_per_s["bm_memchr_lt"];
  std::printf("\nevents/s per core (best run), and the time of each relative to memchr:\n");
  for (const char* name : {"bm_memchr_lt", "bm_xml_tokens", "bm_wef_decode", "bm_wef_decode_all"}) {
    const double eps = reporter.events_per_s[name];
    if (eps <= 0) continue;
    std::printf("  %-18s %12.0f events/s  %6.1f MB/s  x%.1f\n", name, eps,
                eps * g_corpus.bytes.size() / g_corpus.events.size() / 1e6,
                base > 0 ? base / eps : 0.0);
  }
  const double wef = reporter.events_per_s["bm_wef_decode"];
  std::printf("target: wef-xml >= 200,000 events/s per core: %s (%.0f)\n",
              wef >= 200'000 ? "met" : "NOT met", wef);
  return 0;
}
