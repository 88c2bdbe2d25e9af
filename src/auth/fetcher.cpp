// The real clock and fetcher: libcurl on a few dedicated threads, so no I/O thread ever
// waits on the network.
#include <warden/auth/runtime.hpp>

#include <warden/auth/error.hpp>

#include "net/http_fetch.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/url/parse.hpp>

#include <atomic>
#include <fstream>
#include <iterator>
#include <thread>

namespace warden::auth {
namespace {

class SystemClock final : public Clock {
  public:
    std::chrono::system_clock::time_point now() const override {
        return std::chrono::system_clock::now();
    }
};

constexpr std::size_t kMaxDocument = 1024 * 1024;

// file:// is for local development (`warden dev keygen`): read the key set from disk.
boost::system::result<FetchResponse> read_file_url(const std::string& url) {
    auto u = boost::urls::parse_uri(url);
    if (!u) return make_error_code(net::FetchError::bad_url);
    std::ifstream in(std::string(u->path()), std::ios::binary);
    if (!in) return make_error_code(net::FetchError::transport_failed);
    FetchResponse r;
    r.status = 200;
    r.content_type = "application/json";
    r.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (r.body.size() > kMaxDocument) return make_error_code(net::FetchError::body_too_large);
    return r;
}

boost::system::result<FetchResponse> perform(const FetchRequest& request,
                                             std::chrono::milliseconds timeout) {
    if (request.url.starts_with("file://")) return read_file_url(request.url);
    net::HttpRequest r;
    r.url = request.url;
    r.form_body = request.form_body;
    r.basic_user = request.basic_user;
    r.basic_password = request.basic_password;
    r.accept = request.accept;
    net::FetchOptions options;
    options.timeout = timeout;
    options.connect_timeout = std::min(timeout, options.connect_timeout);
    options.max_body_size = kMaxDocument;
    auto response = net::http_send(r, options);
    if (!response) return response.error();
    FetchResponse out;
    out.status = response->status;
    out.content_type = std::move(response->content_type);
    out.cache_control = std::move(response->cache_control);
    out.body = std::move(response->body);
    return out;
}

// Jobs capture only values and the shared stop flag, never `this`: the fetcher may be
// destroyed (even from one of its own threads, by a callback dropping the last owner)
// while a transfer runs.
class CurlFetcher final : public Fetcher {
  public:
    CurlFetcher(std::size_t threads, std::chrono::milliseconds timeout)
        : pool_(std::make_shared<boost::asio::thread_pool>(threads)), timeout_(timeout) {}

    ~CurlFetcher() override {
        if (pool_->get_executor().running_in_this_thread()) {
            // Joining our own thread would deadlock: let another thread finish the pool.
            stopped_->store(true);
            pool_->stop();
            std::thread([pool = std::move(pool_)] { pool->join(); }).detach();
            return;
        }
        stop();
    }

    void fetch(FetchRequest request, FetchCallback done) override {
        if (*stopped_) {
            done(make_error_code(Error::stopped));
            return;
        }
        boost::asio::post(*pool_, [stopped = stopped_, timeout = timeout_,
                                   request = std::move(request), done = std::move(done)] {
            if (*stopped) return;
            auto result = perform(request, timeout);
            if (!*stopped) done(std::move(result));
        });
    }

    void stop() override {
        if (stopped_->exchange(true)) return;
        pool_->stop();
        pool_->join();
    }

  private:
    std::shared_ptr<boost::asio::thread_pool> pool_;
    std::chrono::milliseconds timeout_;
    std::shared_ptr<std::atomic<bool>> stopped_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace

std::shared_ptr<Clock> Clock::system() {
    static const auto clock = std::make_shared<SystemClock>();
    return clock;
}

std::shared_ptr<Fetcher> Fetcher::curl(std::size_t threads, std::chrono::milliseconds timeout) {
    return std::make_shared<CurlFetcher>(threads == 0 ? 1 : threads, timeout);
}

}  // namespace warden::auth
