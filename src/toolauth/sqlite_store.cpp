#include "toolauth/sqlite_store.hpp"

#include "toolauth/crypto.hpp"

#include <warden/toolauth/scopes.hpp>

#include "store/sqlite.hpp"

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

namespace {
std::string_view key_bytes(const StoreKey& key) {
    return {reinterpret_cast<const char*>(key.bytes.data()), key.bytes.size()};
}
}  // namespace

SealedTokens seal_tokens(const StoreKey& key, const TokenRecord& r) {
    SealedTokens out;
    out.access = crypto::seal(key_bytes(key), r.access_token,
                              record_aad(r.user_id, r.provider, "access_token"));
    if (!r.refresh_token.empty())
        out.refresh = crypto::seal(key_bytes(key), r.refresh_token,
                                   record_aad(r.user_id, r.provider, "refresh_token"));
    return out;
}

result<std::string> open_field(const StoreKey& key, std::string_view sealed,
                               std::string_view user_id, std::string_view provider,
                               std::string_view field) {
    return crypto::open(key_bytes(key), sealed, record_aad(user_id, provider, field));
}

}  // namespace sqlite_store

namespace {

using sqlite_store::kSchemaVersion;
using store::sqlite::Database;
using store::sqlite::Statement;

std::int64_t to_unix(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
Clock::time_point from_unix(std::int64_t s) {
    return Clock::time_point(std::chrono::seconds(s));
}

class SqliteTokenStore final : public TokenStore {
  public:
    SqliteTokenStore(Database db, std::optional<StoreKey> key)
        : db_(std::move(db)), key_(std::move(key)) {}

    result<std::optional<TokenRecord>> get(const std::string& user,
                                           const std::string& provider) override {
        if (!key_) return Error::bad_key;
        std::lock_guard lock(mutex_);
        auto st = db_.prepare(
            "SELECT scopes, access_token, refresh_token, expires_at, updated_at FROM tokens "
            "WHERE user_id = ?1 AND provider = ?2");
        if (!st) return Error::store_unavailable;
        st.bind(1, user);
        st.bind(2, provider);
        auto row = st.step();
        if (!row) return Error::store_unavailable;
        if (!*row) return std::optional<TokenRecord>();
        TokenRecord r;
        r.user_id = user;
        r.provider = provider;
        r.scopes = parse_scopes(st.text(0));
        auto access = unseal(st, 1, user, provider, "access_token");
        if (!access) return access.error();
        r.access_token = std::move(*access);
        if (!st.is_null(2)) {
            auto refresh = unseal(st, 2, user, provider, "refresh_token");
            if (!refresh) return refresh.error();
            r.refresh_token = std::move(*refresh);
        }
        if (!st.is_null(3)) r.expires_at = from_unix(st.int64(3));
        r.updated_at = from_unix(st.int64(4));
        return std::optional<TokenRecord>(std::move(r));
    }

    result<void> put(const TokenRecord& r) override {
        if (!key_) return Error::bad_key;
        const auto [access, refresh] = sqlite_store::seal_tokens(*key_, r);
        std::lock_guard lock(mutex_);
        auto st = db_.prepare(
            "INSERT OR REPLACE INTO tokens (user_id, provider, scopes, access_token, "
            "refresh_token, expires_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        if (!st) return Error::store_unavailable;
        st.bind(1, r.user_id);
        st.bind(2, r.provider);
        st.bind(3, join_scopes(r.scopes));
        st.bind_blob(4, access);
        if (refresh.empty())
            st.bind_null(5);
        else
            st.bind_blob(5, refresh);
        st.bind(6,
                r.expires_at ? std::optional<std::int64_t>(to_unix(*r.expires_at)) : std::nullopt);
        st.bind(7, to_unix(r.updated_at));
        if (!st.step()) return Error::store_unavailable;
        return {};
    }

    result<std::size_t> remove(const std::string& user, const std::string& provider) override {
        std::lock_guard lock(mutex_);
        auto st = db_.prepare(provider.empty()
                                  ? "DELETE FROM tokens WHERE user_id = ?1"
                                  : "DELETE FROM tokens WHERE user_id = ?1 AND provider = ?2");
        if (!st) return Error::store_unavailable;
        st.bind(1, user);
        if (!provider.empty()) st.bind(2, provider);
        if (!st.step()) return Error::store_unavailable;
        return static_cast<std::size_t>(db_.changes());
    }

    result<std::vector<TokenInfo>> list() override {
        std::lock_guard lock(mutex_);
        auto st = db_.prepare(
            "SELECT user_id, provider, scopes, refresh_token IS NOT NULL, expires_at, "
            "updated_at FROM tokens ORDER BY user_id, provider");
        if (!st) return Error::store_unavailable;
        std::vector<TokenInfo> out;
        while (true) {
            auto row = st.step();
            if (!row) return Error::store_unavailable;
            if (!*row) break;
            TokenInfo i;
            i.user_id = st.text(0);
            i.provider = st.text(1);
            i.scopes = parse_scopes(st.text(2));
            i.has_refresh_token = st.int64(3) != 0;
            if (!st.is_null(4)) i.expires_at = from_unix(st.int64(4));
            i.updated_at = from_unix(st.int64(5));
            out.push_back(std::move(i));
        }
        return out;
    }

  private:
    result<std::string> unseal(const Statement& st, int col, const std::string& user,
                               const std::string& provider, std::string_view field) {
        return sqlite_store::open_field(*key_, st.blob(col), user, provider, field);
    }

    std::mutex mutex_;
    Database db_;
    std::optional<StoreKey> key_;
};

int user_version(Database& db) {
    auto st = db.prepare("PRAGMA user_version");
    if (!st) return -1;
    auto row = st.step();
    return row && *row ? static_cast<int>(st.int64(0)) : -1;
}

// Brings the schema to kSchemaVersion, one step per version, in one transaction. The token
// store keeps its version in PRAGMA user_version (as it always has); other stores sharing
// the file use the warden_schema table.
result<void> migrate(Database& db) {
    if (!db.exec("BEGIN IMMEDIATE")) return Error::store_unavailable;
    int v = user_version(db);
    bool ok = v >= 0;
    if (ok && v > kSchemaVersion) {
        db.exec("ROLLBACK");
        return Error::store_schema_too_new;
    }
    if (ok && v == 0)
        ok = db.exec(
                 "CREATE TABLE IF NOT EXISTS tokens (user_id TEXT NOT NULL, provider TEXT "
                 "NOT NULL, scopes TEXT NOT NULL, access_token BLOB NOT NULL, refresh_token "
                 "BLOB, expires_at INTEGER, PRIMARY KEY (user_id, provider))") &&
             db.exec("PRAGMA user_version = 1") && (v = 1);
    if (ok && v == 1)
        ok = db.exec("ALTER TABLE tokens ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0") &&
             db.exec("PRAGMA user_version = 2") && (v = 2);
    if (!ok || !db.exec("COMMIT")) {
        db.exec("ROLLBACK");
        return Error::store_unavailable;
    }
    return {};
}

}  // namespace

result<std::shared_ptr<TokenStore>> open_sqlite_token_store(const std::string& path,
                                                            std::optional<StoreKey> key) {
    // Tokens are encrypted, but metadata (who uses which provider) is not: the shared
    // layer creates the file 0600 (O_EXCL, O_NOFOLLOW) and opens it in WAL mode.
    auto db = Database::open(path);
    if (!db) return Error::store_unavailable;
    if (auto m = migrate(*db); !m) return m.error();
    return std::shared_ptr<TokenStore>(
        std::make_shared<SqliteTokenStore>(std::move(*db), std::move(key)));
}

}  // namespace warden::toolauth
