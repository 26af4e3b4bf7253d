#include "kafka/producer.h"

#include <array>
#include <atomic>
#include <mutex>
#include <string>
#include <utility>

#include "kafka/client.h"

namespace vigie::kafka {

namespace detail {

struct ProducerImpl {
  rd_kafka_t* rk = nullptr;
  // Topic handles by name: a producer writes to few topics, a linear scan beats hashing them.
  std::vector<std::pair<std::string, rd_kafka_topic_t*>> topics;
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> failed{0};
  // The first delivery failure since the previous flush(). Delivery reports are served by
  // rd_kafka_poll()/rd_kafka_flush() on the producing thread, but the lock keeps that an
  // implementation detail.
  std::mutex mu;
  bool has_failure = false;
  std::string failure;  // "topic [partition]: ERR_NAME (description)"

  ~ProducerImpl() {
    if (rk == nullptr) return;
    // Whatever was not flushed is discarded (documented): purge so destroy does not wait for it.
    (void)rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(rk, 0);
    for (auto& [name, rkt] : topics) rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
  }

  rd_kafka_topic_t* topic(std::string_view name) {
    for (auto& [n, rkt] : topics) {
      if (n == name) return rkt;
    }
    std::string owned(name);
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, owned.c_str(), nullptr);
    if (rkt != nullptr) topics.emplace_back(std::move(owned), rkt);
    return rkt;
  }

  Status fatal_status() {
    std::array<char, 512> errstr{};
    const rd_kafka_resp_err_t err = rd_kafka_fatal_error(rk, errstr.data(), errstr.size());
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::ok_status();
    return error_status("kafka-fatal", "the producer raised a fatal error", err);
  }
};

}  // namespace detail

namespace {

void dr_msg_cb(rd_kafka_t* /*rk*/, const rd_kafka_message_t* msg, void* opaque) {
  // A Kafka callback: nothing may escape it as an exception.
  try {
    auto* impl = static_cast<detail::ProducerImpl*>(opaque);
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      impl->delivered.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    impl->failed.fetch_add(1, std::memory_order_relaxed);
    const std::lock_guard<std::mutex> lock(impl->mu);
    if (impl->has_failure) return;
    impl->has_failure = true;
    impl->failure = std::string(msg->rkt != nullptr ? rd_kafka_topic_name(msg->rkt) : "?") + " [" +
                    std::to_string(msg->partition) + "]: " + rd_kafka_err2name(msg->err) + " (" +
                    rd_kafka_err2str(msg->err) + ")";
  } catch (...) {  // NOLINT(bugprone-empty-catch): counted already; only the text is lost
  }
}

void producer_error_cb(rd_kafka_t* /*rk*/, int err, const char* reason, void* /*opaque*/) {
  try {
    const auto code = static_cast<rd_kafka_resp_err_t>(err);
    detail::log(code == RD_KAFKA_RESP_ERR__FATAL ? LogLevel::kError : LogLevel::kWarning, "ERROR",
                std::string(rd_kafka_err2name(code)) + ": " + (reason != nullptr ? reason : ""));
  } catch (...) {  // NOLINT(bugprone-empty-catch): a log line is not worth a crash
  }
}

}  // namespace

Producer::Producer(std::unique_ptr<detail::ProducerImpl> impl) : impl_(std::move(impl)) {}

Producer::~Producer() = default;

Result<std::unique_ptr<Producer>> Producer::create(std::string_view bootstraps,
                                                   const Properties& props, bool idempotent) {
  const Properties defaults = {
      {"bootstrap.servers", std::string(bootstraps)},
      {"enable.idempotence", idempotent ? "true" : "false"},
      {"partitioner", "murmur2_random"},
      // Logs compress about tenfold; brokers (and the mock cluster, whose partitions keep only a
      // few megabytes) store what they are sent.
      {"compression.type", "lz4"},
      {"linger.ms", "20"},
  };
  VIGIE_ASSIGN_OR_RETURN(detail::ConfPtr conf, detail::make_conf(defaults, props));
  auto impl = std::make_unique<detail::ProducerImpl>();
  rd_kafka_conf_set_dr_msg_cb(conf.get(), dr_msg_cb);
  rd_kafka_conf_set_error_cb(conf.get(), producer_error_cb);
  rd_kafka_conf_set_opaque(conf.get(), impl.get());
  VIGIE_ASSIGN_OR_RETURN(impl->rk, detail::make_client(RD_KAFKA_PRODUCER, std::move(conf)));
  return std::unique_ptr<Producer>(new Producer(std::move(impl)));
}

Status Producer::produce(std::string_view topic, std::string_view key, std::string_view value,
                         const std::vector<Header>& headers, std::int32_t partition) {
  rd_kafka_topic_t* rkt = impl_->topic(topic);
  if (rkt == nullptr) {
    return detail::error_status("kafka-produce", "topic \"" + std::string(topic) + "\"",
                                rd_kafka_last_error());
  }
  // F_COPY: librdkafka copies key and value, so the caller's buffers are free on return.
  std::array<rd_kafka_vu_t, 6> vus{};
  std::size_t n = 0;
  vus[n].vtype = RD_KAFKA_VTYPE_RKT;
  vus[n++].u.rkt = rkt;
  vus[n].vtype = RD_KAFKA_VTYPE_PARTITION;
  vus[n++].u.i32 = partition < 0 ? RD_KAFKA_PARTITION_UA : partition;
  vus[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  vus[n++].u.i = RD_KAFKA_MSG_F_COPY;
  vus[n].vtype = RD_KAFKA_VTYPE_VALUE;
  vus[n].u.mem.ptr = value.empty() ? nullptr : const_cast<char*>(value.data());
  vus[n++].u.mem.size = value.size();
  if (!key.empty()) {
    vus[n].vtype = RD_KAFKA_VTYPE_KEY;
    vus[n].u.mem.ptr = const_cast<char*>(key.data());
    vus[n++].u.mem.size = key.size();
  }
  while (true) {
    // A fresh headers list per attempt: librdkafka takes it over only when it accepts the message.
    rd_kafka_headers_t* hdrs = nullptr;
    std::size_t count = n;
    if (!headers.empty()) {
      hdrs = rd_kafka_headers_new(headers.size());
      for (const Header& h : headers) {
        (void)rd_kafka_header_add(hdrs, h.key.data(), static_cast<ssize_t>(h.key.size()),
                                  h.value.data(), static_cast<ssize_t>(h.value.size()));
      }
      vus[count].vtype = RD_KAFKA_VTYPE_HEADERS;
      vus[count++].u.headers = hdrs;
    }
    detail::ErrorPtr error(rd_kafka_produceva(impl_->rk, vus.data(), count));
    if (!error) {
      rd_kafka_poll(impl_->rk, 0);  // serve delivery reports as we go
      return Status::ok_status();
    }
    if (hdrs != nullptr) rd_kafka_headers_destroy(hdrs);
    const rd_kafka_resp_err_t err = rd_kafka_error_code(error.get());
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      // Backpressure, not loss: wait for deliveries to make room.
      rd_kafka_poll(impl_->rk, 100);
      continue;
    }
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
      VIGIE_RETURN_IF_ERROR(impl_->fatal_status());
    }
    return detail::error_status("kafka-produce",
                                "message to \"" + std::string(topic) + "\" not queued", err);
  }
}

Status Producer::flush(int timeout_ms) {
  const rd_kafka_resp_err_t err = rd_kafka_flush(impl_->rk, timeout_ms);
  VIGIE_RETURN_IF_ERROR(impl_->fatal_status());
  std::string failure;
  {
    const std::lock_guard<std::mutex> lock(impl_->mu);
    if (impl_->has_failure) {
      failure = std::move(impl_->failure);
      impl_->has_failure = false;
      impl_->failure.clear();
    }
  }
  if (!failure.empty()) {
    return Status::error("kafka-delivery", "a message failed delivery: " + failure + " (" +
                                               std::to_string(failed()) + " failed so far)");
  }
  if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) {
    return Status::error("kafka-flush-timeout", std::to_string(rd_kafka_outq_len(impl_->rk)) +
                                                    " messages or requests still queued after " +
                                                    std::to_string(timeout_ms) + " ms");
  }
  return Status::ok_status();
}

std::uint64_t Producer::delivered() const {
  return impl_->delivered.load(std::memory_order_relaxed);
}

std::uint64_t Producer::failed() const { return impl_->failed.load(std::memory_order_relaxed); }

}  // namespace vigie::kafka
