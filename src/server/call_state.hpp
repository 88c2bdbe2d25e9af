#pragma once
// The state behind a `Context`: one request being handled.

#include "observability/trace_context.hpp"
#include "server/exchange.hpp"

#include <warden/context.hpp>
#include <warden/definitions.hpp>
#include <warden/principal.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace warden::server {
class Session;
class CallTracker;
class WaitingCalls;
class InputRound;
}  // namespace warden::server

namespace warden::detail {

/// One request being handled, with the context it is handled in. The context comes from
/// the legacy session (2024-11-05 ... 2025-11-25) or from the request's own `_meta`
/// (2026-07-28); handlers see the same `Context` either way.
struct CallState {
    /// The legacy session whose context this is; null for a modern request.
    std::shared_ptr<server::Session> session;
    /// Where notifications/cancelled finds the call (a session, for legacy requests and
    /// modern ones over stdio); null where closing the stream cancels (modern HTTP).
    std::shared_ptr<server::CallTracker> tracker;
    std::shared_ptr<server::Exchange> exchange;
    boost::json::value request_id;
    std::optional<boost::json::value> progress_token;
    std::shared_ptr<const Principal> principal;
    std::string user_id;
    TransportKind transport = TransportKind::http;
    /// Filled by the tool guard (tool-level auth) before the handler runs.
    std::string auth_token;
    std::vector<std::string> auth_scopes;
    std::map<std::string, std::string, std::less<>> secrets;
    std::atomic<bool> cancelled{false};
    /// The handler runs on the thread that received the request (a `non_blocking` tool):
    /// it must not wait for the client, and nothing can cancel it midway.
    bool runs_inline = false;
    std::chrono::milliseconds request_timeout{0};
    /// The session's negotiated version and the client's capabilities, fixed at initialize
    /// and captured when the request arrives, so handlers read them without locking.
    std::string protocol_version;
    std::shared_ptr<const boost::json::object> client_capabilities;
    /// Counts calls waiting on the client (see ServerOptions::max_waiting_calls*).
    std::shared_ptr<server::WaitingCalls> waiting;
    /// Held while something above Context::request (tool-level auth's URL elicitation and
    /// its completion) waits on the client for this call; request() then takes no other.
    std::shared_ptr<void> wait_slot;
    /// 2026-07-28: the context came from the request's `_meta`.
    bool modern = false;
    /// Modern requests: the client's identity and the log level the request asked for
    /// (none: no notifications/message at all).
    std::shared_ptr<const boost::json::object> client_info;
    std::optional<LogLevel> log_level;
    /// Modern requests that may end with an `InputRequiredResult` (tools/call,
    /// prompts/get, resources/read): the answers known so far and the questions this run
    /// asks. Null elsewhere (input calls then answer not_deliverable).
    std::shared_ptr<server::InputRound> input;
    /// Observability (server/observe.hpp): the method's metric label, when the request
    /// arrived, its W3C trace, the registered tool it calls (tools/call), else the name
    /// the client sent for an unknown one (audit only).
    std::string_view method_label;
    std::chrono::steady_clock::time_point started{};
    observability::TraceContext trace;
    std::shared_ptr<const warden::Tool> tool;
    std::string called_name;
};

}  // namespace warden::detail
