#include "transport/http/observe.hpp"

#include "observability/hub.hpp"
#include "observability/trace_context.hpp"

#include <boost/json/serialize.hpp>

#include <atomic>
#include <cstdint>

namespace warden::transport::http {

namespace obs = warden::observability;

namespace {

constexpr std::string_view kTraceparent = "traceparent";
constexpr std::string_view kTracestate = "tracestate";
// What of a client-chosen name (tool, resource URI) an audit line keeps.
constexpr std::size_t kMaxName = 128;

std::string_view result_of(const AuthDecision& d) {
    if (d.status == 0) return "allow";
    return d.status == 503 ? "error" : "deny";
}

// The trace of the request's headers; adopt_trace_id gives a request without a valid one a
// new one, which the call it carries then continues.
std::string trace_id_of(const Request& request) {
    auto parsed = obs::parse_traceparent(request[kTraceparent]);
    return parsed ? std::move(parsed->trace_id) : std::string();
}

std::string adopt_trace_id(Request& request) {
    if (auto id = trace_id_of(request); !id.empty()) return id;
    auto fresh = obs::new_trace();
    request.set(kTraceparent, fresh.traceparent());
    request.erase(kTracestate);
    return std::move(fresh.trace_id);
}

std::string operation_of(const Request& request) {
    auto target = request.target();
    return std::string(request.method_string()) + " " +
           std::string(target.substr(0, std::min(target.find('?'), kMaxName)));
}

// "tools/call echo", "resources/read test://x", ...: the operation a body invokes.
std::string operation_of(const boost::json::value& message) {
    const auto* obj = message.if_object();
    if (!obj) return "batch";
    const auto* method = obj->if_contains("method");
    if (!method || !method->is_string()) return "other";
    std::string out(obs::Metrics::method_label(method->get_string()));
    if (const auto* params = obj->if_contains("params"); params && params->is_object()) {
        for (auto key : {"name", "uri"})
            if (const auto* v = params->get_object().if_contains(key); v && v->is_string()) {
                out += ' ';
                out += std::string_view(v->get_string()).substr(0, kMaxName);
                break;
            }
    }
    return out;
}

// A refusal of a request without a verified caller costs its sender nothing, so its audit
// line must not cost the server a disk: at most kRefusalLinesPerSecond such lines a second,
// the rest counted (metrics count them all) and reported in the next line's `suppressed`.
constexpr std::uint32_t kRefusalLinesPerSecond = 100;

class RefusalBudget {
  public:
    // True when the line may be written; `carried` is then how many were left out before it.
    bool take(std::uint64_t& carried) noexcept {
        const auto second = std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::steady_clock::now().time_since_epoch())
                                .count();
        auto window = window_.load(std::memory_order_relaxed);
        if (second != window && window_.compare_exchange_strong(window, second))
            used_.store(0, std::memory_order_relaxed);
        if (used_.fetch_add(1, std::memory_order_relaxed) >= kRefusalLinesPerSecond) {
            suppressed_.fetch_add(1, std::memory_order_relaxed);
            return false;
        }
        carried = suppressed_.exchange(0, std::memory_order_relaxed);
        return true;
    }

  private:
    std::atomic<std::int64_t> window_{0};
    std::atomic<std::uint32_t> used_{0};
    std::atomic<std::uint64_t> suppressed_{0};
};

RefusalBudget refusal_budget;

void fill_principal(obs::AuditRecord& r, const Principal& p) {
    r.issuer = p.issuer;
    r.subject = p.user_id;
    r.client_id = p.client_id;
}

}  // namespace

void observe_auth(Request& request, const AuthDecision& decision,
                  std::chrono::steady_clock::time_point started) {
    const auto result = result_of(decision);
    obs::count(obs::Series::auth_decisions, {result, decision.reason});
    auto* audit = obs::audit_log();
    if (!audit) return;
    obs::AuditRecord r;
    if (!decision.principal && !refusal_budget.take(r.suppressed)) return;
    r.event = "auth";
    r.trace_id = adopt_trace_id(request);
    if (decision.principal) fill_principal(r, *decision.principal);
    r.operation = operation_of(request);
    r.decision = std::string(result);
    r.reason = std::string(decision.reason);
    r.duration = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    audit->write(r);
}

void observe_scope_refusal(const Request& request, const boost::json::value& message,
                           const Principal& principal, const std::vector<std::string>& needed) {
    obs::count(obs::Series::auth_decisions, {"deny", "insufficient_scope"});
    auto* audit = obs::audit_log();
    if (!audit) return;
    obs::AuditRecord r;
    r.event = "auth";
    // observe_auth gave the request a trace already when the audit log is on.
    r.trace_id = trace_id_of(request);
    if (const auto* obj = message.if_object())
        if (const auto* id = obj->if_contains("id")) r.request_id = boost::json::serialize(*id);
    fill_principal(r, principal);
    r.operation = operation_of(message);
    r.decision = "deny";
    r.reason = "insufficient_scope";
    r.required_scopes = needed;
    audit->write(r);
}

void carry_trace(const Request& request, Stream& stream) {
    auto parent = request[kTraceparent];
    if (!parent.empty()) stream.keep_trace_headers(parent, request[kTracestate]);
}

}  // namespace warden::transport::http
