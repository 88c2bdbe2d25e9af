#pragma once
// MCP method handlers. Pure functions of the core's registry and the call (whose context
// says which revision shapes the answer); server/dispatch decides where they run (inline
// for listings, on the worker pool for user code).

#include "protocol/jsonrpc.hpp"
#include "server/call_state.hpp"
#include "server/core.hpp"
#include "server/method_result.hpp"

namespace warden::server::methods {

/// tools/list; with hiding on, the tools the caller may not call are left out.
MethodResult list_tools(ServerCore& core, const detail::CallState& call,
                        const json::object* params);
/// The tool a tools/call names, or null.
std::shared_ptr<const Tool> called_tool(ServerCore& core, const json::object* params);
/// tools/call of `tool`, looked up with called_tool (null: an unknown tool).
MethodResult call_tool(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                       const json::object* params, const std::shared_ptr<const Tool>& tool);

/// resources/list, resources/templates/list and prompts/list: with hiding on, what the
/// caller may not use is left out (authorization.hpp, visible_to).
MethodResult list_resources(ServerCore& core, const detail::CallState& call,
                            const json::object* params);
MethodResult list_resource_templates(ServerCore& core, const detail::CallState& call,
                                     const json::object* params);
MethodResult read_resource(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                           const json::object* params);

MethodResult list_prompts(ServerCore& core, const detail::CallState& call,
                          const json::object* params);
MethodResult get_prompt(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                        const json::object* params);

MethodResult complete(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                      const json::object* params);

// -- tasks (methods_tasks.cpp) ----------------------------------------------------------

/// Whether a tools/call of `tool` runs as a task (`as_task`), or the refusal to answer
/// with instead: -32021 for a task-only tool and a 2026-07-28 client without the tasks
/// extension, -32601 for one called without `task` in 2025-11-25. Nothing for a tool
/// without task support or a server without a task store.
std::optional<MethodResult> tool_task_refusal(ServerCore& core, const detail::CallState& call,
                                              const Tool& tool, const json::object* params,
                                              bool& as_task);
/// Creates the task of a tools/call and starts it; answers with the CreateTaskResult of
/// the call's era. `answers`: input gathered before the task.
MethodResult start_tool_task(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                             const json::object* params, json::object answers = {});
/// tasks/get (SEP-2663 DetailedTask, or the 2025-11-25 Task), tasks/update (2026-07-28),
/// tasks/cancel (an empty ack, or the 2025-11-25 Task), and the 2025-11-25 tasks/result
/// (waits for a terminal status) and tasks/list. A 2026-07-28 client must declare the
/// extension (-32021); another caller's task is not found (-32602).
MethodResult get_task(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                      const json::object* params);
MethodResult update_task(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                         const json::object* params);
MethodResult cancel_task(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                         const json::object* params);
MethodResult task_result(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                         const json::object* params);
MethodResult list_tasks(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                        const json::object* params);

}  // namespace warden::server::methods
