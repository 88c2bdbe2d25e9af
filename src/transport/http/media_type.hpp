#pragma once
// Content-Type and Accept header checks for the MCP endpoint.

#include <string_view>

namespace warden::transport::http {

/// True when a Content-Type value names `type` ("application/json; charset=utf-8" names
/// "application/json"). Case-insensitive.
bool content_type_is(std::string_view content_type, std::string_view type);

/// True when an Accept value accepts `type`: listed exactly, or through type/* or */*, with
/// a non-zero quality given by the most specific of those ranges (RFC 9110 §12.5.1).
bool accepts(std::string_view accept, std::string_view type);

}  // namespace warden::transport::http
