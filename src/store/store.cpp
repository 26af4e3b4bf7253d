#include "store/store.h"

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>
#include <stdlib.h>  // mkdtemp

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <shared_mutex>
#include <unordered_set>
#include <utility>

#include "store/keys.h"

namespace vigie::store {
namespace {

namespace fs = std::filesystem;

// Column families. by_time is the one index the layout adds to the three asked for: it serves
// list() without a filter (newest first across tenants) without merging per-tenant ranges.
constexpr std::size_t kAlerts = 0;
constexpr std::size_t kByTenantTime = 1;
constexpr std::size_t kByRule = 2;
constexpr std::size_t kByStatus = 3;
constexpr std::size_t kByTime = 4;
constexpr std::size_t kState = 5;
constexpr std::size_t kOffsets = 6;
constexpr std::size_t kMeta = 7;
constexpr std::size_t kCfCount = 8;
constexpr std::array<std::string_view, kCfCount> kCfNames = {
    "alerts", "by_tenant_time", "by_rule", "by_status", "by_time", "state", "offsets", "meta"};

constexpr std::string_view kFormatKey = "format";
constexpr std::string_view kAlertCountKey = "alert_count";
constexpr std::string_view kFormatPrefix = "vigie-store ";
constexpr int kFormatNumber = 1;
constexpr std::size_t kMaxIdBytes = 1024;  // id_problem() says it

rocksdb::Slice slice(std::string_view s) { return {s.data(), s.size()}; }
std::string_view view(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

std::string count_operand(std::uint64_t n) {
  std::string out;
  keys::append_u64_be(out, n);
  return out;
}

// meta/alert_count: an 8-byte big-endian counter that commits add to with Merge, so that
// concurrent commits (which do not hold a common lock) never lose an increment.
class CounterAdd final : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& /*key*/, const rocksdb::Slice* existing,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger* /*logger*/) const override {
    std::uint64_t sum = 0;
    if (existing != nullptr) {
      if (existing->size() != 8) return false;
      sum = keys::read_u64_be(view(*existing));
    }
    if (value.size() != 8) return false;
    sum += keys::read_u64_be(view(value));
    new_value->clear();
    keys::append_u64_be(*new_value, sum);
    return true;
  }
  const char* Name() const override { return "vigie.CounterAdd"; }
};

rocksdb::CompressionType pick(std::initializer_list<rocksdb::CompressionType> wanted) {
  const std::vector<rocksdb::CompressionType> have = rocksdb::GetSupportedCompressions();
  for (rocksdb::CompressionType c : wanted) {
    if (std::find(have.begin(), have.end(), c) != have.end()) return c;
  }
  return rocksdb::kNoCompression;
}

// RocksDB tuning for a write-mostly store with modest memory (about 64 MiB per open store):
// - All memtables together are capped by db_write_buffer_size (32 MiB): the largest is flushed
//   when the cap is reached. This also bounds the WAL a read-only reader replays when it opens or
//   catches up (about 0.25 s per 32 MiB here). Per family, alerts get the largest buffer; the small
//   families (meta, offsets) are rewritten every batch but stay tiny.
// - max_total_wal_size (64 MiB) forces a flush of families written rarely so that old WAL files
//   can be deleted (one WAL is shared by all families).
// - One LRU block cache of 32 MiB for all families, with index and filter blocks charged to it
//   (memory stays bounded as the store grows); L0 filters and indexes pinned.
// - Bloom filters (10 bits/key) on the point-lookup families: commit() checks that each alert id
//   is new, and nearly all ids are, so a filter answers without reading a data block.
// - The index families are only range-scanned: no filter, compressed blocks.
// - LZ4 (else Snappy) for the upper levels, ZSTD (else the same) for the bottommost level: alert
//   JSON compresses well and is rarely read.
// - Level compaction with dynamic level sizes (bounded space amplification); 2 background jobs
//   (the machine runs the stream processor too).
// - Point-in-time WAL recovery (RocksDB's default): after a crash the store holds every
//   acknowledged batch and none in part.
rocksdb::DBOptions make_db_options() {
  rocksdb::DBOptions o;
  o.max_background_jobs = 2;
  o.db_write_buffer_size = 32ULL << 20;
  o.max_total_wal_size = 64ULL << 20;
  o.bytes_per_sync = 1ULL << 20;
  o.keep_log_file_num = 4;
  o.max_log_file_size = 8ULL << 20;
  o.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  return o;
}

rocksdb::ColumnFamilyOptions make_cf_options(std::size_t cf,
                                             const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions o;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = cache;
  t.cache_index_and_filter_blocks = true;
  t.pin_l0_filter_and_index_blocks_in_cache = true;
  t.format_version = 5;
  t.block_size = 16 * 1024;
  const bool point_lookups = cf == kAlerts || cf == kState || cf == kOffsets || cf == kMeta;
  if (point_lookups) t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  o.level_compaction_dynamic_level_bytes = true;
  o.write_buffer_size = cf == kAlerts ? (16ULL << 20) : cf == kState ? (8ULL << 20) : (4ULL << 20);
  o.max_write_buffer_number = 2;
  o.compression = pick({rocksdb::kLZ4Compression, rocksdb::kSnappyCompression});
  o.bottommost_compression = pick({rocksdb::kZSTD, rocksdb::kLZ4Compression});
  if (cf == kMeta) o.merge_operator = std::make_shared<CounterAdd>();
  return o;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status open_error(const std::string& dir, const rocksdb::Status& s) {
  const std::string text = s.ToString();
  if (s.IsIOError() && text.find("lock hold by current process") != std::string::npos) {
    return Status::error("store-in-use",
                         "the store " + dir + " is already open in this process (RocksDB lock)");
  }
  if (s.IsIOError() && text.find("lock") != std::string::npos) {
    return Status::error("store-in-use",
                         "the store " + dir + " is in use by another process (RocksDB lock)");
  }
  return Status::error("store-open-failed", "cannot open the store " + dir + ": " + text);
}

Status read_only_error(const std::string& dir) {
  return Status::error("store-read-only", "the store " + dir + " is open read-only");
}

// Why an alert id cannot be stored ("" if it can). Messages name the alert by position, never
// by content.
std::string_view id_problem(std::string_view id) {
  if (id.empty()) return "has no id";
  if (id.size() > kMaxIdBytes) return "has an id longer than 1024 bytes";
  return {};
}

// True if every entry of `dir` is a file RocksDB writes before CURRENT while creating a database
// (what a creation interrupted by a crash leaves behind), or if it is empty.
bool only_rocksdb_leftovers(const std::string& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const bool leftover = name == "LOCK" || name == "IDENTITY" || name.starts_with("LOG") ||
                          name.starts_with("MANIFEST-") || name.starts_with("OPTIONS-") ||
                          name.ends_with(".log") || name.ends_with(".dbtmp");
    if (!leftover) return false;
  }
  return !ec;
}

struct ViewHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace

// ------------------------------------------------------------------------------------------------
// Batch

void Batch::add_alert(const AlertRecord& a) { alerts_.push_back(a); }
void Batch::add_alert(AlertRecord&& a) { alerts_.push_back(std::move(a)); }

void Batch::put_state(std::string_view key, std::string_view bytes) {
  state_.push_back({std::string(key), std::string(bytes), false});
}

void Batch::delete_state(std::string_view key) { state_.push_back({std::string(key), {}, true}); }

void Batch::put_offset(std::string_view topic, std::int32_t partition, std::int64_t next_offset) {
  offsets_.push_back({std::string(topic), partition, next_offset});
}

void Batch::clear() {
  alerts_.clear();
  state_.clear();
  offsets_.clear();
}

// ------------------------------------------------------------------------------------------------
// Store

// One opened RocksDB instance with its column families. A read-only Store replaces its instance
// on catch_up().
struct Instance {
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // every family opened (for cleanup)
  std::array<rocksdb::ColumnFamilyHandle*, kCfCount> cf{};
  std::string secondary_dir;  // read-only: the secondary instance's info-log folder

  Instance() = default;
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;
  ~Instance() {
    if (db != nullptr) {
      for (rocksdb::ColumnFamilyHandle* h : handles) {
        db->DestroyColumnFamilyHandle(h).PermitUncheckedError();
      }
      db->Close().PermitUncheckedError();
      delete db;
    }
    if (!secondary_dir.empty()) {
      std::error_code ec;
      fs::remove_all(secondary_dir, ec);
    }
  }

  bool family_empty(std::size_t family) const {
    if (cf[family] == nullptr) return true;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf[family]));
    it->SeekToFirst();
    return !it->Valid();
  }
};

struct Store::Impl {
  std::string dir;
  StoreOptions options;
  std::shared_ptr<rocksdb::Cache> cache;
  std::unique_ptr<Instance> inst;
  rocksdb::WriteOptions write_options;
  std::atomic<std::int64_t> commits{0};
  mutable std::atomic<std::uint64_t> read_errors{0};

  // Ids being checked and written by a commit() or update_alert() in flight. A writer waits
  // until none of its ids is claimed, then claims them all at once (no hold-and-wait, so no
  // deadlock); writers of disjoint ids run in parallel and RocksDB groups their WAL syncs.
  std::mutex claims_mu;
  std::condition_variable claims_cv;
  std::unordered_set<std::string_view, ViewHash, std::equal_to<>> claimed;

  // Readers hold it shared; catch_up() holds it exclusively to swap `inst`. Read-only
  // (secondary) instances have no snapshots, and this also keeps a list() on one instance.
  mutable std::shared_mutex inst_mu;

  rocksdb::ReadOptions read_options(const rocksdb::Snapshot* snapshot = nullptr) const {
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot;
    return ro;
  }

  std::optional<std::string> get(std::size_t family, std::string_view key,
                                 const rocksdb::ReadOptions& ro) const {
    std::string value;
    const rocksdb::Status s = inst->db->Get(ro, inst->cf[family], slice(key), &value);
    if (s.ok()) return value;
    if (!s.IsNotFound()) read_errors.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }

  std::optional<AlertRecord> get_alert(std::string_view id, const rocksdb::ReadOptions& ro) const {
    std::optional<std::string> json = get(kAlerts, id, ro);
    if (!json) return std::nullopt;
    Result<AlertRecord> a = alert_from_json(*json);
    if (!a.ok()) {
      read_errors.fetch_add(1, std::memory_order_relaxed);
      return std::nullopt;
    }
    return std::move(a).value();
  }
};

namespace {

// Snapshot for one read on a primary store (nullptr on a secondary, which has none).
class ScopedSnapshot {
 public:
  ScopedSnapshot(rocksdb::DB* db, bool enabled)
      : db_(db), snapshot_(enabled ? db->GetSnapshot() : nullptr) {}
  ~ScopedSnapshot() {
    if (snapshot_ != nullptr) db_->ReleaseSnapshot(snapshot_);
  }
  ScopedSnapshot(const ScopedSnapshot&) = delete;
  ScopedSnapshot& operator=(const ScopedSnapshot&) = delete;
  const rocksdb::Snapshot* get() const { return snapshot_; }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
};

class IdClaim {
 public:
  IdClaim(std::mutex& mu, std::condition_variable& cv,
          std::unordered_set<std::string_view, ViewHash, std::equal_to<>>& claimed,
          std::vector<std::string_view> ids)
      : mu_(mu), cv_(cv), claimed_(claimed), ids_(std::move(ids)) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] {
      return std::none_of(ids_.begin(), ids_.end(),
                          [&](std::string_view id) { return claimed_.contains(id); });
    });
    claimed_.insert(ids_.begin(), ids_.end());
  }
  ~IdClaim() {
    {
      std::lock_guard lock(mu_);
      for (std::string_view id : ids_) claimed_.erase(id);
    }
    cv_.notify_all();
  }
  IdClaim(const IdClaim&) = delete;
  IdClaim& operator=(const IdClaim&) = delete;

 private:
  std::mutex& mu_;
  std::condition_variable& cv_;
  std::unordered_set<std::string_view, ViewHash, std::equal_to<>>& claimed_;
  std::vector<std::string_view> ids_;
};

// Adds or deletes the four index entries of `a`.
rocksdb::Status index(rocksdb::WriteBatch& wb,
                      const std::array<rocksdb::ColumnFamilyHandle*, kCfCount>& cf,
                      const AlertRecord& a, bool erase) {
  const std::array<std::pair<std::size_t, std::string_view>, 4> entries = {{
      {kByTenantTime, a.tenant},
      {kByRule, a.rule_id},
      {kByStatus, a.status},
      {kByTime, std::string_view()},
  }};
  for (const auto& [family, value] : entries) {
    const std::string key = keys::index_key(value, a.time_ms, a.id);
    rocksdb::Status s =
        erase ? wb.Delete(cf[family], key) : wb.Put(cf[family], key, rocksdb::Slice());
    if (!s.ok()) return s;
  }
  return rocksdb::Status::OK();
}

}  // namespace

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

namespace {

// Opens (creating if asked) the RocksDB instance of `dir` and checks that it is a Vigie store of
// the format this build reads.
Result<std::unique_ptr<Instance>> open_instance(const std::string& dir, const StoreOptions& options,
                                                const std::shared_ptr<rocksdb::Cache>& cache) {
  auto inst = std::make_unique<Instance>();
  std::error_code ec;
  const bool has_db = fs::exists(fs::path(dir) / "CURRENT", ec);
  if (!has_db) {
    if (options.read_only || !options.create_if_missing) {
      return Status::error("store-not-found", "no Vigie store in " + dir);
    }
    if (fs::exists(dir, ec)) {
      if (!fs::is_directory(dir, ec)) {
        return Status::error("not-a-store", "the path " + dir + " is not a directory");
      }
      if (!only_rocksdb_leftovers(dir)) {
        return Status::error("not-a-store", "the directory " + dir +
                                                " is not empty and holds no RocksDB database: "
                                                "not a Vigie store");
      }
    }
    fs::create_directories(dir, ec);
    if (ec) {
      return Status::error("store-open-failed",
                           "cannot create the directory " + dir + ": " + ec.message());
    }
  }

  rocksdb::DBOptions db_options = make_db_options();
  std::vector<std::string> names;
  if (has_db) {
    const rocksdb::Status s = rocksdb::DB::ListColumnFamilies(db_options, dir, &names);
    if (!s.ok()) return open_error(dir, s);
    if (std::find(names.begin(), names.end(), kCfNames[kMeta]) == names.end()) {
      return Status::error("not-a-store", "the directory " + dir +
                                              " holds a RocksDB database that is not a Vigie "
                                              "store (no 'meta' column family)");
    }
  } else {
    names.emplace_back(rocksdb::kDefaultColumnFamilyName);
    for (std::string_view n : kCfNames) names.emplace_back(n);
    db_options.create_if_missing = true;
    db_options.create_missing_column_families = true;
  }
  // An existing store is opened with exactly the families it has (RocksDB requires all of them);
  // missing ones of ours are created only once the format marker has been checked.
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& n : names) {
    const auto it = std::find(kCfNames.begin(), kCfNames.end(), n);
    descriptors.emplace_back(
        n, it == kCfNames.end()
               ? rocksdb::ColumnFamilyOptions()
               : make_cf_options(static_cast<std::size_t>(it - kCfNames.begin()), cache));
  }

  rocksdb::Status s;
  if (options.read_only) {
    std::string pattern = (fs::temp_directory_path(ec) / "vigie-store-secondary-XXXXXX").string();
    if (ec || ::mkdtemp(pattern.data()) == nullptr) {
      return Status::error("store-open-failed",
                           "cannot create a temporary directory to open " + dir + " read-only");
    }
    inst->secondary_dir = pattern;
    db_options.max_open_files = -1;  // required by secondary instances
    s = rocksdb::DB::OpenAsSecondary(db_options, dir, inst->secondary_dir, descriptors,
                                     &inst->handles, &inst->db);
  } else {
    s = rocksdb::DB::Open(db_options, dir, descriptors, &inst->handles, &inst->db);
  }
  if (!s.ok()) return open_error(dir, s);
  for (rocksdb::ColumnFamilyHandle* h : inst->handles) {
    const auto it = std::find(kCfNames.begin(), kCfNames.end(), h->GetName());
    if (it != kCfNames.end()) inst->cf[static_cast<std::size_t>(it - kCfNames.begin())] = h;
  }

  // The format marker.
  std::string format;
  s = inst->db->Get(rocksdb::ReadOptions(), inst->cf[kMeta], slice(kFormatKey), &format);
  if (s.IsNotFound()) {
    // A new store, or one whose creation stopped before the marker was written (then it is empty).
    const bool empty =
        inst->family_empty(kAlerts) && inst->family_empty(kState) && inst->family_empty(kOffsets);
    if (options.read_only || !empty) {
      return Status::error("not-a-store", "the store " + dir +
                                              " has no format marker: not a Vigie store, or its "
                                              "creation did not complete");
    }
    rocksdb::WriteOptions wo;
    wo.sync = true;
    s = inst->db->Put(wo, inst->cf[kMeta], slice(kFormatKey), slice(kFormatVersion));
    if (!s.ok()) {
      return Status::error("store-open-failed",
                           "cannot write the format marker of " + dir + ": " + s.ToString());
    }
  } else if (!s.ok()) {
    return Status::error("store-open-failed",
                         "cannot read the format marker of " + dir + ": " + s.ToString());
  } else if (format != kFormatVersion) {
    int number = 0;
    const std::string_view f = format;
    if (f.starts_with(kFormatPrefix)) {
      const std::string_view digits = f.substr(kFormatPrefix.size());
      const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), number);
      if (r.ec != std::errc() || r.ptr != digits.data() + digits.size()) number = 0;
    }
    if (number > kFormatNumber) {
      return Status::error("store-version",
                           "the store " + dir + " has format 'vigie-store " +
                               std::to_string(number) + "', newer than this build reads ('" +
                               std::string(kFormatVersion) + "'): open it with a newer Vigie");
    }
    return Status::error("not-a-store", "the store " + dir +
                                            " has an unrecognised format marker (expected '" +
                                            std::string(kFormatVersion) + "')");
  }

  for (std::size_t i = 0; i < kCfCount; ++i) {
    if (inst->cf[i] != nullptr) continue;
    if (options.read_only) {
      return Status::error("not-a-store", "the store " + dir + " has no '" +
                                              std::string(kCfNames[i]) + "' column family");
    }
    rocksdb::ColumnFamilyHandle* h = nullptr;
    s = inst->db->CreateColumnFamily(make_cf_options(i, cache), std::string(kCfNames[i]), &h);
    if (!s.ok()) {
      return Status::error("store-open-failed",
                           "cannot create a column family in " + dir + ": " + s.ToString());
    }
    inst->handles.push_back(h);
    inst->cf[i] = h;
  }
  return inst;
}

}  // namespace

Result<std::unique_ptr<Store>> Store::open(const std::string& dir, const StoreOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  impl->options = options;
  impl->write_options.sync = options.sync;
  impl->cache = rocksdb::NewLRUCache(32ULL << 20);
  VIGIE_ASSIGN_OR_RETURN(impl->inst, open_instance(dir, options, impl->cache));
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Result<CommitResult> Store::commit(const Batch& b) {
  Impl& m = *impl_;
  const std::int64_t call = m.commits.fetch_add(1, std::memory_order_relaxed);
  if (m.options.read_only) return read_only_error(m.dir);
  if (m.options.fail_commit_after >= 0 && call >= m.options.fail_commit_after) {
    return Status::error("store-write-failed",
                         "RocksDB write failed: IO error: injected failure "
                         "(StoreOptions::fail_commit_after)");
  }
  CommitResult result;
  if (b.empty()) return result;

  // Distinct ids, in batch order; a second copy of an id in the batch counts as already stored.
  std::vector<const AlertRecord*> unique;
  std::vector<std::string_view> ids;
  unique.reserve(b.alerts_.size());
  ids.reserve(b.alerts_.size());
  {
    std::unordered_set<std::string_view, ViewHash, std::equal_to<>> seen;
    seen.reserve(b.alerts_.size());
    for (std::size_t i = 0; i < b.alerts_.size(); ++i) {
      const AlertRecord& a = b.alerts_[i];
      if (const std::string_view problem = id_problem(a.id); !problem.empty()) {
        return Status::error("invalid-alert", "the alert at batch position " + std::to_string(i) +
                                                  " " + std::string(problem));
      }
      if (seen.insert(a.id).second) {
        unique.push_back(&a);
        ids.push_back(a.id);
      } else {
        ++result.alerts_already_stored;
      }
    }
  }

  IdClaim claim(m.claims_mu, m.claims_cv, m.claimed, ids);

  std::vector<rocksdb::Slice> id_keys(ids.size());
  std::transform(ids.begin(), ids.end(), id_keys.begin(), slice);
  std::vector<rocksdb::PinnableSlice> values(ids.size());
  std::vector<rocksdb::Status> statuses(ids.size());
  if (!ids.empty()) {
    m.inst->db->MultiGet(rocksdb::ReadOptions(), m.inst->cf[kAlerts], id_keys.size(),
                         id_keys.data(), values.data(), statuses.data());
  }

  rocksdb::WriteBatch wb;
  rocksdb::Status s;
  const std::int64_t now = now_ms();
  std::uint64_t inserted = 0;
  for (std::size_t i = 0; i < unique.size() && s.ok(); ++i) {
    if (statuses[i].ok()) {
      ++result.alerts_already_stored;
      continue;
    }
    if (!statuses[i].IsNotFound()) {
      return Status::error("store-read-failed", "RocksDB read failed while checking alert ids in " +
                                                    m.dir + ": " + statuses[i].ToString());
    }
    const AlertRecord& a = *unique[i];
    std::string json;
    if (a.created_ms == 0) {
      AlertRecord stamped = a;
      stamped.created_ms = now;
      json = to_json(stamped);
    } else {
      json = to_json(a);
    }
    s = wb.Put(m.inst->cf[kAlerts], id_keys[i], json);
    if (s.ok()) s = index(wb, m.inst->cf, a, /*erase=*/false);
    ++inserted;
  }
  if (s.ok() && inserted > 0) {
    s = wb.Merge(m.inst->cf[kMeta], slice(kAlertCountKey), count_operand(inserted));
  }
  for (std::size_t i = 0; i < b.state_.size() && s.ok(); ++i) {
    const Batch::StateOp& op = b.state_[i];
    s = op.erase ? wb.Delete(m.inst->cf[kState], op.key)
                 : wb.Put(m.inst->cf[kState], op.key, op.bytes);
  }
  for (std::size_t i = 0; i < b.offsets_.size() && s.ok(); ++i) {
    const Batch::OffsetOp& op = b.offsets_[i];
    s = wb.Put(m.inst->cf[kOffsets], keys::offset_key(op.topic, op.partition),
               keys::offset_value(op.next_offset));
  }
  if (!s.ok()) {
    return Status::error("store-write-failed",
                         "cannot build the RocksDB write batch for " + m.dir + ": " + s.ToString());
  }
  result.alerts_inserted = inserted;
  if (wb.Count() == 0) return result;
  s = m.inst->db->Write(m.write_options, &wb);
  if (!s.ok()) return Status::error("store-write-failed", "RocksDB write failed: " + s.ToString());
  return result;
}

Status Store::update_alert(const AlertRecord& a) {
  Impl& m = *impl_;
  if (m.options.read_only) return read_only_error(m.dir);
  if (const std::string_view problem = id_problem(a.id); !problem.empty()) {
    return Status::error("invalid-alert", "the updated alert " + std::string(problem));
  }
  IdClaim claim(m.claims_mu, m.claims_cv, m.claimed, {a.id});

  std::string json;
  rocksdb::Status s =
      m.inst->db->Get(rocksdb::ReadOptions(), m.inst->cf[kAlerts], slice(a.id), &json);
  if (s.IsNotFound()) return Status::error("alert-not-found", "no stored alert has this id");
  if (!s.ok()) {
    return Status::error("store-read-failed",
                         "RocksDB read failed in " + m.dir + ": " + s.ToString());
  }
  Result<AlertRecord> old = alert_from_json(json);
  if (!old.ok()) {
    return Status::error("store-read-failed",
                         "the stored copy of the alert does not parse: " + old.status().message());
  }
  AlertRecord next = a;
  if (next.created_ms == 0) next.created_ms = old->created_ms;

  rocksdb::WriteBatch wb;
  s = index(wb, m.inst->cf, *old, /*erase=*/true);
  if (s.ok()) s = index(wb, m.inst->cf, next, /*erase=*/false);
  if (s.ok()) s = wb.Put(m.inst->cf[kAlerts], slice(next.id), to_json(next));
  if (s.ok()) s = m.inst->db->Write(m.write_options, &wb);
  if (!s.ok()) return Status::error("store-write-failed", "RocksDB write failed: " + s.ToString());
  return {};
}

std::optional<std::int64_t> Store::offset(std::string_view topic, std::int32_t partition) const {
  const Impl& m = *impl_;
  std::shared_lock lock(m.inst_mu);
  std::optional<std::string> v =
      m.get(kOffsets, keys::offset_key(topic, partition), m.read_options());
  if (!v) return std::nullopt;
  std::optional<std::int64_t> next = keys::read_offset_value(*v);
  if (!next) m.read_errors.fetch_add(1, std::memory_order_relaxed);
  return next;
}

std::vector<std::tuple<std::string, std::int32_t, std::int64_t>> Store::offsets() const {
  const Impl& m = *impl_;
  std::shared_lock lock(m.inst_mu);
  std::vector<std::tuple<std::string, std::int32_t, std::int64_t>> out;
  std::unique_ptr<rocksdb::Iterator> it(
      m.inst->db->NewIterator(m.read_options(), m.inst->cf[kOffsets]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string topic;
    std::int32_t partition = 0;
    const std::optional<std::int64_t> next = keys::read_offset_value(view(it->value()));
    if (!keys::read_offset_key(view(it->key()), topic, partition) || !next) {
      m.read_errors.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    out.emplace_back(std::move(topic), partition, *next);
  }
  if (!it->status().ok()) m.read_errors.fetch_add(1, std::memory_order_relaxed);
  return out;
}

std::optional<std::string> Store::state(std::string_view key) const {
  const Impl& m = *impl_;
  std::shared_lock lock(m.inst_mu);
  return m.get(kState, key, m.read_options());
}

std::optional<AlertRecord> Store::alert(std::string_view id) const {
  const Impl& m = *impl_;
  std::shared_lock lock(m.inst_mu);
  return m.get_alert(id, m.read_options());
}

std::vector<AlertRecord> Store::list(const ListQuery& q) const {
  const Impl& m = *impl_;
  std::vector<AlertRecord> out;
  if (q.limit == 0 || q.from_ms > q.to_ms) return out;

  std::size_t family = kByTime;
  std::string_view value;
  if (!q.rule_id.empty()) {
    family = kByRule;
    value = q.rule_id;
  } else if (!q.tenant.empty()) {
    family = kByTenantTime;
    value = q.tenant;
  } else if (!q.status.empty()) {
    family = kByStatus;
    value = q.status;
  }

  std::shared_lock lock(m.inst_mu);
  const ScopedSnapshot snapshot(m.inst->db, !m.options.read_only);
  const rocksdb::ReadOptions ro = m.read_options(snapshot.get());
  const std::string prefix = keys::index_prefix(value);
  const std::string upper = keys::prefix_upper_bound(prefix);
  const rocksdb::Slice upper_slice = slice(upper);
  rocksdb::ReadOptions scan = ro;
  scan.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(m.inst->db->NewIterator(scan, m.inst->cf[family]));

  std::string start = prefix;
  keys::append_time_desc(start, q.to_ms);
  for (it->Seek(slice(start)); it->Valid() && out.size() < q.limit; it->Next()) {
    const std::string_view key = view(it->key());
    std::int64_t time_ms = 0;
    std::string_view id;
    if (!key.starts_with(prefix) ||
        !keys::split_index_suffix(key.substr(prefix.size()), time_ms, id)) {
      m.read_errors.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    if (time_ms < q.from_ms) break;
    std::optional<AlertRecord> a = m.get_alert(id, ro);
    if (!a) continue;  // counted by get_alert if it was an error
    if ((!q.tenant.empty() && a->tenant != q.tenant) ||
        (!q.rule_id.empty() && a->rule_id != q.rule_id) ||
        (!q.status.empty() && a->status != q.status) || a->time_ms != time_ms) {
      continue;
    }
    out.push_back(std::move(*a));
  }
  if (!it->status().ok()) m.read_errors.fetch_add(1, std::memory_order_relaxed);
  return out;
}

std::uint64_t Store::alert_count() const {
  const Impl& m = *impl_;
  std::shared_lock lock(m.inst_mu);
  std::optional<std::string> v = m.get(kMeta, kAlertCountKey, m.read_options());
  if (!v) return 0;
  if (v->size() != 8) {
    m.read_errors.fetch_add(1, std::memory_order_relaxed);
    return 0;
  }
  return keys::read_u64_be(*v);
}

void Store::for_each_alert(const std::function<void(const AlertRecord&)>& f) const {
  const Impl& m = *impl_;
  std::shared_lock lock(m.inst_mu);
  const ScopedSnapshot snapshot(m.inst->db, !m.options.read_only);
  std::unique_ptr<rocksdb::Iterator> it(
      m.inst->db->NewIterator(m.read_options(snapshot.get()), m.inst->cf[kAlerts]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Result<AlertRecord> a = alert_from_json(view(it->value()));
    if (!a.ok()) {
      m.read_errors.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    f(*a);
  }
  if (!it->status().ok()) m.read_errors.fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t Store::read_errors() const {
  return impl_->read_errors.load(std::memory_order_relaxed);
}

Status Store::flush() {
  Impl& m = *impl_;
  if (m.options.read_only) return {};
  rocksdb::FlushOptions fo;
  fo.wait = true;
  const std::vector<rocksdb::ColumnFamilyHandle*> families(m.inst->cf.begin(), m.inst->cf.end());
  const rocksdb::Status s = m.inst->db->Flush(fo, families);
  if (!s.ok()) {
    return Status::error("store-flush-failed",
                         "cannot flush the store " + m.dir + ": " + s.ToString());
  }
  return {};
}

Status Store::checkpoint(const std::string& to_dir) {
  Impl& m = *impl_;
  if (m.options.read_only) return read_only_error(m.dir);
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(m.inst->db, &raw);
  const std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  if (s.ok()) s = checkpoint->CreateCheckpoint(to_dir);
  if (!s.ok()) {
    return Status::error(
        "store-checkpoint-failed",
        "cannot write a checkpoint of the store " + m.dir + " to " + to_dir + ": " + s.ToString());
  }
  return {};
}

Status Store::catch_up() {
  Impl& m = *impl_;
  if (!m.options.read_only) return {};
  // A fresh secondary instance, not TryCatchUpWithPrimary(): RocksDB's incremental catch-up keeps
  // the entries it replayed from a WAL in its active memtable after the writer has flushed that
  // WAL, so Get() can return a stale value (an alert's old status) and a merge operand counts
  // twice (facebook/rocksdb#15051). Opening anew replays the MANIFEST and WALs from scratch.
  Result<std::unique_ptr<Instance>> fresh = open_instance(m.dir, m.options, m.cache);
  if (!fresh.ok()) {
    return Status::error("store-catch-up-failed", "cannot catch up with the writer of " + m.dir +
                                                      ": " + fresh.status().message());
  }
  std::unique_ptr<Instance> old;
  {
    std::unique_lock lock(m.inst_mu);
    old = std::exchange(m.inst, std::move(fresh).value());
  }
  return {};  // the old instance closes here, outside the lock
}

const std::string& Store::dir() const { return impl_->dir; }
bool Store::read_only() const { return impl_->options.read_only; }

}  // namespace vigie::store
