#pragma once
// `Context`: what a handler gets besides its arguments — who is calling, logging,
// progress, cancellation, and requests back to the client (sampling, elicitation, roots).

#include <warden/error.hpp>
#include <warden/principal.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warden {

namespace json = boost::json;

/// Log severities of MCP (RFC 5424 syslog levels), lowest first.
enum class LogLevel { debug, info, notice, warning, error, critical, alert, emergency };

/// Parses a level name ("info"); empty when unknown.
std::optional<LogLevel> parse_log_level(std::string_view name) noexcept;
/// The wire name of a level.
std::string_view to_string(LogLevel level) noexcept;

/// The transport a request came over.
enum class TransportKind {
    stdio,  ///< a local client that started this process
    http,   ///< Streamable HTTP (a network client)
};

namespace detail {
struct CallState;
}

/// The user's answer to an elicitation.
struct ElicitResult {
    std::string action{};    ///< "accept", "decline" or "cancel"
    json::object content{};  ///< the submitted form values when accepted
};

/// Handed to every handler for the duration of one request. Thread-safe: a handler may
/// pass it to threads it starts, as long as they finish before the handler returns.
class Context {
  public:
    explicit Context(std::shared_ptr<detail::CallState> state);
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    /// The JSON-RPC id of the request being handled.
    const json::value& request_id() const;
    /// The session id; empty over stdio and in stateless HTTP mode.
    const std::string& session_id() const;
    /// The protocol version of this request (negotiated by the session, or named in the
    /// request's `_meta` in 2026-07-28).
    const std::string& protocol_version() const;
    /// The verified caller, or nullptr when server-level auth is off (stdio, open HTTP).
    const Principal* principal() const;
    /// The user this call acts for: the principal's `sub`, else the configured local user.
    const std::string& user_id() const;
    /// The transport this request came over.
    TransportKind transport() const;
    /// The downstream access token of the tool's `requires_auth` (tool-level auth);
    /// empty when the tool declares none.
    const std::string& auth_token() const;
    /// The scopes granted to `auth_token()`.
    const std::vector<std::string>& auth_scopes() const;
    /// The value of a secret the tool declared in `requires_secrets`; nullptr for any
    /// other name (a tool sees exactly the secrets it declared).
    const std::string* secret(std::string_view name) const;
    /// The capabilities the client declared: at initialize (legacy), or in this request's
    /// `_meta` (2026-07-28).
    const json::object& client_capabilities() const;
    /// The client's `clientInfo` (name, version), from initialize or this request's `_meta`;
    /// empty when the client did not say.
    const json::object& client_info() const;
    /// True when this request is of MCP 2026-07-28 (its context came from its own `_meta`).
    bool modern() const noexcept;
    /// The id of the task this handler runs as; empty when it answers its request directly.
    const std::string& task_id() const;
    /// For a tool with `task_starts_in_handler`: true when the handler should go on (it
    /// runs as a task now, or the client does not support tasks, so the work is done
    /// directly); false when the handler should return at once: the call becomes a task
    /// and the handler runs again inside it, from the start, with the answers gathered so
    /// far (its return value this time is discarded). See docs/building-servers.md, "Tasks".
    bool continue_as_task();

    /// Sends `notifications/message` if the client's log level lets `level` through.
    void log(LogLevel level, std::string_view message, std::string_view logger = {});
    void debug(std::string_view message) { log(LogLevel::debug, message); }
    void info(std::string_view message) { log(LogLevel::info, message); }
    void warning(std::string_view message) { log(LogLevel::warning, message); }
    void error(std::string_view message) { log(LogLevel::error, message); }
    /// Sends structured log data (any JSON value) at `level`.
    void log_data(LogLevel level, json::value data, std::string_view logger = {});

    /// Sends `notifications/progress` when the request carried a progress token.
    void progress(double progress, std::optional<double> total = {}, std::string_view message = {});
    /// Closes the HTTP SSE stream carrying this request's messages; the client reconnects
    /// with Last-Event-ID and gets what was sent meanwhile (SSE polling). No-op elsewhere.
    void close_sse_stream();
    /// True once the client cancelled this request (or the session ended). Long-running
    /// handlers should check it and return early.
    bool cancelled() const noexcept;

    /// Asks the client's model for a completion (`sampling/createMessage`); `params` is the
    /// request's params object. Needs the client's `sampling` capability.
    result<json::object> sample(json::object params);
    /// Asks the user for input with a form (`elicitation/create`, form mode).
    result<ElicitResult> elicit(std::string message, json::object requested_schema);
    /// Asks the user to open `url` (URL-mode elicitation, 2025-11-25).
    result<ElicitResult> elicit_url(std::string message, std::string url,
                                    std::string elicitation_id);
    /// Asks the client for its roots (`roots/list`); returns the `roots` array.
    result<json::array> list_roots();
    /// Sends any request to the client and waits for its result (or the timeout).
    result<json::object> request(std::string_view method, json::object params);

    /// How long server-to-client requests wait for an answer.
    void set_request_timeout(std::chrono::milliseconds timeout);

    detail::CallState& state() { return *state_; }

  private:
    std::shared_ptr<detail::CallState> state_{};
};

}  // namespace warden
