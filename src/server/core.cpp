#include "server/core.hpp"

#include "protocol/jsonrpc.hpp"
#include "server/dispatch.hpp"
#include "server/listener.hpp"
#include "server/session.hpp"
#include "server/task_runner.hpp"
#include "server/wire.hpp"

#include "observability/hub.hpp"

#include <warden/crypto.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json/serialize.hpp>

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <utility>

namespace warden::server {

namespace {

std::string os_user() {
    if (const char* user = std::getenv("USER"); user && *user) return user;
    if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_name) return pw->pw_name;
    return "local";
}

// A key made for this process: states it seals open only here, and not after a restart.
state::KeyRing ephemeral_key_ring() {
    state::Key key;
    const std::string bytes = crypto::random_bytes(key.secret.bytes.size());
    std::copy(bytes.begin(), bytes.end(), key.secret.bytes.begin());
    key.id = "p" + crypto::random_token(6);
    std::vector<state::Key> keys;
    keys.push_back(std::move(key));
    return state::KeyRing::create(std::move(keys)).value();
}

}  // namespace

ServerCore::ServerCore(ServerInfo info, ServerOptions options)
    : info_(std::move(info)),
      identity_(server_identity(info_)),
      identity_json_(json::serialize(identity_)),
      options_(std::move(options)),
      local_user_id_(options_.local_user_id.empty() ? os_user() : options_.local_user_id),
      waiting_calls_(std::make_shared<WaitingCalls>(
          options_.max_waiting_calls_per_principal,
          options_.max_waiting_calls ? options_.max_waiting_calls
                                     : std::max<std::size_t>(1, options_.worker_threads / 2))),
      pool_(std::make_unique<boost::asio::thread_pool>(
          std::max<std::size_t>(1, options_.worker_threads))) {
    registry_.on_change([this](RegistryKind kind) { on_registry_change(kind); });
    // Bounded per principal too, so one caller's round trips cannot fill it for everyone
    // (docs/security.md, "Replay").
    replay_cache_ = state::make_memory_replay_cache(200'000, 20'000);
    auto configured = state::KeyRing::create(options_.state_keys);
    // Keys given in C++ that cannot be used are a programmer error, not a reason to
    // quietly seal with a key no other replica has.
    if (!options_.state_keys.empty() && !configured)
        throw std::invalid_argument("ServerOptions::state_keys: " + configured.error().message());
    state_key_ephemeral_ = !configured;
    sealer_ = std::make_shared<const state::Sealer>(
        configured ? std::move(*configured) : ephemeral_key_ring(), replay_cache_,
        options_.state_options);
}

void ServerCore::set_replay_cache(std::shared_ptr<state::ReplayCache> cache) {
    replay_cache_ = std::move(cache);
    sealer_ = std::make_shared<const state::Sealer>(sealer_->keys(), replay_cache_,
                                                    options_.state_options);
}

void ServerCore::set_state_keys(state::KeyRing keys) {
    sealer_ = std::make_shared<const state::Sealer>(std::move(keys), replay_cache_,
                                                    options_.state_options);
    state_key_ephemeral_ = false;
}

ServerCore::~ServerCore() {
    shutdown();
}

void ServerCore::set_worker_threads(std::size_t threads) {
    threads = std::max<std::size_t>(1, threads);
    auto old = std::exchange(pool_, std::make_unique<boost::asio::thread_pool>(threads));
    old->join();
    options_.worker_threads = threads;
    if (!options_.max_waiting_calls)
        waiting_calls_ = std::make_shared<WaitingCalls>(options_.max_waiting_calls_per_principal,
                                                        std::max<std::size_t>(1, threads / 2));
}

void ServerCore::post(std::function<void()> job) {
    {
        std::lock_guard lock(jobs_mutex_);
        ++jobs_;
    }
    observability::add(observability::Level::worker_queue_depth, 1);
    boost::asio::post(*pool_, [this, job = std::move(job)] {
        job();
        observability::add(observability::Level::worker_queue_depth, -1);
        std::lock_guard lock(jobs_mutex_);
        if (--jobs_ == 0) jobs_idle_.notify_all();
    });
}

bool ServerCore::wait_idle(std::chrono::milliseconds limit) {
    std::unique_lock lock(jobs_mutex_);
    return jobs_idle_.wait_for(lock, limit, [this] { return jobs_ == 0; });
}

std::shared_ptr<Session> ServerCore::create_session(std::string id) {
    auto session = std::make_shared<Session>(weak_from_this(), std::move(id));
    std::lock_guard lock(sessions_mutex_);
    std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
    sessions_.push_back(session);
    return session;
}

void ServerCore::add_listener(std::shared_ptr<Listener> listener) {
    std::lock_guard lock(listeners_mutex_);
    std::erase_if(listeners_, [](const auto& l) { return l->ended(); });
    listeners_.push_back(std::move(listener));
}

std::vector<std::shared_ptr<Listener>> ServerCore::live_listeners() {
    std::vector<std::shared_ptr<Listener>> ended;
    std::vector<std::shared_ptr<Listener>> live;
    {
        std::lock_guard lock(listeners_mutex_);
        for (auto& l : listeners_) (l->ended() ? ended : live).push_back(l);
        if (!ended.empty()) listeners_ = live;
    }
    // The client went away: the request ends without an answer (finish sends none for a
    // cancelled call) and its tracker forgets it (outside the lock).
    for (auto& l : ended) finish(*this, l->call(), json::object{});
    return live;
}

void ServerCore::notify_resource_updated(std::string_view uri) {
    deliver_resource_updated(uri);
    publish(Change{std::nullopt, std::string(uri)});
}

void ServerCore::set_change_publisher(std::function<void(const Change&)> publish) {
    std::lock_guard lock(publish_mutex_);
    publish_ = std::move(publish);
}

void ServerCore::publish(const Change& change) {
    // Under the lock: the app clears the publisher (and then destroys it) when serving
    // ends, while other threads may still raise changes.
    std::lock_guard lock(publish_mutex_);
    if (publish_) publish_(change);
}

void ServerCore::deliver_remote_change(const Change& change) {
    if (change.list_changed)
        deliver_list_changed(*change.list_changed);
    else
        deliver_resource_updated(change.updated_uri);
}

void ServerCore::deliver_resource_updated(std::string_view uri) {
    auto message =
        protocol::make_notification("notifications/resources/updated", json::object{{"uri", uri}});
    broadcast([&](Session& s) { return s.is_subscribed(uri); }, message);
    for (auto& l : live_listeners())
        if (l->wants_updates_of(uri))
            l->send("notifications/resources/updated", json::object{{"uri", uri}});
}

void ServerCore::notify_task(const tasks::Task& task) {
    for (auto& l : live_listeners())
        if (l->wants_task(task.id)) l->send("notifications/tasks", tasks::to_wire(task));
}

void ServerCore::broadcast(const std::function<bool(Session&)>& wanted,
                           const json::object& message) {
    std::vector<std::shared_ptr<Session>> targets;
    {
        std::lock_guard lock(sessions_mutex_);
        for (const auto& weak : sessions_)
            if (auto s = weak.lock()) targets.push_back(std::move(s));
    }
    for (auto& s : targets)
        if (wanted(*s)) s->send_standalone(message);
}

void ServerCore::on_registry_change(RegistryKind kind) {
    deliver_list_changed(kind);
    publish(Change{kind, {}});
}

void ServerCore::deliver_list_changed(RegistryKind kind) {
    std::string_view method = kind == RegistryKind::tools ? "notifications/tools/list_changed"
                              : kind == RegistryKind::resources
                                  ? "notifications/resources/list_changed"
                                  : "notifications/prompts/list_changed";
    broadcast([](Session&) { return true; }, protocol::make_notification(method, {}));
    for (auto& l : live_listeners())
        if (l->wants(kind)) l->send(method, {});
}

void ServerCore::close_listeners() {
    // MCP 2026-07-28 "Graceful Closure": a listen stream the server ends gets a result.
    std::vector<std::shared_ptr<Listener>> listeners;
    {
        std::lock_guard lock(listeners_mutex_);
        listeners.swap(listeners_);
    }
    for (auto& l : listeners)
        if (!l->ended()) l->close(*this);
}

void ServerCore::shutdown() {
    std::call_once(shutdown_once_, [this] {
        std::vector<std::shared_ptr<Session>> live;
        {
            std::lock_guard lock(sessions_mutex_);
            for (const auto& weak : sessions_)
                if (auto s = weak.lock()) live.push_back(std::move(s));
        }
        // Cancelling wakes handlers blocked on client answers so the pool can drain.
        for (auto& s : live) s->close();
        close_listeners();
        if (task_runner_) task_runner_->stop();
        pool_->join();
    });
}

}  // namespace warden::server
