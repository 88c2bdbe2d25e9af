#pragma once
// Internal: the OpenSSL side of a Jwk. Only src/jose includes OpenSSL.

#include "warden/jose/jwk.hpp"

#include <openssl/evp.h>

#include <memory>
#include <string_view>

namespace warden::jose::detail {

struct KeyMaterial {
    explicit KeyMaterial(EVP_PKEY* k) noexcept : pkey(k) {}
    KeyMaterial(const KeyMaterial&) = delete;
    KeyMaterial& operator=(const KeyMaterial&) = delete;
    ~KeyMaterial() { EVP_PKEY_free(pkey); }
    EVP_PKEY* pkey;
};

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
