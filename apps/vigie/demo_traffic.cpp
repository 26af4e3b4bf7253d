// `vigie demo-traffic`: the demo's traffic written to files, for `vigie hunt` (and the CLI test
// that proves the rules of rules/health fire on the stories and not on everyday traffic).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "common/json.h"
#include "common/timestamp.h"
#include "demo/traffic.h"
#include "demo_commands.h"

namespace vigie::app {
namespace {

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f != nullptr) std::fclose(f);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

void append_story(std::string& out, const demo::Story& s) {
  out += "    {\"name\": ";
  json::append_string(out, s.name);
  out += ", \"tenant\": ";
  json::append_string(out, s.tenant);
  out += ", \"start\": ";
  json::append_string(out, format_timestamp_ms(s.start_ms));
  out += ", \"end\": ";
  json::append_string(out, format_timestamp_ms(s.end_ms));
  out += ",\n     \"description\": ";
  json::append_string(out, s.description);
  out += ",\n     \"rule_ids\": [";
  for (std::size_t i = 0; i < s.rule_ids.size(); ++i) {
    if (i) out += ", ";
    json::append_string(out, s.rule_ids[i]);
  }
  out += "]}";
}

}  // namespace

CLI::App* add_demo_traffic_command(CLI::App& app, DemoTrafficOptions& options) {
  // An empty group hides the subcommand from --help.
  CLI::App* cmd =
      app.add_subcommand("demo-traffic", "write the demo's traffic to files")->group("");
  cmd->add_option("--out", options.out, "folder to write config.yaml, the logs and stories.json")
      ->required();
  cmd->add_option("--seed", options.seed, "random seed (default 42)");
  cmd->add_option("--events", options.events, "approximate number of records (default 200000)")
      ->check(
          CLI::Range(static_cast<std::uint64_t>(1000), static_cast<std::uint64_t>(100'000'000)));
  cmd->add_flag("--no-attacks", options.no_attacks, "everyday traffic only, no story");
  return cmd;
}

int demo_traffic(const DemoTrafficOptions& options) {
  namespace fs = std::filesystem;
  demo::TrafficOptions t;
  t.seed = options.seed;
  t.events = options.events;
  t.attacks = !options.no_attacks;
  t.establishments = demo::default_establishments();
  Result<std::string> config = demo::write_demo_config(options.out, t);
  if (!config.ok()) {
    std::fprintf(stderr, "vigie demo-traffic: %s\n", config.status().message().c_str());
    return 1;
  }
  const auto started = std::chrono::steady_clock::now();
  demo::Traffic traffic(t);
  // Per establishment: every record in one file (what `vigie hunt` reads), and one file per
  // topic in a folder of its own (what `vigie produce` sends to each topic).
  std::map<std::string, File> files;
  std::map<std::string, File> topic_files;  // "tenant/topic"
  std::map<std::string, std::uint64_t> counts;
  std::map<std::string, std::uint64_t> topics;
  auto open = [&](const std::string& path, const demo::Establishment& e, std::string_view what) {
    File f(std::fopen(path.c_str(), "wb"));
    if (f) {
      // A comment first: hunt's and produce's auto-detection then read the file line by line,
      // even when its first record is an HL7 message (which would make them cut it as HL7).
      std::fprintf(f.get(),
                   "# Vigie demo traffic: %s (%s)%.*s, seed %llu%s. One record per line.\n",
                   e.name.c_str(), e.id.c_str(), static_cast<int>(what.size()), what.data(),
                   static_cast<unsigned long long>(t.seed), t.attacks ? "" : ", no attacks");
    } else {
      std::fprintf(stderr, "vigie demo-traffic: cannot write %s\n", path.c_str());
    }
    return f;
  };
  for (const demo::Establishment& e : t.establishments) {
    File f = open((fs::path(options.out) / (e.id + ".log")).string(), e, "");
    if (!f) return 1;
    files.emplace(e.id, std::move(f));
    std::error_code ec;
    fs::create_directories(fs::path(options.out) / e.id, ec);
    for (const char* topic : {"ad", "vpn", "ehr"}) {
      File g = open((fs::path(options.out) / e.id / (std::string(topic) + ".log")).string(), e,
                    std::string(", topic ") + topic);
      if (!g) return 1;
      topic_files.emplace(e.id + "/" + topic, std::move(g));
    }
  }
  demo::Record r;
  while (traffic.next(r)) {
    auto it = files.find(r.tenant);
    auto jt = topic_files.find(r.tenant + "/" + r.topic);
    if (it == files.end() || jt == topic_files.end()) continue;
    r.value += '\n';
    if (std::fwrite(r.value.data(), 1, r.value.size(), it->second.get()) != r.value.size() ||
        std::fwrite(r.value.data(), 1, r.value.size(), jt->second.get()) != r.value.size()) {
      std::fprintf(stderr, "vigie demo-traffic: write error in %s\n", options.out.c_str());
      return 1;
    }
    ++counts[r.tenant];
    ++topics[r.topic];
  }
  for (auto* group : {&files, &topic_files}) {
    for (auto& [id, f] : *group) {
      if (std::fflush(f.get()) != 0) {
        std::fprintf(stderr, "vigie demo-traffic: write error in %s\n", options.out.c_str());
        return 1;
      }
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::string json = "{\"seed\": " + std::to_string(t.seed) + ", \"start\": ";
  json::append_string(json, format_timestamp_ms(t.start_ms));
  json += ", \"end\": ";
  json::append_string(json, format_timestamp_ms(t.start_ms + t.span_ms));
  json += ", \"config\": ";
  json::append_string(json, fs::path(*config).filename().string());
  json += ",\n \"establishments\": [\n";
  for (std::size_t i = 0; i < t.establishments.size(); ++i) {
    const demo::Establishment& e = t.establishments[i];
    json += "    {\"id\": ";
    json::append_string(json, e.id);
    json += ", \"name\": ";
    json::append_string(json, e.name);
    json += ", \"input\": ";
    json::append_string(json, e.id + ".log");
    json += ", \"records\": " + std::to_string(counts[e.id]) + "}";
    json += i + 1 < t.establishments.size() ? ",\n" : "\n";
  }
  json += " ],\n \"stories\": [\n";
  const auto& stories = traffic.stories();
  for (std::size_t i = 0; i < stories.size(); ++i) {
    append_story(json, stories[i]);
    json += i + 1 < stories.size() ? ",\n" : "\n";
  }
  json += " ]}\n";
  const std::string stories_path = (fs::path(options.out) / "stories.json").string();
  File sf(std::fopen(stories_path.c_str(), "wb"));
  if (!sf || std::fwrite(json.data(), 1, json.size(), sf.get()) != json.size()) {
    std::fprintf(stderr, "vigie demo-traffic: cannot write %s\n", stories_path.c_str());
    return 1;
  }
  std::uint64_t total = 0;
  for (const auto& [id, n] : counts) total += n;
  std::fprintf(
      stderr,
      "vigie demo-traffic: %llu records (ad %llu, vpn %llu, ehr %llu) for %zu "
      "establishments, %zu stories, in %.2f s (%.0f records/s); config %s\n",
      static_cast<unsigned long long>(total), static_cast<unsigned long long>(topics["ad"]),
      static_cast<unsigned long long>(topics["vpn"]),
      static_cast<unsigned long long>(topics["ehr"]), t.establishments.size(), stories.size(), secs,
      secs > 0 ? static_cast<double>(total) / secs : 0.0, config->c_str());
  return 0;
}

}  // namespace vigie::app
