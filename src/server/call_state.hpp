#pragma once
// The state behind a `Context`: one request being handled.

#include "server/exchange.hpp"

#include <warden/context.hpp>
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
class WaitingCalls;
}  // namespace warden::server

namespace warden::detail {

struct CallState {
    std::shared_ptr<server::Session> session;
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
};

}  // namespace warden::detail
