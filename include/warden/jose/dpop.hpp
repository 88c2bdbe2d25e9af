#pragma once
// DPoP proofs (RFC 9449): the checks of section 4.3 that need only the proof, the request
// and the access token. Pure: the clock is a parameter; replay (jti) and server nonces are
// the caller's (warden::auth), since they need state.

#include "warden/jose/algorithm.hpp"

#include <boost/json/object.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace warden::jose {

/// Why a DPoP proof was rejected (RFC 9449 section 4.3); a resource server answers all of
/// them with `error="invalid_dpop_proof"` except use_dpop_nonce (section 9). Values start at 1.
enum class DpopError {
    /// The request carries no DPoP header although the token needs a proof.
    missing_proof = 1,
    /// The request carries more than one DPoP header (section 4.3, check 1).
    multiple_proofs,
    /// The proof is longer than DpopExpectations::max_proof_size.
    proof_too_large,
    /// The proof is not a compact JWS with a JSON header and payload (checks 2, 3).
    malformed,
    /// The header `typ` is not `dpop+jwt` (check 4).
    bad_typ,
    /// `alg` is `none`, symmetric, unknown or not on the allow-list (check 5).
    alg_not_allowed,
    /// `jwk` is missing, not a usable public key, or does not fit `alg` (check 7).
    bad_jwk,
    /// `jwk` contains private key members (check 7).
    private_key,
    /// The signature does not verify with the proof's `jwk` (check 6).
    bad_signature,
    /// A required claim (jti, htm, htu, iat) is missing or has the wrong type (check 3).
    missing_claim,
    /// `htm` is not the request's method (check 8).
    htm_mismatch,
    /// `htu` is not the request's URI without query and fragment (check 9).
    htu_mismatch,
    /// `iat` is older than the acceptance window (check 11).
    stale,
    /// `iat` is later than the acceptance window allows (check 11).
    issued_in_future,
    /// `ath` is missing or not the hash of the access token (check 12).
    ath_mismatch,
    /// The proof's key is not the one the access token is bound to (`cnf.jkt`, check 12).
    key_mismatch,
    /// The proof's `jti` was seen before within the window (section 11.1).
    replayed,
    /// The proof lacks the server nonce, or the nonce is expired or not ours (section 9).
    use_dpop_nonce,
    /// The replay cache, full under load, forgot proofs as old as this one: it cannot be
    /// checked for replay. A fresh proof passes.
    replay_cache_full,
    /// A DPoP-bound token (`cnf.jkt`) was presented with the Bearer scheme (section 7.2).
    bound_token_as_bearer,
    /// The DPoP scheme was used with a token that is not bound to a key.
    token_not_bound,
    /// The token's authorization server is configured to require DPoP-bound tokens.
    dpop_required,
    /// The token's authorization server is configured with DPoP off.
    dpop_not_accepted,
    /// The shared replay store (PostgreSQL) cannot be reached: the proof cannot be
    /// recorded, so it is refused (fail closed); the server's problem, not the client's.
    replay_store_unavailable,
};

/// The category of DpopError, named "warden.jose.dpop".
const boost::system::error_category& dpop_error_category() noexcept;
boost::system::error_code make_error_code(DpopError e) noexcept;

/// Default limit on the size of a proof: a header with an RSA-4096 JWK and a short payload
/// fit with room to spare.
inline constexpr std::size_t kDefaultMaxProofSize = 8 * 1024;

/// What the proof must match. Views must outlive the call.
struct DpopExpectations {
    /// Allowed proof algorithms; empty allows nothing. HMAC and `none` never pass.
    AlgorithmSet algorithms = kAllAsymmetricAlgorithms;
    /// The request method, e.g. "POST" (compared exactly, RFC 9110 section 9.1).
    std::string_view method;
    /// The URI the request was addressed to, from configuration (the canonical URL), never
    /// from a Host header the client chose. Query and fragment are ignored.
    std::string_view url;
    /// The access token the proof must be bound to (`ath`); empty: no `ath` check (a proof
    /// sent to an authorization server's token endpoint has none).
    std::string_view access_token;
    /// The RFC 7638 thumbprint the token is bound to (`cnf.jkt`); empty: not checked.
    std::string_view jkt;
    /// The current time; the verifier never reads a clock.
    std::chrono::system_clock::time_point now;
    /// `iat` may be this far in the past or in the future...
    std::chrono::seconds iat_window{300};
    /// ...plus this much clock skew.
    std::chrono::seconds leeway{0};
    std::size_t max_proof_size = kDefaultMaxProofSize;
};

/// A proof whose signature and claims passed.
struct VerifiedDpopProof {
    Algorithm alg = Algorithm::ES256;
    std::string jkt;                   ///< RFC 7638 SHA-256 thumbprint of the proof's `jwk`
    std::string jti;                   ///< for the caller's replay check
    std::int64_t iat = 0;              ///< seconds since the epoch
    std::optional<std::string> nonce;  ///< `nonce`, for the caller's nonce check
};

/// Verifies a DPoP proof JWT (RFC 9449 section 4.3, checks 2-12 except the nonce and the
/// replay, which need state). Errors: DpopError. Never throws for bad input. Thread-safe.
boost::system::result<VerifiedDpopProof> verify_dpop_proof(std::string_view proof,
                                                           const DpopExpectations& expectations);

/// The RFC 7638 JWK SHA-256 thumbprint, base64url: the required members of the key type
/// (EC: crv, kty, x, y; RSA: e, kty, n; OKP: crv, kty, x) in lexicographic order, no
/// whitespace. Errors: DpopError::bad_jwk when a required member is missing or not a string.
boost::system::result<std::string> jwk_thumbprint(const boost::json::object& jwk);

/// base64url(SHA-256(access_token)), the `ath` claim (RFC 9449 section 4.2).
std::string dpop_access_token_hash(std::string_view access_token);

/// True when `htu` equals `expected` after dropping query and fragment and normalizing
/// both (RFC 3986 sections 6.2.2 and 6.2.3: case, percent-encoding, dot segments, default
/// port, empty path as "/").
bool dpop_htu_matches(std::string_view htu, std::string_view expected);

}  // namespace warden::jose

template <>
struct boost::system::is_error_code_enum<warden::jose::DpopError> : std::true_type {};
