// Producer: sends records to Kafka topics (librdkafka producer).
//
// Contract:
//   - Idempotent by default (enable.idempotence=true): librdkafka retries a failed or unanswered
//     request with the same producer id and sequence numbers, so the broker writes each message
//     once and in order per partition, across retries and leader changes, for the lifetime of this
//     producer. That implies acks=all. Not transactions: a new producer (a restarted process) that
//     re-sends a message writes it again.
//   - Partitioning: partition -1 chooses by key with librdkafka's murmur2_random partitioner, the
//     Java clients' default, so a key lands on the partition a Java producer would pick for it
//     (murmur2(key) & 0x7fffffff) % partitions; a message without key goes to a random partition.
//     An empty key means "no key" (null), an empty value a null value.
//   - produce() copies key, value and headers, queues the message and returns; it never drops a
//     message: when the local queue is full (queue.buffering.max.messages / .kbytes) it blocks,
//     serving delivery reports, until there is room. It fails only when the message cannot be
//     queued at all (unknown partition, message too large, fatal producer error).
//   - Delivery is reported asynchronously and counted: delivered(), failed(). A message fails when
//     its retries or message.timeout.ms (default 300 s) run out, or on a permanent broker error.
//     flush() waits for every queued message and reports the first failure since the previous
//     flush() (topic, partition and librdkafka's error name; never the payload).
//
// Defaults, all overridable through `props`: bootstrap.servers=bootstraps,
// enable.idempotence=idempotent, partitioner=murmur2_random, compression.type=lz4 (logs compress
// about tenfold), linger.ms=20.
//
// Thread safety: produce() and flush() are called from one thread at a time; delivered() and
// failed() from any thread. Flush before destruction: the destructor discards whatever is still
// queued or in flight (without waiting).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "kafka/kafka.h"

namespace vigie::kafka {

namespace detail {
struct ProducerImpl;
}

class Producer {
 public:
  // Errors: kafka-config (unknown property, invalid value), kafka-client (conflicting settings).
  static Result<std::unique_ptr<Producer>> create(std::string_view bootstraps,
                                                  const Properties& props, bool idempotent = true);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Queues one message; see the contract above. partition -1: by key. Errors: kafka-produce (the
  // message was not queued; the reason is librdkafka's error name), kafka-fatal.
  Status produce(std::string_view topic, std::string_view key, std::string_view value,
                 const std::vector<Header>& headers = {}, std::int32_t partition = -1);

  // Waits until every queued message is delivered or failed, at most timeout_ms (-1: no limit
  // but message.timeout.ms). Errors: kafka-flush-timeout (messages still queued), kafka-delivery
  // (some message failed since the previous flush; the first failure's topic, partition, error),
  // kafka-fatal.
  Status flush(int timeout_ms);

  // Messages delivered (acknowledged by the broker) and failed, since creation.
  std::uint64_t delivered() const;
  std::uint64_t failed() const;

 private:
  explicit Producer(std::unique_ptr<detail::ProducerImpl> impl);
  std::unique_ptr<detail::ProducerImpl> impl_;
};

}  // namespace vigie::kafka
