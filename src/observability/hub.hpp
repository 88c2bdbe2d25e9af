#pragma once
// The process's observability sinks: the metrics and the audit log the app turned on.
// Installed once before serving and read through atomic pointers, so that a module records
// without being handed anything and a request pays one relaxed load when a sink is off.
// Installed sinks live until the process ends (threads may still hold them).

#include "observability/audit_log.hpp"
#include "observability/metrics.hpp"

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string_view>

namespace warden::observability {

/// Turns the sinks on (null: off). Call before serving; later calls replace them.
void install(std::shared_ptr<Metrics> metrics, std::shared_ptr<AuditLog> audit);

/// The installed metrics, or nullptr.
Metrics* metrics() noexcept;
/// The installed audit log, or nullptr.
AuditLog* audit_log() noexcept;

/// Counts one into `series` when metrics are on.
inline void count(Series series, std::initializer_list<std::string_view> labels) {
    if (auto* m = metrics()) m->count(series, labels);
}
/// Records the time since `since` into the histogram `series` when metrics are on.
inline void observe_since(Series series, std::initializer_list<std::string_view> labels,
                          std::chrono::steady_clock::time_point since) {
    if (auto* m = metrics()) m->observe(series, labels, std::chrono::steady_clock::now() - since);
}
/// Moves a level when metrics are on.
inline void add(Level level, std::int64_t delta) noexcept {
    if (auto* m = metrics()) m->add(level, delta);
}

/// Holds one unit of a level for its lifetime (an open session, stream, listener). The
/// metrics of its birth get the decrement, whatever is installed by then.
class LevelHold {
  public:
    explicit LevelHold(Level level) noexcept : level_(level), metrics_(metrics()) {
        if (metrics_) metrics_->add(level_, 1);
    }
    ~LevelHold() {
        if (metrics_) metrics_->add(level_, -1);
    }
    LevelHold(const LevelHold&) = delete;
    LevelHold& operator=(const LevelHold&) = delete;

  private:
    Level level_;
    Metrics* metrics_;
};

/// Times a scope into a histogram series (e.g. a store operation).
class ScopedTimer {
  public:
    ScopedTimer(Series series, std::string_view label) noexcept
        : series_(series), label_(label), start_(std::chrono::steady_clock::now()) {}
    ~ScopedTimer() { observe_since(series_, {label_}, start_); }
    ScopedTimer(const ScopedTimer&) = delete;
    ScopedTimer& operator=(const ScopedTimer&) = delete;

  private:
    Series series_;
    std::string_view label_;
    std::chrono::steady_clock::time_point start_;
};

/// Records that the key set at `jwks_uri` was fetched now, for the
/// warden_jwks_key_set_age_seconds gauge (one series per configured JWKS URI).
void note_key_set_fetched(std::string_view jwks_uri);

/// Writes `record` to the audit log when one is installed.
void audit(const AuditRecord& record);

}  // namespace warden::observability
