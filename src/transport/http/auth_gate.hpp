#pragma once
// The HTTP transport's hook for server-level auth: the resource server plugs in here.
// Without a gate every request is anonymous.

#include <warden/principal.hpp>

#include "transport/http/message.hpp"

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warden::transport::http {

/// The verdict on a request's credentials: a principal, or a challenge to send.
struct AuthDecision {
    std::shared_ptr<const Principal> principal;  ///< set when allowed
    unsigned status = 0;                         ///< 0 when allowed; else 401, 403 or 503
    std::string www_authenticate;                ///< the challenge header value
    std::string body;                            ///< a JSON error body
    std::string dpop_nonce{};  ///< a `DPoP-Nonce` to send (RFC 9449 section 8), also when allowed
    /// Why, as a fixed label for metrics and the audit log ("ok" when allowed; else see
    /// auth::reason_of). Never token contents.
    std::string_view reason = "ok";
};

/// What a 403 challenge names besides the scopes the operation needs.
enum class GrantedScopes {
    /// Also the token's scopes this server knows: MCP 2025-11-25's "recommended approach",
    /// for clients that replace their scope with the challenge's rather than adding to it.
    kept,
    /// Only the needed scopes: MCP 2026-07-28 (SEP-2350), where the client accumulates.
    omitted,
};

class AuthGate {
  public:
    virtual ~AuthGate() = default;
    /// Validates the request's bearer token. Runs on an I/O thread and must not block:
    /// network work (key fetches, introspection) is awaited.
    virtual boost::asio::awaitable<AuthDecision> authenticate(const Request& request) = 0;
    /// The 403 answer when `principal` lacks scopes an operation needs (RFC 6750 §3.1
    /// insufficient_scope); `needed` is every scope the operation needs
    /// (server::AccessDecision::needed), all named in the one challenge.
    virtual AuthDecision insufficient_scope(const Principal& principal,
                                            const std::vector<std::string>& needed,
                                            GrantedScopes granted) = 0;
    /// Answers the gate's own routes (protected resource metadata); nullopt otherwise.
    virtual std::optional<Response> route(const Request& request) = 0;
    /// Waits for the work the gate runs off the I/O threads (called once, when the server
    /// that uses it is going away, while its I/O context still exists).
    virtual void stop() {}
};

}  // namespace warden::transport::http
