#pragma once
// The live sessions of a stateful HTTP server: ids from a CSPRNG, each bound to the
// principal that created it, with its streams kept for resumption.

#include "server/core.hpp"
#include "server/session.hpp"
#include "transport/http/stream.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace warden::transport::http {

/// `bytes` random bytes from the kernel's CSPRNG, as lowercase hex.
std::string random_hex(std::size_t bytes);

class HttpSession {
  public:
    HttpSession(std::string id, std::shared_ptr<server::Session> session, std::string issuer,
                std::string subject);

    const std::string& id() const { return id_; }
    const std::shared_ptr<server::Session>& session() const { return session_; }
    /// True when `principal` (or its absence) is the one that created the session.
    bool bound_to(const Principal* principal) const;

    void touch();
    std::chrono::steady_clock::time_point last_used() const;

    /// Keeps `stream` for resumption; the oldest finished streams go past `limit`.
    void remember(const std::shared_ptr<Stream>& stream, std::size_t limit = 64);
    std::shared_ptr<Stream> find_stream(const std::string& stream_id) const;
    /// The standalone GET stream, created on first use.
    std::shared_ptr<Stream> standalone(const StreamSettings& settings);
    /// True when something is attached or running (the session is not idle).
    bool busy() const;
    void close();

  private:
    const std::string id_;
    const std::shared_ptr<server::Session> session_;
    const std::string issuer_;
    const std::string subject_;
    mutable std::mutex mutex_;
    std::chrono::steady_clock::time_point last_used_;
    std::map<std::string, std::shared_ptr<Stream>> streams_;
    std::vector<std::string> stream_order_;  // oldest first; a deque would cost 512 bytes empty
    std::shared_ptr<Stream> standalone_;
};

class SessionStore {
  public:
    explicit SessionStore(std::size_t max_sessions) : max_sessions_(max_sessions) {}

    /// A new session bound to `principal`; null when the cap is reached.
    std::shared_ptr<HttpSession> create(server::ServerCore& core, const Principal* principal);
    std::shared_ptr<HttpSession> find(const std::string& id) const;
    bool remove(const std::string& id);
    /// Closes and forgets sessions idle for longer than `idle`. Returns how many.
    std::size_t sweep(std::chrono::milliseconds idle);
    void close_all();
    std::size_t size() const;

  private:
    const std::size_t max_sessions_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<HttpSession>> sessions_;
};

}  // namespace warden::transport::http
