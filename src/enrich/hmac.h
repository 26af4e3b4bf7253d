// HMAC-SHA256 (RFC 2104 over SHA-256, OpenSSL's implementation of the hash) with the key's inner
// and outer pad states computed once, so that a MAC costs two SHA-256 finishes and no allocation.
//
// Contract:
//   - Any key length is accepted (RFC 2104: a key longer than the 64-byte block is hashed first,
//     a shorter one is zero-padded). Checking that a key is long enough is the caller's job.
//   - HmacSha256Key keeps only the two pad states (derived from the key, as secret as the key) and
//     wipes them with OPENSSL_cleanse when destroyed; so does HmacSha256 for its running state.
//   - Thread safety: an HmacSha256Key is immutable after construction and may be shared by any
//     number of threads; an HmacSha256 (one MAC in progress) belongs to one thread.
//   - No allocation, no exception (OpenSSL's SHA-256 block functions cannot fail).
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

namespace vigie::enrich {

inline constexpr std::size_t kHmacSha256Bytes = 32;
using HmacSha256Digest = std::array<unsigned char, kHmacSha256Bytes>;

class HmacSha256Key {
 public:
  explicit HmacSha256Key(std::span<const unsigned char> key);
  ~HmacSha256Key();
  HmacSha256Key(const HmacSha256Key&) = delete;
  HmacSha256Key& operator=(const HmacSha256Key&) = delete;

  // One-shot MAC of `message`.
  HmacSha256Digest mac(std::string_view message) const;

  // Room for OpenSSL's SHA256_CTX (112 bytes on every platform OpenSSL supports; checked by a
  // static_assert where the type is visible).
  static constexpr std::size_t kStateBytes = 128;

 private:
  friend class HmacSha256;
  alignas(16) unsigned char inner_[kStateBytes];
  alignas(16) unsigned char outer_[kStateBytes];
};

// One MAC in progress: update() any number of times, then finish() once.
class HmacSha256 {
 public:
  explicit HmacSha256(const HmacSha256Key& key);
  ~HmacSha256();
  HmacSha256(const HmacSha256&) = delete;
  HmacSha256& operator=(const HmacSha256&) = delete;

  HmacSha256& update(std::string_view bytes);
  HmacSha256Digest finish();

 private:
  const HmacSha256Key& key_;
  alignas(16) unsigned char state_[HmacSha256Key::kStateBytes];
};

}  // namespace vigie::enrich
