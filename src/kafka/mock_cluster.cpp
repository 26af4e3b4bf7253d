#include "kafka/mock_cluster.h"

#include <librdkafka/rdkafka.h>
// rdkafka_mock.h must follow rdkafka.h.
#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <mutex>
#include <utility>

#include "kafka/client.h"

namespace vigie::kafka {

namespace {

// The mock clusters alive in this process, for create_topics() (detail::create_mock_topics).
struct Entry {
  const MockCluster* owner;
  rd_kafka_mock_cluster_t* cluster;
  std::string bootstraps;
  int brokers;
};

struct Registry {
  std::mutex mu;
  std::vector<Entry> clusters;
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

struct MockCluster::Impl {
  rd_kafka_t* rk = nullptr;  // the handle the mock cluster needs for its bookkeeping
  rd_kafka_mock_cluster_t* cluster = nullptr;
  std::string bootstraps;

  ~Impl() {
    if (cluster != nullptr) rd_kafka_mock_cluster_destroy(cluster);
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
};

MockCluster::MockCluster(std::unique_ptr<Impl> impl, int brokers)
    : impl_(std::move(impl)), brokers_(brokers) {}

MockCluster::~MockCluster() {
  Registry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mu);
  r.clusters.erase(std::remove_if(r.clusters.begin(), r.clusters.end(),
                                  [this](const Entry& e) { return e.owner == this; }),
                   r.clusters.end());
}

Result<std::unique_ptr<MockCluster>> MockCluster::start(int brokers) {
  if (brokers < 1 || brokers > 64) {
    return Status::error("kafka-mock", "the broker count must be 1..64");
  }
  // The handle never connects anywhere: it only owns the cluster's threads. log_level 4: not its
  // notice that it has no bootstrap.servers.
  VIGIE_ASSIGN_OR_RETURN(detail::ConfPtr conf, detail::make_conf({{"log_level", "4"}}, {}));
  auto impl = std::make_unique<Impl>();
  VIGIE_ASSIGN_OR_RETURN(impl->rk, detail::make_client(RD_KAFKA_PRODUCER, std::move(conf)));
  impl->cluster = rd_kafka_mock_cluster_new(impl->rk, brokers);
  if (impl->cluster == nullptr) {
    return Status::error("kafka-mock", "cannot start the mock cluster (listeners on 127.0.0.1)");
  }
  impl->bootstraps = rd_kafka_mock_cluster_bootstraps(impl->cluster);
  std::unique_ptr<MockCluster> cluster(new MockCluster(std::move(impl), brokers));
  Registry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mu);
  r.clusters.push_back(
      {cluster.get(), cluster->impl_->cluster, cluster->impl_->bootstraps, brokers});
  return cluster;
}

const std::string& MockCluster::bootstraps() const { return impl_->bootstraps; }

Status MockCluster::create_topic(std::string_view topic, int partitions, int replication) {
  if (partitions < 1 || replication < 1 || replication > brokers_) {
    return Status::error("kafka-mock", "topic \"" + std::string(topic) +
                                           "\": partitions must be >= 1 and replication 1.." +
                                           std::to_string(brokers_));
  }
  const std::string name(topic);
  const rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(impl_->cluster, name.c_str(), partitions, replication);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return detail::error_status("kafka-mock", "topic \"" + name + "\"", err);
  }
  return Status::ok_status();
}

namespace {

Status check_broker(int broker_id, int brokers) {
  if (broker_id < 1 || broker_id > brokers) {
    return Status::error("kafka-mock", "no broker " + std::to_string(broker_id) + " (ids 1.." +
                                           std::to_string(brokers) + ")");
  }
  return Status::ok_status();
}

}  // namespace

Status MockCluster::broker_down(int broker_id) {
  VIGIE_RETURN_IF_ERROR(check_broker(broker_id, brokers_));
  const rd_kafka_resp_err_t err = rd_kafka_mock_broker_set_down(impl_->cluster, broker_id);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return detail::error_status("kafka-mock", "broker " + std::to_string(broker_id) + " down", err);
  }
  return Status::ok_status();
}

Status MockCluster::broker_up(int broker_id) {
  VIGIE_RETURN_IF_ERROR(check_broker(broker_id, brokers_));
  const rd_kafka_resp_err_t err = rd_kafka_mock_broker_set_up(impl_->cluster, broker_id);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return detail::error_status("kafka-mock", "broker " + std::to_string(broker_id) + " up", err);
  }
  return Status::ok_status();
}

Status MockCluster::push_request_errors(int api_key, const std::vector<int>& errors) {
  if (api_key < 0 || api_key > 0x7fff) {
    return Status::error("kafka-mock", "ApiKey " + std::to_string(api_key) + " out of range");
  }
  std::vector<rd_kafka_resp_err_t> codes;
  codes.reserve(errors.size());
  for (int e : errors) codes.push_back(static_cast<rd_kafka_resp_err_t>(e));
  rd_kafka_mock_push_request_errors_array(impl_->cluster, static_cast<std::int16_t>(api_key),
                                          codes.size(), codes.data());
  return Status::ok_status();
}

namespace detail {

std::optional<Status> create_mock_topics(
    std::string_view bootstraps,
    const std::vector<std::pair<std::string, int>>& topics_partitions) {
  Registry& r = registry();
  // Held throughout: the cluster cannot be destroyed while its topics are being created.
  const std::lock_guard<std::mutex> lock(r.mu);
  auto it = std::find_if(r.clusters.begin(), r.clusters.end(),
                         [&](const Entry& e) { return e.bootstraps == bootstraps; });
  if (it == r.clusters.end()) return std::nullopt;
  for (const auto& [name, partitions] : topics_partitions) {
    if (partitions < 1) {
      return Status::error("kafka-admin", "topic \"" + name + "\": partitions must be >= 1");
    }
    // The mock's default replication factor: all its brokers, at most 3.
    const rd_kafka_resp_err_t err =
        rd_kafka_mock_topic_create(it->cluster, name.c_str(), partitions, std::min(3, it->brokers));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      return error_status("kafka-admin", "topic \"" + name + "\"", err);
    }
  }
  return Status::ok_status();
}

}  // namespace detail

}  // namespace vigie::kafka
