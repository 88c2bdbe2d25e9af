// The connection's watchdog: an I/O pending past its deadline fails and closes the socket;
// completed I/O, a later deadline, or no I/O at all keep it open; writes finish whole.
#include "transport/http/connection.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>

#include <string>

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using warden::transport::http::Connection;
using namespace std::chrono_literals;

// A loopback pair: `conn` wraps the accepted end, `client` is the other.
struct Pair {
    asio::io_context ioc{1};
    tcp::socket client{ioc};
    std::shared_ptr<Connection> conn;

    Pair() {
        tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), 0});
        client.connect(acceptor.local_endpoint());
        conn = std::make_shared<Connection>(acceptor.accept());
    }
    // Runs `body` to completion (for at most 20 s), then stops the watchdog as the server
    // does when a connection ends.
    template <class Body>
    void run(Body body) {
        auto done = asio::co_spawn(ioc, body(), asio::use_future);
        const auto give_up = Connection::clock::now() + 20s;
        while (done.wait_for(0s) != std::future_status::ready && Connection::clock::now() < give_up)
            ioc.run_one_for(100ms);
        conn->stop_watchdog();
        ioc.poll();
        ASSERT_EQ(done.wait_for(0s), std::future_status::ready) << "the test body did not end";
        done.get();
    }
};

asio::awaitable<boost::system::error_code> read_some(Connection& conn) {
    char byte[64];
    auto [ec, n] = co_await conn.socket.async_read_some(asio::buffer(byte),
                                                        asio::as_tuple(asio::use_awaitable));
    conn.expires_never();
    co_return ec;
}

asio::awaitable<void> pause(std::chrono::milliseconds d) {
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

// The client sends one byte after `delay`.
asio::awaitable<void> send_after(tcp::socket& client, std::chrono::milliseconds delay) {
    co_await pause(delay);
    co_await asio::async_write(client, asio::buffer("x", 1), asio::use_awaitable);
}

TEST(ConnectionTest, AReadPendingPastItsDeadlineFailsAndClosesTheSocket) {
    Pair p;
    boost::system::error_code ec;
    p.run([&]() -> asio::awaitable<void> {
        p.conn->expires_after(100ms);
        ec = co_await read_some(*p.conn);
    });
    EXPECT_EQ(ec, asio::error::operation_aborted);
    EXPECT_TRUE(p.conn->timed_out());
    EXPECT_FALSE(p.conn->socket.is_open());
}

TEST(ConnectionTest, IoThatCompletesInTimeKeepsTheConnectionPastEarlierDeadlines) {
    Pair p;
    boost::system::error_code first, second;
    p.run([&]() -> asio::awaitable<void> {
        asio::co_spawn(p.ioc, send_after(p.client, 50ms), asio::detached);
        p.conn->expires_after(300ms);
        first = co_await read_some(*p.conn);
        // No I/O pending: a handler may take longer than any timeout.
        co_await pause(500ms);
        asio::co_spawn(p.ioc, send_after(p.client, 50ms), asio::detached);
        p.conn->expires_after(300ms);
        second = co_await read_some(*p.conn);
    });
    EXPECT_FALSE(first) << first.message();
    EXPECT_FALSE(second) << second.message();
    EXPECT_FALSE(p.conn->timed_out());
    EXPECT_TRUE(p.conn->socket.is_open());
}

TEST(ConnectionTest, AKeepAliveLoopOutlivesOneTimeoutPeriod) {
    // Each read has 200 ms; together they take about a second. The watchdog wakes at the
    // first deadline, finds a later one, and sleeps again.
    Pair p;
    int reads = 0;
    p.run([&]() -> asio::awaitable<void> {
        for (int i = 0; i < 10; ++i) {
            asio::co_spawn(p.ioc, send_after(p.client, 100ms), asio::detached);
            p.conn->expires_after(200ms);
            if (co_await read_some(*p.conn)) co_return;
            ++reads;
        }
    });
    EXPECT_EQ(reads, 10);
    EXPECT_FALSE(p.conn->timed_out());
}

TEST(ConnectionTest, AnEarlierDeadlineIsKeptWhileTheWatchdogSleepsTowardsALaterOne) {
    Pair p;
    boost::system::error_code ec;
    auto took = 0ms;
    p.run([&]() -> asio::awaitable<void> {
        asio::co_spawn(p.ioc, send_after(p.client, 0ms), asio::detached);
        p.conn->expires_after(60s);  // the watchdog now sleeps towards this
        if (co_await read_some(*p.conn)) co_return;
        const auto start = Connection::clock::now();
        p.conn->expires_after(100ms);
        ec = co_await read_some(*p.conn);
        took =
            std::chrono::duration_cast<std::chrono::milliseconds>(Connection::clock::now() - start);
    });
    EXPECT_EQ(ec, asio::error::operation_aborted);
    EXPECT_TRUE(p.conn->timed_out());
    // Closed at its own deadline, not at the minute-long one (run() gives up after 20 s).
    EXPECT_LT(took, 10s);
}

TEST(ConnectionTest, WriteDeliversMoreThanTheSocketTakesAtOnce) {
    Pair p;
    const std::string payload(8 << 20, 'w');  // well beyond loopback socket buffers
    std::string received(payload.size(), '\0');
    bool wrote = false;
    p.run([&]() -> asio::awaitable<void> {
        asio::co_spawn(
            p.ioc,
            [&]() -> asio::awaitable<void> {
                co_await asio::async_read(p.client, asio::buffer(received), asio::use_awaitable);
            },
            asio::detached);
        wrote = co_await p.conn->write(asio::buffer(payload), 5s);
    });
    p.ioc.restart();
    p.ioc.run_for(5s);  // the reader may still be draining the last bytes
    EXPECT_TRUE(wrote);
    EXPECT_TRUE(received == payload);
    EXPECT_FALSE(p.conn->timed_out());
}

TEST(ConnectionTest, AWriteThePeerNeverReadsTimesOut) {
    Pair p;
    const std::string payload(8 << 20, 'w');
    bool wrote = true;
    p.run([&]() -> asio::awaitable<void> {
        wrote = co_await p.conn->write(asio::buffer(payload), 200ms);
    });
    EXPECT_FALSE(wrote);
    EXPECT_TRUE(p.conn->timed_out());
}

TEST(ConnectionTest, StoppingTheWatchdogReleasesTheConnection) {
    Pair p;
    std::weak_ptr<Connection> weak = p.conn;
    p.run([&]() -> asio::awaitable<void> {
        p.conn->expires_after(60s);  // a wait that holds the connection
        co_return;
    });
    p.conn.reset();
    EXPECT_TRUE(weak.expired()) << "the watchdog's wait still holds the connection";
}

}  // namespace

namespace {

TEST(ConnectionCloseAt, ClosesTheSocketAtThatTimeWithNoIoPending) {
    // A stream waiting for news has no I/O pending; its credentials still end.
    Pair p;
    p.run([&]() -> asio::awaitable<void> {
        p.conn->close_at(Connection::clock::now() + 100ms);
        for (int i = 0; i < 200 && p.conn->socket.is_open(); ++i) co_await pause(50ms);
    });
    EXPECT_FALSE(p.conn->socket.is_open());
}

TEST(ConnectionCloseAt, CancelledBeforeItComesLeavesTheConnectionOpen) {
    Pair p;
    boost::system::error_code ec;
    p.run([&]() -> asio::awaitable<void> {
        p.conn->close_at(Connection::clock::now() + 100ms);
        p.conn->close_at(Connection::clock::time_point::max());
        co_await pause(300ms);
        asio::co_spawn(p.ioc, send_after(p.client, 0ms), asio::detached);
        p.conn->expires_after(5s);
        ec = co_await read_some(*p.conn);
    });
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_TRUE(p.conn->socket.is_open());
}

}  // namespace
