#pragma once
// What the resource server needs from the outside world, injected so tests can drive it
// by hand (as Envoy's jwt_authn tests do): a clock and an asynchronous fetcher.

#include <boost/system/result.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace warden::auth {

/// The current time. The real one reads std::chrono::system_clock.
class Clock {
  public:
    virtual ~Clock() = default;
    virtual std::chrono::system_clock::time_point now() const = 0;
    /// The system clock.
    static std::shared_ptr<Clock> system();
};

/// An outbound request: a GET, or a form POST (introspection) with client credentials.
struct FetchRequest {
    std::string url;
    std::string form_body;  ///< empty: GET
    std::string basic_user;
    std::string basic_password;
    std::string accept;
};

/// A complete response of any status.
struct FetchResponse {
    long status = 0;
    std::string content_type;
    std::string cache_control;
    std::string body;
};

using FetchCallback = std::function<void(boost::system::result<FetchResponse>)>;

/// Performs requests off the caller's thread and calls back (on any thread) exactly once.
class Fetcher {
  public:
    virtual ~Fetcher() = default;
    virtual void fetch(FetchRequest request, FetchCallback done) = 0;
    /// Stops: requests in flight are abandoned without calling back; later ones fail
    /// with Error::stopped. Idempotent.
    virtual void stop() {}

    /// libcurl on `threads` dedicated threads (never an I/O thread); `file://` URLs are
    /// read from disk; https is required except for loopback hosts.
    static std::shared_ptr<Fetcher> curl(
        std::size_t threads = 2, std::chrono::milliseconds timeout = std::chrono::seconds(5));
};

/// The clock and the fetcher a resource server uses.
struct Runtime {
    std::shared_ptr<Clock> clock = Clock::system();
    std::shared_ptr<Fetcher> fetcher{};  ///< null: Fetcher::curl()
};

}  // namespace warden::auth
