#pragma once
// Pending authorizations: the OAuth `state` (RFC 6749 §10.12) bound to a user, provider,
// scopes and PKCE verifier (RFC 7636). Short-lived and single use.

#include <warden/toolauth/error.hpp>
#include <warden/toolauth/token_store.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace warden::toolauth {

/// Which step of an authorization a state stands for. With sign-in binding (see
/// docs/tool-level-auth.md, "Who completes an authorization"), one authorization passes
/// through all three; without it, only `downstream`.
enum class Leg {
    /// The link handed to the user: its first visit sets the browser cookie and sends the
    /// browser on to `login`.
    link,
    /// The sign-in at the front-door authorization server (OpenID Connect code flow): the
    /// ID token's issuer and subject must equal the initiator's.
    login,
    /// The authorization at the downstream provider; its code is exchanged and stored.
    downstream,
};

/// What an authorization in progress remembers until its redirect comes back.
struct PendingAuthorization {
    std::string user_id{};  ///< the token owner ("<issuer>|<sub>", or the local user)
    std::string provider{};
    std::vector<std::string> scopes{};
    std::string code_verifier{};
    std::string redirect_uri{};
    std::chrono::steady_clock::time_point expires_at{};
    Leg leg = Leg::downstream;
    /// Sign-in binding: the initiator's front-door issuer and subject, which the browser's
    /// sign-in must match. Empty: not bound to a sign-in.
    std::string bound_issuer{};
    std::string bound_subject{};
    /// The OpenID Connect nonce of the `login` leg.
    std::string nonce{};
    /// The browser cookie that must come back with this leg: its name, and the SHA-256 of
    /// its value. Empty: no cookie required (the `link` leg sets it).
    std::string cookie_name{};
    std::string cookie_hash{};
};

/// Where pending authorizations wait for their redirect. Implementations are thread-safe.
class PendingStore {
  public:
    virtual ~PendingStore() = default;
    /// Remembers `pending` and returns its state: 256 bits from a CSPRNG, base64url.
    /// Errors: too_many_pending, store_unavailable (a shared store that cannot be reached).
    virtual result<std::string> issue(PendingAuthorization pending) = 0;
    /// Returns and forgets the authorization of `state` (single use, also when expired).
    /// Errors: invalid_state (unknown, already used), state_expired, store_unavailable,
    /// store_decrypt_failed.
    virtual result<PendingAuthorization> consume(std::string_view state) = 0;
};

/// In-memory pending authorizations. Thread-safe. Bounded: at most `per_user` pending per
/// `user_id` (the user's oldest is dropped for a new one, so a client looping on a tool
/// only ever displaces its own links) and `total` overall (past it, `issue` refuses).
class StateStore final : public PendingStore {
  public:
    using Now = std::function<std::chrono::steady_clock::time_point()>;
    static constexpr std::size_t kDefaultPerUser = 16;
    static constexpr std::size_t kDefaultTotal = 100000;
    explicit StateStore(std::chrono::seconds lifetime = std::chrono::minutes(10), Now now = {},
                        std::size_t per_user = kDefaultPerUser, std::size_t total = kDefaultTotal);

    /// Remembers `pending` and returns its state: 256 bits from a CSPRNG, base64url.
    /// Errors: too_many_pending (`total` reached).
    result<std::string> issue(PendingAuthorization pending) override;
    /// Returns and forgets the authorization of `state`. Errors: invalid_state (unknown,
    /// already used), state_expired. Looks up by hash and compares in constant time.
    result<PendingAuthorization> consume(std::string_view state) override;
    /// Pending authorizations not yet used or expired.
    std::size_t size();

  private:
    void sweep(std::chrono::steady_clock::time_point now);

    std::chrono::seconds lifetime_;
    Now now_;
    std::size_t per_user_;
    std::size_t total_;
    std::mutex mutex_;
    std::map<std::string, PendingAuthorization> pending_;  ///< by SHA-256 of the state
};

/// Pending authorizations in the token store's database (`where`: SQLite or PostgreSQL),
/// so that a redirect reaching any replica finds the authorization another one started.
/// Each is sealed with `key` (AES-256-GCM, bound to its state's hash): the PKCE verifier
/// and the binding never lie in the database in the clear. Expired ones are deleted as new
/// ones are issued. Same bounds as StateStore (`per_user`, `total`; across replicas they
/// hold approximately). A database that cannot be reached now is retried on each use.
/// Errors: store_unavailable (SQLite file), store_schema_too_new.
result<std::shared_ptr<PendingStore>> open_shared_pending_store(
    const StoreLocation& where, StoreKey key, std::chrono::seconds lifetime,
    std::size_t per_user = StateStore::kDefaultPerUser,
    std::size_t total = StateStore::kDefaultTotal);

/// A PKCE pair (RFC 7636 §4.1-4.2, S256).
struct Pkce {
    std::string verifier{};
    std::string challenge{};
};
/// A fresh verifier (256 bits from a CSPRNG, base64url) and its S256 challenge.
Pkce make_pkce();
/// The S256 challenge of `verifier`.
std::string pkce_challenge(std::string_view verifier);

}  // namespace warden::toolauth
