// The Kafka subcommands of the `vigie` binary (docs/kafka.md). Each returns the process exit
// status: 0 success, 1 the command's own failure, 2 bad usage.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace vigie::app {

struct MockBrokerOptions {
  int brokers = 3;
  std::vector<std::string> topics;  // NAME:PARTITIONS
  std::string port_file;  // also write the bootstrap list there (written whole, atomically)
};
// Starts librdkafka's mock cluster on loopback, creates the topics, prints
// "bootstrap.servers=HOST:PORT,..." on stdout and serves until SIGINT or SIGTERM (then exits 0).
int mock_broker(const MockBrokerOptions& options);

struct ProduceOptions {
  std::string bootstrap;
  std::string topic;
  std::string input;                    // file or "-"
  std::string key_field;                // JSON records: the key is this field's value
  std::string key;                      // or this key for every record
  std::vector<std::string> headers;     // K=V, on every message
  std::vector<std::string> properties;  // K=V, librdkafka producer properties
  std::string format = "auto";          // as `vigie hunt --format`: picks the framing
  std::size_t max_line_bytes = 1 << 20;
};
// Sends each record of the input as one Kafka message, records split as `vigie hunt` splits them.
// Exit status 1 if any record was not delivered (or could not be read).
int produce(const ProduceOptions& options);

}  // namespace vigie::app
