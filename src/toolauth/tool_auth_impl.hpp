#pragma once
// Internal: the state behind `ToolAuth`, shared by its setup/redirect half
// (tool_auth.cpp) and its per-call half (tool_auth_flow.cpp).

#include <warden/toolauth/secrets.hpp>
#include <warden/toolauth/state.hpp>
#include <warden/toolauth/token_store.hpp>
#include <warden/toolauth/tool_auth.hpp>

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace warden::toolauth {

struct ToolAuth::Impl {
    Impl(ToolAuthOptions options_, EnvLookup env_);

    ToolAuthOptions options;
    EnvLookup env;
    std::map<std::string, Provider, std::less<>> providers;
    SecretSource secrets;
    /// Pending authorizations when the token store was given in code (ToolAuthOptions::store).
    StateStore states;
    /// Where pending authorizations are kept: beside the tokens (SQLite or PostgreSQL, so
    /// that a redirect reaching another replica finds the flow), opened on first use; or
    /// `states`. Errors: those of store() and open_shared_pending_store.
    result<PendingStore*> pending();
    /// Sign-in clients by front-door issuer (options.login, then the environment). Their
    /// endpoints, when not configured, are discovered on first use (sign_in_client).
    std::map<std::string, Provider, std::less<>> login;
    /// The sign-in client of `issuer` with its endpoints (discovered from the issuer's
    /// OpenID Connect metadata the first time, when not configured); nullopt when there is
    /// none or discovery failed (logged). Blocks on discovery: call it off I/O threads.
    std::optional<Provider> sign_in_client(std::string_view issuer);
    std::mutex login_mutex;  ///< guards the endpoints in `login` (the map itself is fixed)
    bool unbound_links = false;

    /// The store, opened on first use (for SQLite the key file is created then).
    result<std::shared_ptr<TokenStore>> store();
    /// Where the store lives: `store_url`, $WARDEN_STORE_URL, or SQLite at `store_path`.
    result<StoreLocation> store_location() const;
    /// The store key; never a new one for PostgreSQL (replicas must share it).
    result<StoreKey> load_key(const StoreLocation& where) const;
    /// The redirect URI; starts the loopback listener on first use when there is one.
    result<std::string> redirect_uri();
    /// Wakes calls waiting for an authorization to complete.
    void notify_authorized();

    std::mutex mutex;  ///< guards the fields below
    std::shared_ptr<TokenStore> store_;
    std::shared_ptr<PendingStore> pending_;
    std::string redirect_uri_;
    std::function<result<std::string>(unsigned short)> start_listener;

    /// One refresh in flight per (user, provider).
    std::shared_ptr<std::mutex> flight(const std::string& user, const std::string& provider);
    std::mutex flights_mutex;
    std::map<std::string, std::weak_ptr<std::mutex>> flights;

    std::mutex done_mutex;
    std::condition_variable done_cv;
    std::uint64_t authorizations = 0;  ///< bumped per stored authorization
};

}  // namespace warden::toolauth
