#pragma once
// What the HTTP transport tells observability: front-door auth decisions (metrics and
// audit lines) and the trace headers a request came with. One call per site; the logic
// lives here.

#include "transport/http/auth_gate.hpp"
#include "transport/http/message.hpp"
#include "transport/http/stream.hpp"

#include <warden/principal.hpp>

#include <boost/json/value.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace warden::transport::http {

/// Records the gate's decision on `request`: warden_auth_decisions_total{result,reason}
/// and an audit line (event "auth"). With the audit log on, a request without a valid
/// `traceparent` is given one, so the call it carries shares the audit line's trace.
void observe_auth(Request& request, const AuthDecision& decision,
                  std::chrono::steady_clock::time_point started);

/// Records a per-operation refusal decided from the body (403 insufficient_scope):
/// `needed` is every scope the operation needs.
void observe_scope_refusal(const Request& request, const boost::json::value& message,
                           const Principal& principal, const std::vector<std::string>& needed);

/// Hands the request's `traceparent`/`tracestate` headers to the stream that answers it.
void carry_trace(const Request& request, Stream& stream);

}  // namespace warden::transport::http
