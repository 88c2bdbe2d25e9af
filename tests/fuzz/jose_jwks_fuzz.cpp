// Fuzzes JWKS / JWK parsing and the OpenSSL key import behind it.
#include "warden/jose.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto keys = warden::jose::parse_jwks(text);
    if (!keys) return 0;
    for (const warden::jose::Jwk& k : keys.value()->keys()) {
        if (keys.value()->find(k.kid()).empty()) __builtin_trap();
        if (k.bits() <= 0) __builtin_trap();
    }
    for (const warden::jose::SkippedKey& s : keys.value()->skipped()) {
        if (!s.reason) __builtin_trap();
    }
    return 0;
}
