#pragma once
// Internal: the PostgreSQL layer Warden's stores share when several replicas use one
// database (`WARDEN_STORE_URL=postgresql://...`): one connection per store that reconnects
// by itself, parameterized statements, per-component schema migrations serialized by an
// advisory lock, and the single-use table behind the replay caches. No libpq-fe.h here:
// the handles are opaque.

#include "store/sqlite.hpp"  // store::Error, store::result

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace warden::store::postgres {

/// One statement parameter: text, or bytes sent as binary (bytea); nullopt is NULL.
struct Param {
    std::optional<std::string> value{};
    bool binary = false;
};
inline Param text(std::string v) {
    return {std::move(v), false};
}
inline Param bytes(std::string v) {
    return {std::move(v), true};
}
inline Param integer(std::int64_t v) {
    return {std::to_string(v), false};
}
inline Param null() {
    return {};
}

/// The rows of one statement (text format).
class Rows {
  public:
    int size() const;
    bool is_null(int row, int col) const;
    std::string text(int row, int col) const;
    /// A bytea column, decoded.
    std::string bytes(int row, int col) const;
    std::int64_t integer(int row, int col) const;
    /// Rows an INSERT/UPDATE/DELETE touched.
    std::int64_t affected() const;

  private:
    friend class Database;
    friend class Transaction;
    friend Rows execute(pg_conn* c, const char* sql, std::span<const Param> params);
    struct Clear {
        void operator()(pg_result* r) const noexcept;
    };
    std::unique_ptr<pg_result, Clear> result_;
};

class Database;
class Rows;
/// One parameterized statement on `c` (internal to the layer).
Rows execute(pg_conn* c, const char* sql, std::span<const Param> params);

/// Statements inside Database::transaction.
class Transaction {
  public:
    /// Errors: unavailable (logged without parameters).
    result<Rows> query(const char* sql, std::span<const Param> params = {});
    result<Rows> query(const char* sql, std::initializer_list<Param> params) {
        return query(sql, std::span<const Param>(params.begin(), params.size()));
    }

  private:
    friend class Database;
    explicit Transaction(pg_conn* c) : conn_(c) {}
    pg_conn* conn_;
};

/// One connection to the database at `conninfo` (a `postgresql://` URL or libpq
/// connection string) for one component of Warden's schema. Thread-safe: statements run
/// one at a time. Connects lazily; after the server went away, the next statement
/// reconnects (and a statement that finds its connection broken is retried once on a new
/// one). Each connection has a 5 s statement timeout, and the client waits at most 6 s
/// for an answer (then the connection is dropped and the statement fails: not retried).
class Database {
  public:
    /// `component` names the schema steps in `warden_schema`; `steps[i]` (SQL, may hold
    /// several statements) moves it from version i to i + 1.
    Database(std::string conninfo, std::string component, std::vector<std::string> steps);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    /// Connects and migrates now. Errors: unavailable, schema_too_new.
    result<void> connect();
    /// Runs one statement. Errors: unavailable (no connection, or the statement failed:
    /// logged without its parameters), schema_too_new.
    result<Rows> query(const char* sql, std::span<const Param> params = {});
    result<Rows> query(const char* sql, std::initializer_list<Param> params) {
        return query(sql, std::span<const Param>(params.begin(), params.size()));
    }

    /// Runs `body` in one transaction (BEGIN ... COMMIT), no other statement of this
    /// Database in between; rolls back when `body` fails and returns its error. Errors:
    /// unavailable, schema_too_new, or the body's.
    result<void> transaction(const std::function<result<void>(Transaction&)>& body);

  private:
    pg_conn* connection();  // with mutex_ held

    const std::string conninfo_;
    const std::string component_;
    const std::vector<std::string> steps_;
    std::mutex mutex_;
    struct Finish {
        void operator()(pg_conn* c) const noexcept;
    };
    std::unique_ptr<pg_conn, Finish> conn_;
    bool migrated_ = false;
    bool schema_too_new_ = false;
};

/// Brings `component` to version `steps.size()` on `conn`, in one transaction holding an
/// advisory lock (replicas starting at once migrate one after the other; the later ones
/// find nothing to do). Errors: unavailable, schema_too_new.
result<void> migrate(pg_conn* conn, std::string_view component, std::span<const std::string> steps);

/// Single-use ids shared by every replica (the `requestState` replay cache, the DPoP
/// `jti` cache): a row per (kind, id) until it expires; the first INSERT wins (ON
/// CONFLICT DO NOTHING), so two replicas racing on one id accept it once. Expired rows
/// are deleted at most once per `sweep_every`. Thread-safe.
class SingleUse {
  public:
    using Clock = std::chrono::system_clock;
    SingleUse(std::string conninfo, std::string kind,
              std::chrono::seconds sweep_every = std::chrono::seconds(30));

    /// True the first time `id` is seen before `expires_at`, false for a replay (the id
    /// is recorded and not yet expired at `now`). Errors: unavailable.
    result<bool> consume(std::string_view id, Clock::time_point expires_at, Clock::time_point now);
    /// Ids of this kind remembered and not expired at `now`. Errors: unavailable.
    result<std::size_t> count(Clock::time_point now);

  private:
    const std::string kind_;
    const std::chrono::seconds sweep_every_;
    std::shared_ptr<Database> db_;
    std::mutex sweep_mutex_;
    Clock::time_point next_sweep_{};
};

/// Seconds since the Unix epoch.
std::int64_t to_unix(std::chrono::system_clock::time_point t);

}  // namespace warden::store::postgres
