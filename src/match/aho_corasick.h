// AhoCorasick: multi-pattern byte-string search, for thousands of `contains` needles on one field.
//
// Usage: add() every needle, build() once, then scan() / scan_folded() any number of texts.
//
//   AhoCorasick ac;
//   const std::uint32_t id = ac.add("mimikatz");
//   ac.build();
//   ac.scan(text, [&](std::uint32_t needle_id, std::size_t end_offset) { ... });
//
// Contract:
//   - add(needle) returns a dense id (0, 1, 2, ... in order of first addition); adding the same
//     bytes again returns the same id. The empty needle is rejected: add("") returns kInvalidId
//     and adds nothing (an empty `contains` matches every value; callers handle it without a
//     search). add() also returns kInvalidId once the needles total kMaxTotalBytes bytes.
//     Needles are arbitrary bytes (NUL and bytes >= 0x80 included); they are copied.
//   - build() compiles the automaton. Calling add() after build() un-builds it: scans report
//     nothing until build() is called again. scan() before build() reports nothing.
//   - scan(text, on_match) calls on_match(id, end_offset) for EVERY occurrence of every needle,
//     overlapping ones and needles that are suffixes of others included, where end_offset is the
//     index one past the occurrence's last byte (the occurrence is text[end_offset - len,
//     end_offset)). Calls come in increasing end_offset; for one end_offset, longer needles come
//     first. on_match is any callable `void(std::uint32_t, std::size_t)`; to stop early, let it set
//     a flag and ignore further calls (the scan itself is linear and cheap).
//   - scan_folded(text, on_match) is scan() over the text with utf8::kAsciiLower applied to each
//     byte on the fly (the text is not modified). The needles must already be folded by the
//     caller. Only ASCII is folded here: for needles with non-ASCII characters, fold the text with
//     utf8::fold into a reusable buffer and use scan().
//   - scan and scan_folded do not allocate and run in O(len(text) + number of matches).
//   - scan_any_order(text, on_match) and scan_folded_any_order(text, on_match) report exactly the
//     same (id, end_offset) pairs as scan() and scan_folded(), each once, but in no particular
//     order. When every needle is at least kGramBytes long and there are at most
//     kMaxGramNeedles of them (keyword lists, typically), they first look for the needles' first
//     kGramBytes bytes with a bitmap of hashed 4-byte windows (ASCII case ignored), which needs no
//     state from one byte to the next, and walk the trie only from the positions that pass: several
//     times faster than the automaton on text where needles are rare. Otherwise they are scan() /
//     scan_folded(). Worst case O(len(text) * longest needle) (every position a candidate).
//
// Thread safety: add()/build() need exclusive access; after build(), any number of threads may
// scan concurrently (the scans are const and keep no state in the object).
//
// Representation and memory: a DFA over byte-equivalence classes (every byte that occurs in some
// needle is its own class; all other bytes share class 0, which always leads back to the root).
// States are numbered in breadth-first order of the needle trie. Every state costs 13 bytes: a
// failure link, an output link and the index of its first child (uint32 each), and the byte
// labelling the edge into it. The first num_dense_states() states (the shallow ones) also get a
// full row of uint32 transitions (4 * num_classes() bytes); their number is capped so that the
// rows fit in the dense budget (constructor argument, default 4 MiB: with ~70 classes, the
// typical folded-ASCII case, that is ~15 000 dense states, the part of the trie a scan spends
// nearly all its time in). Deeper states are sparse: their transitions are their trie children
// (contiguous, sorted by byte, binary-searched) plus the failure link; scanning stays linear
// because each failure step shortens the current match. Per needle: 8 bytes (offset, next_out)
// plus its text plus ~8 bytes of dedup hash slots. The number of states is at most 1 + total
// needle bytes, so 20 000 needles of 200 bytes (no shared prefixes, the worst case) take about
// 52 MB of states + 4 MiB of dense rows + 4 MB of needle text = ~60 MB (tested). The automaton
// is allocated once at its exact size; build's transient extra is ~12 bytes per needle plus one
// copy of the needle text. Outputs use dictionary
// suffix links: out(state) is the longest needle ending there, next_out(needle) the next
// shorter needle that is a suffix of it; both are flat uint32 arrays.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "common/utf8.h"

namespace vigie::match {

class AhoCorasick {
 public:
  static constexpr std::uint32_t kInvalidId = 0xFFFFFFFFu;
  static constexpr std::size_t kMaxTotalBytes = std::size_t{1} << 30;
  static constexpr std::size_t kDefaultDenseBudgetBytes = std::size_t{4} << 20;

  explicit AhoCorasick(std::size_t dense_budget_bytes = kDefaultDenseBudgetBytes)
      : dense_budget_bytes_(dense_budget_bytes) {}

  std::uint32_t add(std::string_view needle);
  void build();

  bool built() const { return built_; }
  // Number of distinct needles added.
  std::size_t size() const { return offsets_.size() - 1; }
  // The bytes of needle `id` (requires id < size()); valid until the next add().
  std::string_view needle(std::uint32_t id) const {
    return std::string_view(bytes_).substr(offsets_[id], offsets_[id + 1] - offsets_[id]);
  }

  template <class F>
  void scan(std::string_view text, F&& on_match) const {
    scan_impl<false>(text, on_match);
  }
  template <class F>
  void scan_folded(std::string_view text, F&& on_match) const {
    scan_impl<true>(text, on_match);
  }

  template <class F>
  void scan_any_order(std::string_view text, F&& on_match) const {
    any_order_impl<false>(text, on_match);
  }
  template <class F>
  void scan_folded_any_order(std::string_view text, F&& on_match) const {
    any_order_impl<true>(text, on_match);
  }

  static constexpr std::size_t kGramBytes = 4;
  static constexpr std::size_t kMaxGramNeedles = 4096;
  // True when the *_any_order scans use the window filter (see the contract above).
  bool uses_gram_filter() const { return !grams_.empty(); }

  // Statistics of the built automaton.
  std::size_t num_states() const { return fail_.size(); }
  std::size_t num_dense_states() const { return num_dense_; }
  std::size_t num_classes() const { return num_classes_; }
  // Heap bytes held by the object (needle text and automaton).
  std::size_t memory_bytes() const;

 private:
  static constexpr std::uint32_t kUnset = 0xFFFFFFFFu;

  // Transition from `s` on byte `b` (of class `c` != 0).
  std::uint32_t next(std::uint32_t s, unsigned char b, std::uint32_t c) const {
    while (s >= num_dense_) {
      const std::uint32_t k = child(s, b);
      if (k != kUnset) return k;
      s = fail_[s];
    }
    return dense_[static_cast<std::size_t>(s) * num_classes_ + c];
  }

  template <bool kFold, class F>
  void scan_impl(std::string_view text, F& on_match) const {
    if (!built_) return;
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::uint32_t s = 0;
    for (std::size_t i = 0; i < n; ++i) {
      unsigned char b = p[i];
      if constexpr (kFold) b = utf8::kAsciiLower[b];
      const std::uint32_t c = class_[b];
      if (c == 0) {
        s = 0;
        continue;
      }
      s = next(s, b, c);
      for (std::uint32_t o = out_[s]; o != 0; o = next_out_[o - 1]) on_match(o - 1, i + 1);
    }
  }

  // The filter reads 4-byte windows as they are in memory, with 0x20 set in every byte: ASCII
  // letters of either case look the same, so one bitmap serves cased and folded scans (a superset
  // of the real candidates, which verify_from() then checks exactly).
  static constexpr std::uint32_t kCaseBits = 0x20202020u;
  static std::uint32_t gram_hash(std::uint32_t window) {
    return ((window | kCaseBits) * 0x9E3779B1u) >> 16;
  }
  static std::uint32_t gram_bit(const char* p) {
    std::uint32_t window;
    std::memcpy(&window, p, sizeof window);
    return gram_hash(window);
  }
  bool gram_set(std::uint32_t bit) const { return ((grams_[bit >> 6] >> (bit & 63)) & 1) != 0; }

  template <bool kFold, class F>
  void any_order_impl(std::string_view text, F& on_match) const {
    if (grams_.empty()) {
      scan_impl<kFold>(text, on_match);
    } else {
      gram_scan_impl<kFold>(text, on_match);
    }
  }

  template <bool kFold, class F>
  void gram_scan_impl(std::string_view text, F& on_match) const {
    if (!built_ || text.size() < kGramBytes) return;
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    const std::uint64_t* bits = grams_.data();
    std::size_t i = 0;
    // Four windows from one 8-byte load, one branch for the four tests: candidates are rare.
    // (w >> 8k) holds the window at i + k only on a little-endian machine.
    static_assert(std::endian::native == std::endian::little);
    for (; i + 8 <= n; i += 4) {
      std::uint64_t w;
      std::memcpy(&w, p + i, sizeof w);
      const std::uint32_t b0 = gram_hash(static_cast<std::uint32_t>(w));
      const std::uint32_t b1 = gram_hash(static_cast<std::uint32_t>(w >> 8));
      const std::uint32_t b2 = gram_hash(static_cast<std::uint32_t>(w >> 16));
      const std::uint32_t b3 = gram_hash(static_cast<std::uint32_t>(w >> 24));
      const std::uint64_t any = (bits[b0 >> 6] >> (b0 & 63)) | (bits[b1 >> 6] >> (b1 & 63)) |
                                (bits[b2 >> 6] >> (b2 & 63)) | (bits[b3 >> 6] >> (b3 & 63));
      if ((any & 1) == 0) continue;
      if (gram_set(b0)) verify_from<kFold>(p, n, i, on_match);
      if (gram_set(b1)) verify_from<kFold>(p, n, i + 1, on_match);
      if (gram_set(b2)) verify_from<kFold>(p, n, i + 2, on_match);
      if (gram_set(b3)) verify_from<kFold>(p, n, i + 3, on_match);
    }
    for (; i + kGramBytes <= n; ++i) {
      if (gram_set(gram_bit(text.data() + i))) verify_from<kFold>(p, n, i, on_match);
    }
  }

  // Reports every needle that occurs at `start` by walking trie edges (no failure links) from the
  // root; a needle is found when the walk ends on its own terminal state.
  template <bool kFold, class F>
  void verify_from(const unsigned char* p, std::size_t n, std::size_t start, F& on_match) const {
    std::uint32_t s = 0;
    for (std::size_t j = start; j < n; ++j) {
      unsigned char b = p[j];
      if constexpr (kFold) b = utf8::kAsciiLower[b];
      s = child(s, b);
      if (s == kUnset) return;
      const std::uint32_t o = out_[s];
      if (o != 0 && offsets_[o] - offsets_[o - 1] == j + 1 - start) on_match(o - 1, j + 1);
    }
  }

  // The trie child of `s` labelled `b`, or kUnset. Children are sorted by byte: binary search
  // narrows wide fan-outs, then a short scan.
  std::uint32_t child(std::uint32_t s, unsigned char b) const {
    std::uint32_t lo = first_child_[s];
    std::uint32_t hi = first_child_[s + 1];
    while (hi - lo > 8) {
      const std::uint32_t mid = lo + (hi - lo) / 2;
      if (label_[mid] <= b) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    for (std::uint32_t k = lo; k < hi; ++k) {
      if (label_[k] == b) return k;
    }
    return kUnset;
  }

  std::uint32_t find_slot(std::string_view needle, std::uint64_t hash) const;
  void rehash(std::size_t capacity);

  std::size_t dense_budget_bytes_;
  bool built_ = false;

  // Needles: bytes_[offsets_[id], offsets_[id + 1]); slots_ is an open-addressing set of id + 1.
  std::string bytes_;
  std::vector<std::uint32_t> offsets_{0};
  std::vector<std::uint32_t> slots_;

  // Automaton (see the header comment).
  std::array<std::uint32_t, 256> class_{};
  std::uint32_t num_classes_ = 1;
  std::uint32_t num_dense_ = 0;
  std::vector<std::uint32_t> dense_;        // num_dense_ * num_classes_
  std::vector<std::uint32_t> fail_;         // per state
  std::vector<std::uint32_t> out_;          // per state: longest needle id + 1 ending here, or 0
  std::vector<std::uint32_t> first_child_;  // per state, plus a sentinel
  std::vector<unsigned char> label_;        // per state: byte of the edge from the parent
  std::vector<std::uint32_t> next_out_;     // per needle: next shorter suffix needle id + 1, or 0
  // The window filter: 2^16 bits, one per gram_bit() of some needle's first kGramBytes bytes;
  // empty when the needles do not qualify.
  std::vector<std::uint64_t> grams_;
};

}  // namespace vigie::match
