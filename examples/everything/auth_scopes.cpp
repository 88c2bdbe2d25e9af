// Fixture only: the server-auth scope contract of conformance issue #480 (SEP-2350 scope
// challenges), on with --conformance-auth-scopes INTROSPECTION_URL. Opaque tokens are
// resolved by the RFC 7662 introspection endpoint the test runs; every call of the four
// operations below needs a kind-wide and an item scope, all named in one 403. With "-"
// instead of a URL the scopes are on and the resource server comes from the environment.
#include "fixture.hpp"

#include <warden/auth/config.hpp>

#include <boost/url/parse.hpp>

namespace everything {

namespace {

bool contract_on = false;

constexpr std::string_view kFlag = "--conformance-auth-scopes";

// The value of `--name VALUE` or `--name=VALUE` in argv, without removing it.
std::string option_value(int argc, char** argv, std::string_view name, std::string fallback) {
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == name && i + 1 < argc) return argv[i + 1];
        if (a.starts_with(name) && a.size() > name.size() && a[name.size()] == '=')
            return std::string(a.substr(name.size() + 1));
    }
    return fallback;
}

}  // namespace

std::vector<std::string> contract_scopes(std::string_view item) {
    if (!contract_on) return {};
    static constexpr std::string_view kPrefix = "mcp:conformance:";
    const auto kind = item.substr(0, item.find(':'));
    // tools -> tools:call, resources -> resources:read, prompts -> prompts:get
    const std::string_view verb = kind == "tools" ? "call" : kind == "resources" ? "read" : "get";
    return {std::string(kPrefix) + std::string(kind) + ":" + std::string(verb),
            std::string(kPrefix) + std::string(item)};
}

std::optional<warden::auth::ResourceServerAuth> take_conformance_auth(int& argc, char** argv,
                                                                      std::string& error) {
    std::string endpoint;
    int out = 1;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == kFlag && i + 1 < argc) {
            endpoint = argv[++i];
        } else if (a.starts_with(std::string(kFlag) + "=")) {
            endpoint = std::string(a.substr(kFlag.size() + 1));
        } else if (a == kFlag) {
            error = std::string(kFlag) + " needs the introspection endpoint's URL";
            return std::nullopt;
        } else {
            argv[out++] = argv[i];
        }
    }
    argc = out;
    argv[argc] = nullptr;
    if (endpoint.empty()) return std::nullopt;
    contract_on = true;
    // "-": the contract's scopes with the resource server from MCP_RESOURCE_SERVER_*
    // (Warden's own end-to-end tests, with a real authorization server issuing JWTs).
    if (endpoint == "-") return std::nullopt;

    auto url = boost::urls::parse_absolute_uri(endpoint);
    if (!url) {
        error = std::string(kFlag) + ": not an absolute URL: " + endpoint;
        return std::nullopt;
    }
    const std::string port = option_value(argc, argv, "--port", "8000");
    if (port == "0") {
        error = std::string(kFlag) + " needs an explicit --port (the canonical URL names it)";
        return std::nullopt;
    }
    std::string host = option_value(argc, argv, "--host", "127.0.0.1");
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    const std::string origin =
        std::string(url->scheme()) + "://" + std::string(url->encoded_authority());

    warden::auth::ResourceServerAuth config;
    config.canonical_url = "http://" + host + ":" + port + "/mcp";
    warden::auth::AuthorizationServerEntry as;
    as.authorization_server_url = origin;
    as.issuer = origin;
    // Fixed test credentials: the test's introspection endpoint accepts any client.
    as.introspection = warden::auth::Introspection{.endpoint = endpoint,
                                                   .client_id = "warden-everything",
                                                   .client_secret = "conformance-fixture"};
    config.authorization_servers.push_back(std::move(as));
    // The contract's fixed scopes (a template's depend on the URI), so a low token's
    // unrelated scopes stay out of the challenges.
    for (auto item : {"tools:test_simple_text", "resources:static", "prompts:test_simple_prompt"})
        config.scopes_supported =
            warden::auth::scope_union(std::move(config.scopes_supported), contract_scopes(item));
    return config;
}

}  // namespace everything
