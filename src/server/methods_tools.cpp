#include "server/methods.hpp"
#include "server/pagination.hpp"
#include "server/schema_check.hpp"
#include "server/wire.hpp"

#include <warden/context.hpp>

#include <spdlog/spdlog.h>

namespace warden::server::methods {

namespace pr = warden::protocol;

MethodResult list_tools(ServerCore& core, const detail::CallState& call,
                        const json::object* params) {
    // The registry keeps tools in registration order, so the listing is deterministic
    // (MCP 2026-07-28: SHOULD, for client caches and prompt caches).
    auto tools = core.registry().tools();
    const Principal* principal = call.principal.get();
    if (core.hides_unauthorized())
        std::erase_if(
            tools, [&](const auto& t) { return !visible_to(core, t->required_scopes, principal); });
    auto page = page_for(params, tools.size(), core.options().page_size);
    if (!page) return RpcError{pr::error_code::invalid_params, "Invalid params: bad cursor"};
    auto features = pr::features_of(call.protocol_version);
    json::array out;
    out.reserve(page->end - page->begin);
    for (std::size_t i = page->begin; i < page->end; ++i)
        out.push_back(tool_to_json(*tools[i], features));
    json::object result{{"tools", std::move(out)}};
    if (page->next_cursor) result["nextCursor"] = *page->next_cursor;
    if (features.modern) {
        CacheHint hint = core.options().cache_tools;
        // Filtered by the caller's scopes: no shared cache may hand it to someone else.
        if (core.lists_vary_by_caller() && principal) hint.is_private = true;
        put_cache_hint(result, hint);
    }
    return result;
}

std::shared_ptr<const Tool> called_tool(ServerCore& core, const json::object* params) {
    const auto* name = params ? params->if_contains("name") : nullptr;
    if (!name || !name->is_string()) return nullptr;
    return core.registry().find_tool(name->get_string());
}

MethodResult call_tool(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                       const json::object* params, const std::shared_ptr<const Tool>& tool) {
    const auto* name = params ? params->if_contains("name") : nullptr;
    if (!name || !name->is_string())
        return RpcError{pr::error_code::invalid_params, "Invalid params: name must be a string"};
    if (!tool)
        return RpcError{pr::error_code::invalid_params,
                        "Unknown tool: " + std::string(name->get_string())};
    auto features = pr::features_of(call->protocol_version);

    // SEP-1303: argument problems are tool errors the model can read and correct, not
    // protocol errors.
    static const json::object kNoArguments;
    const json::value* raw_args = params->if_contains("arguments");
    if (raw_args && !raw_args->is_object() && !raw_args->is_null())
        return tool_result_to_json(ToolResult::error("Invalid arguments: expected an object"),
                                   features);
    const json::object& args =
        raw_args && raw_args->is_object() ? raw_args->get_object() : kNoArguments;
    std::string problem =
        tool->validate ? tool->validate(args) : check_against_schema(args, tool->input_schema);
    if (!problem.empty())
        return tool_result_to_json(ToolResult::error("Invalid arguments: " + problem), features);

    Context ctx(call);
    ToolResult result;
    try {
        if (tool->requires_auth || !tool->requires_secrets.empty()) {
            // Fail closed: without a guard nobody can supply what the tool needs.
            const auto& guard = core.tool_guard();
            auto refusal = guard ? guard(*tool, ctx)
                                 : std::optional<ToolResult>(ToolResult::error(
                                       "Tool '" + tool->name +
                                       "' needs credentials but tool-level auth is not "
                                       "configured on this server"));
            if (refusal) return tool_result_to_json(*refusal, features);
        }
        result = tool->handler(args, ctx);
    } catch (const ProtocolError& e) {
        return RpcError{e.code(), e.what()};
    } catch (const std::exception& e) {
        spdlog::warn("tool '{}' threw: {}", tool->name, e.what());
        result = ToolResult::error("Tool '" + tool->name + "' failed: " + e.what());
    } catch (...) {
        spdlog::warn("tool '{}' threw a non-exception", tool->name);
        result = ToolResult::error("Tool '" + tool->name + "' failed with an unknown error");
    }
    return tool_result_to_json(result, features);
}

}  // namespace warden::server::methods
