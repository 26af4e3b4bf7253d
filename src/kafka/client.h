// PRIVATE to src/kafka: the librdkafka plumbing the module's sources share (configuration,
// logging, error statuses, partition lists). No header outside src/kafka may include it.
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "kafka/kafka.h"

namespace vigie::kafka::detail {

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

struct ListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
using ListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter>;

struct ErrorDeleter {
  void operator()(rd_kafka_error_t* error) const { rd_kafka_error_destroy(error); }
};
using ErrorPtr = std::unique_ptr<rd_kafka_error_t, ErrorDeleter>;

// A configuration with the module's log callback, `defaults` then `props` applied in order (so
// props override). kafka-config names the property, never a value (it may be a password).
Result<ConfPtr> make_conf(const Properties& defaults, const Properties& props);

// Creates a client of `type` from `conf` (taken over, also on failure). kafka-client on failure.
Result<rd_kafka_t*> make_client(rd_kafka_type_t type, ConfPtr conf);

// Sends one line to the current log handler (no-op without one). Safe from any thread.
void log(LogLevel level, std::string_view facility, std::string_view message);

// "code: what: ERR_NAME (description)".
Status error_status(std::string code, std::string_view what, rd_kafka_resp_err_t err);

// A list of (topic, partition) for librdkafka.
ListPtr to_list(const std::vector<TopicPartition>& tps);
// The (topic, partition) pairs of a list.
std::vector<TopicPartition> from_list(const rd_kafka_topic_partition_list_t* list);

// create_topics() for a MockCluster of this process (found by its bootstraps): librdkafka 2.0's
// mock cluster implements no CreateTopics, so its own API creates them. nullopt when no mock
// cluster of this process has these bootstraps.
std::optional<Status> create_mock_topics(
    std::string_view bootstraps, const std::vector<std::pair<std::string, int>>& topics_partitions);

}  // namespace vigie::kafka::detail
