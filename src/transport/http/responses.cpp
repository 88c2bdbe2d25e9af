#include "protocol/jsonrpc.hpp"
#include "transport/http/response_wire.hpp"
#include "transport/http/server_state.hpp"

#include <boost/beast/http/write.hpp>
#include <boost/json/serialize.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace warden::transport::http {

namespace bhttp = boost::beast::http;

Response make_response(const Request& request, unsigned status, std::string body,
                       std::string_view content_type) {
    Response res(std::piecewise_construct, std::make_tuple(),
                 std::make_tuple(request.get_allocator()));
    res.result(static_cast<bhttp::status>(status));
    res.version(request.version());
    res.set(bhttp::field::server, "warden");
    if (!body.empty()) res.set(bhttp::field::content_type, content_type);
    res.body() = std::move(body);
    res.keep_alive(request.keep_alive());
    res.prepare_payload();
    if (auto nonce = request[kDpopNonceHeader]; !nonce.empty()) res.set(kDpopNonceHeader, nonce);
    add_cors_headers(request, res);
    return res;
}

Response make_rpc_error(const Request& request, unsigned status, int code,
                        std::string_view message) {
    return make_response(request, status,
                         boost::json::serialize(protocol::make_error(nullptr, code, message)));
}

void add_cors_headers(const Request& request, Response& response) {
    auto origin = request[bhttp::field::origin];
    if (origin.empty()) return;
    response.set(bhttp::field::access_control_allow_origin, origin);
    response.set(bhttp::field::vary, "Origin");
    response.set(bhttp::field::access_control_expose_headers,
                 "Mcp-Session-Id, WWW-Authenticate, MCP-Protocol-Version, DPoP-Nonce");
}

Response make_preflight(const Request& request) {
    Response res = make_response(request, 204);
    res.set(bhttp::field::access_control_allow_methods, "GET, POST, DELETE, OPTIONS");
    res.set(bhttp::field::access_control_allow_headers,
            "Authorization, Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version, "
            "Last-Event-ID, DPoP");
    res.set(bhttp::field::access_control_max_age, "600");
    return res;
}

Response make_auth_answer(const Request& request, const AuthDecision& decision) {
    Response res = make_response(request, decision.status, decision.body);
    if (!decision.www_authenticate.empty())
        res.set(bhttp::field::www_authenticate, decision.www_authenticate);
    if (!decision.dpop_nonce.empty()) res.set(kDpopNonceHeader, decision.dpop_nonce);
    return res;
}

net::awaitable<bool> write_response(Connection& conn, Response response,
                                    std::chrono::milliseconds timeout) {
    if (response.chunked()) {
        conn.expires_after(timeout);
        auto [ec, n] =
            co_await bhttp::async_write(conn.socket, response, net::as_tuple(net::use_awaitable));
        conn.expires_never();
        co_return !ec;
    }
    // One buffer, one write: Beast's serializer walks its buffer views for every write.
    const std::string wire = serialize_response(response);
    co_return co_await conn.write(net::buffer(wire), timeout);
}

}  // namespace warden::transport::http
