// Shared vocabulary of the Kafka module: client properties, message headers, the log handler, and
// topic creation. librdkafka stays inside src/kafka: no header of this module names its types.
//
// Logs: every librdkafka log line (and every client error event the module reports) goes through
// one process-wide handler. librdkafka calls it from its internal threads, concurrently: the
// handler must be thread-safe, quick, and must not call into this module. Log lines carry client
// names, brokers, topics, partitions, offsets and error names; the module never logs payloads,
// keys or header values (they may hold personal data).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace vigie::kafka {

// librdkafka configuration properties (name, value), applied in order after the module's defaults,
// so that they override them. Passed through unchanged: see librdkafka's CONFIGURATION.md.
using Properties = std::vector<std::pair<std::string, std::string>>;

// A Kafka record header. Kafka allows a name more than once; readers take the last one.
struct Header {
  std::string key;
  std::string value;
};

// A topic and a partition.
using TopicPartition = std::pair<std::string, std::int32_t>;

// Syslog severities, as librdkafka uses them.
enum class LogLevel : int {
  kEmergency = 0,
  kAlert = 1,
  kCritical = 2,
  kError = 3,
  kWarning = 4,
  kNotice = 5,
  kInfo = 6,
  kDebug = 7,
};

// `facility` is librdkafka's (e.g. "FAIL", "REQTMOUT"), or "ERROR" for a client error event;
// `message` names the client ("rdkafka#producer-1") and what happened.
using LogHandler =
    std::function<void(LogLevel level, std::string_view facility, std::string_view message)>;

// Replaces the handler for every client, existing ones included. An empty handler discards the
// logs. The default writes one line per log to stderr: "kafka: LEVEL FACILITY: MESSAGE". Which
// levels librdkafka emits is its `log_level` property (default 6, info; `debug` adds more).
// Thread-safe.
void set_log_handler(LogHandler handler);

// Creates each (topic, partition count) with the cluster's default replication factor through the
// admin API (CreateTopics), on a real cluster or a mock one; a topic that already exists is not an
// error. Waits at most 30 s for the cluster's answer. `props` are client properties (security
// settings, for a real cluster). Errors: kafka-config, kafka-client, kafka-admin (the message
// names the first topic that failed and librdkafka's error name).
Status create_topics(std::string_view bootstraps, const Properties& props,
                     const std::vector<std::pair<std::string, int>>& topics_partitions);

}  // namespace vigie::kafka
