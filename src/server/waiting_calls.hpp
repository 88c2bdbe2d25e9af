#pragma once
// Calls waiting on the client (an elicitation, sampling or roots answer, or the user
// completing a URL elicitation): each holds a worker thread while it waits, so they are
// counted, per principal and in all, and refused past a cap. One user whose client never
// answers can then hold only a few workers, and the rest keep serving everyone else.

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace warden::detail {
struct CallState;
}

namespace warden::server {

class WaitingCalls : public std::enable_shared_from_this<WaitingCalls> {
  public:
    /// A counted wait; the count drops when the slot is destroyed.
    class Slot {
      public:
        Slot(std::shared_ptr<WaitingCalls> owner, std::string key)
            : owner_(std::move(owner)), key_(std::move(key)) {}
        ~Slot() { owner_->leave(key_); }
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;

      private:
        std::shared_ptr<WaitingCalls> owner_;
        std::string key_;
    };

    /// `per_principal` and `total` are at least 1.
    WaitingCalls(std::size_t per_principal, std::size_t total);

    /// A slot for one more call of `principal` (its issuer and subject, or the local user),
    /// or nullptr when the server has `total` waiting calls, or (`per_principal_cap`) that
    /// principal has `per_principal`. Thread-safe.
    std::unique_ptr<Slot> try_enter(const std::string& principal, bool per_principal_cap = true);
    /// Calls waiting now, in all and of `principal`. Thread-safe.
    std::size_t total();
    std::size_t of(const std::string& principal);

  private:
    void leave(const std::string& principal);

    const std::size_t per_principal_;
    const std::size_t total_cap_;
    std::mutex mutex_;
    std::size_t total_ = 0;
    std::map<std::string, std::size_t> by_principal_;
};

/// A slot for `call` to wait on its client, keyed by its principal (issuer and subject;
/// over stdio only the total counts); nullptr when refused. Holding it counts the wait.
std::shared_ptr<void> enter_wait(const detail::CallState& call);

}  // namespace warden::server
