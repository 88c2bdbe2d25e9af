#include "auth/token_cache.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace warden::auth {

TokenHash hash_token(std::string_view token) {
    // The digest is fetched once; a one-shot EVP_Digest with an explicit MD skips the
    // per-call provider lookup.
    static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    TokenHash out{};
    unsigned int len = 0;
    EVP_Digest(token.data(), token.size(), out.data(), &len, sha256, nullptr);
    return out;
}

bool TokenCache::Equal::operator()(const TokenHash& a, const TokenHash& b) const noexcept {
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

TokenCache::TokenCache(std::size_t max_entries, std::chrono::seconds max_ttl)
    : max_per_shard_(max_entries == 0 ? 0 : std::max<std::size_t>(1, max_entries / kShards)),
      max_ttl_(max_ttl) {}

bool TokenCache::still_valid(Entry& e) const {
    if (!e.origin.jwks) return true;
    // Cheap while the key set is unchanged; after a re-fetch, keep the entry only while
    // its key is still in the set.
    if (e.origin.jwks->generation() == e.origin.generation) return true;
    auto snap = e.origin.jwks->current();
    if (!snap.keys || e.origin.kid.empty() || snap.keys->find(e.origin.kid).empty()) return false;
    e.origin.generation = snap.generation;
    return true;
}

std::shared_ptr<const Principal> TokenCache::find(const TokenHash& hash,
                                                  std::chrono::system_clock::time_point now,
                                                  bool* negative) {
    if (max_per_shard_ == 0) return nullptr;
    auto& s = shard(hash);
    std::lock_guard lock(s.mutex);
    auto it = s.map.find(hash);
    if (it == s.map.end()) return nullptr;
    if (now >= it->second.until || !still_valid(it->second)) {
        s.map.erase(it);
        return nullptr;
    }
    if (!it->second.principal && negative) *negative = true;
    return it->second.principal;
}

void TokenCache::insert(const TokenHash& hash, std::shared_ptr<const Principal> principal,
                        std::chrono::system_clock::time_point until,
                        std::chrono::system_clock::time_point now, TokenOrigin origin) {
    if (max_per_shard_ == 0) return;
    until = std::min(until, now + max_ttl_);
    if (until <= now) return;
    auto& s = shard(hash);
    std::lock_guard lock(s.mutex);
    if (s.map.size() >= max_per_shard_ && !s.map.contains(hash)) {
        // Full: drop the expired entries, then, if still full, arbitrary ones (a bounded
        // cache must never grow with the number of distinct tokens an attacker sends).
        std::erase_if(s.map, [now](const auto& kv) { return now >= kv.second.until; });
        while (s.map.size() >= max_per_shard_) s.map.erase(s.map.begin());
    }
    s.map[hash] = Entry{std::move(principal), until, std::move(origin)};
}

std::size_t TokenCache::size() const {
    std::size_t n = 0;
    for (const auto& s : shards_) {
        std::lock_guard lock(s.mutex);
        n += s.map.size();
    }
    return n;
}

}  // namespace warden::auth
