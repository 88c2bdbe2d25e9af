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
    /// The W3C trace id (32 hex digits) of this request: from `traceparent` in its `_meta`
    /// (SEP-414), else in the HTTP headers, else a new one. Log and audit lines carry it.
    const std::string& trace_id() const;
    /// The `traceparent` that continues this request's trace, for calls the handler makes
    /// (e.g. an outbound HTTP header); `tracestate` as received when it was valid.
    std::string traceparent() const;
    const std::string& tracestate() const;

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

    // Input from the client: sampling, elicitation, roots. In the legacy era each call sends
    // a request to the client and waits for its answer. In MCP 2026-07-28 nothing is sent:
    // a call whose answer is not known yet records its request under `key` and returns
    // ClientRequestError::input_required at once, so the handler can go on and ask its
    // other questions; when it returns, the request ends with an `InputRequiredResult`
    // asking all of them, and the client's retry runs the handler again from the start,
    // where each call now returns its answer. Keep side effects after the last input call.
    // `key` names the request in `inputRequests` (unique within the request; empty: the
    // kind and a count, "elicitation-1", "sampling-2", the same on every run as long as
    // the handler asks in the same order). docs/building-servers.md, "Asking the client".
    // A client that did not declare the capability gets no request: capability_missing
    // (a handler that then fails is answered with -32021 in 2026-07-28).

    /// Asks the client's model for a completion (`sampling/createMessage`); `params` is the
    /// request's params object. Needs the client's `sampling` capability.
    result<json::object> sample(json::object params, std::string_view key = {});
    /// Asks the user for input with a form (`elicitation/create`, form mode).
    result<ElicitResult> elicit(std::string message, json::object requested_schema,
                                std::string_view key = {});
    /// Asks the user to open `url` (URL-mode elicitation, 2025-11-25 and later).
    result<ElicitResult> elicit_url(std::string message, std::string url,
                                    std::string elicitation_id, std::string_view key = {});
    /// Asks the client for its roots (`roots/list`); returns the `roots` array.
    result<json::array> list_roots(std::string_view key = {});

    /// MCP 2026-07-28: what this handler kept with `set_request_state` in the round before
    /// this retry (sealed in the `requestState`, unreadable and unchangeable by the
    /// client); null on a first round and in the legacy era.
    const json::value& request_state() const;
    /// Keeps `state` (any JSON, small) for the next round if this request ends with an
    /// `InputRequiredResult`. By default the previous round's state is kept.
    void set_request_state(json::value state);
    /// Ends this request with an `InputRequiredResult` whatever the handler returns, even
    /// when it asked no question (e.g. "retry later" with its state kept). False, and
    /// nothing happens, in the legacy era and for methods that cannot answer so.
    bool require_input();
    /// Sends any request to the client and waits for its result (or the timeout). Legacy
    /// era only (2026-07-28: not_deliverable; use the calls above).
    result<json::object> request(std::string_view method, json::object params);

    /// How long server-to-client requests wait for an answer.
    void set_request_timeout(std::chrono::milliseconds timeout);

    detail::CallState& state() { return *state_; }

  private:
    std::shared_ptr<detail::CallState> state_{};
};

}  // namespace warden
