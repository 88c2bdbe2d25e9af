#pragma once
// Pending authorizations: the OAuth `state` (RFC 6749 §10.12) bound to a user, provider,
// scopes and PKCE verifier (RFC 7636). Short-lived and single use.

#include <warden/toolauth/error.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace warden::toolauth {

/// What an authorization in progress remembers until its redirect comes back.
struct PendingAuthorization {
    std::string user_id{};
    std::string provider{};
    std::vector<std::string> scopes{};
    std::string code_verifier{};
    std::string redirect_uri{};
    std::chrono::steady_clock::time_point expires_at{};
};

/// In-memory pending authorizations. Thread-safe.
class StateStore {
  public:
    using Now = std::function<std::chrono::steady_clock::time_point()>;
    explicit StateStore(std::chrono::seconds lifetime = std::chrono::minutes(10), Now now = {});

    /// Remembers `pending` and returns its state: 256 bits from a CSPRNG, base64url.
    std::string issue(PendingAuthorization pending);
    /// Returns and forgets the authorization of `state`. Errors: invalid_state (unknown,
    /// already used), state_expired. Looks up by hash and compares in constant time.
    result<PendingAuthorization> consume(std::string_view state);
    /// Pending authorizations not yet used or expired.
    std::size_t size();

  private:
    void sweep(std::chrono::steady_clock::time_point now);

    std::chrono::seconds lifetime_;
    Now now_;
    std::mutex mutex_;
    std::map<std::string, PendingAuthorization> pending_;  ///< by SHA-256 of the state
};

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
