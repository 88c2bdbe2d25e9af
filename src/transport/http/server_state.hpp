#pragma once
// State shared by the HTTP transport's parts (listener, endpoint, stream writer).

#include "server/core.hpp"
#include "transport/http/auth_gate.hpp"
#include "transport/http/client_connections.hpp"
#include "transport/http/connection.hpp"
#include "transport/http/http_server.hpp"
#include "transport/http/origin_policy.hpp"
#include "transport/http/session_store.hpp"

#include <warden/http_options.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <map>
#include <optional>

namespace warden::transport::http {

namespace net = boost::asio;
namespace beast = boost::beast;

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
    Impl(std::shared_ptr<server::ServerCore> core_, HttpOptions options_,
         std::shared_ptr<AuthGate> auth_);
    /// Stops the gate's own work first: it completes on `ioc`, which goes away before
    /// the gate does.
    ~Impl();

    std::shared_ptr<server::ServerCore> core;
    HttpOptions options;
    std::shared_ptr<AuthGate> auth;
    OriginPolicy origins;
    SessionStore sessions;
    /// I/O threads that run `ioc` (options.io_threads, or one per core up to 4).
    const std::size_t io_thread_count;
    /// Told how many threads will run it: with one, Asio keeps work the I/O thread posts
    /// to itself on a private queue (no lock, no wake-up), and connections need no strand.
    net::io_context ioc;
    std::optional<net::ip::tcp::acceptor> acceptor;
    std::atomic<bool> stopping{false};
    std::atomic<std::size_t> connections{0};
    ClientConnections per_client;
    std::atomic<std::size_t> requests_in_flight{0};
    std::map<std::string, RouteHandler, std::less<>> routes;
    /// Runs route handlers. Not the core's worker pool: a tool call may hold a worker
    /// while it waits for the OAuth redirect that a route serves, so with every worker
    /// waiting, a route on that pool would never run (deadlock until the waits time out).
    net::thread_pool route_pool{2};

    /// Stream settings for a request in `session` (null in stateless mode).
    StreamSettings stream_settings(const server::Session* session) const;

    net::awaitable<void> accept_loop();
    net::awaitable<void> serve_connection(net::ip::tcp::socket socket);
    net::awaitable<void> sweep_loop();
    /// Answers (413, 431, 400) a request that could not be read, when the client can still
    /// hear it.
    net::awaitable<void> answer_read_error(Connection& conn, beast::error_code ec);
    /// The answer to a request that its header alone decides (malformed framing or Host,
    /// limits, Host/Origin, health, routes, preflight, 405, credentials), or nullopt when
    /// the MCP endpoint needs its body; then `principal` is the verified caller (null
    /// without auth). `chunked` is the parser's view of the framing.
    net::awaitable<std::optional<Response>> answer_from_headers(
        Request& head, bool chunked, bool over_limit, bool over_client_limit,
        std::shared_ptr<const Principal>& principal);
    /// Runs a route handler on the route pool; its answer.
    net::awaitable<Response> serve_route(const Request& request, const RouteHandler& handler);
    void begin_shutdown();
};

// --- responses.cpp ----------------------------------------------------------------------

/// A complete response with `body` (JSON unless `content_type` says otherwise).
/// RFC 9449 section 8: the server nonce header. On a request it is set only by the MCP
/// endpoint after authentication (a client's own is erased), and make_response copies it.
inline constexpr std::string_view kDpopNonceHeader = "DPoP-Nonce";

Response make_response(const Request& request, unsigned status, std::string body = {},
                       std::string_view content_type = "application/json");
/// A JSON-RPC error object as an HTTP response (id null): for transport-level rejections.
Response make_rpc_error(const Request& request, unsigned status, int code,
                        std::string_view message);
/// Adds CORS headers when the request has an (already validated) Origin.
void add_cors_headers(const Request& request, Response& response);
/// Answers a CORS preflight.
Response make_preflight(const Request& request);
/// The answer to a refused credential check (401, 403, 400 or 503, with its challenge).
Response make_auth_answer(const Request& request, const AuthDecision& decision);
/// Writes a response; false on a write error.
net::awaitable<bool> write_response(Connection& conn, Response response,
                                    std::chrono::milliseconds timeout);

// --- sse_writer.cpp ---------------------------------------------------------------------

/// Delivers `stream` to the client: a JSON response if the stream settled on JSON, else
/// an SSE response (headers in `head`) from event `from_seq` on, until the stream
/// finishes, the server closes it, another reader takes it over, or shutdown. With
/// `take_over` (resumption) a reader still attached is replaced. Returns false when the
/// connection must close.
net::awaitable<bool> deliver_stream(HttpServer::Impl& server, Connection& conn,
                                    const Request& request, const std::shared_ptr<Stream>& stream,
                                    Response head, std::uint64_t from_seq, bool take_over = false);

// --- mcp_endpoint.cpp -------------------------------------------------------------------

/// Serves a POST, GET or DELETE to the endpoint whose header passed answer_from_headers;
/// `principal` is the verified caller (null without auth). False when the connection must
/// close.
net::awaitable<bool> handle_mcp(HttpServer::Impl& server, Connection& conn, Request& request,
                                const std::shared_ptr<const Principal>& principal);

}  // namespace warden::transport::http
