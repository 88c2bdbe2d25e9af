#pragma once
// Wire forms of what the server offers, shaped by the negotiated protocol version.

#include "protocol/versions.hpp"

#include <warden/definitions.hpp>
#include <warden/options.hpp>

#include <boost/json/object.hpp>

namespace warden::server {

namespace json = boost::json;

/// `can_notify` false (legacy stateless HTTP): no listChanged, no resources.subscribe,
/// since no notification could ever reach the client.
/// `tasks`: the server runs tasks (2025-11-25 declares `capabilities.tasks`).
json::object initialize_result(const ServerInfo& info, std::string_view version,
                               bool can_notify = true, bool tasks = false);
/// The server's identity as results carry it (`serverInfo`; 2026-07-28: in `_meta`).
json::object server_identity(const ServerInfo& info);
/// The capabilities of a modern (2026-07-28) server.
/// `tasks`: the tasks extension is declared in `extensions` (SEP-2663).
json::object modern_capabilities(bool tasks = false);
/// The result of `server/discover` (MCP 2026-07-28).
json::object discover_result(const ServerInfo& info, const ServerOptions& options,
                             bool tasks = false);
/// Adds `ttlMs` and `cacheScope` (2026-07-28 "Caching").
void put_cache_hint(json::object& result, const CacheHint& hint);
/// The tool's `_meta`: its own entries plus `warden.requirements` (requires_auth,
/// requires_secrets) in arcade-mcp's shape.
json::object tool_meta(const Tool& tool);
json::object tool_to_json(const Tool& tool, const protocol::Features& features);
json::object resource_to_json(const Resource& resource, const protocol::Features& features);
json::object template_to_json(const ResourceTemplate& t, const protocol::Features& features);
json::object prompt_to_json(const Prompt& prompt, const protocol::Features& features);
json::array icons_to_json(const std::vector<Icon>& icons);
/// False when `v` holds an infinite or NaN double anywhere (JSON cannot carry them).
bool all_numbers_finite(const json::value& v);
/// A tool result for the version: structuredContent is left out before 2025-06-18. A
/// result holding a non-finite number becomes an isError result saying so.
json::object tool_result_to_json(const ToolResult& result, const protocol::Features& features);

}  // namespace warden::server
