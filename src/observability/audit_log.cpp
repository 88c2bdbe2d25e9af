#include "observability/audit_log.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <system_error>

namespace warden::observability {

namespace {

int open_append(const std::string& path) {
    if (path == "-") return ::dup(STDOUT_FILENO);
    return ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
}

std::string rfc3339(std::chrono::system_clock::time_point now) {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm utc{};
    ::gmtime_r(&seconds, &utc);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<int>(ms % 1000));
    return buf;
}

void put(boost::json::object& out, std::string_view key, const std::string& value) {
    if (!value.empty()) out[key] = value;
}

// Set by SIGHUP; a generation, so that each log (tests may hold several) reopens once.
std::atomic<unsigned> reopen_generation{0};
static_assert(std::atomic<unsigned>::is_always_lock_free);  // signal-safe

void on_sighup(int) {
    reopen_generation.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

void AuditLog::request_reopen() noexcept {
    reopen_generation.fetch_add(1, std::memory_order_relaxed);
}

void AuditLog::reopen_on_sighup() {
    struct sigaction action {};
    action.sa_handler = &on_sighup;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGHUP, &action, nullptr);
}

AuditLog::AuditLog(std::string path) : path_(std::move(path)), fd_(open_append(path_)) {
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "audit log " + path_);
    seen_generation_.store(reopen_generation.load(std::memory_order_relaxed),
                           std::memory_order_relaxed);
}

AuditLog::~AuditLog() {
    if (fd_ >= 0) ::close(fd_);
}

std::string AuditLog::format(const AuditRecord& r, std::chrono::system_clock::time_point now) {
    boost::json::object line;
    line["time"] = rfc3339(now);
    put(line, "event", r.event);
    put(line, "request_id", r.request_id);
    put(line, "trace_id", r.trace_id);
    put(line, "issuer", r.issuer);
    put(line, "subject", r.subject);
    put(line, "client_id", r.client_id);
    put(line, "operation", r.operation);
    put(line, "decision", r.decision);
    put(line, "reason", r.reason);
    if (!r.required_scopes.empty()) {
        boost::json::array scopes;
        for (const auto& s : r.required_scopes) scopes.emplace_back(s);
        line["required_scopes"] = std::move(scopes);
    }
    if (r.duration.count() >= 0)
        line["duration_ms"] = static_cast<double>(r.duration.count()) / 1000.0;
    if (r.suppressed > 0) line["suppressed"] = r.suppressed;
    return boost::json::serialize(line);
}

void AuditLog::write(const AuditRecord& record) {
    std::string text = format(record, std::chrono::system_clock::now());
    text.push_back('\n');
    // The reopen a signal asked for happens here, off the signal handler: the next line
    // goes to the file now at the path (logrotate moved the old one away).
    if (const auto wanted = reopen_generation.load(std::memory_order_relaxed);
        wanted != seen_generation_.load(std::memory_order_relaxed)) {
        seen_generation_.store(wanted, std::memory_order_relaxed);
        reopen();
    }
    std::lock_guard lock(mutex_);
    const char* p = text.data();
    std::size_t left = text.size();
    while (left > 0) {
        const ssize_t n = ::write(fd_, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;  // a full disk must not take requests down; the line is lost
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

void AuditLog::reopen() {
    const int fresh = open_append(path_);
    if (fresh < 0) return;
    std::lock_guard lock(mutex_);
    ::close(fd_);
    fd_ = fresh;
}

}  // namespace warden::observability
