#pragma once
// DPoP (RFC 9449) at the resource server: the replay cache, stateless server nonces, and
// the guard that decides whether a request's token and proof go together. Transport-
// neutral: the HTTP gate passes header values in and maps the outcome to a challenge.

#include <warden/auth/config.hpp>
#include <warden/auth/runtime.hpp>
#include <warden/principal.hpp>

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace warden::auth {

/// Remembers recently seen proofs (RFC 9449 section 11.1) so that each is accepted once.
/// The built-in one lives in process memory; implement this over a shared store when
/// several replicas serve the same clients. A cache that answers from memory is called on
/// the I/O thread that read the request; one that says it `waits()` (a network round trip)
/// is called off the I/O threads, so that a slow store delays only the proofs it checks.
/// Either way it must answer in bounded time. Thread-safe.
class DpopReplayCache {
  public:
    using Key = std::array<unsigned char, 32>;
    enum class Verdict {
        fresh,     ///< first sighting; remembered until `expires`
        replayed,  ///< seen before and not yet expired
        /// too old to check: the cache, when full, forgot a live proof expiring as late or
        /// later; refuse (fail closed). A fresh proof passes.
        full,
        /// a shared cache cannot be reached: refuse (fail closed), answered with 503.
        unavailable,
    };
    virtual ~DpopReplayCache() = default;
    /// Records `key` until `expires`, forgetting entries whose time has passed at `now`.
    virtual Verdict remember(const Key& key, std::chrono::system_clock::time_point expires,
                             std::chrono::system_clock::time_point now) = 0;
    /// remember() waits on something outside the process (a database round trip).
    virtual bool waits() const noexcept { return false; }

    /// A bounded in-memory cache of at most `max_entries` keys (in 16 shards); when a shard is
    /// full it forgets its earliest-expiring entry and refuses proofs expiring no later.
    static std::shared_ptr<DpopReplayCache> in_memory(std::size_t max_entries);
    /// A cache in the PostgreSQL database at `conninfo` (table `warden_single_use`),
    /// shared by every replica using it: a proof accepted by one replica is a replay on
    /// all (the first insert wins). One round trip per proof, on the calling thread. While
    /// the database cannot be reached, every proof is refused as `unavailable` (fail closed:
    /// a proof that cannot be recorded could be replayed elsewhere); it reconnects on its own.
    static std::shared_ptr<DpopReplayCache> on_postgres(const std::string& conninfo);
};

/// Stateless server nonces (RFC 9449 section 8 and 9): the time of issue sealed with
/// AES-256-GCM under a key id, so any replica holding the same key accepts them and none
/// needs to remember them. Thread-safe.
class DpopNonces {
  public:
    enum class Check {
        valid,          ///< ours and young
        valid_refresh,  ///< ours, past half its lifetime: offer a fresh one
        invalid,        ///< absent, expired, forged or under another key
    };
    /// `key` is 32 bytes; `lifetime` how long a nonce is accepted.
    DpopNonces(std::string_view key, std::chrono::seconds lifetime);
    ~DpopNonces();
    DpopNonces(const DpopNonces&) = delete;
    DpopNonces& operator=(const DpopNonces&) = delete;

    /// A new nonce (base64url, fits the NQCHAR syntax of section 8.1).
    std::string issue(std::chrono::system_clock::time_point now) const;
    Check check(std::string_view nonce, std::chrono::system_clock::time_point now) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// The thumbprint a token is bound to: `cnf.jkt` of its claims (a JWT's payload or an
/// introspection answer, RFC 9449 sections 6 and 6.2); empty when the token is unbound.
std::string_view bound_thumbprint(const Principal& principal);

/// How the request presented its token.
enum class TokenScheme { bearer, dpop };

/// A request's credentials as the guard needs them. Views must outlive the call.
struct DpopRequest {
    TokenScheme scheme = TokenScheme::bearer;
    std::string_view method;        ///< e.g. "POST"
    std::string_view access_token;  ///< the token after the scheme name
    /// The values of every DPoP header field (normally one).
    std::span<const std::string_view> proofs;
};

/// The guard's verdict: allowed when `error` is empty. `nonce`, when set, goes out in a
/// `DPoP-Nonce` header (with use_dpop_nonce, or as a refresh on success).
struct DpopOutcome {
    boost::system::error_code error;  ///< a jose::DpopError
    std::string nonce;
};

/// Decides whether a validated token may be used the way the request presents it, and
/// verifies the DPoP proof: policy of the token's authorization server, Bearer use of a
/// bound token, proof checks (jose::verify_dpop_proof against the canonical URL), server
/// nonce, replay. Thread-safe.
class DpopGuard {
  public:
    /// Errors: the DPoP settings are invalid (a ConfigError naming the setting).
    static boost::system::result<std::shared_ptr<DpopGuard>, ConfigError> create(
        const ResourceServerAuth& config, std::shared_ptr<Clock> clock = Clock::system());

    DpopOutcome admit(const DpopRequest& request, const Principal& principal) const;
    /// admit() may wait on the replay cache's store when the request carries a proof
    /// (DpopReplayCache::waits): the caller should not be an I/O thread.
    bool admit_waits(const DpopRequest& request) const noexcept {
        return !request.proofs.empty() && replay_->waits();
    }

    /// Nonces are required (DpopSettings::require_nonce).
    bool requires_nonce() const noexcept { return config_.dpop.require_nonce; }
    /// A fresh server nonce, e.g. for a 401 so the first proof can carry it.
    std::string fresh_nonce() const;

    /// The policy of the authorization server that issued the principal's token (the first
    /// entry with its issuer); `allowed` when none matches (a custom validator).
    DpopPolicy policy_for(const Principal& principal) const;
    /// Some entry accepts Bearer tokens / DPoP-bound tokens.
    bool accepts_bearer() const noexcept { return accepts_bearer_; }
    bool accepts_dpop() const noexcept { return accepts_dpop_; }
    /// The accepted proof algorithms, space-separated, for `algs` (section 7.1).
    const std::string& algs() const noexcept { return algs_; }

    /// Use create(); public for make_shared. `key`: the 32-byte nonce key.
    DpopGuard(const ResourceServerAuth& config, std::shared_ptr<Clock> clock, std::string key);

  private:
    DpopOutcome check_proof(const DpopRequest& request, std::string_view jkt) const;

    const ResourceServerAuth config_;
    const std::shared_ptr<Clock> clock_;
    std::shared_ptr<DpopReplayCache> replay_;
    DpopNonces nonces_;
    bool accepts_bearer_ = false;
    bool accepts_dpop_ = false;
    std::string algs_;
};

}  // namespace warden::auth
