#include "match/aho_corasick.h"

#include <algorithm>
#include <numeric>

namespace vigie::match {
namespace {

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace

std::uint32_t AhoCorasick::find_slot(std::string_view needle, std::uint64_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const std::uint32_t v = slots_[i];
    if (v == 0 || this->needle(v - 1) == needle) return static_cast<std::uint32_t>(i);
  }
}

void AhoCorasick::rehash(std::size_t capacity) {
  slots_.assign(capacity, 0);
  for (std::uint32_t id = 0; id < size(); ++id) {
    const std::string_view n = needle(id);
    slots_[find_slot(n, fnv1a(n))] = id + 1;
  }
}

std::uint32_t AhoCorasick::add(std::string_view needle) {
  if (needle.empty()) return kInvalidId;
  // Keep the table at most half full so probe sequences stay short.
  if (slots_.empty() || 2 * (size() + 1) > slots_.size()) {
    rehash(std::max<std::size_t>(64, slots_.size() * 2));
  }
  const std::uint32_t slot = find_slot(needle, fnv1a(needle));
  if (slots_[slot] != 0) return slots_[slot] - 1;
  if (bytes_.size() + needle.size() > kMaxTotalBytes) return kInvalidId;
  const auto id = static_cast<std::uint32_t>(size());
  bytes_.append(needle);
  offsets_.push_back(static_cast<std::uint32_t>(bytes_.size()));
  slots_[slot] = id + 1;
  built_ = false;
  return id;
}

void AhoCorasick::build() {
  // add() grows these by doubling; give the slack back before the automaton is allocated.
  bytes_.shrink_to_fit();
  offsets_.shrink_to_fit();
  const std::size_t n = size();
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  // std::string_view compares bytes as unsigned char, so the trie children come out sorted by
  // byte value, which next() relies on for its binary search.
  std::sort(order.begin(), order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return needle(a) < needle(b); });

  // Exact state count first (distinct prefixes of sorted strings: each string adds its length
  // minus its common prefix with its predecessor), so every array is allocated once at its final
  // size: no doubling, no peak of twice the memory.
  std::size_t total = 1;
  std::size_t max_len = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const std::string_view cur = needle(order[k]);
    std::size_t lcp = 0;
    if (k > 0) {
      const std::string_view prev = needle(order[k - 1]);
      const std::size_t lim = std::min(prev.size(), cur.size());
      while (lcp < lim && prev[lcp] == cur[lcp]) ++lcp;
    }
    total += cur.size() - lcp;
    max_len = std::max(max_len, cur.size());
  }

  std::array<bool, 256> used{};
  for (const char c : bytes_) used[static_cast<unsigned char>(c)] = true;
  num_classes_ = 1;
  for (std::size_t b = 0; b < 256; ++b) class_[b] = used[b] ? num_classes_++ : 0;

  fail_.assign(total, 0);
  out_.assign(total, 0);
  first_child_.assign(total + 1, kUnset);
  label_.assign(total, 0);
  next_out_.assign(n, 0);

  // Trie in breadth-first numbering, one level at a time over the sorted needles: at depth d the
  // nodes are the distinct d-byte prefixes, and sorted order groups them by parent then by byte,
  // so each node's children get consecutive ids in byte order.
  std::vector<std::uint32_t> node(n, 0);  // per position in `active`: its node at depth d - 1
  std::vector<std::uint32_t> active(order);
  std::uint32_t next_id = 1;
  for (std::size_t d = 1; d <= max_len; ++d) {
    std::uint32_t prev_parent = kUnset;
    int prev_byte = -1;
    std::uint32_t cur = 0;
    std::size_t kept = 0;
    for (std::size_t k = 0; k < active.size(); ++k) {
      const std::uint32_t id = active[k];
      const std::string_view s = needle(id);
      const std::uint32_t parent = node[k];
      const int byte = static_cast<unsigned char>(s[d - 1]);
      if (parent != prev_parent || byte != prev_byte) {
        cur = next_id++;
        label_[cur] = static_cast<unsigned char>(byte);
        if (first_child_[parent] == kUnset) first_child_[parent] = cur;
        prev_parent = parent;
        prev_byte = byte;
      }
      if (s.size() == d) {
        out_[cur] = id + 1;  // terminal marker; turned into the output link below
      } else {
        active[kept] = id;
        node[kept] = cur;
        ++kept;
      }
    }
    active.resize(kept);
    node.resize(kept);
  }
  first_child_[total] = static_cast<std::uint32_t>(total);
  for (std::size_t s = total; s-- > 0;) {
    if (first_child_[s] == kUnset) first_child_[s] = first_child_[s + 1];
  }

  const std::size_t row_bytes = std::size_t{4} * num_classes_;
  num_dense_ = static_cast<std::uint32_t>(
      std::clamp<std::size_t>(dense_budget_bytes_ / row_bytes, 1, total));
  dense_.assign(static_cast<std::size_t>(num_dense_) * num_classes_, 0);

  // Failure links, dense rows and output links in breadth-first order: everything a state needs
  // belongs to strictly shallower states, which have smaller ids and are already final.
  for (std::uint32_t s = 0; s < total; ++s) {
    const std::uint32_t lo = first_child_[s];
    const std::uint32_t hi = first_child_[s + 1];
    if (s != 0) {
      const std::uint32_t f = fail_[s];
      if (out_[s] != 0) {
        next_out_[out_[s] - 1] = out_[f];
      } else {
        out_[s] = out_[f];
      }
    }
    if (s < num_dense_) {
      std::uint32_t* row = &dense_[static_cast<std::size_t>(s) * num_classes_];
      if (s != 0) {
        const std::uint32_t* frow = &dense_[static_cast<std::size_t>(fail_[s]) * num_classes_];
        std::copy(frow, frow + num_classes_, row);
      }
      for (std::uint32_t k = lo; k < hi; ++k) row[class_[label_[k]]] = k;
    }
    for (std::uint32_t k = lo; k < hi; ++k) {
      fail_[k] = s == 0 ? 0 : next(fail_[s], label_[k], class_[label_[k]]);
    }
  }
  grams_.clear();
  const bool all_long = std::all_of(order.begin(), order.end(), [&](std::uint32_t id) {
    return needle(id).size() >= kGramBytes;
  });
  if (n > 0 && n <= kMaxGramNeedles && all_long) {
    grams_.assign((std::size_t{1} << 16) / 64, 0);
    for (std::uint32_t id = 0; id < n; ++id) {
      const std::uint32_t bit = gram_bit(needle(id).data());
      grams_[bit >> 6] |= std::uint64_t{1} << (bit & 63);
    }
  }
  built_ = true;
}

std::size_t AhoCorasick::memory_bytes() const {
  return bytes_.capacity() +
         4 * (offsets_.capacity() + slots_.capacity() + dense_.capacity() + fail_.capacity() +
              out_.capacity() + first_child_.capacity() + next_out_.capacity()) +
         label_.capacity() + 8 * grams_.capacity();
}

}  // namespace vigie::match
