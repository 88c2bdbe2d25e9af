#pragma once
// JSON-RPC 2.0 framing for MCP: classifying incoming messages and building outgoing ones.
// Knows nothing of sockets, sessions or MCP methods.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace warden::protocol {

namespace json = boost::json;

/// Standard JSON-RPC error codes, plus MCP's.
namespace error_code {
inline constexpr int parse_error = -32700;
inline constexpr int invalid_request = -32600;
inline constexpr int method_not_found = -32601;
inline constexpr int invalid_params = -32602;
inline constexpr int internal_error = -32603;
/// MCP: the requested resource does not exist.
inline constexpr int resource_not_found = -32002;
/// MCP 2025-11-25: the request needs URL-mode elicitation the client must complete first.
inline constexpr int url_elicitation_required = -32042;
/// MCP 2026-07-28: HTTP headers disagree with the body, or a required one is missing.
inline constexpr int header_mismatch = -32020;
/// MCP 2026-07-28: the request needs a client capability it did not declare
/// (data.requiredCapabilities).
inline constexpr int missing_client_capability = -32021;
/// MCP 2026-07-28: the requested protocol version is not served (data.supported,
/// data.requested).
inline constexpr int unsupported_protocol_version = -32022;
}  // namespace error_code

enum class MessageKind { request, notification, response, error_response, invalid };

/// What an incoming message is. Never throws.
struct Classified {
    MessageKind kind = MessageKind::invalid;
    std::string_view method;               ///< requests and notifications
    const json::value* id = nullptr;       ///< requests and responses
    const json::object* params = nullptr;  ///< may be null (params are optional)
    std::string problem;                   ///< why it is invalid
};

/// Classifies one parsed message (not a batch). `message` must outlive the result.
Classified classify(const json::value& message);

/// Parses a JSON text; on syntax error returns nullopt.
std::optional<json::value> parse(std::string_view text);

/// A response carrying `result`.
json::object make_result(const json::value& id, json::value result);
/// An error response; `id` may be null when the request's id could not be read.
json::object make_error(const json::value& id, int code, std::string_view message,
                        std::optional<json::value> data = std::nullopt);
json::object make_notification(std::string_view method, json::object params);
json::object make_request(const json::value& id, std::string_view method, json::object params);

/// A stable string key for an id ("s:abc" / "n:42"), for maps of in-flight requests.
std::string id_key(const json::value& id);

}  // namespace warden::protocol
