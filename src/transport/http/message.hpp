#pragma once
// The HTTP messages the transport reads and writes.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <memory_resource>

namespace warden::transport::http {

/// Header fields come from a memory resource: the server gives each connection an arena
/// that it resets between requests (Beast allocates every field on its own), and a
/// response made for a request (make_response) uses the request's. A copy gets the
/// default resource, so only moves may leave the iteration that read the request (none do).
using Fields = boost::beast::http::basic_fields<std::pmr::polymorphic_allocator<char>>;
using Request = boost::beast::http::request<boost::beast::http::string_body, Fields>;
using Response = boost::beast::http::response<boost::beast::http::string_body, Fields>;

}  // namespace warden::transport::http
