// Content digests: stable identifiers derived from content (alert ids), never from time of
// processing or memory addresses, so that replaying the same input yields the same ids.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vigie {

// Builds a digest over a sequence of fields. Each field is length-prefixed, so ("ab", "c") and
// ("a", "bc") differ. SHA-256 (OpenSSL).
class ContentDigest {
 public:
  ContentDigest();
  ~ContentDigest();
  ContentDigest(const ContentDigest&) = delete;
  ContentDigest& operator=(const ContentDigest&) = delete;

  ContentDigest& add(std::string_view field);
  ContentDigest& add(std::int64_t number);
  // The first `hex_chars` hexadecimal digits of the digest (at most 64). The digest cannot be
  // extended afterwards.
  std::string hex(std::size_t hex_chars = 32);

 private:
  void* ctx_;  // EVP_MD_CTX
};

}  // namespace vigie
