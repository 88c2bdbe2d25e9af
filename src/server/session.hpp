#pragma once
// The legacy era's (2024-11-05 ... 2025-11-25) holder of a client's context: lifecycle,
// negotiated version, capabilities, log level, subscriptions, and requests in flight both
// ways. It builds each request's context and hands the request to the shared core
// (server/dispatch); a modern request arriving on the same channel (stdio) is handed over
// with the context its own `_meta` gives. Transports feed it messages.

#include "protocol/jsonrpc.hpp"
#include "server/call_state.hpp"
#include "server/dispatch.hpp"
#include "server/exchange.hpp"
#include "server/method_result.hpp"

#include <warden/context.hpp>
#include <warden/principal.hpp>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <variant>

namespace warden::server {

class ServerCore;

/// An answer the client owes us (a server-to-client request in flight).
struct PendingRequest {
    std::mutex mutex;
    std::condition_variable done_cv;
    bool done = false;
    bool is_error = false;
    json::object payload;  ///< the result, or the error object
};

class Session : public CallTracker, public std::enable_shared_from_this<Session> {
  public:
    enum class Outcome {
        accepted,    ///< notifications and responses only: nothing will be sent back
        responding,  ///< the exchange will be completed with a response
    };

    Session(std::weak_ptr<ServerCore> core, std::string id);

    /// Handles one parsed message or a batch. Never throws.
    Outcome handle(const json::value& message, const std::shared_ptr<Exchange>& exchange,
                   std::shared_ptr<const Principal> principal = nullptr);
    /// Parses `text` first; a syntax error is answered with -32700 on the exchange.
    Outcome handle_text(std::string_view text, const std::shared_ptr<Exchange>& exchange,
                        std::shared_ptr<const Principal> principal = nullptr);

    /// Where server-initiated messages unrelated to a request go (list_changed, updated).
    void set_standalone(std::shared_ptr<Exchange> exchange);
    /// Sends to the standalone channel if any (and if the session is initialized).
    void send_standalone(json::object message);

    /// Ends the session: cancels calls in flight and fails pending client requests.
    void close();
    /// The client can send nothing more: fails pending client requests, lets calls finish.
    void end_input();
    bool closed() const;

    /// For stateless HTTP: treat the session as initialized at `version` without a handshake.
    void assume_initialized(std::string version);
    /// Legacy stateless HTTP: no channel can carry server-to-client messages, so
    /// resources/subscribe is refused and Context requests say why they cannot be sent.
    void set_stateless(bool stateless);
    bool stateless() const;

    // CallTracker
    void track(const std::shared_ptr<detail::CallState>& call) override;
    void untrack(const detail::CallState& call) override;

    const std::string& id() const { return id_; }
    std::string protocol_version() const;
    bool initialized() const;
    /// Immutable once initialize has been answered; shared, never copied per request.
    std::shared_ptr<const json::object> client_capabilities() const;
    /// The client's clientInfo from initialize (empty before).
    const json::object& client_info() const;
    bool is_subscribed(std::string_view uri) const;
    bool log_enabled(LogLevel level) const;

    /// Sends a request to the client through `exchange` and registers the wait.
    /// Returns the pending answer, or null when the session is closed.
    std::shared_ptr<PendingRequest> send_client_request(Exchange& exchange, std::string_view method,
                                                        json::object params, std::string& key_out);
    void forget_client_request(const std::string& key);

    std::shared_ptr<ServerCore> core() const { return core_.lock(); }

  private:
    void handle_one(const json::value& message, const std::shared_ptr<Exchange>& exchange,
                    const std::shared_ptr<const Principal>& principal, bool& responding);
    void handle_notification(std::string_view method, const json::object* params);
    void handle_client_response(const protocol::Classified& message, const json::value& raw);
    void handle_request(const protocol::Classified& message,
                        const std::shared_ptr<Exchange>& exchange,
                        const std::shared_ptr<const Principal>& principal);

    MethodResult initialize(const json::object& params);
    MethodResult set_log_level(const json::object& params);
    MethodResult subscribe(const json::object& params, bool on);

    std::weak_ptr<ServerCore> core_;
    const std::string id_;

    mutable std::mutex mutex_;
    bool initialize_seen_ = false;
    bool closed_ = false;
    bool input_ended_ = false;
    bool stateless_ = false;
    std::string version_;
    std::shared_ptr<const json::object> client_capabilities_ =
        std::make_shared<const json::object>();
    json::object client_info_;
    LogLevel log_level_ = LogLevel::debug;
    std::set<std::string, std::less<>> subscriptions_;
    std::map<std::string, std::shared_ptr<detail::CallState>> in_flight_;
    std::map<std::string, std::shared_ptr<PendingRequest>> pending_;
    std::uint64_t next_request_id_ = 1;
    std::shared_ptr<Exchange> standalone_;
};

}  // namespace warden::server
