#include "enrich/hmac.h"

// The SHA-256 block interface (SHA256_Init/Update/Final) is deprecated in OpenSSL 3 in favour of
// EVP. It is used on purpose: its state is a plain struct, so the pad states computed once from
// the key are copied with memcpy for each MAC. EVP_MAC (or EVP_MD_CTX_copy_ex) allocates provider
// contexts on every call, which the per-event pseudonymisation must not do. The RFC 4231 vectors
// in tests/unit/enrich/hmac_test.cpp check the composition.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/sha.h>

#ifdef OPENSSL_NO_DEPRECATED_3_0
#error \
    "vigie::enrich needs OpenSSL's SHA256_* block functions (OpenSSL built without deprecated APIs)"
#endif

#include <cstring>

namespace vigie::enrich {
namespace {

static_assert(sizeof(SHA256_CTX) <= HmacSha256Key::kStateBytes, "SHA256_CTX does not fit");
constexpr std::size_t kBlock = SHA256_CBLOCK;  // 64

SHA256_CTX* ctx(unsigned char* storage) { return reinterpret_cast<SHA256_CTX*>(storage); }

}  // namespace

HmacSha256Key::HmacSha256Key(std::span<const unsigned char> key) {
  unsigned char block[kBlock] = {};
  if (key.size() > kBlock) {
    SHA256(key.data(), key.size(), block);
  } else if (!key.empty()) {
    std::memcpy(block, key.data(), key.size());
  }
  unsigned char pad[kBlock];
  for (std::size_t i = 0; i < kBlock; ++i) pad[i] = block[i] ^ 0x36;
  SHA256_Init(ctx(inner_));
  SHA256_Update(ctx(inner_), pad, kBlock);
  for (std::size_t i = 0; i < kBlock; ++i) pad[i] = block[i] ^ 0x5c;
  SHA256_Init(ctx(outer_));
  SHA256_Update(ctx(outer_), pad, kBlock);
  OPENSSL_cleanse(pad, sizeof pad);
  OPENSSL_cleanse(block, sizeof block);
}

HmacSha256Key::~HmacSha256Key() {
  OPENSSL_cleanse(inner_, sizeof inner_);
  OPENSSL_cleanse(outer_, sizeof outer_);
}

HmacSha256Digest HmacSha256Key::mac(std::string_view message) const {
  HmacSha256 h(*this);
  h.update(message);
  return h.finish();
}

HmacSha256::HmacSha256(const HmacSha256Key& key) : key_(key) {
  std::memcpy(state_, key.inner_, sizeof(SHA256_CTX));
}

HmacSha256::~HmacSha256() { OPENSSL_cleanse(state_, sizeof state_); }

HmacSha256& HmacSha256::update(std::string_view bytes) {
  SHA256_Update(ctx(state_), bytes.data(), bytes.size());
  return *this;
}

HmacSha256Digest HmacSha256::finish() {
  unsigned char inner_digest[SHA256_DIGEST_LENGTH];
  SHA256_Final(inner_digest, ctx(state_));
  std::memcpy(state_, key_.outer_, sizeof(SHA256_CTX));
  SHA256_Update(ctx(state_), inner_digest, sizeof inner_digest);
  HmacSha256Digest out;
  SHA256_Final(out.data(), ctx(state_));
  OPENSSL_cleanse(inner_digest, sizeof inner_digest);
  return out;
}

}  // namespace vigie::enrich
