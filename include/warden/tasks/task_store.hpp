#pragma once
// Where tasks live: SQLite by default (the same database layer as the token store), or
// PostgreSQL for several replicas. Client-facing
// operations take the caller's `Owner` and answer not_found for anyone else's task;
// runner-facing operations (the server's own worker) take the id only.

#include <warden/tasks/error.hpp>
#include <warden/tasks/task.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace warden::tasks {

/// A status change by the task's runner.
struct Update {
    Status status = Status::working;
    /// Replaces the status message when set ("" clears it).
    std::optional<std::string> status_message{};
    /// input_required: every outstanding request (replaces earlier ones); none may reuse a
    /// key that was already answered.
    boost::json::object input_requests{};
    /// input_required: opaque runner state kept until the answers arrive.
    std::string resume_state{};
    /// completed: the request's result (e.g. a CallToolResult, isError included).
    boost::json::object result{};
    /// failed: the JSON-RPC error object.
    boost::json::object error{};
};

/// What `submit_input` did.
struct SubmitOutcome {
    /// Keys answered by this call (outstanding keys only; others are ignored, SEP-2663).
    std::vector<std::string> accepted{};
    /// Keys still outstanding.
    std::size_t remaining = 0;
    /// The last outstanding request was answered: the task went back to working and its
    /// runner should resume (re-run the handler with `input_responses`).
    bool resumed = false;
};

/// What `request_cancel` did (all are acknowledged alike on the wire).
enum class CancelOutcome {
    already_terminal,  ///< nothing to do (idempotent ack)
    cancelled,         ///< was waiting for input, nobody runs it: now cancelled
    requested,         ///< working: `cancel_requested` set, the runner decides
};

/// Limits of a task store.
struct StoreOptions {
    /// Unfinished (non-terminal) tasks one owner may have at once.
    std::size_t max_active_per_owner = 100;
};

/// Stores tasks. Implementations are thread-safe, and every operation is atomic (a
/// transaction), so replicas sharing a database see consistent tasks.
class TaskStore {
  public:
    virtual ~TaskStore() = default;

    // -- the caller's side: bound to the owner ------------------------------------------

    /// Creates a working task with a fresh random id; durable when this returns (SEP-2663:
    /// `tasks/get` must find it before `CreateTaskResult` is sent). Errors:
    /// too_many_tasks, store_unavailable.
    virtual result<Task> create(const NewTask& task, Clock::time_point now) = 0;

    /// The owner's task. Errors: not_found (unknown, another owner's, or past its TTL),
    /// store_unavailable.
    virtual result<Task> get(std::string_view id, const Owner& owner, Clock::time_point now) = 0;

    /// `tasks/update`: records answers to outstanding input requests (others ignored,
    /// non-object answers ignored); when none is left outstanding the task goes back to
    /// working. A terminal task accepts nothing and is not an error. Errors: not_found,
    /// store_unavailable.
    virtual result<SubmitOutcome> submit_input(std::string_view id, const Owner& owner,
                                               const boost::json::object& responses,
                                               Clock::time_point now) = 0;

    /// `tasks/cancel`. Errors: not_found, store_unavailable.
    virtual result<CancelOutcome> request_cancel(std::string_view id, const Owner& owner,
                                                 Clock::time_point now) = 0;

    /// The owner's live tasks, newest first, at most `limit`, after the task `after_id`
    /// (a cursor; empty for the first page). For the 2025-11-25 experimental `tasks/list`.
    /// Errors: store_unavailable.
    virtual result<std::vector<Task>> list(const Owner& owner, Clock::time_point now,
                                           std::size_t limit, std::string_view after_id) = 0;

    // -- the runner's side: by id -------------------------------------------------------

    /// The task whatever its owner (the runner resuming it). Errors: not_found,
    /// store_unavailable.
    virtual result<Task> load(std::string_view id) = 0;

    /// Moves the task to `update.status`. Errors: not_found, terminal (a terminal task
    /// never changes), invalid_transition, store_unavailable.
    virtual result<Task> update(std::string_view id, const Update& update,
                                Clock::time_point now) = 0;

    /// Live tasks in `working` whatever their owner, oldest first, at most `limit`: what a
    /// restarted server must resume (re-run with the recorded answers) or fail. With
    /// several replicas sharing a store this needs a claim (a lease per runner), which
    /// comes with the PostgreSQL store. Errors: store_unavailable.
    virtual result<std::vector<Task>> unfinished(Clock::time_point now, std::size_t limit) = 0;

    /// Deletes tasks past their TTL; returns how many.
    virtual result<std::size_t> purge_expired(Clock::time_point now) = 0;

    // -- leases: for stores several processes share -------------------------------------

    /// The tasks `ids`, while `working`, are run by this process until `until`; the runner
    /// renews this while they run. A store only one process uses needs no lease (its
    /// restart fails what it left, TaskRunner::fail_unfinished) and ignores it.
    virtual result<void> hold(const std::vector<std::string>& ids, Clock::time_point until) {
        (void)ids;
        (void)until;
        return {};
    }
    /// Tasks still `working` whose lease ran out before `now` (the process running them
    /// stopped renewing: it is gone) end `failed`; returns how many. A task gives up its
    /// lease when it stops working (input_required): back to `working` after tasks/update,
    /// it has none until its new run takes one.
    virtual result<std::size_t> fail_abandoned(Clock::time_point now) {
        (void)now;
        return std::size_t{0};
    }
};

/// Opens (creating on first use, file mode 0600) the SQLite task store at `path`,
/// migrating its schema (component "tasks" in `warden_schema`, so it can share the file
/// with other stores). Errors: store_unavailable, store_schema_too_new.
result<std::shared_ptr<TaskStore>> open_sqlite_task_store(const std::string& path,
                                                          StoreOptions options = {});

/// Opens the task store in the PostgreSQL database at `conninfo` (table `warden_tasks`,
/// component "tasks" in `warden_schema`, migrated under the shared advisory lock), for
/// replicas sharing one database (`WARDEN_STORE_URL=postgresql://...`): a task created on
/// one replica is found, answered and cancelled on every other. Each change locks the
/// task's row for its transaction. A database that cannot be reached yet is retried on each
/// use (store_unavailable meanwhile). Errors: store_schema_too_new.
result<std::shared_ptr<TaskStore>> open_postgres_task_store(const std::string& conninfo,
                                                            StoreOptions options = {});

/// The task store `store_url` names, as `WARDEN_STORE_URL` does: `postgresql://...` or
/// `postgres://...` (PostgreSQL), `sqlite:PATH`, or empty (SQLite at `default_path`).
/// Errors: bad_store_url, and those of the two openers.
result<std::shared_ptr<TaskStore>> open_task_store(std::string_view store_url,
                                                   const std::string& default_path,
                                                   StoreOptions options = {});

}  // namespace warden::tasks
