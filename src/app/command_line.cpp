// App::run: the command line every Warden server understands.
#include <warden/app.hpp>

#include "app/serve.hpp"
#include "server/core.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>

namespace warden {

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
    cli.add_option("--replica-id", http.replica_id,
                   "HTTP: this replica's name, the prefix of its session ids (load balancing)")
        ->envname("WARDEN_REPLICA_ID")
        ->check([](const std::string& v) -> std::string {
            return !v.empty() && app::valid_replica_id(v) ? std::string()
                                                          : "1-32 characters of A-Z a-z 0-9 _ -";
        });
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
    cli.add_option("--max-sessions-per-principal", http.max_sessions_per_principal,
                   "HTTP: sessions one authenticated user may hold; further initialize gets 429")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cli.add_option("--max-connections", http.max_connections,
                   "HTTP: requests on further connections get 503")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cli.add_option("--max-connections-per-client", http.max_connections_per_client,
                   "HTTP: connections from one client address (behind a proxy, the proxy's); "
                   "requests on further ones get 503")
        ->check(CLI::PositiveNumber)
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
    add_ms("--keep-alive-timeout-ms", http.keep_alive_timeout,
           "HTTP: an idle keep-alive connection is closed after this time");
    add_ms("--sse-retry-ms", http.sse_retry, "HTTP: the retry field of SSE priming events");
    cli.add_option("--log-level", options.log_level, "trace, debug, info, warn, error, off")
        ->envname("WARDEN_LOG_LEVEL")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
        ->capture_default_str();
    auto& obs = options.observability;
    cli.add_option_function<unsigned short>(
           "--metrics-port", [&obs](unsigned short port) { obs.metrics.port = port; },
           "serve Prometheus metrics on a listener of their own at this port (0: a free one)")
        ->envname("WARDEN_METRICS_PORT");
    cli.add_option("--metrics-host", obs.metrics.host,
                   "address of the metrics listener (loopback unless set)")
        ->envname("WARDEN_METRICS_HOST")
        ->capture_default_str();
    cli.add_flag("--metrics-on-main-port", obs.metrics.on_main_port,
                 "HTTP: also serve metrics on the main port, without MCP auth (opt-in)")
        ->envname("WARDEN_METRICS_ON_MAIN_PORT");
    cli.add_option("--metrics-path", obs.metrics.path, "path of the metrics exposition")
        ->envname("WARDEN_METRICS_PATH")
        ->capture_default_str();
    cli.add_option("--audit-log", obs.audit_log,
                   "append a JSON line per auth decision and tool call to PATH, or - for stdout")
        ->envname("WARDEN_AUDIT_LOG");
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

}  // namespace warden
