#include "kafka/consumer.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <utility>

#include "kafka/client.h"

namespace vigie::kafka {

RebalanceListener::~RebalanceListener() = default;

std::optional<std::string_view> Message::header(std::string_view name) const {
  auto* msg = static_cast<rd_kafka_message_t*>(native_);
  if (msg == nullptr) return std::nullopt;
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(msg, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR || hdrs == nullptr) {
    return std::nullopt;
  }
  // Walk them all (the last one of a name wins) rather than rd_kafka_header_get_last(), which
  // needs a NUL-terminated name, i.e. a copy.
  std::optional<std::string_view> found;
  const char* hname = nullptr;
  const void* value = nullptr;
  std::size_t size = 0;
  for (std::size_t i = 0;
       rd_kafka_header_get_all(hdrs, i, &hname, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
    if (hname != nullptr && name == hname) {
      found = value == nullptr ? std::string_view()
                               : std::string_view(static_cast<const char*>(value), size);
    }
  }
  return found;
}

namespace detail {

struct ConsumerImpl {
  rd_kafka_t* rk = nullptr;
  RebalanceListener* listener = nullptr;
  std::vector<rd_kafka_message_t*> held;  // the messages of the last batch, out[i] is held[i]
  std::atomic<bool> closed{false};        // read by lag() and assignment() from any thread
  // Set by the rebalance callback, read by poll_batch()/close() on the same (polling) thread.
  Status listener_error;
  Status assign_error;
  std::vector<TopicPartition> revoked;  // during the current poll_batch(): drop their messages

  std::atomic<std::uint64_t> errors{0};
  std::atomic<std::uint64_t> eofs{0};
  std::atomic<std::uint64_t> commit_failures{0};
  std::atomic<std::uint64_t> rebalances{0};

  ~ConsumerImpl() {
    release();
    if (rk != nullptr) rd_kafka_destroy(rk);
  }

  void release() {
    for (rd_kafka_message_t* m : held) rd_kafka_message_destroy(m);
    held.clear();
  }

  Status fatal_status() const {
    std::array<char, 512> errstr{};
    const rd_kafka_resp_err_t err = rd_kafka_fatal_error(rk, errstr.data(), errstr.size());
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::ok_status();
    return error_status("kafka-fatal", "the consumer raised a fatal error", err);
  }

  bool cooperative() const {
    const char* protocol = rd_kafka_rebalance_protocol(rk);
    return protocol != nullptr && std::strcmp(protocol, "COOPERATIVE") == 0;
  }

  void set_assign_error(std::string_view what, rd_kafka_resp_err_t err) {
    log(LogLevel::kError, "REBALANCE",
        std::string(what) + ": " + rd_kafka_err2name(err) + " (" + rd_kafka_err2str(err) + ")");
    if (assign_error.ok()) assign_error = error_status("kafka-assign", what, err);
  }

  void set_listener_error(std::string message) {
    log(LogLevel::kError, "REBALANCE", message);
    if (listener_error.ok()) listener_error = Status::error("kafka-listener", std::move(message));
  }

  void assign(rd_kafka_topic_partition_list_t* parts) {
    if (cooperative()) {
      ErrorPtr error(rd_kafka_incremental_assign(rk, parts));
      if (error) set_assign_error("incremental assign", rd_kafka_error_code(error.get()));
    } else if (const rd_kafka_resp_err_t err = rd_kafka_assign(rk, parts);
               err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      set_assign_error("assign", err);
    }
  }

  void on_assign(rd_kafka_topic_partition_list_t* parts) {
    const std::vector<TopicPartition> tps = from_list(parts);
    bool listener_failed = false;
    if (listener != nullptr && !tps.empty()) {
      try {
        const std::vector<std::optional<std::int64_t>> offsets = listener->on_assigned(tps);
        // The start offsets go into the list given to assign: the documented way to start a
        // partition somewhere else than at the committed offset.
        const std::size_t n = std::min(offsets.size(), tps.size());
        for (std::size_t i = 0; i < n; ++i) {
          if (offsets[i]) parts->elems[i].offset = *offsets[i];
        }
      } catch (...) {
        listener_failed = true;
        set_listener_error("the rebalance listener's on_assigned threw; " +
                           std::to_string(tps.size()) + " partition(s) assigned but paused");
      }
    }
    assign(parts);
    if (tps.empty()) return;
    // A partition paused before it was revoked would stay paused when assigned again: an explicit
    // state per assignment instead (paused only when the listener could not set it up).
    if (listener_failed) {
      (void)rd_kafka_pause_partitions(rk, parts);
    } else {
      (void)rd_kafka_resume_partitions(rk, parts);
    }
  }

  void on_revoke(rd_kafka_topic_partition_list_t* parts, bool lost) {
    const std::vector<TopicPartition> tps = from_list(parts);
    revoked.insert(revoked.end(), tps.begin(), tps.end());
    if (listener != nullptr && !tps.empty()) {
      try {
        listener->on_revoked(tps, lost);
      } catch (...) {
        set_listener_error("the rebalance listener's on_revoked threw; " +
                           std::to_string(tps.size()) + " partition(s) revoked anyway");
      }
    }
    if (cooperative()) {
      ErrorPtr error(rd_kafka_incremental_unassign(rk, parts));
      if (error) set_assign_error("incremental unassign", rd_kafka_error_code(error.get()));
    } else if (const rd_kafka_resp_err_t err = rd_kafka_assign(rk, nullptr);
               err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      set_assign_error("unassign", err);
    }
  }

  void on_rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts) {
    rebalances.fetch_add(1, std::memory_order_relaxed);
    switch (err) {
      case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
        on_assign(parts);
        return;
      case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
        on_revoke(parts, rd_kafka_assignment_lost(rk) != 0);
        return;
      default: {
        // A rebalance failure (e.g. the assignor failed): whatever was assigned is gone; the
        // listener hears it as lost, and librdkafka's state is reset as its documentation asks.
        errors.fetch_add(1, std::memory_order_relaxed);
        log(LogLevel::kError, "REBALANCE",
            std::string("rebalance failed: ") + rd_kafka_err2name(err) + "; assignment dropped");
        rd_kafka_topic_partition_list_t* current = nullptr;
        if (rd_kafka_assignment(rk, &current) == RD_KAFKA_RESP_ERR_NO_ERROR) {
          const ListPtr owned(current);
          const std::vector<TopicPartition> tps = from_list(current);
          revoked.insert(revoked.end(), tps.begin(), tps.end());
          if (listener != nullptr && !tps.empty()) {
            try {
              listener->on_revoked(tps, true);
            } catch (...) {
              set_listener_error("the rebalance listener's on_revoked threw");
            }
          }
        }
        (void)rd_kafka_assign(rk, nullptr);
        return;
      }
    }
  }

  // Drops from the batch being built the messages of partitions revoked during it.
  void drop_revoked(std::vector<Message>& out) {
    if (revoked.empty()) return;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
      const bool gone = std::any_of(revoked.begin(), revoked.end(), [&](const TopicPartition& tp) {
        return tp.second == out[i].partition && tp.first == out[i].topic;
      });
      if (gone) {
        rd_kafka_message_destroy(held[i]);
        continue;
      }
      out[kept] = out[i];
      held[kept] = held[i];
      ++kept;
    }
    out.resize(kept);
    held.resize(kept);
    revoked.clear();
  }

  static Message view(rd_kafka_message_t* msg) {
    Message m;
    m.topic = rd_kafka_topic_name(msg->rkt);
    m.partition = msg->partition;
    m.offset = msg->offset;
    if (msg->key != nullptr)
      m.key = std::string_view(static_cast<const char*>(msg->key), msg->key_len);
    if (msg->payload != nullptr) {
      m.value = std::string_view(static_cast<const char*>(msg->payload), msg->len);
    }
    rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    const std::int64_t ts = rd_kafka_message_timestamp(msg, &type);
    m.timestamp_ms = type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? -1 : ts;
    m.native_ = msg;
    return m;
  }

  // A message that carries an error instead of a record: counted, never a failure unless fatal.
  void count_error(const rd_kafka_message_t* msg) {
    if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      eofs.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    errors.fetch_add(1, std::memory_order_relaxed);
    std::string where = msg->rkt != nullptr ? rd_kafka_topic_name(msg->rkt) : "";
    if (!where.empty()) where += " [" + std::to_string(msg->partition) + "]: ";
    log(LogLevel::kWarning, "CONSUME",
        where + rd_kafka_err2name(msg->err) + " (" + rd_kafka_err2str(msg->err) + ")");
  }

  Status pause_resume(const std::vector<TopicPartition>& tps, bool pause) {
    if (closed) return Status::error("kafka-closed", "the consumer is closed");
    // librdkafka accepts any partition (it pauses a partition it does not consume): only the
    // assigned ones make sense.
    rd_kafka_topic_partition_list_t* current = nullptr;
    if (const rd_kafka_resp_err_t err = rd_kafka_assignment(rk, &current);
        err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return error_status("kafka-assign", "assignment", err);
    }
    const ListPtr assigned(current);
    for (const auto& [topic, partition] : tps) {
      if (rd_kafka_topic_partition_list_find(assigned.get(), topic.c_str(), partition) == nullptr) {
        return Status::error("kafka-assign", std::string(pause ? "pause " : "resume ") + topic +
                                                 " [" + std::to_string(partition) +
                                                 "]: not assigned to this consumer");
      }
    }
    const ListPtr list = to_list(tps);
    const rd_kafka_resp_err_t err = pause ? rd_kafka_pause_partitions(rk, list.get())
                                          : rd_kafka_resume_partitions(rk, list.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return error_status("kafka-assign", pause ? "pause" : "resume", err);
    }
    for (int i = 0; i < list->cnt; ++i) {
      if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return error_status("kafka-assign",
                            std::string(pause ? "pause " : "resume ") + list->elems[i].topic +
                                " [" + std::to_string(list->elems[i].partition) + "]",
                            list->elems[i].err);
      }
    }
    return Status::ok_status();
  }
};

namespace {

void rebalance_cb(rd_kafka_t* /*rk*/, rd_kafka_resp_err_t err,
                  rd_kafka_topic_partition_list_t* parts, void* opaque) {
  auto* impl = static_cast<ConsumerImpl*>(opaque);
  // A Kafka callback: nothing may escape it as an exception (the listener's are caught inside).
  try {
    impl->on_rebalance(err, parts);
  } catch (...) {
    impl->set_listener_error("internal error in the rebalance callback");
  }
}

void consumer_error_cb(rd_kafka_t* /*rk*/, int err, const char* reason, void* opaque) {
  try {
    auto* impl = static_cast<ConsumerImpl*>(opaque);
    impl->errors.fetch_add(1, std::memory_order_relaxed);
    const auto code = static_cast<rd_kafka_resp_err_t>(err);
    log(code == RD_KAFKA_RESP_ERR__FATAL ? LogLevel::kError : LogLevel::kWarning, "ERROR",
        std::string(rd_kafka_err2name(code)) + ": " + (reason != nullptr ? reason : ""));
  } catch (...) {  // NOLINT(bugprone-empty-catch): a log line is not worth a crash
  }
}

void offset_commit_cb(rd_kafka_t* /*rk*/, rd_kafka_resp_err_t err,
                      rd_kafka_topic_partition_list_t* /*offsets*/, void* opaque) {
  // __NO_OFFSET: there was nothing to commit, which is not a failure.
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET) return;
  try {
    static_cast<ConsumerImpl*>(opaque)->commit_failures.fetch_add(1, std::memory_order_relaxed);
    log(LogLevel::kWarning, "COMMIT",
        std::string("offset commit failed: ") + rd_kafka_err2name(err));
  } catch (...) {  // NOLINT(bugprone-empty-catch): counted already
  }
}

}  // namespace

}  // namespace detail

Consumer::Consumer(std::unique_ptr<detail::ConsumerImpl> impl) : impl_(std::move(impl)) {}

Consumer::~Consumer() {
  if (!impl_->closed) (void)close();
}

Result<std::unique_ptr<Consumer>> Consumer::create(std::string_view bootstraps,
                                                   std::string_view group_id,
                                                   const Properties& props,
                                                   RebalanceListener* listener) {
  const Properties defaults = {
      {"bootstrap.servers", std::string(bootstraps)},
      {"group.id", std::string(group_id)},
      {"partition.assignment.strategy", "cooperative-sticky"},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},
  };
  VIGIE_ASSIGN_OR_RETURN(detail::ConfPtr conf, detail::make_conf(defaults, props));
  auto impl = std::make_unique<detail::ConsumerImpl>();
  impl->listener = listener;
  rd_kafka_conf_set_rebalance_cb(conf.get(), detail::rebalance_cb);
  rd_kafka_conf_set_error_cb(conf.get(), detail::consumer_error_cb);
  rd_kafka_conf_set_offset_commit_cb(conf.get(), detail::offset_commit_cb);
  rd_kafka_conf_set_opaque(conf.get(), impl.get());
  VIGIE_ASSIGN_OR_RETURN(impl->rk, detail::make_client(RD_KAFKA_CONSUMER, std::move(conf)));
  // One queue for everything: error events and commit results are served by poll_batch() too.
  (void)rd_kafka_poll_set_consumer(impl->rk);
  return std::unique_ptr<Consumer>(new Consumer(std::move(impl)));
}

Status Consumer::subscribe(const std::vector<std::string>& topics) {
  if (impl_->closed) return Status::error("kafka-closed", "the consumer is closed");
  std::vector<TopicPartition> tps;
  tps.reserve(topics.size());
  for (const std::string& t : topics) tps.emplace_back(t, RD_KAFKA_PARTITION_UA);
  const detail::ListPtr list = detail::to_list(tps);
  const rd_kafka_resp_err_t err = rd_kafka_subscribe(impl_->rk, list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return detail::error_status("kafka-subscribe", "subscribe", err);
  }
  return Status::ok_status();
}

Status Consumer::poll_batch(std::size_t max, int timeout_ms, std::vector<Message>& out) {
  detail::ConsumerImpl& impl = *impl_;
  out.clear();
  impl.release();
  if (impl.closed) return Status::error("kafka-closed", "the consumer is closed");
  impl.revoked.clear();
  if (max == 0) return Status::ok_status();
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(std::max(timeout_ms, 0));
  while (out.size() < max) {
    int wait = 0;
    if (out.empty()) {
      if (timeout_ms < 0) {
        wait = -1;
      } else {
        wait = static_cast<int>(std::max<std::int64_t>(
            0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now())
                   .count()));
      }
    }
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(impl.rk, wait);
    const bool got = msg != nullptr;
    const bool error_event = got && msg->err != RD_KAFKA_RESP_ERR_NO_ERROR;
    if (error_event) {
      impl.count_error(msg);
      rd_kafka_message_destroy(msg);
      if (Status s = impl.fatal_status(); !s.ok()) {
        impl.release();
        out.clear();
        return s;
      }
    } else if (got) {
      impl.held.push_back(msg);
      out.push_back(detail::ConsumerImpl::view(msg));
    }
    // A rebalance served by this poll may have revoked partitions whose messages are in the
    // batch (the one just polled included): they go.
    impl.drop_revoked(out);
    if (!impl.listener_error.ok() || !impl.assign_error.ok()) break;
    if (!got) {
      // Nothing more: done unless the batch is still empty and time remains (a poll may return
      // early after serving a rebalance).
      if (!out.empty() || wait == 0) break;
    } else if (error_event && wait == 0 && Clock::now() >= deadline) {
      break;  // time is up: a stream of error events does not hold the caller
    }
  }
  Status failure = impl.fatal_status();
  if (failure.ok()) failure = std::exchange(impl.listener_error, Status());
  if (failure.ok()) failure = std::exchange(impl.assign_error, Status());
  if (!failure.ok()) {
    out.clear();
    impl.release();
  }
  return failure;
}

void Consumer::commit_async(
    const std::vector<std::tuple<std::string, std::int32_t, std::int64_t>>& next_offsets) {
  if (impl_->closed || next_offsets.empty()) return;
  const detail::ListPtr list(
      rd_kafka_topic_partition_list_new(static_cast<int>(next_offsets.size())));
  for (const auto& [topic, partition, offset] : next_offsets) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition)->offset = offset;
  }
  const rd_kafka_resp_err_t err = rd_kafka_commit(impl_->rk, list.get(), 1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
    impl_->commit_failures.fetch_add(1, std::memory_order_relaxed);
  }
}

Status Consumer::pause(const std::vector<TopicPartition>& tps) {
  return impl_->pause_resume(tps, true);
}

Status Consumer::resume(const std::vector<TopicPartition>& tps) {
  return impl_->pause_resume(tps, false);
}

Status Consumer::pause_all() { return impl_->pause_resume(assignment(), true); }

Status Consumer::resume_all() { return impl_->pause_resume(assignment(), false); }

Status Consumer::close() {
  detail::ConsumerImpl& impl = *impl_;
  if (impl.closed) return Status::ok_status();
  impl.revoked.clear();
  // Serves the revocation (on_revoked) and leaves the group; the last batch stays valid during
  // it, in case the listener still reads it.
  const rd_kafka_resp_err_t err = rd_kafka_consumer_close(impl.rk);
  impl.closed = true;
  impl.release();
  impl.revoked.clear();
  VIGIE_RETURN_IF_ERROR(impl.fatal_status());
  VIGIE_RETURN_IF_ERROR(std::exchange(impl.listener_error, Status()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return detail::error_status("kafka-close", "leaving the group", err);
  }
  return Status::ok_status();
}

std::vector<TopicPartition> Consumer::assignment() const {
  rd_kafka_topic_partition_list_t* list = nullptr;
  if (impl_->closed || rd_kafka_assignment(impl_->rk, &list) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return {};
  }
  const detail::ListPtr owned(list);
  return detail::from_list(list);
}

std::vector<std::tuple<std::string, std::int32_t, std::int64_t>> Consumer::lag() const {
  std::vector<std::tuple<std::string, std::int32_t, std::int64_t>> out;
  rd_kafka_topic_partition_list_t* list = nullptr;
  if (impl_->closed || rd_kafka_assignment(impl_->rk, &list) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return out;
  }
  const detail::ListPtr owned(list);
  (void)rd_kafka_position(impl_->rk, list);  // the next offset the application will get
  out.reserve(static_cast<std::size_t>(list->cnt));
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& tp = list->elems[i];
    std::int64_t low = RD_KAFKA_OFFSET_INVALID;
    std::int64_t high = RD_KAFKA_OFFSET_INVALID;
    std::int64_t lag = -1;
    if (rd_kafka_get_watermark_offsets(impl_->rk, tp.topic, tp.partition, &low, &high) ==
            RD_KAFKA_RESP_ERR_NO_ERROR &&
        high >= 0 && tp.offset >= 0) {
      lag = std::max<std::int64_t>(0, high - tp.offset);
    }
    out.emplace_back(tp.topic, tp.partition, lag);
  }
  return out;
}

std::uint64_t Consumer::errors() const { return impl_->errors.load(std::memory_order_relaxed); }
std::uint64_t Consumer::partition_eofs() const {
  return impl_->eofs.load(std::memory_order_relaxed);
}
std::uint64_t Consumer::commit_failures() const {
  return impl_->commit_failures.load(std::memory_order_relaxed);
}
std::uint64_t Consumer::rebalances() const {
  return impl_->rebalances.load(std::memory_order_relaxed);
}

}  // namespace vigie::kafka
