#pragma once
// `ToolAuth`: the tool guard. Before a tool with `requires_auth` / `requires_secrets` runs,
// it hands the call exactly the declared secrets and the user's downstream token, refreshing
// or starting an authorization (PKCE, URL elicitation or an authorization URL) as needed;
// and it answers the provider's redirect.

#include <warden/content.hpp>
#include <warden/context.hpp>
#include <warden/definitions.hpp>
#include <warden/toolauth/environment.hpp>
#include <warden/toolauth/error.hpp>
#include <warden/toolauth/options.hpp>
#include <warden/toolauth/state.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warden::toolauth {

/// The page the browser gets at the redirect endpoint.
struct CallbackPage {
    unsigned status = 200;
    std::string html{};
    /// Where to send the browser next (a 302 with this Location), empty for a page.
    std::string location{};
    /// A Set-Cookie value to send, empty for none.
    std::string set_cookie{};
};

class ToolAuth {
  public:
    /// Builds the guard: providers (presets, then `options.providers`, then the
    /// environment), secrets, state store. The token store opens on first use. Errors:
    /// none yet (configuration problems surface per call, naming what is missing).
    static std::shared_ptr<ToolAuth> create(ToolAuthOptions options,
                                            EnvLookup env = process_environment());
    ~ToolAuth();
    ToolAuth(const ToolAuth&) = delete;
    ToolAuth& operator=(const ToolAuth&) = delete;

    /// Checks what can be checked before serving: the store URL's form and, for
    /// PostgreSQL, that the keys every replica must share are configured (a replica must
    /// not make up a key of its own: the others could not read what it seals): the token
    /// store key, and the `requestState` key (WARDEN_STATE_KEY or an existing
    /// WARDEN_STATE_KEY_FILE). Each problem is logged naming the variable to set. Errors:
    /// bad_store_url, bad_key.
    result<void> check_configuration() const;

    /// The PostgreSQL URL of the shared store (`store_url`, else $WARDEN_STORE_URL) when it
    /// names one; nullopt for SQLite or a store given in code. The other shared pieces
    /// (single-use caches, tasks, notifications) use the same database.
    std::optional<std::string> shared_store_url() const;

    /// The guard (ServerCore's ToolGuard): fills `ctx` with the tool's secrets and token,
    /// or returns the isError result to answer with. Blocks (token endpoint, URL
    /// elicitation); runs on a worker thread.
    std::optional<ToolResult> prepare(const Tool& tool, Context& ctx);

    /// Handles a request to the redirect endpoint (`query` is the raw query string,
    /// `cookie` the Cookie header field): the first visit of an authorization link (sets
    /// the browser cookie, sends the browser to sign in), the sign-in's redirect (checks the
    /// signed-in user is the initiator, sends the browser to the provider), and the
    /// provider's redirect (checks `state`, `iss` and the cookie, exchanges the code with
    /// PKCE, stores the tokens). Blocks on token endpoints: call it off I/O threads.
    /// Thread-safe.
    CallbackPage handle_callback(std::string_view query, std::string_view cookie = {});

    /// The redirect URI when the server knows it (HTTP: its own address).
    void set_redirect_uri(std::string redirect_uri);
    /// Starts a loopback callback listener on demand (stdio); returns its base URL
    /// ("http://127.0.0.1:PORT"). Called at most once, on the first authorization.
    void set_listener_starter(std::function<result<std::string>(unsigned short port)> start);

    /// The provider with `id` after configuration; nullptr when unknown.
    const Provider* provider(std::string_view id) const;
    const ToolAuthOptions& options() const;

    struct Impl;

  private:
    explicit ToolAuth(std::unique_ptr<Impl> impl);
    std::optional<ToolResult> obtain_token(const Tool& tool, Context& ctx);
    std::optional<ToolResult> authorize(const Tool& tool, Context& ctx, const Provider& provider,
                                        const std::vector<std::string>& scopes);
    CallbackPage start_sign_in(PendingAuthorization link);
    CallbackPage finish_sign_in(PendingAuthorization pending,
                                const std::optional<std::string>& code,
                                const std::optional<std::string>& error,
                                const std::optional<std::string>& iss, std::string_view cookie);
    std::unique_ptr<Impl> impl_;
};

}  // namespace warden::toolauth
