#include "server/listener.hpp"

#include "protocol/jsonrpc.hpp"
#include "server/core.hpp"
#include "server/dispatch.hpp"
#include "server/task_runner.hpp"

namespace warden::server {

namespace pr = warden::protocol;

bool parse_listen_filter(const json::object* params, ListenFilter& out) {
    const auto* n = params ? params->if_contains("notifications") : nullptr;
    if (!n) return true;
    if (!n->is_object()) return false;
    const auto& f = n->get_object();
    auto flag = [&](std::string_view key, bool& into) {
        const auto* v = f.if_contains(key);
        if (!v) return true;
        if (!v->is_bool()) return false;
        into = v->get_bool();
        return true;
    };
    if (!flag("toolsListChanged", out.tools) || !flag("promptsListChanged", out.prompts) ||
        !flag("resourcesListChanged", out.resources))
        return false;
    if (const auto* uris = f.if_contains("resourceSubscriptions")) {
        if (!uris->is_array()) return false;
        for (const auto& u : uris->get_array()) {
            if (!u.is_string()) return false;
            out.resource_uris.emplace(u.get_string());
        }
    }
    if (const auto* ids = f.if_contains("taskIds")) {
        // Each id costs a store lookup: a bounded list.
        if (!ids->is_array() || ids->get_array().size() > 100) return false;
        for (const auto& id : ids->get_array()) {
            if (!id.is_string()) return false;
            out.task_ids.emplace(id.get_string());
        }
    }
    return true;
}

json::object listen_filter_to_json(const ListenFilter& filter) {
    json::object out;
    if (filter.tools) out["toolsListChanged"] = true;
    if (filter.prompts) out["promptsListChanged"] = true;
    if (filter.resources) out["resourcesListChanged"] = true;
    if (!filter.resource_uris.empty()) {
        json::array uris;
        for (const auto& u : filter.resource_uris) uris.emplace_back(u);
        out["resourceSubscriptions"] = std::move(uris);
    }
    if (!filter.task_ids.empty()) {
        json::array ids;
        for (const auto& id : filter.task_ids) ids.emplace_back(id);
        out["taskIds"] = std::move(ids);
    }
    return out;
}

bool Listener::wants(RegistryKind kind) const {
    switch (kind) {
        case RegistryKind::tools:
            return filter_.tools;
        case RegistryKind::resources:
            return filter_.resources;
        case RegistryKind::prompts:
            return filter_.prompts;
    }
    return false;
}

bool Listener::wants_updates_of(std::string_view uri) const {
    return filter_.resource_uris.find(uri) != filter_.resource_uris.end();
}

bool Listener::wants_task(std::string_view task_id) const {
    return filter_.task_ids.find(task_id) != filter_.task_ids.end();
}

void Listener::send(std::string_view method, json::object params) const {
    params["_meta"] = json::object{{meta_key::subscription_id, call_->request_id}};
    call_->exchange->send(pr::make_notification(method, std::move(params)));
}

void Listener::close(const ServerCore& core) const {
    finish(core, call_,
           json::object{{"_meta", json::object{{meta_key::subscription_id, call_->request_id}}}});
}

namespace {

// Registers the stream: the acknowledgment comes first (MUST); registering after it keeps
// any change notification from overtaking it.
void listen_with(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                 const ListenFilter& filter) {
    if (call->tracker) call->tracker->track(call);
    auto listener = std::make_shared<Listener>(call, filter);
    listener->send("notifications/subscriptions/acknowledged",
                   json::object{{"notifications", listen_filter_to_json(filter)}});
    core.add_listener(std::move(listener));
}

}  // namespace

void start_listening(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                     const json::object* params) {
    ListenFilter filter;
    if (!parse_listen_filter(params, filter)) {
        finish(core, call,
               RpcError{pr::error_code::invalid_params,
                        "Invalid params: notifications must be an object of booleans and a "
                        "resourceSubscriptions array of strings, and taskIds at most 100 "
                        "strings"});
        return;
    }
    if (!filter.task_ids.empty()) {
        if (!declares_tasks_extension(*call->client_capabilities)) {
            finish(core, call,
                   RpcError{pr::error_code::missing_client_capability,
                            "Missing required client capability: extensions." +
                                std::string(kTasksExtension) + " (taskIds)",
                            json::object{{"requiredCapabilities",
                                          {{"extensions",
                                            {{std::string(kTasksExtension), json::object{}}}}}}}});
            return;
        }
        // Only the caller's own live tasks: another caller's id is dropped like an unknown
        // one. The task store may be a database: looked up on the worker pool, not on the
        // thread that read the request (an I/O thread).
        core.post([core_ref = core.shared_from_this(), call, filter = std::move(filter)]() mutable {
            const auto owner = tasks::owner_of(call->principal.get());
            const auto& runner = core_ref->task_runner();
            std::erase_if(filter.task_ids, [&](const std::string& id) {
                return !runner || !runner->store().get(id, owner, tasks::Clock::now());
            });
            listen_with(*core_ref, call, filter);
        });
        return;
    }
    listen_with(core, call, filter);
}

}  // namespace warden::server
