#pragma once
// Extra GET routes on the HTTP transport (e.g. an OAuth redirect endpoint), in plain
// types so the modules that provide them need no Beast.

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace warden::transport::http {

/// What a route handler sees of a request.
struct RouteRequest {
    std::string method{};  ///< "GET", "HEAD", ...
    std::string path{};    ///< the target's path, without the query
    std::string query{};   ///< the raw query string, without '?'
    std::string cookie{};  ///< the Cookie header field (RFC 6265 §5.4), empty when none
};

/// A route's answer. Sent with `Cache-Control: no-store` and `Referrer-Policy: no-referrer`
/// (redirect endpoints receive codes and states in the URL).
struct RouteResponse {
    unsigned status = 200;
    std::string content_type = "text/html; charset=utf-8";
    std::string body{};
    /// Extra header fields, e.g. Location for a redirect, Set-Cookie.
    std::vector<std::pair<std::string, std::string>> headers{};
};

/// Handles one request. Runs on the HTTP server's small route pool (two threads), never on
/// an I/O thread nor on the core's worker pool, so it may block (e.g. on a token endpoint)
/// and still runs while every worker is busy. Must be thread-safe.
using RouteHandler = std::function<RouteResponse(const RouteRequest&)>;

}  // namespace warden::transport::http
