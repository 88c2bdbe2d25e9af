#pragma once
// The per-request `_meta` of MCP 2026-07-28 ("Versioning", "basic/index#meta"): a modern
// request carries its protocol version, the client's capabilities, optionally the client's
// identity and a log level. Pure functions of the params object.

#include "server/method_result.hpp"

#include <warden/context.hpp>

#include <boost/json/object.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace warden::server {

namespace meta_key {
inline constexpr std::string_view protocol_version = "io.modelcontextprotocol/protocolVersion";
inline constexpr std::string_view client_capabilities =
    "io.modelcontextprotocol/clientCapabilities";
inline constexpr std::string_view client_info = "io.modelcontextprotocol/clientInfo";
inline constexpr std::string_view log_level = "io.modelcontextprotocol/logLevel";
inline constexpr std::string_view server_info = "io.modelcontextprotocol/serverInfo";
inline constexpr std::string_view subscription_id = "io.modelcontextprotocol/subscriptionId";
}  // namespace meta_key

/// The context a modern request brings with it.
struct ModernMeta {
    std::string protocol_version;
    /// Shared with every call of the request; an empty object is shared process-wide.
    std::shared_ptr<const json::object> client_capabilities;
    /// Empty when the client did not identify itself (a SHOULD, never required).
    std::shared_ptr<const json::object> client_info;
    /// Absent: the request asked for no log notifications, so it gets none.
    std::optional<LogLevel> log_level;
};

/// True when `params._meta` names a protocol version: the request is of the modern era,
/// whatever else is wrong with it.
bool has_modern_meta(const json::object* params) noexcept;

/// The version a request's `_meta` names, or empty.
std::string_view meta_protocol_version(const json::object* params) noexcept;

/// Reads and checks a modern request's `_meta`: -32602 when `_meta`, its protocol version
/// or its client capabilities are missing or malformed, -32022 (data.supported,
/// data.requested) for a version this server does not serve.
std::variant<ModernMeta, RpcError> read_modern_meta(const json::object* params);

/// The UnsupportedProtocolVersionError for `requested`.
RpcError unsupported_version_error(std::string_view requested);

}  // namespace warden::server
