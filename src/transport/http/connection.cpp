#include "transport/http/connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace warden::transport::http {

Connection::Connection(net::ip::tcp::socket socket_)
    : socket(std::move(socket_)), watchdog_(socket.get_executor()) {
    // For write(): a synchronous write that cannot finish must return, not block the thread.
    boost::system::error_code ignored;
    socket.non_blocking(true, ignored);
}

void Connection::stop_watchdog() {
    stopped_ = true;
    watchdog_.cancel();
}

void Connection::expires_after(std::chrono::milliseconds timeout) {
    deadline_ = clock::now() + timeout;
    // Only a deadline earlier than the one the watchdog sleeps towards needs a new wait.
    if (deadline_ < armed_for_ && !stopped_ && !timed_out_) arm();
}

void Connection::close_at(clock::time_point when) {
    close_at_ = when;
    if (close_at_ < armed_for_ && !stopped_ && !timed_out_) arm();
}

void Connection::arm() {
    armed_for_ = next_deadline();
    if (armed_for_ == clock::time_point::max()) return;  // no I/O pending: nothing to watch
    // Setting the expiry cancels a wait still pending; its handler sees operation_aborted.
    watchdog_.expires_at(armed_for_);
    watchdog_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (ec == net::error::operation_aborted || self->stopped_) return;
        if (self->next_deadline() <= clock::now()) {
            self->timed_out_ = true;
            boost::system::error_code ignored;
            self->socket.close(ignored);  // fails the pending I/O
            return;
        }
        self->arm();
    });
}

net::awaitable<bool> Connection::write(net::const_buffer data, std::chrono::milliseconds timeout) {
    boost::system::error_code ec;
    const auto sent = socket.write_some(data, ec);
    if (!ec && sent == data.size()) co_return true;
    if (ec && ec != net::error::would_block) co_return false;
    data += sent;
    expires_after(timeout);
    auto [write_ec, n] = co_await net::async_write(socket, data, net::as_tuple(net::use_awaitable));
    expires_never();
    co_return !write_ec;
}

}  // namespace warden::transport::http
