#pragma once
// The transport's side of one incoming message: where replies and related messages go.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <warden/context.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace warden::detail {
struct CallState;
}

namespace warden::server {

namespace json = boost::json;

/// Implemented by transports. For stdio every exchange writes to stdout; for HTTP an
/// exchange is one POST, answered with JSON or an SSE stream. All calls are thread-safe.
class Exchange {
  public:
    virtual ~Exchange() = default;
    /// A notification or server-to-client request related to the request being handled
    /// (progress, logging, sampling, elicitation).
    virtual void send(json::object message) = 0;
    /// The final response for the exchange (a response object, or an array for a batch).
    /// Called at most once; nothing is sent after it.
    virtual void complete(json::value response) = 0;
    /// The same, for a response already serialized (a JSON-RPC result, never an error:
    /// the core splices fixed parts into a result's text instead of copying them into
    /// every result). By default it is parsed and given to complete(); transports that
    /// write text override it.
    virtual void complete_serialized(std::string response);
    /// False when the client cannot answer server-to-client requests sent here.
    virtual bool can_request() const { return true; }
    /// Ends the delivery channel now while the request goes on; the client reconnects and
    /// resumes (SSE polling, SEP-1699). A no-op where there is no such channel.
    virtual void close_stream() {}
    /// Which transport carried the message. Unknown transports count as network ones
    /// (fail closed: tools that need a user's credentials refuse anonymous network calls).
    virtual TransportKind transport() const { return TransportKind::http; }
    /// The request this exchange answers, for transports where losing the channel cancels
    /// it (2026-07-28 Streamable HTTP: closing the response stream is the cancellation).
    virtual void bind_call(std::weak_ptr<detail::CallState>) {}
    /// The W3C `traceparent` and `tracestate` the transport received with the message
    /// (HTTP headers); empty where the transport has none.
    virtual std::pair<std::string_view, std::string_view> trace_headers() const { return {}; }
};

}  // namespace warden::server
