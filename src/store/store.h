// The alert store: alerts, correlation state and consumed Kafka offsets in one RocksDB database.
// This module is the only place of Vigie that sees RocksDB; no RocksDB type appears here.
// docs/store.md describes the layout, the atomicity and idempotence guarantees, and backups.
//
// Status codes (Status::code()):
//   store-not-found      no store in the directory and creation not asked for (or read-only)
//   not-a-store          the directory holds something that is not a Vigie store
//   store-version        the store was written by a newer format than this build reads
//   store-in-use         another process (or another Store of this process) holds the lock
//   store-open-failed    any other failure to open (permissions, I/O, corruption)
//   store-read-only      a write through a Store opened read-only
//   invalid-alert        a batch alert without a usable id (commit, update_alert)
//   alert-not-found      update_alert() of an id that is not stored
//   store-read-failed    a read needed by a write failed
//   store-write-failed   the RocksDB write failed (nothing of it is visible)
//   store-flush-failed, store-checkpoint-failed, store-catch-up-failed
// Messages name the directory and the failing operation (with RocksDB's own status text), never
// alert contents or field values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "common/result.h"
#include "store/alert_record.h"

namespace vigie::store {

// The format marker kept in the `meta` column family and checked at open.
inline constexpr std::string_view kFormatVersion = "vigie-store 1";

struct StoreOptions {
  bool create_if_missing = true;
  // fsync the WAL on every commit: a commit then survives power loss, not only a process crash
  // (with false, an acknowledged commit survives a process crash but may be lost on power loss;
  // either way, recovery never shows part of a batch).
  bool sync = true;
  // Open read-only as a RocksDB *secondary* instance: takes no lock, so it works while a writer
  // (`vigie run`) holds the store. It sees the commits made before open() (flushed or still in
  // the writer's WAL) and later ones only after catch_up(). Keeps its own RocksDB info log in a
  // private temporary directory, removed on close.
  bool read_only = false;
  // TEST HOOK: the first N commit() calls behave normally, the (N+1)th and later ones fail with an
  // I/O-like error (code store-write-failed) without writing anything; -1: never.
  std::int64_t fail_commit_after = -1;
};

// What one micro-batch writes. Cheap to build (copies of the records, no encoding); nothing touches
// the database until Store::commit. Operations on state apply in the order they were added; a
// later put_offset for the same (topic, partition) wins. Not thread-safe (one per worker).
class Batch {
 public:
  void add_alert(const AlertRecord& a);
  void add_alert(AlertRecord&& a);
  void put_state(std::string_view key, std::string_view bytes);  // e.g. "corr/ad/3" -> snapshot
  void delete_state(std::string_view key);
  void put_offset(std::string_view topic, std::int32_t partition, std::int64_t next_offset);

  std::size_t alerts() const { return alerts_.size(); }
  bool empty() const { return alerts_.empty() && state_.empty() && offsets_.empty(); }
  void clear();

 private:
  friend class Store;
  struct StateOp {
    std::string key;
    std::string bytes;
    bool erase = false;
  };
  struct OffsetOp {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t next_offset = 0;
  };
  std::vector<AlertRecord> alerts_;
  std::vector<StateOp> state_;
  std::vector<OffsetOp> offsets_;
};

struct CommitResult {
  std::size_t alerts_inserted = 0;
  std::size_t alerts_already_stored = 0;
};

// Empty strings mean "any": `tenant = ""` does not select the alerts whose tenant is "".
// Times are inclusive bounds on AlertRecord::time_ms.
struct ListQuery {
  std::string tenant;
  std::string rule_id;
  std::string status;
  std::int64_t from_ms = std::numeric_limits<std::int64_t>::min();
  std::int64_t to_ms = std::numeric_limits<std::int64_t>::max();
  std::size_t limit = std::numeric_limits<std::size_t>::max();
};

// Thread safety: every member function may be called concurrently from several threads (RocksDB
// reads and writes are thread-safe; commit() and update_alert() coordinate through per-id claims).
// Readers never see part of a commit.
class Store {
 public:
  // Opens (or, with create_if_missing, creates) the store in `dir`. Errors: see the codes above.
  static Result<std::unique_ptr<Store>> open(const std::string& dir,
                                             const StoreOptions& options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // One atomic RocksDB WriteBatch: alerts (+ their index entries), state, offsets. An alert whose
  // id is already stored is NOT overwritten (a replay after a crash regenerates the same ids, and
  // the stored copy may carry an analyst's changes): it is counted in alerts_already_stored (so is
  // a second copy of an id within the batch). A new alert whose created_ms is 0 is stored with the
  // current wall-clock time. Thread-safe: the existence check and the write are atomic with respect
  // to other commits of the same ids, while commits of disjoint ids proceed in parallel (and share
  // WAL fsyncs through RocksDB's group commit). On failure nothing of the batch is visible.
  // An alert with an empty id (or one over 1 KiB) fails the whole batch (invalid-alert).
  Result<CommitResult> commit(const Batch& b);

  // Replaces a stored alert (triage: status, assignment...) and moves its index entries. The id
  // must be stored (alert-not-found otherwise); created_ms 0 keeps the stored value.
  Status update_alert(const AlertRecord& a);

  // The next offset to consume, as last committed.
  std::optional<std::int64_t> offset(std::string_view topic, std::int32_t partition) const;
  // Every (topic, partition, next offset), ordered by topic then partition.
  std::vector<std::tuple<std::string, std::int32_t, std::int64_t>> offsets() const;
  std::optional<std::string> state(std::string_view key) const;
  std::optional<AlertRecord> alert(std::string_view id) const;
  // Newest first (time_ms descending, then id ascending), using an index: by rule if rule_id is
  // set, else by tenant if tenant is set, else by status if status is set, else by time; the other
  // filters are applied to the records read. Reads a consistent snapshot.
  std::vector<AlertRecord> list(const ListQuery& q) const;
  // Exact number of stored alerts (a counter kept in the same write batches; O(1)).
  std::uint64_t alert_count() const;
  // Every stored alert, by id order, from a consistent snapshot.
  void for_each_alert(const std::function<void(const AlertRecord&)>& f) const;

  // Reads that failed since open (RocksDB errors, or stored records that did not parse): the
  // const accessors above cannot return a Status, so they skip the record and count it here.
  std::uint64_t read_errors() const;

  // Flushes the memtables to SST files (tests, shutdown). A no-op on a read-only store.
  Status flush();
  // Writes a consistent, openable copy of the store to `to_dir` (which must not exist) with a
  // RocksDB checkpoint: hard links to the SST files where possible, so it is fast and small on
  // the same file system. Not available on a read-only store.
  Status checkpoint(const std::string& to_dir);
  // Read-only (secondary) stores: catches up with the writer's latest commits by opening a fresh
  // secondary instance and swapping it in (costs about one open(): RocksDB's incremental
  // TryCatchUpWithPrimary() can serve stale values, see store.cpp). Concurrent reads finish on the
  // old instance. A no-op on a writable store.
  Status catch_up();

  const std::string& dir() const;
  bool read_only() const;

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigie::store
