#pragma once
// Single use of sealed states: each state carries a random id; opening it records the id
// until the state expires, and a second opening is refused. In memory per process by
// default; on PostgreSQL (`WARDEN_STORE_URL=postgresql://...`) shared by every replica.

#include <warden/state/error.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace warden::state {

using Clock = std::chrono::system_clock;

/// Remembers used ids until they expire. Implementations are thread-safe.
class ReplayCache {
  public:
    virtual ~ReplayCache() = default;
    /// Records `id` as used until `expires_at`, atomically with the check. Returns true
    /// the first time, false when `id` was already recorded and has not expired (a
    /// replay). `owner` is who the state belongs to (`principal_id`), for caches that
    /// bound each owner's share. Errors: replay_cache_full.
    virtual result<bool> consume(std::string_view id, std::string_view owner,
                                 Clock::time_point expires_at, Clock::time_point now) = 0;
    /// How many ids are remembered now (tests and metrics).
    virtual std::size_t size() const = 0;
};

/// An in-memory cache of at most `capacity` ids (each about 100 bytes). When it is full,
/// expired ids are forgotten first (a state past its expiry can no longer be opened, so
/// forgetting its id is safe); if every remembered id is still live, `consume` fails with
/// replay_cache_full instead of evicting one, because forgetting a live id would let that
/// state be replayed. One owner holds at most `per_owner` live ids (0: up to `capacity`),
/// so a caller who makes round trips as fast as it can fills its own share, not the
/// cache: the others keep theirs (replay_cache_full is that caller's alone).
std::shared_ptr<ReplayCache> make_memory_replay_cache(std::size_t capacity = 100'000,
                                                      std::size_t per_owner = 0);

/// A cache in the PostgreSQL database at `conninfo` (table `warden_single_use`, created on
/// first use), shared by every replica using that database: a state opened on one replica
/// is refused on all. The first insert of an id wins (INSERT ... ON CONFLICT), so two
/// replicas racing on one state accept it once; expired rows are deleted now and then. No
/// capacity: the table holds what is live. `consume` errors: store_unavailable (the
/// database cannot be reached; nothing is recorded, fail closed); it reconnects on its own.
/// `size` is 0 when the database cannot be reached.
std::shared_ptr<ReplayCache> make_postgres_replay_cache(const std::string& conninfo);

}  // namespace warden::state
