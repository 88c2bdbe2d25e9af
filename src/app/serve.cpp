// Serving: the stdio and HTTP transports, with server-level auth and tool-level auth wired
// in. App::serve picks one; each function here owns one transport's lifetime.
#include "app/serve.hpp"

#include "transport/http/http_server.hpp"
#include "transport/http/origin_policy.hpp"
#include "transport/http/resource_server_gate.hpp"
#include "transport/stdio/stdio_transport.hpp"

#include <warden/auth.hpp>
#include <warden/toolauth/tool_auth.hpp>

#include <spdlog/spdlog.h>

#include <thread>

namespace warden::app {

namespace {

transport::http::RouteHandler callback_route(std::shared_ptr<toolauth::ToolAuth> auth) {
    return [auth](const transport::http::RouteRequest& req) {
        if (req.method != "GET")
            return transport::http::RouteResponse{405, "text/plain; charset=utf-8",
                                                  "Method Not Allowed"};
        auto page = auth->handle_callback(req.query, req.cookie);
        transport::http::RouteResponse res{page.status, "text/html; charset=utf-8",
                                           std::move(page.html)};
        if (!page.location.empty()) res.headers.emplace_back("Location", page.location);
        if (!page.set_cookie.empty()) res.headers.emplace_back("Set-Cookie", page.set_cookie);
        return res;
    };
}

// Over stdio the provider redirects the browser to a loopback listener started on the
// first authorization (RFC 8252 §7.3); it serves only the callback route.
struct LoopbackListener {
    std::unique_ptr<transport::http::HttpServer> server;
    std::thread thread;
    ~LoopbackListener() {
        if (!server) return;
        server->stop();
        thread.join();
    }
};

// Explicit C++ configuration wins; else the MCP_RESOURCE_SERVER_* environment and .env.
// nullopt with `failed` set when the configuration is invalid (already logged).
std::optional<auth::ResourceServerAuth> resolve_auth(
    const std::optional<auth::ResourceServerAuth>& explicit_config, bool& failed) {
    failed = false;
    if (explicit_config) {
        if (auto valid = auth::validate(*explicit_config); !valid) {
            spdlog::critical("auth: invalid configuration: {}", valid.error().message);
            failed = true;
            return std::nullopt;
        }
        return explicit_config;
    }
    auto env = auth::make_env_lookup(".env");
    if (!env) {
        spdlog::critical("auth: {}", env.error().message);
        failed = true;
        return std::nullopt;
    }
    auto loaded = auth::load_from_env(env.value());
    if (!loaded) {
        spdlog::critical("auth: invalid configuration: {}", loaded.error().message);
        failed = true;
        return std::nullopt;
    }
    return loaded.value();
}

// The scope policy of server-level auth: an operation needs the server-wide scopes plus
// its own; a granted scope also satisfies every scope it implies (MCP 2026-07-28: servers
// MUST account for scope hierarchies).
void install_scope_policy(server::ServerCore& core, const auth::ResourceServerAuth& config) {
    auto hierarchy = auth::ScopeHierarchy::create(config.scope_implications).value();
    core.set_scope_policy(
        [hierarchy = std::move(hierarchy), server_wide = config.required_scopes](
            const std::vector<std::string>& operation_scopes, const Principal& principal) {
            server::AccessDecision d;
            auto needed = auth::scope_union(server_wide, operation_scopes);
            if (hierarchy.missing(principal.scopes, needed).empty()) return d;
            d.allowed = false;
            d.needed = std::move(needed);
            return d;
        },
        config.hide_unauthorized_tools);
}

}  // namespace

int serve_stdio(const std::shared_ptr<server::ServerCore>& core,
                const std::shared_ptr<toolauth::ToolAuth>& tool_auth) {
    const std::string callback_path = tool_auth->options().callback_path;
    spdlog::info("{} {} serving MCP over stdio", core->info().name, core->info().version);
    LoopbackListener loopback;
    tool_auth->set_listener_starter([&loopback, core, auth = tool_auth, callback_path](
                                        unsigned short port) -> toolauth::result<std::string> {
        HttpOptions o;
        o.host = "127.0.0.1";
        o.port = port;
        o.endpoint.clear();  // the callback route only, never MCP
        o.stateless = true;
        auto server = std::make_unique<transport::http::HttpServer>(core, o);
        server->add_route(callback_path, callback_route(auth));
        if (auto ec = server->listen()) {
            spdlog::error("toolauth: cannot listen on 127.0.0.1:{}: {}", port, ec.message());
            return toolauth::Error::callback_unavailable;
        }
        const auto bound = server->port();
        loopback.server = std::move(server);
        loopback.thread = std::thread([s = loopback.server.get()] { s->run(false); });
        return "http://127.0.0.1:" + std::to_string(bound);
    });
    int code = transport::serve_stdio(core);
    core->shutdown();
    tool_auth->set_listener_starter(nullptr);
    return code;
}

bool valid_replica_id(std::string_view id) {
    return id.size() <= 32 &&
           id.find_first_not_of(
               "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") ==
               std::string_view::npos;
}

int serve_http(
    const std::shared_ptr<server::ServerCore>& core,
    const std::shared_ptr<toolauth::ToolAuth>& tool_auth,
    const std::optional<auth::ResourceServerAuth>& explicit_auth, const HttpOptions& http,
    const std::vector<std::pair<std::string, transport::http::RouteHandler>>& extra_routes) {
    if (!valid_replica_id(http.replica_id)) {
        spdlog::critical("http: replica_id must be 1-32 of A-Z a-z 0-9 _ -");
        return 2;
    }
    const std::string callback_path = tool_auth->options().callback_path;
    bool auth_failed = false;
    auto auth_config = resolve_auth(explicit_auth, auth_failed);
    if (auth_failed) return 2;
    if (auth_config)
        for (const auto& where : auth::drop_offline_access(*auth_config))
            spdlog::warn(
                "auth: offline_access removed from {}: it asks for a refresh token, which is "
                "no resource requirement; MCP servers do not advertise or challenge for it",
                where);
    if (auth_config)
        if (auto shared = tool_auth->shared_store_url()) {
            // Replicas on one database: a DPoP proof used on one must be a replay on all
            // (RFC 9449 section 11.1), and a nonce issued by one valid on all.
            if (!auth_config->dpop.replay_cache)
                auth_config->dpop.replay_cache = auth::DpopReplayCache::on_postgres(*shared);
            if (auth_config->dpop.require_nonce && auth_config->dpop.nonce_key.empty()) {
                spdlog::critical(
                    "not starting: replicas sharing a PostgreSQL store need a shared DPoP nonce "
                    "key: set MCP_RESOURCE_SERVER_DPOP_NONCE_KEY or _DPOP_NONCE_KEY_FILE "
                    "(DpopSettings::nonce_key)");
                return 2;
            }
        }
    std::shared_ptr<auth::TokenValidator> validator;
    std::shared_ptr<transport::http::AuthGate> gate;
    if (auth_config) {
        auto made = auth::make_validator(*auth_config);
        if (!made) {
            spdlog::critical("auth: invalid configuration: {}", made.error().message);
            return 2;
        }
        validator = made.value();
        gate = std::make_shared<transport::http::ResourceServerGate>(*auth_config, validator);
        install_scope_policy(*core, *auth_config);
    }
    if (auto refusal = transport::http::OriginPolicy::bind_refusal(http, gate != nullptr);
        !refusal.empty()) {
        spdlog::critical("http: {}", refusal);
        if (validator) validator->stop();
        return 2;
    }
    transport::http::HttpServer server(core, http, gate);
    server.add_route(callback_path, callback_route(tool_auth));
    for (const auto& [path, handler] : extra_routes) server.add_route(path, handler);
    if (auto ec = server.listen()) {
        spdlog::error("cannot listen on {}:{}: {}", http.host, http.port, ec.message());
        return 1;
    }
    const auto& h = http;
    const std::string origin =
        "http://" + (h.host.find(':') != std::string::npos ? "[" + h.host + "]" : h.host) + ":" +
        std::to_string(server.port());
    spdlog::info("{} {} serving MCP at {}{}{}", core->info().name, core->info().version, origin,
                 h.endpoint, h.stateless ? " (stateless)" : "");
    tool_auth->set_redirect_uri(origin + callback_path);
    if (auth_config) {
        std::string issuers;
        for (const auto& e : auth_config->authorization_servers)
            issuers += (issuers.empty() ? "" : ", ") + e.issuer;
        spdlog::info("auth: on (OAuth 2.1 resource server); canonical URL {}; trusted issuers: {}",
                     auth_config->canonical_url, issuers);
    } else {
        spdlog::info("auth: off (no MCP_RESOURCE_SERVER_* configuration)");
    }
    if (!auth_config && !transport::http::OriginPolicy::is_loopback_address(h.host))
        spdlog::warn(
            "!!! listening on a non-loopback address WITHOUT server-level auth: anyone "
            "who can reach {}:{} can call every tool. Configure MCP_RESOURCE_SERVER_* "
            "or bind to 127.0.0.1.",
            h.host, server.port());
    int code = server.run();
    // Fetch threads must not call back into the I/O context once it is gone.
    if (validator) validator->stop();
    core->shutdown();
    return code;
}

}  // namespace warden::app
