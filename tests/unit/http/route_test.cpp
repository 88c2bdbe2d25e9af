// Extra routes (the OAuth redirect endpoint): they must answer while every worker of the
// server core is busy, because a tool call can hold a worker while it waits for exactly
// that redirect.
#include "server/core.hpp"
#include "transport/http/http_server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using warden::transport::http::HttpServer;
using warden::transport::http::RouteRequest;
using warden::transport::http::RouteResponse;

// A blocking GET over a fresh connection.
std::optional<bhttp::response<bhttp::string_body>> get(unsigned short port,
                                                       const std::string& target) {
    asio::io_context ioc;
    asio::ip::tcp::socket socket(ioc);
    boost::system::error_code ec;
    socket.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
    if (ec) return std::nullopt;
    bhttp::request<bhttp::string_body> req{bhttp::verb::get, target, 11};
    req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port));
    bhttp::write(socket, req, ec);
    if (ec) return std::nullopt;
    boost::beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(socket, buffer, res, ec);
    if (ec) return std::nullopt;
    return res;
}

TEST(HttpRoute, AnswersWhileEveryWorkerIsBusy) {
    warden::ServerOptions options;
    options.worker_threads = 2;
    auto core = std::make_shared<warden::server::ServerCore>(warden::ServerInfo{"t", "1"}, options);

    // Occupy every worker as tool calls waiting for an OAuth redirect would.
    std::mutex mutex;
    std::condition_variable cv;
    bool release = false;
    int busy = 0;
    for (std::size_t i = 0; i < options.worker_threads; ++i) {
        core->post([&] {
            std::unique_lock lock(mutex);
            ++busy;
            cv.notify_all();
            cv.wait(lock, [&] { return release; });
        });
    }
    {
        std::unique_lock lock(mutex);
        ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return busy == 2; }));
    }

    warden::HttpOptions http;
    http.host = "127.0.0.1";
    http.port = 0;
    http.endpoint.clear();
    http.stateless = true;
    http.io_threads = 1;
    HttpServer server(core, http);
    server.add_route("/oauth/callback", [](const RouteRequest& req) {
        return RouteResponse{200, "text/plain", "query=" + req.query};
    });
    ASSERT_FALSE(server.listen());
    std::thread runner([&] { server.run(false); });

    // Waited for on the side: with the old shared pool the answer only comes once the
    // workers are released, and the test must fail rather than hang.
    auto pending = std::async(std::launch::async, [port = server.port()] {
        return get(port, "/oauth/callback?state=s&code=c");
    });
    const bool answered_while_busy =
        pending.wait_for(std::chrono::seconds(5)) == std::future_status::ready;

    {
        std::lock_guard lock(mutex);
        release = true;
    }
    cv.notify_all();
    auto res = pending.get();
    server.stop();
    runner.join();
    core->shutdown();

    EXPECT_TRUE(answered_while_busy) << "the route did not answer while the workers were busy";
    ASSERT_TRUE(res);
    EXPECT_EQ(res->result_int(), 200u);
    EXPECT_EQ(res->body(), "query=state=s&code=c");
    EXPECT_EQ((*res)[bhttp::field::cache_control], "no-store");
}

}  // namespace
