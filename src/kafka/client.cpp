#include "kafka/client.h"

#include <array>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <optional>
#include <utility>

namespace vigie::kafka {
namespace {

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kEmergency:
      return "EMERG";
    case LogLevel::kAlert:
      return "ALERT";
    case LogLevel::kCritical:
      return "CRIT";
    case LogLevel::kError:
      return "ERROR";
    case LogLevel::kWarning:
      return "WARNING";
    case LogLevel::kNotice:
      return "NOTICE";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kDebug:
      return "DEBUG";
  }
  return "?";
}

void stderr_handler(LogLevel level, std::string_view facility, std::string_view message) {
  const std::string_view name = level_name(level);
  std::fprintf(stderr, "kafka: %.*s %.*s: %.*s\n", static_cast<int>(name.size()), name.data(),
               static_cast<int>(facility.size()), facility.data(), static_cast<int>(message.size()),
               message.data());
}

// The handler is copied out under the lock and called outside it: a slow handler does not
// serialise librdkafka's threads on this mutex, and a handler may be replaced while one runs.
struct HandlerSlot {
  std::mutex mu;
  std::shared_ptr<const LogHandler> handler = std::make_shared<const LogHandler>(stderr_handler);
};

HandlerSlot& slot() {
  // Deliberately never destroyed: a client destroyed during static destruction (or a librdkafka
  // thread still running at exit) may log after this object would be gone.
  static HandlerSlot* s = new HandlerSlot();
  return *s;
}

void log_cb(const rd_kafka_t* /*rk*/, int level, const char* fac, const char* buf) {
  // A Kafka callback: nothing may escape it as an exception.
  try {
    const int clamped = level < 0 ? 0 : (level > 7 ? 7 : level);
    detail::log(static_cast<LogLevel>(clamped), fac != nullptr ? fac : "",
                buf != nullptr ? buf : "");
  } catch (...) {  // NOLINT(bugprone-empty-catch): a log line is not worth a crash
  }
}

}  // namespace

void set_log_handler(LogHandler handler) {
  auto next = handler ? std::make_shared<const LogHandler>(std::move(handler)) : nullptr;
  HandlerSlot& s = slot();
  const std::lock_guard<std::mutex> lock(s.mu);
  s.handler = std::move(next);
}

namespace detail {

void log(LogLevel level, std::string_view facility, std::string_view message) {
  std::shared_ptr<const LogHandler> handler;
  {
    HandlerSlot& s = slot();
    const std::lock_guard<std::mutex> lock(s.mu);
    handler = s.handler;
  }
  if (handler) (*handler)(level, facility, message);
}

Status error_status(std::string code, std::string_view what, rd_kafka_resp_err_t err) {
  std::string message(what);
  message += ": ";
  message += rd_kafka_err2name(err);
  message += " (";
  message += rd_kafka_err2str(err);
  message += ")";
  return Status::error(std::move(code), std::move(message));
}

Result<ConfPtr> make_conf(const Properties& defaults, const Properties& props) {
  ConfPtr conf(rd_kafka_conf_new());
  rd_kafka_conf_set_log_cb(conf.get(), log_cb);
  std::array<char, 512> errstr{};
  for (const Properties* list : {&defaults, &props}) {
    for (const auto& [name, value] : *list) {
      const rd_kafka_conf_res_t res =
          rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), errstr.data(), errstr.size());
      if (res == RD_KAFKA_CONF_UNKNOWN) {
        return Status::error("kafka-config", "unknown property \"" + name + "\"");
      }
      if (res != RD_KAFKA_CONF_OK) {
        // librdkafka's message quotes the value: left out, a value may be a password.
        return Status::error("kafka-config", "invalid value for property \"" + name + "\"");
      }
    }
  }
  return conf;
}

Result<rd_kafka_t*> make_client(rd_kafka_type_t type, ConfPtr conf) {
  std::array<char, 512> errstr{};
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), errstr.data(), errstr.size());
  if (rk == nullptr) {
    // Configuration conflicts (e.g. enable.idempotence with acks=1) are reported here; the
    // message names properties, not their values.
    return Status::error("kafka-client", std::string("cannot create the client: ") + errstr.data());
  }
  (void)conf.release();  // owned by rk now
  return rk;
}

ListPtr to_list(const std::vector<TopicPartition>& tps) {
  ListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(tps.size())));
  for (const auto& [topic, partition] : tps) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition);
  }
  return list;
}

std::vector<TopicPartition> from_list(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartition> out;
  if (list == nullptr) return out;
  out.reserve(static_cast<std::size_t>(list->cnt));
  for (int i = 0; i < list->cnt; ++i) {
    out.emplace_back(list->elems[i].topic, list->elems[i].partition);
  }
  return out;
}

}  // namespace detail

Status create_topics(std::string_view bootstraps, const Properties& props,
                     const std::vector<std::pair<std::string, int>>& topics_partitions) {
  if (topics_partitions.empty()) return Status::ok_status();
  if (std::optional<Status> mock = detail::create_mock_topics(bootstraps, topics_partitions)) {
    return *mock;
  }
  VIGIE_ASSIGN_OR_RETURN(
      detail::ConfPtr conf,
      detail::make_conf({{"bootstrap.servers", std::string(bootstraps)}}, props));
  VIGIE_ASSIGN_OR_RETURN(rd_kafka_t * rk, detail::make_client(RD_KAFKA_PRODUCER, std::move(conf)));
  struct Cleanup {
    rd_kafka_t* rk;
    rd_kafka_queue_t* queue = nullptr;
    rd_kafka_AdminOptions_t* options = nullptr;
    std::vector<rd_kafka_NewTopic_t*> topics;
    ~Cleanup() {
      if (!topics.empty()) rd_kafka_NewTopic_destroy_array(topics.data(), topics.size());
      if (options != nullptr) rd_kafka_AdminOptions_destroy(options);
      if (queue != nullptr) rd_kafka_queue_destroy(queue);
      rd_kafka_destroy(rk);
    }
  } c{rk};

  std::array<char, 512> errstr{};
  for (const auto& [name, partitions] : topics_partitions) {
    rd_kafka_NewTopic_t* t =
        rd_kafka_NewTopic_new(name.c_str(), partitions, -1, errstr.data(), errstr.size());
    if (t == nullptr) {
      return Status::error("kafka-admin", "topic \"" + name + "\": " + std::string(errstr.data()));
    }
    c.topics.push_back(t);
  }
  constexpr int kTimeoutMs = 30000;
  c.options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  (void)rd_kafka_AdminOptions_set_request_timeout(c.options, kTimeoutMs, errstr.data(),
                                                  errstr.size());
  (void)rd_kafka_AdminOptions_set_operation_timeout(c.options, kTimeoutMs, errstr.data(),
                                                    errstr.size());
  // CreateTopics goes to the controller. A cluster whose metadata names no controller among its
  // brokers (librdkafka 2.0's mock cluster says 0) would leave the request waiting for one until
  // the timeout: send it to a broker instead, which then says whether it supports it.
  const std::int32_t controller = rd_kafka_controllerid(rk, 10000);
  const rd_kafka_metadata_t* md = nullptr;
  if (rd_kafka_metadata(rk, 0, nullptr, &md, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    bool known = false;
    for (int i = 0; i < md->broker_cnt; ++i) known = known || md->brokers[i].id == controller;
    if (!known && md->broker_cnt > 0) {
      (void)rd_kafka_AdminOptions_set_broker(c.options, md->brokers[0].id, errstr.data(),
                                             errstr.size());
    }
    rd_kafka_metadata_destroy(md);
  } else {
    return Status::error("kafka-admin",
                         "no cluster metadata within 10 s from " + std::string(bootstraps));
  }
  c.queue = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, c.topics.data(), c.topics.size(), c.options, c.queue);

  // A little longer than the request timeout: librdkafka's own timeout error comes first.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kTimeoutMs + 5000);
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      return Status::error("kafka-admin", "no answer to CreateTopics within 30 s");
    }
    rd_kafka_event_t* ev = rd_kafka_queue_poll(c.queue, static_cast<int>(left));
    if (ev == nullptr) continue;
    struct EventGuard {
      rd_kafka_event_t* ev;
      ~EventGuard() { rd_kafka_event_destroy(ev); }
    } guard{ev};
    if (rd_kafka_event_type(ev) != RD_KAFKA_EVENT_CREATETOPICS_RESULT) continue;
    if (const rd_kafka_resp_err_t err = rd_kafka_event_error(ev);
        err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (err == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE) {
        return Status::error("kafka-admin",
                             "the cluster does not implement CreateTopics (librdkafka 2.0's mock "
                             "cluster, e.g. `vigie mock-broker`, does not: create its topics "
                             "with `vigie mock-broker --topic NAME:PARTITIONS`)");
      }
      return detail::error_status("kafka-admin", "CreateTopics", err);
    }
    const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(ev);
    std::size_t count = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(result, &count);
    for (std::size_t i = 0; i < count; ++i) {
      const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        continue;
      }
      return detail::error_status(
          "kafka-admin", "topic \"" + std::string(rd_kafka_topic_result_name(results[i])) + "\"",
          err);
    }
    return Status::ok_status();
  }
}

}  // namespace vigie::kafka
