#pragma once
// Errors of tool-level auth (downstream OAuth, token store, secrets): category
// "warden.toolauth".

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <type_traits>

namespace warden::toolauth {

/// Why a tool-level auth operation failed. Values start at 1.
enum class Error {
    /// No provider with this id is configured.
    unknown_provider = 1,
    /// The provider has no client id (set WARDEN_PROVIDER_<ID>_CLIENT_ID).
    provider_not_configured,
    /// The `state` of a redirect is unknown, already used, or malformed.
    invalid_state,
    /// The `state` of a redirect is older than its lifetime.
    state_expired,
    /// The redirect's `iss` differs from the provider's issuer, or is missing where the
    /// provider always sends it (RFC 9207).
    issuer_mismatch,
    /// The provider redirected back with an error (e.g. the user denied access).
    authorization_denied,
    /// The token endpoint refused the code or answered something unusable.
    token_exchange_failed,
    /// The token endpoint refused the refresh token.
    refresh_failed,
    /// The token store could not be opened, read or written.
    store_unavailable,
    /// A stored token failed to decrypt: wrong key or tampered record (fail closed).
    store_decrypt_failed,
    /// The store's schema is newer than this build understands.
    store_schema_too_new,
    /// The token-store key is missing or malformed, or its key file is unsafe.
    bad_key,
    /// `WARDEN_STORE_URL` (or `ToolAuthOptions::store_url`) is neither `sqlite:PATH` nor a
    /// `postgresql://` URL.
    bad_store_url,
    /// A secret a tool declared is not configured.
    secret_missing,
    /// A tool declared a secret name reserved for Warden itself (WARDEN_*).
    secret_reserved,
    /// No redirect URI can be formed (the callback listener failed to start).
    callback_unavailable,
    /// Too many authorizations are pending on this server; try again later.
    too_many_pending,
    /// The browser that completed an authorization is not the one, or not signed in as the
    /// user, that started it.
    wrong_user,
};

/// The "warden.toolauth" category.
const boost::system::error_category& error_category() noexcept;

inline boost::system::error_code make_error_code(Error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

template <class T>
using result = boost::system::result<T>;

}  // namespace warden::toolauth

template <>
struct boost::system::is_error_code_enum<warden::toolauth::Error> : std::true_type {};
