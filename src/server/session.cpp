#include "server/session.hpp"

#include "protocol/versions.hpp"
#include "server/core.hpp"
#include "server/methods.hpp"
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

// Methods whose handlers run user code go to the worker pool; the rest are answered from
// the registry on the calling thread. (tools/call is dispatched on its own: its tool may
// run inline.)
using PooledMethod = MethodResult (*)(ServerCore&, const std::shared_ptr<detail::CallState>&,
                                      const json::object*);
PooledMethod pooled_method(std::string_view method) {
    if (method == "resources/read") return &methods::read_resource;
    if (method == "prompts/get") return &methods::get_prompt;
    if (method == "completion/complete") return &methods::complete;
    return nullptr;
}

// A method that throws answers with an internal error instead of taking the server down.
template <class F>
MethodResult guarded(F&& method) {
    try {
        return method();
    } catch (const std::exception& e) {
        spdlog::error("handler failed: {}", e.what());
        return RpcError{pr::error_code::internal_error, std::string("Internal error: ") + e.what()};
    }
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
    auto call = std::make_shared<detail::CallState>();
    call->session = shared_from_this();
    call->exchange = exchange;
    call->request_id = *c.id;
    call->principal = principal;
    call->transport = exchange->transport();
    call->protocol_version = protocol_version();
    call->client_capabilities = client_capabilities();
    if (core) {
        call->user_id = principal ? principal->user_id : core->local_user_id();
        call->request_timeout = core->options().client_request_timeout;
        call->waiting = core->waiting_calls();
    }
    if (c.params)
        if (const auto* meta = c.params->if_contains("_meta"); meta && meta->is_object())
            if (const auto* token = meta->get_object().if_contains("progressToken"))
                call->progress_token = *token;

    const std::string_view method = c.method;
    if (!core) {
        finish_request(call, RpcError{pr::error_code::internal_error, "Server is shutting down"});
        return;
    }
    if (method == "initialize") {
        finish_request(call, c.params ? initialize(*c.params)
                                      : RpcError{pr::error_code::invalid_params,
                                                 "Invalid params: initialize needs params"});
        return;
    }
    if (method == "ping") {
        finish_request(call, json::object{});
        return;
    }
    if (!initialized()) {
        finish_request(call, RpcError{pr::error_code::invalid_request,
                                      "Invalid request: the session is not initialized; send "
                                      "initialize first"});
        return;
    }

    static const json::object kEmpty;
    const json::object* params = c.params;
    // What runs on the worker pool, given the job's copy of the params.
    std::function<MethodResult(const json::object*)> pooled;
    if (method == "tools/call") {
        auto tool = methods::called_tool(*core, params);
        if (tool && tool->non_blocking) {
            // Declared quick and non-waiting: answer on this thread, sparing the two thread
            // hand-offs of the pool (most of a small call's cost). Not in in_flight_: it is
            // over before a cancellation could be read.
            call->runs_inline = true;
            finish_request(call,
                           guarded([&] { return methods::call_tool(*core, call, params, tool); }));
            return;
        }
        pooled = [core, call, tool](const json::object* p) {
            return methods::call_tool(*core, call, p, tool);
        };
    } else if (auto method_fn = pooled_method(method)) {
        pooled = [core, call, method_fn](const json::object* p) {
            return method_fn(*core, call, p);
        };
    }
    if (pooled) {
        {
            std::lock_guard lock(mutex_);
            in_flight_[pr::id_key(*c.id)] = call;
        }
        // The message may not outlive this call (stdio, batches): the job keeps a copy.
        core->post([this_ = shared_from_this(), call, pooled = std::move(pooled),
                    params = params ? *params : kEmpty] {
            this_->finish_request(call, guarded([&] { return pooled(&params); }));
        });
        return;
    }

    MethodResult result;
    if (method == "tools/list")
        result = methods::list_tools(*core, *this, params, call->principal.get());
    else if (method == "resources/list")
        result = methods::list_resources(*core, *this, params, call->principal.get());
    else if (method == "resources/templates/list")
        result = methods::list_resource_templates(*core, *this, params, call->principal.get());
    else if (method == "prompts/list")
        result = methods::list_prompts(*core, *this, params, call->principal.get());
    else if (method == "logging/setLevel")
        result = set_log_level(params ? *params : kEmpty);
    else if (method == "resources/subscribe")
        result = subscribe(params ? *params : kEmpty, true);
    else if (method == "resources/unsubscribe")
        result = subscribe(params ? *params : kEmpty, false);
    else
        result =
            RpcError{pr::error_code::method_not_found, "Method not found: " + std::string(method)};
    finish_request(call, std::move(result));
}

void Session::finish_request(const std::shared_ptr<detail::CallState>& call, MethodResult result) {
    bool cancelled = call->cancelled.load();
    if (!call->runs_inline) {
        std::lock_guard lock(mutex_);
        in_flight_.erase(pr::id_key(call->request_id));
    }
    // MCP cancellation: the receiver should not answer a cancelled request.
    if (cancelled) {
        call->exchange->complete(nullptr);
        return;
    }
    if (auto* error = std::get_if<RpcError>(&result)) {
        call->exchange->complete(
            pr::make_error(call->request_id, error->code, error->message, error->data));
    } else {
        call->exchange->complete(
            pr::make_result(call->request_id, std::move(std::get<json::value>(result))));
    }
    // Release the session reference held by the call before the exchange goes away.
    call->session.reset();
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
    return initialize_result(core->info(), version);
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
