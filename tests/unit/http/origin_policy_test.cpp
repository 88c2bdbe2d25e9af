// DNS-rebinding protection: Host and Origin checks (MCP 2025-11-25 Streamable HTTP,
// "Security Warning").
#include "transport/http/origin_policy.hpp"

#include <gtest/gtest.h>

namespace {

using warden::HttpOptions;
using warden::transport::http::host_name;
using warden::transport::http::OriginPolicy;

OriginPolicy loopback() {
    return OriginPolicy(HttpOptions{});
}

OriginPolicy public_bind(std::vector<std::string> hosts = {},
                         std::vector<std::string> origins = {}) {
    HttpOptions o;
    o.host = "0.0.0.0";
    o.allowed_hosts = std::move(hosts);
    o.allowed_origins = std::move(origins);
    return OriginPolicy(o);
}

TEST(OriginPolicyHostName, StripsPort) {
    EXPECT_EQ(host_name("example.com:8443"), "example.com");
    EXPECT_EQ(host_name("example.com"), "example.com");
    EXPECT_EQ(host_name("[::1]:80"), "[::1]");
    EXPECT_EQ(host_name("[::1]"), "[::1]");
    EXPECT_EQ(host_name("127.0.0.1:3000"), "127.0.0.1");
}

TEST(OriginPolicyLoopback, IsLoopbackAddress) {
    EXPECT_TRUE(OriginPolicy::is_loopback_address("127.0.0.1"));
    EXPECT_TRUE(OriginPolicy::is_loopback_address("127.1.2.3"));
    EXPECT_TRUE(OriginPolicy::is_loopback_address("localhost"));
    EXPECT_TRUE(OriginPolicy::is_loopback_address("::1"));
    EXPECT_TRUE(OriginPolicy::is_loopback_address("[::1]"));
    EXPECT_FALSE(OriginPolicy::is_loopback_address("0.0.0.0"));
    EXPECT_FALSE(OriginPolicy::is_loopback_address("::"));
    EXPECT_FALSE(OriginPolicy::is_loopback_address("192.168.1.2"));
}

TEST(OriginPolicyLoopback, AcceptsLoopbackHosts) {
    auto p = loopback();
    EXPECT_TRUE(p.host_allowed("127.0.0.1:8000"));
    EXPECT_TRUE(p.host_allowed("127.0.0.1"));
    EXPECT_TRUE(p.host_allowed("localhost:8000"));
    EXPECT_TRUE(p.host_allowed("LOCALHOST:8000"));
    EXPECT_TRUE(p.host_allowed("[::1]:8000"));
    EXPECT_TRUE(p.host_allowed("[::1]"));
}

TEST(OriginPolicyLoopback, RejectsForeignOrMissingHost) {
    auto p = loopback();
    EXPECT_FALSE(p.host_allowed(""));
    EXPECT_FALSE(p.host_allowed("evil.example:8000"));
    EXPECT_FALSE(p.host_allowed("localhost.evil.example"));
    EXPECT_FALSE(p.host_allowed("127.0.0.1.evil.example:8000"));
    EXPECT_FALSE(p.host_allowed("0.0.0.0:8000"));
}

TEST(OriginPolicyLoopback, AbsentOriginIsFine) {
    EXPECT_TRUE(loopback().origin_allowed("", "127.0.0.1:8000"));
}

TEST(OriginPolicyLoopback, AcceptsLoopbackOrigins) {
    auto p = loopback();
    EXPECT_TRUE(p.origin_allowed("http://localhost:3000", "127.0.0.1:8000"));
    EXPECT_TRUE(p.origin_allowed("http://127.0.0.1:8000", "127.0.0.1:8000"));
    EXPECT_TRUE(p.origin_allowed("https://localhost", "127.0.0.1:8000"));
    EXPECT_TRUE(p.origin_allowed("http://[::1]:8000", "[::1]:8000"));
    EXPECT_TRUE(p.origin_allowed("http://[::1]", "127.0.0.1:8000"));
}

TEST(OriginPolicyLoopback, RejectsForeignOrigins) {
    auto p = loopback();
    EXPECT_FALSE(p.origin_allowed("http://evil.example", "127.0.0.1:8000"));
    EXPECT_FALSE(p.origin_allowed("http://localhost.evil.example", "127.0.0.1:8000"));
    EXPECT_FALSE(p.origin_allowed("http://127.0.0.1.evil.example", "127.0.0.1:8000"));
    EXPECT_FALSE(p.origin_allowed("http://127.0.0.1.evil.example:8000", "127.0.0.1:8000"));
    EXPECT_FALSE(p.origin_allowed("http://localhost@evil.example", "127.0.0.1:8000"));
    EXPECT_FALSE(p.origin_allowed("http://evil.example@localhost", "127.0.0.1:8000"));
    EXPECT_FALSE(p.origin_allowed("http://[::1].evil.example", "127.0.0.1:8000"));
    EXPECT_FALSE(p.origin_allowed("http://[::2]", "127.0.0.1:8000"));
}

TEST(OriginPolicyLoopback, RejectsMalformedOrigins) {
    auto p = loopback();
    for (const char* bad : {"http://", "http://:8000", "http://localhost:", "http://localhost:80x",
                            "http://localhost/", "http://localhost/path", "http://localhost?x",
                            "http://localhost#x", "http://[::1", "http://local host"})
        EXPECT_FALSE(p.origin_allowed(bad, "127.0.0.1:8000")) << bad;
}

TEST(OriginPolicyLoopback, RejectsNullAndNonHttpOrigins) {
    auto p = loopback();
    EXPECT_FALSE(p.origin_allowed("null", "127.0.0.1:8000"));
    EXPECT_FALSE(p.origin_allowed("file://", "127.0.0.1:8000"));
    EXPECT_FALSE(p.origin_allowed("file:///etc/passwd", "127.0.0.1:8000"));
    EXPECT_FALSE(p.origin_allowed("chrome-extension://abcdef", "127.0.0.1:8000"));
    EXPECT_FALSE(p.origin_allowed("ws://localhost:8000", "127.0.0.1:8000"));
    EXPECT_FALSE(p.origin_allowed("localhost:8000", "127.0.0.1:8000"));
    EXPECT_FALSE(p.origin_allowed("not a url", "127.0.0.1:8000"));
}

TEST(OriginPolicyAllowList, HostsReplaceDefaults) {
    HttpOptions o;
    o.allowed_hosts = {"mcp.example.com", "api.example.com:8443"};
    OriginPolicy p(o);
    EXPECT_TRUE(p.host_allowed("mcp.example.com"));
    EXPECT_TRUE(p.host_allowed("mcp.example.com:9000"));
    EXPECT_TRUE(p.host_allowed("MCP.Example.com"));
    EXPECT_TRUE(p.host_allowed("api.example.com:8443"));
    // A listed host:port allows only that port.
    EXPECT_FALSE(p.host_allowed("api.example.com:9000"));
    EXPECT_FALSE(p.host_allowed("api.example.com"));
    // Explicit lists replace the loopback defaults.
    EXPECT_FALSE(p.host_allowed("127.0.0.1:8000"));
    EXPECT_FALSE(p.host_allowed("evil.example"));
}

TEST(OriginPolicyAllowList, OriginsReplaceDefaults) {
    HttpOptions o;
    o.allowed_origins = {"https://app.example.com"};
    OriginPolicy p(o);
    EXPECT_TRUE(p.origin_allowed("https://app.example.com", "127.0.0.1:8000"));
    EXPECT_TRUE(p.origin_allowed("HTTPS://APP.EXAMPLE.COM", "127.0.0.1:8000"));
    EXPECT_FALSE(p.origin_allowed("http://app.example.com", "127.0.0.1:8000"));
    EXPECT_FALSE(p.origin_allowed("https://app.example.com:444", "127.0.0.1:8000"));
    EXPECT_FALSE(p.origin_allowed("http://localhost:3000", "127.0.0.1:8000"));
    EXPECT_FALSE(p.origin_allowed("null", "127.0.0.1:8000"));
}

TEST(OriginPolicyPublic, AnyHostWithoutList) {
    auto p = public_bind();
    EXPECT_TRUE(p.host_allowed("mcp.example.com"));
    EXPECT_TRUE(p.host_allowed("203.0.113.5:8000"));
    EXPECT_FALSE(p.host_allowed(""));
}

TEST(OriginPolicyPublic, OriginMustBeSameAsHost) {
    auto p = public_bind();
    EXPECT_TRUE(p.origin_allowed("https://mcp.example.com", "mcp.example.com"));
    EXPECT_TRUE(p.origin_allowed("http://mcp.example.com:8000", "mcp.example.com:8000"));
    EXPECT_FALSE(p.origin_allowed("http://mcp.example.com:8001", "mcp.example.com:8000"));
    EXPECT_FALSE(p.origin_allowed("https://evil.example", "mcp.example.com"));
    EXPECT_FALSE(p.origin_allowed("http://localhost:8000", "mcp.example.com"));
    EXPECT_FALSE(p.origin_allowed("null", "mcp.example.com"));
}

}  // namespace

namespace {

TEST(OriginPolicyLoopback, MappedAndOtherLoopbackFormsAreLoopback) {
    EXPECT_TRUE(OriginPolicy::is_loopback_address("::ffff:127.0.0.1"));
    EXPECT_TRUE(OriginPolicy::is_loopback_address("[::ffff:127.0.0.1]"));
    EXPECT_TRUE(OriginPolicy::is_loopback_address("::FFFF:127.0.0.2"));
    EXPECT_TRUE(OriginPolicy::is_loopback_address("0:0:0:0:0:0:0:1"));
    EXPECT_TRUE(OriginPolicy::is_loopback_address("LOCALHOST"));
    EXPECT_FALSE(OriginPolicy::is_loopback_address("::ffff:10.0.0.1"));
    EXPECT_FALSE(OriginPolicy::is_loopback_address("::"));
    EXPECT_FALSE(OriginPolicy::is_loopback_address("192.168.1.10"));
    EXPECT_FALSE(OriginPolicy::is_loopback_address("127.evil.example"));
}

TEST(OriginPolicyLoopback, AMappedLoopbackBindRefusesARebindingPage) {
    HttpOptions o;
    o.host = "::ffff:127.0.0.1";
    OriginPolicy policy(o);
    EXPECT_FALSE(policy.host_allowed("rebind.evil.example"));
    EXPECT_FALSE(policy.host_allowed("rebind.evil.example:8000"));
    EXPECT_FALSE(policy.origin_allowed("http://rebind.evil.example:8000", "127.0.0.1:8000"));
    EXPECT_TRUE(policy.host_allowed("127.0.0.1:8000"));
    EXPECT_TRUE(policy.host_allowed("[::ffff:127.0.0.1]:8000"));
}

TEST(OriginPolicyBind, NonLoopbackNeedsAllowedHostsOrAuth) {
    for (const char* host : {"0.0.0.0", "::", "192.168.1.10", "10.0.0.1"}) {
        HttpOptions o;
        o.host = host;
        const auto refusal = OriginPolicy::bind_refusal(o, false);
        EXPECT_NE(refusal.find("--allowed-host"), std::string::npos) << host;
        EXPECT_TRUE(OriginPolicy::bind_refusal(o, true).empty()) << host;
        o.allowed_hosts = {"mcp.example.com"};
        EXPECT_TRUE(OriginPolicy::bind_refusal(o, false).empty()) << host;
    }
    for (const char* host : {"127.0.0.1", "localhost", "::1", "::ffff:127.0.0.1"}) {
        HttpOptions o;
        o.host = host;
        EXPECT_TRUE(OriginPolicy::bind_refusal(o, false).empty()) << host;
    }
}

}  // namespace
