#pragma once
// JWT access-token verification (RFC 7515, 7519, 8725, 9068). Pure: the clock is a
// parameter, keys come in as an immutable JwkSet, nothing is fetched or logged.

#include "warden/jose/algorithm.hpp"
#include "warden/jose/jwk.hpp"

#include <boost/json/object.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace warden::jose {

/// Default limit on the length of a compact token, in bytes.
inline constexpr std::size_t kDefaultMaxTokenSize = 16 * 1024;

/// What verify() accepts. The defaults fail closed: no algorithm and no audience is allowed
/// until the caller names them.
struct VerifyOptions {
    /// Allowed algorithms; empty -> Error::no_algorithms_configured. Use
    /// kAllAsymmetricAlgorithms for "any asymmetric algorithm that fits the key".
    AlgorithmSet algorithms;
    /// Expected `iss` values (exact match); needed when verify_iss is on.
    std::vector<std::string> issuers;
    /// Expected audiences; `aud` must contain one of them (exact string comparison).
    /// Cannot be switched off: empty -> Error::no_audience_configured.
    std::vector<std::string> audiences;
    /// The current time; the verifier never reads a clock itself.
    std::chrono::system_clock::time_point now;
    /// Allowed clock skew for exp, nbf and iat.
    std::chrono::seconds leeway{0};
    bool verify_exp = true;  ///< exp required, now < exp + leeway (RFC 9068 section 2.2)
    bool verify_nbf = true;  ///< if present, nbf <= now + leeway
    bool verify_iat = true;  ///< if present, iat <= now + leeway
    bool verify_iss = true;  ///< iss required and one of `issuers`
    /// Required header `typ`, compared case-insensitively with an optional "application/"
    /// prefix (RFC 7515 section 4.1.9), e.g. "at+jwt" (RFC 9068 section 2.1).
    std::optional<std::string> required_typ;
    /// When `required_typ` is not set, refuse JWTs that say they are something other than
    /// an access token (RFC 8725 section 3.11, RFC 9068 section 4): a header
    /// `typ` other than absent, "JWT" or "at+jwt" (case-insensitive, optional
    /// "application/" prefix), and, unless `typ` is "at+jwt", a payload carrying a claim
    /// only ID tokens or security event tokens carry (`nonce`, `at_hash`, `c_hash`,
    /// `s_hash`, `events`). Error: typ_mismatch.
    bool reject_other_token_types = true;
    /// Tokens longer than this are rejected before any parsing.
    std::size_t max_token_size = kDefaultMaxTokenSize;
    /// Without a `kid`, at most this many keys fitting the algorithm are tried.
    std::size_t max_keys_without_kid = 4;
};

/// The protected header of a verified token.
struct JoseHeader {
    Algorithm alg = Algorithm::RS256;
    std::string kid;  ///< empty when absent
    std::string typ;  ///< empty when absent
};

/// A token whose signature and claims were verified.
struct VerifiedToken {
    JoseHeader header;
    std::string subject;                        ///< `sub`
    std::string issuer;                         ///< `iss`, empty when absent and not checked
    std::vector<std::string> audiences;         ///< `aud` as a list
    std::set<std::string, std::less<>> scopes;  ///< `scope` (space-separated) and `scp`
    std::string client_id;                      ///< `client_id`, else `azp`; empty when neither
    std::optional<double> expires_at;           ///< `exp`, seconds since the epoch
    std::optional<double> issued_at;            ///< `iat`
    std::optional<double> not_before;           ///< `nbf`
    boost::json::object claims;                 ///< the whole payload

    bool has_scope(std::string_view scope) const { return scopes.contains(scope); }
};

/// Verifies a compact JWS access token against `keys`. Checks, in order: size, structure,
/// header (alg on the allow-list, no crit, typ), key by kid, signature, payload, then
/// exp, nbf, iat, iss, aud, sub. `jku`, `x5u`, `jwk`, `x5c` headers are never used.
/// Errors: any warden::jose::Error except the JWK ones. Never throws for bad input.
/// Thread-safe; `keys` is only read.
boost::system::result<VerifiedToken> verify(std::string_view token, const JwkSet& keys,
                                            const VerifyOptions& options);

/// A token split and decoded but NOT verified: for diagnostics and for routing by `iss`
/// before choosing a key set. Never trust its contents.
struct UnverifiedToken {
    boost::json::object header;
    boost::json::object claims;
};

/// Decodes a compact JWS without verifying anything but its shape.
/// Errors: token_too_large, malformed, bad_base64, bad_header, bad_payload.
boost::system::result<UnverifiedToken> decode_unverified(
    std::string_view token, std::size_t max_token_size = kDefaultMaxTokenSize);

}  // namespace warden::jose
