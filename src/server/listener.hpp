#pragma once
// `subscriptions/listen` (MCP 2026-07-28 "Subscriptions"): a long-lived request whose
// response stream carries the change notifications the client opted in to, each tagged
// with the subscription id (the listen request's JSON-RPC id).

#include "observability/hub.hpp"
#include "server/call_state.hpp"
#include "server/registry.hpp"

#include <boost/json/object.hpp>

#include <memory>
#include <set>
#include <string>

namespace warden::server {

class ServerCore;

/// What a subscription asked for.
struct ListenFilter {
    bool tools = false;
    bool prompts = false;
    bool resources = false;
    std::set<std::string, std::less<>> resource_uris;
};

/// Reads `params.notifications`; unknown members are ignored, wrong types are not.
/// Returns false when the filter is malformed.
bool parse_listen_filter(const json::object* params, ListenFilter& out);
/// The filter as the acknowledgment echoes it: what the server agreed to honour.
json::object listen_filter_to_json(const ListenFilter& filter);

/// One open subscription. Thread-safe.
class Listener {
  public:
    Listener(std::shared_ptr<detail::CallState> call, ListenFilter filter)
        : call_(std::move(call)), filter_(std::move(filter)) {}

    /// Ended by the client (stream closed, notifications/cancelled).
    bool ended() const { return call_->cancelled.load(); }
    bool wants(RegistryKind kind) const;
    bool wants_updates_of(std::string_view uri) const;
    /// Sends `method` with `params` tagged with the subscription id.
    void send(std::string_view method, json::object params) const;
    /// Ends the subscription from the server side with a result (graceful closure), or
    /// without one when the client already went away.
    void close(const ServerCore& core) const;
    const std::shared_ptr<detail::CallState>& call() const { return call_; }

  private:
    std::shared_ptr<detail::CallState> call_;
    ListenFilter filter_;
    observability::LevelHold open_{observability::Level::listen_streams};
};

/// Opens a subscription for `call` (a modern subscriptions/listen request): acknowledges
/// it first, then registers it with the core. A malformed filter gets -32602.
void start_listening(ServerCore& core, const std::shared_ptr<detail::CallState>& call,
                     const json::object* params);

}  // namespace warden::server
