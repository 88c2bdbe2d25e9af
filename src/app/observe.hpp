#pragma once
// Internal to the app module: turning observability on for one run (the sinks, the
// metrics listener, SIGHUP for the audit log) and the /metrics route.

#include "server/core.hpp"
#include "transport/http/route.hpp"

#include <warden/app.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace warden::app {

/// Observability for one run. Destroying it stops the metrics listener.
class Observability {
  public:
    /// Installs the metrics and the audit log `options` asks for and starts the metrics
    /// listener. Null, with the reason logged, when they cannot start (a bad audit log
    /// path, `-` over stdio, a metrics port that cannot be bound): the server must not
    /// run without the audit trail it was told to keep.
    static std::unique_ptr<Observability> start(const std::shared_ptr<server::ServerCore>& core,
                                                const RunOptions& options);
    ~Observability();
    Observability(const Observability&) = delete;
    Observability& operator=(const Observability&) = delete;

    /// The routes to add to the main HTTP port (the exposition when `on_main_port`).
    std::vector<std::pair<std::string, transport::http::RouteHandler>> main_port_routes() const;

    struct Listener;

  private:
    Observability() = default;
    MetricsOptions options_{};
    std::unique_ptr<Listener> listener_{};
};

}  // namespace warden::app
