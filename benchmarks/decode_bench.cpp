// decode_bench: events/s per core of each decoder plugin format (issue 4 §7), beside baselines
// measured in the same run on the same bytes: memchr line splitting (every format) and a
// simdjson On-Demand parse that walks every top-level field (JSON formats).
//
// Data: the shared sample of each format (../shared/formats, comment lines dropped), cycled to
// --records records in one buffer. Samples are small and hand-made, so the cycle repeats the same
// few records: branch predictors see a friendlier stream than production, which the ratio to the
// baselines (which see the same stream) partly cancels. Each format is timed --repeat times; the
// best run is kept.
//
//   decode_bench [--records N] [--repeat K] [--shared DIR] [--cpu N]
#include <sched.h>
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "decode/decoder.h"
#include "decode/fields.h"
#include "event/event.h"
#include "ingest/xml.h"
#include "ingest/zone.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

struct Corpus {
  std::string bytes;  // records separated by '\n', then simdjson padding
  std::vector<std::string_view> records;
};

// The records of a sample: XML elements cut by ingest::XmlSplitter for an XML file (an event may
// span lines; the declaration, comments and <Events> are not records), else its lines.
std::vector<std::string> sample_records(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> records;
  if (file.extension() == ".xml") {
    vigie::ingest::XmlSplitter splitter;
    std::string_view pending = text;
    for (;;) {
      const auto step = splitter.finish(pending);
      pending.remove_prefix(step.consumed);
      if (step.outcome == vigie::ingest::XmlSplitter::Outcome::kEnd) break;
      if (step.outcome == vigie::ingest::XmlSplitter::Outcome::kRecord) {
        std::string r(step.record);
        std::replace(r.begin(), r.end(), '\n', ' ');  // one record per line in the corpus
        std::replace(r.begin(), r.end(), '\r', ' ');
        records.push_back(std::move(r));
      }
    }
    return records;
  }
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string l = text.substr(start, end - start);
    start = end + 1;
    const std::size_t first = l.find_first_not_of(" \t\r");
    if (first == std::string::npos || l[first] == '#') continue;
    records.push_back(std::move(l));
  }
  return records;
}

Corpus build_corpus(const fs::path& file, std::size_t count) {
  const std::vector<std::string> lines = sample_records(file);
  Corpus c;
  if (lines.empty()) return c;
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < count; ++i) {
    offsets.push_back(c.bytes.size());
    c.bytes += lines[i % lines.size()];
    c.bytes += '\n';
  }
  const std::size_t end = c.bytes.size();
  c.bytes.append(simdjson::SIMDJSON_PADDING, '\0');
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    const std::size_t stop = i + 1 < offsets.size() ? offsets[i + 1] - 1 : end - 1;
    c.records.emplace_back(c.bytes.data() + offsets[i], stop - offsets[i]);
  }
  return c;
}

template <typename F>
double best_seconds(int repeat, F&& run) {
  double best = 1e100;
  for (int r = 0; r < repeat; ++r) {
    const auto t0 = Clock::now();
    run();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
  }
  return best;
}

volatile std::uint64_t g_sink = 0;

double memchr_seconds(const Corpus& c, int repeat) {
  const std::size_t size = c.bytes.size() - simdjson::SIMDJSON_PADDING;
  return best_seconds(repeat, [&] {
    std::uint64_t n = 0;
    const char* p = c.bytes.data();
    const char* end = p + size;
    while (p < end) {
      const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
      if (nl == nullptr) break;
      ++n;
      p = static_cast<const char*>(nl) + 1;
    }
    g_sink = g_sink + n;
  });
}

double simdjson_seconds(const Corpus& c, int repeat) {
  simdjson::ondemand::parser parser;
  return best_seconds(repeat, [&] {
    std::uint64_t n = 0;
    for (std::string_view r : c.records) {
      simdjson::padded_string_view view(r.data(), r.size(), r.size() + simdjson::SIMDJSON_PADDING);
      auto doc = parser.iterate(view);
      simdjson::ondemand::object obj;
      if (doc.get_object().get(obj)) continue;
      for (auto field : obj) {
        std::string_view key;
        if (!field.unescaped_key().get(key)) n += key.size();
      }
    }
    g_sink = g_sink + n;
  });
}

const char* family_of(const std::string& name) {
  if (name.rfind("windows_", 0) == 0) return "ad";
  if (name.rfind("vpn_", 0) == 0) return "vpn";
  if (name.rfind("ehr_", 0) == 0) return "ehr";
  return nullptr;
}

double target_of(const std::string& format, bool json) {
  if (json) return 1.5e6;
  if (format.find("xml") != std::string::npos) return 2e5;
  return 1e6;  // key=value, CSV, syslog lines
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t records = 200'000;
  int repeat = 3;
  std::string shared = std::string(VIGIE_SOURCE_DIR) + "/../shared";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "decode_bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--records") {
      records = std::stoul(next());
    } else if (a == "--repeat") {
      repeat = std::stoi(next());
    } else if (a == "--shared") {
      shared = next();
    } else if (a == "--cpu") {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(std::stoi(next()), &set);
      sched_setaffinity(0, sizeof set, &set);
    } else {
      std::fprintf(stderr,
                   "usage: decode_bench [--records N] [--repeat K] [--shared DIR] [--cpu N]\n");
      return 2;
    }
  }
  auto zone = vigie::ingest::load_zone("Europe/Paris");
  if (!zone.ok()) return 1;
  const vigie::decode::Registry& registry = vigie::decode::builtin_plugins();

  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(shared) / "formats"))
    files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::printf("%-44s %-16s %12s %8s %12s %8s %12s %9s %s\n", "sample", "format", "events/s",
              "rejects", "memchr l/s", "ratio", "simdjson/s", "ratio", "target");
  std::string json =
      "{\"benchmark\":\"decode_bench\",\"records\":" + std::to_string(records) + ",\"formats\":[";
  bool first_json = true;
  int missed = 0;
  for (const fs::path& file : files) {
    const std::string name = file.filename().string();
    const char* fam = family_of(name);
    if (fam == nullptr) continue;
    Corpus c = build_corpus(file, records);
    if (c.records.empty()) continue;
    const vigie::decode::Format* format =
        registry.sniff(*vigie::decode::parse_family(fam), c.records.front());
    if (format == nullptr) {
      std::printf("%-44s (no decoder recognises it in this build)\n", name.c_str());
      continue;
    }
    vigie::event::FieldTable fields;
    vigie::decode::intern_all_fields(registry, fields);
    vigie::decode::DecoderSetup setup;
    setup.fields = &fields;
    setup.zone = zone->get();
    std::unique_ptr<vigie::decode::Decoder> decoder = format->make(setup);
    vigie::event::Event ev;
    std::size_t rejects = 0;
    const double secs = best_seconds(repeat, [&] {
      rejects = 0;
      for (std::string_view r : c.records) {
        if (!decoder->decode(r, {}, ev).ok()) ++rejects;
      }
      g_sink = g_sink + ev.present().size();
    });
    const double n = static_cast<double>(c.records.size());
    const double eps = n / secs;
    const double mem = n / memchr_seconds(c, repeat);
    const bool is_json = c.records.front().find_first_not_of(" \t") != std::string_view::npos &&
                         c.records.front()[c.records.front().find_first_not_of(" \t")] == '{';
    const double sj = is_json ? n / simdjson_seconds(c, repeat) : 0;
    const double target = target_of(std::string(format->info.name), is_json);
    const bool met = eps >= target;
    if (!met) ++missed;
    char sj_text[32] = "-", sj_ratio[32] = "-";
    if (is_json) {
      std::snprintf(sj_text, sizeof sj_text, "%.0f", sj);
      std::snprintf(sj_ratio, sizeof sj_ratio, "%.3f", eps / sj);
    }
    std::printf("%-44s %-16s %12.0f %8zu %12.0f %8.4f %12s %9s %.0fk %s\n", name.c_str(),
                std::string(format->info.name).c_str(), eps, rejects, mem, eps / mem, sj_text,
                sj_ratio, target / 1000, met ? "met" : "MISSED");
    char buf[512];
    std::snprintf(
        buf, sizeof buf,
        "%s{\"sample\":\"%s\",\"format\":\"%s\",\"events_per_second\":%.0f,\"rejects\":%zu,"
        "\"memchr_lines_per_second\":%.0f,\"simdjson_per_second\":%.0f,\"target\":%.0f,"
        "\"met\":%s}",
        first_json ? "" : ",", name.c_str(), std::string(format->info.name).c_str(), eps, rejects,
        mem, sj, target, met ? "true" : "false");
    json += buf;
    first_json = false;
  }
  json += "]}";
  std::printf("%s\n", json.c_str());
  return 0;
}
