// Counts heap allocations (STYLE.md: no per-event heap allocation on the hot path; measure it).
//
// Include this header in exactly ONE source file of a test binary: it replaces the global
// operator new of that binary with one that counts and forwards to malloc, so the binary's other
// tests are unaffected. Under AddressSanitizer the allocator stays ASan's own (it checks
// new/delete pairing) and kCountAllocations is false: tests should GTEST_SKIP then.
#pragma once

// g++ 12 sees the counting operator new (malloc) inlined next to a library delete and warns of a
// mismatch that is not one (delete is replaced too, with free), in every function of the file
// that includes this header; -Werror makes that fatal. The file holds replaced operators by
// design, so the warning is off for it.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <atomic>
#include <cstdlib>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define VIGIE_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VIGIE_COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef VIGIE_COUNT_ALLOCATIONS
#define VIGIE_COUNT_ALLOCATIONS 1
#endif

namespace vigie::testing {

inline constexpr bool kCountAllocations = VIGIE_COUNT_ALLOCATIONS != 0;

// Allocations made through operator new since the program started.
inline std::atomic<long>& allocations() {
  static std::atomic<long> count{0};
  return count;
}

}  // namespace vigie::testing

#if VIGIE_COUNT_ALLOCATIONS
void* operator new(std::size_t n) {
  vigie::testing::allocations().fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif
