#pragma once
// The audit log: one JSON line per auth decision and per tool call, for operators who
// must answer "who called what, and was it allowed". Never a token, a secret or a code:
// the record has no field that could hold one.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace warden::observability {

/// One line of the audit log. Empty strings are left out of the line.
struct AuditRecord {
    std::string event{};       ///< "auth" (a front-door decision) or "tool_call"
    std::string request_id{};  ///< the JSON-RPC id as JSON text, when known
    std::string trace_id{};
    std::string issuer{};
    std::string subject{};
    std::string client_id{};
    std::string operation{};  ///< e.g. "tools/call echo", "POST /mcp"
    std::string decision{};   ///< "allow", "deny", "error"
    std::string reason{};     ///< a fixed reason code (missing_token, expired, scope, ...)
    std::vector<std::string> required_scopes{};
    std::chrono::microseconds duration{-1};  ///< negative: not measured
    /// Lines like this one left out just before it (a capped flood of refusals).
    std::uint64_t suppressed = 0;
};

/// Appends records to a file or standard output. Thread-safe.
class AuditLog {
  public:
    /// Opens `path` for appending (created 0600), or standard output for "-".
    /// Throws std::system_error when the file cannot be opened (a startup error).
    explicit AuditLog(std::string path);
    ~AuditLog();
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    /// Writes one line: the record as a JSON object with `time` (RFC 3339, UTC) first.
    void write(const AuditRecord& record);
    /// Opens the path again (after logrotate moved the file; wired to SIGHUP). Keeps the
    /// old file when the new one cannot be opened.
    void reopen();

    /// Makes every audit log reopen its file before its next line. Async-signal-safe.
    static void request_reopen() noexcept;
    /// Installs a SIGHUP handler that calls request_reopen (logrotate's usual signal).
    static void reopen_on_sighup();

    /// The JSON line for `record` at `now`, without the newline (exposed for tests).
    static std::string format(const AuditRecord& record, std::chrono::system_clock::time_point now);

  private:
    std::string path_;
    std::mutex mutex_;  // one write(2) per line; reopen swaps the descriptor under it
    int fd_ = -1;
    std::atomic<unsigned> seen_generation_{0};  // of reopen requests (request_reopen)
};

}  // namespace warden::observability
