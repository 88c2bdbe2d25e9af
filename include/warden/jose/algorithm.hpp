#pragma once
// The JWS signature algorithms Warden verifies (RFC 7518 section 3, RFC 8037 section 3.1).
// `none` and the HMAC family are deliberately absent: a resource server never shares a
// secret with the authorization server, and RFC 8725 section 3.1 warns against both.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>

namespace warden::jose {

/// An asymmetric JWS algorithm.
enum class Algorithm : std::uint8_t {
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    EdDSA,
};

/// The `alg` name of an algorithm, e.g. "RS256".
std::string_view to_string(Algorithm alg) noexcept;

/// The algorithm named `name` (exact, case-sensitive); nullopt for `none`, HMAC and unknown.
std::optional<Algorithm> parse_algorithm(std::string_view name) noexcept;

/// A set of algorithms, e.g. a verifier's allow-list. The default set is empty, and an empty
/// allow-list allows nothing: ask for `AlgorithmSet::all_asymmetric()` explicitly.
class AlgorithmSet {
  public:
    constexpr AlgorithmSet() noexcept = default;
    constexpr AlgorithmSet(std::initializer_list<Algorithm> algs) noexcept {
        for (Algorithm a : algs) insert(a);
    }

    /// Every algorithm of the Algorithm enum: RS*, PS*, ES*, EdDSA.
    static constexpr AlgorithmSet all_asymmetric() noexcept {
        AlgorithmSet s;
        s.bits_ = (1u << (static_cast<unsigned>(Algorithm::EdDSA) + 1)) - 1;
        return s;
    }

    constexpr void insert(Algorithm a) noexcept { bits_ |= bit(a); }
    constexpr bool contains(Algorithm a) const noexcept { return (bits_ & bit(a)) != 0; }
    constexpr bool empty() const noexcept { return bits_ == 0; }
    constexpr bool operator==(const AlgorithmSet&) const noexcept = default;

  private:
    static constexpr std::uint32_t bit(Algorithm a) noexcept {
        return 1u << static_cast<unsigned>(a);
    }
    std::uint32_t bits_ = 0;
};

/// The explicit "any asymmetric algorithm that fits the key" allow-list.
inline constexpr AlgorithmSet kAllAsymmetricAlgorithms = AlgorithmSet::all_asymmetric();

}  // namespace warden::jose
