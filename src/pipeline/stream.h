// StreamProcessor: `vigie run`, the main job. Consumes the routed Kafka topics in a consumer
// group, decodes, enriches, detects and correlates each record, and stores alerts, correlation
// state and consumed offsets in ONE RocksDB write batch per micro-batch.
//
// Nothing lost, nothing doubled:
// - On assignment, a partition resumes from the offset stored in the store (not Kafka's committed
//   offset, which is written asynchronously for lag monitoring only).
// - A micro-batch's alerts, the correlation state it leaves and the next offsets of its
//   partitions are one atomic write. A crash between two writes replays the records after the
//   last one from the state that goes with them: the same alerts again, with the same
//   content-derived ids, which the store does not store twice.
// - Dead letters of a batch are delivered (producer flush) before its offsets are written: at
//   least once; their headers (source topic, partition, offset) identify them.
// - A store write error stops the processor without advancing offsets.
//
// Threads: one thread polls Kafka and hands records to `processing.workers` worker threads.
// Partitions are grouped into tasks by partition number (partition N of every routed topic: the
// co-partitioning that keeps an entity's VPN, AD and EHR events together when producers key them
// by entity); a task belongs to one worker, so a partition's order is kept, and each task has its
// own correlation engine. Worker queues are bounded: a burst blocks polling, not memory.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "config/config.h"

namespace vigie::observe {
class Logger;
class Registry;
}  // namespace vigie::observe

namespace vigie::store {
class Store;
}

namespace vigie::pipeline {

struct StreamStats {
  std::uint64_t records = 0;   // consumed
  std::uint64_t rejected = 0;  // records or inner records that gave no event
  std::uint64_t events = 0;    // decoded events
  std::uint64_t alerts = 0;    // alerts newly stored
  std::uint64_t batches = 0;   // store commits
};

// Every problem of the configuration for `vigie run` (Kafka cluster named, routes and their
// formats, rules that load without error, a store path), without connecting to anything: what
// `vigie run --check` prints. Warnings (directory rows, no GeoIP) go to `warnings`.
std::vector<std::string> check_stream_config(const config::Config& config,
                                             std::vector<std::string>& warnings);

class StreamProcessor {
 public:
  // Builds everything the configuration describes (deployment, rules, store, Kafka clients) and
  // reports every problem, as `vigie run --check` shows them. `store` may be given (the demo
  // reads it while the processor runs); else it is opened from config.store_path.
  // `stop_at_end`: run() will be called with it (it needs end-of-partition events).
  static Result<std::unique_ptr<StreamProcessor>> create(const config::Config& config,
                                                         observe::Logger& log,
                                                         observe::Registry& metrics,
                                                         std::shared_ptr<store::Store> store = {},
                                                         bool stop_at_end = false);
  ~StreamProcessor();

  // Consumes until `stop` becomes true (then drains: finishes the queued records, writes them and
  // leaves the group within processing.drain_timeout) or a fatal error (returned). While it runs,
  // setting `reload` makes it reload rules and directories at the next batch boundary.
  // `stop_at_end` (batch reprocessing, tests): also drain and stop once every assigned partition
  // has been read to its end and nothing new arrived for 2 s.
  Status run(const std::atomic<bool>& stop, std::atomic<bool>& reload, bool stop_at_end = false);

  StreamStats stats() const;
  // Ready: assigned partitions and consuming. Healthy: no fatal error.
  bool ready() const;
  bool healthy() const;

  class Impl;

 private:
  explicit StreamProcessor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigie::pipeline
