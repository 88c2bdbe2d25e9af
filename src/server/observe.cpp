#include "server/observe.hpp"

#include "observability/hub.hpp"
#include "observability/trace_context.hpp"

#include <warden/definitions.hpp>

#include <boost/json/serialize.hpp>

namespace warden::server {

namespace obs = warden::observability;

namespace {

// A tool name the client sent but the server does not have is not worth more than this
// in an audit line (and never a metric label).
constexpr std::size_t kMaxUnknownName = 128;

std::string_view outcome_of(const MethodResult& result, bool cancelled) {
    if (cancelled) return "cancelled";
    if (std::holds_alternative<RpcError>(result)) return "error";
    const auto& value = std::get<json::value>(result);
    if (const auto* obj = value.if_object())
        if (const auto* is_error = obj->if_contains("isError");
            is_error && is_error->is_bool() && is_error->get_bool())
            return "tool_error";
    return "ok";
}

std::string_view string_field(const json::object* params, std::string_view key) {
    const auto* v = params ? params->if_contains(key) : nullptr;
    return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

}  // namespace

void observe_start(detail::CallState& call, std::string_view method,
                   const boost::json::object* params) {
    call.method_label = obs::Metrics::method_label(method);
    call.started = std::chrono::steady_clock::now();
    const json::object* meta = nullptr;
    if (params)
        if (const auto* m = params->if_contains("_meta"); m && m->is_object())
            meta = &m->get_object();
    // The request's own `_meta` is the MCP-level context (SEP-414); the HTTP headers are the
    // transport's, normally of the same trace.
    if (auto parent = string_field(meta, "traceparent"); !parent.empty())
        if (auto parsed = obs::parse_traceparent(parent)) {
            call.trace = std::move(*parsed);
            call.trace.tracestate = obs::sanitize_tracestate(string_field(meta, "tracestate"));
            return;
        }
    const auto [parent, state] = call.exchange ? call.exchange->trace_headers()
                                               : std::pair<std::string_view, std::string_view>{};
    call.trace = obs::continue_or_start(parent, state);
}

void observe_finish(const detail::CallState& call, const MethodResult& result, bool cancelled) {
    auto* metrics = obs::metrics();
    auto* audit = obs::audit_log();
    if (!metrics && !audit) return;
    const auto outcome = outcome_of(result, cancelled);
    const auto elapsed = std::chrono::steady_clock::now() - call.started;
    // Only a registered tool names a series: clients choose the names they send.
    const std::string_view tool = call.tool ? std::string_view(call.tool->name) : "";
    if (metrics) {
        metrics->count(obs::Series::requests,
                       {call.method_label, call.modern ? "modern" : "legacy", outcome});
        metrics->observe(obs::Series::request_duration, {call.method_label, tool}, elapsed);
    }
    if (!audit || call.method_label != "tools/call") return;
    obs::AuditRecord r;
    r.event = "tool_call";
    r.request_id = json::serialize(call.request_id);
    r.trace_id = call.trace.trace_id;
    if (call.principal) {
        r.issuer = call.principal->issuer;
        r.subject = call.principal->user_id;
        r.client_id = call.principal->client_id;
    } else {
        r.subject = call.user_id;
    }
    std::string name(call.tool ? tool
                               : std::string_view(call.called_name).substr(0, kMaxUnknownName));
    r.operation = "tools/call " + name;
    r.decision = std::string(outcome);
    // Why it failed: a tool the server does not have, else the JSON-RPC error code.
    if (!call.tool)
        r.reason = "unknown_tool";
    else if (const auto* error = std::get_if<RpcError>(&result))
        r.reason = std::to_string(error->code);
    if (call.tool) r.required_scopes = call.tool->required_scopes;
    r.duration = std::chrono::duration_cast<std::chrono::microseconds>(elapsed);
    audit->write(r);
}

}  // namespace warden::server
