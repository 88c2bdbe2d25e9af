#pragma once
// Error codes of the resource server (module auth), registered with Boost.System like
// Beast's http/error.hpp. No message contains token bytes, claims, keys or secrets.

#include <boost/assert/source_location.hpp>
#include <boost/system/error_code.hpp>

#include <string>
#include <string_view>
#include <type_traits>

namespace warden::auth {

/// Why a request's credentials, or the configuration, were rejected. Values start at 1.
enum class Error {
    /// The request carried no bearer token in its Authorization header.
    missing_token = 1,
    /// The Authorization header is malformed (bad token characters, several headers).
    malformed_header,
    /// The token's issuer is not one of the trusted authorization servers.
    untrusted_issuer,
    /// The token is not valid (signature, expiry, audience, ...): see the jose error.
    invalid_token,
    /// The introspection endpoint says the token is not active.
    token_inactive,
    /// The token lacks a scope the server or the tool requires.
    insufficient_scope,
    /// No key set or introspection answer could be obtained (the AS is unreachable).
    unavailable,
    /// A JWKS or metadata document could not be used (media type, JSON, issuer mismatch).
    bad_document,
    /// An introspection response is malformed.
    bad_introspection_response,
    /// The configuration is invalid (see ConfigError::message).
    bad_configuration,
    /// The validator was stopped.
    stopped,
};

/// Groups of errors, as the HTTP transport answers them (RFC 6750 section 3.1).
enum class Condition {
    invalid_request = 1,  ///< 400 invalid_request
    invalid_token,        ///< 401, with error="invalid_token" when a token was presented
    insufficient_scope,   ///< 403 insufficient_scope
    unavailable,          ///< 503: a server-side dependency is down
};

/// The category of Error, named "warden.auth".
const boost::system::error_category& error_category() noexcept;
/// The category of Condition, named "warden.auth.condition".
const boost::system::error_category& condition_category() noexcept;

boost::system::error_code make_error_code(Error e) noexcept;
boost::system::error_condition make_error_condition(Condition c) noexcept;

/// The condition of any error a validator returns (auth, jose or net codes); unknown
/// codes count as invalid_token, so a surprise never lets a request through.
Condition condition_of(const boost::system::error_code& ec) noexcept;

/// A short fixed label for why `ec` refused a token (missing_token, malformed_header,
/// malformed, algorithm, unknown_key, invalid_signature, expired, not_yet_valid, issuer,
/// audience, typ, untrusted_issuer, invalid_token, inactive, insufficient_scope, dpop, dpop_nonce,
/// unavailable, other), for metrics labels and audit lines. Never token contents.
std::string_view reason_of(const boost::system::error_code& ec) noexcept;

/// A configuration problem: the code and a message naming the setting and the problem,
/// e.g. "MCP_RESOURCE_SERVER_CANONICAL_URL: must not contain a fragment".
struct ConfigError {
    boost::system::error_code code;
    std::string message;
};

/// Lets `result<T, ConfigError>::value()` throw (programmer error: check first).
[[noreturn]] void throw_exception_from_error(const ConfigError& e, const boost::source_location&);

}  // namespace warden::auth

template <>
struct boost::system::is_error_code_enum<warden::auth::Error> : std::true_type {};
template <>
struct boost::system::is_error_condition_enum<warden::auth::Condition> : std::true_type {};
