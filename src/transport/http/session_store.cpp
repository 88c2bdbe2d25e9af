#include "transport/http/session_store.hpp"

#include <pthread.h>
#include <sys/random.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace warden::transport::http {

namespace {

void fill_random(unsigned char* out, std::size_t bytes) {
    std::size_t got = 0;
    while (got < bytes) {
        ssize_t n = ::getrandom(out + got, bytes - got, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            // No entropy source means no safe session ids: a programmer/platform error.
            throw std::runtime_error("getrandom failed");
        }
        got += static_cast<std::size_t>(n);
    }
}

// A forked child inherits the parent's unused random bytes; both would hand out the same
// ids. Forking bumps the generation, and a thread refills when its pool is older.
std::atomic<unsigned> fork_generation{0};
[[maybe_unused]] const int fork_hook =
    ::pthread_atfork(nullptr, nullptr, [] { ++fork_generation; });

}  // namespace

std::string random_hex(std::size_t bytes) {
    // Every POST needs a stream id: one getrandom() per 512 bytes per thread instead of a
    // system call per id. Same source, same quality; bytes are handed out once.
    thread_local std::array<unsigned char, 512> pool;
    thread_local std::size_t used = pool.size();
    thread_local unsigned generation = 0;
    if (generation != fork_generation.load(std::memory_order_relaxed)) {
        generation = fork_generation.load(std::memory_order_relaxed);
        used = pool.size();
    }
    std::string raw(bytes, '\0');
    for (std::size_t filled = 0; filled < bytes;) {
        if (used == pool.size()) {
            fill_random(pool.data(), pool.size());
            used = 0;
        }
        const std::size_t n = std::min(bytes - filled, pool.size() - used);
        std::memcpy(raw.data() + filled, pool.data() + used, n);
        std::memset(pool.data() + used, 0, n);  // an id's bytes do not linger in the pool
        used += n;
        filled += n;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes * 2);
    for (unsigned char c : raw) {
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
    return out;
}

HttpSession::HttpSession(std::string id, std::shared_ptr<server::Session> session,
                         std::string issuer, std::string subject)
    : id_(std::move(id)),
      session_(std::move(session)),
      issuer_(std::move(issuer)),
      subject_(std::move(subject)),
      last_used_(std::chrono::steady_clock::now()) {}

bool HttpSession::bound_to(const Principal* principal) const {
    if (!principal) return issuer_.empty() && subject_.empty();
    return principal->issuer == issuer_ && principal->user_id == subject_;
}

namespace {
// An issuer is a URL, which has no newline: the first newline ends it.
std::string key_of(const std::string& issuer, const std::string& subject) {
    if (issuer.empty() && subject.empty()) return {};
    return issuer + '\n' + subject;
}
}  // namespace

std::string HttpSession::principal_key() const {
    return key_of(issuer_, subject_);
}

void HttpSession::touch() {
    std::lock_guard lock(mutex_);
    last_used_ = std::chrono::steady_clock::now();
}

std::chrono::steady_clock::time_point HttpSession::last_used() const {
    std::lock_guard lock(mutex_);
    return last_used_;
}

void HttpSession::remember(const std::shared_ptr<Stream>& stream, std::size_t limit) {
    std::lock_guard lock(mutex_);
    // Streams kept only serve resumption (Last-Event-ID). One that answered with a JSON body
    // gave the client no event id, so keeping it would only hold its body: the initialize
    // result in every idle session, and the last 64 results in a busy one.
    std::erase_if(stream_order_, [&](const std::string& id) {
        auto s = streams_.find(id);
        if (s == streams_.end()) return true;
        if (!s->second->answered_with_json() || s->second->attached()) return false;
        streams_.erase(s);
        return true;
    });
    if (stream->answered_with_json() && !stream->attached()) return;
    streams_[stream->id()] = stream;
    stream_order_.push_back(stream->id());
    // Forget the oldest streams that nobody reads; unfinished ones are kept while they run.
    while (stream_order_.size() > limit) {
        auto it = std::find_if(stream_order_.begin(), stream_order_.end(), [&](const auto& id) {
            auto s = streams_.find(id);
            return s == streams_.end() || (s->second->finished() && !s->second->attached());
        });
        if (it == stream_order_.end()) break;
        streams_.erase(*it);
        stream_order_.erase(it);
    }
}

std::shared_ptr<Stream> HttpSession::find_stream(const std::string& stream_id) const {
    std::lock_guard lock(mutex_);
    if (standalone_ && standalone_->id() == stream_id) return standalone_;
    auto it = streams_.find(stream_id);
    return it == streams_.end() ? nullptr : it->second;
}

std::shared_ptr<Stream> HttpSession::standalone(const StreamSettings& settings) {
    std::lock_guard lock(mutex_);
    if (!standalone_) {
        standalone_ = std::make_shared<Stream>(random_hex(8), settings, true);
        session_->set_standalone(standalone_);
    }
    return standalone_;
}

bool HttpSession::busy() const {
    std::lock_guard lock(mutex_);
    if (standalone_ && standalone_->attached()) return true;
    for (const auto& [id, s] : streams_)
        if (!s->finished() || s->attached()) return true;
    return false;
}

void HttpSession::close() {
    session_->close();
    std::lock_guard lock(mutex_);
    if (standalone_) standalone_->interrupt();
    for (const auto& [id, s] : streams_) s->interrupt();
}

std::shared_ptr<HttpSession> SessionStore::create(server::ServerCore& core,
                                                  const Principal* principal,
                                                  SessionRefusal* refusal) {
    const auto refuse = [refusal](SessionRefusal why) {
        if (refusal) *refusal = why;
        return nullptr;
    };
    const std::string key = principal ? key_of(principal->issuer, principal->user_id) : "";
    std::lock_guard lock(mutex_);
    if (sessions_.size() >= max_sessions_) return refuse(SessionRefusal::server_full);
    std::size_t* held = nullptr;
    if (!key.empty()) {
        held = &per_principal_[key];
        if (*held >= max_per_principal_) {
            if (*held == 0) per_principal_.erase(key);
            return refuse(SessionRefusal::principal_full);
        }
    }
    // 128 bits from the CSPRNG: unguessable, and only visible ASCII as MCP requires.
    // The replica's prefix only routes; the 128 random bits are what makes the id secret.
    std::string id = id_prefix_ + random_hex(16);
    auto session = std::make_shared<HttpSession>(id, core.create_session(id),
                                                 principal ? principal->issuer : std::string{},
                                                 principal ? principal->user_id : std::string{});
    sessions_.emplace(id, session);
    if (held) ++*held;
    if (refusal) *refusal = SessionRefusal::none;
    return session;
}

void SessionStore::uncount_locked(const HttpSession& session) {
    const auto key = session.principal_key();
    if (key.empty()) return;
    auto it = per_principal_.find(key);
    if (it == per_principal_.end()) return;
    if (--it->second == 0) per_principal_.erase(it);
}

std::shared_ptr<HttpSession> SessionStore::find(const std::string& id) const {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(id);
    return it == sessions_.end() ? nullptr : it->second;
}

bool SessionStore::remove(const std::string& id) {
    std::shared_ptr<HttpSession> gone;
    {
        std::lock_guard lock(mutex_);
        auto it = sessions_.find(id);
        if (it == sessions_.end()) return false;
        gone = std::move(it->second);
        sessions_.erase(it);
        uncount_locked(*gone);
    }
    gone->close();
    return true;
}

std::size_t SessionStore::sweep(std::chrono::milliseconds idle) {
    const auto cutoff = std::chrono::steady_clock::now() - idle;
    std::vector<std::shared_ptr<HttpSession>> expired;
    {
        std::lock_guard lock(mutex_);
        for (auto it = sessions_.begin(); it != sessions_.end();) {
            if (it->second->last_used() < cutoff && !it->second->busy()) {
                uncount_locked(*it->second);
                expired.push_back(std::move(it->second));
                it = sessions_.erase(it);
            } else {
                ++it;
            }
        }
    }
    for (auto& s : expired) s->close();
    return expired.size();
}

void SessionStore::close_all() {
    std::unordered_map<std::string, std::shared_ptr<HttpSession>> all;
    {
        std::lock_guard lock(mutex_);
        all.swap(sessions_);
        per_principal_.clear();
    }
    for (auto& [id, s] : all) s->close();
}

std::size_t SessionStore::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

}  // namespace warden::transport::http
