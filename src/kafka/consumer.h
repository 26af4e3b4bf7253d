// Consumer: the consumer-group client the stream processor polls (librdkafka high-level consumer).
//
// Semantics:
//   - Group membership: processors with the same group id split the partitions of the subscribed
//     topics. Default assignor cooperative-sticky: a rebalance moves only the partitions that must
//     move, the others keep being consumed. Eager assignors (range, roundrobin) work too: every
//     rebalance then revokes everything and assigns everything again.
//   - Offsets belong to the caller. Nothing is committed or stored automatically
//     (enable.auto.commit=false, enable.auto.offset.store=false). When partitions are assigned,
//     RebalanceListener::on_assigned() says where each starts: an offset of the caller's own (the
//     one stored with the state it produced), or std::nullopt for the group's committed offset,
//     else auto.offset.reset (default earliest). commit_async() commits to the group for lag
//     monitoring and as the fallback start; it is not the source of truth.
//   - Revocation: on_revoked() runs before partitions are taken away (lost=true when they were
//     lost without a clean handover: session timeout, fencing, a group error; someone else may
//     already own them). Messages of a revoked partition that this poll_batch() had collected are
//     dropped from the batch, so the caller never sees a message of a partition after being told
//     it was revoked.
//   - Batches: poll_batch() returns views into librdkafka's buffers, valid until the next
//     poll_batch() or close(). Messages of one partition come in offset order.
//   - Errors that librdkafka recovers from (broker down, transport, partition EOF, unknown topic
//     while it is being created, a failed async commit) are counted, logged through the log
//     handler (kafka.h) and never fail a call; only fatal ones do (kafka-fatal: the client is no
//     longer usable; the caller should stop and restart from its stored offsets).
//
// Defaults, all overridable through `props`: bootstrap.servers, group.id,
// partition.assignment.strategy=cooperative-sticky, enable.auto.commit=false,
// enable.auto.offset.store=false, auto.offset.reset=earliest.
//
// Thread safety: one thread (the polling thread) calls subscribe, poll_batch, commit_async,
// pause, resume and close; rebalance callbacks run on it, inside poll_batch() and close(). lag(),
// assignment() and the counters may be called from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "common/result.h"
#include "kafka/kafka.h"

namespace vigie::kafka {

// Special start offsets on_assigned() may return besides an absolute offset.
inline constexpr std::int64_t kOffsetBeginning = -2;  // the partition's first retained offset
inline constexpr std::int64_t kOffsetEnd = -1;        // only messages produced from now on

namespace detail {
struct ConsumerImpl;
}

// One consumed record: views valid until the next Consumer::poll_batch() or Consumer::close().
struct Message {
  std::string_view topic;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::string_view key;            // "" when the record has no key
  std::string_view value;          // "" when the record has a null value
  std::int64_t timestamp_ms = -1;  // the record's timestamp (create or log-append time); -1 none

  // The value of the last header named `name`; "" for a header with a null value; nullopt when
  // there is none. Does not allocate.
  std::optional<std::string_view> header(std::string_view name) const;

 private:
  friend struct detail::ConsumerImpl;
  void* native_ = nullptr;  // the librdkafka message, owned by the Consumer
};

class RebalanceListener {
 public:
  virtual ~RebalanceListener();
  // Partitions newly assigned to this consumer (with cooperative-sticky: only the added ones).
  // Returns, for each of `tps` in order, the offset to start from: >= 0, kOffsetBeginning,
  // kOffsetEnd, or std::nullopt for the group's committed offset, else auto.offset.reset. A
  // shorter vector leaves the rest at std::nullopt. Called on the polling thread during
  // poll_batch(). If it throws, the partitions are assigned but paused, and poll_batch() fails
  // with kafka-listener.
  virtual std::vector<std::optional<std::int64_t>> on_assigned(
      const std::vector<TopicPartition>& tps) = 0;
  // Partitions being taken away (with cooperative-sticky: only those that move; eager: all). The
  // listener finishes and stores in-flight work for them before returning; when `lost` is true
  // another consumer may already own them. Called during poll_batch() and close(). If it throws,
  // the partitions are still revoked and poll_batch() fails with kafka-listener.
  virtual void on_revoked(const std::vector<TopicPartition>& tps, bool lost) = 0;
};

class Consumer {
 public:
  // `listener` may be null (every partition then starts at the committed offset); when given it
  // must outlive the Consumer. Errors: kafka-config, kafka-client.
  static Result<std::unique_ptr<Consumer>> create(std::string_view bootstraps,
                                                  std::string_view group_id,
                                                  const Properties& props,
                                                  RebalanceListener* listener);
  // Closes (if close() was not called) and destroys the client.
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Joins the group for these topics (replacing any previous subscription). The assignment comes
  // later, in a poll_batch(). Errors: kafka-subscribe, kafka-closed.
  Status subscribe(const std::vector<std::string>& topics);

  // Clears `out`, releases the previous batch, then waits up to timeout_ms for a first message and
  // takes whatever else is already fetched, up to `max` messages. Serves rebalances, error events
  // and commit results meanwhile. Returns ok with an empty batch on timeout. Errors: kafka-fatal,
  // kafka-listener (the rebalance listener threw), kafka-closed.
  Status poll_batch(std::size_t max, int timeout_ms, std::vector<Message>& out);

  // Commits (topic, partition, next offset to consume) to the group without waiting; the result
  // is served by a later poll_batch() and a failure only counted (commit_failures()).
  void commit_async(
      const std::vector<std::tuple<std::string, std::int32_t, std::int64_t>>& next_offsets);

  // Stops / restarts fetching these assigned partitions (backpressure). Messages already fetched
  // may still come from a paused partition until the next poll_batch(). A partition revoked and
  // assigned again starts unpaused. Errors: kafka-assign (a partition is not assigned),
  // kafka-closed.
  Status pause(const std::vector<TopicPartition>& tps);
  Status resume(const std::vector<TopicPartition>& tps);
  // Every currently assigned partition.
  Status pause_all();
  Status resume_all();

  // Leaves the group cleanly: on_revoked() runs for the current assignment, the group rebalances
  // the partitions to the other members at once (no session timeout to wait for). Then releases
  // the last batch. Idempotent. Errors: kafka-fatal or the close error librdkafka reports.
  Status close();

  // The partitions assigned to this consumer now.
  std::vector<TopicPartition> assignment() const;

  // Per assigned partition: (topic, partition, high watermark - position), the number of
  // messages behind the end of the log; -1 while either is unknown (nothing fetched yet). From
  // librdkafka's cached watermarks: no request to the broker.
  std::vector<std::tuple<std::string, std::int32_t, std::int64_t>> lag() const;

  // Counters since creation.
  std::uint64_t errors() const;           // recoverable client and per-message errors
  std::uint64_t partition_eofs() const;   // with enable.partition.eof=true
  std::uint64_t commit_failures() const;  // commit_async() requests that failed
  std::uint64_t rebalances() const;       // assign and revoke callbacks served

 private:
  explicit Consumer(std::unique_ptr<detail::ConsumerImpl> impl);
  std::unique_ptr<detail::ConsumerImpl> impl_;
};

}  // namespace vigie::kafka
