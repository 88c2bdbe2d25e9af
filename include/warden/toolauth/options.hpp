#pragma once
// Settings of tool-level auth. Every field has a default or an environment variable; the
// defaults suit a local server.

#include <warden/toolauth/provider.hpp>

#include <chrono>
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
};

}  // namespace warden::toolauth
