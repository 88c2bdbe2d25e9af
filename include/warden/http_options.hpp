#pragma once
// Settings of the Streamable HTTP transport.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace warden {

/// How the HTTP transport listens and what it tolerates. The defaults are safe for a
/// server on loopback; a server on a public address should set `allowed_hosts`.
struct HttpOptions {
    std::string host = "127.0.0.1";
    unsigned short port = 8000;
    /// The MCP endpoint path.
    std::string endpoint = "/mcp";
    /// No sessions: every POST is self-contained (for replicas behind a load balancer).
    bool stateless = false;
    /// Always answer POSTs with application/json, never SSE. Notifications sent while a
    /// request runs are dropped and server-to-client requests are unavailable.
    bool json_response = false;
    /// I/O threads; 0 means one per core (at most 4).
    std::size_t io_threads = 0;

    /// Host header values accepted (host or host:port). Empty: the loopback names when
    /// bound to loopback, else any host (then Origin must match the Host).
    std::vector<std::string> allowed_hosts{};
    /// Origin header values accepted (scheme://host[:port]). Empty: loopback origins when
    /// bound to loopback, else only an Origin equal to the request's own host.
    std::vector<std::string> allowed_origins{};

    std::size_t max_body_bytes = 4 * 1024 * 1024;  ///< larger bodies get 413
    std::size_t max_header_bytes = 16 * 1024;      ///< larger headers get 431
    /// A request's headers and body must arrive within this time (slow clients are dropped).
    std::chrono::milliseconds read_timeout{std::chrono::seconds(30)};
    /// Idle keep-alive connections are closed after this time.
    std::chrono::milliseconds keep_alive_timeout{std::chrono::seconds(60)};
    std::size_t max_connections = 4096;  ///< further connections are refused with 503
    std::size_t max_sessions = 10000;    ///< further initialize requests get 503
    /// Sessions unused for this long are closed.
    std::chrono::milliseconds session_idle_timeout{std::chrono::minutes(30)};
    /// SSE events kept per stream for resumption with Last-Event-ID.
    std::size_t events_per_stream = 256;
    /// Told to clients in `retry:` before the server closes an SSE stream.
    std::chrono::milliseconds sse_retry{std::chrono::seconds(1)};
    /// On SIGINT/SIGTERM, how long in-flight requests may take to finish.
    std::chrono::milliseconds shutdown_grace{std::chrono::seconds(10)};
};

}  // namespace warden
