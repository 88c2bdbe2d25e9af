#include "server/session.hpp"

#include "protocol/versions.hpp"
#include "server/core.hpp"
#include "server/wire.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <functional>

namespace warden::server {

namespace pr = warden::protocol;

namespace {

// Collects the responses of a JSON-RPC batch (2025-03-26) into one array.
class BatchExchange : public Exchange {
  public:
    BatchExchange(std::shared_ptr<Exchange> parent, std::size_t expected)
        : parent_(std::move(parent)), expected_(expected) {}
    void send(json::object message) override { parent_->send(std::move(message)); }
    void complete(json::value response) override {
        std::unique_lock lock(mutex_);
        if (!response.is_null()) responses_.push_back(std::move(response));
        if (++completed_ < expected_) return;
        json::array all = std::move(responses_);
        lock.unlock();
        parent_->complete(all.empty() ? json::value(nullptr) : json::value(std::move(all)));
    }
    bool can_request() const override { return parent_->can_request(); }
    TransportKind transport() const override { return parent_->transport(); }

  private:
    std::shared_ptr<Exchange> parent_;
    std::mutex mutex_;
    std::size_t expected_;
    std::size_t completed_ = 0;
    json::array responses_;
};

bool is_request(const json::value& v) {
    const auto* obj = v.if_object();
    return obj && obj->contains("method") && obj->contains("id");
}

}  // namespace

Session::Session(std::weak_ptr<ServerCore> core, std::string id)
    : core_(std::move(core)), id_(std::move(id)) {}

Session::Outcome Session::handle_text(std::string_view text,
                                      const std::shared_ptr<Exchange>& exchange,
                                      std::shared_ptr<const Principal> principal) {
    auto parsed = pr::parse(text);
    if (!parsed) {
        exchange->complete(pr::make_error(nullptr, pr::error_code::parse_error,
                                          "Parse error: the message is not valid JSON"));
        return Outcome::responding;
    }
    return handle(*parsed, exchange, std::move(principal));
}

Session::Outcome Session::handle(const json::value& message,
                                 const std::shared_ptr<Exchange>& exchange,
                                 std::shared_ptr<const Principal> principal) {
    if (const auto* batch = message.if_array()) {
        const bool allowed = pr::features_of(protocol_version()).batches;
        if (!allowed || batch->empty()) {
            exchange->complete(pr::make_error(
                nullptr, pr::error_code::invalid_request,
                batch->empty() ? "Invalid request: empty batch"
                               : "Invalid request: JSON-RPC batches are not supported in this "
                                 "protocol version"));
            return Outcome::responding;
        }
        std::size_t requests = 0;
        for (const auto& item : *batch)
            if (is_request(item) || !item.is_object()) ++requests;
        if (requests == 0) {
            for (const auto& item : *batch) {
                bool ignored = false;
                handle_one(item, exchange, principal, ignored);
            }
            return Outcome::accepted;
        }
        auto collector = std::make_shared<BatchExchange>(exchange, requests);
        for (const auto& item : *batch) {
            bool ignored = false;
            handle_one(item, collector, principal, ignored);
        }
        return Outcome::responding;
    }
    bool responding = false;
    handle_one(message, exchange, principal, responding);
    return responding ? Outcome::responding : Outcome::accepted;
}

void Session::handle_one(const json::value& message, const std::shared_ptr<Exchange>& exchange,
                         const std::shared_ptr<const Principal>& principal, bool& responding) {
    auto c = pr::classify(message);
    switch (c.kind) {
        case pr::MessageKind::invalid:
            responding = true;
            exchange->complete(pr::make_error(c.id ? *c.id : json::value(nullptr),
                                              pr::error_code::invalid_request,
                                              "Invalid request: " + c.problem));
            return;
        case pr::MessageKind::notification:
            handle_notification(c.method, c.params);
            return;
        case pr::MessageKind::response:
        case pr::MessageKind::error_response:
            handle_client_response(c, message);
            return;
        case pr::MessageKind::request:
            responding = true;
            handle_request(c, exchange, principal);
            return;
    }
}

void Session::handle_notification(std::string_view method, const json::object* params) {
    if (method == "notifications/initialized") {
        return;  // Lifecycle gate is the initialize request itself; see docs/protocol.md.
    }
    if (method == "notifications/cancelled") {
        if (!params) return;
        const auto* id = params->if_contains("requestId");
        if (!id) return;
        std::shared_ptr<detail::CallState> call;
        {
            std::lock_guard lock(mutex_);
            auto it = in_flight_.find(pr::id_key(*id));
            if (it != in_flight_.end()) call = it->second;
        }
        // MCP: a cancellation for an unknown or finished request is ignored.
        if (call) call->cancelled = true;
        return;
    }
    // notifications/roots/list_changed, notifications/progress and unknown notifications
    // need no action; JSON-RPC forbids answering a notification.
}

void Session::handle_client_response(const pr::Classified& c, const json::value& raw) {
    std::shared_ptr<PendingRequest> pending;
    {
        std::lock_guard lock(mutex_);
        auto it = pending_.find(pr::id_key(*c.id));
        if (it == pending_.end()) return;  // late or unknown answer: nobody waits for it
        pending = it->second;
        pending_.erase(it);
    }
    const auto& obj = raw.get_object();
    std::lock_guard lock(pending->mutex);
    pending->is_error = c.kind == pr::MessageKind::error_response;
    const auto& payload = obj.at(pending->is_error ? "error" : "result");
    pending->payload = payload.is_object() ? payload.get_object() : json::object{};
    pending->done = true;
    pending->done_cv.notify_all();
}

void Session::handle_request(const pr::Classified& c, const std::shared_ptr<Exchange>& exchange,
                             const std::shared_ptr<const Principal>& principal) {
    auto core = core_.lock();
    if (!core) {
        exchange->complete(
            pr::make_error(*c.id, pr::error_code::internal_error, "Server is shutting down"));
        return;
    }
    // A request with modern `_meta` brings its own context (a dual-era channel: stdio).
    if (has_modern_meta(c.params)) {
        handle_modern_request(*core, c, exchange, principal, shared_from_this());
        return;
    }
    auto call = make_call(*core, *c.id, exchange, principal, c.params, c.method);
    call->session = shared_from_this();
    call->tracker = call->session;
    call->protocol_version = protocol_version();
    call->client_capabilities = client_capabilities();

    const std::string_view method = c.method;
    static const json::object kEmpty;
    const json::object* params = c.params;
    if (method == "initialize") {
        finish(*core, call,
               c.params ? initialize(*c.params)
                        : RpcError{pr::error_code::invalid_params,
                                   "Invalid params: initialize needs params"});
        return;
    }
    if (method == "ping") {
        finish(*core, call, json::object{});
        return;
    }
    if (!initialized()) {
        finish(*core, call,
               RpcError{pr::error_code::invalid_request,
                        "Invalid request: the session is not initialized; send initialize "
                        "first"});
        return;
    }
    if (method == "logging/setLevel") {
        finish(*core, call, set_log_level(params ? *params : kEmpty));
        return;
    }
    if (method == "resources/subscribe" || method == "resources/unsubscribe") {
        finish(*core, call, subscribe(params ? *params : kEmpty, method == "resources/subscribe"));
        return;
    }
    if (method == "server/discover" || method == "subscriptions/listen") {
        // Modern-only methods need the modern `_meta`; in a legacy session they do not exist.
        finish(*core, call,
               RpcError{pr::error_code::method_not_found,
                        "Method not found: " + std::string(method) + " (MCP 2026-07-28 only; " +
                            "send it with _meta io.modelcontextprotocol/protocolVersion)"});
        return;
    }
    dispatch(*core, call, method, params);
}

void Session::track(const std::shared_ptr<detail::CallState>& call) {
    std::lock_guard lock(mutex_);
    in_flight_[pr::id_key(call->request_id)] = call;
}

void Session::untrack(const detail::CallState& call) {
    std::lock_guard lock(mutex_);
    in_flight_.erase(pr::id_key(call.request_id));
}

MethodResult Session::initialize(const json::object& params) {
    auto core = core_.lock();
    const auto* requested = params.if_contains("protocolVersion");
    if (!requested || !requested->is_string())
        return RpcError{pr::error_code::invalid_params,
                        "Invalid params: protocolVersion must be a string"};
    std::string version(pr::negotiate_version(requested->get_string()));
    {
        std::lock_guard lock(mutex_);
        initialize_seen_ = true;
        version_ = version;
        if (const auto* caps = params.if_contains("capabilities"); caps && caps->is_object())
            client_capabilities_ = std::make_shared<const json::object>(caps->get_object());
        if (const auto* info = params.if_contains("clientInfo"); info && info->is_object())
            client_info_ = info->get_object();
    }
    return initialize_result(core->info(), version, !stateless());
}

MethodResult Session::set_log_level(const json::object& params) {
    const auto* level = params.if_contains("level");
    std::optional<LogLevel> parsed;
    if (level && level->is_string()) parsed = parse_log_level(level->get_string());
    if (!parsed)
        return RpcError{pr::error_code::invalid_params,
                        "Invalid params: level must be one of debug, info, notice, warning, "
                        "error, critical, alert, emergency"};
    std::lock_guard lock(mutex_);
    log_level_ = *parsed;
    return json::object{};
}

MethodResult Session::subscribe(const json::object& params, bool on) {
    if (stateless())
        return RpcError{pr::error_code::method_not_found,
                        "Method not found: resources/subscribe needs a session; this server is "
                        "stateless, so no notification could ever be delivered"};
    const auto* uri = params.if_contains("uri");
    if (!uri || !uri->is_string())
        return RpcError{pr::error_code::invalid_params, "Invalid params: uri must be a string"};
    std::lock_guard lock(mutex_);
    if (on)
        subscriptions_.emplace(uri->get_string());
    else
        subscriptions_.erase(std::string(uri->get_string()));
    return json::object{};
}

void Session::set_standalone(std::shared_ptr<Exchange> exchange) {
    std::lock_guard lock(mutex_);
    standalone_ = std::move(exchange);
}

void Session::send_standalone(json::object message) {
    std::shared_ptr<Exchange> out;
    {
        std::lock_guard lock(mutex_);
        if (!initialize_seen_ || closed_) return;
        out = standalone_;
    }
    if (out) out->send(std::move(message));
}

namespace {
void fail_all(std::map<std::string, std::shared_ptr<PendingRequest>>& pending) {
    for (auto& [key, p] : pending) {
        std::lock_guard lock(p->mutex);
        p->done = true;
        p->is_error = true;
        p->payload = {{"code", pr::error_code::internal_error}, {"message", "session closed"}};
        p->done_cv.notify_all();
    }
}
}  // namespace

void Session::close() {
    std::map<std::string, std::shared_ptr<detail::CallState>> calls;
    std::map<std::string, std::shared_ptr<PendingRequest>> pending;
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        calls.swap(in_flight_);
        pending.swap(pending_);
        standalone_.reset();
    }
    for (auto& [key, call] : calls) call->cancelled = true;
    fail_all(pending);
}

void Session::end_input() {
    std::map<std::string, std::shared_ptr<PendingRequest>> pending;
    {
        std::lock_guard lock(mutex_);
        input_ended_ = true;
        pending.swap(pending_);
    }
    fail_all(pending);
}

bool Session::closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
}

void Session::assume_initialized(std::string version) {
    std::lock_guard lock(mutex_);
    initialize_seen_ = true;
    version_ = std::move(version);
}

void Session::set_stateless(bool stateless) {
    std::lock_guard lock(mutex_);
    stateless_ = stateless;
}

bool Session::stateless() const {
    std::lock_guard lock(mutex_);
    return stateless_;
}

std::string Session::protocol_version() const {
    std::lock_guard lock(mutex_);
    return version_.empty() ? std::string(pr::kLatestVersion) : version_;
}

bool Session::initialized() const {
    std::lock_guard lock(mutex_);
    return initialize_seen_;
}

std::shared_ptr<const json::object> Session::client_capabilities() const {
    std::lock_guard lock(mutex_);
    return client_capabilities_;
}

const json::object& Session::client_info() const {
    // Written once by initialize, before any request of the session is dispatched.
    return client_info_;
}

bool Session::is_subscribed(std::string_view uri) const {
    std::lock_guard lock(mutex_);
    return subscriptions_.find(uri) != subscriptions_.end();
}

bool Session::log_enabled(LogLevel level) const {
    std::lock_guard lock(mutex_);
    return level >= log_level_;
}

std::shared_ptr<PendingRequest> Session::send_client_request(Exchange& exchange,
                                                             std::string_view method,
                                                             json::object params,
                                                             std::string& key_out) {
    auto pending = std::make_shared<PendingRequest>();
    json::value id;
    {
        std::lock_guard lock(mutex_);
        if (closed_ || input_ended_) return nullptr;
        // String ids in their own namespace so they never collide with the client's.
        id = json::value("warden-" + std::to_string(next_request_id_++));
        key_out = pr::id_key(id);
        pending_[key_out] = pending;
    }
    exchange.send(pr::make_request(id, method, std::move(params)));
    return pending;
}

void Session::forget_client_request(const std::string& key) {
    std::lock_guard lock(mutex_);
    pending_.erase(key);
}

}  // namespace warden::server
