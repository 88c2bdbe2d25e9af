#pragma once
// A task of the tasks extension (`io.modelcontextprotocol/tasks`, SEP-2663): durable state
// of a long-running request, bound to the principal that created it, and its wire shape
// (`Task` / `DetailedTask`).

#include <warden/principal.hpp>

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace warden::tasks {

using Clock = std::chrono::system_clock;
using Millis = std::chrono::milliseconds;

/// SEP-2663 task status. completed, failed and cancelled are terminal.
enum class Status { working, input_required, completed, failed, cancelled };

/// "working", "input_required", "completed", "failed", "cancelled".
std::string_view to_string(Status s) noexcept;
/// The status named `s`, nullopt for anything else.
std::optional<Status> parse_status(std::string_view s) noexcept;
/// completed, failed or cancelled.
bool is_terminal(Status s) noexcept;

/// Who owns a task: every task request must come from the same issuer, subject and
/// client id (all empty: anonymous, e.g. stdio or HTTP without server-level auth).
struct Owner {
    std::string issuer{};
    std::string subject{};
    std::string client_id{};
    bool operator==(const Owner&) const = default;
};

/// The owner for a caller; anonymous when `principal` is null.
Owner owner_of(const Principal* principal);

/// What `TaskStore::create` needs.
struct NewTask {
    Owner owner{};
    /// The request the task runs (e.g. "tools/call") and its params (without `_meta`,
    /// `requestState`, `inputResponses`), so that any replica can run it again.
    std::string method{};
    boost::json::object params{};
    /// Time to live from creation; nullopt for unlimited. Purged after it.
    std::optional<Millis> ttl{};
    /// Suggested polling interval.
    std::optional<Millis> poll_interval{};
    std::string status_message{};
    /// Answers gathered before the task (InputRequiredResult rounds of the request that
    /// created it, SEP-2663 "Composition"): what the handler's input calls find.
    boost::json::object input_responses{};
};

/// A stored task.
struct Task {
    std::string id{};  ///< 192 random bits, base64url
    Owner owner{};
    Status status = Status::working;
    std::string status_message{};  ///< empty when none
    Clock::time_point created_at{};
    Clock::time_point updated_at{};
    std::optional<Millis> ttl{};
    std::optional<Millis> poll_interval{};
    std::string method{};
    boost::json::object params{};
    /// Outstanding input requests (key -> {method, params}); non-empty exactly when
    /// status is input_required.
    boost::json::object input_requests{};
    /// Every answer delivered through `tasks/update` so far (key -> result): what a
    /// re-run of the handler finds instead of asking again. Keys are unique over a task's
    /// life (SEP-2663), so answers are never replaced.
    boost::json::object input_responses{};
    /// Opaque state the runner keeps while waiting for input (e.g. a sealed requestState
    /// payload); empty when none. Never sent to the client.
    std::string resume_state{};
    std::optional<boost::json::object> result{};  ///< when completed
    std::optional<boost::json::object> error{};   ///< JSON-RPC error, when failed
    /// `tasks/cancel` arrived while the task was working; the runner decides.
    bool cancel_requested = false;
};

/// The SEP-2663 wire shape of `task` as `tasks/get` and `notifications/tasks` show it
/// (DetailedTask): taskId, status, statusMessage (when set), createdAt and lastUpdatedAt
/// (ISO 8601, UTC, milliseconds), ttlMs (integer or null), pollIntervalMs (when set),
/// inputRequests (input_required), result (completed), error (failed). No `resultType`
/// (the caller adds "complete" or "task") and never `requestState` or internal fields.
boost::json::object to_wire(const Task& task);

/// ISO 8601 in UTC with milliseconds: "2026-07-28T10:30:00.000Z".
std::string iso8601(Clock::time_point t);

}  // namespace warden::tasks
