#pragma once
// A cached JWKS, one per JWKS URI, shared by the entries that use it.

#include <warden/auth/config.hpp>
#include <warden/auth/runtime.hpp>
#include <warden/jose/jwk.hpp>

#include <boost/system/result.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace warden::auth {

/// A key-set snapshot and its generation (bumped at every successful fetch).
struct KeySnapshot {
    std::shared_ptr<const jose::JwkSet> keys;
    std::uint64_t generation = 0;
};

using KeysCallback = std::function<void(boost::system::result<KeySnapshot>)>;

/// Keys of one JWKS URI. TTL from Cache-Control within the configured bounds; an unknown
/// `kid` re-fetches at most once per cooldown with one fetch in flight (a flood of random
/// kids costs one fetch); once the TTL has run out, a known `kid` is still answered at
/// once while a background fetch refreshes the set (stale-while-revalidate); while the AS
/// is unreachable the last good keys serve up to `max_stale`. Thread-safe.
class JwksCache {
  public:
    virtual ~JwksCache() = default;

    /// Calls `done` with keys that should contain `kid` (empty: any): inline when the
    /// cache can answer, else once a fetch completes (on the fetcher's thread). The keys
    /// may still lack `kid` (cooldown, or the AS does not know it). Errors: unavailable
    /// (no usable keys), bad_document.
    virtual void get(std::string_view kid, KeysCallback done) = 0;
    /// The current snapshot without any fetch (keys null before the first fetch).
    virtual KeySnapshot current() const = 0;
    /// The generation of the current snapshot (0 before the first fetch); lock-free.
    virtual std::uint64_t generation() const noexcept = 0;
    /// The URI this cache fetches.
    virtual const std::string& uri() const = 0;

    static std::shared_ptr<JwksCache> create(std::string jwks_uri, JwksCacheSettings settings,
                                             Runtime runtime);
};

/// The TTL a Cache-Control header asks for, clamped to the settings (default_ttl when
/// absent; min_ttl for no-cache/no-store).
std::chrono::seconds ttl_from_cache_control(std::string_view cache_control,
                                            const JwksCacheSettings& settings);

/// True for application/json and application/jwk-set+json, with parameters, any case.
bool is_jwks_media_type(std::string_view content_type);

}  // namespace warden::auth
