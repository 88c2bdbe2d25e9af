#include "server/mrtr.hpp"

#include "protocol/jsonrpc.hpp"
#include "server/core.hpp"
#include "server/input_round.hpp"

#include <warden/state/error.hpp>
#include <warden/state/request_state.hpp>

#include <spdlog/spdlog.h>

namespace warden::server {

namespace pr = warden::protocol;

namespace {

// What the sealed state's `data` holds besides the answers: the handler's own state
// ("h") and Warden's ("f"), each only when there is one.
json::value memory_to_data(const RoundMemory& memory) {
    json::object data;
    if (!memory.handler_state.is_null()) data["h"] = memory.handler_state;
    if (!memory.framework.empty()) data["f"] = memory.framework;
    if (data.empty()) return nullptr;
    return data;
}

RoundMemory memory_from_data(const json::value& data) {
    RoundMemory memory;
    const auto* obj = data.if_object();
    if (!obj) return memory;
    if (const auto* h = obj->if_contains("h")) memory.handler_state = *h;
    if (const auto* f = obj->if_contains("f"); f && f->is_object())
        memory.framework = f->get_object();
    return memory;
}

RpcError to_rpc_error(boost::system::error_code ec) {
    auto e = state::rpc_error(ec);
    RpcError out{static_cast<int>(e.at("code").to_number<std::int64_t>()),
                 std::string(e.at("message").as_string())};
    if (const auto* d = e.if_contains("data")) out.data = *d;
    return out;
}

// A handler that gave up: a JSON-RPC error, or a tool result marked isError.
bool failed(const MethodResult& result) {
    if (std::holds_alternative<RpcError>(result)) return true;
    const auto* obj = std::get<json::value>(result).if_object();
    if (!obj) return false;
    const auto* is_error = obj->if_contains("isError");
    return is_error && is_error->is_bool() && is_error->get_bool();
}

const json::value* member(const json::object* params, std::string_view name) {
    return params ? params->if_contains(name) : nullptr;
}

}  // namespace

bool supports_input_required(std::string_view method) noexcept {
    return method == "tools/call" || method == "prompts/get" || method == "resources/read";
}

RoundOutcome run_round(const std::shared_ptr<detail::CallState>& call, json::object answers,
                       RoundMemory memory, const std::function<MethodResult()>& run) {
    auto round = std::make_shared<InputRound>(std::move(answers), std::move(memory.handler_state),
                                              std::move(memory.framework));
    call->input = round;
    RoundOutcome out;
    out.result = run();
    out.input_required = round->input_required();
    if (out.input_required) {
        // Only a round that ends in an InputRequiredResult has anything to carry over
        // (most rounds are a first round that asks nothing: they copy nothing).
        out.input_requests = round->requests();
        out.answers = round->used_answers();
        out.memory.handler_state = round->next_handler_state();
        out.memory.framework = round->framework_data();
        return out;
    }
    // MissingRequiredClientCapabilityError (-32021): the handler needed input of a kind
    // the client cannot give (MCP 2026-07-28 mrtr: no input request the client has not
    // declared) and could not do without it. While questions are outstanding the handler's
    // result means nothing yet: they are asked first, and the verdict waits for the round
    // that completes.
    if (!failed(out.result)) return out;
    if (auto missing = round->missing_capabilities(); !missing.empty()) {
        std::string message = "Missing required client capability:";
        for (const auto& kv : missing) message += " " + std::string(kv.key());
        out.result = RpcError{pr::error_code::missing_client_capability, std::move(message),
                              json::object{{"requiredCapabilities", std::move(missing)}}};
    }
    return out;
}

MethodResult input_required_result(ServerCore& core, const detail::CallState& call,
                                   std::string_view method, const json::object* params,
                                   const RoundOutcome& outcome) {
    static const json::object kEmpty;
    state::Payload payload;
    payload.answers = outcome.answers;
    for (const auto& kv : outcome.input_requests) payload.pending.emplace_back(kv.key());
    payload.data = memory_to_data(outcome.memory);
    auto wire = core.sealer().seal(
        payload, state::bind(call.principal.get(), method, params ? *params : kEmpty),
        state::Clock::now());
    if (!wire) {
        spdlog::warn("requestState not sealed on {}: {}", method, wire.error().message());
        return to_rpc_error(wire.error());
    }
    json::object result{{"resultType", "input_required"}};
    if (!outcome.input_requests.empty()) result["inputRequests"] = outcome.input_requests;
    result["requestState"] = std::move(*wire);
    return result;
}

MethodResult run_with_input(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                            std::string_view method, const json::object* params,
                            const std::function<MethodResult()>& run) {
    static const json::object kEmpty;
    const json::value* responses = member(params, "inputResponses");
    // Checked before the state is opened (and so consumed): a malformed retry should not
    // cost the client its state.
    if (responses && !responses->is_object())
        return to_rpc_error(state::Error::bad_input_responses);
    std::optional<state::Opened> opened;
    if (const json::value* wire = member(params, "requestState")) {
        if (!wire->is_string())
            return RpcError{pr::error_code::invalid_params,
                            "Invalid params: requestState must be a string",
                            json::object{{"reason", "malformed"}}};
        auto open = core.sealer().open(
            wire->get_string(),
            state::bind(call->principal.get(), method, params ? *params : kEmpty),
            state::Clock::now());
        if (!open) {
            // Debug only: refusals are client-driven, and never log state bytes.
            spdlog::debug("requestState refused on {}: {}", method, state::reason(open.error()));
            return to_rpc_error(open.error());
        }
        opened = std::move(*open);
    }
    auto answers = state::collect_answers(opened ? &*opened : nullptr, responses);
    if (!answers) return to_rpc_error(answers.error());
    RoundMemory memory = opened ? memory_from_data(opened->payload.data) : RoundMemory{};
    auto outcome = run_round(call, std::move(*answers), std::move(memory), run);
    if (!outcome.input_required) return std::move(outcome.result);
    return input_required_result(core, *call, method, params, outcome);
}

}  // namespace warden::server
