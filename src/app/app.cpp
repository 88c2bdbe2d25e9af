#include <warden/app.hpp>

#include "server/core.hpp"
#include "transport/http/http_server.hpp"
#include "transport/http/origin_policy.hpp"
#include "transport/http/resource_server_gate.hpp"
#include "transport/stdio/stdio_transport.hpp"

#include <warden/toolauth/secrets.hpp>
#include <warden/toolauth/tool_auth.hpp>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <thread>

#include <warden/auth.hpp>

namespace warden {

namespace {

transport::http::RouteHandler callback_route(std::shared_ptr<toolauth::ToolAuth> auth) {
    return [auth](const transport::http::RouteRequest& req) {
        if (req.method != "GET")
            return transport::http::RouteResponse{405, "text/plain; charset=utf-8",
                                                  "Method Not Allowed"};
        auto page = auth->handle_callback(req.query);
        return transport::http::RouteResponse{page.status, "text/html; charset=utf-8",
                                              std::move(page.html)};
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

}  // namespace

App::App(ServerInfo info, ServerOptions options)
    : core_(std::make_shared<server::ServerCore>(std::move(info), std::move(options))) {}

App& App::tool_auth(toolauth::ToolAuthOptions options) {
    tool_auth_ = toolauth::ToolAuth::create(std::move(options));
    return *this;
}

App::~App() {
    core_->shutdown();
}

App& App::add_tool(Tool tool) {
    core_->registry().add(std::move(tool));
    return *this;
}

App& App::add_resource(Resource resource) {
    core_->registry().add(std::move(resource));
    return *this;
}

App& App::add_resource_template(ResourceTemplate resource_template) {
    core_->registry().add(std::move(resource_template));
    return *this;
}

App& App::add_prompt(Prompt prompt) {
    core_->registry().add(std::move(prompt));
    return *this;
}

bool App::remove_tool(std::string_view name) {
    return core_->registry().remove_tool(name);
}
bool App::remove_resource(std::string_view uri) {
    return core_->registry().remove_resource(uri);
}
bool App::remove_prompt(std::string_view name) {
    return core_->registry().remove_prompt(name);
}

void App::notify_resource_updated(std::string_view uri) {
    core_->notify_resource_updated(uri);
}

App& App::auth(auth::ResourceServerAuth config) {
    auth_ = std::move(config);
    return *this;
}

namespace {

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

// Hides the tools whose required scopes the caller lacks (tools/list).
void install_tool_filter(server::ServerCore& core) {
    core.set_tool_filter([](const Tool& tool, const Principal* principal) {
        if (tool.required_scopes.empty()) return true;
        if (!principal) return false;
        return std::all_of(tool.required_scopes.begin(), tool.required_scopes.end(),
                           [&](const std::string& s) { return principal->has_scope(s); });
    });
}

}  // namespace

int App::run(int argc, char** argv) {
    RunOptions options;
    CLI::App cli{core_->info().title.empty() ? core_->info().name : core_->info().title};
    std::string transport = "stdio";
    cli.add_option("--transport", transport, "stdio or http")
        ->check(CLI::IsMember({"stdio", "http"}))
        ->capture_default_str();
    auto& http = options.http;
    cli.add_option("--host", http.host, "address to listen on (http)")->capture_default_str();
    cli.add_option("--port", http.port, "port to listen on (http; 0 picks a free one)")
        ->capture_default_str();
    cli.add_flag("--stateless", http.stateless, "HTTP without sessions");
    cli.add_flag("--json-response", http.json_response, "HTTP: answer with JSON, never SSE");
    cli.add_option("--io-threads", http.io_threads,
                   "HTTP: I/O threads (0: one per core, at most 4)")
        ->capture_default_str();
    std::size_t workers = core_->options().worker_threads;
    cli.add_option("--workers", workers, "threads that run tool, resource and prompt handlers")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cli.add_option("--allowed-host", http.allowed_hosts, "HTTP: accepted Host header (repeat)");
    cli.add_option("--allowed-origin", http.allowed_origins,
                   "HTTP: accepted Origin header (repeat)");
    // Limits, in the units of HttpOptions; mostly for operators and tests.
    cli.add_option("--max-body-bytes", http.max_body_bytes, "HTTP: larger bodies get 413")
        ->capture_default_str();
    cli.add_option("--max-header-bytes", http.max_header_bytes, "HTTP: larger headers get 431")
        ->capture_default_str();
    cli.add_option("--max-sessions", http.max_sessions, "HTTP: further initialize gets 503")
        ->capture_default_str();
    auto add_ms = [&](const char* name, std::chrono::milliseconds& field, const char* help) {
        cli.add_option_function<std::int64_t>(
               name, [&field](std::int64_t ms) { field = std::chrono::milliseconds(ms); }, help)
            ->check(CLI::PositiveNumber)
            ->default_str(std::to_string(field.count()));
    };
    add_ms("--session-idle-timeout-ms", http.session_idle_timeout,
           "HTTP: sessions unused this long are closed");
    add_ms("--read-timeout-ms", http.read_timeout,
           "HTTP: a request's headers and body must arrive within this time");
    add_ms("--shutdown-grace-ms", http.shutdown_grace,
           "HTTP: on SIGINT/SIGTERM, how long requests in flight may take to finish");
    cli.add_option("--log-level", options.log_level, "trace, debug, info, warn, error, off")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
        ->capture_default_str();
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return cli.exit(e);
    }
    if (workers != core_->options().worker_threads) core_->set_worker_threads(workers);
    options.transport =
        transport == "http" ? RunOptions::Transport::http : RunOptions::Transport::stdio;
    return serve(options);
}

int App::serve(const RunOptions& options) {
    // Logs go to stderr whatever the transport: stdout belongs to the protocol on stdio.
    auto logger = spdlog::get("warden");
    if (!logger) logger = spdlog::stderr_color_mt("warden");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::from_str(options.log_level));
    toolauth::install_log_redaction();
    if (!tool_auth_) tool_auth_ = toolauth::ToolAuth::create({});
    core_->set_tool_guard(
        [auth = tool_auth_](const Tool& tool, Context& ctx) { return auth->prepare(tool, ctx); });
    const std::string callback_path = tool_auth_->options().callback_path;

    if (options.transport == RunOptions::Transport::stdio) {
        spdlog::info("{} {} serving MCP over stdio", core_->info().name, core_->info().version);
        LoopbackListener loopback;
        tool_auth_->set_listener_starter([&loopback, core = core_, auth = tool_auth_,
                                          callback_path](
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
        int code = transport::serve_stdio(core_);
        core_->shutdown();
        tool_auth_->set_listener_starter(nullptr);
        return code;
    }
    bool auth_failed = false;
    auto auth_config = resolve_auth(auth_, auth_failed);
    if (auth_failed) return 2;
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
        if (auth_config->hide_unauthorized_tools) install_tool_filter(*core_);
    }
    transport::http::HttpServer server(core_, options.http, gate);
    server.add_route(callback_path, callback_route(tool_auth_));
    if (auto ec = server.listen()) {
        spdlog::error("cannot listen on {}:{}: {}", options.http.host, options.http.port,
                      ec.message());
        return 1;
    }
    const auto& h = options.http;
    spdlog::info("{} {} serving MCP at http://{}:{}{}{}", core_->info().name, core_->info().version,
                 h.host.find(':') != std::string::npos ? "[" + h.host + "]" : h.host, server.port(),
                 h.endpoint, h.stateless ? " (stateless)" : "");
    tool_auth_->set_redirect_uri(
        "http://" + (h.host.find(':') != std::string::npos ? "[" + h.host + "]" : h.host) + ":" +
        std::to_string(server.port()) + callback_path);
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
    core_->shutdown();
    return code;
}

}  // namespace warden
