// The tool guard through a real session: the HTTP restriction, secrets, _meta; plus
// scopes, providers and log redaction.
#include "server/core.hpp"
#include "server/session.hpp"

#include <warden/toolauth.hpp>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>

namespace {

namespace json = boost::json;
namespace ta = warden::toolauth;
using warden::TransportKind;

class FakeExchange : public warden::server::Exchange {
  public:
    explicit FakeExchange(TransportKind kind) : kind_(kind) {}
    void send(json::object) override {}
    void complete(json::value response) override {
        std::lock_guard lock(mutex_);
        completed_ = std::move(response);
        done_ = true;
        cv_.notify_all();
    }
    TransportKind transport() const override { return kind_; }
    json::value wait() {
        std::unique_lock lock(mutex_);
        cv_.wait_for(lock, std::chrono::seconds(5), [&] { return done_; });
        return completed_;
    }

  private:
    TransportKind kind_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool done_ = false;
    json::value completed_;
};

ta::EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars](std::string_view n) -> std::optional<std::string> {
        auto it = vars.find(std::string(n));
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

struct Harness {
    std::shared_ptr<warden::server::ServerCore> core;
    std::shared_ptr<ta::ToolAuth> auth;
    std::string seen_secret;

    explicit Harness(ta::EnvLookup env, ta::ToolAuthOptions o = {}) {
        core = std::make_shared<warden::server::ServerCore>(warden::ServerInfo{"t", "1"},
                                                            warden::ServerOptions{});
        auth = ta::ToolAuth::create(o, std::move(env));
        core->set_tool_guard(
            [a = auth](const warden::Tool& t, warden::Context& c) { return a->prepare(t, c); });
        warden::Tool secret_tool;
        secret_tool.name = "needs_secret";
        secret_tool.requires_secrets = {"API_KEY"};
        secret_tool.handler = [this](const json::object&, warden::Context& ctx) {
            seen_secret = ctx.secret("API_KEY") ? *ctx.secret("API_KEY") : "";
            EXPECT_EQ(ctx.secret("OTHER"), nullptr);  // only what was declared
            return warden::ToolResult::text("ran");
        };
        core->registry().add(secret_tool);
        warden::Tool reserved;
        reserved.name = "wants_store_key";
        reserved.requires_secrets = {"WARDEN_TOOLAUTH_KEY"};
        reserved.handler = [](const json::object&, warden::Context&) {
            return warden::ToolResult::text("ran");
        };
        core->registry().add(reserved);
        warden::Tool github;
        github.name = "list_my_repos";
        github.requires_auth = warden::AuthRequirement{"github", {"repo"}};
        github.handler = [](const json::object&, warden::Context&) {
            return warden::ToolResult::text("ran");
        };
        core->registry().add(github);
    }
    ~Harness() { core->shutdown(); }

    json::object call(TransportKind kind, const std::string& tool) {
        auto session = core->create_session("");
        session->assume_initialized("2025-06-18");
        auto ex = std::make_shared<FakeExchange>(kind);
        session->handle(
            json::parse(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":")" +
                        tool + R"(","arguments":{}}})"),
            ex);
        return ex->wait().as_object().at("result").as_object();
    }
    std::string text(const json::object& result) {
        return std::string(result.at("content").as_array()[0].as_object().at("text").as_string());
    }
};

TEST(ToolGuard, HttpWithoutPrincipalRefuses) {
    Harness h(env_of({{"API_KEY", "s3cret-value"}}));
    auto r = h.call(TransportKind::http, "needs_secret");
    EXPECT_TRUE(r.at("isError").as_bool());
    EXPECT_NE(h.text(r).find("without server-level authentication"), std::string::npos);
    EXPECT_NE(h.text(r).find("MCP_RESOURCE_SERVER_"), std::string::npos);
    EXPECT_TRUE(h.seen_secret.empty());
    auto g = h.call(TransportKind::http, "list_my_repos");
    EXPECT_TRUE(g.at("isError").as_bool());
}

TEST(ToolGuard, StdioGetsExactlyTheDeclaredSecret) {
    Harness h(env_of({{"API_KEY", "s3cret-value"}, {"OTHER", "nope"}}));
    auto r = h.call(TransportKind::stdio, "needs_secret");
    EXPECT_FALSE(r.contains("isError") && r.at("isError").as_bool());
    EXPECT_EQ(h.seen_secret, "s3cret-value");
}

TEST(ToolGuard, MissingSecretIsNamedBeforeTheToolRuns) {
    Harness h(env_of({}));
    auto r = h.call(TransportKind::stdio, "needs_secret");
    EXPECT_TRUE(r.at("isError").as_bool());
    EXPECT_NE(h.text(r).find("missing secret(s) API_KEY"), std::string::npos);
    EXPECT_TRUE(h.seen_secret.empty());
}

TEST(ToolGuard, ReservedSecretNamesAreNeverHandedOut) {
    Harness h(env_of({{"WARDEN_TOOLAUTH_KEY", std::string(64, 'a')}}));
    auto r = h.call(TransportKind::stdio, "wants_store_key");
    EXPECT_TRUE(r.at("isError").as_bool());
    EXPECT_EQ(h.text(r).find(std::string(64, 'a')), std::string::npos);
    EXPECT_NE(h.text(r).find("reserved"), std::string::npos);
}

TEST(ToolGuard, UnconfiguredProviderSaysWhichVariables) {
    Harness h(env_of({}));
    auto r = h.call(TransportKind::stdio, "list_my_repos");
    EXPECT_TRUE(r.at("isError").as_bool());
    EXPECT_NE(h.text(r).find("WARDEN_PROVIDER_GITHUB_CLIENT_ID"), std::string::npos);
}

TEST(ToolGuard, ToolsListShowsRequirementsInMeta) {
    Harness h(env_of({}));
    auto session = h.core->create_session("");
    session->assume_initialized("2025-06-18");
    auto ex = std::make_shared<FakeExchange>(TransportKind::stdio);
    session->handle(json::parse(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})"), ex);
    auto tools = ex->wait().as_object().at("result").as_object().at("tools").as_array();
    bool found = false;
    for (const auto& t : tools) {
        if (t.as_object().at("name") != "list_my_repos") continue;
        found = true;
        const auto& req = t.as_object().at("_meta").at("warden").at("requirements");
        EXPECT_EQ(req.at("authorization").at("provider_id"), "github");
        EXPECT_EQ(req.at("authorization").at("provider_type"), "oauth2");
        EXPECT_EQ(req.at("authorization").at("oauth2").at("scopes").as_array()[0], "repo");
    }
    EXPECT_TRUE(found);
}

TEST(Scopes, UnionCoverAndParse) {
    EXPECT_EQ(ta::parse_scopes("repo,read:user  gist repo"),
              (std::vector<std::string>{"gist", "read:user", "repo"}));
    EXPECT_TRUE(ta::scopes_cover({"gist", "repo"}, {"repo"}));
    EXPECT_FALSE(ta::scopes_cover({"gist"}, {"repo"}));
    EXPECT_TRUE(ta::scopes_cover({}, {}));
    EXPECT_EQ(ta::scope_union({"repo"}, {"gist", "repo", ""}),
              (std::vector<std::string>{"gist", "repo"}));
}

TEST(Providers, PresetsAndEnvironmentOverrides) {
    auto presets = ta::providers::presets();
    ASSERT_EQ(presets.size(), 4u);
    EXPECT_EQ(presets[0].id, "github");
    EXPECT_EQ(presets[3].scope_parameter, "user_scope");
    auto gh = ta::providers::github();
    ta::apply_environment(gh,
                          env_of({{"WARDEN_PROVIDER_GITHUB_CLIENT_ID", "cid"},
                                  {"WARDEN_PROVIDER_GITHUB_TOKEN_ENDPOINT", "https://ghe/token"},
                                  {"WARDEN_PROVIDER_GITHUB_BASE_SCOPES", "openid"}}),
                          false);
    EXPECT_EQ(gh.client_id, "cid");
    EXPECT_EQ(gh.token_endpoint, "https://ghe/token");
    EXPECT_EQ(gh.base_scopes, std::vector<std::string>{"openid"});
    // Code wins over the environment for explicitly configured providers.
    auto custom = ta::providers::oauth2("acme", "https://a/auth", "https://a/token");
    custom.client_id = "from-code";
    ta::apply_environment(custom,
                          env_of({{"WARDEN_PROVIDER_ACME_CLIENT_ID", "env"},
                                  {"WARDEN_PROVIDER_ACME_TOKEN_ENDPOINT", "https://evil"}}),
                          true);
    EXPECT_EQ(custom.client_id, "from-code");
    EXPECT_EQ(custom.token_endpoint, "https://a/token");
    EXPECT_EQ(ta::provider_env_name("my-idp", "CLIENT_SECRET"),
              "WARDEN_PROVIDER_MY_IDP_CLIENT_SECRET");
}

TEST(Redaction, SecretValuesNeverReachALogLine) {
    std::ostringstream out;
    auto logger = std::make_shared<spdlog::logger>(
        "redaction-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
    auto previous = spdlog::default_logger();
    spdlog::set_default_logger(logger);
    ta::install_log_redaction();
    ta::register_secret_value("hunter2-very-secret");
    spdlog::info("calling with key hunter2-very-secret and again hunter2-very-secret");
    spdlog::default_logger()->flush();
    spdlog::set_default_logger(previous);
    EXPECT_EQ(out.str().find("hunter2"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("[REDACTED]"), std::string::npos);
    EXPECT_EQ(ta::redact("abc"), "abc");
}

}  // namespace

namespace {

// The state of the authorization URL a guarded call answered with.
std::string state_of(const json::object& result) {
    const auto& url = result.at("_meta").at("warden").at("authorization_url").as_string();
    const auto at = url.find("state=");
    EXPECT_NE(at, json::string::npos);
    const auto end = url.find('&', at);
    return std::string(
        url.subview().substr(at + 6, end == json::string::npos ? end : end - at - 6));
}

// A GitHub-like provider whose token endpoint refuses connections: a redirect that passes
// the state and iss checks ends in 502 (exchange failed), one that fails them in 400.
std::map<std::string, std::string> callback_env(const std::string& dir) {
    return {{"WARDEN_PROVIDER_GITHUB_CLIENT_ID", "cid"},
            {"WARDEN_PROVIDER_GITHUB_TOKEN_ENDPOINT", "http://127.0.0.1:9/token"},
            {"WARDEN_PROVIDER_GITHUB_ISSUER", "https://as.example/tenant"},
            {"WARDEN_TOOLAUTH_REDIRECT_URI", "http://127.0.0.1:1/oauth/callback"},
            {"WARDEN_TOOLAUTH_KEY", std::string(64, 'b')},
            {"WARDEN_TOOLAUTH_DB", dir + "/tokens.db"}};
}

struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/warden-guard-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST(ToolAuthCallback, IssMustMatchTheConfiguredIssuer) {
    TempDir dir;
    Harness h(env_of(callback_env(dir.path)));
    // RFC 9207 §2.4: the encoded issuer is decoded, then compared exactly.
    auto ok = h.auth->handle_callback(
        "code=c&state=" + state_of(h.call(TransportKind::stdio, "list_my_repos")) +
        "&iss=https%3A%2F%2Fas.example%2Ftenant");
    EXPECT_EQ(ok.status, 502u) << ok.html;  // past the iss check; the exchange fails
    for (const char* bad : {"https%3A%2F%2Fevil.example%2Ftenant", "https%3A%2F%2Fas.example",
                            "https%3A%2F%2Fas.example%2Ftenant%2F"}) {
        auto r = h.auth->handle_callback(
            "code=c&state=" + state_of(h.call(TransportKind::stdio, "list_my_repos")) +
            "&iss=" + bad);
        EXPECT_EQ(r.status, 400u) << bad;
        EXPECT_NE(r.html.find("unexpected issuer"), std::string::npos) << bad;
    }
    // Without requires_iss a missing iss is accepted (GitHub sends none).
    auto none = h.auth->handle_callback("code=c&state=" +
                                        state_of(h.call(TransportKind::stdio, "list_my_repos")));
    EXPECT_EQ(none.status, 502u);
}

TEST(ToolAuthCallback, MissingIssIsRejectedWhenTheProviderAlwaysSendsIt) {
    TempDir dir;
    ta::ToolAuthOptions o;
    auto github = ta::providers::github();
    github.requires_iss = true;
    o.providers.push_back(github);
    Harness h(env_of(callback_env(dir.path)), o);
    auto r = h.auth->handle_callback("code=c&state=" +
                                     state_of(h.call(TransportKind::stdio, "list_my_repos")));
    EXPECT_EQ(r.status, 400u);
    EXPECT_NE(r.html.find("unexpected issuer"), std::string::npos);
    // The state was consumed by the rejected redirect: a retry with iss is a replay.
    auto state = state_of(h.call(TransportKind::stdio, "list_my_repos"));
    EXPECT_EQ(h.auth->handle_callback("code=c&state=" + state).status, 400u);
    EXPECT_EQ(
        h.auth->handle_callback("code=c&state=" + state + "&iss=https%3A%2F%2Fas.example%2Ftenant")
            .status,
        400u);
}
