#pragma once
// Internal: a task store that records each operation's latency.

#include <warden/tasks/task_store.hpp>

#include <memory>

namespace warden::server {

/// `store`, with the latency of every operation in the store_duration histogram
/// (`operation` = task_create, task_get, ...), whatever the backend.
std::shared_ptr<tasks::TaskStore> timed_task_store(std::shared_ptr<tasks::TaskStore> store);

}  // namespace warden::server
