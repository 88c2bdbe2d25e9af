#pragma once
// Who the server says it is, and how its core behaves.

#include <warden/definitions.hpp>
#include <warden/state/request_state.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace warden {

/// Sent to clients in the `initialize` result (`serverInfo` and `instructions`).
struct ServerInfo {
    std::string name{};
    std::string version{};
    std::string title{};
    std::string description{};   ///< sent from 2025-11-25 on
    std::string website_url{};   ///< sent from 2025-11-25 on
    std::vector<Icon> icons{};   ///< sent from 2025-11-25 on
    std::string instructions{};  ///< how to use this server, for the model
};

/// A caching hint for results of MCP 2026-07-28 (`ttlMs`, `cacheScope`; "Caching"): how
/// long a client may consider the answer fresh, and whether shared intermediaries may
/// keep it. A listing that depends on the caller (tools filtered by scopes) is always sent
/// as private, whatever is set here.
struct CacheHint {
    std::chrono::milliseconds ttl{0};
    bool is_private = false;
};

/// Tasks (tools with `TaskSupport`): where they are kept and for how long.
struct TaskOptions {
    /// The SQLite file of the task store. Empty: `sqlite:PATH` of $WARDEN_STORE_URL, else
    /// $WARDEN_TASKS_DB, else `tasks.db` in the state directory ($XDG_DATA_HOME/warden).
    std::string store_path{};
    /// How long a task and its result are kept after its creation (`ttlMs`); a 2025-11-25
    /// client may ask for less, never more.
    std::chrono::milliseconds ttl{std::chrono::hours(1)};
    /// The polling interval suggested to clients (`pollIntervalMs`).
    std::chrono::milliseconds poll_interval{std::chrono::milliseconds(500)};
    /// How often expired tasks are deleted.
    std::chrono::milliseconds purge_interval{std::chrono::minutes(1)};
    /// Unfinished tasks one caller may have at once.
    std::size_t max_active_per_owner = 100;
    /// On a store replicas share (PostgreSQL): how long a running task stays `working`
    /// without its replica renewing the lease (every third of this) before any replica
    /// marks it failed (the replica running it is gone). Unused with a store of one's own.
    std::chrono::milliseconds lease{std::chrono::seconds(30)};
};

/// Tunables of the server core. The defaults suit most servers.
struct ServerOptions {
    /// Threads that run tool, resource, prompt and completion handlers.
    std::size_t worker_threads = 8;
    /// Items per page in tools/list, resources/list, resources/templates/list, prompts/list.
    std::size_t page_size = 100;
    /// How long a server-to-client request (sampling, elicitation, roots) waits.
    std::chrono::milliseconds client_request_timeout{std::chrono::seconds(120)};
    /// Calls that hold a worker while waiting on the client (a server-to-client request,
    /// or a URL elicitation's completion), per principal over the network, and in all (0:
    /// half the worker threads, at least one). Past either, the wait is refused at once
    /// (ClientRequestError::too_many_waiting), so one user whose client never answers
    /// cannot stall everyone else's calls. Over stdio, with its one user, only the total
    /// applies.
    std::size_t max_waiting_calls_per_principal = 2;
    std::size_t max_waiting_calls = 0;
    /// The user id of calls without a principal (stdio); empty means the OS user.
    std::string local_user_id{};
    /// Caching hints per registry (2026-07-28 results only). `resources` covers
    /// resources/list and resources/templates/list, `resource_reads` resources/read.
    CacheHint cache_discover{std::chrono::minutes(5), false};
    CacheHint cache_tools{};
    CacheHint cache_resources{};
    CacheHint cache_resource_reads{};
    CacheHint cache_prompts{};
    /// Tasks of tools with task support (opened when such a tool is registered).
    TaskOptions tasks{};
    /// Keys that seal the `requestState` of MCP 2026-07-28 input requests (the first
    /// seals, all open: rotation). Empty: `App::run`/`serve` read `WARDEN_STATE_KEY` or
    /// `WARDEN_STATE_KEY_FILE`, and without either use a random key made for this process
    /// (fine for one process; replicas behind a load balancer must share a key, or a retry
    /// landing on another replica is refused). docs/security.md.
    std::vector<state::Key> state_keys{};
    /// How long a `requestState` opens after it is sealed, and its largest size.
    state::SealOptions state_options{};
};

}  // namespace warden
