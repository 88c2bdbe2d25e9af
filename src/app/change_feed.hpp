#pragma once
// Internal: cross-replica notifications through PostgreSQL LISTEN/NOTIFY. A change raised
// on this replica (list_changed, resources/updated) is delivered locally by the core and
// published here on the channel `warden_changes`; a change published by another replica
// is delivered to this replica's sessions and listen streams. Each replica tags what it
// publishes with a random origin and ignores its own, so nothing is delivered twice.

#include "server/core.hpp"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace warden::app {

class ChangeFeed {
  public:
    /// Starts the listening connection (reconnecting on its own, at most once a second)
    /// and the publishing thread, on the database at `conninfo`.
    ChangeFeed(std::shared_ptr<server::ServerCore> core, std::string conninfo);
    /// Stops both threads (within about a quarter second, or a connect timeout).
    ~ChangeFeed();
    ChangeFeed(const ChangeFeed&) = delete;
    ChangeFeed& operator=(const ChangeFeed&) = delete;

    /// Queues `change` for NOTIFY; never blocks. While the database is unreachable,
    /// changes are dropped (logged): list changes and resource updates are hints, and a
    /// client re-lists when it reconnects. At most 1000 wait.
    void publish(const server::ServerCore::Change& change);

  private:
    void listen_loop();
    void publish_loop();
    void deliver(std::string_view payload);
    // Sleeps up to `ms` unless stopping. With mutex_ held through `lock`.
    void pause(std::unique_lock<std::mutex>& lock, int ms);

    const std::shared_ptr<server::ServerCore> core_;
    const std::string conninfo_;
    const std::string origin_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::string> queue_;
    bool stopping_ = false;
    std::thread listener_;
    std::thread publisher_;
};

}  // namespace warden::app
