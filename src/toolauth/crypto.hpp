#pragma once
// Internal: the crypto toolauth needs, from the shared crypto module, with its errors
// expressed as toolauth's own.

#include <warden/crypto.hpp>
#include <warden/toolauth/error.hpp>

#include <string>
#include <string_view>

namespace warden::toolauth::crypto {

using warden::crypto::equal;
using warden::crypto::random_bytes;
using warden::crypto::random_token;
using warden::crypto::seal;
using warden::crypto::sha256;

/// Opens what `seal` made. Errors: store_decrypt_failed (wrong key, wrong aad, tampered).
inline result<std::string> open(std::string_view key, std::string_view sealed,
                                std::string_view aad) {
    auto plain = warden::crypto::open(key, sealed, aad);
    if (!plain) return Error::store_decrypt_failed;
    return std::move(*plain);
}

}  // namespace warden::toolauth::crypto
