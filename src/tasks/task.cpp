#include <warden/tasks/task.hpp>

#include <cstdio>
#include <ctime>

namespace warden::tasks {

std::string_view to_string(Status s) noexcept {
    switch (s) {
        case Status::working:
            return "working";
        case Status::input_required:
            return "input_required";
        case Status::completed:
            return "completed";
        case Status::failed:
            return "failed";
        case Status::cancelled:
            return "cancelled";
    }
    return "failed";
}

std::optional<Status> parse_status(std::string_view s) noexcept {
    for (auto st : {Status::working, Status::input_required, Status::completed, Status::failed,
                    Status::cancelled})
        if (to_string(st) == s) return st;
    return std::nullopt;
}

bool is_terminal(Status s) noexcept {
    return s == Status::completed || s == Status::failed || s == Status::cancelled;
}

Owner owner_of(const Principal* principal) {
    if (!principal) return {};
    return Owner{principal->issuer, principal->user_id, principal->client_id};
}

std::string iso8601(Clock::time_point t) {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    const int frac = static_cast<int>(ms - static_cast<long long>(secs) * 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[80];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
    return buf;
}

boost::json::object to_wire(const Task& task) {
    boost::json::object o;
    o["taskId"] = task.id;
    o["status"] = to_string(task.status);
    if (!task.status_message.empty()) o["statusMessage"] = task.status_message;
    o["createdAt"] = iso8601(task.created_at);
    o["lastUpdatedAt"] = iso8601(task.updated_at);
    // SEP-2663: integer milliseconds, null for unlimited.
    if (task.ttl)
        o["ttlMs"] = task.ttl->count();
    else
        o["ttlMs"] = nullptr;
    if (task.poll_interval) o["pollIntervalMs"] = task.poll_interval->count();
    switch (task.status) {
        case Status::input_required:
            o["inputRequests"] = task.input_requests;
            break;
        case Status::completed:
            o["result"] = task.result ? *task.result : boost::json::object{};
            break;
        case Status::failed:
            o["error"] = task.error ? *task.error : boost::json::object{};
            break;
        case Status::working:
        case Status::cancelled:
            break;
    }
    return o;
}

}  // namespace warden::tasks
