// `vigie produce`: each record of a log file as one Kafka message, split as `vigie hunt` splits
// its input (record_input.h), so that a multi-line Windows XML event or an HL7 message is one
// message. Never prints a record: only where (line) and why.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/line_reader.h"
#include "event/json_tree.h"
#include "kafka/kafka.h"
#include "kafka/producer.h"
#include "kafka_commands.h"
#include "record_input.h"

namespace vigie::app {
namespace {

// "K=V" -> (K, V); K non-empty, V may be empty or hold '='.
bool split_pair(const std::string& spec, std::string& key, std::string& value) {
  const std::size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  key = spec.substr(0, eq);
  value = spec.substr(eq + 1);
  return true;
}

// The value of `field` in a JSON record: a top-level member of that name, else a dotted path
// through nested objects ("winlog.event_data.TargetUserName"). Strings unescaped, numbers and
// booleans as written; nullopt when absent, null, an object or an array, or not JSON at all.
std::optional<std::string_view> key_of(event::JsonTree& tree, std::string_view record,
                                       std::string_view field) {
  if (!tree.parse(record).ok()) return std::nullopt;
  const event::JsonNode* node = tree.child(tree.root(), field);
  if (node == nullptr && field.find('.') != std::string_view::npos) {
    node = &tree.root();
    std::string_view rest = field;
    while (node != nullptr && !rest.empty()) {
      const std::size_t dot = rest.find('.');
      node = tree.child(*node, rest.substr(0, dot));
      rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    }
  }
  if (node == nullptr) return std::nullopt;
  switch (node->type) {
    case event::JsonType::kString:
    case event::JsonType::kNumber:
    case event::JsonType::kBool:
      return node->text;
    default:
      return std::nullopt;
  }
}

}  // namespace

int produce(const ProduceOptions& options) {
  std::vector<kafka::Header> headers;
  for (const std::string& spec : options.headers) {
    kafka::Header h;
    if (!split_pair(spec, h.key, h.value)) {
      std::fprintf(stderr, "vigie produce: --header %s: expected K=V\n", spec.c_str());
      return 2;
    }
    headers.push_back(std::move(h));
  }
  // A delivery that cannot happen fails after 30 s rather than librdkafka's 300 s default (a
  // --property message.timeout.ms=... given after it wins).
  kafka::Properties props = {{"message.timeout.ms", "30000"}};
  for (const std::string& spec : options.properties) {
    std::string key;
    std::string value;
    if (!split_pair(spec, key, value)) {
      std::fprintf(stderr, "vigie produce: --property: expected K=V\n");  // may be a secret
      return 2;
    }
    props.emplace_back(std::move(key), std::move(value));
  }

  int fd = 0;
  if (options.input != "-") {
    fd = ::open(options.input.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      std::fprintf(stderr, "vigie produce: cannot open %s: %s\n", options.input.c_str(),
                   std::strerror(errno));
      return 2;
    }
  }
  struct FdCloser {
    int fd;
    ~FdCloser() {
      if (fd > 0) ::close(fd);
    }
  } closer{fd};
  const std::string input_name = options.input == "-" ? "<stdin>" : options.input;

  auto producer = kafka::Producer::create(options.bootstrap, props);
  if (!producer.ok()) {
    std::fprintf(stderr, "vigie produce: %s\n", producer.status().to_string().c_str());
    return 2;
  }
  kafka::Producer& p = **producer;

  RecordInput records(fd, options.max_line_bytes, framing_for_format(options.format));
  event::JsonTree tree(event::JsonTreeOptions{.max_bytes = options.max_line_bytes});
  std::uint64_t sent = 0;
  std::uint64_t not_sent = 0;  // rejected by the framing, or refused by the producer
  std::uint64_t keyless = 0;   // --key-field absent from the record
  bool stop = false;
  std::string_view record;
  while (!stop) {
    const RecordInput::Status st = records.next(record);
    if (st == RecordInput::Status::kEnd) break;
    const long long line = static_cast<long long>(records.line_number());
    switch (st) {
      case RecordInput::Status::kError:
        std::fprintf(stderr, "vigie produce: read error on %s after line %lld: %s\n",
                     input_name.c_str(), line, std::strerror(errno));
        ++not_sent;
        stop = true;
        continue;
      case RecordInput::Status::kMalformed:
        ++not_sent;
        std::fprintf(stderr, "%s:%lld: not sent [%.*s] %.*s\n", input_name.c_str(), line,
                     static_cast<int>(records.error().size()), records.error().data(),
                     static_cast<int>(records.malformed_what().size()),
                     records.malformed_what().data());
        continue;
      case RecordInput::Status::kOversized:
        ++not_sent;
        std::fprintf(stderr,
                     "%s:%lld: not sent [oversized] record of %zu bytes exceeds --max-line-bytes "
                     "%zu\n",
                     input_name.c_str(), line, records.oversized_bytes(), options.max_line_bytes);
        continue;
      default:
        break;
    }
    if (is_blank_or_comment(record)) continue;
    std::string_view key = options.key;
    if (!options.key_field.empty()) {
      const std::optional<std::string_view> k = key_of(tree, record, options.key_field);
      key = k.value_or(std::string_view());
      if (!k || k->empty()) ++keyless;
    }
    const Status s = p.produce(options.topic, key, record, headers);
    if (s.ok()) {
      ++sent;
      continue;
    }
    ++not_sent;
    std::fprintf(stderr, "%s:%lld: not sent [%s] %s\n", input_name.c_str(), line, s.code().c_str(),
                 s.message().c_str());
    if (s.code() == "kafka-fatal") stop = true;
  }

  const Status flushed = p.flush(-1);
  std::fprintf(stderr, "produced %llu records to %s\n",
               static_cast<unsigned long long>(p.delivered()), options.topic.c_str());
  if (keyless > 0) {
    std::fprintf(stderr, "vigie produce: %llu records without a %s value, sent without key\n",
                 static_cast<unsigned long long>(keyless), options.key_field.c_str());
  }
  if (!flushed.ok()) std::fprintf(stderr, "vigie produce: %s\n", flushed.to_string().c_str());
  const std::uint64_t undelivered = sent - std::min(sent, p.delivered()) + not_sent;
  if (undelivered > 0) {
    std::fprintf(stderr, "vigie produce: %llu records not delivered\n",
                 static_cast<unsigned long long>(undelivered));
    return 1;
  }
  return flushed.ok() ? 0 : 1;
}

}  // namespace vigie::app
