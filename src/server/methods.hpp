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

}  // namespace warden::server::methods
