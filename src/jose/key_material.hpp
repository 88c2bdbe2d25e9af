#pragma once
// Internal: the OpenSSL side of a Jwk. Only src/jose includes OpenSSL.

#include "warden/jose/jwk.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

namespace warden::jose::detail {

/// An imported key, plus one verification context per algorithm the key fits, set up once
/// (padding, digest, salt length). Templates are never used directly: each thread keeps its
/// own duplicates (EVP_PKEY_CTX_dup only reads the template), so a key is shared freely.
struct KeyMaterial {
    explicit KeyMaterial(EVP_PKEY* k) noexcept;
    KeyMaterial(const KeyMaterial&) = delete;
    KeyMaterial& operator=(const KeyMaterial&) = delete;
    ~KeyMaterial() {
        for (EVP_PKEY_CTX* c : verify_templates) EVP_PKEY_CTX_free(c);
        EVP_PKEY_free(pkey);
    }
    EVP_PKEY* pkey;
    std::array<EVP_PKEY_CTX*, 10> verify_templates{};  ///< indexed by Algorithm; EdDSA unused
    std::uint64_t id;  ///< unique per process, never reused: names this key in thread caches
};

/// A verification context for `alg` over a prehashed message, or nullptr (EdDSA, errors).
EVP_PKEY_CTX* make_verify_template(Algorithm alg, EVP_PKEY* pkey) noexcept;

struct PkeyFree {
    void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

/// Imports RSA (n, e big-endian), checking the modulus size. Errors: bad_jwk, weak_key.
boost::system::result<PkeyPtr> import_rsa(std::string_view n, std::string_view e);
/// Imports an EC public point (x, y of the curve's exact size), checking it is on the curve.
boost::system::result<PkeyPtr> import_ec(Curve curve, std::string_view x, std::string_view y);
/// Imports an Ed25519 public key (32 bytes).
boost::system::result<PkeyPtr> import_ed25519(std::string_view x);

/// Bytes of one coordinate / one of r and s for an EC curve (32, 48, 66).
std::size_t coordinate_size(Curve curve) noexcept;

}  // namespace warden::jose::detail
