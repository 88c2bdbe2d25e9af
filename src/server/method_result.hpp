#pragma once
// What an MCP method handler answers: a result object or a JSON-RPC error.

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <variant>

namespace warden::server {

namespace json = boost::json;

/// A JSON-RPC error a method handler answers with.
struct RpcError {
    int code;
    std::string message;
    std::optional<json::value> data = std::nullopt;
};

using MethodResult = std::variant<json::value, RpcError>;

}  // namespace warden::server
