#pragma once
// Hand-driven clock and fetcher (Envoy style): the test decides when a fetch completes.

#include <warden/auth/runtime.hpp>

#include <deque>
#include <mutex>

namespace warden::auth::testing {

class FakeClock final : public Clock {
  public:
    std::chrono::system_clock::time_point now() const override { return now_; }
    void advance(std::chrono::seconds s) { now_ += s; }
    std::chrono::system_clock::time_point now_ =
        std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
};

class FakeFetcher final : public Fetcher {
  public:
    struct Pending {
        FetchRequest request;
        FetchCallback done;
    };
    void fetch(FetchRequest request, FetchCallback done) override {
        pending.push_back({std::move(request), std::move(done)});
        ++count;
    }
    /// Completes the oldest pending fetch.
    void complete(boost::system::result<FetchResponse> r) {
        auto p = std::move(pending.front());
        pending.pop_front();
        p.done(std::move(r));
    }
    void complete_ok(std::string body, std::string cache_control = {},
                     std::string content_type = "application/json") {
        FetchResponse r;
        r.status = 200;
        r.body = std::move(body);
        r.cache_control = std::move(cache_control);
        r.content_type = std::move(content_type);
        complete(std::move(r));
    }
    std::deque<Pending> pending;
    int count = 0;
};

}  // namespace warden::auth::testing
