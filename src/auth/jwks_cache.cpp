// One cached key set per JWKS URI: TTL, kid-miss re-fetch with cooldown and a single
// fetch in flight, stale-while-revalidate for known keys, stale-if-error. The fetch completes on
// the fetcher's thread; callers waiting for it are called back there, outside the lock.
#include <warden/auth/jwks_cache.hpp>

#include "observability/hub.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>
#include <optional>
#include <vector>

namespace warden::auth {
namespace {

using Clock_tp = std::chrono::system_clock::time_point;

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

class JwksCacheImpl final : public JwksCache, public std::enable_shared_from_this<JwksCacheImpl> {
  public:
    JwksCacheImpl(std::string uri, JwksCacheSettings settings, Runtime runtime)
        : uri_(std::move(uri)), settings_(settings), runtime_(std::move(runtime)) {}

    const std::string& uri() const override { return uri_; }

    std::uint64_t generation() const noexcept override {
        return generation_.load(std::memory_order_acquire);
    }

    KeySnapshot current() const override {
        std::lock_guard lock(mutex_);
        return snapshot_;
    }

    void get(std::string_view kid, KeysCallback done) override {
        const auto now = runtime_.clock->now();
        std::unique_lock lock(mutex_);
        const bool have = snapshot_.keys != nullptr;
        const bool fresh = have && now < expires_at_;
        const bool kid_known = kid.empty() || (have && !snapshot_.keys->find(kid).empty());
        if (fresh && kid_known) {
            auto snap = snapshot_;
            lock.unlock();
            done(std::move(snap));
            return;
        }
        const bool cooled = !last_attempt_ || now >= *last_attempt_ + settings_.refetch_cooldown;
        if (kid_known && usable(now)) {
            // Expired, but the key is known and within max_stale: answer with it now and
            // refresh in the background (stale-while-revalidate), so requests do not wait
            // for the AS each time the TTL runs out. A key the AS dropped is gone from the
            // cache as soon as that fetch lands.
            const bool refresh = !in_flight_ && cooled;
            if (refresh) {
                in_flight_ = true;
                last_attempt_ = now;
            }
            auto snap = snapshot_;
            lock.unlock();
            if (refresh) start_fetch();
            done(std::move(snap));
            return;
        }
        // A fetch is needed: join the one in flight, or start one unless the last attempt
        // was too recent (a flood of unknown kids costs one fetch per cooldown).
        if (in_flight_) {
            waiters_.push_back(std::move(done));
            return;
        }
        if (!cooled) {
            auto answer = usable(now);
            lock.unlock();
            done(std::move(answer));
            return;
        }
        in_flight_ = true;
        last_attempt_ = now;
        waiters_.push_back(std::move(done));
        lock.unlock();
        start_fetch();
    }

  private:
    // What to answer without fetching: the current keys while fresh or stale within
    // max_stale, else unavailable. Caller holds the lock.
    boost::system::result<KeySnapshot> usable(Clock_tp now) const {
        if (snapshot_.keys && now < fetched_at_ + settings_.max_stale) return snapshot_;
        return make_error_code(Error::unavailable);
    }

    void start_fetch() {
        FetchRequest request;
        request.url = uri_;
        request.accept = "application/jwk-set+json, application/json";
        runtime_.fetcher->fetch(std::move(request),
                                [weak = weak_from_this()](boost::system::result<FetchResponse> r) {
                                    if (auto self = weak.lock()) self->on_fetched(std::move(r));
                                });
    }

    void on_fetched(boost::system::result<FetchResponse> response) {
        const auto now = runtime_.clock->now();
        std::shared_ptr<const jose::JwkSet> keys;
        std::chrono::seconds ttl{0};
        // Why the fetch failed, for the operator: never the body (it is not ours to log).
        std::string failure;
        if (!response) {
            failure = response.error().message();
        } else if (response->status != 200) {
            failure = "HTTP status " + std::to_string(response->status);
        } else if (!is_jwks_media_type(response->content_type)) {
            failure = "Content-Type is not application/json or application/jwk-set+json";
        } else if (auto parsed = jose::parse_jwks(response->body); !parsed) {
            failure = "not a JWK set (" + parsed.error().message() + ")";
        } else if ((*parsed)->empty()) {
            failure = "no usable key in the set";
        } else {
            keys = parsed.value();
            ttl = ttl_from_cache_control(response->cache_control, settings_);
        }
        const std::size_t key_count = keys ? keys->keys().size() : 0;
        std::vector<KeysCallback> waiters;
        boost::system::result<KeySnapshot> answer = make_error_code(Error::unavailable);
        {
            std::lock_guard lock(mutex_);
            in_flight_ = false;
            if (keys) {
                snapshot_ = {std::move(keys), snapshot_.generation + 1};
                generation_.store(snapshot_.generation, std::memory_order_release);
                fetched_at_ = now;
                expires_at_ = now + ttl;
                answer = snapshot_;
            } else {
                answer = usable(now);  // stale-if-error
            }
            waiters.swap(waiters_);
        }
        observability::count(observability::Series::jwks_fetches,
                             {failure.empty() ? "ok" : "failure"});
        if (failure.empty()) observability::note_key_set_fetched(uri_);
        // At most one line per attempt, and attempts are rate-limited by the cooldown.
        if (!failure.empty())
            spdlog::warn("auth: JWKS fetch from {} failed: {}; {}", uri_, failure,
                         answer ? "keeping the last good keys" : "no keys to validate with");
        else
            spdlog::debug("auth: JWKS fetched from {}: {} keys", uri_, key_count);
        for (auto& w : waiters) w(answer);
    }

    const std::string uri_;
    const JwksCacheSettings settings_;
    const Runtime runtime_;
    mutable std::mutex mutex_;
    KeySnapshot snapshot_;
    Clock_tp fetched_at_{};
    Clock_tp expires_at_{};
    std::optional<Clock_tp> last_attempt_;
    bool in_flight_ = false;
    std::atomic<std::uint64_t> generation_{0};
    std::vector<KeysCallback> waiters_;
};

}  // namespace

std::shared_ptr<JwksCache> JwksCache::create(std::string jwks_uri, JwksCacheSettings settings,
                                             Runtime runtime) {
    if (!runtime.clock) runtime.clock = Clock::system();
    if (!runtime.fetcher) runtime.fetcher = Fetcher::curl();
    return std::make_shared<JwksCacheImpl>(std::move(jwks_uri), settings, std::move(runtime));
}

std::chrono::seconds ttl_from_cache_control(std::string_view cache_control,
                                            const JwksCacheSettings& settings) {
    const std::string cc = lower(cache_control);
    if (cc.find("no-store") != std::string::npos || cc.find("no-cache") != std::string::npos)
        return settings.min_ttl;
    auto pos = cc.find("max-age");
    // s-maxage is for shared caches; "max-age" inside it must not match.
    while (pos != std::string::npos && pos > 0 && cc[pos - 1] == '-')
        pos = cc.find("max-age", pos + 1);
    if (pos == std::string::npos) return settings.default_ttl;
    auto i = pos + 7;
    while (i < cc.size() && cc[i] == ' ') ++i;
    if (i >= cc.size() || cc[i] != '=') return settings.default_ttl;
    ++i;
    while (i < cc.size() && (cc[i] == ' ' || cc[i] == '"')) ++i;
    long long seconds = 0;
    bool any = false;
    for (; i < cc.size() && std::isdigit(static_cast<unsigned char>(cc[i])); ++i) {
        any = true;
        seconds = std::min<long long>(seconds * 10 + (cc[i] - '0'), 1LL << 40);
    }
    if (!any) return settings.default_ttl;
    return std::clamp(std::chrono::seconds(seconds), settings.min_ttl, settings.max_ttl);
}

bool is_jwks_media_type(std::string_view content_type) {
    std::string t = lower(content_type.substr(0, content_type.find(';')));
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.erase(t.begin());
    return t == "application/json" || t == "application/jwk-set+json";
}

}  // namespace warden::auth
