#pragma once
// One client connection: its socket, its read buffer, and the timeouts of its I/O.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <algorithm>
#include <chrono>
#include <memory>

namespace warden::transport::http {

namespace net = boost::asio;
namespace beast = boost::beast;

/// A connection's socket and read buffer, owned by the connection's coroutine, with one
/// watchdog timer for all its timeouts.
///
/// Why not Beast's tcp_stream: it arms and cancels a timer around every read and write,
/// about a tenth of a small request's CPU. Here an I/O records its deadline (a clock read)
/// and wakes the watchdog only when that deadline is earlier than the one the watchdog
/// sleeps towards. When the watchdog wakes, it closes the socket if an I/O is still pending
/// past its deadline (which fails the I/O, as with tcp_stream), and otherwise sleeps
/// towards the current deadline: a busy keep-alive connection costs one wake-up per
/// timeout period, not two timer operations per request. The deadline is finite only while
/// an I/O is pending, so a handler or an SSE stream waiting for news may take as long as
/// it needs.
///
/// All members run on the connection's executor (its strand, or the one I/O thread).
class Connection : public std::enable_shared_from_this<Connection> {
  public:
    using clock = std::chrono::steady_clock;

    explicit Connection(net::ip::tcp::socket socket);

    net::ip::tcp::socket socket;
    beast::flat_buffer buffer;

    /// Stops the watchdog: the connection is done.
    void stop_watchdog();

    /// The I/O about to start must complete within `timeout`, else the socket is closed.
    void expires_after(std::chrono::milliseconds timeout);
    /// No I/O is pending.
    void expires_never() { deadline_ = clock::time_point::max(); }
    /// Closes the socket at `when` whatever is pending or not (a stream whose credentials
    /// expire then); `clock::time_point::max()` cancels it.
    void close_at(clock::time_point when);
    /// Whether the watchdog closed the socket.
    bool timed_out() const { return timed_out_; }

    /// Writes `data` whole; false on a write error or timeout. The socket usually takes a
    /// response at once: then no timer, no operation through the scheduler.
    net::awaitable<bool> write(net::const_buffer data, std::chrono::milliseconds timeout);

  private:
    clock::time_point next_deadline() const { return std::min(deadline_, close_at_); }
    /// Sleeps towards the current deadline (not at all when there is none). Must be
    /// constructed through make_shared: the wait holds the connection.
    void arm();

    net::steady_timer watchdog_;
    clock::time_point deadline_ = clock::time_point::max();
    clock::time_point close_at_ = clock::time_point::max();
    clock::time_point armed_for_ = clock::time_point::max();
    bool stopped_ = false;
    bool timed_out_ = false;
};

}  // namespace warden::transport::http
