// Patient pseudonymisation: every patient identifier becomes a keyed HMAC-SHA256 token, with one
// secret key per establishment (tenant), so that the SOC never holds a patient identity in clear
// and tokens of different establishments cannot be linked. docs/privacy.md is the reference for
// the token format, the key file, the normalisation of each kind and key rotation.
//
// Token (stable; version "pt1"):
//
//   token  = "pt1:" kind ":" digest
//   kind   = "ipp" | "nir" | "fhir" | "name" | "family" | "birth" | "nda"
//   digest = 26 * base32char   ; RFC 4648 base32, lower case, no padding, of the first 16 bytes of
//   base32char = %x61-7A | %x32-37 ; HMAC-SHA256(key, msg)
//   msg    = "vigie.pt1" %x00 kind %x00 domain %x00 normalised-value
//
// The kind and the domain (the tenant the key belongs to) are inside the MAC, so an IPP and a NIR
// with the same digits, or the same IPP in two tenants sharing a key, give unrelated tokens.
//
// Key file (read_key_file): the key in hexadecimal, 64 to 128 hex digits (32 to 64 bytes), spread
// over any number of lines, with blanks ignored and '#' comment lines. The file must be a regular
// file owned by the effective user or root, with no permission bit for group or others (0400 or
// 0600), and at most 4096 bytes long. Anything else is refused with a Status whose message names
// the path and the rule broken, never the key or any part of it.
//
// Errors of pseudonymise() (Status::code(); the message names the kind, never the value):
//   "empty"                   nothing left after normalisation
//   "too-long"                the raw value is longer than kMaxIdentifierBytes
//   "invalid-utf8"            the raw value is not valid UTF-8
//   "invalid-nir"             not 13 characters (or 15 with a correct key) of a NIR/NIA
//   "invalid-date"            not a calendar date in one of the accepted forms
//   "invalid-fhir-reference"  not Patient/<id>, an absolute URL to one, or a bare FHIR id
//   "invalid-ipp"             holds a control character
//   "invalid-nda"             holds a control character
//   "no-previous-key"         pseudonymise_previous() without a previous key
// The caller must drop a value it could not pseudonymise: never keep it, log it or dead-letter it.
//
// Thread safety: a Pseudonymiser is immutable after construction; every const member may be called
// from any number of threads. Cost: no allocation once `out` has room for a token (40 bytes).
// Lifetime: the key material (HMAC pad states) is wiped with OPENSSL_cleanse on destruction.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"

namespace vigie::enrich {

class HmacSha256Key;

enum class IdKind : std::uint8_t {
  kIpp,          // "ipp": local hospital patient id (HL7 v2 CX type PI)
  kNir,          // "nir": INS matricule (NIR or NIA), 13 characters, 2A/2B for Corsica
  kFhirPatient,  // "fhir": FHIR Patient reference (Patient/123, absolute URL, bare id)
  kName,         // "name": full name, words in any order
  kFamilyName,   // "family": family (birth or usage) name alone
  kBirthDate,    // "birth": birth date
  kNda,          // "nda": stay / visit number (HL7 v2 CX type AN or VN); normalised as an IPP
};
// The number of kinds: arrays indexed by IdKind. A new kind goes last and updates it.
inline constexpr std::size_t kIdKindCount = static_cast<std::size_t>(IdKind::kNda) + 1;

// The kind's name in tokens and in docs; parse_id_kind() is its inverse.
std::string_view to_string(IdKind kind);
std::optional<IdKind> parse_id_kind(std::string_view name);

inline constexpr std::size_t kMaxIdentifierBytes = 256;
inline constexpr std::size_t kMinKeyBytes = 32;
inline constexpr std::size_t kMaxKeyBytes = 64;
inline constexpr std::size_t kMaxKeyFileBytes = 4096;
inline constexpr std::size_t kMaxDomainBytes = 128;
inline constexpr std::string_view kTokenVersion = "pt1";
inline constexpr std::size_t kTokenDigestChars = 26;

// The canonical form that is MACed (see docs/privacy.md, "Normalisation"). Replaces `out`.
// Errors as pseudonymise(). Exposed for tests and for the establishments' re-identification
// tools, which must reproduce it.
Status normalize_identifier(IdKind kind, std::string_view raw, std::string& out);

// The kind of a well-formed token ("pt1:<kind>:<26 base32 chars>"), or nullopt.
std::optional<IdKind> token_kind(std::string_view token);

// Secret key bytes; wiped on destruction. Move-only (a move wipes the source).
class SecretKey {
 public:
  // Fails with "key-too-short" / "key-too-long" outside [kMinKeyBytes, kMaxKeyBytes].
  static Result<SecretKey> from_bytes(std::span<const unsigned char> bytes);
  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  ~SecretKey();

  std::span<const unsigned char> bytes() const { return {bytes_.data(), size_}; }

 private:
  SecretKey() = default;
  std::array<unsigned char, kMaxKeyBytes> bytes_{};
  std::size_t size_ = 0;
};

// Reads a key file (format and checks above). Error codes: "key-file-unreadable",
// "key-file-not-regular", "key-file-permissions", "key-file-owner", "key-file-too-large",
// "key-malformed", "key-too-short", "key-too-long".
Result<SecretKey> read_key_file(const std::string& path);

class Pseudonymiser {
 public:
  // `domain` is the tenant the key belongs to (a FINESS code or a GHT id when a GHT deliberately
  // shares one key): 1 to kMaxDomainBytes characters of [A-Za-z0-9._:-], else "invalid-domain".
  // `previous`, when given, is the key being retired (see docs/privacy.md, "Key rotation").
  static Result<std::unique_ptr<Pseudonymiser>> create(std::string domain, const SecretKey& key,
                                                       const SecretKey* previous = nullptr);
  // read_key_file() of each path, then create(). An empty `previous_key_path` means none.
  static Result<std::unique_ptr<Pseudonymiser>> load(std::string domain,
                                                     const std::string& key_path,
                                                     const std::string& previous_key_path = {});
  ~Pseudonymiser();
  Pseudonymiser(const Pseudonymiser&) = delete;
  Pseudonymiser& operator=(const Pseudonymiser&) = delete;

  const std::string& domain() const { return domain_; }
  bool has_previous_key() const { return previous_ != nullptr; }

  // Replaces `out` with the token of `raw` (on error `out` is cleared).
  Status pseudonymise(IdKind kind, std::string_view raw, std::string& out) const;
  // The same with the previous key: what pseudonymise() returned before the rotation.
  Status pseudonymise_previous(IdKind kind, std::string_view raw, std::string& out) const;
  // Allocating convenience for cold paths (loading a directory, tests).
  Result<std::string> token(IdKind kind, std::string_view raw) const;

 private:
  Pseudonymiser(std::string domain, const SecretKey& key, const SecretKey* previous);
  Status compute(const HmacSha256Key& key, IdKind kind, std::string_view raw,
                 std::string& out) const;

  std::string domain_;
  std::unique_ptr<HmacSha256Key> current_;
  std::unique_ptr<HmacSha256Key> previous_;
};

}  // namespace vigie::enrich
