#pragma once
// A complete (non-chunked) HTTP/1.x response as the bytes that go on the wire.

#include "transport/http/message.hpp"

#include <string>

namespace warden::transport::http {

/// The status line, the fields as they are, an empty line and the body, in one string:
/// what Beast's serializer writes for the same message, built without its buffer views.
/// `response` must not be chunked (its Content-Length, if any, is already set).
std::string serialize_response(const Response& response);

}  // namespace warden::transport::http
