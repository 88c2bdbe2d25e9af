#pragma once
// Downstream OAuth 2.0 providers: presets for GitHub, Google, Microsoft and Slack, and a
// generic one. Every endpoint can be overridden (GitHub Enterprise, tests).

#include <warden/toolauth/environment.hpp>

#include <string>
#include <utility>
#include <vector>

namespace warden::toolauth {

/// How the client authenticates at the token endpoint.
enum class ClientAuth {
    post,   ///< client_id and client_secret in the form body (client_secret_post)
    basic,  ///< HTTP Basic (client_secret_basic)
};

/// An OAuth 2.0 authorization server Warden obtains user tokens from.
struct Provider {
    std::string id{};            ///< "github"; what tools name in `requires_auth`
    std::string display_name{};  ///< "GitHub", for messages
    std::string authorization_endpoint{};
    std::string token_endpoint{};
    /// The issuer identifier. When set, an `iss` in the redirect must equal it (RFC 9207).
    std::string issuer{};
    /// The provider always sends `iss` in redirects (authorization_response_iss_parameter_
    /// supported): a redirect without it is rejected.
    bool requires_iss = false;
    std::string client_id{};
    std::string client_secret{};  ///< empty for a public client
    ClientAuth client_auth = ClientAuth::post;
    /// Scopes requested on every authorization besides the tool's (e.g. offline_access).
    std::vector<std::string> base_scopes{};
    /// The authorization request's scope parameter name (Slack user tokens: user_scope).
    std::string scope_parameter = "scope";
    /// Extra authorization request parameters (Google: access_type=offline).
    std::vector<std::pair<std::string, std::string>> extra_authorize_params{};
    /// The provider's API base URL, for tools (not used by Warden itself).
    std::string api_base_url{};
};

namespace providers {
/// GitHub (github.com; override the endpoints for GitHub Enterprise Server).
Provider github();
/// Google (offline access, so refresh tokens are issued).
Provider google();
/// Microsoft identity platform v2.0 for `tenant` ("common", "organizations" or an id).
Provider microsoft(std::string tenant = "common");
/// Slack user tokens (OAuth v2, `user_scope`).
Provider slack();
/// Any OAuth 2.0 authorization server with PKCE.
Provider oauth2(std::string id, std::string authorization_endpoint, std::string token_endpoint);
/// The four presets above, in that order.
std::vector<Provider> presets();
}  // namespace providers

/// Applies the environment to `provider`, for `WARDEN_PROVIDER_<ID>_*` (ID upper-cased,
/// '-' as '_'): CLIENT_ID, CLIENT_SECRET, AUTHORIZATION_ENDPOINT, TOKEN_ENDPOINT, ISSUER,
/// API_BASE_URL, BASE_SCOPES (space-separated). Only fields still empty are filled, so
/// explicit C++ configuration wins; BASE_SCOPES and the endpoints replace preset values.
void apply_environment(Provider& provider, const EnvLookup& env, bool endpoints_from_code);

/// The environment variable name of `field` for provider `id`, e.g.
/// ("github", "CLIENT_ID") -> "WARDEN_PROVIDER_GITHUB_CLIENT_ID".
std::string provider_env_name(std::string_view id, std::string_view field);

}  // namespace warden::toolauth
