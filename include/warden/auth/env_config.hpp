#pragma once
// Configuration from the environment, compatible with arcade-mcp:
//   MCP_RESOURCE_SERVER_CANONICAL_URL, MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS (JSON),
//   MCP_RESOURCE_SERVER_SCOPES_SUPPORTED, MCP_RESOURCE_SERVER_DEFAULT_CHALLENGE_SCOPES,
// and Warden's own MCP_RESOURCE_SERVER_REQUIRED_SCOPES (space-separated),
// MCP_RESOURCE_SERVER_HIDE_UNAUTHORIZED_TOOLS (true/false),
// MCP_RESOURCE_SERVER_JWKS_REFETCH_COOLDOWN and MCP_RESOURCE_SERVER_JWKS_MAX_STALE (seconds). Real
// variables win over a `.env` file in the working directory; explicit C++ configuration wins over
// both (App decides that).

#include <warden/auth/config.hpp>

#include <boost/system/result.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace warden::auth {

/// Looks a variable up; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

/// Parses `.env` text: `KEY=value` lines, `export KEY=...`, `#` comments, single quotes
/// (literal), double quotes (\n \" \\ escapes; may span lines), unquoted values trimmed
/// with ` #` comments cut. Errors name the line ("line 3: expected KEY=VALUE").
boost::system::result<std::map<std::string, std::string>, ConfigError> parse_dotenv(
    std::string_view text);

/// The process environment first, then the `.env` file at `dotenv_path` (when it exists).
/// Errors: the .env file does not parse.
boost::system::result<EnvLookup, ConfigError> make_env_lookup(
    const std::string& dotenv_path = ".env");

/// Reads the MCP_RESOURCE_SERVER_* variables. nullopt when none of them is set (auth
/// off); an error naming the variable when any is set but the whole is invalid.
boost::system::result<std::optional<ResourceServerAuth>, ConfigError> load_from_env(
    const EnvLookup& env);

/// Parses the JSON of MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS.
boost::system::result<std::vector<AuthorizationServerEntry>, ConfigError>
parse_authorization_servers(std::string_view json);

}  // namespace warden::auth
