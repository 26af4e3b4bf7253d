// simdjson On-Demand only materialises what is asked for, so this is close to the floor of what
// reading a Winlogbeat record can cost; stage 1 (structural indexing) still reads every byte.
#include "simdjson_baseline.h"

#include <simdjson.h>

#include <charconv>
#include <string_view>

namespace vigie::bench {

static_assert(simdjson::SIMDJSON_PADDING <= EventCorpus::kPadding,
              "EventCorpus must keep simdjson's padding after the last line");

struct SimdjsonBaseline::State {
  simdjson::ondemand::parser parser;
};

SimdjsonBaseline::SimdjsonBaseline() : state_(std::make_unique<State>()) {}
SimdjsonBaseline::~SimdjsonBaseline() = default;

namespace {

// Returns false when a required field is missing or the line is not valid JSON as far as read.
bool extract(simdjson::ondemand::parser& parser, const char* data, std::size_t len,
             std::size_t capacity, BaselineTotals& totals) {
  simdjson::ondemand::document doc;
  if (parser.iterate(data, len, capacity).get(doc) != simdjson::SUCCESS) return false;
  std::string_view timestamp, channel, computer, event_id_text;
  if (doc["@timestamp"].get_string().get(timestamp) != simdjson::SUCCESS) return false;
  simdjson::ondemand::object winlog;
  if (doc["winlog"].get_object().get(winlog) != simdjson::SUCCESS) return false;
  if (winlog["channel"].get_string().get(channel) != simdjson::SUCCESS) return false;
  if (winlog["computer_name"].get_string().get(computer) != simdjson::SUCCESS) return false;
  // Winlogbeat 8 writes event_id as a string ("4624"); older versions as a number.
  std::int64_t event_id = 0;
  simdjson::ondemand::value id_value;
  if (winlog["event_id"].get(id_value) != simdjson::SUCCESS) return false;
  simdjson::ondemand::json_type id_type;
  if (id_value.type().get(id_type) != simdjson::SUCCESS) return false;
  if (id_type == simdjson::ondemand::json_type::string) {
    if (id_value.get_string().get(event_id_text) != simdjson::SUCCESS) return false;
    const auto r = std::from_chars(event_id_text.data(),
                                   event_id_text.data() + event_id_text.size(), event_id);
    if (r.ec != std::errc()) return false;
  } else if (id_value.get_int64().get(event_id) != simdjson::SUCCESS) {
    return false;
  }
  simdjson::ondemand::object event_data;
  std::string_view text;
  if (winlog["event_data"].get_object().get(event_data) == simdjson::SUCCESS) {
    // One pass over event_data: take CommandLine, else TargetUserName.
    for (auto field : event_data) {
      simdjson::ondemand::raw_json_string key;
      if (field.key().get(key) != simdjson::SUCCESS) return false;
      const bool command_line = key == "CommandLine";
      if (command_line || (text.empty() && key == "TargetUserName")) {
        if (field.value().get_string().get(text) != simdjson::SUCCESS) return false;
        if (command_line) break;
      }
    }
  }
  if (!text.empty()) ++totals.with_text;
  totals.checksum += static_cast<std::uint64_t>(event_id) + timestamp.size() + channel.size() +
                     computer.size() + text.size() +
                     static_cast<unsigned char>(text.empty() ? 0 : text[0]);
  return true;
}

}  // namespace

BaselineTotals SimdjsonBaseline::run(const EventCorpus& corpus, std::size_t count) {
  BaselineTotals totals;
  for (std::size_t i = 0; i < count; ++i) {
    const std::string_view line = corpus.line(i);
    if (!extract(state_->parser, line.data(), line.size(), corpus.capacity(i), totals)) {
      ++totals.errors;
    }
    ++totals.events;
  }
  return totals;
}

std::string SimdjsonBaseline::describe() {
  return "simdjson " + std::to_string(simdjson::SIMDJSON_VERSION_MAJOR) + '.' +
         std::to_string(simdjson::SIMDJSON_VERSION_MINOR) + '.' +
         std::to_string(simdjson::SIMDJSON_VERSION_REVISION) + " (" +
         simdjson::get_active_implementation()->name() + ")";
}

}  // namespace vigie::bench
