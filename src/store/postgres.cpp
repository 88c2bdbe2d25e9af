#include "store/postgres.hpp"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdlib>

namespace warden::store::postgres {
namespace {

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;
using SteadyClock = std::chrono::steady_clock;

// The server ends a statement after 5 s (statement_timeout); the client gives up a little
// later, for a server or a network path that stopped answering altogether (a hung host or
// proxy: libpq alone would wait for TCP, minutes or forever, holding the caller and every
// statement queued behind it on this connection).
constexpr auto kStatementTimeout = std::chrono::seconds(5);
constexpr auto kClientDeadline = std::chrono::seconds(6);

bool ok(const PGresult* r) {
    if (!r) return false;
    const auto s = PQresultStatus(r);
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

// Waits for the statement sent on `c` and returns its result (the first error, or the
// last result of a multi-statement string). At the deadline the connection is shut down:
// libpq then reports it broken (CONNECTION_BAD), the result is null, `timed_out` is set,
// and the caller's next statement reconnects.
thread_local bool timed_out = false;

Result await_result(PGconn* c) {
    timed_out = false;
    const auto deadline = SteadyClock::now() + kClientDeadline;
    Result kept(nullptr, &PQclear);
    for (;;) {
        while (PQisBusy(c)) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - SteadyClock::now());
            if (left.count() <= 0) {
                spdlog::warn("store: PostgreSQL did not answer within {} s; connection dropped",
                             kClientDeadline.count());
                timed_out = true;
                ::shutdown(PQsocket(c), SHUT_RDWR);
                PQconsumeInput(c);  // sees the end of the stream: CONNECTION_BAD
                while (PGresult* r = PQgetResult(c)) PQclear(r);
                return Result(nullptr, &PQclear);
            }
            pollfd p{PQsocket(c), POLLIN, 0};
            const int n = ::poll(&p, 1, static_cast<int>(left.count()));
            if (n < 0 && errno != EINTR) return Result(nullptr, &PQclear);
            if (n > 0 && !PQconsumeInput(c)) break;  // broken: PQgetResult says why
        }
        PGresult* r = PQgetResult(c);
        if (!r) return kept;
        if (kept && !ok(kept.get()))
            PQclear(r);  // keep the first error; drain the rest
        else
            kept.reset(r);
        if (!ok(kept.get()) && PQstatus(c) != CONNECTION_OK) return kept;
    }
}

Result exec(PGconn* c, const char* sql) {
    if (!PQsendQuery(c, sql)) return Result(nullptr, &PQclear);
    return await_result(c);
}

// The advisory lock every Warden migration takes: any constant the application owns
// ("WARDEN" in ASCII).
constexpr const char* kLockSql = "SELECT pg_advisory_xact_lock(87658269686978)";

}  // namespace

std::int64_t to_unix(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

void Rows::Clear::operator()(pg_result* r) const noexcept {
    PQclear(r);
}
int Rows::size() const {
    return PQntuples(result_.get());
}
bool Rows::is_null(int row, int col) const {
    return PQgetisnull(result_.get(), row, col) != 0;
}
std::string Rows::text(int row, int col) const {
    return PQgetvalue(result_.get(), row, col);
}
std::string Rows::bytes(int row, int col) const {
    std::size_t n = 0;
    unsigned char* raw = PQunescapeBytea(
        reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row, col)), &n);
    if (!raw) return {};
    std::string out(reinterpret_cast<const char*>(raw), n);
    PQfreemem(raw);
    return out;
}
std::int64_t Rows::integer(int row, int col) const {
    return std::atoll(PQgetvalue(result_.get(), row, col));
}
std::int64_t Rows::affected() const {
    return std::atoll(PQcmdTuples(result_.get()));
}

result<void> migrate(pg_conn* c, std::string_view component, std::span<const std::string> steps) {
    if (!ok(exec(c, "BEGIN").get())) return Error::unavailable;
    auto fail = [&](Error e) -> result<void> {
        exec(c, "ROLLBACK");
        return e;
    };
    if (!ok(exec(c, kLockSql).get()) ||
        !ok(exec(c,
                 "CREATE TABLE IF NOT EXISTS warden_schema (component TEXT PRIMARY KEY, "
                 "version INTEGER NOT NULL)")
                .get()))
        return fail(Error::unavailable);
    const std::string name(component);
    const char* values[] = {name.c_str()};
    Result v(PQexecParams(c, "SELECT version FROM warden_schema WHERE component = $1", 1, nullptr,
                          values, nullptr, nullptr, 0),
             &PQclear);
    if (!ok(v.get())) return fail(Error::unavailable);
    const int target = static_cast<int>(steps.size());
    int version = PQntuples(v.get()) == 1 ? std::atoi(PQgetvalue(v.get(), 0, 0)) : 0;
    if (version > target) return fail(Error::schema_too_new);
    if (version == target) {
        exec(c, "COMMIT");
        return {};
    }
    for (; version < target; ++version)
        if (!ok(exec(c, steps[static_cast<std::size_t>(version)].c_str()).get()))
            return fail(Error::unavailable);
    const std::string to = std::to_string(target);
    const char* record[] = {name.c_str(), to.c_str()};
    Result r(PQexecParams(c,
                          "INSERT INTO warden_schema VALUES ($1, $2::integer) ON CONFLICT "
                          "(component) DO UPDATE SET version = EXCLUDED.version",
                          2, nullptr, record, nullptr, nullptr, 0),
             &PQclear);
    if (!ok(r.get()) || !ok(exec(c, "COMMIT").get())) return fail(Error::unavailable);
    return {};
}

void Database::Finish::operator()(pg_conn* c) const noexcept {
    PQfinish(c);
}

Database::Database(std::string conninfo, std::string component, std::vector<std::string> steps)
    : conninfo_(std::move(conninfo)), component_(std::move(component)), steps_(std::move(steps)) {}

Database::~Database() = default;

result<void> Database::connect() {
    std::lock_guard lock(mutex_);
    if (connection()) return {};
    return schema_too_new_ ? Error::schema_too_new : Error::unavailable;
}

pg_conn* Database::connection() {
    if (conn_ && PQstatus(conn_.get()) == CONNECTION_OK) return conn_.get();
    // connect_timeout first so that one in the URL wins (libpq: later keywords override).
    const char* keys[] = {"connect_timeout", "dbname", nullptr};
    const char* values[] = {"5", conninfo_.c_str(), nullptr};
    conn_.reset(PQconnectdbParams(keys, values, 1));
    if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
        // PQerrorMessage may name the host and user, never the password.
        spdlog::warn("store: PostgreSQL unreachable ({}): {}", component_,
                     conn_ ? PQerrorMessage(conn_.get()) : "out of memory");
        conn_.reset();
        return nullptr;
    }
    // A stuck statement must not hold a caller forever (and kClientDeadline, in case the
    // server cannot even say so).
    const std::string settings =
        "SET statement_timeout = " +
        std::to_string(std::chrono::milliseconds(kStatementTimeout).count()) +
        "; SET client_min_messages = warning";
    exec(conn_.get(), settings.c_str());
    if (!migrated_) {
        if (auto m = migrate(conn_.get(), component_, steps_); !m) {
            spdlog::error("store: PostgreSQL schema of {}: {}", component_, m.error().message());
            if (m.error() == Error::schema_too_new) schema_too_new_ = true;
            conn_.reset();
            return nullptr;
        }
        migrated_ = true;
    }
    return conn_.get();
}

Rows execute(pg_conn* c, const char* sql, std::span<const Param> params) {
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    for (const auto& p : params) {
        values.push_back(p.value ? p.value->data() : nullptr);
        lengths.push_back(p.value ? static_cast<int>(p.value->size()) : 0);
        formats.push_back(p.binary ? 1 : 0);
    }
    Rows rows;
    if (!PQsendQueryParams(c, sql, static_cast<int>(values.size()), nullptr, values.data(),
                           lengths.data(), formats.data(), 0))
        return rows;
    rows.result_.reset(await_result(c).release());
    return rows;
}

result<Rows> Transaction::query(const char* sql, std::span<const Param> params) {
    Rows rows = execute(conn_, sql, params);
    if (ok(rows.result_.get())) return rows;
    spdlog::warn("store: PostgreSQL: {}", PQresultErrorMessage(rows.result_.get()));
    return Error::unavailable;
}

result<void> Database::transaction(const std::function<result<void>(Transaction&)>& body) {
    std::lock_guard lock(mutex_);
    for (int attempt = 0; attempt < 2; ++attempt) {
        PGconn* c = connection();
        if (!c) return schema_too_new_ ? Error::schema_too_new : Error::unavailable;
        if (!ok(exec(c, "BEGIN").get())) {
            // No second attempt after the deadline: a server that hangs would hang it too.
            if (PQstatus(c) == CONNECTION_OK || timed_out) return Error::unavailable;
            conn_.reset();  // broken since its last use (a server restart): once more
            continue;
        }
        Transaction tx(c);
        auto r = body(tx);
        if (!r) {
            exec(c, "ROLLBACK");
            return r;
        }
        if (!ok(exec(c, "COMMIT").get())) {
            exec(c, "ROLLBACK");
            return Error::unavailable;
        }
        return {};
    }
    return Error::unavailable;
}

result<Rows> Database::query(const char* sql, std::span<const Param> params) {
    std::lock_guard lock(mutex_);
    for (int attempt = 0; attempt < 2; ++attempt) {
        PGconn* c = connection();
        if (!c) return schema_too_new_ ? Error::schema_too_new : Error::unavailable;
        Rows rows = execute(c, sql, params);
        if (ok(rows.result_.get())) return rows;
        if (PQstatus(c) == CONNECTION_OK) {
            spdlog::warn("store: PostgreSQL ({}): {}", component_,
                         PQresultErrorMessage(rows.result_.get()));
            return Error::unavailable;
        }
        conn_.reset();
        // The connection broke (a server restart): reconnect once; but not after the
        // deadline, which a server that hangs would only hit again.
        if (timed_out) return Error::unavailable;
    }
    return Error::unavailable;
}

SingleUse::SingleUse(std::string conninfo, std::string kind, std::chrono::seconds sweep_every)
    : kind_(std::move(kind)),
      sweep_every_(sweep_every),
      db_(std::make_shared<Database>(
          std::move(conninfo), "single_use",
          std::vector<std::string>{
              // 1: one table for every kind; expires_at indexed for the sweep
              "CREATE TABLE IF NOT EXISTS warden_single_use (kind TEXT NOT NULL, id BYTEA NOT "
              "NULL, expires_at BIGINT NOT NULL, PRIMARY KEY (kind, id)); CREATE INDEX IF NOT "
              "EXISTS warden_single_use_expiry ON warden_single_use (expires_at)"})) {}

result<bool> SingleUse::consume(std::string_view id, Clock::time_point expires_at,
                                Clock::time_point now) {
    bool sweep = false;
    {
        std::lock_guard lock(sweep_mutex_);
        if (now >= next_sweep_) {
            next_sweep_ = now + sweep_every_;
            sweep = true;
        }
    }
    const auto now_s = to_unix(now);
    if (sweep) {
        // Every replica sweeps now and then; a failed sweep is retried next time.
        if (!db_->query("DELETE FROM warden_single_use WHERE expires_at <= $1", {integer(now_s)})) {
            std::lock_guard lock(sweep_mutex_);
            next_sweep_ = now;
        }
    }
    // An expired row of the same id (not swept yet) is taken over: its state could no
    // longer be opened, so this is a first use. The upsert's WHERE keeps a live row as it
    // is, and then no row is returned: a replay.
    auto rows = db_->query(
        "INSERT INTO warden_single_use (kind, id, expires_at) VALUES ($1, $2, $3) ON CONFLICT "
        "(kind, id) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE "
        "warden_single_use.expires_at <= $4 RETURNING 1",
        {text(kind_), bytes(std::string(id)), integer(to_unix(expires_at)), integer(now_s)});
    if (!rows) return result<bool>(boost::system::in_place_error, rows.error());
    return rows->size() == 1;
}

result<std::size_t> SingleUse::count(Clock::time_point now) {
    auto rows =
        db_->query("SELECT count(*) FROM warden_single_use WHERE kind = $1 AND expires_at > $2",
                   {text(kind_), integer(to_unix(now))});
    if (!rows) return rows.error();
    return static_cast<std::size_t>(rows->integer(0, 0));
}

}  // namespace warden::store::postgres
