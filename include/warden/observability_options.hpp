#pragma once
// What a server tells operators about itself: Prometheus metrics, the audit log.
// docs/operations.md describes the metrics, the audit line and the trace context.

#include <optional>
#include <string>

namespace warden {

/// Where the Prometheus text exposition is served. Off unless a port is given or
/// `on_main_port` is set: metrics say who calls what and how often, so exposing them is
/// an operator's decision, never a default.
struct MetricsOptions {
    /// Serve the exposition on a listener of its own at this port (0: a free one), which
    /// serves nothing else. `--metrics-port`, WARDEN_METRICS_PORT.
    std::optional<unsigned short> port{};
    /// The address of that listener: loopback unless set explicitly. `--metrics-host`,
    /// WARDEN_METRICS_HOST.
    std::string host = "127.0.0.1";
    /// Also serve it on the main HTTP port, beside the MCP endpoint and outside the MCP
    /// auth (a scraper has no MCP token): only for a main port that is not public.
    /// `--metrics-on-main-port`, WARDEN_METRICS_ON_MAIN_PORT.
    bool on_main_port = false;
    /// The exposition's path on either listener. `--metrics-path`, WARDEN_METRICS_PATH.
    std::string path = "/metrics";

    /// True when metrics are collected at all.
    bool enabled() const { return port.has_value() || on_main_port; }
};

/// Observability of one run.
struct ObservabilityOptions {
    MetricsOptions metrics{};
    /// The audit log: a file (appended, created 0600; reopened on SIGHUP for logrotate),
    /// "-" for standard output (HTTP only: over stdio, stdout carries the protocol), empty
    /// for none. `--audit-log`, WARDEN_AUDIT_LOG.
    std::string audit_log{};
};

}  // namespace warden
