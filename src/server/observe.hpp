#pragma once
// What the core tells observability about a call: its trace and arrival when it starts,
// the requests counter, the latency histogram and (tools/call) an audit line when it is
// answered. One call at each end of a call's life; the logic stays here.

#include "server/call_state.hpp"
#include "server/method_result.hpp"

#include <boost/json/object.hpp>

#include <string_view>

namespace warden::server {

/// Fills the call's method label, arrival time and trace: `traceparent`/`tracestate` from
/// `params._meta` (MCP 2026-07-28, SEP-414; any era), else from the transport (HTTP
/// headers), else a new trace.
void observe_start(detail::CallState& call, std::string_view method,
                   const boost::json::object* params);

/// Records the answer to the call: warden_requests_total{method,era,outcome},
/// warden_request_duration_seconds{method,tool}, and the audit line of a tools/call.
void observe_finish(const detail::CallState& call, const MethodResult& result, bool cancelled);

}  // namespace warden::server
