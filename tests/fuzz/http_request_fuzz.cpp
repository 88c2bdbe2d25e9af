// Fuzzes the HTTP request path up to dispatch: a whole request buffer through Beast's
// parser (with the server's header and body limits), then the checks the MCP endpoint
// applies: Host/Origin policy, Content-Type/Accept, MCP-Protocol-Version, Last-Event-ID,
// and JSON-RPC classification of the body.
#include "protocol/jsonrpc.hpp"
#include "protocol/versions.hpp"
#include "transport/http/media_type.hpp"
#include "transport/http/origin_policy.hpp"
#include "transport/http/stream.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace bhttp = boost::beast::http;
using namespace warden::transport::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const warden::HttpOptions options;
    static const OriginPolicy policy(options);
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);
    parser.eager(true);
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(data, size), ec);
    if (ec || !parser.is_done()) return 0;
    const auto& req = parser.get();
    auto host = req[bhttp::field::host];
    bool allowed =
        policy.host_allowed(host) && policy.origin_allowed(req[bhttp::field::origin], host);
    // Loopback defaults: an allowed host is always a loopback name.
    if (allowed) {
        auto name = host_name(host);
        bool localhost =
            name.size() == 9 && std::equal(name.begin(), name.end(), "localhost",
                                           [](char a, char b) { return (a | 0x20) == b; });
        if (!localhost && name != "127.0.0.1" && name != "[::1]") __builtin_trap();
    }
    (void)content_type_is(req[bhttp::field::content_type], "application/json");
    (void)accepts(req[bhttp::field::accept], "text/event-stream");
    (void)warden::protocol::is_supported_version(req["MCP-Protocol-Version"]);
    if (auto id = parse_event_id(req["Last-Event-ID"]))
        if (id->first.empty()) __builtin_trap();
    if (auto message = warden::protocol::parse(req.body())) {
        auto c = warden::protocol::classify(*message);
        if (c.kind == warden::protocol::MessageKind::request && !c.id) __builtin_trap();
    }
    return 0;
}
