// Pending authorizations in the token store's database, so that the provider's redirect
// may reach any replica (RFC 6749 §10.12: the `state` ties the redirect to the flow; here
// it must tie it across processes). The row is keyed by the SHA-256 of the state; what
// the flow remembers is sealed with the store key and bound to that hash.

#include "toolauth/crypto.hpp"

#include <warden/jose/base64url.hpp>
#include <warden/toolauth/state.hpp>

#include "store/postgres.hpp"
#include "store/sqlite.hpp"

#include <boost/json.hpp>

#include <mutex>

namespace warden::toolauth {
namespace {

using SystemClock = std::chrono::system_clock;

// One pending authorization as stored: its sealed payload and expiry (Unix seconds).
struct Row {
    std::string payload;
    std::int64_t expires_at = 0;
};

// The database half, one per backend. insert: forgets expired rows and the user's oldest
// beyond `per_user`, then inserts unless `total` rows are pending (too_many_pending).
// take: deletes the row and returns it (nullopt when absent).
class Table {
  public:
    virtual ~Table() = default;
    virtual result<void> insert(const std::string& hash, const std::string& user,
                                const std::string& payload, std::int64_t expires_at,
                                std::int64_t now, std::size_t per_user, std::size_t total) = 0;
    virtual result<std::optional<Row>> take(const std::string& hash) = 0;
};

class SqliteTable final : public Table {
  public:
    explicit SqliteTable(store::sqlite::Database db) : db_(std::move(db)) {}

    result<void> insert(const std::string& hash, const std::string& user,
                        const std::string& payload, std::int64_t expires_at, std::int64_t now,
                        std::size_t per_user, std::size_t total) override {
        std::lock_guard lock(mutex_);
        if (!db_.exec("BEGIN IMMEDIATE")) return Error::store_unavailable;
        auto done = [&](result<void> r) {
            db_.exec(r ? "COMMIT" : "ROLLBACK");
            return r;
        };
        auto sweep = db_.prepare("DELETE FROM pending WHERE expires_at <= ?1");
        if (!sweep) return done(Error::store_unavailable);
        sweep.bind(1, now);
        auto trim = db_.prepare(
            "DELETE FROM pending WHERE state_hash IN (SELECT state_hash FROM pending WHERE "
            "user_id = ?1 ORDER BY expires_at DESC LIMIT -1 OFFSET ?2)");
        if (!sweep.step() || !trim) return done(Error::store_unavailable);
        trim.bind(1, user);
        trim.bind(2, static_cast<std::int64_t>(per_user - 1));
        auto add = db_.prepare(
            "INSERT INTO pending (state_hash, user_id, payload, expires_at) SELECT ?1, ?2, ?3, "
            "?4 WHERE (SELECT count(*) FROM pending) < ?5");
        if (!trim.step() || !add) return done(Error::store_unavailable);
        add.bind_blob(1, hash);
        add.bind(2, user);
        add.bind_blob(3, payload);
        add.bind(4, expires_at);
        add.bind(5, static_cast<std::int64_t>(total));
        if (!add.step()) return done(Error::store_unavailable);
        if (db_.changes() == 0) return done(Error::too_many_pending);
        return done({});
    }

    result<std::optional<Row>> take(const std::string& hash) override {
        std::lock_guard lock(mutex_);
        auto st =
            db_.prepare("DELETE FROM pending WHERE state_hash = ?1 RETURNING payload, expires_at");
        if (!st) return Error::store_unavailable;
        st.bind_blob(1, hash);
        auto row = st.step();
        if (!row) return Error::store_unavailable;
        if (!*row) return std::optional<Row>();
        Row out{st.blob(0), st.int64(1)};
        (void)st.step();  // finish the statement so the delete is done
        return std::optional<Row>(std::move(out));
    }

  private:
    std::mutex mutex_;
    store::sqlite::Database db_;
};

class PostgresTable final : public Table {
  public:
    explicit PostgresTable(std::string conninfo)
        : db_(std::move(conninfo), "toolauth_pending",
              {
                  // 1: pending authorizations, payload sealed
                  "CREATE TABLE IF NOT EXISTS warden_pending (state_hash BYTEA PRIMARY KEY, "
                  "user_id TEXT NOT NULL, payload BYTEA NOT NULL, expires_at BIGINT NOT NULL); "
                  "CREATE INDEX IF NOT EXISTS warden_pending_user ON warden_pending (user_id)",
              }) {}

    void connect() { (void)db_.connect(); }

    // Three statements rather than one transaction: the connection is shared by the
    // replica's threads. The bounds then hold approximately when replicas race, which is
    // what they are for (keeping one user or a flood from filling the table).
    result<void> insert(const std::string& hash, const std::string& user,
                        const std::string& payload, std::int64_t expires_at, std::int64_t now,
                        std::size_t per_user, std::size_t total) override {
        namespace pg = store::postgres;
        if (!db_.query("DELETE FROM warden_pending WHERE expires_at <= $1", {pg::integer(now)}) ||
            !db_.query("DELETE FROM warden_pending WHERE state_hash IN (SELECT state_hash FROM "
                       "warden_pending WHERE user_id = $1 ORDER BY expires_at DESC OFFSET $2)",
                       {pg::text(user), pg::integer(static_cast<std::int64_t>(per_user - 1))}))
            return Error::store_unavailable;
        auto added = db_.query(
            "INSERT INTO warden_pending (state_hash, user_id, payload, expires_at) SELECT $1, "
            "$2, $3, $4 WHERE (SELECT count(*) FROM warden_pending) < $5",
            {pg::bytes(hash), pg::text(user), pg::bytes(payload), pg::integer(expires_at),
             pg::integer(static_cast<std::int64_t>(total))});
        if (!added) return Error::store_unavailable;
        if (added->affected() == 0) return Error::too_many_pending;
        return {};
    }

    result<std::optional<Row>> take(const std::string& hash) override {
        // DELETE ... RETURNING: of two replicas handed the same state, one gets the row.
        auto rows = db_.query(
            "DELETE FROM warden_pending WHERE state_hash = $1 RETURNING payload, expires_at",
            {store::postgres::bytes(hash)});
        if (!rows) return Error::store_unavailable;
        if (rows->size() == 0) return std::optional<Row>();
        return std::optional<Row>(Row{rows->bytes(0, 0), rows->integer(0, 1)});
    }

  private:
    store::postgres::Database db_;
};

std::string aad(std::string_view hash) {
    std::string out = "warden.toolauth.pending.v1";
    out += '\0';
    out += hash;
    return out;
}

std::string encode(const PendingAuthorization& p) {
    boost::json::array scopes;
    for (const auto& s : p.scopes) scopes.emplace_back(s);
    boost::json::object o{
        {"user_id", p.user_id},
        {"provider", p.provider},
        {"scopes", std::move(scopes)},
        {"code_verifier", p.code_verifier},
        {"redirect_uri", p.redirect_uri},
        {"leg", static_cast<int>(p.leg)},
        {"bound_issuer", p.bound_issuer},
        {"bound_subject", p.bound_subject},
        {"nonce", p.nonce},
        {"cookie_name", p.cookie_name},
        {"cookie_hash", jose::base64url_encode(p.cookie_hash)},
    };
    return boost::json::serialize(o);
}

std::optional<PendingAuthorization> decode(std::string_view json) {
    boost::system::error_code ec;
    auto v = boost::json::parse(json, ec);
    const auto* o = ec ? nullptr : v.if_object();
    if (!o) return std::nullopt;
    auto text = [&](std::string_view k) {
        const auto* f = o->if_contains(k);
        return f && f->is_string() ? std::string(f->get_string()) : std::string();
    };
    PendingAuthorization p;
    p.user_id = text("user_id");
    p.provider = text("provider");
    if (const auto* s = o->if_contains("scopes"); s && s->is_array())
        for (const auto& e : s->get_array())
            if (e.is_string()) p.scopes.emplace_back(e.get_string());
    p.code_verifier = text("code_verifier");
    p.redirect_uri = text("redirect_uri");
    const auto* leg = o->if_contains("leg");
    if (!leg || !leg->is_int64() || leg->get_int64() < 0 || leg->get_int64() > 2)
        return std::nullopt;
    p.leg = static_cast<Leg>(leg->get_int64());
    p.bound_issuer = text("bound_issuer");
    p.bound_subject = text("bound_subject");
    p.nonce = text("nonce");
    p.cookie_name = text("cookie_name");
    auto hash = jose::base64url_decode(text("cookie_hash"));
    if (!hash) return std::nullopt;
    p.cookie_hash = std::move(*hash);
    return p;
}

class SharedPendingStore final : public PendingStore {
  public:
    SharedPendingStore(std::unique_ptr<Table> table, StoreKey key, std::chrono::seconds lifetime,
                       std::size_t per_user, std::size_t total)
        : table_(std::move(table)),
          key_(std::move(key)),
          lifetime_(lifetime),
          per_user_(std::max<std::size_t>(per_user, 1)),
          total_(std::max<std::size_t>(total, 1)) {}

    result<std::string> issue(PendingAuthorization pending) override {
        // 256 bits: unguessable (RFC 6749 §10.10 asks for at least 128).
        std::string state = crypto::random_token(32);
        const std::string hash = crypto::sha256(state);
        const auto now = SystemClock::now();
        const std::string sealed = crypto::seal(key_bytes(), encode(pending), aad(hash));
        auto put =
            table_->insert(hash, pending.user_id, sealed, store::postgres::to_unix(now + lifetime_),
                           store::postgres::to_unix(now), per_user_, total_);
        if (!put) return put.error();
        return state;
    }

    result<PendingAuthorization> consume(std::string_view state) override {
        if (state.empty() || state.size() > 256) return Error::invalid_state;
        const std::string hash = crypto::sha256(state);
        auto row = table_->take(hash);
        if (!row) return row.error();
        if (!*row) return Error::invalid_state;
        // The row was found by its hash; opening it under that hash as associated data
        // also proves that this row is the one sealed for this state.
        auto plain = crypto::open(key_bytes(), (*row)->payload, aad(hash));
        if (!plain) return plain.error();
        auto pending = decode(*plain);
        if (!pending) return Error::store_decrypt_failed;
        const auto now = SystemClock::now();
        const auto expires = SystemClock::time_point(std::chrono::seconds((*row)->expires_at));
        if (now >= expires) return Error::state_expired;
        pending->expires_at =
            std::chrono::steady_clock::now() +
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(expires - now);
        return std::move(*pending);
    }

  private:
    std::string_view key_bytes() const {
        return {reinterpret_cast<const char*>(key_.bytes.data()), key_.bytes.size()};
    }

    std::unique_ptr<Table> table_;
    StoreKey key_;
    const std::chrono::seconds lifetime_;
    const std::size_t per_user_;
    const std::size_t total_;
};

}  // namespace

result<std::shared_ptr<PendingStore>> open_shared_pending_store(const StoreLocation& where,
                                                                StoreKey key,
                                                                std::chrono::seconds lifetime,
                                                                std::size_t per_user,
                                                                std::size_t total) {
    std::unique_ptr<Table> table;
    if (where.postgres) {
        auto pg = std::make_unique<PostgresTable>(where.target);
        pg->connect();  // a database down now is retried on use
        table = std::move(pg);
    } else {
        auto db = store::sqlite::Database::open(where.target);
        if (!db) return Error::store_unavailable;
        static constexpr std::string_view kSteps[] = {
            // 1: pending authorizations, payload sealed
            "CREATE TABLE IF NOT EXISTS pending (state_hash BLOB PRIMARY KEY, user_id TEXT NOT "
            "NULL, payload BLOB NOT NULL, expires_at INTEGER NOT NULL); CREATE INDEX IF NOT "
            "EXISTS pending_user ON pending (user_id)",
        };
        if (auto m = store::sqlite::migrate(*db, "toolauth_pending", kSteps); !m)
            return m.error() == store::Error::schema_too_new ? Error::store_schema_too_new
                                                             : Error::store_unavailable;
        table = std::make_unique<SqliteTable>(std::move(*db));
    }
    return std::shared_ptr<PendingStore>(std::make_shared<SharedPendingStore>(
        std::move(table), std::move(key), lifetime, per_user, total));
}

}  // namespace warden::toolauth
