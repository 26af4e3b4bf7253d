#include "correlate/engine.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>

#include "common/digest.h"
#include "common/number.h"
#include "correlate/aggregate.h"

namespace vigie::correlate {
namespace {

using rules::CorrelationType;

constexpr std::int64_t kNone = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kInfinity = std::numeric_limits<std::int64_t>::max();

struct Item {
  std::int64_t time;
  EventRef ref;
};

// Memory layout. Most groups hold a key of a few dozen bytes and one or two events, and there are
// hundreds of thousands of them: a group is kept to 104 bytes with its key inline and its first
// event inline, payloads are out of line (only value_* and temporal types have them), slots live
// in fixed chunks rather than in a vector that doubles, and the index keeps each key's hash so
// that probing touches no group but the one it finds. At this size the cost of an event is the
// cache misses it takes (index, group, events), so the layout counts them: see
// docs/performance.md.

// A group key (append_component encoding), inline up to kInline bytes, else on the heap (the
// pointer is kept in the first bytes of buf_).
class Key {
 public:
  static constexpr std::size_t kInline = 32;
  Key() = default;
  Key(Key&& o) noexcept { take(o); }
  Key& operator=(Key&& o) noexcept {
    if (this != &o) {
      clear();
      take(o);
    }
    return *this;
  }
  Key(const Key&) = delete;
  Key& operator=(const Key&) = delete;
  ~Key() { clear(); }

  void assign(std::string_view v) {
    clear();
    char* p = buf_;
    if (v.size() > kInline) {
      p = new char[v.size()];
      std::memcpy(buf_, &p, sizeof p);
    }
    if (!v.empty()) std::memcpy(p, v.data(), v.size());
    size_ = static_cast<std::uint32_t>(v.size());
  }
  void clear() {
    if (size_ > kInline) delete[] heap();
    size_ = 0;
  }
  std::string_view view() const { return {size_ > kInline ? heap() : buf_, size_}; }
  std::size_t heap_bytes() const { return size_ > kInline ? size_ : 0; }

 private:
  char* heap() const {
    char* p;
    std::memcpy(&p, buf_, sizeof p);
    return p;
  }
  void take(Key& o) {
    std::memcpy(buf_, o.buf_, kInline);
    size_ = o.size_;
    o.size_ = 0;
  }
  char buf_[kInline] = {};
  std::uint32_t size_ = 0;
};

// A group's events, sorted by time: the first one inline, more on the heap. Events leave from
// the front as windows slide, so the heap array keeps a head offset: erasing from the front is
// O(1), and when the array is full it is compacted if a fifth or more of it has left (so each
// compaction is paid for by as many erasures), else doubled: both ends are amortised O(1) and a
// group that slides at a steady size keeps a steady array. 24 bytes.
class Items {
 public:
  Items() = default;
  Items(Items&& o) noexcept { take(o); }
  Items& operator=(Items&& o) noexcept {
    if (this != &o) {
      release();
      take(o);
    }
    return *this;
  }
  Items(const Items&) = delete;
  Items& operator=(const Items&) = delete;
  ~Items() { release(); }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  Item* begin() { return data(); }
  Item* end() { return data() + size_; }
  const Item* begin() const { return data(); }
  const Item* end() const { return data() + size_; }
  Item& operator[](std::size_t i) { return data()[i]; }
  const Item& operator[](std::size_t i) const { return data()[i]; }
  const Item& front() const { return data()[0]; }
  const Item& back() const { return data()[size_ - 1]; }
  std::size_t heap_bytes() const { return cap() > 1 ? cap() * sizeof(Item) : 0; }

  void insert(std::size_t pos, const Item& item) {
    if (head_ + size_ == cap()) make_room();
    Item* d = data();
    std::memmove(d + pos + 1, d + pos, (size_ - pos) * sizeof(Item));
    d[pos] = item;
    ++size_;
  }
  void push_back(const Item& item) { insert(size_, item); }
  void erase_front(std::size_t n) {
    size_ -= static_cast<std::uint32_t>(n);
    if (size_ == 0) {
      head_ = 0;
    } else if (head_ + n > kMaxHead) {
      std::memmove(base(), data() + n, size_ * sizeof(Item));
      head_ = 0;
    } else {
      head_ = static_cast<std::uint16_t>(head_ + n);
    }
  }
  void release() {
    if (cap() > 1) delete[] heap_;
    size_ = 0;
    head_ = 0;
    cap_log2_ = 0;
  }

 private:
  static constexpr std::size_t kMaxHead = 0xFFFF;
  std::uint32_t cap() const { return std::uint32_t{1} << cap_log2_; }
  Item* base() { return cap() > 1 ? heap_ : &one_; }
  const Item* base() const { return cap() > 1 ? heap_ : &one_; }
  Item* data() { return base() + head_; }
  const Item* data() const { return base() + head_; }
  void make_room() {
    if (head_ > 0 && std::size_t{head_} * 4 >= size_) {
      std::memmove(base(), data(), size_ * sizeof(Item));
      head_ = 0;
      return;
    }
    const std::uint32_t cap = this->cap() * 2;
    Item* p = new Item[cap];
    std::memcpy(p, data(), size_ * sizeof(Item));
    if (this->cap() > 1) delete[] heap_;
    heap_ = p;
    ++cap_log2_;
    head_ = 0;
  }
  void take(Items& o) {
    size_ = o.size_;
    head_ = o.head_;
    cap_log2_ = o.cap_log2_;
    if (cap() > 1) {
      heap_ = o.heap_;
    } else {
      one_ = o.one_;
    }
    o.size_ = 0;
    o.head_ = 0;
    o.cap_log2_ = 0;
  }
  union {
    Item one_{};
    Item* heap_;
  };
  std::uint32_t size_ = 0;
  std::uint16_t head_ = 0;  // events before it have left
  std::uint8_t cap_log2_ = 0;
};

// Per-event payloads, parallel to a group's items; allocated only for correlations that keep
// payloads. Leaving from the front is O(1) as for Items: a head index, compacted when at least
// half the vector has left.
class Payloads {
 public:
  Payload& operator[](std::size_t i) { return p_->v[p_->head + i]; }
  const Payload& operator[](std::size_t i) const { return p_->v[p_->head + i]; }
  std::span<const Payload> span() const {
    return p_ ? std::span<const Payload>(p_->v).subspan(p_->head) : std::span<const Payload>();
  }
  void insert(std::size_t pos, Payload&& p) {
    if (!p_) p_ = std::make_unique<Store>();
    p_->v.insert(p_->v.begin() + static_cast<std::ptrdiff_t>(p_->head + pos), std::move(p));
  }
  void push_back(Payload&& p) { insert(p_ ? p_->v.size() - p_->head : 0, std::move(p)); }
  void erase_front(std::size_t n) {
    if (!p_ || n == 0) return;
    std::vector<Payload>& v = p_->v;
    for (std::size_t i = 0; i < n; ++i) v[p_->head + i].chain.reset();
    p_->head += n;
    if (p_->head == v.size()) {
      v.clear();
      p_->head = 0;
    } else if (p_->head * 2 >= v.size()) {
      v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(p_->head));
      p_->head = 0;
    }
  }
  void clear() { p_.reset(); }
  std::size_t heap_bytes() const {
    if (!p_) return 0;
    std::size_t bytes = sizeof(Store) + p_->v.capacity() * sizeof(Payload);
    for (const Payload& p : p_->v) {
      if (p.chain) bytes += sizeof(ChainRefs) + p.chain->refs.capacity() * sizeof(EventRef);
    }
    return bytes;
  }

 private:
  struct Store {
    std::vector<Payload> v;
    std::size_t head = 0;
  };
  std::unique_ptr<Store> p_;
};

struct Group {
  Key key;                             // encoded tenant and group values (append_component)
  std::uint32_t gen = 0;               // odd while live; bumped when created and freed
  std::uint64_t seq = 0;               // creation order: breaks ties between equal deadlines
  std::int64_t episode_end = kNone;    // end of the last satisfying window
  std::int64_t scheduled = kNone;      // deadline of this group's valid timer entry
  std::int64_t decided_until = kNone;  // end of the last window decided at close
  Items items;                         // sorted by time; equal times in arrival order
  Payloads payload;                    // parallel to items when the correlation needs it

  bool live() const { return (gen & 1) != 0; }
};
static_assert(sizeof(Group) <= 104, "a group's fixed part is what event_count costs per key");

// Group slots in fixed chunks: references stay valid as slots are added, and the memory is the
// slots in use rounded up to a chunk, not up to the next power of two.
class GroupStore {
 public:
  static constexpr std::uint32_t kChunk = 256;
  Group& operator[](std::uint32_t i) { return chunks_[i / kChunk][i % kChunk]; }
  const Group& operator[](std::uint32_t i) const { return chunks_[i / kChunk][i % kChunk]; }
  std::uint32_t size() const { return size_; }
  Group& emplace_back() {
    if (size_ == chunks_.size() * kChunk) chunks_.push_back(std::make_unique<Group[]>(kChunk));
    return (*this)[size_++];
  }
  std::size_t bytes() const {
    return chunks_.size() * kChunk * sizeof(Group) +
           chunks_.capacity() * sizeof(std::unique_ptr<Group[]>);
  }

 private:
  std::vector<std::unique_ptr<Group[]>> chunks_;
  std::uint32_t size_ = 0;
};

std::uint32_t key_hash(std::string_view key) {
  const std::uint64_t h = std::hash<std::string_view>{}(key);
  return static_cast<std::uint32_t>(h ^ (h >> 32));
}

// push_back with capacity growing by a quarter instead of doubling: the heap and the free list
// hold one entry per group, so their slack is part of what a group costs.
template <typename T>
void push_back_growing_by_a_quarter(std::vector<T>& v, const T& x) {
  if (v.size() == v.capacity()) v.reserve(v.capacity() + v.capacity() / 4 + 16);
  v.push_back(x);
}

// 16 bytes. An entry is current while its group is live with this deadline scheduled and the same
// creation number (a freed slot's next group has another): others are skipped when taken.
struct TimerEntry {
  std::int64_t deadline;
  std::uint32_t seq;  // low bits of the group's creation number: orders equal deadlines
  std::uint32_t slot;
};

// Due first: by deadline, then by group creation order.
bool earlier(const TimerEntry& a, const TimerEntry& b) {
  return a.deadline != b.deadline ? a.deadline < b.deadline : a.seq < b.seq;
}
bool later(const TimerEntry& a, const TimerEntry& b) { return earlier(b, a); }

// When each group of a correlation next needs attention: a timer wheel of kBuckets buckets, each
// one tick (a power of two of milliseconds) wide. A bucket is taken when the watermark passes its
// end, so a group is attended to at most one tick after its deadline; the entries taken at once
// are sorted by (deadline, creation order), the order an exact priority queue would give. The
// tick is chosen so that the wheel spans the correlation's timespan plus the allowed lateness,
// where nearly every deadline falls (an event's deadline is its time plus the timespan, and
// events arrive at most the lateness behind the watermark); deadlines beyond it wait in a heap.
// Compared with one binary heap per correlation, scheduling is an append and taking is a scan
// of memory written in order: no sifting across a heap the size of the group count.
class Timers {
 public:
  static constexpr std::size_t kBuckets = 512;

  explicit Timers(std::int64_t horizon_ms = 0) {
    while (shift_ < 40 && (std::int64_t{1} << shift_) * std::int64_t{kBuckets - 2} < horizon_ms)
      ++shift_;
  }

  // `w` is the current watermark. The wheel starts, when empty, at the first bucket `w` has not
  // passed, where it would be had it been advancing all along: so a wheel rebuilt from a snapshot
  // takes the same entries at the same watermarks as the one that never stopped. A deadline
  // already passed goes to that first bucket.
  void push(const TimerEntry& e, std::int64_t w) {
    std::int64_t b = e.deadline >> shift_;
    if (count_ == 0) cursor_ = (w + 1) >> shift_;
    if (b < cursor_) b = cursor_;
    ++count_;
    if (b >= cursor_ + static_cast<std::int64_t>(kBuckets)) {
      overflow_.push_back(e);
      std::push_heap(overflow_.begin(), overflow_.end(), later);
      return;
    }
    ring_[static_cast<std::size_t>(b) & (kBuckets - 1)].push_back(e);
  }

  // The watermark at which something may be due: the end of the first bucket not taken.
  std::int64_t next_check() const {
    if (count_ == 0) return std::numeric_limits<std::int64_t>::max();
    return cursor_ >= (std::numeric_limits<std::int64_t>::max() >> shift_)
               ? std::numeric_limits<std::int64_t>::max()
               : ((cursor_ + 1) << shift_) - 1;
  }

  // Moves into `out` (cleared first) every entry of the buckets the watermark `w` has passed,
  // sorted by (deadline, creation order). `w` = max: everything.
  void take_due(std::int64_t w, std::vector<TimerEntry>& out) {
    out.clear();
    if (count_ == 0) return;
    if (w == std::numeric_limits<std::int64_t>::max()) {
      for (auto& bucket : ring_) {
        out.insert(out.end(), bucket.begin(), bucket.end());
        std::vector<TimerEntry>().swap(bucket);
      }
      out.insert(out.end(), overflow_.begin(), overflow_.end());
      overflow_.clear();
      count_ = 0;
      std::sort(out.begin(), out.end(), earlier);
      return;
    }
    // Buckets [cursor_, end) are passed: their last millisecond is <= w.
    const std::int64_t end = (w + 1) >> shift_;
    if (end <= cursor_) return;
    const std::int64_t passed = std::min<std::int64_t>(end - cursor_, kBuckets);
    for (std::int64_t b = cursor_; b < cursor_ + passed; ++b) {
      auto& bucket = ring_[static_cast<std::size_t>(b) & (kBuckets - 1)];
      out.insert(out.end(), bucket.begin(), bucket.end());
      std::vector<TimerEntry>().swap(bucket);  // a taken bucket holds no memory
    }
    while (!overflow_.empty() && (overflow_.front().deadline >> shift_) < end) {
      std::pop_heap(overflow_.begin(), overflow_.end(), later);
      out.push_back(overflow_.back());
      overflow_.pop_back();
    }
    cursor_ = end;
    // Deadlines the wheel now reaches leave the overflow heap.
    while (!overflow_.empty() &&
           (overflow_.front().deadline >> shift_) < cursor_ + static_cast<std::int64_t>(kBuckets)) {
      std::pop_heap(overflow_.begin(), overflow_.end(), later);
      const TimerEntry e = overflow_.back();
      overflow_.pop_back();
      const std::int64_t b = std::max(cursor_, e.deadline >> shift_);
      ring_[static_cast<std::size_t>(b) & (kBuckets - 1)].push_back(e);
    }
    count_ -= out.size();
    std::sort(out.begin(), out.end(), earlier);
  }

  std::size_t bytes() const {
    std::size_t n = overflow_.capacity() * sizeof(TimerEntry);
    for (const auto& b : ring_) n += b.capacity() * sizeof(TimerEntry);
    return n;
  }

 private:
  int shift_ = 0;
  std::int64_t cursor_ = std::numeric_limits<std::int64_t>::max();  // first bucket not taken
  std::size_t count_ = 0;
  std::array<std::vector<TimerEntry>, kBuckets> ring_;
  std::vector<TimerEntry> overflow_;  // min-heap by deadline: beyond the wheel
};

// Key: for the tenant and each group value, a 4-byte length then the bytes. Injective.
void append_component(std::string& key, std::string_view v) {
  auto n = static_cast<std::uint32_t>(v.size());
  char len[4];
  for (int i = 0; i < 4; ++i) len[i] = static_cast<char>(n >> (8 * i));
  key.append(len, 4);
  key.append(v);
}

std::vector<std::string> decode_key(std::string_view key) {
  std::vector<std::string> parts;
  while (key.size() >= 4) {
    std::uint32_t n = 0;
    for (int i = 0; i < 4; ++i)
      n |= static_cast<std::uint32_t>(static_cast<unsigned char>(key[i])) << (8 * i);
    key.remove_prefix(4);
    n = std::min<std::uint32_t>(n, static_cast<std::uint32_t>(key.size()));
    parts.emplace_back(key.substr(0, n));
    key.remove_prefix(n);
  }
  return parts;
}

// Open addressing over group slots, linear probing, backward-shift deletion. An entry keeps the
// key's 32-bit hash beside the slot: probing and deletion compare and move entries without
// touching the groups (a cache miss each), and a key is compared only when the hashes agree.
class GroupIndex {
 public:
  std::uint32_t find(std::uint32_t hash, std::string_view key, const GroupStore& groups) const {
    if (table_.empty()) return kAbsent;
    for (std::size_t i = home(hash);; i = next(i)) {
      const Entry e = table_[i];
      if (e.slot1 == 0) return kAbsent;
      if (e.hash == hash && groups[e.slot1 - 1].key.view() == key) return e.slot1 - 1;
    }
  }
  // `slot` holds the key `hash` was computed from.
  void insert(std::uint32_t slot, std::uint32_t hash) {
    if ((size_ + 1) * 4 > table_.size() * 3) grow();
    place({hash, slot + 1});
    ++size_;
  }
  // `slot` is in the index under `hash`.
  void erase(std::uint32_t slot, std::uint32_t hash) {
    std::size_t pos = home(hash);
    while (table_[pos].slot1 != slot + 1) pos = next(pos);
    std::size_t j = pos;
    while (true) {
      j = next(j);
      const Entry e = table_[j];
      if (e.slot1 == 0) break;
      std::size_t h = home(e.hash);
      // Move e back to `pos` unless its home lies cyclically in (pos, j].
      bool stays = pos <= j ? (h > pos && h <= j) : (h > pos || h <= j);
      if (!stays) {
        table_[pos] = e;
        pos = j;
      }
    }
    table_[pos] = Entry{};
    --size_;
  }
  std::size_t bytes() const { return table_.capacity() * sizeof(Entry); }

  static constexpr std::uint32_t kAbsent = ~0u;

 private:
  struct Entry {
    std::uint32_t hash = 0;
    std::uint32_t slot1 = 0;  // slot + 1; 0 when empty
  };
  // Any table size (no power of two, so it grows by half rather than doubling): a 32-bit hash
  // maps to [0, size) by multiplication.
  std::size_t home(std::uint32_t hash) const {
    return static_cast<std::size_t>((std::uint64_t{hash} * table_.size()) >> 32);
  }
  std::size_t next(std::size_t i) const { return i + 1 == table_.size() ? 0 : i + 1; }
  void place(Entry e) {
    std::size_t i = home(e.hash);
    while (table_[i].slot1 != 0) i = next(i);
    table_[i] = e;
  }
  void grow() {
    std::size_t n = std::max<std::size_t>(16, table_.size() + table_.size() / 2);
    while ((size_ + 1) * 4 > n * 3) n += n / 2;
    std::vector<Entry> old(n);
    old.swap(table_);
    for (const Entry& e : old) {
      if (e.slot1 != 0) place(e);
    }
  }

  std::vector<Entry> table_;  // at most three quarters full
  std::size_t size_ = 0;
};

struct State {
  explicit State(std::int64_t horizon_ms) : timers(horizon_ms) {}
  GroupStore groups;  // slots
  std::vector<std::uint32_t> free_slots;
  GroupIndex index;
  Timers timers;
  ValuePool values;  // value_count
  std::size_t live = 0;
  std::vector<Alert> results;  // produced during the current step
};

// The text of a group-by or value_count value; false when absent or null.
bool value_text(const event::Event& e, std::uint32_t field, std::string& out) {
  if (field == ValueSource::kNone) return false;
  const event::Value* v = e.get(field);
  if (v == nullptr || v->kind == event::Kind::kNull) return false;
  if (v->kind != event::Kind::kList) {
    out.assign(v->text);
    return true;
  }
  // A list is one value: its elements as written, comma-separated.
  out.clear();
  const auto& items = e.list_items();
  for (std::uint32_t i = 0; i < v->list_size; ++i) {
    if (i) out += ',';
    out += items[v->list_begin + i].text;
  }
  return true;
}

bool value_number(const event::Event& e, std::uint32_t field, double& out) {
  if (field == ValueSource::kNone) return false;
  const event::Value* v = e.get(field);
  if (v == nullptr) return false;
  if (v->kind == event::Kind::kInt || v->kind == event::Kind::kDouble) {
    out = v->real;
    return std::isfinite(out);
  }
  if (v->kind == event::Kind::kString) {
    if (auto d = parse_decimal(v->text)) {
      out = *d;
      return true;
    }
  }
  return false;
}

std::int64_t saturating_sub(std::int64_t a, std::int64_t b) {
  if (a == kNone) return kNone;
  if (a < kNone + b) return kNone + 1;
  return a - b;
}

}  // namespace

class Engine::Impl {
 public:
  Impl(const CorrelationSet& set, EngineOptions options)
      : set_(set), options_(options), event_masks_(set.size(), 0) {
    make_states();
    // Per correlation, the results of the correlations it consumes: each consumed correlation
    // once, with the mask of every input that names it.
    chained_.resize(set.size());
    for (std::uint32_t c = 0; c < set.size(); ++c) {
      const CompiledCorrelation& cc = set.at(c);
      for (std::uint32_t k = 0; k < cc.inputs.size(); ++k) {
        const CorrelationInput& in = cc.inputs[k];
        if (!in.is_correlation) continue;
        auto it = std::find_if(chained_[c].begin(), chained_[c].end(), [&](const Chained& x) {
          return cc.inputs[x.input].index == in.index;
        });
        if (it == chained_[c].end()) {
          chained_[c].push_back({k, std::uint64_t{1} << k});
        } else {
          it->mask |= std::uint64_t{1} << k;
        }
      }
    }
  }

  void process(const event::Event& e, EventRef ref, std::span<const std::uint32_t> matched,
               std::vector<Alert>& out) {
    ++stats_.events;
    bool touched = false;
    fed_.clear();
    for (std::uint32_t r : matched) {
      if (r >= set_.rules().size()) continue;
      for (const CorrelationSet::Consumer& c : set_.consumers_of_rule(r)) {
        if (event_masks_[c.correlation] == 0) fed_.push_back(c.correlation);
        event_masks_[c.correlation] |= std::uint64_t{1} << c.input;
        touched = true;
      }
    }
    auto clear_masks = [&] {
      for (std::uint32_t c : fed_) event_masks_[c] = 0;
    };
    if (e.time_ms == event::Event::kNoTime) {
      if (touched) ++stats_.untimed;
      clear_masks();
      return;
    }
    if (max_seen_ != kNone && e.time_ms < watermark()) {
      if (touched) ++stats_.late;
      clear_masks();
      return;
    }
    max_seen_ = max_seen_ == kNone ? e.time_ms : std::max(max_seen_, e.time_ms);
    std::int64_t w = watermark();
    if (!touched && w < next_deadline_) return;
    step(w, touched ? &e : nullptr, ref, out);
    clear_masks();
  }

  void flush(std::vector<Alert>& out) { step(kInfinity, nullptr, 0, out); }

  std::int64_t watermark() const {
    return max_seen_ == kNone ? event::Event::kNoTime
                              : saturating_sub(max_seen_, options_.allowed_lateness_ms);
  }

  const Stats& stats() const { return stats_; }

  std::size_t active_groups() const {
    std::size_t n = 0;
    for (const State& s : states_) n += s.live;
    return n;
  }

  std::size_t state_bytes() const {
    std::size_t bytes = 0;
    for (const State& s : states_) {
      bytes += s.groups.bytes() + s.free_slots.capacity() * sizeof(std::uint32_t) +
               s.index.bytes() + s.timers.bytes() + s.values.bytes();
      for (std::uint32_t slot = 0; slot < s.groups.size(); ++slot) {
        const Group& g = s.groups[slot];
        bytes += g.key.heap_bytes() + g.items.heap_bytes() + g.payload.heap_bytes();
      }
    }
    return bytes;
  }

  void reset_state() {
    make_states();
    max_seen_ = kNone;
    next_deadline_ = kInfinity;
    next_seq_ = 0;
    stats_ = Stats{};
  }

 private:
  friend class SnapshotCodec;

  struct Chained {
    std::uint32_t input;  // the first input that names the consumed correlation
    std::uint64_t mask;   // every input that names it
  };

  void make_states() {
    states_.clear();
    states_.reserve(set_.size());
    due_at_.assign(set_.size(), kInfinity);
    for (std::uint32_t c = 0; c < set_.size(); ++c) {
      states_.emplace_back(set_.at(c).rule.timespan_ms + options_.allowed_lateness_ms);
    }
  }

  // Restore: takes a group read from a snapshot. False when its key is already present.
  bool adopt_group(std::uint32_t c, Group&& in) {
    State& s = states_[c];
    const CompiledCorrelation& cc = set_.at(c);
    const std::uint32_t hash = key_hash(in.key.view());
    if (s.index.find(hash, in.key.view(), s.groups) != GroupIndex::kAbsent) return false;
    in.gen = 1;
    // The stored deadline, not a recomputed one: groups due at once are decided in deadline
    // order, so alerts come out in the order an uninterrupted run gives them.
    const std::int64_t scheduled = in.scheduled;
    in.scheduled = kNone;
    if (!cc.needs_payload) in.payload.clear();
    auto slot = static_cast<std::uint32_t>(s.groups.size());
    Group& g = s.groups.emplace_back() = std::move(in);
    s.index.insert(slot, hash);
    ++s.live;
    if (scheduled != kNone) {
      g.scheduled = scheduled;
      s.timers.push(TimerEntry{scheduled, static_cast<std::uint32_t>(g.seq), slot}, watermark());
    }
    schedule(s, slot, cc);
    return true;
  }

  // One event time step: every correlation in order takes its inputs (the event, then results
  // of correlations it consumes), then decides the windows the watermark `w` closed.
  void step(std::int64_t w, const event::Event* e, EventRef ref, std::vector<Alert>& out) {
    for (std::uint32_t c : produced_) states_[c].results.clear();
    produced_.clear();
    for (std::uint32_t c = 0; c < states_.size(); ++c) {
      bool fed = e != nullptr && event_masks_[c] != 0;
      for (const Chained& ch : chained_[c])
        fed |= !states_[set_.at(c).inputs[ch.input].index].results.empty();
      // Nothing arrives and nothing is due: the correlation is not touched.
      if (!fed && w < due_at_[c]) continue;
      const CompiledCorrelation& cc = set_.at(c);
      for (const Chained& ch : chained_[c]) {
        const CorrelationInput& in = cc.inputs[ch.input];
        for (const Alert& r : states_[in.index].results) insert_result(c, in, ch.mask, r);
      }
      if (e != nullptr && event_masks_[c] != 0) insert_event(c, *e, ref, event_masks_[c]);
      close(c, w);
      State& s = states_[c];
      due_at_[c] = s.timers.next_check();
      if (!s.results.empty()) {
        produced_.push_back(c);
        if (cc.reported) out.insert(out.end(), s.results.begin(), s.results.end());
      }
    }
    next_deadline_ =
        due_at_.empty() ? kInfinity : *std::min_element(due_at_.begin(), due_at_.end());
  }

  // The group key of event `e` for correlation `c` into `key` (false when a group-by field is
  // missing), through the first input the event matched (aliases may differ per input).
  bool event_key(std::uint32_t c, const event::Event& e, std::uint64_t mask, std::string& key) {
    const CompiledCorrelation& cc = set_.at(c);
    const CorrelationInput& in = cc.inputs[static_cast<std::size_t>(std::countr_zero(mask))];
    key.clear();
    append_component(key, e.tenant);
    for (const ValueSource& src : in.group) {
      if (!value_text(e, src.index, scratch_)) return false;
      append_component(key, scratch_);
    }
    return true;
  }

  void insert_event(std::uint32_t c, const event::Event& e, EventRef ref, std::uint64_t mask) {
    const CompiledCorrelation& cc = set_.at(c);
    const CorrelationInput& in = cc.inputs[static_cast<std::size_t>(std::countr_zero(mask))];
    if (!event_key(c, e, mask, key_)) {
      ++stats_.missing_group_field;
      return;
    }
    Payload p;
    p.inputs = mask;
    const std::string* value = nullptr;
    switch (cc.rule.type) {
      case CorrelationType::kValueCount: {
        tuple_.clear();
        for (const ValueSource& src : in.fields) {
          if (!value_text(e, src.index, scratch_)) {
            ++stats_.missing_value;
            return;
          }
          if (in.fields.size() > 1) {
            append_component(tuple_, scratch_);
          } else {
            tuple_ = scratch_;
          }
        }
        value = &tuple_;
        break;
      }
      case CorrelationType::kValueSum:
      case CorrelationType::kValueAvg:
      case CorrelationType::kValuePercentile:
        if (in.fields.empty() || !value_number(e, in.fields[0].index, p.number)) {
          ++stats_.missing_value;
          return;
        }
        break;
      default:
        break;
    }
    insert(c, Item{e.time_ms, ref}, std::move(p), value, key_hash(key_));
  }

  void insert_result(std::uint32_t c, const CorrelationInput& in, std::uint64_t mask,
                     const Alert& r) {
    key_.clear();
    append_component(key_, r.tenant);
    for (const ValueSource& src : in.group) {
      if (src.index >= r.group.size()) {
        ++stats_.missing_group_field;
        return;
      }
      append_component(key_, r.group[src.index]);
    }
    Payload p;
    p.inputs = mask;
    p.chain = std::make_unique<ChainRefs>(ChainRefs{r.events, r.event_count});
    insert(c, Item{r.window_end, r.events.empty() ? 0 : r.events.front()}, std::move(p), nullptr,
           key_hash(key_));
  }

  // `value`: value_count's value (tuple) for the payload.
  void insert(std::uint32_t c, Item item, Payload&& payload, const std::string* value,
              std::uint32_t hash) {
    const CompiledCorrelation& cc = set_.at(c);
    State& s = states_[c];
    std::uint32_t slot = s.index.find(hash, key_, s.groups);
    if (slot == GroupIndex::kAbsent) slot = create_group(c, hash);
    Group& g = s.groups[slot];
    auto pos = static_cast<std::size_t>(
        std::upper_bound(g.items.begin(), g.items.end(), item.time,
                         [](std::int64_t t, const Item& it) { return t < it.time; }) -
        g.items.begin());
    if (g.items.size() >= options_.limits.max_items_per_group) {
      ++stats_.items_evicted;
      if (pos == 0) return;  // the new event is the oldest: it is the one dropped
      erase_front(s, g, cc, 1);
      --pos;
    }
    g.items.insert(pos, item);
    if (cc.needs_payload) {
      if (value != nullptr) payload.value = s.values.acquire(*value);
      g.payload.insert(pos, std::move(payload));
    }
    schedule(s, slot, cc);
    if (cc.eager) eager_check(c, g, pos);
  }

  std::uint32_t create_group(std::uint32_t c, std::uint32_t hash) {
    State& s = states_[c];
    if (s.live >= options_.limits.max_groups) evict(c);
    std::uint32_t slot;
    if (!s.free_slots.empty()) {
      slot = s.free_slots.back();
      s.free_slots.pop_back();
    } else {
      slot = static_cast<std::uint32_t>(s.groups.size());
      s.groups.emplace_back();
    }
    Group& g = s.groups[slot];
    g.key.assign(key_);
    g.seq = next_seq_++;
    ++g.gen;  // odd: live
    g.episode_end = kNone;
    g.decided_until = kNone;
    g.scheduled = kNone;
    s.index.insert(slot, hash);
    ++s.live;
    return slot;
  }

  // Drops a group's `n` oldest events.
  static void erase_front(State& s, Group& g, const CompiledCorrelation& cc, std::size_t n) {
    if (cc.needs_payload) {
      for (std::size_t i = 0; i < n; ++i) {
        if (g.payload[i].value != Payload::kNoValue) s.values.release(g.payload[i].value);
      }
      g.payload.erase_front(n);
    }
    g.items.erase_front(n);
  }

  void free_group(std::uint32_t c, std::uint32_t slot) {
    State& s = states_[c];
    Group& g = s.groups[slot];
    erase_front(s, g, set_.at(c), g.items.size());
    s.index.erase(slot, key_hash(g.key.view()));
    ++g.gen;  // even: free
    g.key.clear();
    g.items.release();
    g.payload.clear();
    push_back_growing_by_a_quarter(s.free_slots, slot);
    --s.live;
  }

  // Drops the least recently active sixteenth of the groups (at least one).
  void evict(std::uint32_t c) {
    State& s = states_[c];
    struct Victim {
      std::int64_t activity;
      std::uint64_t seq;
      std::uint32_t slot;
    };
    std::vector<Victim> v;
    v.reserve(s.live);
    for (std::uint32_t slot = 0; slot < s.groups.size(); ++slot) {
      const Group& g = s.groups[slot];
      if (!g.live()) continue;
      v.push_back({g.items.empty() ? g.episode_end : g.items.back().time, g.seq, slot});
    }
    std::size_t k = std::max<std::size_t>(1, v.size() / 16);
    auto older = [](const Victim& a, const Victim& b) {
      return a.activity != b.activity ? a.activity < b.activity : a.seq < b.seq;
    };
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k - 1), v.end(), older);
    for (std::size_t i = 0; i < k && i < v.size(); ++i) {
      stats_.items_evicted += s.groups[v[i].slot].items.size();
      ++stats_.groups_evicted;
      free_group(c, v[i].slot);
    }
  }

  // When the group next needs attention: its oldest event leaves every window (and, for
  // conditions decided at close, the window it starts is decided), or its episode ends.
  static std::int64_t deadline(const Group& g, std::int64_t timespan) {
    if (!g.items.empty()) return g.items.front().time + timespan + 1;
    return g.episode_end == kNone ? kNone : g.episode_end + 1;
  }

  void schedule(State& s, std::uint32_t slot, const CompiledCorrelation& cc) {
    Group& g = s.groups[slot];
    std::int64_t d = deadline(g, cc.rule.timespan_ms);
    if (g.scheduled != kNone && g.scheduled <= d) return;
    g.scheduled = d;
    s.timers.push(TimerEntry{d, static_cast<std::uint32_t>(g.seq), slot}, watermark());
  }

  void close(std::uint32_t c, std::int64_t w) {
    const CompiledCorrelation& cc = set_.at(c);
    State& s = states_[c];
    const std::int64_t span = cc.rule.timespan_ms;
    s.timers.take_due(w, due_);
    for (const TimerEntry& top : due_) {
      Group& g = s.groups[top.slot];
      if (!g.live() || g.scheduled != top.deadline || static_cast<std::uint32_t>(g.seq) != top.seq)
        continue;
      const std::uint32_t gen = g.gen;
      g.scheduled = kNone;
      std::int64_t due = deadline(g, span);
      if (due == kNone || due <= w) service(c, top.slot, w);
      if (s.groups[top.slot].gen == gen) schedule(s, top.slot, cc);
    }
  }

  // Decides (conditions decided at close) and drops the events no window open at `w` can hold,
  // then frees the group if nothing is left.
  void service(std::uint32_t c, std::uint32_t slot, std::int64_t w) {
    const CompiledCorrelation& cc = set_.at(c);
    State& s = states_[c];
    Group& g = s.groups[slot];
    const std::int64_t span = cc.rule.timespan_ms;
    std::size_t m = 0;
    while (m < g.items.size() && (w == kInfinity || g.items[m].time < w - span)) ++m;
    if (!cc.eager && m > 0) sweep(c, g, 0, m, /*at_close=*/true);
    erase_front(s, g, cc, m);
    if (g.items.empty() && (g.episode_end == kNone || g.episode_end < w)) free_group(c, slot);
  }

  // Evaluates the windows anchored at items [first, last) in order, each [t, t + timespan];
  // `at_close`: every satisfying maximal window counts (decided at close); otherwise the first
  // one does. A window is maximal when no earlier window holds all its events: judging a subset
  // would let "at most 4" hold for a group that had 5 in one timespan.
  void sweep(std::uint32_t c, Group& g, std::size_t first, std::size_t last, bool at_close) {
    const CompiledCorrelation& cc = set_.at(c);
    const std::int64_t span = cc.rule.timespan_ms;
    Aggregate& agg = aggregate(c);
    agg.reset();
    std::size_t r = first;
    for (std::size_t a = first; a < last; ++a) {
      while (r < g.items.size() && g.items[r].time <= g.items[a].time + span) {
        agg.add(cc.needs_payload ? &g.payload[r] : nullptr);
        ++r;
      }
      const bool contained =
          at_close && g.decided_until != kNone && g.items[r - 1].time <= g.decided_until;
      if (!contained) {
        double v = agg.value(window(cc, g, a, r));
        if (cc.condition.holds(v)) {
          std::int64_t start = g.items[a].time;
          satisfied(c, g, a, r, start, at_close ? start + span : g.items[r - 1].time, v);
          if (!at_close) return;
        }
      }
      if (at_close) g.decided_until = g.items[a].time + span;
      agg.remove(cc.needs_payload ? &g.payload[a] : nullptr);
    }
  }

  // Conditions decided as events arrive, after inserting the event at `pos`.
  void eager_check(std::uint32_t c, Group& g, std::size_t pos) {
    const CompiledCorrelation& cc = set_.at(c);
    const std::int64_t span = cc.rule.timespan_ms;
    const std::int64_t t = g.items[pos].time;
    auto lo = static_cast<std::size_t>(
        std::lower_bound(g.items.begin(), g.items.end(), t - span,
                         [](const Item& it, std::int64_t v) { return it.time < v; }) -
        g.items.begin());
    if (pos + 1 < g.items.size()) {
      // Placed among later events: any window anchored between t - timespan and t may now hold.
      sweep(c, g, lo, pos + 1, /*at_close=*/false);
      return;
    }
    // The newest event: the window that ends at it and starts at the oldest event within the
    // timespan holds every other window ending at it, and the condition only grows with events.
    double v;
    if (cc.rule.type == CorrelationType::kEventCount && !cc.needs_payload) {
      v = static_cast<double>(pos + 1 - lo);
    } else {
      Aggregate& agg = aggregate(c);
      agg.reset();
      for (std::size_t i = lo; i <= pos; ++i) agg.add(cc.needs_payload ? &g.payload[i] : nullptr);
      v = agg.value(window(cc, g, lo, pos + 1));
    }
    if (cc.condition.holds(v)) satisfied(c, g, lo, pos + 1, g.items[lo].time, t, v);
  }

  static std::span<const Payload> window(const CompiledCorrelation& cc, const Group& g,
                                         std::size_t a, std::size_t r) {
    if (!cc.needs_payload) return {};
    return g.payload.span().subspan(a, r - a);
  }

  void satisfied(std::uint32_t c, Group& g, std::size_t a, std::size_t r, std::int64_t start,
                 std::int64_t end, double value) {
    if (g.episode_end != kNone && start <= g.episode_end) {
      ++stats_.episode_continued;
      g.episode_end = std::max(g.episode_end, end);
      return;
    }
    g.episode_end = end;
    const CompiledCorrelation& cc = set_.at(c);
    Alert alert;
    alert.correlation = c;
    std::vector<std::string> parts = decode_key(g.key.view());
    if (!parts.empty()) {
      alert.tenant = std::move(parts.front());
      alert.group.assign(std::make_move_iterator(parts.begin() + 1),
                         std::make_move_iterator(parts.end()));
    }
    alert.window_start = start;
    alert.window_end = end;
    alert.value = value;
    const std::size_t cap = options_.limits.max_alert_events;
    for (std::size_t i = a; i < r; ++i) {
      const Payload* p = cc.needs_payload ? &g.payload[i] : nullptr;
      if (p != nullptr && p->chain && p->chain->count > 0) {
        alert.event_count += p->chain->count;
        for (EventRef ref : p->chain->refs) {
          if (alert.events.size() < cap) alert.events.push_back(ref);
        }
      } else {
        ++alert.event_count;
        if (alert.events.size() < cap) alert.events.push_back(g.items[i].ref);
      }
    }
    ContentDigest digest;
    digest.add(cc.state_key).add(alert.tenant).add(static_cast<std::int64_t>(alert.group.size()));
    for (const std::string& v : alert.group) digest.add(v);
    digest.add(start);
    alert.id = digest.hex(32);
    ++stats_.alerts;
    states_[c].results.push_back(std::move(alert));
  }

  Aggregate& aggregate(std::uint32_t c) {
    if (aggregates_.size() != states_.size()) {
      aggregates_.clear();
      for (std::uint32_t i = 0; i < states_.size(); ++i) {
        aggregates_.emplace_back(set_.at(i).rule.type, set_.at(i).rule.percentile);
      }
    }
    return aggregates_[c];
  }

  const CorrelationSet& set_;
  EngineOptions options_;
  std::vector<State> states_;
  std::vector<std::uint64_t> event_masks_;
  std::vector<Aggregate> aggregates_;
  std::int64_t max_seen_ = kNone;
  std::int64_t next_deadline_ = kInfinity;  // min of due_at_
  std::vector<std::int64_t> due_at_;        // per correlation: Timers::next_check()
  std::vector<std::vector<Chained>> chained_;
  std::vector<std::uint32_t> produced_;  // correlations with results in the current step
  std::vector<TimerEntry> due_;          // scratch for close()
  std::uint64_t next_seq_ = 0;
  Stats stats_;
  std::string key_, scratch_, tuple_;
  std::vector<std::uint32_t> fed_;  // correlations the current event feeds
};

// ---------------------------------------------------------------------------------------------
// Snapshots: "VGCS", u32 version, then little-endian fields (see snapshot()).

namespace {

constexpr char kMagic[4] = {'V', 'G', 'C', 'S'};
constexpr std::uint32_t kVersion = 1;

class Writer {
 public:
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>(v >> (8 * i)));
  }
  void u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>(v >> (8 * i)));
  }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void f64(double v) { u64(std::bit_cast<std::uint64_t>(v)); }
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }
  void raw(const char* p, std::size_t n) { out_.append(p, n); }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return in_.empty(); }
  std::uint8_t u8() { return static_cast<std::uint8_t>(take(1)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(take(4)); }
  std::uint64_t u64() { return take(8); }
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  double f64() { return std::bit_cast<double>(u64()); }
  std::string_view str() {
    std::uint32_t n = u32();
    if (!ok_ || n > in_.size()) {
      ok_ = false;
      return {};
    }
    std::string_view s = in_.substr(0, n);
    in_.remove_prefix(n);
    return s;
  }
  // A count of records each at least `min_bytes` long: refuses counts the input cannot hold.
  std::uint32_t count(std::size_t min_bytes) {
    std::uint32_t n = u32();
    if (ok_ && min_bytes > 0 && n > in_.size() / min_bytes) ok_ = false;
    return ok_ ? n : 0;
  }

 private:
  std::uint64_t take(int n) {
    if (!ok_ || in_.size() < static_cast<std::size_t>(n)) {
      ok_ = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i)
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in_[i])) << (8 * i);
    in_.remove_prefix(static_cast<std::size_t>(n));
    return v;
  }
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace

class SnapshotCodec {
 public:
  static std::string write(const Engine::Impl& e) {
    Writer w;
    w.raw(kMagic, 4);
    w.u32(kVersion);
    w.i64(e.max_seen_);
    w.u64(e.next_seq_);
    const Stats& s = e.stats_;
    for (std::uint64_t v : {s.events, s.untimed, s.late, s.missing_group_field, s.missing_value,
                            s.alerts, s.episode_continued, s.groups_evicted, s.items_evicted}) {
      w.u64(v);
    }
    w.u32(static_cast<std::uint32_t>(e.states_.size()));
    for (std::uint32_t c = 0; c < e.states_.size(); ++c) {
      const CompiledCorrelation& cc = e.set_.at(c);
      const State& st = e.states_[c];
      w.str(cc.state_key);
      w.u8(static_cast<std::uint8_t>(cc.rule.type));
      w.u8(cc.needs_payload ? 1 : 0);
      w.u32(static_cast<std::uint32_t>(st.live));
      // Groups in creation order, not slot order: equal states give equal bytes.
      std::vector<const Group*> live;
      live.reserve(st.live);
      for (std::uint32_t slot = 0; slot < st.groups.size(); ++slot) {
        if (st.groups[slot].live()) live.push_back(&st.groups[slot]);
      }
      std::sort(live.begin(), live.end(),
                [](const Group* a, const Group* b) { return a->seq < b->seq; });
      for (const Group* gp : live) {
        const Group& g = *gp;
        w.str(g.key.view());
        w.u64(g.seq);
        w.i64(g.episode_end);
        w.i64(g.decided_until);
        w.i64(g.scheduled);
        w.u32(static_cast<std::uint32_t>(g.items.size()));
        for (std::size_t i = 0; i < g.items.size(); ++i) {
          w.i64(g.items[i].time);
          w.u64(g.items[i].ref);
          if (!cc.needs_payload) continue;
          const Payload& p = g.payload[i];
          w.str(p.value == Payload::kNoValue ? std::string_view() : st.values.text(p.value));
          w.f64(p.number);
          w.u64(p.inputs);
          w.u64(p.chain ? p.chain->count : 0);
          w.u32(static_cast<std::uint32_t>(p.chain ? p.chain->refs.size() : 0));
          if (p.chain) {
            for (EventRef r : p.chain->refs) w.u64(r);
          }
        }
      }
    }
    return w.take();
  }

  static Status read(Engine::Impl& e, std::string_view bytes) {
    auto fail = [&](const char* what) {
      e.reset_state();
      return Status::error("bad-snapshot", std::string("correlation snapshot: ") + what);
    };
    e.reset_state();
    if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 4) != 0)
      return fail("not a Vigie correlation snapshot");
    Reader r(bytes.substr(4));
    std::uint32_t version = r.u32();
    if (version != kVersion) return fail("unsupported version");
    e.max_seen_ = r.i64();
    e.next_seq_ = r.u64();
    Stats& s = e.stats_;
    for (std::uint64_t* v :
         {&s.events, &s.untimed, &s.late, &s.missing_group_field, &s.missing_value, &s.alerts,
          &s.episode_continued, &s.groups_evicted, &s.items_evicted}) {
      *v = r.u64();
    }
    std::uint32_t ncorr = r.count(6);
    for (std::uint32_t k = 0; k < ncorr && r.ok(); ++k) {
      std::string_view key = r.str();
      auto type = r.u8();
      bool payload = r.u8() != 0;
      // The state belongs to the correlation with the same key and shape, if the set has it.
      std::uint32_t c = 0;
      while (c < e.states_.size() && e.set_.at(c).state_key != key) ++c;
      bool keep = c < e.states_.size() &&
                  static_cast<std::uint8_t>(e.set_.at(c).rule.type) == type &&
                  e.set_.at(c).needs_payload == payload;
      if (keep && e.states_[c].live > 0) return fail("a correlation appears twice");
      std::uint32_t ngroups = r.count(40);
      for (std::uint32_t gi = 0; gi < ngroups && r.ok(); ++gi) {
        Group g;
        g.key.assign(r.str());
        g.seq = r.u64();
        g.episode_end = r.i64();
        g.decided_until = r.i64();
        g.scheduled = r.i64();
        std::uint32_t nitems = r.count(16);
        for (std::uint32_t i = 0; i < nitems && r.ok(); ++i) {
          Item it{r.i64(), r.u64()};
          if (!g.items.empty() && it.time < g.items.back().time) return fail("events out of order");
          g.items.push_back(it);
          if (!payload) continue;
          Payload p;
          const std::string_view value = r.str();
          p.number = r.f64();
          p.inputs = r.u64();
          const std::uint64_t ref_count = r.u64();
          std::uint32_t nrefs = r.count(8);
          if (ref_count > 0 || nrefs > 0) {
            p.chain = std::make_unique<ChainRefs>();
            p.chain->count = ref_count;
            for (std::uint32_t j = 0; j < nrefs && r.ok(); ++j) p.chain->refs.push_back(r.u64());
          }
          if (keep && type == static_cast<std::uint8_t>(CorrelationType::kValueCount)) {
            p.value = e.states_[c].values.acquire(value);
          }
          g.payload.push_back(std::move(p));
        }
        if (!r.ok()) break;
        if (keep && !e.adopt_group(c, std::move(g))) return fail("a group appears twice");
      }
    }
    if (!r.ok()) return fail("truncated or corrupt");
    if (!r.done()) return fail("trailing bytes");
    for (std::uint32_t c = 0; c < e.states_.size(); ++c)
      e.due_at_[c] = e.states_[c].timers.next_check();
    e.next_deadline_ =
        e.due_at_.empty() ? kInfinity : *std::min_element(e.due_at_.begin(), e.due_at_.end());
    return Status::ok_status();
  }
};

}  // namespace vigie::correlate

namespace vigie::correlate {

Engine::Engine(std::shared_ptr<const CorrelationSet> set, EngineOptions options)
    : set_(std::move(set)), impl_(std::make_unique<Impl>(*set_, options)) {}
Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

void Engine::process(const event::Event& e, EventRef ref, std::span<const std::uint32_t> matched,
                     std::vector<Alert>& out) {
  impl_->process(e, ref, matched, out);
}
void Engine::flush(std::vector<Alert>& out) { impl_->flush(out); }
std::int64_t Engine::watermark() const { return impl_->watermark(); }
const Stats& Engine::stats() const { return impl_->stats(); }
std::size_t Engine::active_groups() const { return impl_->active_groups(); }
std::size_t Engine::state_bytes() const { return impl_->state_bytes(); }
std::string Engine::snapshot() const { return SnapshotCodec::write(*impl_); }
Status Engine::restore(std::string_view bytes) { return SnapshotCodec::read(*impl_, bytes); }

}  // namespace vigie::correlate
