#include "tasks/transitions.hpp"

namespace warden::tasks::transitions {
namespace {

// A JSON-RPC error object: an integer code and a string message (JSON-RPC 2.0 §5.1).
bool is_rpc_error(const boost::json::object& e) {
    const auto* code = e.if_contains("code");
    const auto* message = e.if_contains("message");
    return code && (code->is_int64() || code->is_uint64()) && message && message->is_string();
}

}  // namespace

SubmitOutcome submit_input(Task& t, const boost::json::object& responses, bool& changed) {
    SubmitOutcome out;
    changed = false;
    // SEP-2663: a finished task ignores late answers, without an error.
    if (is_terminal(t.status)) return out;
    for (const auto& kv : responses) {
        // Only answers to outstanding requests; anything else is ignored (SEP-2663
        // "Task Update Requests"). An answer is a result object.
        if (!kv.value().is_object() || !t.input_requests.contains(kv.key())) continue;
        t.input_responses[kv.key()] = kv.value();
        t.input_requests.erase(kv.key());
        out.accepted.emplace_back(kv.key());
    }
    out.remaining = t.input_requests.size();
    if (out.accepted.empty()) return out;
    if (out.remaining == 0 && t.status == Status::input_required) {
        t.status = Status::working;
        out.resumed = true;
    }
    changed = true;
    return out;
}

CancelOutcome request_cancel(Task& t, bool& changed) {
    changed = false;
    if (is_terminal(t.status)) return CancelOutcome::already_terminal;
    changed = true;
    if (t.status == Status::input_required) {
        // Nobody runs a task that waits for input: cancel it now.
        t.status = Status::cancelled;
        t.input_requests = {};
        t.resume_state.clear();
        return CancelOutcome::cancelled;
    }
    t.cancel_requested = true;
    return CancelOutcome::requested;
}

result<void> update(Task& t, const Update& u) {
    // SEP-2663: completed, failed and cancelled are terminal; the state never changes.
    if (is_terminal(t.status)) return Error::terminal;
    switch (u.status) {
        case Status::input_required:
            if (u.input_requests.empty()) return Error::invalid_transition;
            // Request keys are unique over the task's life (SEP-2663): an answered key is
            // never asked again.
            for (const auto& kv : u.input_requests)
                if (t.input_responses.contains(kv.key()) || !kv.value().is_object())
                    return Error::invalid_transition;
            t.input_requests = u.input_requests;
            t.resume_state = u.resume_state;
            break;
        case Status::working:
            t.input_requests = {};
            t.resume_state.clear();
            break;
        case Status::completed:
            t.result = u.result;
            break;
        case Status::failed:
            if (!is_rpc_error(u.error)) return Error::invalid_transition;
            t.error = u.error;
            break;
        case Status::cancelled:
            break;
    }
    if (is_terminal(u.status)) {
        t.input_requests = {};
        t.resume_state.clear();
    }
    t.status = u.status;
    if (u.status_message) t.status_message = *u.status_message;
    return {};
}

}  // namespace warden::tasks::transitions
