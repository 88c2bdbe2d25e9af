#pragma once
// Settings of tool-level auth. Every field has a default or an environment variable; the
// defaults suit a local server.

#include <warden/toolauth/provider.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace warden::toolauth {

class TokenStore;

struct ToolAuthOptions {
    /// Providers configured in code; they replace the preset of the same id. The presets
    /// (github, google, microsoft, slack) are always available besides.
    std::vector<Provider> providers{};
    /// The token store; null opens the one `store_url` names.
    std::shared_ptr<TokenStore> store{};
    /// Where tokens are kept: `sqlite:PATH`, or `postgresql://...` (also `postgres://`)
    /// for several replicas sharing one database. Empty: $WARDEN_STORE_URL, else SQLite at
    /// `store_path`. With PostgreSQL the key must be shared by every replica: it comes from
    /// $WARDEN_TOOLAUTH_KEY or an existing key file, never a file created on first use.
    std::string store_url{};
    /// Empty: $WARDEN_TOOLAUTH_DB or the default (see default_store_path).
    std::string store_path{};
    /// Empty: $WARDEN_TOOLAUTH_KEY_FILE or the default (see default_key_path).
    std::string key_file{};
    /// Empty: $WARDEN_SECRETS_FILE (unset: no secrets file).
    std::string secrets_file{};
    /// The redirect URI registered at the providers. Empty: $WARDEN_TOOLAUTH_REDIRECT_URI,
    /// else over HTTP `http://<host>:<port><callback_path>`, over stdio the loopback
    /// listener's `http://127.0.0.1:<port><callback_path>`.
    std::string redirect_uri{};
    /// The callback path on the HTTP server and the loopback listener.
    std::string callback_path = "/oauth/callback";
    /// Port of the loopback listener over stdio; 0: $WARDEN_TOOLAUTH_CALLBACK_PORT, else
    /// an ephemeral port.
    unsigned short callback_port = 0;
    /// How long a `state` stays valid.
    std::chrono::seconds state_lifetime{std::chrono::minutes(10)};
    /// After a URL-mode elicitation is accepted, how long the call waits for the redirect.
    std::chrono::seconds authorization_wait{std::chrono::minutes(5)};
    /// Pending authorizations kept per user (the user's oldest link is dropped for a new
    /// one) and in all (past it, new authorizations are refused until some complete or
    /// expire).
    std::size_t max_pending_per_user = 16;
    std::size_t max_pending = 100000;

    /// Sign-in binding over HTTP with server-level auth: for each trusted front-door
    /// issuer, an OpenID Connect client at that authorization server (`issuer`,
    /// `authorization_endpoint`, `token_endpoint`, `client_id`, `client_secret`; its
    /// redirect URI is the same callback as the providers'; empty endpoints are discovered
    /// from the issuer's OpenID Connect metadata on first use). Before the browser goes to the
    /// downstream provider it signs in there, and the authorization goes on only if the ID
    /// token's `iss` and `sub` are the caller's. Also from $WARDEN_TOOLAUTH_LOGIN_ISSUER,
    /// _CLIENT_ID, _CLIENT_SECRET, _AUTHORIZATION_ENDPOINT, _TOKEN_ENDPOINT (one issuer).
    std::vector<Provider> login{};
    /// Over HTTP with server-level auth, when no `login` matches the caller's issuer: true
    /// hands out links that whoever opens them can complete (anyone the caller sends the
    /// link to would connect *their* account to the caller); false (the default) refuses
    /// the authorization with an error saying what to configure. Also
    /// $WARDEN_TOOLAUTH_UNBOUND_LINKS=1.
    bool unbound_links = false;
};

}  // namespace warden::toolauth
