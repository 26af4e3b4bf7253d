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
#include <cstddef>
#include <cstdint>
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
      std::uint32_t lo = first_child_[s];
      std::uint32_t hi = first_child_[s + 1];
      // Children are sorted by byte: binary search narrows wide fan-outs, then a short scan.
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
};

}  // namespace vigie::match
