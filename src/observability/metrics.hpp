#pragma once
// Warden's Prometheus metrics. Recording is lock-free: each thread counts into its own
// shard (relaxed atomics written by that thread only) and a scrape adds the shards up.
// prometheus-cpp's own Histogram takes a mutex per observation, so it serves here only
// for the data model and the text exposition format.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace warden::observability {

/// What a series counts. Each kind has fixed label names (see metrics.cpp).
enum class Series : std::uint8_t {
    requests,          ///< counter {method, era, outcome}
    request_duration,  ///< histogram {method, tool}
    auth_decisions,    ///< counter {result, reason}
    jwks_fetches,      ///< counter {result}
    token_cache,       ///< counter {result}
    introspection,     ///< counter {result}
    store_duration,    ///< histogram {operation}
};

/// Process-wide values that go up and down.
enum class Level : std::uint8_t {
    sessions,            ///< legacy-era HTTP sessions alive
    sse_streams,         ///< HTTP responses open as SSE streams
    listen_streams,      ///< 2026-07-28 subscriptions/listen requests open
    worker_queue_depth,  ///< handlers queued or running on the worker pool
};

class Metrics {
  public:
    Metrics();
    ~Metrics();
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    /// Adds one to a counter series. `labels` are in the series' label order; the caller
    /// keeps them bounded (see method_label). Lock-free after the thread's first use of a
    /// series.
    void count(Series series, std::initializer_list<std::string_view> labels, double amount = 1);
    /// Records a duration in a histogram series.
    void observe(Series series, std::initializer_list<std::string_view> labels,
                 std::chrono::nanoseconds duration);

    void add(Level level, std::int64_t delta) noexcept;
    void set(Level level, std::int64_t value) noexcept;

    /// A gauge computed at scrape time (e.g. a key set's age), one sample per label value.
    /// `sample` returns (label value, value) pairs. Register before serving.
    using Sampler = std::function<std::vector<std::pair<std::string, double>>()>;
    void add_gauge(std::string name, std::string help, std::string label, Sampler sample);

    /// The Prometheus text exposition (version 0.0.4) of every series.
    std::string exposition() const;

    /// `method` if it is an MCP method this server knows, else "other": a client choosing
    /// method names must not grow the number of series.
    static std::string_view method_label(std::string_view method) noexcept;

    struct Shard;

  private:
    Shard& local_shard();

    const std::uint64_t generation_;  // tells a thread's cached shard from a dead instance's
    mutable std::mutex shards_mutex_;
    std::vector<std::unique_ptr<Shard>> shards_;
    std::array<std::atomic<std::int64_t>, 4> levels_{};
    struct Gauge {
        std::string name, help, label;
        Sampler sample;
    };
    std::vector<Gauge> gauges_;
};

}  // namespace warden::observability
