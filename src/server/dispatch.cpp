#include "server/dispatch.hpp"

#include "protocol/versions.hpp"
#include "server/core.hpp"
#include "server/listener.hpp"
#include "server/methods.hpp"
#include "server/mrtr.hpp"
#include "server/observe.hpp"
#include "server/wire.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <functional>

namespace warden::server {

namespace pr = warden::protocol;

namespace {

// Methods whose handlers run user code go to the worker pool; the rest are answered from
// the registry on the calling thread. (tools/call is dispatched on its own: its tool may
// run inline.)
using PooledMethod = MethodResult (*)(ServerCore&, const std::shared_ptr<detail::CallState>&,
                                      const json::object*);
PooledMethod pooled_method(std::string_view method) {
    if (method == "resources/read") return &methods::read_resource;
    if (method == "prompts/get") return &methods::get_prompt;
    if (method == "completion/complete") return &methods::complete;
    return nullptr;
}

// A method that throws answers with an internal error instead of taking the server down.
template <class F>
MethodResult guarded(F&& method) {
    try {
        return method();
    } catch (const std::exception& e) {
        spdlog::error("handler failed: {}", e.what());
        return RpcError{pr::error_code::internal_error, std::string("Internal error: ") + e.what()};
    }
}

// MCP 2026-07-28 lists these; everything else (initialize, ping, logging/setLevel,
// resources/subscribe, resources/unsubscribe, ...) is unknown in the modern era.
constexpr std::array<std::string_view, 10> kModernMethods = {
    "server/discover", "subscriptions/listen",     "tools/list",     "tools/call",
    "resources/list",  "resources/templates/list", "resources/read", "prompts/list",
    "prompts/get",     "completion/complete"};

// MissingRequiredClientCapabilityError: data.requiredCapabilities is a ClientCapabilities
// object naming what is missing.
std::optional<RpcError> missing_capabilities(const Tool& tool, const json::object& declared) {
    json::object missing;
    for (const auto& name : tool.required_client_capabilities)
        if (const auto* v = declared.if_contains(name); !v || !v->is_object())
            missing[name] = json::object{};
    if (missing.empty()) return std::nullopt;
    std::string message = "Missing required client capability:";
    for (const auto& kv : missing) message += " " + std::string(kv.key());
    return RpcError{pr::error_code::missing_client_capability, std::move(message),
                    json::object{{"requiredCapabilities", std::move(missing)}}};
}

// 2026-07-28 requests of the methods that may need the client's input run as a round of a
// multi round-trip request (server/mrtr.hpp); everything else runs as it is.
template <class F>
MethodResult with_input(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                        std::string_view method, const json::object* params, F&& run) {
    if (!call->modern || !supports_input_required(method)) return run();
    return run_with_input(core, call, method, params, std::forward<F>(run));
}

}  // namespace

bool is_modern_method(std::string_view method) noexcept {
    for (auto m : kModernMethods)
        if (m == method) return true;
    return false;
}

std::shared_ptr<detail::CallState> make_call(const ServerCore& core, const json::value& id,
                                             const std::shared_ptr<Exchange>& exchange,
                                             std::shared_ptr<const Principal> principal,
                                             const json::object* params, std::string_view method) {
    auto call = std::make_shared<detail::CallState>();
    call->exchange = exchange;
    call->request_id = id;
    call->transport = exchange->transport();
    call->user_id = principal ? principal->user_id : core.local_user_id();
    call->principal = std::move(principal);
    call->request_timeout = core.options().client_request_timeout;
    call->waiting = core.waiting_calls();
    if (params)
        if (const auto* meta = params->if_contains("_meta"); meta && meta->is_object())
            if (const auto* token = meta->get_object().if_contains("progressToken"))
                call->progress_token = *token;
    observe_start(*call, method, params);
    return call;
}

void finish(const ServerCore& core, const std::shared_ptr<detail::CallState>& call,
            MethodResult result) {
    bool cancelled = call->cancelled.load();
    observe_finish(*call, result, cancelled);
    if (call->tracker && !call->runs_inline) call->tracker->untrack(*call);
    // MCP cancellation: the receiver should not answer a cancelled request.
    if (cancelled) {
        call->exchange->complete(nullptr);
    } else if (auto* error = std::get_if<RpcError>(&result)) {
        call->exchange->complete(
            pr::make_error(call->request_id, error->code, error->message, error->data));
    } else {
        auto& value = std::get<json::value>(result);
        if (call->modern && value.is_object()) {
            // 2026-07-28: every result says what it is, and the server identifies itself.
            auto& obj = value.get_object();
            if (!obj.contains("resultType")) obj["resultType"] = "complete";
            auto& meta = obj["_meta"];
            if (!meta.is_object()) meta = json::object{};
            meta.get_object()[meta_key::server_info] = server_identity(core.info());
        }
        call->exchange->complete(pr::make_result(call->request_id, std::move(value)));
    }
    // Release the session reference held by the call before the exchange goes away.
    call->session.reset();
    call->tracker.reset();
}

void dispatch(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
              std::string_view method, const json::object* params) {
    static const json::object kEmpty;
    observability::TraceScope trace_scope(call->trace.trace_id);
    // What runs on the worker pool, given the job's copy of the params.
    std::function<MethodResult(const json::object*)> pooled;
    if (method == "tools/call") {
        auto tool = methods::called_tool(core, params);
        call->tool = tool;
        if (!tool && params)
            if (const auto* name = params->if_contains("name"); name && name->is_string())
                call->called_name = std::string(name->get_string().subview(0, 128));
        if (tool && call->modern)
            if (auto missing = missing_capabilities(*tool, *call->client_capabilities)) {
                finish(core, call, std::move(*missing));
                return;
            }
        if (tool && tool->non_blocking) {
            // Declared quick and non-waiting: answer on this thread, sparing the two thread
            // hand-offs of the pool (most of a small call's cost). Not tracked: it is over
            // before a cancellation could be read.
            call->runs_inline = true;
            finish(core, call, guarded([&] {
                       return with_input(core, call, method, params, [&] {
                           return methods::call_tool(core, call, params, tool);
                       });
                   }));
            return;
        }
        auto core_ref = core.shared_from_this();
        pooled = [core_ref, call, tool](const json::object* p) {
            return methods::call_tool(*core_ref, call, p, tool);
        };
    } else if (auto method_fn = pooled_method(method)) {
        auto core_ref = core.shared_from_this();
        pooled = [core_ref, call, method_fn](const json::object* p) {
            return method_fn(*core_ref, call, p);
        };
    }
    if (pooled) {
        if (call->tracker) call->tracker->track(call);
        // The message may not outlive this call (stdio, batches): the job keeps a copy.
        core.post([core_ref = core.shared_from_this(), call, pooled = std::move(pooled),
                   params = params ? *params : kEmpty, method = std::string(method)] {
            observability::TraceScope job_trace(call->trace.trace_id);
            finish(*core_ref, call, guarded([&] {
                return with_input(*core_ref, call, method, &params,
                                  [&] { return pooled(&params); });
            }));
        });
        return;
    }

    MethodResult result;
    if (method == "tools/list")
        result = methods::list_tools(core, *call, params);
    else if (method == "resources/list")
        result = methods::list_resources(core, *call, params);
    else if (method == "resources/templates/list")
        result = methods::list_resource_templates(core, *call, params);
    else if (method == "prompts/list")
        result = methods::list_prompts(core, *call, params);
    else
        result =
            RpcError{pr::error_code::method_not_found, "Method not found: " + std::string(method)};
    finish(core, call, std::move(result));
}

void handle_modern_request(ServerCore& core, const pr::Classified& request,
                           const std::shared_ptr<Exchange>& exchange,
                           std::shared_ptr<const Principal> principal,
                           std::shared_ptr<CallTracker> tracker) {
    auto meta = read_modern_meta(request.params);
    if (auto* error = std::get_if<RpcError>(&meta)) {
        auto call = make_call(core, *request.id, exchange, std::move(principal), request.params,
                              request.method);
        call->modern = true;
        finish(core, call, std::move(*error));
        return;
    }
    handle_modern_request(core, request, std::move(std::get<ModernMeta>(meta)), exchange,
                          std::move(principal), std::move(tracker));
}

void handle_modern_request(ServerCore& core, const pr::Classified& request, ModernMeta meta,
                           const std::shared_ptr<Exchange>& exchange,
                           std::shared_ptr<const Principal> principal,
                           std::shared_ptr<CallTracker> tracker) {
    auto call = make_call(core, *request.id, exchange, std::move(principal), request.params,
                          request.method);
    call->modern = true;
    call->tracker = std::move(tracker);
    exchange->bind_call(call);
    call->protocol_version = std::move(meta.protocol_version);
    call->client_capabilities = std::move(meta.client_capabilities);
    call->client_info = std::move(meta.client_info);
    call->log_level = meta.log_level;

    const std::string_view method = request.method;
    if (!is_modern_method(method)) {
        finish(core, call,
               RpcError{pr::error_code::method_not_found,
                        "Method not found: " + std::string(method) + " (not part of MCP " +
                            call->protocol_version + ")"});
        return;
    }
    if (method == "server/discover") {
        finish(core, call, discover_result(core.info(), core.options()));
        return;
    }
    if (method == "subscriptions/listen") {
        start_listening(core, call, request.params);
        return;
    }
    dispatch(core, call, method, request.params);
}

void handle_legacy_stateless_request(ServerCore& core, const pr::Classified& request,
                                     std::string version, const std::shared_ptr<Exchange>& exchange,
                                     std::shared_ptr<const Principal> principal) {
    static const auto kNoCapabilities = std::make_shared<const json::object>();
    auto call = make_call(core, *request.id, exchange, std::move(principal), request.params,
                          request.method);
    call->protocol_version = std::move(version);
    call->client_capabilities = kNoCapabilities;
    const std::string_view method = request.method;
    if (method == "initialize") {
        const auto* requested =
            request.params ? request.params->if_contains("protocolVersion") : nullptr;
        if (!requested || !requested->is_string()) {
            finish(core, call,
                   RpcError{pr::error_code::invalid_params,
                            "Invalid params: protocolVersion must be a string"});
            return;
        }
        finish(
            core, call,
            initialize_result(core.info(), pr::negotiate_version(requested->get_string()), false));
        return;
    }
    // Nothing outlives the request, so a log level has nothing to apply to.
    if (method == "ping" || method == "logging/setLevel") {
        finish(core, call, json::object{});
        return;
    }
    if (method == "resources/subscribe" || method == "resources/unsubscribe" ||
        method == "server/discover" || method == "subscriptions/listen") {
        finish(core, call,
               RpcError{pr::error_code::method_not_found,
                        "Method not found: " + std::string(method) +
                            (method.starts_with("resources/")
                                 ? " needs a session; this server is stateless, so no "
                                   "notification could ever be delivered"
                                 : " (MCP 2026-07-28 only)")});
        return;
    }
    dispatch(core, call, method, request.params);
}

}  // namespace warden::server
