#include "observability/hub.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace warden::observability {

namespace {

std::atomic<Metrics*> installed_metrics{nullptr};
std::atomic<AuditLog*> installed_audit{nullptr};

// Every sink ever installed, never freed: a thread may still hold a pointer it loaded.
std::mutex keep_mutex;
std::vector<std::shared_ptr<void>> kept;

// When each JWKS was last fetched successfully. Fetches are rare (TTL, cooldown): a mutex.
std::mutex key_sets_mutex;
std::map<std::string, std::chrono::system_clock::time_point, std::less<>> key_sets;

std::vector<std::pair<std::string, double>> key_set_ages() {
    const auto now = std::chrono::system_clock::now();
    std::vector<std::pair<std::string, double>> out;
    std::lock_guard lock(key_sets_mutex);
    for (const auto& [uri, at] : key_sets)
        out.emplace_back(uri, std::chrono::duration<double>(now - at).count());
    return out;
}

}  // namespace

void install(std::shared_ptr<Metrics> metrics, std::shared_ptr<AuditLog> audit) {
    if (metrics)
        metrics->add_gauge("warden_jwks_key_set_age_seconds",
                           "Seconds since each JWKS was last fetched successfully.", "jwks_uri",
                           &key_set_ages);
    {
        std::lock_guard lock(keep_mutex);
        if (metrics) kept.push_back(metrics);
        if (audit) kept.push_back(audit);
    }
    installed_metrics.store(metrics.get(), std::memory_order_release);
    installed_audit.store(audit.get(), std::memory_order_release);
}

Metrics* metrics() noexcept {
    return installed_metrics.load(std::memory_order_acquire);
}

AuditLog* audit_log() noexcept {
    return installed_audit.load(std::memory_order_acquire);
}

void note_key_set_fetched(std::string_view jwks_uri) {
    std::lock_guard lock(key_sets_mutex);
    auto it = key_sets.find(jwks_uri);
    if (it == key_sets.end())
        it = key_sets.emplace(std::string(jwks_uri), std::chrono::system_clock::time_point{}).first;
    it->second = std::chrono::system_clock::now();
}

void audit(const AuditRecord& record) {
    if (auto* log = audit_log()) log->write(record);
}

}  // namespace warden::observability
