#include "transport/http/http_server.hpp"

#include "protocol/versions.hpp"
#include "transport/http/observe.hpp"
#include "transport/http/request_head.hpp"
#include "transport/http/server_state.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include <array>
#include <stdexcept>
#include <thread>

namespace warden::transport::http {

namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {
constexpr auto kWriteTimeout = std::chrono::seconds(30);
// Lingering close, bounded: how long and how much of a rejected request is read and dropped.
constexpr auto kDrainTimeout = std::chrono::seconds(2);
constexpr std::size_t kDrainBytes = 64 * 1024 * 1024;

// After answering a request the parser rejected (413, 431, 400), the client may still be
// sending it: closing with unread bytes makes the kernel send a RST, and a RST can destroy
// the response before the client reads it (RFC 9112 §9.6: close in two steps). So half-close
// first, then read and drop until the client closes, for a bounded time and amount.
net::awaitable<void> drain(Connection& conn) {
    beast::error_code ec;
    conn.socket.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) co_return;
    conn.expires_after(kDrainTimeout);
    std::array<char, 16 * 1024> scratch;
    for (std::size_t total = 0; total < kDrainBytes;) {
        auto [read_ec, n] = co_await conn.socket.async_read_some(net::buffer(scratch),
                                                                 net::as_tuple(net::use_awaitable));
        if (read_ec) break;
        total += n;
    }
    conn.expires_never();
}

using RequestParser = bhttp::request_parser<bhttp::string_body, Fields::allocator_type>;

// What the body of a request may take on the wire, framing included.
struct BodyLimits {
    std::size_t wire;  // all bytes after the header: data, chunk-size lines, extensions, trailer
    std::size_t line;  // one unfinished chunk-size line or trailer section
};

// Reads into `parser` until its header is complete (`body` null) or, after that, until the
// message is (`body` set). Bytes already buffered go first (the body, and even the next
// requests, often come in the same packets as the header), then the socket, within
// `timeout`. Beast's async_read_header and async_read do this through layers of composed
// operations that cost ~4% of a small request; the parsing is still Beast's. Errors are
// Beast's too: end_of_stream for a close between requests, partial_message for a close
// inside one, the parser's own for what it rejects, body_limit for a body too large.
//
// Beast bounds the header (header_limit) and the body's data (body_limit) but not a chunked
// body's framing: a chunk-size line, its extensions or the trailer that never end are kept
// whole until they do (RFC 9112 §7.1.1 asks for a limit). So every byte of the body phase
// counts: those the parser took plus those it waits to complete, against `body->wire`, and
// what it waits to complete, against `body->line`.
net::awaitable<beast::error_code> read_part(Connection& conn, RequestParser& parser,
                                            std::chrono::milliseconds timeout,
                                            const BodyLimits* body) {
    // Header: not eager, so the body stays unparsed until the header is judged. Body: the
    // whole buffered body in one put, not a piece.
    parser.eager(body != nullptr);
    conn.expires_after(timeout);
    std::size_t taken = 0;
    beast::error_code ec;
    for (;;) {
        if (conn.buffer.size() > 0) {
            std::size_t used = 0;
            try {
                used = parser.put(conn.buffer.data(), ec);
            } catch (const std::length_error&) {
                // Beast's fields hold no name or value over 64 KiB (they throw): a header
                // field that large is over any header limit the server could be given.
                ec = bhttp::error::header_limit;
                break;
            }
            conn.buffer.consume(used);
            taken += used;
            if (ec == bhttp::error::need_more) {
                ec = {};
            } else if (ec || (body ? parser.is_done() : parser.is_header_done())) {
                break;
            } else if (used > 0) {
                continue;
            }
        }
        if (body && (taken + conn.buffer.size() > body->wire || conn.buffer.size() > body->line)) {
            ec = bhttp::error::body_limit;
            break;
        }
        auto [read_ec, n] = co_await conn.socket.async_read_some(
            conn.buffer.prepare(beast::read_size(conn.buffer, 64 * 1024)),
            net::as_tuple(net::use_awaitable));
        if (read_ec == net::error::eof) {
            if (!parser.got_some()) {
                ec = bhttp::error::end_of_stream;
            } else {
                parser.put_eof(ec);
                if (!ec && !parser.is_done()) ec = bhttp::error::partial_message;
            }
            break;
        }
        if (read_ec) {
            ec = read_ec;
            break;
        }
        conn.buffer.commit(n);
    }
    conn.expires_never();
    co_return ec;
}

// A response that must not tell a foreign page anything (CORS headers come from the
// request's Origin, which may be the reason for the refusal) and ends the connection.
Response refusal(const Request& request, unsigned status, std::string_view message) {
    Response res = make_rpc_error(request, status, -32600, message);
    res.erase(bhttp::field::access_control_allow_origin);
    res.erase(bhttp::field::access_control_expose_headers);
    res.erase(bhttp::field::vary);
    return res;
}

// The time on the steady clock when `expiry` (a token's exp) comes.
Connection::clock::time_point steady_time_of(std::chrono::system_clock::time_point expiry) {
    const auto left = expiry - std::chrono::system_clock::now();
    return Connection::clock::now() + std::chrono::duration_cast<Connection::clock::duration>(left);
}
}  // namespace

HttpServer::Impl::Impl(std::shared_ptr<server::ServerCore> core_, HttpOptions options_,
                       std::shared_ptr<AuthGate> auth_)
    : core(std::move(core_)),
      options(std::move(options_)),
      auth(std::move(auth_)),
      origins(options),
      sessions(options.max_sessions, options.max_sessions_per_principal,
               options.replica_id.empty() ? std::string() : options.replica_id + "."),
      io_thread_count(options.io_threads != 0
                          ? options.io_threads
                          : std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 4)),
      ioc(static_cast<int>(io_thread_count)) {}

HttpServer::Impl::~Impl() {
    if (auth) auth->stop();
}

StreamSettings HttpServer::Impl::stream_settings(const server::Session* session) const {
    StreamSettings s;
    s.json_only = options.json_response;
    s.can_request = !options.stateless;
    // Priming events are a 2025-11-25 feature; older clients may not expect empty data.
    s.priming = session && session->protocol_version() >= protocol::kVersion2025_11_25;
    s.max_events = options.events_per_stream;
    s.retry_ms = static_cast<std::uint64_t>(options.sse_retry.count());
    return s;
}

net::awaitable<void> HttpServer::Impl::accept_loop() {
    for (;;) {
        // Each connection gets its own strand: its coroutine and the wake-ups posted by
        // handler threads never run concurrently. One I/O thread serializes them already.
        const auto executor = io_thread_count == 1 ? net::any_io_executor(ioc.get_executor())
                                                   : net::any_io_executor(net::make_strand(ioc));
        auto [ec, socket] =
            co_await acceptor->async_accept(executor, net::as_tuple(net::use_awaitable));
        if (stopping) co_return;
        if (ec) {
            // Transient errors (EMFILE, ECONNABORTED) must not stop the listener.
            if (ec == net::error::operation_aborted) co_return;
            spdlog::warn("http: accept failed: {}", ec.message());
            net::steady_timer pause(ioc, std::chrono::milliseconds(50));
            co_await pause.async_wait(net::as_tuple(net::use_awaitable));
            continue;
        }
        net::co_spawn(socket.get_executor(), serve_connection(std::move(socket)), net::detached);
    }
}

net::awaitable<void> HttpServer::Impl::serve_connection(tcp::socket socket) {
    auto self = shared_from_this();
    struct Counted {
        std::atomic<std::size_t>& n;
        ~Counted() { --n; }
    } counted{connections};
    const bool over_limit = ++connections > options.max_connections;
    beast::error_code peer_ec;
    const auto peer = socket.remote_endpoint(peer_ec).address();
    struct CountedForClient {
        ClientConnections& counts;
        net::ip::address peer;
        ~CountedForClient() { counts.remove(peer); }
    } counted_for_client{per_client, peer};
    const bool over_client_limit = per_client.add(peer) > options.max_connections_per_client;

    const auto shared_conn = std::make_shared<Connection>(std::move(socket));
    auto& conn = *shared_conn;
    struct StopWatchdog {
        Connection& conn;
        ~StopWatchdog() { conn.stop_watchdog(); }
    } stop_watchdog{conn};
    // The header fields of each request: enough room for the usual ones, bearer token
    // included, and more from the heap when a request needs it.
    std::array<std::byte, 2048> field_space;
    std::pmr::monotonic_buffer_resource field_arena(field_space.data(), field_space.size());
    const BodyLimits body_limits{options.max_body_bytes + options.max_header_bytes,
                                 options.max_header_bytes};
    bool first = true;
    for (;;) {
        field_arena.release();  // the last request and its parser are gone
        RequestParser parser(std::piecewise_construct, std::make_tuple(),
                             std::make_tuple(Fields::allocator_type(&field_arena)));
        parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
        parser.body_limit(options.max_body_bytes);
        auto ec = co_await read_part(
            conn, parser, first ? options.read_timeout : options.keep_alive_timeout, nullptr);
        first = false;
        if (ec == bhttp::error::end_of_stream) break;  // a normal close (Beast #2637)
        if (ec) {
            co_await answer_read_error(conn, ec);
            break;
        }

        // Whatever the header alone decides is answered before the body is read: an
        // unauthenticated client, or one refused for any other reason, costs no body.
        const bool body_pending = !parser.is_done();
        std::shared_ptr<const Principal> principal;
        if (auto early = co_await answer_from_headers(parser.get(), parser.chunked(), over_limit,
                                                      over_client_limit, principal)) {
            // A body left unread cannot be told from the next request: close after the
            // answer, and drop what still comes for a while so the answer is not lost to a
            // TCP reset. (Reading it instead would make a client without credentials cost
            // up to max_body_bytes; one that has none must come back anyway.)
            if (body_pending) early->keep_alive(false);
            const bool wanted_more = parser.get().keep_alive();
            const bool keep = early->keep_alive();
            if (!co_await write_response(conn, std::move(*early), kWriteTimeout)) break;
            if (keep) continue;
            if (body_pending || wanted_more) co_await drain(conn);
            break;
        }
        if (body_pending) {
            ec = co_await read_part(conn, parser, options.read_timeout, &body_limits);
            if (ec) {
                co_await answer_read_error(conn, ec);
                break;
            }
        }
        Request request = parser.release();
        // A stream opened with a token ends when the token does: a GET stream (standalone
        // or resumed) would otherwise deliver to whoever held the token once, forever. The
        // client reconnects with a fresh token and Last-Event-ID. (A POST's answer, which
        // the token authorized when it began, is delivered whole.)
        const bool bounded =
            principal && principal->expires_at && request.method() == bhttp::verb::get;
        if (bounded) conn.close_at(steady_time_of(*principal->expires_at));
        const bool keep = co_await handle_mcp(*this, conn, request, principal);
        if (bounded) conn.close_at(Connection::clock::time_point::max());
        if (!keep || !request.keep_alive()) break;
    }
    beast::error_code ignored;
    conn.socket.shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> HttpServer::Impl::answer_read_error(Connection& conn, beast::error_code ec) {
    Request stub;
    stub.version(11);
    stub.keep_alive(false);
    bool answered = false;
    if (ec == bhttp::error::body_limit) {
        answered = co_await write_response(
            conn,
            make_rpc_error(stub, 413, -32600,
                           "Content Too Large: the body or its chunked framing exceeds the limit"),
            kWriteTimeout);
    } else if (ec == bhttp::error::header_limit) {
        answered = co_await write_response(conn, make_response(stub, 431, {}, {}), kWriteTimeout);
    } else if (!conn.timed_out() && ec != net::error::connection_reset && ec != net::error::eof &&
               ec != net::error::operation_aborted) {
        answered = co_await write_response(
            conn, make_rpc_error(stub, 400, -32600, "Bad Request: malformed HTTP"), kWriteTimeout);
    }
    if (answered) co_await drain(conn);
}

net::awaitable<std::optional<Response>> HttpServer::Impl::answer_from_headers(
    Request& head, bool chunked, bool over_limit, bool over_client_limit,
    std::shared_ptr<const Principal>& principal) {
    // DPoP-Nonce is a response header that make_response copies from the request
    // (RFC 9449 section 8): only the auth gate may set it, never the client.
    head.erase(kDpopNonceHeader);
    // Framing and Host first (RFC 9112 §6.1, §3.2): what follows may be a smuggled request.
    if (auto bad = check_request_head(head, chunked)) {
        Response res = refusal(head, bad.status, bad.reason);
        res.keep_alive(false);
        co_return res;
    }
    if (over_limit || over_client_limit || stopping) {
        Response busy = make_rpc_error(
            head, 503, -32603,
            over_limit          ? "Service Unavailable: too many connections"
            : over_client_limit ? "Service Unavailable: too many connections from this client"
                                : "Service Unavailable: shutting down");
        busy.keep_alive(false);
        co_return busy;
    }

    // DNS-rebinding protection comes first: a foreign Host or Origin learns nothing.
    auto host = head[bhttp::field::host];
    if (!origins.host_allowed(host) || !origins.origin_allowed(head[bhttp::field::origin], host))
        co_return refusal(head, 403, "Forbidden: Host or Origin not allowed");

    auto target = head.target();
    auto path = target.substr(0, target.find('?'));
    const auto method = head.method();
    if (path == "/healthz" && (method == bhttp::verb::get || method == bhttp::verb::head))
        co_return make_response(head, 200, R"({"status":"ok"})");
    if (!options.endpoint.empty() && path == options.endpoint) {
        if (method == bhttp::verb::options) co_return make_preflight(head);
        if (method != bhttp::verb::post && method != bhttp::verb::get &&
            method != bhttp::verb::delete_) {
            Response res = make_rpc_error(head, 405, -32600, "Method Not Allowed");
            res.set(bhttp::field::allow, "GET, POST, DELETE, OPTIONS");
            co_return res;
        }
        // Every request to the endpoint needs credentials when auth is on, also inside an
        // established session (MCP authorization, "Token Requirements"). They are in the
        // header: decided before the body is read.
        if (auth) {
            const auto started = std::chrono::steady_clock::now();
            auto decision = co_await auth->authenticate(head);
            observe_auth(head, decision, started);
            if (decision.status != 0) co_return make_auth_answer(head, decision);
            principal = std::move(decision.principal);
            // A fresh nonce before the old one expires (RFC 9449 section 8.2): every response
            // to this request carries it, as make_response copies it from the request.
            if (!decision.dpop_nonce.empty()) head.set(kDpopNonceHeader, decision.dpop_nonce);
        }
        co_return std::nullopt;  // the endpoint needs the body
    }
    if (auto route = routes.find(path); route != routes.end())
        co_return co_await serve_route(head, route->second);
    if (auth) {
        if (auto res = auth->route(head)) {
            add_cors_headers(head, *res);
            co_return std::move(*res);
        }
    }
    co_return make_rpc_error(head, 404, -32600, "Not Found");
}

net::awaitable<Response> HttpServer::Impl::serve_route(const Request& request,
                                                       const RouteHandler& handler) {
    auto target = request.target();
    auto query_at = target.find('?');
    RouteRequest req{
        std::string(request.method_string()), std::string(target.substr(0, query_at)),
        query_at == target.npos ? std::string() : std::string(target.substr(query_at + 1)),
        std::string(request[bhttp::field::cookie])};
    // The handler may block (token endpoints): run it on the route pool, never on an I/O
    // thread, and wait on a timer that the pool cancels through this connection's strand.
    auto executor = co_await net::this_coro::executor;
    auto done = std::make_shared<net::steady_timer>(executor, net::steady_timer::time_point::max());
    auto answer = std::make_shared<RouteResponse>();
    ++requests_in_flight;
    net::post(route_pool, [handler, req = std::move(req), answer, done, executor] {
        try {
            *answer = handler(req);
        } catch (const std::exception& e) {
            spdlog::warn("http: route {} failed: {}", req.path, e.what());
            *answer = RouteResponse{500, "text/plain; charset=utf-8", "Internal Server Error"};
        }
        net::post(executor, [done] { done->cancel(); });
    });
    co_await done->async_wait(net::as_tuple(net::use_awaitable));
    --requests_in_flight;
    Response res =
        make_response(request, answer->status, std::move(answer->body), answer->content_type);
    res.set(bhttp::field::cache_control, "no-store");
    res.set("Referrer-Policy", "no-referrer");
    for (const auto& [name, value] : answer->headers) res.insert(name, value);
    co_return res;
}

net::awaitable<void> HttpServer::Impl::sweep_loop() {
    net::steady_timer timer(ioc);
    const auto period = std::clamp<std::chrono::milliseconds>(
        options.session_idle_timeout / 4, std::chrono::milliseconds(50), std::chrono::seconds(30));
    while (!stopping) {
        timer.expires_after(period);
        co_await timer.async_wait(net::as_tuple(net::use_awaitable));
        if (auto n = sessions.sweep(options.session_idle_timeout))
            spdlog::debug("http: expired {} idle session(s)", n);
    }
}

void HttpServer::Impl::begin_shutdown() {
    if (stopping.exchange(true)) return;
    spdlog::info("http: shutting down: no new connections, finishing requests in flight");
    net::post(ioc, [self = shared_from_this()] {
        beast::error_code ignored;
        if (self->acceptor) self->acceptor->close(ignored);
    });
    // Wait for handlers off the I/O threads, then end streams and stop.
    std::thread([self = shared_from_this()] {
        const auto deadline = std::chrono::steady_clock::now() + self->options.shutdown_grace;
        // Listen streams never finish by themselves: end them first (with their result),
        // then wait for the requests that do.
        self->core->close_listeners();
        self->core->wait_idle(self->options.shutdown_grace);
        while (self->requests_in_flight > 0 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        self->sessions.close_all();
        // Give writers a moment to finish their last chunks, then stop.
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        self->ioc.stop();
    }).detach();
}

HttpServer::HttpServer(std::shared_ptr<server::ServerCore> core, HttpOptions options,
                       std::shared_ptr<AuthGate> auth)
    : impl_(std::make_shared<Impl>(std::move(core), std::move(options), std::move(auth))) {}

HttpServer::~HttpServer() {
    impl_->stopping = true;
    impl_->ioc.stop();
}

void HttpServer::add_route(std::string path, RouteHandler handler) {
    impl_->routes.insert_or_assign(std::move(path), std::move(handler));
}

boost::system::error_code HttpServer::listen() {
    boost::system::error_code ec;
    auto address = net::ip::make_address(
        impl_->options.host == "localhost" ? std::string("127.0.0.1") : impl_->options.host, ec);
    if (ec) return ec;
    tcp::endpoint endpoint(address, impl_->options.port);
    auto& acceptor = impl_->acceptor.emplace(impl_->ioc);
    if (acceptor.open(endpoint.protocol(), ec)) return ec;
    if (acceptor.set_option(net::socket_base::reuse_address(true), ec)) return ec;
    if (acceptor.bind(endpoint, ec)) return ec;
    if (acceptor.listen(net::socket_base::max_listen_connections, ec)) return ec;
    return {};
}

unsigned short HttpServer::port() const {
    boost::system::error_code ec;
    return impl_->acceptor ? impl_->acceptor->local_endpoint(ec).port() : 0;
}

int HttpServer::run(bool handle_signals) {
    auto& impl = *impl_;
    std::optional<net::signal_set> signals;
    if (handle_signals) {
        signals.emplace(impl.ioc, SIGINT, SIGTERM);
        signals->async_wait(
            [weak = std::weak_ptr(impl_)](const boost::system::error_code& ec, int) {
                if (auto self = weak.lock(); self && !ec) self->begin_shutdown();
            });
    }
    net::co_spawn(impl.ioc, impl.accept_loop(), net::detached);
    if (!impl.options.stateless) net::co_spawn(impl.ioc, impl.sweep_loop(), net::detached);

    std::vector<std::thread> pool;
    for (std::size_t i = 1; i < impl.io_thread_count; ++i)
        pool.emplace_back([&impl] { impl.ioc.run(); });
    impl.ioc.run();
    for (auto& t : pool) t.join();
    return 0;
}

void HttpServer::stop() {
    impl_->begin_shutdown();
}

}  // namespace warden::transport::http
