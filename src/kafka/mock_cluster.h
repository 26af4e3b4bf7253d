// MockCluster: librdkafka's mock Kafka cluster (rdkafka_mock.h) running in this process, `brokers`
// brokers listening on 127.0.0.1 ephemeral ports. It speaks the Kafka protocol, so any client (in
// this process or another: `vigie mock-broker`) reaches it through bootstraps(). It supports
// produce (idempotent too), fetch, consumer groups with committed offsets, topic creation, broker
// outages and injected request errors; it keeps everything in memory and forgets it on
// destruction. For tests, the demo and local trials: never a production broker.
//
// Thread safety: the control calls may come from any thread; the brokers run on librdkafka's
// threads. Destroy every client of the cluster before the cluster (a client left behind keeps
// retrying a vanished broker).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace vigie::kafka {

class MockCluster {
 public:
  // Starts `brokers` (1..64) brokers, ids 1..brokers. Errors: kafka-mock, kafka-client.
  static Result<std::unique_ptr<MockCluster>> start(int brokers = 3);
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  // "127.0.0.1:PORT,127.0.0.1:PORT,...": the bootstrap.servers of a client.
  const std::string& bootstraps() const;
  int brokers() const { return brokers_; }

  // Creates `topic` with `partitions` partitions (leaders spread over the brokers) and
  // `replication` replicas (at most the broker count). An existing topic is an error (kafka-mock).
  // Topics a client asks for are otherwise auto-created with the mock's defaults.
  Status create_topic(std::string_view topic, int partitions, int replication = 1);

  // A broker down closes its connections and refuses new ones; up accepts them again. Leadership
  // does not move: partitions led by a down broker are unavailable until it is up. Ids 1..brokers.
  Status broker_down(int broker_id);
  Status broker_up(int broker_id);

  // The next errors.size() requests of ApiKey `api_key` (Produce 0, Fetch 1, ListOffsets 2,
  // Metadata 3, OffsetCommit 8, OffsetFetch 9, FindCoordinator 10, JoinGroup 11, Heartbeat 12,
  // SyncGroup 14, InitProducerId 22...), to whichever broker, fail with these Kafka error codes in
  // order (e.g. 6 NOT_LEADER_FOR_PARTITION, 7 REQUEST_TIMED_OUT); 0 lets a request through. A
  // failed request is not applied (a failed Produce appends nothing).
  Status push_request_errors(int api_key, const std::vector<int>& errors);

 private:
  struct Impl;
  explicit MockCluster(std::unique_ptr<Impl> impl, int brokers);
  std::unique_ptr<Impl> impl_;
  int brokers_ = 0;
};

}  // namespace vigie::kafka
