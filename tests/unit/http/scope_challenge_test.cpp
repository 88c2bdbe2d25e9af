// The 403 insufficient_scope challenge of the resource server gate: every needed scope in
// one WWW-Authenticate, the token's known scopes kept only for the legacy era, never
// offline_access; server-wide scopes checked with the scope hierarchy.
#include "transport/http/resource_server_gate.hpp"

#include <gtest/gtest.h>

namespace warden::transport::http {
namespace {

auth::ResourceServerAuth config() {
    auth::ResourceServerAuth c;
    c.canonical_url = "https://mcp.example/mcp";
    c.authorization_servers = {
        {.authorization_server_url = "https://as.example", .issuer = "https://as.example"}};
    // DPoP off: these tests read the Bearer challenge alone (dpop_test covers both).
    c.authorization_servers[0].dpop = auth::DpopPolicy::off;
    c.scopes_supported = {"mcp:tools", "mcp:admin"};
    return c;
}

Principal with(std::set<std::string> scopes) {
    return Principal{.user_id = "u", .scopes = std::move(scopes)};
}

constexpr std::string_view kMetadata =
    "resource_metadata=\"https://mcp.example/.well-known/oauth-protected-resource/mcp\"";

TEST(ScopeChallenge, NamesEveryNeededScopeInOneChallenge) {
    ResourceServerGate gate(config(), nullptr);
    auto d = gate.insufficient_scope(with({"other"}), {"mcp:tools", "mcp:admin"},
                                     GrantedScopes::omitted);
    EXPECT_EQ(d.status, 403u);
    EXPECT_EQ(d.www_authenticate,
              "Bearer " + std::string(kMetadata) +
                  ", scope=\"mcp:tools mcp:admin\", error=\"insufficient_scope\", "
                  "error_description=\"the token lacks a scope this request requires\"");
    EXPECT_EQ(
        d.body,
        R"({"error":"insufficient_scope","error_description":"the token lacks a scope this request requires"})");
}

TEST(ScopeChallenge, LegacyEraKeepsTheTokensKnownScopes) {
    ResourceServerGate gate(config(), nullptr);
    // mcp:tools is known (scopes_supported) and kept; "other" is not this server's.
    auto kept =
        gate.insufficient_scope(with({"mcp:tools", "other"}), {"mcp:admin"}, GrantedScopes::kept);
    EXPECT_NE(kept.www_authenticate.find("scope=\"mcp:tools mcp:admin\""), std::string::npos)
        << kept.www_authenticate;
    auto omitted = gate.insufficient_scope(with({"mcp:tools", "other"}), {"mcp:admin"},
                                           GrantedScopes::omitted);
    EXPECT_NE(omitted.www_authenticate.find("scope=\"mcp:admin\""), std::string::npos)
        << omitted.www_authenticate;
}

TEST(ScopeChallenge, NeverOfflineAccess) {
    auto c = config();
    c.scopes_supported.push_back("offline_access");
    ResourceServerGate gate(c, nullptr);
    auto d = gate.insufficient_scope(with({"offline_access"}), {"mcp:admin", "offline_access"},
                                     GrantedScopes::kept);
    EXPECT_EQ(d.www_authenticate.find("offline_access"), std::string::npos) << d.www_authenticate;
    auto d401 = gate.decide(auth::Condition::invalid_token, false, {}, {"offline_access", "a"});
    EXPECT_EQ(d401.www_authenticate, "Bearer " + std::string(kMetadata) + ", scope=\"a\"");
}

}  // namespace
}  // namespace warden::transport::http
