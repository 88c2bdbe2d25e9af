#pragma once
// Error codes of the JOSE module, registered with Boost.System the way Boost.Beast's
// http/error.hpp does. No message ever contains token bytes, claims or key material.

#include <boost/system/error_code.hpp>

#include <type_traits>

namespace warden::jose {

/// Why a token, a key or a key set was rejected. Values start at 1 (0 means success).
enum class Error {
    /// The token is not a JWS compact serialization of exactly three non-empty segments.
    malformed = 1,
    /// The token is longer than the configured limit (VerifyOptions::max_token_size).
    token_too_large,
    /// A segment is not strict base64url (padding, foreign characters, non-canonical tail).
    bad_base64,
    /// The JOSE header is not a JSON object, or alg/kid/typ have the wrong type.
    bad_header,
    /// The payload is not a JSON object.
    bad_payload,
    /// The header carries `crit`; no extension is understood (RFC 7515 section 4.1.11).
    crit_unsupported,
    /// The algorithm is `none`, HMAC, unknown, or not on the caller's allow-list.
    alg_not_allowed,
    /// The key found for the token does not fit the algorithm (type, curve or its own `alg`).
    alg_key_mismatch,
    /// No key in the key set matches the token's `kid` (or, without `kid`, its algorithm).
    unknown_key,
    /// The signature does not verify, or has the wrong length or encoding.
    bad_signature,
    /// `exp` is in the past (beyond the leeway), or missing.
    expired,
    /// `nbf` is in the future (beyond the leeway).
    not_yet_valid,
    /// `iat` is in the future (beyond the leeway).
    issued_in_future,
    /// `iss` is missing or not one of the expected issuers.
    issuer_mismatch,
    /// `aud` is missing or contains none of the expected audiences.
    audience_mismatch,
    /// `sub` is missing or empty.
    missing_subject,
    /// The header `typ` is not the required one.
    typ_mismatch,
    /// A registered claim has the wrong JSON type (e.g. a string `exp`).
    bad_claim_type,
    /// Options misconfigured: the algorithm allow-list is empty.
    no_algorithms_configured,
    /// Options misconfigured: the expected audience list is empty.
    no_audience_configured,
    /// Options misconfigured: issuer checking is on but no issuer is expected.
    no_issuer_configured,
    /// A JWKS document is not a JSON object with a `keys` array.
    bad_jwks,
    /// A JWK is malformed: missing or mistyped members, bad lengths, point not on the curve.
    bad_jwk,
    /// A JWK has an unsupported `kty`, `crv` or `alg`.
    unsupported_key,
    /// A JWK is too weak (RSA modulus below 2048 bits).
    weak_key,
    /// A JWK is not meant for verifying signatures (`use` other than `sig`, or `key_ops`
    /// without `verify`).
    key_not_for_verify,
};

/// Groups of errors, as a resource server reports them (RFC 6750 section 3.1).
enum class Condition {
    /// The request itself is unacceptable (e.g. an oversized token).
    invalid_request = 1,
    /// The token is malformed, expired, wrongly signed or for someone else.
    invalid_token,
    /// The verifier is misconfigured or its key set is unusable (a server-side problem).
    invalid_configuration,
};

/// The category of Error, named "warden.jose".
const boost::system::error_category& error_category() noexcept;
/// The category of Condition, named "warden.jose.condition".
const boost::system::error_category& condition_category() noexcept;

boost::system::error_code make_error_code(Error e) noexcept;
boost::system::error_condition make_error_condition(Condition c) noexcept;

/// The condition an error belongs to; `ec == Condition::invalid_token` works too.
Condition condition_of(Error e) noexcept;

}  // namespace warden::jose

template <>
struct boost::system::is_error_code_enum<warden::jose::Error> : std::true_type {};
template <>
struct boost::system::is_error_condition_enum<warden::jose::Condition> : std::true_type {};
