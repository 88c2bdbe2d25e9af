#include <warden/toolauth/state.hpp>

#include "toolauth/crypto.hpp"

#include <warden/jose/base64url.hpp>

#include <algorithm>

namespace warden::toolauth {

StateStore::StateStore(std::chrono::seconds lifetime, Now now, std::size_t per_user,
                       std::size_t total)
    : lifetime_(lifetime),
      now_(now ? std::move(now) : [] { return std::chrono::steady_clock::now(); }),
      per_user_(std::max<std::size_t>(per_user, 1)),
      total_(std::max<std::size_t>(total, 1)) {}

result<std::string> StateStore::issue(PendingAuthorization pending) {
    // 256 bits: unguessable (RFC 6749 §10.10 asks for at least 128).
    std::string state = crypto::random_token(32);
    std::lock_guard lock(mutex_);
    const auto now = now_();
    sweep(now);
    // Per user: the oldest of this user's pending authorizations makes room. A linear scan:
    // the map is bounded by `total_`, and issuing is rare next to tool calls.
    std::size_t mine = 0;
    auto oldest = pending_.end();
    for (auto it = pending_.begin(); it != pending_.end(); ++it) {
        if (it->second.user_id != pending.user_id) continue;
        ++mine;
        if (oldest == pending_.end() || it->second.expires_at < oldest->second.expires_at)
            oldest = it;
    }
    if (mine >= per_user_ && oldest != pending_.end()) pending_.erase(oldest);
    if (pending_.size() >= total_) return Error::too_many_pending;
    pending.expires_at = now + lifetime_;
    pending_[crypto::sha256(state)] = std::move(pending);
    return state;
}

result<PendingAuthorization> StateStore::consume(std::string_view state) {
    if (state.empty() || state.size() > 256) return Error::invalid_state;
    const std::string hash = crypto::sha256(state);
    std::lock_guard lock(mutex_);
    const auto now = now_();
    // Lookup by hash: the map's comparisons leak nothing about the state itself; the
    // final comparison is constant time.
    auto it = pending_.find(hash);
    if (it == pending_.end() || !crypto::equal(it->first, hash)) return Error::invalid_state;
    PendingAuthorization out = std::move(it->second);
    pending_.erase(it);  // single use, expired or not
    sweep(now);
    if (now >= out.expires_at) return Error::state_expired;
    return out;
}

std::size_t StateStore::size() {
    std::lock_guard lock(mutex_);
    sweep(now_());
    return pending_.size();
}

void StateStore::sweep(std::chrono::steady_clock::time_point now) {
    std::erase_if(pending_, [&](const auto& kv) { return now >= kv.second.expires_at; });
}

Pkce make_pkce() {
    Pkce p;
    p.verifier = crypto::random_token(32);  // 43 characters (RFC 7636 §4.1)
    p.challenge = pkce_challenge(p.verifier);
    return p;
}

std::string pkce_challenge(std::string_view verifier) {
    return jose::base64url_encode(crypto::sha256(verifier));
}

}  // namespace warden::toolauth
