#pragma once
// Settings of the Streamable HTTP transport.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace warden {

/// How the HTTP transport listens and what it tolerates. The defaults are safe for a
/// server on loopback. A server bound elsewhere must set `allowed_hosts` unless
/// server-level auth is on (App refuses to start otherwise: DNS-rebinding protection).
struct HttpOptions {
    std::string host = "127.0.0.1";
    unsigned short port = 8000;
    /// The MCP endpoint path.
    std::string endpoint = "/mcp";
    /// No sessions: every POST is self-contained (for replicas behind a load balancer).
    bool stateless = false;
    /// This replica's name among several behind a load balancer (1-32 of A-Z a-z 0-9 _ -;
    /// `--replica-id`, $WARDEN_REPLICA_ID). When set, legacy session ids start with it and
    /// a dot (`b.3f9c...`), so the balancer can route a session's requests to the replica
    /// that holds it (see docs/scaling.md and deploy/nginx.conf). Empty: plain ids.
    std::string replica_id{};
    /// Always answer POSTs with application/json, never SSE. Notifications sent while a
    /// request runs are dropped and server-to-client requests are unavailable.
    bool json_response = false;
    /// I/O threads; 0 means one per core (at most 4).
    std::size_t io_threads = 0;

    /// Host header values accepted (host or host:port). Empty: the loopback names when
    /// bound to loopback (IPv4-mapped loopback included), else any host (then Origin must
    /// match the Host); the latter only with server-level auth.
    std::vector<std::string> allowed_hosts{};
    /// Origin header values accepted (scheme://host[:port]). Empty: loopback origins when
    /// bound to loopback, else only an Origin equal to the request's own host.
    std::vector<std::string> allowed_origins{};

    /// Larger bodies get 413. A chunked body's framing (chunk-size lines, extensions,
    /// trailer) counts too: it may add at most `max_header_bytes`, and no one chunk line or
    /// the trailer may be longer than that.
    std::size_t max_body_bytes = 4 * 1024 * 1024;
    std::size_t max_header_bytes = 16 * 1024;  ///< larger headers get 431
    /// A request's headers and body must arrive within this time (slow clients are dropped).
    std::chrono::milliseconds read_timeout{std::chrono::seconds(30)};
    /// Idle keep-alive connections are closed after this time.
    std::chrono::milliseconds keep_alive_timeout{std::chrono::seconds(60)};
    std::size_t max_connections = 4096;  ///< further connections are refused with 503
    /// Connections from one client address (loopback included); further ones get 503.
    /// Behind a reverse proxy every client has the proxy's address: raise it there.
    std::size_t max_connections_per_client = 256;
    std::size_t max_sessions = 10000;  ///< further initialize requests get 503
    /// Sessions one principal (issuer + subject) may hold; its further initialize gets 429.
    /// Without server-level auth every client is anonymous and only `max_sessions` applies.
    std::size_t max_sessions_per_principal = 100;
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
