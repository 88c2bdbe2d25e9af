#pragma once
// MCP 2026-07-28 multi round-trip requests (basic/patterns/mrtr) in the core: a request of
// a method that may need the client's input (tools/call, prompts/get, resources/read) runs
// its handler with the answers known so far; when the handler asked something unanswered,
// the request ends with an `InputRequiredResult` whose sealed `requestState` carries what
// the retry needs, so the retry may land on any replica that shares the state key.
//
// `run_round` is the re-run step alone (the tasks extension calls it for tasks/update);
// `run_with_input` is the whole of one plain request: open the state, collect the
// answers, run, seal.

#include "server/call_state.hpp"
#include "server/method_result.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <memory>
#include <string_view>

namespace warden::server {

class ServerCore;

/// True for the methods that may answer with an `InputRequiredResult` (mrtr "Supported
/// Requests": tools/call, prompts/get, resources/read).
bool supports_input_required(std::string_view method) noexcept;

/// What the handler keeps between rounds besides the answers.
struct RoundMemory {
    /// Context::set_request_state of the round before (null: none).
    json::value handler_state{};
    /// Warden's own data by owner ("toolauth": a pending downstream authorization).
    json::object framework{};
};

/// What one run of a handler gave.
struct RoundOutcome {
    /// The handler's answer. Meaningless when `input_required` (a handler whose input
    /// call answered input_required usually returns an error; it is discarded).
    MethodResult result{json::value{}};
    /// The run asked something it has no answer to, or asked explicitly
    /// (Context::require_input).
    bool input_required = false;
    // The three below are filled only when `input_required` (nothing else carries over).
    /// Every outstanding input request, by key: `{"method", "params"}`.
    json::object input_requests{};
    /// The answers the run used: what the next round must still be given.
    json::object answers{};
    /// What to keep for the next round.
    RoundMemory memory{};
};

/// Runs `run` (the method, in `call`'s context) once with `answers` (by input-request
/// key) and `memory`: input calls find their answers or record their requests; nothing
/// waits on the client. When the run asked nothing new, an input call found a client
/// capability missing and the handler then failed (a JSON-RPC error, or a tool result with
/// isError), the result is -32021 with `data.requiredCapabilities` naming what is missing
/// (a handler that carried on without it keeps its result). Sets `call->input` for the
/// run. Runs on the calling thread.
RoundOutcome run_round(const std::shared_ptr<detail::CallState>& call, json::object answers,
                       RoundMemory memory, const std::function<MethodResult()>& run);

/// One modern request of a supported method: opens the params' `requestState` (bound to
/// the caller, the method and the params; any failure: the JSON-RPC error of
/// state::rpc_error, never a fresh start), collects the answers (`inputResponses`; not an
/// object, or an answer that is not one: -32602), runs the round, and answers either the
/// handler's result or `{"resultType": "input_required", "inputRequests", "requestState"}`
/// with a newly sealed state (the `requestState` is always present, so even a round that
/// asks nothing new can be resumed).
MethodResult run_with_input(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                            std::string_view method, const json::object* params,
                            const std::function<MethodResult()>& run);

/// The `InputRequiredResult` for an outcome with input required, its state sealed by
/// `core` bound to the call's principal, `method` and `params`. Errors (a state too large,
/// ...) come back as the JSON-RPC error.
MethodResult input_required_result(ServerCore& core, const detail::CallState& call,
                                   std::string_view method, const json::object* params,
                                   const RoundOutcome& outcome);

}  // namespace warden::server
