// serialize_response writes what Beast's serializer writes, byte for byte.
#include "transport/http/response_wire.hpp"

#include <gtest/gtest.h>
#include <boost/beast/http/write.hpp>

#include <sstream>

namespace {

namespace bhttp = boost::beast::http;
using warden::transport::http::Response;
using warden::transport::http::serialize_response;

std::string beast_bytes(const Response& res) {
    std::ostringstream out;
    out << res;
    return out.str();
}

Response json_response(unsigned status, std::string body, unsigned version = 11) {
    Response res{static_cast<bhttp::status>(status), version};
    res.set(bhttp::field::server, "warden");
    if (!body.empty()) res.set(bhttp::field::content_type, "application/json");
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

TEST(ResponseWire, JsonAnswerMatchesBeast) {
    auto res = json_response(200, R"({"jsonrpc":"2.0","id":1,"result":{}})");
    res.set("Mcp-Session-Id", "0123456789abcdef");
    res.set(bhttp::field::access_control_allow_origin, "http://localhost:3000");
    res.keep_alive(true);
    EXPECT_EQ(serialize_response(res), beast_bytes(res));
    EXPECT_TRUE(serialize_response(res).starts_with("HTTP/1.1 200 OK\r\n"));
    EXPECT_TRUE(serialize_response(res).ends_with("\r\n\r\n" + res.body()));
}

TEST(ResponseWire, EmptyBodiesClosesAndOldVersionsMatchBeast) {
    auto accepted = json_response(202, "");
    EXPECT_EQ(serialize_response(accepted), beast_bytes(accepted));
    EXPECT_NE(serialize_response(accepted).find("Content-Length: 0\r\n"), std::string::npos);

    auto closing = json_response(404, R"({"error":"x"})");
    closing.keep_alive(false);
    EXPECT_EQ(serialize_response(closing), beast_bytes(closing));
    EXPECT_NE(serialize_response(closing).find("Connection: close\r\n"), std::string::npos);

    auto old = json_response(401, "{}", 10);
    old.keep_alive(true);
    old.set(bhttp::field::www_authenticate, R"(Bearer resource_metadata="http://x/y")");
    EXPECT_EQ(serialize_response(old), beast_bytes(old));
    EXPECT_TRUE(serialize_response(old).starts_with("HTTP/1.0 401 Unauthorized\r\n"));
}

TEST(ResponseWire, CustomReasonAndUnknownStatusMatchBeast) {
    auto custom = json_response(503, "{}");
    custom.reason("Busy");
    EXPECT_EQ(serialize_response(custom), beast_bytes(custom));
    auto unknown = json_response(299, "{}");
    EXPECT_EQ(serialize_response(unknown), beast_bytes(unknown));
}

}  // namespace
