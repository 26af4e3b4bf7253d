// Helpers for correlation tests: load rules and correlations from YAML text, feed flat JSON
// events through the reader, the matcher and a correlation Engine, collect the alerts.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "common/timestamp.h"
#include "correlate/engine.h"
#include "correlate/load.h"
#include "event/json_reader.h"

namespace vigie::testing {

// Milliseconds of 2024-03-01T10:00:00Z, the origin of test event times.
inline std::int64_t t0() { return *parse_timestamp_ms("2024-03-01T10:00:00Z"); }

// Loads `yaml` (rules and correlations, multi-document) the way `vigie hunt` does, with the
// tenant field "tenant". The text is written to a temporary file so that diagnostics carry a
// file name and every loader path is the real one.
inline correlate::LoadedDetection load_yaml(const std::string& yaml) {
  static std::atomic<int> counter{0};
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("vigie_corr_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::create_directories(dir);
  std::filesystem::path file = dir / "rules.yml";
  std::ofstream(file) << yaml;
  correlate::LoadedDetection d = correlate::load_detection({{file.string()}, "", {}, {"tenant"}});
  std::filesystem::remove_all(dir);
  return d;
}

// A single-event rule without logsource that matches events whose `action` field is `action`.
inline std::string base_rule(const std::string& name, const std::string& action,
                             const std::string& id) {
  return "---\ntitle: " + name + "\nid: " + id + "\nname: " + name +
         "\nlogsource: {}\ndetection:\n  sel:\n    action: " + action +
         "\n  condition: sel\nlevel: low\n";
}

// Feeds events through reader, matcher and engine; the reference of an event is its 1-based
// position in the feed.
class Feed {
 public:
  explicit Feed(const correlate::LoadedDetection& d, correlate::EngineOptions options = {})
      : rules_(d.rules),
        reader_(d.rules->fields(), {}),
        matcher_(d.rules),
        engine_(d.correlations, options),
        tenant_(*d.rules->fields().find("tenant")) {}

  // `fields` is the inside of a JSON object without braces; `seconds` is added to t0().
  void event(double seconds, const std::string& fields) {
    std::int64_t ms = t0() + static_cast<std::int64_t>(seconds * 1000);
    std::string json = "{\"@timestamp\":\"" + format_timestamp_ms(ms) + "\"";
    if (!fields.empty()) json += "," + fields;
    json += "}";
    raw(json);
  }
  void raw(const std::string& json) {
    ++count_;
    Status s = reader_.read(json, event::InputFormat::kFlat, ev_);
    ASSERT_TRUE(s.ok()) << s.to_string();
    if (const event::Value* t = ev_.get(tenant_); t != nullptr) ev_.tenant = t->text;
    auto matched = matcher_.match(ev_);
    engine_.process(ev_, count_, matched, alerts_);
  }
  void flush() { engine_.flush(alerts_); }

  std::vector<correlate::Alert>& alerts() { return alerts_; }
  correlate::Engine& engine() { return engine_; }
  std::uint64_t count() const { return count_; }
  // Continues the references of another feed (a restored engine picks up where it stopped).
  void continue_count(std::uint64_t count) { count_ = count; }

 private:
  std::shared_ptr<const match::RuleSet> rules_;
  event::JsonReader reader_;
  match::Matcher matcher_;
  correlate::Engine engine_;
  event::FieldId tenant_;
  event::Event ev_;
  std::vector<correlate::Alert> alerts_;
  std::uint64_t count_ = 0;
};

}  // namespace vigie::testing
