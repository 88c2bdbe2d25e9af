// The token store on PostgreSQL (libpq), for several replicas sharing one database.
// Same sealing as the SQLite store (AES-256-GCM per field, the row bound in the AAD), so
// a record is as safe in a shared database as in a local file.

#include "toolauth/crypto.hpp"
#include "toolauth/sqlite_store.hpp"  // seal_tokens/open_field: one sealing for both stores

#include <warden/toolauth/scopes.hpp>
#include <warden/toolauth/token_store.hpp>

#include "store/postgres.hpp"

#include <spdlog/spdlog.h>

#include <memory>
#include <vector>

namespace warden::toolauth {

namespace {

namespace pg = store::postgres;

// Schema steps of the "toolauth" component, applied in order under the shared layer's
// advisory lock (several replicas may start at once: one migrates, the others wait, then
// find it done).
std::vector<std::string> migrations() {
    return {
        // 1: tokens, sealed fields as bytea
        "CREATE TABLE IF NOT EXISTS warden_tokens (user_id TEXT NOT NULL, provider TEXT NOT "
        "NULL, scopes TEXT NOT NULL, access_token BYTEA NOT NULL, refresh_token BYTEA, "
        "expires_at BIGINT, updated_at BIGINT NOT NULL, PRIMARY KEY (user_id, provider))",
    };
}

Clock::time_point from_unix(std::int64_t s) {
    return Clock::time_point(std::chrono::seconds(s));
}

Error from_store(const boost::system::error_code& ec) {
    return ec == store::Error::schema_too_new ? Error::store_schema_too_new
                                              : Error::store_unavailable;
}

class PostgresTokenStore final : public TokenStore {
  public:
    PostgresTokenStore(std::string conninfo, std::optional<StoreKey> key)
        : db_(std::move(conninfo), "toolauth", migrations()), key_(std::move(key)) {}

    // Connects (or reconnects after the server went away) and migrates once.
    result<void> connect() {
        if (auto c = db_.connect(); !c) return from_store(c.error());
        return {};
    }

    result<std::optional<TokenRecord>> get(const std::string& user,
                                           const std::string& provider) override {
        if (!key_) return Error::bad_key;
        auto rows = db_.query(
            "SELECT scopes, access_token, refresh_token, expires_at, updated_at FROM "
            "warden_tokens WHERE user_id = $1 AND provider = $2",
            {pg::text(user), pg::text(provider)});
        if (!rows) return from_store(rows.error());
        if (rows->size() == 0) return std::optional<TokenRecord>();
        TokenRecord rec;
        rec.user_id = user;
        rec.provider = provider;
        rec.scopes = parse_scopes(rows->text(0, 0));
        auto access =
            sqlite_store::open_field(*key_, rows->bytes(0, 1), user, provider, "access_token");
        if (!access) return access.error();
        rec.access_token = std::move(*access);
        if (!rows->is_null(0, 2)) {
            auto refresh =
                sqlite_store::open_field(*key_, rows->bytes(0, 2), user, provider, "refresh_token");
            if (!refresh) return refresh.error();
            rec.refresh_token = std::move(*refresh);
        }
        if (!rows->is_null(0, 3)) rec.expires_at = from_unix(rows->integer(0, 3));
        rec.updated_at = from_unix(rows->integer(0, 4));
        return std::optional<TokenRecord>(std::move(rec));
    }

    result<void> put(const TokenRecord& r) override {
        if (!key_) return Error::bad_key;
        const auto [access, refresh] = sqlite_store::seal_tokens(*key_, r);
        auto rows = db_.query(
            "INSERT INTO warden_tokens (user_id, provider, scopes, access_token, refresh_token, "
            "expires_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (user_id, "
            "provider) DO UPDATE SET scopes = EXCLUDED.scopes, access_token = "
            "EXCLUDED.access_token, refresh_token = EXCLUDED.refresh_token, expires_at = "
            "EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at",
            {pg::text(r.user_id), pg::text(r.provider), pg::text(join_scopes(r.scopes)),
             pg::bytes(access), refresh.empty() ? pg::null() : pg::bytes(refresh),
             r.expires_at ? pg::integer(pg::to_unix(*r.expires_at)) : pg::null(),
             pg::integer(pg::to_unix(r.updated_at))});
        if (!rows) return from_store(rows.error());
        return {};
    }

    result<std::size_t> remove(const std::string& user, const std::string& provider) override {
        auto rows =
            provider.empty()
                ? db_.query("DELETE FROM warden_tokens WHERE user_id = $1", {pg::text(user)})
                : db_.query("DELETE FROM warden_tokens WHERE user_id = $1 AND provider = $2",
                            {pg::text(user), pg::text(provider)});
        if (!rows) return from_store(rows.error());
        return static_cast<std::size_t>(rows->affected());
    }

    result<std::vector<TokenInfo>> list() override {
        auto rows = db_.query(
            "SELECT user_id, provider, scopes, refresh_token IS NOT NULL, expires_at, updated_at "
            "FROM warden_tokens ORDER BY user_id, provider");
        if (!rows) return from_store(rows.error());
        std::vector<TokenInfo> out;
        for (int row = 0; row < rows->size(); ++row) {
            TokenInfo i;
            i.user_id = rows->text(row, 0);
            i.provider = rows->text(row, 1);
            i.scopes = parse_scopes(rows->text(row, 2));
            i.has_refresh_token = rows->text(row, 3) == "t";
            if (!rows->is_null(row, 4)) i.expires_at = from_unix(rows->integer(row, 4));
            i.updated_at = from_unix(rows->integer(row, 5));
            out.push_back(std::move(i));
        }
        return out;
    }

  private:
    pg::Database db_;  // one connection, one statement at a time (tool auth is not hot)
    std::optional<StoreKey> key_;
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
