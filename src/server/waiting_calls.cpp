#include "server/waiting_calls.hpp"

#include "server/call_state.hpp"

#include <algorithm>

namespace warden::server {

WaitingCalls::WaitingCalls(std::size_t per_principal, std::size_t total)
    : per_principal_(std::max<std::size_t>(per_principal, 1)),
      total_cap_(std::max<std::size_t>(total, 1)) {}

std::unique_ptr<WaitingCalls::Slot> WaitingCalls::try_enter(const std::string& principal,
                                                            bool per_principal_cap) {
    std::lock_guard lock(mutex_);
    if (total_ >= total_cap_) return nullptr;
    auto& mine = by_principal_[principal];
    if (per_principal_cap && mine >= per_principal_) {
        if (mine == 0) by_principal_.erase(principal);
        return nullptr;
    }
    ++mine;
    ++total_;
    return std::make_unique<Slot>(shared_from_this(), principal);
}

void WaitingCalls::leave(const std::string& principal) {
    std::lock_guard lock(mutex_);
    --total_;
    auto it = by_principal_.find(principal);
    if (it != by_principal_.end() && --it->second == 0) by_principal_.erase(it);
}

std::size_t WaitingCalls::total() {
    std::lock_guard lock(mutex_);
    return total_;
}

std::size_t WaitingCalls::of(const std::string& principal) {
    std::lock_guard lock(mutex_);
    auto it = by_principal_.find(principal);
    return it == by_principal_.end() ? 0 : it->second;
}

std::shared_ptr<void> enter_wait(const detail::CallState& call) {
    if (!call.waiting) return std::make_shared<int>(0);  // no core: nothing to share
    const std::string key = call.principal ? call.principal->issuer + '\0' + call.principal->user_id
                                           : std::string("\0local", 6);
    return call.waiting->try_enter(key, call.transport != TransportKind::stdio);
}

}  // namespace warden::server
