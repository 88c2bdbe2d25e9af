// Fuzzes the HTTP request path up to dispatch: a whole request buffer through Beast's
// parser (with the server's header and body limits), the header's framing and Host checks
// (request_head), then the checks the MCP endpoint applies: Host/Origin policy,
// Content-Type/Accept, MCP-Protocol-Version, Last-Event-ID, and JSON-RPC classification of
// the body.
#include "protocol/jsonrpc.hpp"
#include "protocol/versions.hpp"
#include "transport/http/media_type.hpp"
#include "transport/http/origin_policy.hpp"
#include "transport/http/request_head.hpp"
#include "transport/http/stream.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>

namespace bhttp = boost::beast::http;
using namespace warden::transport::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const warden::HttpOptions options;
    static const OriginPolicy policy(options);
    bhttp::request_parser<bhttp::string_body, Fields::allocator_type> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);
    // The server's two steps: the header alone (judged before any body is read), then the rest.
    parser.eager(false);
    boost::beast::error_code ec;
    std::size_t used = 0;
    try {
        used = parser.put(boost::asio::buffer(data, size), ec);
    } catch (const std::length_error&) {
        return 0;  // a field over 64 KiB: the server answers 431
    }
    if (ec || !parser.is_header_done()) return 0;
    if (auto verdict = check_request_head(parser.get(), parser.chunked())) {
        if (verdict.status != 400 && verdict.status != 501) __builtin_trap();
        return 0;
    }
    {
        // What passed has one valid Host (HTTP/1.1), and chunked as its only coding.
        const auto& head = parser.get();
        if (head.version() >= 11 &&
            (head.count(bhttp::field::host) != 1 || !valid_host_value(head[bhttp::field::host])))
            __builtin_trap();
        if (head.count(bhttp::field::transfer_encoding) > 0 && !parser.chunked()) __builtin_trap();
    }
    if (!parser.is_done()) {
        parser.eager(true);
        parser.put(boost::asio::buffer(data + used, size - used), ec);
    }
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
        const bool mapped = name.size() == 18 &&
                            std::equal(name.begin(), name.end(), "[::ffff:127.0.0.1]",
                                       [](char a, char b) { return (a | 0x20) == (b | 0x20); });
        if (!localhost && !mapped && name != "127.0.0.1" && name != "[::1]") __builtin_trap();
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
