#pragma once
// JSON Web Keys (RFC 7517) for signature verification, imported once into OpenSSL keys.
// Only public verification keys are kept; private members of a JWK are ignored.

#include "warden/jose/algorithm.hpp"

#include <boost/json/object.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace warden::jose {

namespace detail {
struct KeyMaterial;  // the OpenSSL key, opaque outside src/jose
}

/// The JWK `kty` values Warden accepts.
enum class KeyType : std::uint8_t { rsa, ec, okp };

/// The curve of an EC or OKP key; `none` for RSA.
enum class Curve : std::uint8_t { none, p256, p384, p521, ed25519 };

/// One verification key. Cheap to copy (the OpenSSL key is shared and immutable);
/// safe to use from many threads at once.
class Jwk {
  public:
    /// The key's `kid`, empty when it has none.
    const std::string& kid() const noexcept { return kid_; }
    KeyType type() const noexcept { return type_; }
    Curve curve() const noexcept { return curve_; }
    /// The key's own `alg` member, if it has one.
    std::optional<Algorithm> alg() const noexcept { return alg_; }
    /// Modulus bits for RSA, field bits for EC, 256 for Ed25519.
    int bits() const noexcept { return bits_; }
    /// True when `alg` may be verified with this key: the key type and curve fit
    /// (RFC 7518 section 3.1) and the key's own `alg`, if any, is `alg`.
    bool fits(Algorithm alg) const noexcept;

    /// The imported key; for the jose implementation.
    const detail::KeyMaterial& material() const noexcept { return *key_; }

  private:
    friend struct JwkBuilder;
    std::string kid_;
    KeyType type_ = KeyType::rsa;
    Curve curve_ = Curve::none;
    std::optional<Algorithm> alg_;
    int bits_ = 0;
    std::shared_ptr<const detail::KeyMaterial> key_;
};

/// Parses one JWK: RSA (n, e; modulus >= 2048 bits), EC (P-256/P-384/P-521, the point must
/// be on the curve) or OKP Ed25519. `use` must be absent or "sig"; `key_ops`, if present,
/// must contain "verify"; `alg`, if present, must be an algorithm that fits the key.
/// Errors: bad_jwk, unsupported_key, weak_key, key_not_for_verify. Thread-safe.
boost::system::result<Jwk> parse_jwk(const boost::json::object& jwk);

/// A key the JWKS parser left out, and why.
struct SkippedKey {
    std::size_t index;                 ///< position in the JWKS `keys` array
    std::string kid;                   ///< its `kid` when that was a string, else empty
    boost::system::error_code reason;  ///< one of the parse_jwk errors
};

/// An immutable set of verification keys with a `kid` index. Share it as
/// `std::shared_ptr<const JwkSet>` and swap whole snapshots; never mutate one in use.
class JwkSet {
  public:
    JwkSet() = default;
    /// Takes the usable keys and the report of skipped ones.
    explicit JwkSet(std::vector<Jwk> keys, std::vector<SkippedKey> skipped = {});

    /// All usable keys, ordered by `kid`.
    std::span<const Jwk> keys() const noexcept { return keys_; }
    /// Keys the parser skipped, with reasons.
    std::span<const SkippedKey> skipped() const noexcept { return skipped_; }
    /// The keys whose `kid` equals `kid` exactly (O(log n)); empty if none.
    std::span<const Jwk> find(std::string_view kid) const noexcept;
    bool empty() const noexcept { return keys_.empty(); }

  private:
    std::vector<Jwk> keys_;
    std::vector<SkippedKey> skipped_;
};

/// Parses a JWKS document (`{"keys": [...]}`, RFC 7517 section 5). Unusable keys are skipped
/// and listed in `skipped()`; the rest stay usable. Errors: bad_jwks when the document is
/// not a JSON object with a `keys` array. Thread-safe.
boost::system::result<std::shared_ptr<const JwkSet>> parse_jwks(std::string_view json);

/// As above, for an already parsed document.
boost::system::result<std::shared_ptr<const JwkSet>> parse_jwks(const boost::json::object& doc);

}  // namespace warden::jose
