#include "enrich/pseudonym.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <utility>

#include "enrich/hmac.h"
#include "enrich/normalize.h"

namespace vigie::enrich {
namespace {

constexpr std::string_view kKindNames[] = {"ipp", "nir", "fhir", "name", "family", "birth", "nda"};
static_assert(std::size(kKindNames) == kIdKindCount, "one name per IdKind");
constexpr std::string_view kBase32 = "abcdefghijklmnopqrstuvwxyz234567";
constexpr std::size_t kDigestBytes = 16;  // 128 bits of the MAC go into the token

// RFC 4648 base32 of `bytes`, lower case, without padding.
void append_base32(std::string& out, const unsigned char* bytes, std::size_t n) {
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    buffer = (buffer << 8) | bytes[i];
    bits += 8;
    while (bits >= 5) {
      out += kBase32[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kBase32[(buffer << (5 - bits)) & 31];
}

bool valid_domain(std::string_view d) {
  if (d.empty() || d.size() > kMaxDomainBytes) return false;
  for (char c : d) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Status key_file_error(std::string code, const std::string& path, std::string_view rule) {
  std::string message = "key file ";
  message += path;
  message += ": ";
  message += rule;
  return Status::error(std::move(code), std::move(message));
}

// Closes a file descriptor and wipes a buffer on every path out of read_key_file().
struct KeyFileScope {
  int fd = -1;
  char buffer[kMaxKeyFileBytes + 1];
  unsigned char key[kMaxKeyBytes + 1];
  ~KeyFileScope() {
    if (fd >= 0) ::close(fd);
    OPENSSL_cleanse(buffer, sizeof buffer);
    OPENSSL_cleanse(key, sizeof key);
  }
};

}  // namespace

std::string_view to_string(IdKind kind) { return kKindNames[static_cast<std::size_t>(kind)]; }

std::optional<IdKind> parse_id_kind(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kKindNames); ++i) {
    if (kKindNames[i] == name) return static_cast<IdKind>(i);
  }
  return std::nullopt;
}

Status normalize_identifier(IdKind kind, std::string_view raw, std::string& out) {
  detail::NormalBuffer buffer;
  Status s = detail::normalize(kind, raw, buffer);
  if (s.ok()) {
    out.assign(buffer.view());
  } else {
    out.clear();
  }
  OPENSSL_cleanse(buffer.data.data(), buffer.size);
  return s;
}

std::optional<IdKind> token_kind(std::string_view token) {
  const std::string_view prefix = "pt1:";
  if (token.substr(0, prefix.size()) != prefix) return std::nullopt;
  token.remove_prefix(prefix.size());
  const std::size_t colon = token.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const std::optional<IdKind> kind = parse_id_kind(token.substr(0, colon));
  const std::string_view digest = token.substr(colon + 1);
  if (!kind || digest.size() != kTokenDigestChars) return std::nullopt;
  for (char c : digest) {
    if (kBase32.find(c) == std::string_view::npos) return std::nullopt;
  }
  // 128 bits in 26 characters: the last one carries 3 bits and 2 zero bits of padding.
  if ((kBase32.find(digest.back()) & 3) != 0) return std::nullopt;
  return kind;
}

// ---------------------------------------------------------------------------------------------
// SecretKey and the key file

Result<SecretKey> SecretKey::from_bytes(std::span<const unsigned char> bytes) {
  if (bytes.size() < kMinKeyBytes) {
    return Status::error("key-too-short", "the key has fewer than 32 bytes (64 hex digits)");
  }
  if (bytes.size() > kMaxKeyBytes) {
    return Status::error("key-too-long", "the key has more than 64 bytes (128 hex digits)");
  }
  SecretKey key;
  std::memcpy(key.bytes_.data(), bytes.data(), bytes.size());
  key.size_ = bytes.size();
  return key;
}

SecretKey::SecretKey(SecretKey&& other) noexcept : bytes_(other.bytes_), size_(other.size_) {
  OPENSSL_cleanse(other.bytes_.data(), other.bytes_.size());
  other.size_ = 0;
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    size_ = other.size_;
    OPENSSL_cleanse(other.bytes_.data(), other.bytes_.size());
    other.size_ = 0;
  }
  return *this;
}

SecretKey::~SecretKey() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

Result<SecretKey> read_key_file(const std::string& path) {
  KeyFileScope scope;
  scope.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (scope.fd < 0) {
    return key_file_error("key-file-unreadable", path, std::strerror(errno));
  }
  // fstat on the open descriptor: the checks apply to the file that is read, even if the path is
  // replaced in between.
  struct stat st {};
  if (::fstat(scope.fd, &st) != 0) {
    return key_file_error("key-file-unreadable", path, std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return key_file_error("key-file-not-regular", path, "not a regular file");
  }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    char rule[96];
    std::snprintf(rule, sizeof rule,
                  "mode %04o gives access to group or others (chmod 0400 or 0600)",
                  static_cast<unsigned>(st.st_mode & 07777));
    return key_file_error("key-file-permissions", path, rule);
  }
  if (st.st_uid != ::geteuid() && st.st_uid != 0) {
    return key_file_error("key-file-owner", path, "owned by neither this user nor root");
  }
  if (st.st_size > static_cast<off_t>(kMaxKeyFileBytes)) {
    return key_file_error("key-file-too-large", path, "larger than 4096 bytes");
  }
  std::size_t size = 0;
  for (;;) {
    const ssize_t n = ::read(scope.fd, scope.buffer + size, sizeof scope.buffer - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return key_file_error("key-file-unreadable", path, std::strerror(errno));
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
    if (size == sizeof scope.buffer) {
      return key_file_error("key-file-too-large", path, "larger than 4096 bytes");
    }
  }

  // Hex digits, blanks between them, '#' comment lines. Positions and characters are never
  // reported: they would reveal part of the key.
  std::size_t key_size = 0;
  int high = -1;
  bool line_start = true;
  bool comment = false;
  for (std::size_t i = 0; i < size; ++i) {
    const char c = scope.buffer[i];
    if (c == '\n') {
      line_start = true;
      comment = false;
      continue;
    }
    if (comment) continue;
    if (c == ' ' || c == '\t' || c == '\r') continue;
    if (c == '#' && line_start) {
      comment = true;
      continue;
    }
    line_start = false;
    const int v = hex_value(c);
    if (v < 0) {
      return key_file_error("key-malformed", path,
                            "holds something other than hex digits, blanks and '#' comment lines");
    }
    if (high < 0) {
      high = v;
      continue;
    }
    if (key_size == kMaxKeyBytes) {
      return key_file_error("key-too-long", path, "more than 64 bytes of key (128 hex digits)");
    }
    scope.key[key_size++] = static_cast<unsigned char>(high << 4 | v);
    high = -1;
  }
  if (high >= 0) return key_file_error("key-malformed", path, "odd number of hex digits");
  if (key_size < kMinKeyBytes) {
    return key_file_error("key-too-short", path, "fewer than 32 bytes of key (64 hex digits)");
  }
  return SecretKey::from_bytes(std::span<const unsigned char>(scope.key, key_size));
}

// ---------------------------------------------------------------------------------------------
// Pseudonymiser

Pseudonymiser::Pseudonymiser(std::string domain, const SecretKey& key, const SecretKey* previous)
    : domain_(std::move(domain)), current_(std::make_unique<HmacSha256Key>(key.bytes())) {
  if (previous != nullptr) previous_ = std::make_unique<HmacSha256Key>(previous->bytes());
}

Pseudonymiser::~Pseudonymiser() = default;

Result<std::unique_ptr<Pseudonymiser>> Pseudonymiser::create(std::string domain,
                                                             const SecretKey& key,
                                                             const SecretKey* previous) {
  if (!valid_domain(domain)) {
    return Status::error("invalid-domain",
                         "the pseudonymisation domain must be 1 to 128 characters of "
                         "[A-Za-z0-9._:-]");
  }
  // A moved-from SecretKey is empty: refuse it rather than MAC with an empty key.
  if (key.bytes().size() < kMinKeyBytes ||
      (previous != nullptr && previous->bytes().size() < kMinKeyBytes)) {
    return Status::error("key-too-short", "the key has fewer than 32 bytes (64 hex digits)");
  }
  return std::unique_ptr<Pseudonymiser>(new Pseudonymiser(std::move(domain), key, previous));
}

Result<std::unique_ptr<Pseudonymiser>> Pseudonymiser::load(std::string domain,
                                                           const std::string& key_path,
                                                           const std::string& previous_key_path) {
  VIGIE_ASSIGN_OR_RETURN(SecretKey key, read_key_file(key_path));
  if (previous_key_path.empty()) return create(std::move(domain), key);
  VIGIE_ASSIGN_OR_RETURN(SecretKey previous, read_key_file(previous_key_path));
  return create(std::move(domain), key, &previous);
}

Status Pseudonymiser::compute(const HmacSha256Key& key, IdKind kind, std::string_view raw,
                              std::string& out) const {
  out.clear();
  detail::NormalBuffer normal;
  Status s = detail::normalize(kind, raw, normal);
  if (!s.ok()) {
    OPENSSL_cleanse(normal.data.data(), normal.size);
    return s;
  }
  const std::string_view kind_name = to_string(kind);
  constexpr char kNul = '\0';
  HmacSha256 mac(key);
  mac.update("vigie.pt1")
      .update({&kNul, 1})
      .update(kind_name)
      .update({&kNul, 1})
      .update(domain_)
      .update({&kNul, 1})
      .update(normal.view());
  const HmacSha256Digest digest = mac.finish();
  OPENSSL_cleanse(normal.data.data(), normal.size);
  out += kTokenVersion;
  out += ':';
  out += kind_name;
  out += ':';
  append_base32(out, digest.data(), kDigestBytes);
  return Status::ok_status();
}

Status Pseudonymiser::pseudonymise(IdKind kind, std::string_view raw, std::string& out) const {
  return compute(*current_, kind, raw, out);
}

Status Pseudonymiser::pseudonymise_previous(IdKind kind, std::string_view raw,
                                            std::string& out) const {
  if (previous_ == nullptr) {
    out.clear();
    return Status::error("no-previous-key", "no previous key is configured");
  }
  return compute(*previous_, kind, raw, out);
}

Result<std::string> Pseudonymiser::token(IdKind kind, std::string_view raw) const {
  std::string out;
  VIGIE_RETURN_IF_ERROR(pseudonymise(kind, raw, out));
  return out;
}

}  // namespace vigie::enrich
