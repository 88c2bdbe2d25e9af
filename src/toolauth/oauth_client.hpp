#pragma once
// Internal: the OAuth 2.0 client side (RFC 6749 §4.1, §6; RFC 7636): the authorization
// URL, the code exchange and the refresh. Blocking; call from worker threads.

#include <warden/toolauth/provider.hpp>
#include <warden/toolauth/token_store.hpp>

#include <string>
#include <vector>

namespace warden::toolauth::oauth {

struct TokenResponse {
    std::string access_token{};
    std::string refresh_token{};        ///< empty when none was issued
    std::vector<std::string> scopes{};  ///< empty when the provider did not say
    std::optional<Clock::time_point> expires_at{};
    std::string id_token{};  ///< OpenID Connect sign-in only; empty when none was issued
};

/// The authorization request URL with PKCE S256 (RFC 7636 §4.3).
std::string authorization_url(const Provider& provider, const std::vector<std::string>& scopes,
                              const std::string& state, const std::string& code_challenge,
                              const std::string& redirect_uri);
/// Exchanges an authorization code. Errors: token_exchange_failed.
result<TokenResponse> exchange_code(const Provider& provider, const std::string& code,
                                    const std::string& code_verifier,
                                    const std::string& redirect_uri);
/// Uses a refresh token (RFC 6749 §6). Errors: refresh_failed.
result<TokenResponse> refresh(const Provider& provider, const std::string& refresh_token);
/// Parses a token endpoint's JSON answer (Slack's `authed_user` too).
result<TokenResponse> parse_token_response(long status, std::string_view body, Error failure);

}  // namespace warden::toolauth::oauth
