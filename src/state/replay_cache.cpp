#include <warden/state/replay_cache.hpp>

#include "store/postgres.hpp"

#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

namespace warden::state {
namespace {

class MemoryReplayCache final : public ReplayCache {
  public:
    explicit MemoryReplayCache(std::size_t capacity) : capacity_(capacity ? capacity : 1) {}

    result<bool> consume(std::string_view id, Clock::time_point expires_at,
                         Clock::time_point now) override {
        std::lock_guard lock(mutex_);
        forget_expired(now);
        if (auto it = ids_.find(std::string(id)); it != ids_.end()) return false;
        // Only expired ids are ever forgotten (above): evicting a live one would reopen
        // the replay window of its state.
        if (ids_.size() >= capacity_) return Error::replay_cache_full;
        auto [it, inserted] = ids_.emplace(std::string(id), expires_at);
        by_expiry_.emplace(expires_at, it->first);
        return inserted;
    }

    std::size_t size() const override {
        std::lock_guard lock(mutex_);
        return ids_.size();
    }

  private:
    // A state is refused from its expiry on (now >= expires_at), so its id is no longer
    // needed from then on.
    void forget_expired(Clock::time_point now) {
        auto end = by_expiry_.upper_bound(now);
        for (auto it = by_expiry_.begin(); it != end; ++it) ids_.erase(it->second);
        by_expiry_.erase(by_expiry_.begin(), end);
    }

    const std::size_t capacity_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Clock::time_point> ids_;
    std::multimap<Clock::time_point, std::string> by_expiry_;
};

class PostgresReplayCache final : public ReplayCache {
  public:
    explicit PostgresReplayCache(const std::string& conninfo)
        : table_(std::make_shared<store::postgres::SingleUse>(conninfo, "request_state")) {}

    result<bool> consume(std::string_view id, Clock::time_point expires_at,
                         Clock::time_point now) override {
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

std::shared_ptr<ReplayCache> make_memory_replay_cache(std::size_t capacity) {
    return std::make_shared<MemoryReplayCache>(capacity);
}

}  // namespace warden::state
