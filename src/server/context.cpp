#include <warden/context.hpp>

#include "protocol/jsonrpc.hpp"
#include "protocol/versions.hpp"
#include "server/call_state.hpp"
#include "server/input_round.hpp"
#include "server/session.hpp"
#include "server/waiting_calls.hpp"

#include <array>

namespace warden {

namespace pr = warden::protocol;

namespace {

constexpr std::array<std::string_view, 8> kLevelNames = {
    "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};

// Client capability objects are checked by presence (MCP: an empty object declares it).
const json::object* capability(const json::object& caps, std::string_view name) {
    const auto* v = caps.if_contains(name);
    return v && v->is_object() ? &v->get_object() : nullptr;
}

}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view name) noexcept {
    for (std::size_t i = 0; i < kLevelNames.size(); ++i)
        if (kLevelNames[i] == name) return static_cast<LogLevel>(i);
    return std::nullopt;
}

std::string_view to_string(LogLevel level) noexcept {
    return kLevelNames[static_cast<std::size_t>(level)];
}

Context::Context(std::shared_ptr<detail::CallState> state) : state_(std::move(state)) {}
Context::~Context() = default;

const json::value& Context::request_id() const {
    return state_->request_id;
}

const std::string& Context::session_id() const {
    static const std::string kNone;
    return state_->session ? state_->session->id() : kNone;
}

const std::string& Context::protocol_version() const {
    return state_->protocol_version;
}

const Principal* Context::principal() const {
    return state_->principal.get();
}

const std::string& Context::trace_id() const {
    return state_->trace.trace_id;
}

std::string Context::traceparent() const {
    return state_->trace.traceparent();
}

const std::string& Context::tracestate() const {
    return state_->trace.tracestate;
}

const std::string& Context::user_id() const {
    return state_->user_id;
}

TransportKind Context::transport() const {
    return state_->transport;
}

const std::string& Context::auth_token() const {
    return state_->auth_token;
}

const std::vector<std::string>& Context::auth_scopes() const {
    return state_->auth_scopes;
}

const std::string* Context::secret(std::string_view name) const {
    auto it = state_->secrets.find(name);
    return it == state_->secrets.end() ? nullptr : &it->second;
}

const json::object& Context::client_capabilities() const {
    return *state_->client_capabilities;
}

const json::object& Context::client_info() const {
    static const json::object kNone;
    if (state_->modern) return state_->client_info ? *state_->client_info : kNone;
    return state_->session ? state_->session->client_info() : kNone;
}

bool Context::modern() const noexcept {
    return state_->modern;
}

void Context::log(LogLevel level, std::string_view message, std::string_view logger) {
    log_data(level, json::value(message), logger);
}

void Context::log_data(LogLevel level, json::value data, std::string_view logger) {
    // 2026-07-28: only a request that named a level gets log notifications (MUST NOT
    // otherwise); legacy: the session's logging/setLevel.
    if (state_->modern) {
        if (!state_->log_level || level < *state_->log_level) return;
    } else if (state_->session && !state_->session->log_enabled(level)) {
        return;
    }
    json::object params{{"level", to_string(level)}, {"data", std::move(data)}};
    if (!logger.empty()) params["logger"] = logger;
    state_->exchange->send(pr::make_notification("notifications/message", std::move(params)));
}

void Context::progress(double progress, std::optional<double> total, std::string_view message) {
    if (!state_->progress_token) return;
    json::object params{{"progressToken", *state_->progress_token}, {"progress", progress}};
    if (total) params["total"] = *total;
    if (!message.empty()) params["message"] = message;
    state_->exchange->send(pr::make_notification("notifications/progress", std::move(params)));
}

void Context::close_sse_stream() {
    state_->exchange->close_stream();
}

bool Context::cancelled() const noexcept {
    return state_->cancelled.load();
}

void Context::set_request_timeout(std::chrono::milliseconds timeout) {
    state_->request_timeout = timeout;
}

result<json::object> Context::request(std::string_view method, json::object params) {
    // Waiting here would hold the thread that reads other clients' messages, including
    // the answer this call waits for.
    if (state_->runs_inline) return ClientRequestError::would_block;
    // 2026-07-28 has no server-to-client requests: input comes back through an
    // InputRequiredResult (sample/elicit/list_roots record it).
    if (state_->modern || !state_->session) return ClientRequestError::not_deliverable;
    if (!state_->exchange->can_request()) return ClientRequestError::not_deliverable;
    // The wait below holds this worker: counted per principal and in all, so one user's
    // silent client cannot hold every worker (see ServerOptions::max_waiting_calls*).
    std::shared_ptr<void> slot = state_->wait_slot;
    if (!slot) slot = server::enter_wait(*state_);
    if (!slot) return ClientRequestError::too_many_waiting;
    std::string key;
    auto pending =
        state_->session->send_client_request(*state_->exchange, method, std::move(params), key);
    if (!pending) return ClientRequestError::session_closed;

    const auto deadline = std::chrono::steady_clock::now() + state_->request_timeout;
    std::unique_lock lock(pending->mutex);
    // Wake up now and then to notice cancellation of the tool call itself.
    while (!pending->done) {
        if (state_->cancelled) {
            lock.unlock();
            state_->session->forget_client_request(key);
            return ClientRequestError::cancelled;
        }
        auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            lock.unlock();
            state_->session->forget_client_request(key);
            return ClientRequestError::timeout;
        }
        pending->done_cv.wait_for(lock, std::min<std::chrono::steady_clock::duration>(
                                            deadline - now, std::chrono::milliseconds(50)));
    }
    if (pending->is_error) return ClientRequestError::rejected;
    return std::move(pending->payload);
}

namespace {
// Legacy stateless HTTP never saw the client's capabilities (no initialize): the honest
// answer is that nothing can reach the client, not that a capability is missing. A modern
// request of a method that cannot answer with an InputRequiredResult has no way either.
bool no_channel(const detail::CallState& s) {
    if (s.modern) return !s.input;
    return !s.session || s.session->stateless();
}

// MCP 2026-07-28 (basic/patterns/mrtr): the answer recorded under the key, or the
// request recorded for this round's InputRequiredResult.
result<json::object> ask_client(detail::CallState& s, std::string_view kind, std::string_view key,
                                std::string method, json::object params) {
    auto& round = *s.input;
    std::string k = key.empty() ? round.next_key(kind) : std::string(key);
    if (const auto* answer = round.answer(k)) return *answer;
    round.ask(std::move(k), std::move(method), std::move(params));
    return ClientRequestError::input_required;
}

result<json::object> missing(detail::CallState& s, std::string_view capability,
                             std::string_view sub = {}) {
    if (s.modern) s.input->note_missing(capability, sub);
    return ClientRequestError::capability_missing;
}
}  // namespace

result<json::object> Context::sample(json::object params, std::string_view key) {
    if (no_channel(*state_)) return ClientRequestError::not_deliverable;
    if (!capability(*state_->client_capabilities, "sampling")) return missing(*state_, "sampling");
    if (state_->modern)
        return ask_client(*state_, "sampling", key, "sampling/createMessage", std::move(params));
    return request("sampling/createMessage", std::move(params));
}

namespace {
result<ElicitResult> to_elicit_result(result<json::object> answer) {
    if (!answer) return answer.error();
    ElicitResult out;
    if (const auto* a = answer->if_contains("action"); a && a->is_string())
        out.action = a->get_string();
    if (const auto* c = answer->if_contains("content"); c && c->is_object())
        out.content = c->get_object();
    return out;
}
}  // namespace

result<ElicitResult> Context::elicit(std::string message, json::object requested_schema,
                                     std::string_view key) {
    if (no_channel(*state_)) return ClientRequestError::not_deliverable;
    const auto* elicitation = capability(*state_->client_capabilities, "elicitation");
    // 2025-11-25 on: an empty elicitation object means form mode; a client that lists
    // modes must list "form".
    if (!elicitation) return missing(*state_, "elicitation").error();
    if (!elicitation->empty() && !elicitation->contains("form") && elicitation->contains("url"))
        return missing(*state_, "elicitation", "form").error();
    json::object params{{"message", std::move(message)},
                        {"requestedSchema", std::move(requested_schema)}};
    if (pr::features_of(state_->protocol_version).url_elicitation) params["mode"] = "form";
    if (state_->modern)
        return to_elicit_result(
            ask_client(*state_, "elicitation", key, "elicitation/create", std::move(params)));
    return to_elicit_result(request("elicitation/create", std::move(params)));
}

result<ElicitResult> Context::elicit_url(std::string message, std::string url,
                                         std::string elicitation_id, std::string_view key) {
    if (no_channel(*state_)) return ClientRequestError::not_deliverable;
    const auto* elicitation = capability(*state_->client_capabilities, "elicitation");
    if (!elicitation || !elicitation->contains("url") ||
        !pr::features_of(state_->protocol_version).url_elicitation)
        return missing(*state_, "elicitation", "url").error();
    json::object params{{"mode", "url"},
                        {"message", std::move(message)},
                        {"url", std::move(url)},
                        {"elicitationId", std::move(elicitation_id)}};
    if (state_->modern)
        return to_elicit_result(
            ask_client(*state_, "elicitation", key, "elicitation/create", std::move(params)));
    return to_elicit_result(request("elicitation/create", std::move(params)));
}

result<json::array> Context::list_roots(std::string_view key) {
    if (no_channel(*state_)) return ClientRequestError::not_deliverable;
    if (!capability(*state_->client_capabilities, "roots"))
        return missing(*state_, "roots").error();
    auto answer = state_->modern ? ask_client(*state_, "roots", key, "roots/list", {})
                                 : request("roots/list", {});
    if (!answer) return answer.error();
    if (const auto* roots = answer->if_contains("roots"); roots && roots->is_array())
        return roots->get_array();
    return json::array{};
}

const json::value& Context::request_state() const {
    static const json::value kNone;
    return state_->input ? state_->input->handler_state() : kNone;
}

void Context::set_request_state(json::value state) {
    if (state_->input) state_->input->set_next_handler_state(std::move(state));
}

bool Context::require_input() {
    if (!state_->input) return false;
    state_->input->require();
    return true;
}

}  // namespace warden
