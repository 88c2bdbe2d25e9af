#include "app/observe.hpp"

#include "observability/hub.hpp"
#include "observability/trace_context.hpp"
#include "transport/http/http_server.hpp"
#include "transport/http/origin_policy.hpp"

#include <spdlog/spdlog.h>

#include <system_error>
#include <thread>

namespace warden::app {

namespace obs = warden::observability;

namespace {

// The Prometheus text exposition format, version 0.0.4 (what promtool and every scraper
// read).
constexpr const char* kExpositionType = "text/plain; version=0.0.4; charset=utf-8";

transport::http::RouteHandler metrics_route(obs::Metrics* metrics) {
    return [metrics](const transport::http::RouteRequest& req) {
        if (req.method != "GET" && req.method != "HEAD") {
            transport::http::RouteResponse res{405, "text/plain; charset=utf-8",
                                               "Method Not Allowed"};
            res.headers.emplace_back("Allow", "GET, HEAD");
            return res;
        }
        return transport::http::RouteResponse{200, kExpositionType, metrics->exposition()};
    };
}

}  // namespace

// A listener of its own that serves only the exposition.
struct Observability::Listener {
    std::unique_ptr<transport::http::HttpServer> server;
    std::thread thread;
    ~Listener() {
        server->stop();
        thread.join();
    }
};

std::unique_ptr<Observability> Observability::start(const std::shared_ptr<server::ServerCore>& core,
                                                    const RunOptions& options) {
    const auto& o = options.observability;
    std::unique_ptr<Observability> self(new Observability());
    self->options_ = o.metrics;
    // Every log line of a request carries its trace id, whatever else is on.
    obs::add_trace_id_to_log_lines();

    std::shared_ptr<obs::AuditLog> audit;
    if (!o.audit_log.empty()) {
        if (o.audit_log == "-" && options.transport == RunOptions::Transport::stdio) {
            spdlog::critical(
                "audit log: '-' (standard output) is the MCP channel over stdio; give a file");
            return nullptr;
        }
        try {
            audit = std::make_shared<obs::AuditLog>(o.audit_log);
        } catch (const std::system_error& e) {
            spdlog::critical("audit log: cannot open {}: {}", o.audit_log, e.code().message());
            return nullptr;
        }
        if (o.audit_log != "-") obs::AuditLog::reopen_on_sighup();
    }
    std::shared_ptr<obs::Metrics> metrics;
    if (o.metrics.enabled()) metrics = std::make_shared<obs::Metrics>();
    if (o.metrics.on_main_port && options.transport == RunOptions::Transport::http &&
        o.metrics.path == options.http.endpoint) {
        spdlog::critical("metrics: the path {} is the MCP endpoint's", o.metrics.path);
        return nullptr;
    }
    obs::install(metrics, audit);

    if (o.metrics.port) {
        HttpOptions http;
        http.host = o.metrics.host;
        http.port = *o.metrics.port;
        http.endpoint.clear();  // the exposition only, never MCP
        http.stateless = true;
        http.io_threads = 1;
        auto server = std::make_unique<transport::http::HttpServer>(core, http);
        server->add_route(o.metrics.path, metrics_route(metrics.get()));
        if (auto ec = server->listen()) {
            spdlog::critical("metrics: cannot listen on {}:{}: {}", http.host, http.port,
                             ec.message());
            return nullptr;
        }
        spdlog::info("metrics: serving Prometheus metrics at http://{}:{}{}",
                     http.host.find(':') != std::string::npos ? "[" + http.host + "]" : http.host,
                     server->port(), o.metrics.path);
        if (!transport::http::OriginPolicy::is_loopback_address(http.host))
            spdlog::warn(
                "metrics: the metrics listener is bound to {}, beyond loopback: anyone "
                "who reaches it reads them",
                http.host);
        self->listener_ = std::make_unique<Listener>();
        self->listener_->server = std::move(server);
        self->listener_->thread =
            std::thread([s = self->listener_->server.get()] { s->run(false); });
    }
    if (o.metrics.on_main_port && options.transport == RunOptions::Transport::http &&
        !transport::http::OriginPolicy::is_loopback_address(options.http.host))
        spdlog::warn("metrics: {} is served on the main port, bound to {}, without auth",
                     o.metrics.path, options.http.host);
    if (audit) spdlog::info("audit log: {}", o.audit_log == "-" ? "standard output" : o.audit_log);
    return self;
}

Observability::~Observability() = default;

std::vector<std::pair<std::string, transport::http::RouteHandler>> Observability::main_port_routes()
    const {
    std::vector<std::pair<std::string, transport::http::RouteHandler>> routes;
    if (options_.on_main_port)
        if (auto* metrics = obs::metrics())
            routes.emplace_back(options_.path, metrics_route(metrics));
    return routes;
}

}  // namespace warden::app
