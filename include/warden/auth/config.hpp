#pragma once
// Configuration of server-level auth: Warden as an OAuth 2.1 resource server.
//
//   warden::auth::ResourceServerAuth auth;
//   auth.canonical_url = "https://mcp.example.com/mcp";
//   auth.authorization_servers.push_back({.authorization_server_url = "https://as.example.com",
//                                         .issuer = "https://as.example.com"});
//   app.auth(auth);

#include <warden/auth/error.hpp>
#include <warden/auth/scopes.hpp>
#include <warden/jose/algorithm.hpp>

#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace warden::auth {

class TokenValidator;
class DpopReplayCache;

/// Whether an authorization server's tokens may or must be sender-constrained with DPoP
/// (RFC 9449). Whatever the policy, a DPoP-bound token (`cnf.jkt`) is never accepted with
/// the Bearer scheme.
enum class DpopPolicy {
    off,      ///< only Bearer tokens; DPoP is refused (and so are bound tokens)
    allowed,  ///< Bearer tokens without `cnf` pass; bound tokens need a valid proof
    required  ///< only DPoP-bound tokens with a valid proof
};

/// Claim checks of one authorization server (arcade-mcp `validation_options`).
struct ValidationOptions {
    bool verify_exp = true;
    bool verify_iat = true;
    bool verify_iss = true;
    bool verify_nbf = true;
    std::chrono::seconds leeway{0};  ///< clock skew allowed for exp, nbf, iat
    /// Required header `typ`, e.g. "at+jwt" (RFC 9068); nullopt checks nothing.
    std::optional<std::string> required_typ{};
};

/// RFC 7662 token introspection, for opaque (non-JWT) access tokens.
struct Introspection {
    enum class ClientAuth { client_secret_basic, client_secret_post };
    std::string endpoint{};  ///< https (http only on loopback)
    std::string client_id{};
    std::string client_secret{};
    ClientAuth client_auth = ClientAuth::client_secret_basic;
    /// Active answers are cached this long, never beyond the token's `exp`.
    std::chrono::seconds positive_ttl{std::chrono::minutes(5)};
    /// Inactive answers are cached this long.
    std::chrono::seconds negative_ttl{std::chrono::seconds(10)};
};

/// One trusted authorization server. Several entries may share an issuer (regional URLs).
struct AuthorizationServerEntry {
    /// Published in the protected resource metadata (`authorization_servers`).
    std::string authorization_server_url{};
    /// The exact `iss` its tokens carry; routes a JWT to this entry.
    std::string issuer{};
    /// Where its keys are; empty: discovered from the issuer's RFC 8414 metadata, then
    /// OpenID discovery. https (http only on loopback) or file:// (local development).
    std::string jwks_uri{};
    /// Allowed JWS algorithms; the default allows any asymmetric one that fits the key.
    jose::AlgorithmSet algorithms = jose::kAllAsymmetricAlgorithms;
    /// Accepted `aud` values; empty means the canonical URL. Never "any audience".
    std::vector<std::string> expected_audiences{};
    ValidationOptions validation_options{};
    /// Set to accept opaque tokens from this server through introspection.
    std::optional<Introspection> introspection{};
    /// DPoP for this server's tokens (docs/dpop.md).
    DpopPolicy dpop = DpopPolicy::allowed;
};

/// How DPoP proofs are checked (RFC 9449 sections 4.3, 8, 9, 11.1).
struct DpopSettings {
    /// Proof algorithms accepted and published (`algs`, `dpop_signing_alg_values_supported`).
    jose::AlgorithmSet algorithms = jose::kAllAsymmetricAlgorithms;
    /// A proof's `iat` may be this far in the past or the future...
    std::chrono::seconds iat_window{std::chrono::minutes(5)};
    /// ...plus this much clock skew.
    std::chrono::seconds leeway{0};
    /// Demand a server nonce in every proof (`use_dpop_nonce`, section 9).
    bool require_nonce = false;
    /// A nonce is accepted this long; after half of it a fresh one is offered.
    std::chrono::seconds nonce_lifetime{std::chrono::minutes(5)};
    /// 32 bytes for the AES-256-GCM nonce key, the same on every replica; empty: a random
    /// key per process (nonces then do not survive a restart or cross replicas).
    std::string nonce_key{};
    /// Proofs remembered for replay detection; when full, the window shrinks: the proof
    /// expiring first is forgotten and older proofs are refused (never a replay accepted).
    std::size_t replay_cache_max_entries = 100000;
    /// A shared replay store for several replicas; null: in this process's memory.
    std::shared_ptr<DpopReplayCache> replay_cache{};
};

/// The key-set cache (one per JWKS URI, shared by the entries that use it).
struct JwksCacheSettings {
    std::chrono::seconds default_ttl{std::chrono::hours(1)};  ///< without Cache-Control
    std::chrono::seconds min_ttl{std::chrono::minutes(1)};    ///< Cache-Control lower bound
    std::chrono::seconds max_ttl{std::chrono::hours(24)};     ///< Cache-Control upper bound
    /// An unknown `kid` re-fetches at most once per this interval.
    std::chrono::seconds refetch_cooldown{std::chrono::seconds(30)};
    /// While the AS is unreachable the last good keys are used up to this age.
    std::chrono::seconds max_stale{std::chrono::hours(24)};
    std::chrono::milliseconds fetch_timeout{std::chrono::seconds(5)};
};

/// The verified-token cache: a reused token pays the signature check once.
struct TokenCacheSettings {
    std::size_t max_entries = 10000;  ///< 0 turns the cache off
    /// An entry lives at most this long (and never beyond the token's `exp`).
    std::chrono::seconds max_ttl{std::chrono::minutes(10)};
};

/// Server-level auth (arcade-mcp `ResourceServerAuth`).
struct ResourceServerAuth {
    /// The MCP endpoint's public URL, e.g. "https://mcp.example.com/mcp": the `resource`
    /// of the metadata and the default expected audience (RFC 8707). https, or http on
    /// loopback; no fragment.
    std::string canonical_url{};
    /// Trusted authorization servers, published in this order.
    std::vector<AuthorizationServerEntry> authorization_servers{};
    /// Published as `scopes_supported` when not empty.
    std::vector<std::string> scopes_supported{};
    /// `scope` of a 401 challenge (what a client should ask for first).
    std::vector<std::string> default_challenge_scopes{};
    /// Scopes every request needs (403 insufficient_scope otherwise).
    std::vector<std::string> required_scopes{};
    /// Scope hierarchies: a broad scope -> the narrower ones it implies (transitively).
    /// A token with the broad scope passes every check for a narrower one.
    ScopeImplications scope_implications{};
    /// Hide from tools/list, resources/list, resources/templates/list and prompts/list
    /// what the caller's scopes cannot use (the lists then depend on the caller).
    bool hide_unauthorized_tools = false;
    JwksCacheSettings jwks_cache{};
    TokenCacheSettings token_cache{};
    DpopSettings dpop{};
    /// A custom validator replaces JWT/introspection validation; the entries above are
    /// then only published in the metadata.
    std::shared_ptr<TokenValidator> validator{};
};

/// Checks a configuration; the message names the setting and the problem. Thread-safe.
boost::system::result<void, ConfigError> validate(const ResourceServerAuth& config);

/// Removes `offline_access` from scopes_supported, default_challenge_scopes and
/// required_scopes (MCP 2026-07-28: refresh tokens are not a resource requirement).
/// Returns the names of the settings it was removed from, for a startup warning.
std::vector<std::string> drop_offline_access(ResourceServerAuth& config);

/// The expected audiences of `entry`: its own list, else the canonical URL.
std::vector<std::string> expected_audiences(const ResourceServerAuth& config,
                                            const AuthorizationServerEntry& entry);

}  // namespace warden::auth
