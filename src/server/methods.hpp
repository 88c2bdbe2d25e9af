#pragma once
// MCP method handlers. Pure functions of the core's registry and the call; the session
// decides where they run (inline for listings, on the worker pool for user code).

#include "server/core.hpp"
#include "server/session.hpp"

namespace warden::server::methods {

/// tools/list; with hiding on, the tools `principal` may not call are left out.
MethodResult list_tools(ServerCore& core, const Session& session, const json::object* params,
                        const Principal* principal = nullptr);
/// The tool a tools/call names, or null.
std::shared_ptr<const Tool> called_tool(ServerCore& core, const json::object* params);
/// tools/call of `tool`, looked up with called_tool (null: an unknown tool).
MethodResult call_tool(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                       const json::object* params, const std::shared_ptr<const Tool>& tool);

/// resources/list, resources/templates/list and prompts/list: with hiding on, what
/// `principal` may not use is left out (authorization.hpp, visible_to).
MethodResult list_resources(ServerCore& core, const Session& session, const json::object* params,
                            const Principal* principal = nullptr);
MethodResult list_resource_templates(ServerCore& core, const Session& session,
                                     const json::object* params,
                                     const Principal* principal = nullptr);
MethodResult read_resource(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                           const json::object* params);

MethodResult list_prompts(ServerCore& core, const Session& session, const json::object* params,
                          const Principal* principal = nullptr);
MethodResult get_prompt(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                        const json::object* params);

MethodResult complete(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                      const json::object* params);

}  // namespace warden::server::methods
