#pragma once
// The request-centric core: one request, with the context it was given (by a legacy
// session or by its own `_meta`), routed to its method and answered on its exchange.
// Sessions and transports build the context; everything from here on is shared by both
// eras.

#include "protocol/jsonrpc.hpp"
#include "server/call_state.hpp"
#include "server/method_result.hpp"
#include "server/request_meta.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace warden::server {

class ServerCore;

/// Keeps the calls in flight of one client channel so `notifications/cancelled` can find
/// them (a legacy session; the stdio channel in either era). Thread-safe.
class CallTracker {
  public:
    virtual ~CallTracker() = default;
    virtual void track(const std::shared_ptr<detail::CallState>& call) = 0;
    virtual void untrack(const detail::CallState& call) = 0;
};

/// A fresh call for a request with id `id` over `exchange`, its user and timeout filled in
/// from the core; the caller adds the era's context.
std::shared_ptr<detail::CallState> make_call(const ServerCore& core, const json::value& id,
                                             const std::shared_ptr<Exchange>& exchange,
                                             std::shared_ptr<const Principal> principal,
                                             const json::object* params,
                                             std::string_view method = {});

/// Runs a method both eras share (listings, tools/call, resources/read, prompts/get,
/// completion/complete): listings on the calling thread, user code on the worker pool
/// (or inline for a `non_blocking` tool). Unknown methods get -32601. Always finishes the
/// call.
void dispatch(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
              std::string_view method, const json::object* params);

/// Answers the call on its exchange (nothing when it was cancelled) and forgets it. A
/// modern result gets `resultType` and the server's identity in `_meta`.
void finish(const ServerCore& core, const std::shared_ptr<detail::CallState>& call,
            MethodResult result);

/// True for the methods a modern (2026-07-28) request may name. Removed ones
/// (initialize, ping, logging/setLevel, resources/subscribe, ...) are unknown there.
bool is_modern_method(std::string_view method) noexcept;

/// Answers one modern-era request: checks its `_meta` (-32602, -32022), then serves
/// server/discover, subscriptions/listen or a shared method in the context the `_meta`
/// gives. `tracker` may be null.
void handle_modern_request(ServerCore& core, const protocol::Classified& request,
                           const std::shared_ptr<Exchange>& exchange,
                           std::shared_ptr<const Principal> principal,
                           std::shared_ptr<CallTracker> tracker);
/// The same, for a request whose `_meta` the caller has read and checked already (the HTTP
/// transport does, to answer its errors with HTTP 400 before anything runs).
void handle_modern_request(ServerCore& core, const protocol::Classified& request, ModernMeta meta,
                           const std::shared_ptr<Exchange>& exchange,
                           std::shared_ptr<const Principal> principal,
                           std::shared_ptr<CallTracker> tracker);

/// Answers one request of a legacy revision on a server without sessions (`--stateless`):
/// the context is `version` (from MCP-Protocol-Version), no client capabilities and no
/// channel back to the client. initialize is answered (without listChanged/subscribe),
/// ping and logging/setLevel succeed, resources/subscribe is unknown; no session is made.
void handle_legacy_stateless_request(ServerCore& core, const protocol::Classified& request,
                                     std::string version, const std::shared_ptr<Exchange>& exchange,
                                     std::shared_ptr<const Principal> principal);

}  // namespace warden::server
