#include "server/dispatch.hpp"

#include "protocol/versions.hpp"
#include "server/core.hpp"
#include "server/input_round.hpp"
#include "server/listener.hpp"
#include "server/methods.hpp"
#include "server/mrtr.hpp"
#include "server/observe.hpp"
#include "server/wire.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>

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

// The task methods of the call's era (they read and write the store: off the I/O threads
// too): tasks/get, tasks/cancel, and tasks/update in 2026-07-28 (the extension),
// tasks/result and tasks/list instead of tasks/update in 2025-11-25 (experimental tasks;
// SEP-2663 removed them).
PooledMethod era_task_method(const detail::CallState& call, std::string_view method) {
    if (call.modern || pr::features_of(call.protocol_version).legacy_tasks) {
        if (method == "tasks/get") return &methods::get_task;
        if (method == "tasks/cancel") return &methods::cancel_task;
    }
    if (call.modern) return method == "tasks/update" ? &methods::update_task : nullptr;
    if (!pr::features_of(call.protocol_version).legacy_tasks) return nullptr;
    if (method == "tasks/result") return &methods::task_result;
    if (method == "tasks/list") return &methods::list_tasks;
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
// The tasks extension adds tasks/get, tasks/update and tasks/cancel (SEP-2663; tasks/result
// and tasks/list are gone: -32601).
constexpr std::array<std::string_view, 13> kModernMethods = {
    "server/discover", "subscriptions/listen",     "tools/list",     "tools/call",
    "resources/list",  "resources/templates/list", "resources/read", "prompts/list",
    "prompts/get",     "completion/complete",      "tasks/get",      "tasks/update",
    "tasks/cancel"};

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

// The JSON-RPC response to a 2026-07-28 request whose result has no `_meta` of its own
// (most): the result says what it is (`resultType`, unless it already does) and the
// server identifies itself in `_meta` ("Per-response protocol fields"). The identity is
// serialized once (ServerCore::identity_json) and spliced in as text, rather than copied
// into every result, serialized and freed again.
std::string modern_response_text(const ServerCore& core, const json::value& id,
                                 const json::object& result) {
    std::string out;
    out.reserve(160 + core.identity_json().size());
    out += R"({"jsonrpc":"2.0","id":)";
    out += json::serialize(id);
    out += R"(,"result":)";
    out += json::serialize(result);
    out.pop_back();  // the result's closing brace: its last members follow
    if (!result.empty()) out += ',';
    if (!result.contains("resultType")) out += R"("resultType":"complete",)";
    out += R"("_meta":{")";
    out += meta_key::server_info;
    out += R"(":)";
    out += core.identity_json();
    out += "}}}";
    return out;
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
    } else if (auto& value = std::get<json::value>(result);
               call->modern && value.is_object() && !value.get_object().contains("_meta")) {
        call->exchange->complete_serialized(
            modern_response_text(core, call->request_id, value.get_object()));
    } else {
        if (call->modern && value.is_object()) {
            // 2026-07-28, a result with a `_meta` of its own: the identity goes into it.
            // (A CreateTaskResult already says "task": tasks extension.)
            auto& obj = value.get_object();
            obj.reserve(obj.size() + 2);  // one growth, not two
            if (!obj.contains("resultType")) obj["resultType"] = "complete";
            auto& meta = obj["_meta"];
            if (!meta.is_object()) meta.emplace_object();
            meta.get_object()[meta_key::server_info] = core.identity();
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
        bool as_task = false;
        if (tool)
            if (auto refusal = methods::tool_task_refusal(core, *call, *tool, params, as_task)) {
                finish(core, call, std::move(*refusal));
                return;
            }
        if (as_task) {
            auto core_ref = core.shared_from_this();
            if (!tool->task_starts_in_handler || !call->modern) {
                // The task starts before the handler: created (durably) on the pool, then
                // answered with its CreateTaskResult while the handler runs. (A 2025-11-25
                // client asked for the task itself, and there are no input rounds to gather
                // answers in first.)
                pooled = [core_ref, call](const json::object* p) {
                    return methods::start_tool_task(*core_ref, call, p);
                };
            } else {
                // The handler runs first and may call Context::continue_as_task(): then the
                // call becomes a task, which runs the handler again.
                call->task_possible = true;
                pooled = [core_ref, call, tool](const json::object* p) {
                    auto direct = methods::call_tool(*core_ref, call, p, tool);
                    if (!call->task_requested) return direct;
                    // The answers of the InputRequiredResult rounds so far carry over into
                    // the task, where the handler's re-run finds them (SEP-2663 "Composition").
                    return methods::start_tool_task(
                        *core_ref, call, p,
                        call->input ? call->input->used_answers() : json::object{});
                };
            }
        }
        if (tool && tool->non_blocking && !pooled) {
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
        if (!pooled) {
            auto core_ref = core.shared_from_this();
            pooled = [core_ref, call, tool](const json::object* p) {
                return methods::call_tool(*core_ref, call, p, tool);
            };
        }
    } else if (auto method_fn = pooled_method(method);
               method_fn || era_task_method(*call, method)) {
        if (!method_fn) method_fn = era_task_method(*call, method);
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
        finish(core, call,
               discover_result(core.info(), core.options(), core.task_runner() != nullptr));
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
        finish(core, call,
               initialize_result(core.info(), pr::negotiate_version(requested->get_string()), false,
                                 core.task_runner() != nullptr));
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
