#pragma once
// The Streamable HTTP transport (MCP 2025-11-25 "Transports"): a Beast listener with one
// io_context on N threads, the MCP endpoint, sessions, SSE streams with resumption,
// DNS-rebinding protection, limits, and graceful shutdown.

#include "server/core.hpp"
#include "transport/http/auth_gate.hpp"
#include "transport/http/route.hpp"

#include <warden/http_options.hpp>

#include <boost/system/error_code.hpp>

#include <memory>
#include <string>

namespace warden::transport::http {

class HttpServer {
  public:
    HttpServer(std::shared_ptr<server::ServerCore> core, HttpOptions options,
               std::shared_ptr<AuthGate> auth = nullptr);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// Serves `handler` at `path` (exact match, any method; the handler decides). Call
    /// before `run()`. With an empty `HttpOptions::endpoint` the server has no MCP
    /// endpoint and serves only its routes (e.g. a loopback OAuth redirect listener).
    void add_route(std::string path, RouteHandler handler);
    /// Binds and listens. Port 0 picks a free port (see `port()`).
    boost::system::error_code listen();
    /// The port actually bound.
    unsigned short port() const;
    /// Serves until `stop()` or, with `handle_signals`, SIGINT/SIGTERM. Blocks. Returns 0
    /// after a clean shutdown.
    int run(bool handle_signals = true);
    /// Starts a graceful shutdown: stop accepting, let requests in flight finish (up to
    /// the grace period), end streams, then stop. Thread-safe; returns at once.
    void stop();

    struct Impl;

  private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace warden::transport::http
