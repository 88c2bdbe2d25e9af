#pragma once
// Internal: the few crypto primitives toolauth needs, on OpenSSL EVP.

#include <warden/toolauth/error.hpp>

#include <string>
#include <string_view>

namespace warden::toolauth::crypto {

/// `n` bytes from OpenSSL's CSPRNG. Throws only if the CSPRNG fails (unrecoverable).
std::string random_bytes(std::size_t n);
/// `n` random bytes, base64url without padding.
std::string random_token(std::size_t n);
/// SHA-256 of `data` (32 raw bytes).
std::string sha256(std::string_view data);
/// Constant-time equality (CRYPTO_memcmp); different lengths are unequal.
bool equal(std::string_view a, std::string_view b);

/// AES-256-GCM: nonce (12 random bytes) || ciphertext || tag (16 bytes), with `aad`
/// authenticated. `key` is 32 bytes.
std::string seal(std::string_view key, std::string_view plaintext, std::string_view aad);
/// Opens what `seal` made. Errors: store_decrypt_failed (wrong key, wrong aad, tampered).
result<std::string> open(std::string_view key, std::string_view sealed, std::string_view aad);

}  // namespace warden::toolauth::crypto
