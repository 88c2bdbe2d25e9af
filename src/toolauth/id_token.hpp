#pragma once
// Internal: the claims check of an OpenID Connect ID token received from the token endpoint
// of the front-door authorization server, for sign-in binding (who completes an
// authorization must be who started it).

#include <warden/toolauth/error.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace warden::toolauth {

/// What an ID token must say.
struct IdTokenExpectations {
    std::string issuer{};     ///< `iss`, compared exactly
    std::string client_id{};  ///< must be in `aud` (and be `azp` when `aud` names others)
    std::string nonce{};      ///< the nonce of the authorization request
    std::chrono::system_clock::time_point now{};
};

/// Checks `id_token`'s claims (OpenID Connect Core 1.0 §3.1.3.7 items 2-4, 9, 11) and
/// returns its `sub`. The signature is not checked: the token came straight from the token
/// endpoint over TLS (or loopback), which item 6 of the same section allows in its place.
/// Errors: wrong_user (malformed, or any claim off).
result<std::string> check_id_token(std::string_view id_token, const IdTokenExpectations& expect);

}  // namespace warden::toolauth
