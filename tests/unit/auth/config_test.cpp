#include <warden/auth.hpp>

#include <gtest/gtest.h>

#include <map>

namespace warden::auth {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        if (auto it = vars.find(std::string(name)); it != vars.end()) return it->second;
        return std::nullopt;
    };
}

constexpr const char* kServers =
    R"([{"authorization_server_url":"https://as.example","issuer":"https://as.example",)"
    R"("jwks_uri":"https://as.example/jwks"}])";

std::string error_of(std::map<std::string, std::string> vars) {
    auto r = load_from_env(env_of(std::move(vars)));
    return r ? std::string("<ok>") : r.error().message;
}

TEST(EnvConfig, NothingSetMeansAuthOff) {
    auto r = load_from_env(env_of({}));
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->has_value());
}

TEST(EnvConfig, ParsesArcadeCompatibleVariables) {
    auto r = load_from_env(env_of({
        {"MCP_RESOURCE_SERVER_CANONICAL_URL", "https://mcp.example/mcp"},
        {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS",
         R"([{"authorization_server_url":"https://as.example","issuer":"https://as.example",
              "algorithm":"RS256","expected_audiences":["a","b"],
              "validation_options":{"verify_nbf":false,"leeway":30}},
             {"authorization_server_url":"https://as2.example","issuer":"https://as2.example",
              "jwks_uri":"https://as2.example/jwks","algorithms":["ES256","EdDSA"]}])"},
        {"MCP_RESOURCE_SERVER_SCOPES_SUPPORTED", "mcp:tools  mcp:admin"},
        {"MCP_RESOURCE_SERVER_DEFAULT_CHALLENGE_SCOPES", "mcp:tools"},
    }));
    ASSERT_TRUE(r) << r.error().message;
    const auto& c = **r;
    EXPECT_EQ(c.canonical_url, "https://mcp.example/mcp");
    ASSERT_EQ(c.authorization_servers.size(), 2u);
    const auto& a = c.authorization_servers[0];
    EXPECT_TRUE(a.jwks_uri.empty());
    EXPECT_TRUE(a.algorithms.contains(jose::Algorithm::RS256));
    EXPECT_FALSE(a.algorithms.contains(jose::Algorithm::ES256));
    EXPECT_EQ(a.expected_audiences, (std::vector<std::string>{"a", "b"}));
    EXPECT_FALSE(a.validation_options.verify_nbf);
    EXPECT_TRUE(a.validation_options.verify_exp);
    EXPECT_EQ(a.validation_options.leeway.count(), 30);
    EXPECT_TRUE(c.authorization_servers[1].algorithms.contains(jose::Algorithm::EdDSA));
    EXPECT_EQ(c.scopes_supported, (std::vector<std::string>{"mcp:tools", "mcp:admin"}));
    EXPECT_EQ(c.default_challenge_scopes, (std::vector<std::string>{"mcp:tools"}));
    EXPECT_EQ(expected_audiences(c, c.authorization_servers[1]),
              (std::vector<std::string>{"https://mcp.example/mcp"}));
}

TEST(EnvConfig, ErrorsNameTheVariableAndTheProblem) {
    const std::string canon = "MCP_RESOURCE_SERVER_CANONICAL_URL";
    const std::string servers = "MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS";
    EXPECT_EQ(error_of({{servers, kServers}}),
              canon + ": is required when other MCP_RESOURCE_SERVER_* variables are set");
    EXPECT_EQ(error_of({{canon, "https://m/mcp"}}), servers + ": is required with " + canon);
    EXPECT_EQ(error_of({{canon, "https://m/mcp#frag"}, {servers, kServers}}),
              canon + ": must not contain a fragment");
    EXPECT_EQ(error_of({{canon, "http://mcp.example.com/mcp"}, {servers, kServers}}),
              canon + ": must use https (plain http is allowed only for loopback hosts)");
    EXPECT_EQ(error_of({{canon, "mcp"}, {servers, kServers}}), canon + ": is not an absolute URL");
    EXPECT_TRUE(error_of({{canon, "https://m/mcp"}, {servers, "[{"}})
                    .starts_with(servers + ": is not valid JSON"));
    EXPECT_EQ(error_of({{canon, "https://m/mcp"}, {servers, "[]"}}),
              servers + ": is an empty array");
    EXPECT_EQ(error_of({{canon, "https://m/mcp"}, {servers, R"([{"issuer":"https://a"}])"}}),
              servers + ": entry 0 is missing \"authorization_server_url\"");
    EXPECT_EQ(error_of({{canon, "https://m/mcp"},
                        {servers, R"([{"authorization_server_url":"https://a","issuer":"https://a",
                                       "algorithm":"HS256"}])"}}),
              servers +
                  ": entry 0: \"HS256\" is not an allowed algorithm (none and HMAC are "
                  "never accepted: RFC 8725 section 3.1)");
    EXPECT_EQ(error_of({{canon, "https://m/mcp"},
                        {servers, R"([{"authorization_server_url":"https://a","issuer":"https://a",
                                       "audience":"x"}])"}}),
              servers + ": entry 0 has an unknown field \"audience\"");
    EXPECT_EQ(
        error_of({{canon, "https://m/mcp"},
                  {servers,
                   R"([{"authorization_server_url":"http://as.example","issuer":"https://a"}])"}}),
        servers +
            "[0].authorization_server_url: must use https (plain http is allowed only "
            "for loopback hosts)");
    EXPECT_EQ(
        error_of({{canon, "https://m/mcp"},
                  {servers, R"([{"authorization_server_url":"https://a","issuer":"urn:x"}])"}}),
        servers +
            "[0].issuer: must be an https URL when jwks_uri is omitted (it is "
            "discovered from the issuer's metadata): must be an https URL");
    EXPECT_EQ(error_of({{canon, "https://m/mcp"},
                        {servers, R"([{"authorization_server_url":"https://a","issuer":"https://a",
                                       "validation_options":{"leeway":-1}}])"}}),
              servers +
                  ": entry 0.validation_options.leeway must be a non-negative number of "
                  "seconds");
}

TEST(EnvConfig, ScopeImplications) {
    const std::string var = "MCP_RESOURCE_SERVER_SCOPE_IMPLICATIONS";
    auto r =
        load_from_env(env_of({{"MCP_RESOURCE_SERVER_CANONICAL_URL", "https://m/mcp"},
                              {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS", kServers},
                              {var, R"({"mcp:admin":["mcp:tools"],"mcp:tools":["mcp:read"]})"}}));
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_TRUE(r->has_value());
    EXPECT_EQ((*r)->scope_implications.at("mcp:admin"), (std::vector<std::string>{"mcp:tools"}));
    EXPECT_EQ((*r)->scope_implications.size(), 2u);

    const auto with = [&](std::string value) {
        return error_of({{"MCP_RESOURCE_SERVER_CANONICAL_URL", "https://m/mcp"},
                         {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS", kServers},
                         {var, std::move(value)}});
    };
    EXPECT_TRUE(with("{").starts_with(var + ": is not valid JSON"));
    EXPECT_EQ(with(R"({"a":"b"})"), var + ": the value of \"a\" must be an array of scopes");
    EXPECT_EQ(with(R"({"a":["b c"]})"),
              var + ": \"a\" implies \"b c\", which is not a valid scope (RFC 6749 section 3.3)");
    // Alone, the variable turns auth on and asks for the rest.
    EXPECT_EQ(error_of({{var, "{}"}}),
              "MCP_RESOURCE_SERVER_CANONICAL_URL: is required when other "
              "MCP_RESOURCE_SERVER_* variables are set");
}

TEST(Config, ValidateChecksScopeImplications) {
    ResourceServerAuth config;
    config.canonical_url = "https://m/mcp";
    config.authorization_servers = {
        {.authorization_server_url = "https://a", .issuer = "https://a"}};
    EXPECT_TRUE(validate(config));
    config.scope_implications = {{"ok", {"not ok"}}};
    auto v = validate(config);
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().message,
              "scope_implications: \"ok\" implies \"not ok\", which is not a valid scope (RFC "
              "6749 section 3.3)");
}

TEST(EnvConfig, LoopbackHttpAndFileJwksAreAllowed) {
    auto r =
        load_from_env(env_of({{"MCP_RESOURCE_SERVER_CANONICAL_URL", "http://127.0.0.1:8000/mcp"},
                              {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS",
                               R"({"authorization_server_url":"http://localhost/dev","issuer":"dev",
              "jwks_uri":"file:///tmp/jwks.json"})"}}));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ((*r)->authorization_servers[0].jwks_uri, "file:///tmp/jwks.json");
}

TEST(EnvConfig, IntrospectionEntry) {
    auto entries = parse_authorization_servers(
        R"([{"authorization_server_url":"https://a","issuer":"https://a",
             "introspection":{"endpoint":"https://a/introspect","client_id":"rs",
                              "client_secret":"s","client_auth":"client_secret_post"}}])");
    ASSERT_TRUE(entries) << entries.error().message;
    const auto& in = entries.value()[0].introspection;
    ASSERT_TRUE(in);
    EXPECT_EQ(in->endpoint, "https://a/introspect");
    EXPECT_EQ(in->client_auth, Introspection::ClientAuth::client_secret_post);
    EXPECT_EQ(in->positive_ttl, std::chrono::minutes(5));  // the default
    auto bad = parse_authorization_servers(
        R"([{"authorization_server_url":"https://a","issuer":"https://a",
             "introspection":{"endpoint":"https://a/i","client_id":"rs"}}])");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message,
              "MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: entry "
              "0.introspection is missing \"client_secret\"");
}

// Issue 15: how long a token revoked at the AS keeps working is the operator's choice.
TEST(EnvConfig, IntrospectionCacheTtls) {
    auto entries = parse_authorization_servers(
        R"([{"authorization_server_url":"https://a","issuer":"https://a",
             "introspection":{"endpoint":"https://a/i","client_id":"rs","client_secret":"s",
                              "positive_ttl":0,"negative_ttl":30}}])");
    ASSERT_TRUE(entries) << entries.error().message;
    EXPECT_EQ(entries.value()[0].introspection->positive_ttl, std::chrono::seconds(0));
    EXPECT_EQ(entries.value()[0].introspection->negative_ttl, std::chrono::seconds(30));
    auto bad = parse_authorization_servers(
        R"([{"authorization_server_url":"https://a","issuer":"https://a",
             "introspection":{"endpoint":"https://a/i","client_id":"rs","client_secret":"s",
                              "positive_ttl":-1}}])");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("positive_ttl"), std::string::npos);
}

TEST(Config, ValidateRejectsEmptyLists) {
    ResourceServerAuth c;
    c.canonical_url = "https://m/mcp";
    auto r = validate(c);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message,
              "authorization_servers: at least one authorization server is needed");
    c.authorization_servers.push_back(
        {.authorization_server_url = "https://a", .issuer = "https://a"});
    c.authorization_servers[0].algorithms = {};
    EXPECT_EQ(validate(c).error().message, "authorization_servers[0].algorithms: is empty");
}

TEST(Dotenv, ParsesTheUsualForms) {
    auto r = parse_dotenv(
        "# comment\n"
        "A=plain value # trailing comment\n"
        "export B='single # not a comment'\n"
        "C=\"double \\\"quoted\\\"\\nnext\"\n"
        "D=\"[{\\\"k\\\": 1},\n  {\\\"k\\\": 2}]\"\n"
        "\n"
        "E=\n"
        "F = spaced\r\n");
    ASSERT_TRUE(r) << r.error().message;
    auto& m = r.value();
    EXPECT_EQ(m["A"], "plain value");
    EXPECT_EQ(m["B"], "single # not a comment");
    EXPECT_EQ(m["C"], "double \"quoted\"\nnext");
    EXPECT_EQ(m["D"], "[{\"k\": 1},\n  {\"k\": 2}]");
    EXPECT_EQ(m["E"], "");
    EXPECT_EQ(m["F"], "spaced");
}

TEST(Dotenv, ErrorsNameTheLine) {
    EXPECT_EQ(parse_dotenv("A=1\nnot a pair\n").error().message, ".env line 2: expected KEY=VALUE");
    EXPECT_EQ(parse_dotenv("A='open\n").error().message, ".env line 1: unterminated quoted value");
    EXPECT_EQ(parse_dotenv("1A=x").error().message, ".env line 1: invalid variable name");
    EXPECT_EQ(parse_dotenv("A='x' y").error().message,
              ".env line 1: unexpected text after the closing quote");
}

TEST(Dotenv, RealEnvironmentWinsOverTheFile) {
    const std::string path = ::testing::TempDir() + "warden_dotenv_test.env";
    {
        std::FILE* f = std::fopen(path.c_str(), "w");
        std::fputs("WARDEN_TEST_A=from-file\nWARDEN_TEST_B=from-file\n", f);
        std::fclose(f);
    }
    ::setenv("WARDEN_TEST_A", "from-env", 1);
    ::unsetenv("WARDEN_TEST_B");
    auto env = make_env_lookup(path);
    ASSERT_TRUE(env);
    EXPECT_EQ(env.value()("WARDEN_TEST_A"), "from-env");
    EXPECT_EQ(env.value()("WARDEN_TEST_B"), "from-file");
    EXPECT_EQ(env.value()("WARDEN_TEST_C"), std::nullopt);
    ::unsetenv("WARDEN_TEST_A");
    std::remove(path.c_str());
}

}  // namespace
}  // namespace warden::auth
