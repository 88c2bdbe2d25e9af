#pragma once
// Internal: the SEP-2663 rules of a task's life, applied to a loaded task by every task
// store (SQLite, PostgreSQL) inside its transaction, so that both stores behave alike.

#include <warden/tasks/task_store.hpp>

namespace warden::tasks::transitions {

/// `tasks/update`: answers to outstanding requests move to `input_responses`; when none is
/// left outstanding an input_required task goes back to working. A terminal task accepts
/// nothing. `changed` is set when the task must be written.
SubmitOutcome submit_input(Task& task, const boost::json::object& responses, bool& changed);

/// `tasks/cancel`: a task waiting for input is cancelled now (nobody runs it); a working
/// one gets `cancel_requested` (its runner decides). `changed` as above.
CancelOutcome request_cancel(Task& task, bool& changed);

/// A runner's status change. Errors: terminal, invalid_transition.
result<void> update(Task& task, const Update& update);

}  // namespace warden::tasks::transitions
