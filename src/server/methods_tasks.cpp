// tools/call as a task, and the tasks/* methods: the tasks extension
// (`io.modelcontextprotocol/tasks`, SEP-2663) in 2026-07-28, the experimental tasks of
// 2025-11-25 before it. Every operation is bound to the caller (tasks::owner_of): another
// caller's task id answers exactly like an unknown one.
#include "protocol/versions.hpp"
#include "server/methods.hpp"
#include "server/task_runner.hpp"
#include "server/waiting_calls.hpp"

#include <boost/json/serialize.hpp>

namespace warden::server::methods {

namespace pr = warden::protocol;

namespace {

RpcError task_error(boost::system::error_code ec) {
    auto e = tasks::rpc_error(ec);
    return RpcError{static_cast<int>(e["code"].as_int64()), std::string(e["message"].as_string())};
}

// SEP-2663 "Protocol Errors": a client that did not declare the extension gets -32021
// for tasks/get, tasks/update and tasks/cancel.
RpcError missing_tasks_extension(std::string_view what) {
    return RpcError{
        pr::error_code::missing_client_capability,
        "Missing required client capability: extensions." + std::string(kTasksExtension) + " (" +
            std::string(what) + ")",
        json::object{{"requiredCapabilities",
                      {{"extensions", {{std::string(kTasksExtension), json::object{}}}}}}}};
}

const json::string* task_id_of(const json::object* params) {
    const auto* id = params ? params->if_contains("taskId") : nullptr;
    return id && id->is_string() ? &id->get_string() : nullptr;
}

// The 2025-11-25 Task: `ttl` and `pollInterval` where SEP-2663 says `ttlMs` and
// `pollIntervalMs`, and no inlined result, error or input requests.
json::object to_legacy_wire(const tasks::Task& t) {
    json::object o{{"taskId", t.id}, {"status", tasks::to_string(t.status)}};
    if (!t.status_message.empty()) o["statusMessage"] = t.status_message;
    o["createdAt"] = tasks::iso8601(t.created_at);
    o["lastUpdatedAt"] = tasks::iso8601(t.updated_at);
    if (t.ttl)
        o["ttl"] = t.ttl->count();
    else
        o["ttl"] = nullptr;
    if (t.poll_interval) o["pollInterval"] = t.poll_interval->count();
    return o;
}

// The extension's CreateTaskResult: the task itself, flat (`resultType: "task"` makes it
// one); nothing of the result, error or input requests, which live on tasks/get.
json::object create_task_result(const tasks::Task& t, bool modern) {
    if (!modern) return json::object{{"task", to_legacy_wire(t)}};
    auto o = tasks::to_wire(t);
    for (auto key : {"result", "error", "inputRequests"}) o.erase(key);
    o["resultType"] = "task";
    return o;
}

TaskRunner* runner_or_null(ServerCore& core) {
    return core.task_runner().get();
}

}  // namespace

std::optional<MethodResult> tool_task_refusal(ServerCore& core, const detail::CallState& call,
                                              const Tool& tool, const json::object* params,
                                              bool& as_task) {
    as_task = false;
    if (tool.task_support == TaskSupport::forbidden || !runner_or_null(core)) return std::nullopt;
    if (call.modern) {
        if (declares_tasks_extension(*call.client_capabilities)) {
            as_task = true;
            return std::nullopt;
        }
        // SEP-2663: a request the server can only serve as a task, from a client that did
        // not declare the extension.
        if (tool.task_support == TaskSupport::required)
            return missing_tasks_extension("tool '" + tool.name + "' runs only as a task");
        return std::nullopt;
    }
    if (!pr::features_of(call.protocol_version).legacy_tasks) return std::nullopt;
    const auto* hint = params ? params->if_contains("task") : nullptr;
    if (hint && hint->is_object()) {
        as_task = true;
        return std::nullopt;
    }
    // 2025-11-25 "Tool-Level Negotiation": a required tool called without `task` is -32601.
    if (tool.task_support == TaskSupport::required)
        return RpcError{pr::error_code::method_not_found,
                        "Tool '" + tool.name + "' must be called as a task (params.task)"};
    return std::nullopt;
}

MethodResult start_tool_task(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                             const json::object* params, json::object answers) {
    auto* runner = runner_or_null(core);
    if (!runner || !params) return RpcError{pr::error_code::internal_error, "Tasks are not on"};
    std::optional<tasks::Millis> ttl;
    if (!call->modern)
        if (const auto* hint = params->if_contains("task"); hint && hint->is_object())
            if (const auto* t = hint->get_object().if_contains("ttl"); t && t->is_number()) {
                boost::system::error_code ec;
                auto ms = t->to_number<std::int64_t>(ec);
                if (!ec && ms > 0) ttl = tasks::Millis(ms);
            }
    auto task = runner->start(core, *call, *params, ttl, std::move(answers));
    if (!task) return task_error(task.error());
    return create_task_result(*task, call->modern);
}

MethodResult get_task(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                      const json::object* params) {
    auto* runner = runner_or_null(core);
    if (call->modern && !declares_tasks_extension(*call->client_capabilities))
        return missing_tasks_extension("tasks/get");
    const auto* id = task_id_of(params);
    if (!id)
        return RpcError{pr::error_code::invalid_params, "Invalid params: taskId must be a string"};
    if (!runner) return task_error(tasks::Error::not_found);
    auto task =
        runner->store().get(*id, tasks::owner_of(call->principal.get()), tasks::Clock::now());
    if (!task) return task_error(task.error());
    return call->modern ? tasks::to_wire(*task) : to_legacy_wire(*task);
}

MethodResult update_task(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                         const json::object* params) {
    auto* runner = runner_or_null(core);
    if (!declares_tasks_extension(*call->client_capabilities))
        return missing_tasks_extension("tasks/update");
    const auto* id = task_id_of(params);
    if (!id)
        return RpcError{pr::error_code::invalid_params, "Invalid params: taskId must be a string"};
    const auto* responses = params->if_contains("inputResponses");
    if (!responses || !responses->is_object())
        return RpcError{pr::error_code::invalid_params,
                        "Invalid params: inputResponses must be an object"};
    if (!runner) return task_error(tasks::Error::not_found);
    auto owner = tasks::owner_of(call->principal.get());
    auto outcome =
        runner->store().submit_input(*id, owner, responses->get_object(), tasks::Clock::now());
    if (!outcome) return task_error(outcome.error());
    if (outcome->resumed) {
        // The last outstanding answer: run the handler again with every answer so far.
        auto task = runner->store().get(*id, owner, tasks::Clock::now());
        if (task) {
            core.notify_task(*task);
            runner->resume(core, *task, caller_of(*call));
        }
    }
    return json::object{};
}

MethodResult cancel_task(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                         const json::object* params) {
    auto* runner = runner_or_null(core);
    if (call->modern && !declares_tasks_extension(*call->client_capabilities))
        return missing_tasks_extension("tasks/cancel");
    const auto* id = task_id_of(params);
    if (!id)
        return RpcError{pr::error_code::invalid_params, "Invalid params: taskId must be a string"};
    if (!runner) return task_error(tasks::Error::not_found);
    auto owner = tasks::owner_of(call->principal.get());
    auto outcome = runner->store().request_cancel(*id, owner, tasks::Clock::now());
    if (!outcome) return task_error(outcome.error());
    if (*outcome == tasks::CancelOutcome::requested) runner->cancel_running(*id);
    if (*outcome == tasks::CancelOutcome::cancelled)
        if (auto task = runner->store().get(*id, owner, tasks::Clock::now()))
            core.notify_task(*task);
    // SEP-2663: an empty acknowledgement, also for a task that had finished.
    if (call->modern) return json::object{};
    // 2025-11-25: a terminal task cannot be cancelled (-32602); otherwise the task as it is.
    auto task = runner->store().get(*id, owner, tasks::Clock::now());
    if (!task) return task_error(task.error());
    if (*outcome == tasks::CancelOutcome::already_terminal)
        return RpcError{pr::error_code::invalid_params,
                        "Cannot cancel task: already in terminal status '" +
                            std::string(tasks::to_string(task->status)) + "'"};
    return to_legacy_wire(*task);
}

MethodResult task_result(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                         const json::object* params) {
    auto* runner = runner_or_null(core);
    const auto* id = task_id_of(params);
    if (!id)
        return RpcError{pr::error_code::invalid_params, "Invalid params: taskId must be a string"};
    if (!runner) return task_error(tasks::Error::not_found);
    auto owner = tasks::owner_of(call->principal.get());
    auto task = runner->store().get(*id, owner, tasks::Clock::now());
    if (!task) return task_error(task.error());
    if (!tasks::is_terminal(task->status)) {
        // 2025-11-25: tasks/result blocks until the task is terminal. The wait holds a
        // worker, so it counts like a wait on the client (ServerOptions::max_waiting_calls*).
        auto slot = enter_wait(*call);
        if (!slot)
            return RpcError{pr::error_code::internal_error,
                            "Too many requests are waiting; poll tasks/get instead"};
        task = runner->wait_terminal(
            *id, owner, std::chrono::steady_clock::now() + call->request_timeout, call->cancelled);
        if (!task) return task_error(task.error());
        if (!tasks::is_terminal(task->status))
            return RpcError{pr::error_code::internal_error,
                            "The task is still " + std::string(tasks::to_string(task->status)) +
                                "; poll tasks/get and ask again"};
    }
    json::object related{{"io.modelcontextprotocol/related-task", {{"taskId", task->id}}}};
    switch (task->status) {
        case tasks::Status::completed: {
            json::object result = task->result ? *task->result : json::object{};
            result["_meta"] = std::move(related);
            return result;
        }
        case tasks::Status::failed: {
            const auto& e = task->error ? *task->error : json::object{};
            const auto* code = e.if_contains("code");
            const auto* message = e.if_contains("message");
            RpcError err{code && code->is_int64() ? static_cast<int>(code->get_int64())
                                                  : pr::error_code::internal_error,
                         message && message->is_string() ? std::string(message->get_string())
                                                         : "The task failed"};
            if (const auto* data = e.if_contains("data")) err.data = *data;
            return err;
        }
        default:
            return RpcError{pr::error_code::internal_error, "The task was cancelled"};
    }
}

MethodResult list_tasks(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                        const json::object* params) {
    auto* runner = runner_or_null(core);
    std::string after;
    if (const auto* cursor = params ? params->if_contains("cursor") : nullptr) {
        if (!cursor->is_string())
            return RpcError{pr::error_code::invalid_params, "Invalid params: bad cursor"};
        after = cursor->get_string();
    }
    json::array out;
    json::object result;
    if (runner) {
        const std::size_t limit = std::max<std::size_t>(1, core.options().page_size);
        auto page = runner->store().list(tasks::owner_of(call->principal.get()),
                                         tasks::Clock::now(), limit, after);
        if (!page) {
            // A cursor naming a task that is gone (or another caller's) is a bad cursor.
            if (page.error() == tasks::Error::not_found)
                return RpcError{pr::error_code::invalid_params, "Invalid params: bad cursor"};
            return task_error(page.error());
        }
        for (const auto& t : *page) out.push_back(to_legacy_wire(t));
        if (page->size() == limit) result["nextCursor"] = page->back().id;
    }
    result["tasks"] = std::move(out);
    return result;
}

}  // namespace warden::server::methods
