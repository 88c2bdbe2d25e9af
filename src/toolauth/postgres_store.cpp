// The token store on PostgreSQL (libpq), for several replicas sharing one database.
// Same sealing as the SQLite store (AES-256-GCM per field, the row bound in the AAD), so
// a record is as safe in a shared database as in a local file.

#include "toolauth/crypto.hpp"
#include "toolauth/sqlite_store.hpp"  // seal_tokens/open_field: one sealing for both stores

#include <warden/toolauth/scopes.hpp>
#include <warden/toolauth/token_store.hpp>

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <memory>
#include <mutex>
#include <vector>

namespace warden::toolauth {

namespace {

struct ConnClose {
    void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
struct ResultClear {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using Conn = std::unique_ptr<PGconn, ConnClose>;
using Result = std::unique_ptr<PGresult, ResultClear>;

// Schema steps, applied in order under an advisory lock (several replicas may start at
// once: the lock makes one of them migrate while the others wait, then find it done).
constexpr const char* kMigrations[] = {
    // 1: tokens, sealed fields as bytea
    "CREATE TABLE IF NOT EXISTS warden_tokens (user_id TEXT NOT NULL, provider TEXT NOT NULL, "
    "scopes TEXT NOT NULL, access_token BYTEA NOT NULL, refresh_token BYTEA, expires_at BIGINT, "
    "updated_at BIGINT NOT NULL, PRIMARY KEY (user_id, provider))",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));
// The advisory lock key: any constant the application owns ("WARDEN" in ASCII).
constexpr const char* kLockKey = "87658269686978";

std::int64_t to_unix(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
Clock::time_point from_unix(std::int64_t s) {
    return Clock::time_point(std::chrono::seconds(s));
}

bool ok(const Result& r) {
    if (!r) return false;
    const auto s = PQresultStatus(r.get());
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

// Runs the schema steps this database lacks. Errors: store_unavailable,
// store_schema_too_new.
result<void> migrate(PGconn* c) {
    auto run = [c](const char* sql) { return Result(PQexec(c, sql)); };
    if (!ok(run("BEGIN"))) return Error::store_unavailable;
    auto fail = [&](Error e) -> result<void> {
        run("ROLLBACK");
        return e;
    };
    if (!ok(run((std::string("SELECT pg_advisory_xact_lock(") + kLockKey + ")").c_str())) ||
        !ok(run("CREATE TABLE IF NOT EXISTS warden_schema (component TEXT PRIMARY KEY, "
                "version INTEGER NOT NULL)")))
        return fail(Error::store_unavailable);
    Result v(PQexec(c, "SELECT version FROM warden_schema WHERE component = 'toolauth'"));
    if (!ok(v)) return fail(Error::store_unavailable);
    int version = PQntuples(v.get()) == 1 ? std::atoi(PQgetvalue(v.get(), 0, 0)) : 0;
    if (version > kSchemaVersion) return fail(Error::store_schema_too_new);
    for (; version < kSchemaVersion; ++version)
        if (!ok(run(kMigrations[version]))) return fail(Error::store_unavailable);
    const std::string record = "INSERT INTO warden_schema VALUES ('toolauth', " +
                               std::to_string(kSchemaVersion) +
                               ") ON CONFLICT (component) DO UPDATE SET version = EXCLUDED.version";
    if (!ok(run(record.c_str())) || !ok(run("COMMIT"))) return fail(Error::store_unavailable);
    return {};
}

class PostgresTokenStore final : public TokenStore {
  public:
    PostgresTokenStore(std::string conninfo, std::optional<StoreKey> key)
        : conninfo_(std::move(conninfo)), key_(std::move(key)) {}

    // Connects (or reconnects after the server went away) and migrates once.
    result<void> connect() {
        std::lock_guard lock(mutex_);
        if (connection()) return {};
        return schema_too_new_ ? Error::store_schema_too_new : Error::store_unavailable;
    }

    result<std::optional<TokenRecord>> get(const std::string& user,
                                           const std::string& provider) override {
        if (!key_) return Error::bad_key;
        std::lock_guard lock(mutex_);
        auto r = query(
            "SELECT scopes, access_token, refresh_token, expires_at, updated_at FROM "
            "warden_tokens WHERE user_id = $1 AND provider = $2",
            {user, provider}, {false, false});
        if (!r) return r.error();
        PGresult* res = r->get();
        if (PQntuples(res) == 0) return std::optional<TokenRecord>();
        TokenRecord rec;
        rec.user_id = user;
        rec.provider = provider;
        rec.scopes = parse_scopes(PQgetvalue(res, 0, 0));
        auto access = unseal(res, 1, user, provider, "access_token");
        if (!access) return access.error();
        rec.access_token = std::move(*access);
        if (!PQgetisnull(res, 0, 2)) {
            auto refresh = unseal(res, 2, user, provider, "refresh_token");
            if (!refresh) return refresh.error();
            rec.refresh_token = std::move(*refresh);
        }
        if (!PQgetisnull(res, 0, 3)) rec.expires_at = from_unix(std::atoll(PQgetvalue(res, 0, 3)));
        rec.updated_at = from_unix(std::atoll(PQgetvalue(res, 0, 4)));
        return std::optional<TokenRecord>(std::move(rec));
    }

    result<void> put(const TokenRecord& r) override {
        if (!key_) return Error::bad_key;
        const auto [access, refresh] = sqlite_store::seal_tokens(*key_, r);
        std::lock_guard lock(mutex_);
        std::vector<std::optional<std::string>> params = {
            r.user_id,
            r.provider,
            join_scopes(r.scopes),
            access,
            refresh.empty() ? std::nullopt : std::optional<std::string>(refresh),
            r.expires_at ? std::optional<std::string>(std::to_string(to_unix(*r.expires_at)))
                         : std::nullopt,
            std::to_string(to_unix(r.updated_at)),
        };
        auto res = query(
            "INSERT INTO warden_tokens (user_id, provider, scopes, access_token, refresh_token, "
            "expires_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (user_id, "
            "provider) DO UPDATE SET scopes = EXCLUDED.scopes, access_token = "
            "EXCLUDED.access_token, refresh_token = EXCLUDED.refresh_token, expires_at = "
            "EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at",
            params, {false, false, false, true, true, false, false});
        if (!res) return res.error();
        return {};
    }

    result<std::size_t> remove(const std::string& user, const std::string& provider) override {
        std::lock_guard lock(mutex_);
        auto res = provider.empty()
                       ? query("DELETE FROM warden_tokens WHERE user_id = $1", {user}, {false})
                       : query("DELETE FROM warden_tokens WHERE user_id = $1 AND provider = $2",
                               {user, provider}, {false, false});
        if (!res) return res.error();
        return static_cast<std::size_t>(std::atoll(PQcmdTuples(res->get())));
    }

    result<std::vector<TokenInfo>> list() override {
        std::lock_guard lock(mutex_);
        auto res = query(
            "SELECT user_id, provider, scopes, refresh_token IS NOT NULL, expires_at, updated_at "
            "FROM warden_tokens ORDER BY user_id, provider",
            {}, {});
        if (!res) return res.error();
        PGresult* r = res->get();
        std::vector<TokenInfo> out;
        for (int row = 0; row < PQntuples(r); ++row) {
            TokenInfo i;
            i.user_id = PQgetvalue(r, row, 0);
            i.provider = PQgetvalue(r, row, 1);
            i.scopes = parse_scopes(PQgetvalue(r, row, 2));
            i.has_refresh_token = PQgetvalue(r, row, 3)[0] == 't';
            if (!PQgetisnull(r, row, 4))
                i.expires_at = from_unix(std::atoll(PQgetvalue(r, row, 4)));
            i.updated_at = from_unix(std::atoll(PQgetvalue(r, row, 5)));
            out.push_back(std::move(i));
        }
        return out;
    }

  private:
    // The live connection, reconnecting when the server restarted meanwhile; null when it
    // cannot be reached now. Called with mutex_ held.
    PGconn* connection() {
        if (conn_ && PQstatus(conn_.get()) == CONNECTION_OK) return conn_.get();
        // connect_timeout first so that one in the URL wins (libpq: later keywords override).
        const char* keys[] = {"connect_timeout", "dbname", nullptr};
        const char* values[] = {"5", conninfo_.c_str(), nullptr};
        conn_.reset(PQconnectdbParams(keys, values, 1));
        if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
            // PQerrorMessage may name the host and user, never the password.
            spdlog::warn("toolauth: PostgreSQL store unreachable: {}",
                         conn_ ? PQerrorMessage(conn_.get()) : "out of memory");
            conn_.reset();
            return nullptr;
        }
        // A stuck statement must not hold a worker forever.
        Result(PQexec(conn_.get(),
                      "SET statement_timeout = 10000; SET client_min_messages = warning"));
        if (!migrated_) {
            if (auto m = migrate(conn_.get()); !m) {
                spdlog::error("toolauth: PostgreSQL store schema: {}", m.error().message());
                if (m.error() == Error::store_schema_too_new) schema_too_new_ = true;
                conn_.reset();
                return nullptr;
            }
            migrated_ = true;
        }
        return conn_.get();
    }

    // One parameterized statement; text parameters, or binary where `binary[i]`. Retries
    // once on a fresh connection when the old one broke (a server restart).
    result<Result> query(const char* sql, const std::vector<std::optional<std::string>>& params,
                         const std::vector<bool>& binary) {
        std::vector<const char*> values;
        std::vector<int> lengths, formats;
        for (std::size_t i = 0; i < params.size(); ++i) {
            values.push_back(params[i] ? params[i]->data() : nullptr);
            lengths.push_back(params[i] ? static_cast<int>(params[i]->size()) : 0);
            formats.push_back(binary[i] ? 1 : 0);
        }
        for (int attempt = 0; attempt < 2; ++attempt) {
            PGconn* c = connection();
            if (!c) return schema_too_new_ ? Error::store_schema_too_new : Error::store_unavailable;
            // Text results: bytea comes back hex-escaped and is decoded in unseal().
            Result r(PQexecParams(c, sql, static_cast<int>(values.size()), nullptr, values.data(),
                                  lengths.data(), formats.data(), 0));
            if (ok(r)) return r;
            if (PQstatus(c) == CONNECTION_OK) {
                spdlog::warn("toolauth: PostgreSQL store: {}", PQresultErrorMessage(r.get()));
                return Error::store_unavailable;
            }
            conn_.reset();  // the connection broke: reconnect once
        }
        return Error::store_unavailable;
    }

    // Text-format bytea ("\x..." hex) back to bytes, then opened with the row's AAD.
    result<std::string> unseal(PGresult* r, int col, const std::string& user,
                               const std::string& provider, std::string_view field) {
        std::size_t n = 0;
        unsigned char* raw =
            PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r, 0, col)), &n);
        if (!raw) return Error::store_unavailable;
        std::string sealed(reinterpret_cast<const char*>(raw), n);
        PQfreemem(raw);
        return sqlite_store::open_field(*key_, sealed, user, provider, field);
    }

    const std::string conninfo_;
    std::optional<StoreKey> key_;
    std::mutex mutex_;  // one connection, one statement at a time (tool auth is not hot)
    Conn conn_;
    bool migrated_ = false;
    bool schema_too_new_ = false;
};

}  // namespace

result<std::shared_ptr<TokenStore>> open_postgres_token_store(const std::string& conninfo,
                                                              std::optional<StoreKey> key) {
    auto store = std::make_shared<PostgresTokenStore>(conninfo, std::move(key));
    // Connect now so a wrong URL shows at startup; a database that is down now is reached
    // later (replicas may start before it).
    if (auto c = store->connect(); !c)
        spdlog::warn("toolauth: PostgreSQL store not usable yet ({}); retrying on use",
                     c.error().message());
    return std::shared_ptr<TokenStore>(store);
}

}  // namespace warden::toolauth

namespace warden::toolauth {

result<StoreLocation> parse_store_url(std::string_view url, std::string default_path) {
    if (url.empty()) return StoreLocation{false, std::move(default_path)};
    if (url.starts_with("sqlite:")) return StoreLocation{false, std::string(url.substr(7))};
    if (url.starts_with("postgresql://") || url.starts_with("postgres://"))
        return StoreLocation{true, std::string(url)};
    return Error::bad_store_url;
}

result<std::shared_ptr<TokenStore>> open_token_store(const StoreLocation& where,
                                                     std::optional<StoreKey> key) {
    return where.postgres ? open_postgres_token_store(where.target, std::move(key))
                          : open_sqlite_token_store(where.target, std::move(key));
}

}  // namespace warden::toolauth
