#pragma once
// Runs the tools/call requests that became tasks (the tasks extension
// `io.modelcontextprotocol/tasks`, SEP-2663, and the 2025-11-25 experimental tasks): the
// task is created durably in the store, the handler runs on the worker pool in a call of
// its own (nothing goes back to the client while it runs), and its outcome is recorded:
// completed (a CallToolResult, isError included), failed (a JSON-RPC error), cancelled, or
// input_required (the handler asked for input; tasks/update resumes it by running it again
// with the recorded answers).

#include "server/call_state.hpp"
#include "server/method_result.hpp"

#include <warden/definitions.hpp>
#include <warden/options.hpp>
#include <warden/tasks.hpp>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace warden::server {

class ServerCore;

/// The context a task's handler runs in: taken from the request that created the task, or
/// from the one whose answers resumed it.
struct TaskCaller {
    std::shared_ptr<const Principal> principal;
    std::string user_id;
    TransportKind transport = TransportKind::http;
    bool modern = false;
    std::string protocol_version;
    std::shared_ptr<const json::object> client_capabilities;
    std::shared_ptr<const json::object> client_info;
};

/// The caller of `call`, for a task it creates or resumes.
TaskCaller caller_of(const detail::CallState& call);

/// Thread-safe. Owned by the core; `stop()` before the core's pool goes away.
class TaskRunner : public std::enable_shared_from_this<TaskRunner> {
  public:
    TaskRunner(std::shared_ptr<tasks::TaskStore> store, TaskOptions options);
    ~TaskRunner();
    TaskRunner(const TaskRunner&) = delete;
    TaskRunner& operator=(const TaskRunner&) = delete;

    tasks::TaskStore& store() { return *store_; }
    const TaskOptions& options() const { return options_; }

    /// Creates the task of a tools/call (`params` without `_meta`) for the caller of
    /// `call`, durable when this returns (SEP-2663 "Task Creation"), and starts it on the
    /// worker pool. `ttl`: what a 2025-11-25 client asked for (never more than the
    /// configured one). `answers`: input gathered before the task (InputRequiredResult
    /// rounds), found by the handler's input calls. Errors: the tasks module's.
    tasks::result<tasks::Task> start(ServerCore& core, const detail::CallState& call,
                                     json::object params, std::optional<tasks::Millis> ttl,
                                     json::object answers = {});

    /// Runs the task again after its last outstanding input arrived (tasks/update).
    void resume(ServerCore& core, const tasks::Task& task, TaskCaller caller);

    /// Tells a task running in this process that it was cancelled (Context::cancelled()).
    void cancel_running(std::string_view id);

    /// Marks the tasks a previous process left working as failed: their handler's run was
    /// lost with that process, and running it again could repeat side effects. Returns
    /// how many.
    std::size_t fail_unfinished();

    /// Waits until the task is terminal or `deadline` passes or `cancelled` is set (the
    /// 2025-11-25 tasks/result). Returns the task as last read.
    tasks::result<tasks::Task> wait_terminal(std::string_view id, const tasks::Owner& owner,
                                             std::chrono::steady_clock::time_point deadline,
                                             const std::atomic<bool>& cancelled);

    /// Stops the purge timer (idempotent).
    void stop();

  private:
    void run(ServerCore& core, const tasks::Task& task, TaskCaller caller);
    void record(ServerCore& core, const std::string& id, const tasks::Update& update);
    void purge_loop(std::stop_token stop);
    void watch_cancels();
    void renew_leases();

    std::shared_ptr<tasks::TaskStore> store_;
    TaskOptions options_;
    std::mutex running_mutex_;
    std::map<std::string, std::weak_ptr<detail::CallState>, std::less<>> running_;
    bool stopping_ = false;  ///< guarded by running_mutex_
    std::mutex changed_mutex_;
    std::condition_variable changed_;
    std::uint64_t generation_ = 0;
    std::mutex purge_mutex_;
    std::condition_variable_any purge_wake_;
    std::jthread purger_;
};

/// True when the client capabilities name the tasks extension.
bool declares_tasks_extension(const json::object& client_capabilities);

/// The extension's identifier, `io.modelcontextprotocol/tasks`.
inline constexpr std::string_view kTasksExtension = "io.modelcontextprotocol/tasks";

}  // namespace warden::server
