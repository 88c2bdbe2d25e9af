#include "toolauth/sqlite_store.hpp"

#include "toolauth/crypto.hpp"

#include <warden/toolauth/scopes.hpp>

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <filesystem>
#include <memory>
#include <mutex>

namespace warden::toolauth {
namespace sqlite_store {

std::string record_aad(std::string_view user_id, std::string_view provider,
                       std::string_view field) {
    std::string aad = "warden.toolauth.v1";
    for (auto part : {user_id, provider, field}) {
        aad += '\0';
        aad += part;
    }
    return aad;
}

}  // namespace sqlite_store

namespace {

using sqlite_store::kSchemaVersion;
using sqlite_store::record_aad;

struct DbClose {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StmtFinalize {
    void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

std::int64_t to_unix(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
Clock::time_point from_unix(std::int64_t s) {
    return Clock::time_point(std::chrono::seconds(s));
}

class SqliteTokenStore final : public TokenStore {
  public:
    SqliteTokenStore(sqlite3* db, std::optional<StoreKey> key) : db_(db), key_(std::move(key)) {}

    result<std::optional<TokenRecord>> get(const std::string& user,
                                           const std::string& provider) override {
        if (!key_) return Error::bad_key;
        std::lock_guard lock(mutex_);
        auto st = prepare(
            "SELECT scopes, access_token, refresh_token, expires_at, updated_at FROM tokens "
            "WHERE user_id = ?1 AND provider = ?2");
        if (!st) return Error::store_unavailable;
        bind_text(st.get(), 1, user);
        bind_text(st.get(), 2, provider);
        const int rc = sqlite3_step(st.get());
        if (rc == SQLITE_DONE) return std::optional<TokenRecord>();
        if (rc != SQLITE_ROW) return Error::store_unavailable;
        TokenRecord r;
        r.user_id = user;
        r.provider = provider;
        r.scopes = parse_scopes(column_text(st.get(), 0));
        auto access = unseal(st.get(), 1, user, provider, "access_token");
        if (!access) return access.error();
        r.access_token = std::move(*access);
        if (sqlite3_column_type(st.get(), 2) != SQLITE_NULL) {
            auto refresh = unseal(st.get(), 2, user, provider, "refresh_token");
            if (!refresh) return refresh.error();
            r.refresh_token = std::move(*refresh);
        }
        if (sqlite3_column_type(st.get(), 3) != SQLITE_NULL)
            r.expires_at = from_unix(sqlite3_column_int64(st.get(), 3));
        r.updated_at = from_unix(sqlite3_column_int64(st.get(), 4));
        return std::optional<TokenRecord>(std::move(r));
    }

    result<void> put(const TokenRecord& r) override {
        if (!key_) return Error::bad_key;
        const std::string_view key(reinterpret_cast<const char*>(key_->bytes.data()), 32);
        // A fresh nonce per field and write; the AAD binds each ciphertext to its row.
        const std::string access =
            crypto::seal(key, r.access_token, record_aad(r.user_id, r.provider, "access_token"));
        const std::string refresh =
            r.refresh_token.empty()
                ? std::string()
                : crypto::seal(key, r.refresh_token,
                               record_aad(r.user_id, r.provider, "refresh_token"));
        std::lock_guard lock(mutex_);
        auto st = prepare(
            "INSERT OR REPLACE INTO tokens (user_id, provider, scopes, access_token, "
            "refresh_token, expires_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        if (!st) return Error::store_unavailable;
        bind_text(st.get(), 1, r.user_id);
        bind_text(st.get(), 2, r.provider);
        bind_text(st.get(), 3, join_scopes(r.scopes));
        sqlite3_bind_blob(st.get(), 4, access.data(), static_cast<int>(access.size()),
                          SQLITE_TRANSIENT);
        if (refresh.empty())
            sqlite3_bind_null(st.get(), 5);
        else
            sqlite3_bind_blob(st.get(), 5, refresh.data(), static_cast<int>(refresh.size()),
                              SQLITE_TRANSIENT);
        if (r.expires_at)
            sqlite3_bind_int64(st.get(), 6, to_unix(*r.expires_at));
        else
            sqlite3_bind_null(st.get(), 6);
        sqlite3_bind_int64(st.get(), 7, to_unix(r.updated_at));
        if (sqlite3_step(st.get()) != SQLITE_DONE) return Error::store_unavailable;
        return {};
    }

    result<std::size_t> remove(const std::string& user, const std::string& provider) override {
        std::lock_guard lock(mutex_);
        auto st =
            prepare(provider.empty() ? "DELETE FROM tokens WHERE user_id = ?1"
                                     : "DELETE FROM tokens WHERE user_id = ?1 AND provider = ?2");
        if (!st) return Error::store_unavailable;
        bind_text(st.get(), 1, user);
        if (!provider.empty()) bind_text(st.get(), 2, provider);
        if (sqlite3_step(st.get()) != SQLITE_DONE) return Error::store_unavailable;
        return static_cast<std::size_t>(sqlite3_changes(db_.get()));
    }

    result<std::vector<TokenInfo>> list() override {
        std::lock_guard lock(mutex_);
        auto st = prepare(
            "SELECT user_id, provider, scopes, refresh_token IS NOT NULL, expires_at, "
            "updated_at FROM tokens ORDER BY user_id, provider");
        if (!st) return Error::store_unavailable;
        std::vector<TokenInfo> out;
        int rc;
        while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
            TokenInfo i;
            i.user_id = column_text(st.get(), 0);
            i.provider = column_text(st.get(), 1);
            i.scopes = parse_scopes(column_text(st.get(), 2));
            i.has_refresh_token = sqlite3_column_int(st.get(), 3) != 0;
            if (sqlite3_column_type(st.get(), 4) != SQLITE_NULL)
                i.expires_at = from_unix(sqlite3_column_int64(st.get(), 4));
            i.updated_at = from_unix(sqlite3_column_int64(st.get(), 5));
            out.push_back(std::move(i));
        }
        if (rc != SQLITE_DONE) return Error::store_unavailable;
        return out;
    }

  private:
    Stmt prepare(const char* sql) {
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v2(db_.get(), sql, -1, &s, nullptr) != SQLITE_OK) return nullptr;
        return Stmt(s);
    }
    static void bind_text(sqlite3_stmt* s, int i, const std::string& v) {
        sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    }
    static std::string column_text(sqlite3_stmt* s, int i) {
        const auto* p = sqlite3_column_text(s, i);
        return p ? std::string(reinterpret_cast<const char*>(p),
                               static_cast<std::size_t>(sqlite3_column_bytes(s, i)))
                 : std::string();
    }
    result<std::string> unseal(sqlite3_stmt* s, int i, const std::string& user,
                               const std::string& provider, std::string_view field) {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(s, i));
        std::string_view sealed(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
        const std::string_view key(reinterpret_cast<const char*>(key_->bytes.data()), 32);
        return crypto::open(key, sealed, record_aad(user, provider, field));
    }

    std::mutex mutex_;
    std::unique_ptr<sqlite3, DbClose> db_;
    std::optional<StoreKey> key_;
};

bool exec(sqlite3* db, const char* sql) {
    return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
}

int user_version(sqlite3* db) {
    sqlite3_stmt* s = nullptr;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return v;
}

// Brings the schema to kSchemaVersion, one step per version, in one transaction.
result<void> migrate(sqlite3* db) {
    if (!exec(db, "BEGIN IMMEDIATE")) return Error::store_unavailable;
    int v = user_version(db);
    bool ok = v >= 0;
    if (ok && v > kSchemaVersion) {
        exec(db, "ROLLBACK");
        return Error::store_schema_too_new;
    }
    if (ok && v == 0)
        ok = exec(db,
                  "CREATE TABLE IF NOT EXISTS tokens (user_id TEXT NOT NULL, provider TEXT NOT "
                  "NULL, scopes TEXT NOT NULL, access_token BLOB NOT NULL, refresh_token BLOB, "
                  "expires_at INTEGER, PRIMARY KEY (user_id, provider))") &&
             exec(db, "PRAGMA user_version = 1") && (v = 1);
    if (ok && v == 1)
        ok = exec(db, "ALTER TABLE tokens ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0") &&
             exec(db, "PRAGMA user_version = 2") && (v = 2);
    if (!ok || !exec(db, "COMMIT")) {
        exec(db, "ROLLBACK");
        return Error::store_unavailable;
    }
    return {};
}

}  // namespace

result<std::shared_ptr<TokenStore>> open_sqlite_token_store(const std::string& path,
                                                            std::optional<StoreKey> key) {
    std::error_code ec;
    auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    // Tokens are encrypted, but metadata (who uses which provider) is not: keep it private.
    // Create the file 0600 ourselves (O_EXCL: never take over a file made meanwhile)
    // rather than changing the process-wide umask, which races with every other thread
    // creating files. SQLite gives its -wal and -shm files the database file's mode.
    if (int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        fd >= 0)
        ::close(fd);
    else if (errno != EEXIST)
        return Error::store_unavailable;
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(
        path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
        nullptr);
    std::unique_ptr<sqlite3, DbClose> db(raw);
    if (rc != SQLITE_OK) return Error::store_unavailable;
    exec(db.get(), "PRAGMA journal_mode = WAL");
    sqlite3_busy_timeout(db.get(), 5000);
    if (auto m = migrate(db.get()); !m) return m.error();
    return std::shared_ptr<TokenStore>(
        std::make_shared<SqliteTokenStore>(db.release(), std::move(key)));
}

}  // namespace warden::toolauth
