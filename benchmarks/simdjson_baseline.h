// The detection benchmark's baseline: "just parsing the JSON" with simdjson On-Demand.
//
// Each line is parsed in place (EventCorpus keeps simdjson's padding after the last line) and five
// fields are extracted: @timestamp, winlog.channel, winlog.computer_name, winlog.event_id (as an
// integer) and winlog.event_data.CommandLine or, failing that, TargetUserName. That is the least a
// detector must do per event, so the engine's throughput is read relative to it.
//
// Not thread-safe: one SimdjsonBaseline per thread (it owns a simdjson parser).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "event_generator.h"

namespace vigie::bench {

struct BaselineTotals {
  std::size_t events = 0;
  std::size_t errors = 0;      // lines that failed to parse or lack a required field
  std::size_t with_text = 0;   // lines with CommandLine or TargetUserName
  std::uint64_t checksum = 0;  // folds every extracted value, so the work cannot be elided
};

class SimdjsonBaseline {
 public:
  SimdjsonBaseline();
  ~SimdjsonBaseline();
  SimdjsonBaseline(const SimdjsonBaseline&) = delete;
  SimdjsonBaseline& operator=(const SimdjsonBaseline&) = delete;

  // Parses lines [0, count) of `corpus` (count <= corpus.size()).
  BaselineTotals run(const EventCorpus& corpus, std::size_t count);

  // simdjson's version and the kernel it picked for this CPU ("haswell", "icelake"...).
  static std::string describe();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace vigie::bench
