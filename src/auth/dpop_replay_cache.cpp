// The in-memory DPoP replay cache: sharded, bounded, entries forgotten when the proof
// they name could no longer pass the iat window anyway (RFC 9449 section 11.1). When full,
// the entry expiring first is forgotten and every proof expiring no later is refused: the
// window shrinks under load, never lets a replay through, and fresh proofs keep passing.
#include <warden/auth/dpop.hpp>

#include "store/postgres.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <unordered_set>

namespace warden::auth {
namespace {

using time_point = std::chrono::system_clock::time_point;

class MemoryReplayCache final : public DpopReplayCache {
  public:
    explicit MemoryReplayCache(std::size_t max_entries)
        : max_per_shard_(std::max<std::size_t>(1, (max_entries + kShards - 1) / kShards)) {}

    Verdict remember(const Key& key, time_point expires, time_point now) override {
        Shard& s = shards_[key[0] % kShards];
        std::lock_guard lock(s.mutex);
        // Forget what has expired; the multimap keeps the oldest first.
        while (!s.by_expiry.empty() && s.by_expiry.begin()->first <= now) {
            s.keys.erase(s.by_expiry.begin()->second);
            s.by_expiry.erase(s.by_expiry.begin());
        }
        if (s.keys.contains(key)) return Verdict::replayed;
        // Proofs expiring no later than one the cache had to forget cannot be told from
        // replays: refused. A fresh proof expires later and passes.
        if (expires <= s.horizon) return Verdict::full;
        if (s.keys.size() >= max_per_shard_) {
            // Full of live entries: forget the one expiring first and move the horizon to it,
            // so the acceptance window shrinks under load instead of failing everyone.
            auto oldest = s.by_expiry.begin();
            s.horizon = std::max(s.horizon, oldest->first);
            s.keys.erase(oldest->second);
            s.by_expiry.erase(oldest);
        }
        s.keys.insert(key);
        s.by_expiry.emplace(expires, key);
        return Verdict::fresh;
    }

  private:
    struct Hasher {
        std::size_t operator()(const Key& k) const noexcept {
            std::size_t v;
            std::memcpy(&v, k.data() + 1, sizeof v);
            return v;
        }
    };
    struct Shard {
        std::mutex mutex;
        std::unordered_set<Key, Hasher> keys;
        std::multimap<time_point, Key> by_expiry;
        time_point horizon{};  ///< the latest expiry of a forgotten live entry
    };
    static constexpr std::size_t kShards = 16;
    const std::size_t max_per_shard_;
    std::array<Shard, kShards> shards_;
};

class PostgresReplayCache final : public DpopReplayCache {
  public:
    explicit PostgresReplayCache(const std::string& conninfo) : table_(conninfo, "dpop_jti") {}

    Verdict remember(const Key& key, time_point expires, time_point now) override {
        auto first = table_.consume(
            std::string_view(reinterpret_cast<const char*>(key.data()), key.size()), expires, now);
        if (!first) {
            spdlog::warn("auth: DPoP replay store unavailable; proof refused");
            return Verdict::unavailable;
        }
        return *first ? Verdict::fresh : Verdict::replayed;
    }
    bool waits() const noexcept override { return true; }

  private:
    store::postgres::SingleUse table_;
};

}  // namespace

std::shared_ptr<DpopReplayCache> DpopReplayCache::on_postgres(const std::string& conninfo) {
    return std::make_shared<PostgresReplayCache>(conninfo);
}

std::shared_ptr<DpopReplayCache> DpopReplayCache::in_memory(std::size_t max_entries) {
    return std::make_shared<MemoryReplayCache>(max_entries);
}

}  // namespace warden::auth
