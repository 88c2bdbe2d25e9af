#pragma once
// The server core: what the server offers (registry), its worker pool, and its live
// sessions (for list_changed and resources/updated broadcasts). Transport-agnostic.

#include "server/authorization.hpp"
#include "server/registry.hpp"
#include "server/waiting_calls.hpp"

#include <warden/options.hpp>
#include <warden/state/request_state.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace boost::asio {
class thread_pool;
}
namespace warden::tasks {
struct Task;
}

namespace warden::server {

class Session;
class Listener;
class TaskRunner;

/// Runs before a tool that declares `requires_auth` or `requires_secrets`: fills the
/// call's token and secrets, or returns the result to answer with instead (isError).
using ToolGuard = std::function<std::optional<ToolResult>(const Tool&, Context&)>;

class ServerCore : public std::enable_shared_from_this<ServerCore> {
  public:
    ServerCore(ServerInfo info, ServerOptions options);
    ~ServerCore();
    ServerCore(const ServerCore&) = delete;
    ServerCore& operator=(const ServerCore&) = delete;

    const ServerInfo& info() const { return info_; }
    /// The server's `Implementation` object (name, version, title, ...), built once: every
    /// 2026-07-28 result carries it in `_meta`.
    const json::object& identity() const { return identity_; }
    /// identity(), serialized once (spliced into 2026-07-28 results as text).
    const std::string& identity_json() const { return identity_json_; }
    const ServerOptions& options() const { return options_; }
    Registry& registry() { return registry_; }
    const Registry& registry() const { return registry_; }

    /// Replaces the worker pool with one of `threads` threads (at least one). Call before
    /// serving: not synchronized with post(); jobs already posted finish first.
    void set_worker_threads(std::size_t threads);

    /// Runs `job` on the worker pool (never on the caller's thread).
    void post(std::function<void()> job);

    /// A new session with the given id (empty for stdio / stateless), tracked for broadcasts.
    std::shared_ptr<Session> create_session(std::string id);

    /// Registers an open `subscriptions/listen` stream (2026-07-28) for broadcasts. It is
    /// dropped once its client has gone, and closed gracefully at shutdown.
    void add_listener(std::shared_ptr<Listener> listener);
    /// Ends every open `subscriptions/listen` stream with a result (2026-07-28 "Graceful
    /// Closure"). Transports call it when they start shutting down, so that streams that
    /// never end by themselves do not hold the shutdown up to its grace period.
    void close_listeners();

    /// Sends notifications/resources/updated to every session and listen stream
    /// subscribed to `uri`, and hands it to the change publisher (other replicas).
    void notify_resource_updated(std::string_view uri);

    /// Sends `notifications/tasks` (the task as tasks/get shows it) to the listen streams
    /// that asked for this task (SEP-2663 "Task Status Notifications").
    void notify_task(const tasks::Task& task);
    /// A change raised on this replica, for the other replicas of a deployment
    /// (list_changed of one kind, or resources/updated of `uri`).
    struct Change {
        std::optional<RegistryKind> list_changed{};
        std::string updated_uri{};
    };
    /// Called after each change raised here has been delivered locally (e.g. to publish it
    /// with PostgreSQL NOTIFY). Must not block; set it before serving.
    void set_change_publisher(std::function<void(const Change&)> publish);
    /// Delivers a change raised on another replica to this replica's sessions and listen
    /// streams, without publishing it again.
    void deliver_remote_change(const Change& change);

    /// Waits until no handler is queued or running, at most `limit`. True when idle.
    bool wait_idle(std::chrono::milliseconds limit);

    /// Cancels what runs, waits for handlers to finish and stops the pool. Idempotent.
    void shutdown();

    /// Installs the guard of tools with requirements (tool-level auth). Without one, such
    /// tools refuse to run. Set it before serving.
    void set_tool_guard(ToolGuard guard) { tool_guard_ = std::move(guard); }
    const ToolGuard& tool_guard() const { return tool_guard_; }

    /// Installs the scope policy of server-level auth (see authorization.hpp); with
    /// `hide_unauthorized`, tools/list, resources/list, resources/templates/list and
    /// prompts/list leave out what the caller's scopes cannot use. Set it before serving;
    /// not synchronized with requests in flight.
    void set_scope_policy(ScopePolicy policy, bool hide_unauthorized) {
        scope_policy_ = std::move(policy);
        hide_unauthorized_ = hide_unauthorized;
    }
    const ScopePolicy& scope_policy() const { return scope_policy_; }
    bool hides_unauthorized() const { return hide_unauthorized_ && scope_policy_ != nullptr; }

    /// True when list results depend on the caller's token (items are hidden by scope).
    /// The hook for the 2026-07-28 era: such list results carry `cacheScope: "private"`
    /// (a shared cache must not hand one caller's list to another).
    bool lists_vary_by_caller() const { return hides_unauthorized(); }

    /// Installs the runner of tasks (tools with task support); with one, server/discover
    /// and 2025-11-25 initialize declare tasks. Set it before serving.
    void set_task_runner(std::shared_ptr<TaskRunner> runner) { task_runner_ = std::move(runner); }
    const std::shared_ptr<TaskRunner>& task_runner() const { return task_runner_; }

    /// The user id for calls without a principal.
    const std::string& local_user_id() const { return local_user_id_; }

    /// Seals and opens the `requestState` of 2026-07-28 input requests. Keys from
    /// ServerOptions::state_keys, else a random key of this process until set_state_keys.
    const state::Sealer& sealer() const { return *sealer_; }
    /// Replaces the state keys (App::serve, from the environment). Set before serving.
    void set_state_keys(state::KeyRing keys);
    /// Replaces the single-use cache of states (in memory by default), e.g. with the
    /// PostgreSQL one that replicas share (App::serve with WARDEN_STORE_URL). Set before
    /// serving.
    void set_replay_cache(std::shared_ptr<state::ReplayCache> cache);
    /// True when the state keys are a random key of this process (nothing configured).
    bool state_key_is_ephemeral() const { return state_key_ephemeral_; }

    /// The count of calls waiting on the client (ServerOptions::max_waiting_calls*).
    const std::shared_ptr<WaitingCalls>& waiting_calls() const { return waiting_calls_; }

  private:
    void broadcast(const std::function<bool(Session&)>& wanted, const json::object& message);
    /// The listeners still open (pruning the ended ones).
    std::vector<std::shared_ptr<Listener>> live_listeners();
    void on_registry_change(RegistryKind kind);
    void deliver_list_changed(RegistryKind kind);
    void deliver_resource_updated(std::string_view uri);
    void publish(const Change& change);
    std::mutex publish_mutex_;
    std::function<void(const Change&)> publish_;

    ServerInfo info_;
    json::object identity_;
    std::string identity_json_;
    ServerOptions options_;
    std::string local_user_id_;
    std::shared_ptr<WaitingCalls> waiting_calls_;
    ToolGuard tool_guard_;
    std::shared_ptr<TaskRunner> task_runner_;
    std::shared_ptr<state::ReplayCache> replay_cache_;
    std::shared_ptr<const state::Sealer> sealer_;
    bool state_key_ephemeral_ = false;
    Registry registry_;
    ScopePolicy scope_policy_{};
    bool hide_unauthorized_ = false;
    std::unique_ptr<boost::asio::thread_pool> pool_;
    std::mutex sessions_mutex_;
    std::vector<std::weak_ptr<Session>> sessions_;
    std::mutex listeners_mutex_;
    std::vector<std::shared_ptr<Listener>> listeners_;
    std::once_flag shutdown_once_;
    std::mutex jobs_mutex_;
    std::condition_variable jobs_idle_;
    std::size_t jobs_ = 0;
};

}  // namespace warden::server
