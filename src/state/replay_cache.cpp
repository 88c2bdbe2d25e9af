#include <warden/state/replay_cache.hpp>

#include "store/postgres.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

namespace warden::state {
namespace {

class MemoryReplayCache final : public ReplayCache {
  public:
    MemoryReplayCache(std::size_t capacity, std::size_t per_owner)
        : capacity_(capacity ? capacity : 1),
          per_owner_(per_owner ? std::min(per_owner, capacity_) : capacity_) {}

    result<bool> consume(std::string_view id, std::string_view owner, Clock::time_point expires_at,
                         Clock::time_point now) override {
        std::lock_guard lock(mutex_);
        forget_expired(now);
        if (auto it = ids_.find(std::string(id)); it != ids_.end()) return false;
        // Only expired ids are ever forgotten (above): evicting a live one would reopen
        // the replay window of its state. The share of one owner is bounded too, so one
        // caller's round trips cannot fill the cache for everyone else.
        if (ids_.size() >= capacity_) return Error::replay_cache_full;
        auto owned = owners_.find(owner);
        if (owned != owners_.end() && owned->second >= per_owner_) return Error::replay_cache_full;
        if (owned == owners_.end()) owned = owners_.emplace(std::string(owner), 0).first;
        auto [it, inserted] = ids_.emplace(std::string(id), Entry{expires_at, owned->first});
        by_expiry_.emplace(expires_at, it->first);
        ++owned->second;
        return inserted;
    }

    std::size_t size() const override {
        std::lock_guard lock(mutex_);
        return ids_.size();
    }

  private:
    struct Entry {
        Clock::time_point expires_at;
        std::string owner;
    };

    // A state is refused from its expiry on (now >= expires_at), so its id is no longer
    // needed from then on.
    void forget_expired(Clock::time_point now) {
        auto end = by_expiry_.upper_bound(now);
        for (auto it = by_expiry_.begin(); it != end; ++it) {
            auto entry = ids_.find(it->second);
            if (entry == ids_.end()) continue;
            if (auto owned = owners_.find(entry->second.owner);
                owned != owners_.end() && --owned->second == 0)
                owners_.erase(owned);
            ids_.erase(entry);
        }
        by_expiry_.erase(by_expiry_.begin(), end);
    }

    const std::size_t capacity_;
    const std::size_t per_owner_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> ids_;
    std::multimap<Clock::time_point, std::string> by_expiry_;
    std::map<std::string, std::size_t, std::less<>> owners_;  ///< live ids per owner
};

class PostgresReplayCache final : public ReplayCache {
  public:
    explicit PostgresReplayCache(const std::string& conninfo)
        : table_(std::make_shared<store::postgres::SingleUse>(conninfo, "request_state")) {}

    // No capacity to share out: the table holds what is live.
    result<bool> consume(std::string_view id, std::string_view /*owner*/,
                         Clock::time_point expires_at, Clock::time_point now) override {
        auto first = table_->consume(id, expires_at, now);
        if (!first) return Error::store_unavailable;
        return *first;
    }

    std::size_t size() const override {
        auto n = table_->count(Clock::now());
        return n ? *n : 0;
    }

  private:
    std::shared_ptr<store::postgres::SingleUse> table_;
};

}  // namespace

std::shared_ptr<ReplayCache> make_postgres_replay_cache(const std::string& conninfo) {
    return std::make_shared<PostgresReplayCache>(conninfo);
}

std::shared_ptr<ReplayCache> make_memory_replay_cache(std::size_t capacity, std::size_t per_owner) {
    return std::make_shared<MemoryReplayCache>(capacity, per_owner);
}

}  // namespace warden::state
