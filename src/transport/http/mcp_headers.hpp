#pragma once
// The request metadata headers of MCP 2026-07-28 Streamable HTTP ("Request Metadata",
// SEP-2243): MCP-Protocol-Version, Mcp-Method, Mcp-Name and Mcp-Param-{Name} mirror body
// fields so intermediaries can route without parsing JSON; a server that reads the body
// must reject any disagreement (HeaderMismatch, -32020). Pure: no sockets, no Beast.

#include "protocol/jsonrpc.hpp"

#include <boost/json/object.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace warden::transport::http {

/// Looks a request header up by name (case-insensitive); empty when absent.
using HeaderLookup = std::function<std::string_view(std::string_view name)>;

/// Decodes a header value that may use the Base64 sentinel `=?base64?...?=` ("Value
/// Encoding"); nullopt when the value has characters a header value may not carry, or
/// the Base64 inside the sentinel is malformed.
std::optional<std::string> decode_header_value(std::string_view value);

/// Checks the standard headers of one modern request: MCP-Protocol-Version against the
/// `_meta` version (when the body names one), Mcp-Method against `method`, and Mcp-Name
/// against params.name / params.uri for tools/call, prompts/get and resources/read, and
/// params.taskId for tasks/get, tasks/update and tasks/cancel (SEP-2663).
/// Returns the HeaderMismatch message, or nullopt when they agree.
std::optional<std::string> check_standard_headers(const HeaderLookup& header,
                                                  const protocol::Classified& request);

/// Checks the Mcp-Param-{Name} headers a tool's input schema asks for with `x-mcp-header`
/// against the call's arguments: a value present in the body needs its header, and the
/// two must agree (integers numerically). Returns the HeaderMismatch message, or nullopt.
std::optional<std::string> check_param_headers(const HeaderLookup& header,
                                               const boost::json::object& input_schema,
                                               const boost::json::object* arguments);

}  // namespace warden::transport::http
