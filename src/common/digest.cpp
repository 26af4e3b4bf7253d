#include "common/digest.h"

#include <openssl/evp.h>

#include <cstdint>
#include <new>

namespace vigie {

ContentDigest::ContentDigest() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr ||
      EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr) != 1)
    throw std::bad_alloc();
}

ContentDigest::~ContentDigest() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

ContentDigest& ContentDigest::add(std::string_view field) {
  unsigned char len[8];
  std::uint64_t n = field.size();
  for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
  auto* ctx = static_cast<EVP_MD_CTX*>(ctx_);
  EVP_DigestUpdate(ctx, len, sizeof len);
  EVP_DigestUpdate(ctx, field.data(), field.size());
  return *this;
}

ContentDigest& ContentDigest::add(std::int64_t number) {
  char buf[8];
  auto u = static_cast<std::uint64_t>(number);
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>(u >> (8 * i));
  return add(std::string_view(buf, sizeof buf));
}

std::string ContentDigest::hex(std::size_t hex_chars) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), md, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len && out.size() < hex_chars; ++i) {
    out += kHex[md[i] >> 4];
    if (out.size() < hex_chars) out += kHex[md[i] & 15];
  }
  return out;
}

}  // namespace vigie
