#pragma once
// Internal: verified tokens by SHA-256 of the token, bounded, entries expiring no later
// than the token. A hit is a hash, a sharded lock and a compare: no JSON work.

#include <warden/auth/jwks_cache.hpp>
#include <warden/principal.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace warden::auth {

using TokenHash = std::array<unsigned char, 32>;

/// SHA-256 of `token`.
TokenHash hash_token(std::string_view token);

/// Where a cached verdict came from: for a JWT, the key set and key that verified it, so
/// a key that leaves its set stops vouching for cached tokens too.
struct TokenOrigin {
    std::shared_ptr<JwksCache> jwks;  ///< null for introspected tokens
    std::uint64_t generation = 0;
    std::string kid;
};

class TokenCache {
  public:
    TokenCache(std::size_t max_entries, std::chrono::seconds max_ttl);

    /// The principal cached for `hash` while valid at `now`; null otherwise (a negative
    /// entry also answers null but sets `negative`).
    std::shared_ptr<const Principal> find(const TokenHash& hash,
                                          std::chrono::system_clock::time_point now,
                                          bool* negative = nullptr);
    /// Caches a verdict until `until` (capped by max_ttl). A null principal is a negative
    /// entry (inactive introspection answer).
    void insert(const TokenHash& hash, std::shared_ptr<const Principal> principal,
                std::chrono::system_clock::time_point until,
                std::chrono::system_clock::time_point now, TokenOrigin origin = {});
    std::size_t size() const;

  private:
    struct Entry {
        std::shared_ptr<const Principal> principal;
        std::chrono::system_clock::time_point until;
        TokenOrigin origin;
    };
    struct Hasher {
        std::size_t operator()(const TokenHash& h) const noexcept {
            std::size_t v;
            std::memcpy(&v, h.data(), sizeof v);
            return v;
        }
    };
    // Constant-time comparison: the key is derived from a bearer credential.
    struct Equal {
        bool operator()(const TokenHash& a, const TokenHash& b) const noexcept;
    };
    struct Shard {
        mutable std::mutex mutex;
        std::unordered_map<TokenHash, Entry, Hasher, Equal> map;
    };
    static constexpr std::size_t kShards = 16;
    Shard& shard(const TokenHash& h) { return shards_[h[31] % kShards]; }
    bool still_valid(Entry& e) const;

    const std::size_t max_per_shard_;
    const std::chrono::seconds max_ttl_;
    std::array<Shard, kShards> shards_;
};

}  // namespace warden::auth
