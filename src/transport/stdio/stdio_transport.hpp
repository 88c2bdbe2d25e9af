#pragma once
// The stdio transport: newline-delimited JSON-RPC on stdin/stdout, one session.

#include "server/core.hpp"

#include <memory>

namespace warden::transport {

struct StdioOptions {
    int in_fd = 0;
    int out_fd = 1;
    /// A line longer than this is answered with an error and skipped.
    std::size_t max_message_bytes = 16 * 1024 * 1024;
    /// Stop on SIGINT/SIGTERM (installs handlers for the duration of the call).
    bool handle_signals = true;
};

/// Serves one client until end of input or a termination signal. On end of input,
/// requests in flight finish and their responses are written; on a signal they are
/// cancelled. Returns 0 on a clean stop.
int serve_stdio(const std::shared_ptr<server::ServerCore>& core, const StdioOptions& options = {});

}  // namespace warden::transport
