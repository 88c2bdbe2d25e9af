// What a request's header alone condemns (RFC 9112 §3.2 Host, §6.1 Transfer-Encoding):
// framing a smuggled request could hide behind, and Host values that are not one valid
// uri-host[:port].
#include "transport/http/request_head.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/parser.hpp>

#include <string>

namespace {

namespace bhttp = boost::beast::http;
using warden::transport::http::check_request_head;
using warden::transport::http::Fields;
using warden::transport::http::HeadVerdict;
using warden::transport::http::valid_host_value;

// Parses the header of `text` as the server does and judges it.
HeadVerdict judge(const std::string& text) {
    bhttp::request_parser<bhttp::string_body, Fields::allocator_type> parser;
    parser.eager(false);
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(text), ec);
    EXPECT_TRUE(parser.is_header_done()) << text << ": " << ec.message();
    return check_request_head(parser.get(), parser.chunked());
}

std::string post(const std::string& fields, const std::string& version = "1.1") {
    return "POST /mcp HTTP/" + version + "\r\nHost: 127.0.0.1:8000\r\n" + fields + "\r\n";
}

TEST(RequestHead, OrdinaryRequestsPass) {
    EXPECT_FALSE(judge(post("Content-Length: 5\r\n")));
    EXPECT_FALSE(judge(post("Transfer-Encoding: chunked\r\n")));
    EXPECT_FALSE(judge(post("Transfer-Encoding: CHUNKED\r\n")));
    EXPECT_FALSE(judge(post("Transfer-Encoding: , chunked ,\r\n")));
    EXPECT_FALSE(judge("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"));
}

TEST(RequestHead, TransferEncodingWhoseFinalCodingIsNotChunkedIs400) {
    for (const char* te :
         {"identity", "gzip", "xchunked", "chunked, identity", "chunkedx", "chunked, chunked"}) {
        const auto v = judge(post(std::string("Transfer-Encoding: ") + te + "\r\n"));
        EXPECT_EQ(v.status, 400u) << te;
    }
    // Beast stops reading this list at the ';' and takes chunked as final; it is refused
    // all the same (501), so the connection closes.
    EXPECT_TRUE(judge(post("Transfer-Encoding: chunked;q=1, gzip\r\n")));
}

TEST(RequestHead, OtherCodingsBeforeChunkedAre501) {
    EXPECT_EQ(judge(post("Transfer-Encoding: gzip, chunked\r\n")).status, 501u);
    EXPECT_EQ(judge(post("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n")).status,
              501u);
    // Other fields between the two lines change nothing.
    EXPECT_EQ(
        judge(post("Transfer-Encoding: gzip\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\n")).status,
        501u);
}

TEST(RequestHead, TransferEncodingInHttp10Is400) {
    EXPECT_EQ(judge(post("Transfer-Encoding: chunked\r\n", "1.0")).status, 400u);
}

TEST(RequestHead, HostMustBeOneValidValue) {
    EXPECT_EQ(judge("GET / HTTP/1.1\r\n\r\n").status, 400u);
    EXPECT_EQ(judge("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n").status, 400u);
    EXPECT_EQ(judge("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\nHost: b\r\n\r\n").status, 400u);
    EXPECT_EQ(judge("GET / HTTP/1.1\r\nHost: a b\r\n\r\n").status, 400u);
    // HTTP/1.0 may omit Host (the Host policy then refuses the request with 403).
    EXPECT_FALSE(judge("GET / HTTP/1.0\r\n\r\n"));
}

TEST(RequestHead, HostValueSyntax) {
    for (const char* ok : {"localhost", "localhost:8000", "127.0.0.1", "127.0.0.1:1", "[::1]",
                           "[::1]:8000", "[::ffff:127.0.0.1]:80", "example.com", "ex-a_m~p.le",
                           "%41bc", "a!$&'()*+,;=b", "[v1.fe]", "host:", ""}) {
        EXPECT_TRUE(valid_host_value(ok)) << ok;
    }
    for (const char* bad :
         {"a b", "a@b", "user@127.0.0.1", "127.0.0.1:x", "127.0.0.1:80:81", "[::1", "[]", "[::1]x",
          "[::1]:8x", "http://127.0.0.1", "a/b", "a?b", "a#b", "%4", "%zz", "a\"b", "[::1%25lo]"}) {
        EXPECT_FALSE(valid_host_value(bad)) << bad;
    }
}

}  // namespace
