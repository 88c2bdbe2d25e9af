#pragma once
// Symmetric crypto shared by Warden's modules, on OpenSSL 3 EVP (never included here):
// a CSPRNG, SHA-256, constant-time comparison, AES-256-GCM, and 256-bit secret keys read
// from the environment or from 0600 key files. Used by the tool-auth token store and the
// sealed `requestState`.

#include <warden/crypto/error.hpp>
#include <warden/crypto/key.hpp>

#include <string>
#include <string_view>

namespace warden::crypto {

/// `n` bytes from OpenSSL's CSPRNG. Throws only if the CSPRNG fails (unrecoverable).
std::string random_bytes(std::size_t n);
/// `n` random bytes, base64url without padding.
std::string random_token(std::size_t n);
/// SHA-256 of `data` (32 raw bytes).
std::string sha256(std::string_view data);
/// Constant-time equality (CRYPTO_memcmp); different lengths are unequal.
bool equal(std::string_view a, std::string_view b);

/// Bytes AES-256-GCM adds to a plaintext: a 12-byte nonce and a 16-byte tag.
inline constexpr std::size_t kSealOverhead = 12 + 16;

/// AES-256-GCM: nonce (12 random bytes) || ciphertext || tag (16 bytes), with `aad`
/// authenticated. `key` is 32 bytes. Throws only if OpenSSL fails (unrecoverable).
std::string seal(std::string_view key, std::string_view plaintext, std::string_view aad);
/// Opens what `seal` made. Errors: decrypt_failed (wrong key, wrong aad, tampered,
/// truncated). Never returns unauthenticated bytes.
result<std::string> open(std::string_view key, std::string_view sealed, std::string_view aad);

}  // namespace warden::crypto
