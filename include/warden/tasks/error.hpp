#pragma once
// Errors of the task store (the tasks extension `io.modelcontextprotocol/tasks`, SEP-2663):
// category "warden.tasks".

#include <boost/json/object.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <type_traits>

namespace warden::tasks {

/// Why a task operation failed. Values start at 1.
enum class Error {
    /// No such task for this caller: unknown id, another principal's task, or expired.
    /// Deliberately one code, so that a caller cannot tell another user's task from none.
    not_found = 1,
    /// The task is completed, failed or cancelled: its state no longer changes.
    terminal,
    /// The update does not fit the task: input_required without input requests, a
    /// request key that was already answered, completed without a result, failed
    /// without an error.
    invalid_transition,
    /// The caller already has as many unfinished tasks as allowed.
    too_many_tasks,
    /// The store could not be opened, read or written (or a record is corrupt).
    store_unavailable,
    /// The store's schema is newer than this build understands.
    store_schema_too_new,
    /// The store URL is neither `sqlite:PATH` nor a `postgresql://` URL.
    bad_store_url,
};

/// The "warden.tasks" category.
const boost::system::error_category& error_category() noexcept;

inline boost::system::error_code make_error_code(Error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

template <class T>
using result = boost::system::result<T>;

/// The JSON-RPC error for a failed task request (SEP-2663 "Protocol Errors"): not_found is
/// -32602 "Task not found" (the same for an unknown id and another caller's task),
/// invalid_transition -32602, too_many_tasks -32603 with a reason, store problems -32603.
boost::json::object rpc_error(boost::system::error_code ec);

}  // namespace warden::tasks

template <>
struct boost::system::is_error_code_enum<warden::tasks::Error> : std::true_type {};
