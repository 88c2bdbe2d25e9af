// The 2026-07-28 request metadata headers checked against the body (SEP-2243).
#include "transport/http/mcp_headers.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <map>

namespace {

namespace json = boost::json;
namespace pr = warden::protocol;
using namespace warden::transport::http;

HeaderLookup lookup(const std::map<std::string, std::string>& headers) {
    return [headers](std::string_view name) -> std::string_view {
        auto it = headers.find(std::string(name));
        return it == headers.end() ? std::string_view() : std::string_view(it->second);
    };
}

const json::value kCall =
    json::parse(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"héllo",)"
                R"("arguments":{"region":"us-west1","n":42},)"
                R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}})");

TEST(McpHeaders, DecodesTheBase64Sentinel) {
    EXPECT_EQ(decode_header_value("=?base64?SGVsbG8sIOS4lueVjA==?="), "Hello, 世界");
    EXPECT_EQ(decode_header_value("plain"), "plain");
    EXPECT_FALSE(decode_header_value("=?base64?SGVsbG8?="));         // missing padding
    EXPECT_FALSE(decode_header_value("=?base64?SGVs!!!bG8=?="));     // not Base64
    EXPECT_FALSE(decode_header_value(std::string_view("a\nb", 3)));  // control character
}

TEST(McpHeaders, StandardHeadersMustMatchTheBody) {
    auto c = pr::classify(kCall);
    std::map<std::string, std::string> ok{{"MCP-Protocol-Version", "2026-07-28"},
                                          {"Mcp-Method", "tools/call"},
                                          {"Mcp-Name", "=?base64?aMOpbGxv?="}};
    EXPECT_FALSE(check_standard_headers(lookup(ok), c));
    auto wrong_method = ok;
    wrong_method["Mcp-Method"] = "tools/list";
    EXPECT_TRUE(check_standard_headers(lookup(wrong_method), c));
    auto no_name = ok;
    no_name.erase("Mcp-Name");
    EXPECT_TRUE(check_standard_headers(lookup(no_name), c));
    auto wrong_version = ok;
    wrong_version["MCP-Protocol-Version"] = "2025-11-25";
    EXPECT_TRUE(check_standard_headers(lookup(wrong_version), c));
}

TEST(McpHeaders, TaskRequestsNameTheirTask) {
    // SEP-2663 "Routing Headers": Mcp-Name mirrors params.taskId on the task methods.
    for (std::string method : {"tasks/get", "tasks/update", "tasks/cancel"}) {
        auto body = json::parse(R"({"jsonrpc":"2.0","id":1,"method":")" + method +
                                R"(","params":{"taskId":"t-123"}})");
        auto c = pr::classify(body);
        std::map<std::string, std::string> ok{
            {"MCP-Protocol-Version", "2026-07-28"}, {"Mcp-Method", method}, {"Mcp-Name", "t-123"}};
        EXPECT_FALSE(check_standard_headers(lookup(ok), c)) << method;
        auto other = ok;
        other["Mcp-Name"] = "t-999";
        EXPECT_TRUE(check_standard_headers(lookup(other), c)) << method;
        auto none = ok;
        none.erase("Mcp-Name");
        EXPECT_TRUE(check_standard_headers(lookup(none), c)) << method;
    }
}

TEST(McpHeaders, ParamHeadersFollowXMcpHeader) {
    auto schema = json::parse(R"({"type":"object","properties":{)"
                              R"("region":{"type":"string","x-mcp-header":"Region"},)"
                              R"("n":{"type":"integer","x-mcp-header":"N"},)"
                              R"("absent":{"type":"string","x-mcp-header":"Absent"}}})")
                      .as_object();
    const auto& args = kCall.at("params").at("arguments").as_object();
    EXPECT_FALSE(check_param_headers(
        lookup({{"Mcp-Param-Region", "us-west1"}, {"Mcp-Param-N", "42.0"}}), schema, &args));
    EXPECT_TRUE(check_param_headers(lookup({{"Mcp-Param-N", "42"}}), schema, &args));
    EXPECT_TRUE(check_param_headers(
        lookup({{"Mcp-Param-Region", "eu-west1"}, {"Mcp-Param-N", "42"}}), schema, &args));
}

TEST(McpHeaders, McpNameNeedsTheBodyValue) {
    // An empty name in the header must not stand for a name missing from the body.
    auto body =
        json::parse(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{)"
                    R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}})");
    auto c = pr::classify(body);
    EXPECT_TRUE(check_standard_headers(lookup({{"MCP-Protocol-Version", "2026-07-28"},
                                               {"Mcp-Method", "tools/call"},
                                               {"Mcp-Name", "=?base64?" "?="}}),
                                       c));
}

TEST(McpHeaders, LargeIntegersCompareExactly) {
    // 2^53 + 1 has no double of its own: compared as doubles, 2^53 would match it.
    auto schema = json::parse(R"({"type":"object","properties":{)"
                              R"("n":{"type":"integer","x-mcp-header":"N"}}})")
                      .as_object();
    auto args = json::parse(R"({"n":9007199254740993})").as_object();
    EXPECT_FALSE(check_param_headers(lookup({{"Mcp-Param-N", "9007199254740993"}}), schema, &args));
    EXPECT_TRUE(check_param_headers(lookup({{"Mcp-Param-N", "9007199254740992"}}), schema, &args));
    EXPECT_TRUE(
        check_param_headers(lookup({{"Mcp-Param-N", "9007199254740992.0"}}), schema, &args));
    auto big = json::parse(R"({"n":18446744073709551615})").as_object();
    EXPECT_FALSE(
        check_param_headers(lookup({{"Mcp-Param-N", "18446744073709551615"}}), schema, &big));
    EXPECT_TRUE(
        check_param_headers(lookup({{"Mcp-Param-N", "18446744073709551614"}}), schema, &big));
}

}  // namespace
