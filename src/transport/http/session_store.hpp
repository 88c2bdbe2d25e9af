#pragma once
// The live sessions of a stateful HTTP server: ids from a CSPRNG, each bound to the
// principal that created it, with its streams kept for resumption.

#include "observability/hub.hpp"
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
    /// "<issuer>\n<subject>" of the creating principal; empty for an anonymous session.
    std::string principal_key() const;

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
    observability::LevelHold open_{observability::Level::sessions};
};

/// Why SessionStore::create made no session.
enum class SessionRefusal {
    none,            ///< a session was made
    server_full,     ///< `max_sessions` sessions exist
    principal_full,  ///< the principal holds `max_per_principal` sessions
};

/// Thread-safe.
class SessionStore {
  public:
    /// At most `max_sessions` sessions, and at most `max_per_principal` per authenticated
    /// principal (anonymous sessions have only the global cap: without auth every client is
    /// the same nobody), so one user cannot take every session.
    /// `id_prefix` (e.g. "b.") starts every session id: the replica's name for the load
    /// balancer's routing (HttpOptions::replica_id).
    explicit SessionStore(std::size_t max_sessions,
                          std::size_t max_per_principal = static_cast<std::size_t>(-1),
                          std::string id_prefix = {})
        : max_sessions_(max_sessions),
          max_per_principal_(max_per_principal),
          id_prefix_(std::move(id_prefix)) {}

    /// A new session bound to `principal` (null: anonymous); null when a cap is reached,
    /// and then `refusal` (when given) says which.
    std::shared_ptr<HttpSession> create(server::ServerCore& core, const Principal* principal,
                                        SessionRefusal* refusal = nullptr);
    std::shared_ptr<HttpSession> find(const std::string& id) const;
    bool remove(const std::string& id);
    /// Closes and forgets sessions idle for longer than `idle`. Returns how many.
    std::size_t sweep(std::chrono::milliseconds idle);
    void close_all();
    std::size_t size() const;

  private:
    // Forgets `session`'s share of its principal's count; the caller holds mutex_.
    void uncount_locked(const HttpSession& session);

    const std::size_t max_sessions_;
    const std::size_t max_per_principal_;
    const std::string id_prefix_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<HttpSession>> sessions_;
    std::unordered_map<std::string, std::size_t> per_principal_;  // principal_key -> sessions
};

}  // namespace warden::transport::http
