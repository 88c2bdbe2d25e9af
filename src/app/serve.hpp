#pragma once
// Internal to the app module: running one transport until it stops.

#include "server/core.hpp"
#include "transport/http/route.hpp"

#include <warden/auth/config.hpp>
#include <warden/http_options.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden::toolauth {
class ToolAuth;
}

namespace warden::app {

/// A usable HttpOptions::replica_id: empty, or 1-32 of A-Z a-z 0-9 _ - (it goes into
/// session ids, which MCP requires to be visible ASCII, and into the balancer's routing).
bool valid_replica_id(std::string_view id);

/// Serves one client over stdin/stdout; starts the tool-auth callback listener on demand.
int serve_stdio(const std::shared_ptr<server::ServerCore>& core,
                const std::shared_ptr<toolauth::ToolAuth>& tool_auth);

/// Serves Streamable HTTP until SIGINT/SIGTERM. Server-level auth comes from `auth`, else
/// from the MCP_RESOURCE_SERVER_* environment; exits 2 on an invalid configuration.
int serve_http(
    const std::shared_ptr<server::ServerCore>& core,
    const std::shared_ptr<toolauth::ToolAuth>& tool_auth,
    const std::optional<auth::ResourceServerAuth>& auth, const HttpOptions& http,
    const std::vector<std::pair<std::string, transport::http::RouteHandler>>& extra_routes = {});

}  // namespace warden::app
