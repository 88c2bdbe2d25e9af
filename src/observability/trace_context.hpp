#pragma once
// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` and
// `tracestate` a request carries in its HTTP headers or, in MCP 2026-07-28, in `_meta`
// (SEP-414). Pure parsing; no I/O.

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace warden::observability {

/// The trace a request belongs to.
struct TraceContext {
    std::string trace_id{};    ///< 32 lowercase hex digits, never all zero
    std::string parent_id{};   ///< 16 lowercase hex digits, never all zero
    std::string flags{"00"};   ///< 2 hex digits (01: sampled)
    std::string tracestate{};  ///< passed on as received when valid, else empty

    /// The `traceparent` value that continues this trace (version 00).
    std::string traceparent() const;
};

/// Parses a `traceparent` value. Version 00 must have exactly four fields; a higher
/// version may carry more after the fourth (W3C §3.2.4: parse what version 00 defines).
/// Version ff, uppercase hex, all-zero ids and wrong lengths are refused (nullopt).
std::optional<TraceContext> parse_traceparent(std::string_view value);

/// `tracestate` is kept only when it is at most 512 characters of list members
/// (`key=value` separated by commas) without control characters; else dropped (W3C §3.3).
std::string sanitize_tracestate(std::string_view value);

/// A fresh trace for a request that arrived without one (random ids, not sampled). The
/// ids are unique, not secret (W3C §3.2.2.3): a per-thread generator seeded from the CSPRNG.
TraceContext new_trace();

/// The trace a request carries in `traceparent` (and `tracestate`), else a new one.
TraceContext continue_or_start(std::string_view traceparent, std::string_view tracestate);

/// The trace id of the request this thread is working on; empty when none. Log lines
/// carry it (see add_trace_id_to_log_lines).
std::string_view current_trace_id() noexcept;

/// Makes `trace_id` the thread's current trace id for the scope (nests). The string must
/// outlive the scope.
class TraceScope {
  public:
    explicit TraceScope(const std::string& trace_id) noexcept;
    ~TraceScope();
    TraceScope(const TraceScope&) = delete;
    TraceScope& operator=(const TraceScope&) = delete;

  private:
    const std::string* previous_;
};

/// Sets spdlog's pattern (every logger) to the default one followed by ` trace_id=...`
/// when the logging thread works on a request.
void add_trace_id_to_log_lines();

}  // namespace warden::observability
