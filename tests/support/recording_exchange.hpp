#pragma once
// An exchange for core tests: records what the core sends on it and its final answer, and
// waits for either (the core may answer from a worker thread).

#include "server/exchange.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden::testing {

class RecordingExchange : public warden::server::Exchange {
  public:
    /// `traceparent`: what the transport says it received (trace_headers()).
    explicit RecordingExchange(std::string traceparent = {})
        : traceparent_(std::move(traceparent)) {}

    void send(boost::json::object message) override {
        std::lock_guard lock(mutex_);
        sent_.push_back(std::move(message));
        cv_.notify_all();
    }
    void complete(boost::json::value response) override {
        std::lock_guard lock(mutex_);
        completed_ = std::move(response);
        done_ = true;
        cv_.notify_all();
    }
    std::pair<std::string_view, std::string_view> trace_headers() const override {
        return {traceparent_, {}};
    }

    /// The final answer (null when it never came: the test fails then).
    boost::json::value wait(std::chrono::milliseconds limit = std::chrono::seconds(10)) {
        std::unique_lock lock(mutex_);
        EXPECT_TRUE(cv_.wait_for(lock, limit, [&] { return done_; }))
            << "the exchange was never completed";
        return completed_;
    }
    /// The first message sent of `method` whose params satisfy `wanted` (an empty object
    /// when none came in time).
    boost::json::object wait_for(
        std::string_view method,
        const std::function<bool(const boost::json::object&)>& wanted =
            [](const boost::json::object&) { return true; },
        std::chrono::milliseconds limit = std::chrono::seconds(10)) {
        std::unique_lock lock(mutex_);
        boost::json::object found;
        cv_.wait_for(lock, limit, [&] {
            for (const auto& m : sent_) {
                const auto* name = m.if_contains("method");
                const auto* params = m.if_contains("params");
                if (name && name->is_string() && name->get_string() == method &&
                    wanted(params && params->is_object() ? params->get_object()
                                                         : boost::json::object{})) {
                    found = m;
                    return true;
                }
            }
            return false;
        });
        return found;
    }
    std::size_t sent_count() {
        std::lock_guard lock(mutex_);
        return sent_.size();
    }
    /// A copy of the `i`th message sent.
    boost::json::object sent_at(std::size_t i) {
        std::lock_guard lock(mutex_);
        return sent_.at(i);
    }

  private:
    const std::string traceparent_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<boost::json::object> sent_;
    boost::json::value completed_;
    bool done_ = false;
};

}  // namespace warden::testing
