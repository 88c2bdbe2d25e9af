#include "app/change_feed.hpp"

#include "store/postgres.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <boost/json.hpp>

#include <random>

namespace warden::app {
namespace {

constexpr const char* kChannel = "warden_changes";
constexpr std::size_t kMaxQueued = 1000;
// PostgreSQL refuses NOTIFY payloads of 8000 bytes or more.
constexpr std::size_t kMaxPayload = 7900;

std::string random_origin() {
    std::random_device rd;
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 16; ++i) out += kHex[rd() % 16];
    return out;
}

const char* kind_name(server::RegistryKind kind) {
    switch (kind) {
        case server::RegistryKind::tools:
            return "tools";
        case server::RegistryKind::resources:
            return "resources";
        case server::RegistryKind::prompts:
            return "prompts";
    }
    return "tools";
}

}  // namespace

ChangeFeed::ChangeFeed(std::shared_ptr<server::ServerCore> core, std::string conninfo)
    : core_(std::move(core)), conninfo_(std::move(conninfo)), origin_(random_origin()) {
    listener_ = std::thread([this] { listen_loop(); });
    publisher_ = std::thread([this] { publish_loop(); });
}

ChangeFeed::~ChangeFeed() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    listener_.join();
    publisher_.join();
}

void ChangeFeed::publish(const server::ServerCore::Change& change) {
    boost::json::object o{{"origin", origin_}};
    if (change.list_changed)
        o["list_changed"] = kind_name(*change.list_changed);
    else
        o["updated"] = change.updated_uri;
    std::string payload = boost::json::serialize(o);
    if (payload.size() > kMaxPayload) {
        spdlog::warn("replicas: a resource URI too long for NOTIFY is not sent to other replicas");
        return;
    }
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= kMaxQueued) {
            spdlog::warn("replicas: change queue full; a change is not sent to other replicas");
            return;
        }
        queue_.push_back(std::move(payload));
    }
    wake_.notify_all();
}

void ChangeFeed::pause(std::unique_lock<std::mutex>& lock, int ms) {
    wake_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
}

void ChangeFeed::publish_loop() {
    store::postgres::Database db(conninfo_, "changes", {});
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        std::string payload = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        // pg_notify rather than NOTIFY: the payload is a parameter, never spliced into SQL.
        auto sent = db.query("SELECT pg_notify($1, $2)",
                             {store::postgres::text(kChannel), store::postgres::text(payload)});
        if (!sent) spdlog::warn("replicas: a change could not be sent to other replicas");
        lock.lock();
    }
}

void ChangeFeed::deliver(std::string_view payload) {
    boost::system::error_code ec;
    auto v = boost::json::parse(payload, ec);
    const auto* o = ec ? nullptr : v.if_object();
    if (!o) return;
    const auto* origin = o->if_contains("origin");
    if (!origin || !origin->is_string() || origin->get_string() == origin_) return;  // ours
    server::ServerCore::Change change;
    if (const auto* kind = o->if_contains("list_changed"); kind && kind->is_string()) {
        const auto k = kind->get_string();
        if (k == "tools")
            change.list_changed = server::RegistryKind::tools;
        else if (k == "resources")
            change.list_changed = server::RegistryKind::resources;
        else if (k == "prompts")
            change.list_changed = server::RegistryKind::prompts;
        else
            return;
    } else if (const auto* uri = o->if_contains("updated"); uri && uri->is_string()) {
        change.updated_uri = std::string(uri->get_string());
    } else {
        return;
    }
    core_->deliver_remote_change(change);
}

void ChangeFeed::listen_loop() {
    bool was_down = false;
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
        }
        const char* keys[] = {"connect_timeout", "dbname", nullptr};
        const char* values[] = {"5", conninfo_.c_str(), nullptr};
        std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdbParams(keys, values, 1),
                                                          &PQfinish);
        bool listening = conn && PQstatus(conn.get()) == CONNECTION_OK;
        if (listening) {
            PGresult* r = PQexec(conn.get(), "LISTEN warden_changes");
            listening = PQresultStatus(r) == PGRES_COMMAND_OK;
            PQclear(r);
        }
        if (!listening) {
            if (!was_down)
                spdlog::warn("replicas: cannot listen for other replicas' changes; retrying");
            was_down = true;
            std::unique_lock lock(mutex_);
            pause(lock, 1000);
            continue;
        }
        spdlog::info("replicas: listening for other replicas' changes");
        was_down = false;
        for (;;) {
            {
                std::lock_guard lock(mutex_);
                if (stopping_) return;
            }
            pollfd fd{PQsocket(conn.get()), POLLIN, 0};
            if (fd.fd < 0) break;
            // A short timeout so that stopping is noticed; a readable socket at EOF (the
            // server went away) makes PQconsumeInput fail and the loop reconnect.
            if (::poll(&fd, 1, 250) > 0 && !PQconsumeInput(conn.get())) break;
            while (PGnotify* n = PQnotifies(conn.get())) {
                deliver(n->extra);
                PQfreemem(n);
            }
            if (PQstatus(conn.get()) != CONNECTION_OK) break;
        }
        spdlog::warn("replicas: lost the connection that listens for changes; reconnecting");
    }
}

}  // namespace warden::app
