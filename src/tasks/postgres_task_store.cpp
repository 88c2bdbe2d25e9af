// Tasks on PostgreSQL, for replicas sharing one database: a task created on one replica
// is polled, answered and cancelled on any other. Same rules as the SQLite store
// (tasks/transitions.hpp); each read-modify-write runs in a transaction that locks the
// task's row (SELECT ... FOR UPDATE), so two replicas never apply two changes to the
// same version of a task.

#include <warden/tasks/task_store.hpp>

#include "store/postgres.hpp"
#include "tasks/transitions.hpp"

#include <warden/crypto.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <limits>

namespace warden::tasks {
namespace {

namespace json = boost::json;
namespace pg = store::postgres;

std::vector<std::string> schema() {
    return {
        // 1: as the SQLite store's version 1, in PostgreSQL types
        "CREATE TABLE IF NOT EXISTS warden_tasks ("
        " id TEXT PRIMARY KEY,"
        " issuer TEXT NOT NULL, subject TEXT NOT NULL, client_id TEXT NOT NULL,"
        " status TEXT NOT NULL, status_message TEXT NOT NULL DEFAULT '',"
        " created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,"
        " ttl_ms BIGINT, expires_at BIGINT, poll_interval_ms BIGINT,"
        " method TEXT NOT NULL, params TEXT NOT NULL,"
        " input_requests TEXT NOT NULL DEFAULT '{}', input_responses TEXT NOT NULL DEFAULT '{}',"
        " resume_state BYTEA, result TEXT, error TEXT,"
        " cancel_requested BOOLEAN NOT NULL DEFAULT false);"
        "CREATE INDEX IF NOT EXISTS warden_tasks_by_expiry ON warden_tasks (expires_at) "
        "WHERE expires_at IS NOT NULL;"
        "CREATE INDEX IF NOT EXISTS warden_tasks_by_owner ON warden_tasks (issuer, subject, "
        "client_id, created_at)",
        // 2: a lease on running tasks (TaskStore::hold, fail_abandoned; every replica looks
        // for lapsed ones every few seconds: indexed, working tasks only)
        "ALTER TABLE warden_tasks ADD COLUMN IF NOT EXISTS lease_until BIGINT;"
        "CREATE INDEX IF NOT EXISTS warden_tasks_by_lease ON warden_tasks (lease_until) "
        "WHERE status = 'working'",
    };
}

constexpr const char* kColumns =
    "id, issuer, subject, client_id, status, status_message, created_at, updated_at, ttl_ms, "
    "poll_interval_ms, method, params, input_requests, input_responses, resume_state, result, "
    "error, cancel_requested";

std::int64_t to_ms(Clock::time_point t) {
    return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
}
Clock::time_point from_ms(std::int64_t ms) {
    return Clock::time_point(std::chrono::duration_cast<Clock::duration>(Millis(ms)));
}

std::optional<json::object> parse_object(const std::string& text) {
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object()) return std::nullopt;
    return std::move(v.get_object());
}

std::string select(const char* where) {
    return std::string("SELECT ") + kColumns + " FROM warden_tasks WHERE " + where;
}

// Another owner's task and an expired one take the same path as an unknown id.
constexpr const char* kOwnedLive =
    "id = $1 AND issuer = $2 AND subject = $3 AND client_id = $4 AND "
    "(expires_at IS NULL OR expires_at > $5)";

result<Task> read_row(const pg::Rows& r, int row) {
    Task t;
    t.id = r.text(row, 0);
    t.owner = Owner{r.text(row, 1), r.text(row, 2), r.text(row, 3)};
    auto status = parse_status(r.text(row, 4));
    if (!status) return Error::store_unavailable;
    t.status = *status;
    t.status_message = r.text(row, 5);
    t.created_at = from_ms(r.integer(row, 6));
    t.updated_at = from_ms(r.integer(row, 7));
    if (!r.is_null(row, 8)) t.ttl = Millis(r.integer(row, 8));
    if (!r.is_null(row, 9)) t.poll_interval = Millis(r.integer(row, 9));
    t.method = r.text(row, 10);
    auto params = parse_object(r.text(row, 11));
    auto requests = parse_object(r.text(row, 12));
    auto responses = parse_object(r.text(row, 13));
    if (!params || !requests || !responses) return Error::store_unavailable;
    t.params = std::move(*params);
    t.input_requests = std::move(*requests);
    t.input_responses = std::move(*responses);
    if (!r.is_null(row, 14)) t.resume_state = r.bytes(row, 14);
    if (!r.is_null(row, 15)) {
        t.result = parse_object(r.text(row, 15));
        if (!t.result) return Error::store_unavailable;
    }
    if (!r.is_null(row, 16)) {
        t.error = parse_object(r.text(row, 16));
        if (!t.error) return Error::store_unavailable;
    }
    t.cancel_requested = r.text(row, 17) == "t";
    return t;
}

result<std::vector<Task>> read_all(const pg::Rows& r) {
    std::vector<Task> out;
    for (int row = 0; row < r.size(); ++row) {
        auto t = read_row(r, row);
        if (!t) return t.error();
        out.push_back(std::move(*t));
    }
    return out;
}

result<Task> read_one(const result<pg::Rows>& r) {
    if (!r) return Error::store_unavailable;
    if (r->size() == 0) return Error::not_found;
    return read_row(*r, 0);
}

Error from_store(const boost::system::error_code& ec) {
    if (ec.category() == error_category()) return static_cast<Error>(ec.value());
    return ec == store::Error::schema_too_new ? Error::store_schema_too_new
                                              : Error::store_unavailable;
}

std::vector<pg::Param> owner_params(std::string_view id, const Owner& o, Clock::time_point now) {
    return {pg::text(std::string(id)), pg::text(o.issuer), pg::text(o.subject),
            pg::text(o.client_id), pg::integer(to_ms(now))};
}

result<void> write(pg::Transaction& tx, const Task& t) {
    auto w = tx.query(
        // A task that stops working (input_required, or an end) gives up its lease: when
        // answers bring it back to working, its new run takes a new one.
        "UPDATE warden_tasks SET status = $2, status_message = $3, updated_at = $4, "
        "input_requests = $5, input_responses = $6, resume_state = $7, result = $8, "
        "error = $9, cancel_requested = $10, "
        "lease_until = CASE WHEN $2 = 'working' THEN lease_until END WHERE id = $1",
        {pg::text(t.id), pg::text(std::string(to_string(t.status))), pg::text(t.status_message),
         pg::integer(to_ms(t.updated_at)), pg::text(json::serialize(t.input_requests)),
         pg::text(json::serialize(t.input_responses)),
         t.resume_state.empty() ? pg::null() : pg::bytes(t.resume_state),
         t.result ? pg::text(json::serialize(*t.result)) : pg::null(),
         t.error ? pg::text(json::serialize(*t.error)) : pg::null(),
         pg::text(t.cancel_requested ? "true" : "false")});
    if (!w) return Error::store_unavailable;
    return {};
}

class PostgresTaskStore final : public TaskStore {
  public:
    PostgresTaskStore(std::string conninfo, StoreOptions options)
        : db_(std::move(conninfo), "tasks", schema()), options_(options) {}

    result<void> connect() {
        if (auto c = db_.connect(); !c) return from_store(c.error());
        return {};
    }

    result<Task> create(const NewTask& n, Clock::time_point now) override {
        Task t;
        // 192 bits from the CSPRNG: unguessable (SEP-2663 "Task ID unguessability").
        t.id = crypto::random_token(24);
        t.owner = n.owner;
        t.status = Status::working;
        t.status_message = n.status_message;
        t.created_at = t.updated_at = from_ms(to_ms(now));
        t.ttl = n.ttl;
        t.poll_interval = n.poll_interval;
        t.method = n.method;
        t.params = n.params;
        // Answers gathered before the call became a task (task_starts_in_handler).
        t.input_responses = n.input_responses;
        auto done = db_.transaction([&](pg::Transaction& tx) -> result<void> {
            // Serializes creations of one owner across replicas, so the limit holds.
            const std::string owner_key =
                t.owner.issuer + '\0' + t.owner.subject + '\0' + t.owner.client_id;
            if (!tx.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                          {pg::text(owner_key)}))
                return Error::store_unavailable;
            auto count = tx.query(
                "SELECT count(*) FROM warden_tasks WHERE issuer = $1 AND subject = $2 AND "
                "client_id = $3 AND status IN ('working', 'input_required') AND "
                "(expires_at IS NULL OR expires_at > $4)",
                {pg::text(t.owner.issuer), pg::text(t.owner.subject), pg::text(t.owner.client_id),
                 pg::integer(to_ms(now))});
            if (!count) return Error::store_unavailable;
            if (static_cast<std::size_t>(count->integer(0, 0)) >= options_.max_active_per_owner)
                return Error::too_many_tasks;
            auto in = tx.query(
                "INSERT INTO warden_tasks (id, issuer, subject, client_id, status, "
                "status_message, created_at, updated_at, ttl_ms, expires_at, poll_interval_ms, "
                "method, params, input_responses) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10, $11, $12, $13)",
                {pg::text(t.id), pg::text(t.owner.issuer), pg::text(t.owner.subject),
                 pg::text(t.owner.client_id), pg::text(std::string(to_string(t.status))),
                 pg::text(t.status_message), pg::integer(to_ms(t.created_at)),
                 t.ttl ? pg::integer(t.ttl->count()) : pg::null(),
                 t.ttl ? pg::integer(to_ms(t.created_at) + t.ttl->count()) : pg::null(),
                 t.poll_interval ? pg::integer(t.poll_interval->count()) : pg::null(),
                 pg::text(t.method), pg::text(json::serialize(t.params)),
                 pg::text(json::serialize(t.input_responses))});
            if (!in) return Error::store_unavailable;
            return {};
        });
        if (!done) return from_store(done.error());
        return t;
    }

    result<Task> get(std::string_view id, const Owner& owner, Clock::time_point now) override {
        static const std::string sql = select(kOwnedLive);
        const auto params = owner_params(id, owner, now);
        return read_one(db_.query(sql.c_str(), params));
    }

    result<SubmitOutcome> submit_input(std::string_view id, const Owner& owner,
                                       const json::object& responses,
                                       Clock::time_point now) override {
        SubmitOutcome out;
        auto done = db_.transaction([&](pg::Transaction& tx) -> result<void> {
            auto t = locked_owned(tx, id, owner, now);
            if (!t) return t.error();
            bool changed = false;
            out = transitions::submit_input(*t, responses, changed);
            if (!changed) return {};
            t->updated_at = from_ms(to_ms(now));
            return write(tx, *t);
        });
        if (!done) return from_store(done.error());
        return out;
    }

    result<CancelOutcome> request_cancel(std::string_view id, const Owner& owner,
                                         Clock::time_point now) override {
        CancelOutcome out = CancelOutcome::already_terminal;
        auto done = db_.transaction([&](pg::Transaction& tx) -> result<void> {
            auto t = locked_owned(tx, id, owner, now);
            if (!t) return t.error();
            bool changed = false;
            out = transitions::request_cancel(*t, changed);
            if (!changed) return {};
            t->updated_at = from_ms(to_ms(now));
            return write(tx, *t);
        });
        if (!done) return from_store(done.error());
        return out;
    }

    result<std::vector<Task>> list(const Owner& owner, Clock::time_point now, std::size_t limit,
                                   std::string_view after_id) override {
        std::int64_t cursor_time = std::numeric_limits<std::int64_t>::max();
        std::string cursor_id;
        if (!after_id.empty()) {
            auto after = get(after_id, owner, now);
            if (!after) return after.error();
            cursor_time = to_ms(after->created_at);
            cursor_id = after->id;
        }
        static const std::string sql = select(
            "issuer = $1 AND subject = $2 AND client_id = $3 AND "
            "(expires_at IS NULL OR expires_at > $4) AND "
            "(created_at < $5 OR (created_at = $5 AND id < $6) OR $6 = '') "
            "ORDER BY created_at DESC, id DESC LIMIT $7");
        auto rows = db_.query(sql.c_str(), {pg::text(owner.issuer), pg::text(owner.subject),
                                            pg::text(owner.client_id), pg::integer(to_ms(now)),
                                            pg::integer(cursor_time), pg::text(cursor_id),
                                            pg::integer(static_cast<std::int64_t>(limit))});
        if (!rows) return from_store(rows.error());
        return read_all(*rows);
    }

    result<Task> load(std::string_view id) override {
        static const std::string sql = select("id = $1");
        return read_one(db_.query(sql.c_str(), {pg::text(std::string(id))}));
    }

    result<Task> update(std::string_view id, const Update& u, Clock::time_point now) override {
        Task out;
        auto done = db_.transaction([&](pg::Transaction& tx) -> result<void> {
            static const std::string sql = select("id = $1 FOR UPDATE");
            auto t = read_one(tx.query(sql.c_str(), {pg::text(std::string(id))}));
            if (!t) return t.error();
            if (auto applied = transitions::update(*t, u); !applied) return applied.error();
            t->updated_at = from_ms(to_ms(now));
            if (auto w = write(tx, *t); !w) return w.error();
            out = std::move(*t);
            return {};
        });
        if (!done) return from_store(done.error());
        return out;
    }

    result<std::vector<Task>> unfinished(Clock::time_point now, std::size_t limit) override {
        static const std::string sql = select(
            "status = 'working' AND (expires_at IS NULL OR expires_at > $1) "
            "ORDER BY created_at, id LIMIT $2");
        auto rows = db_.query(
            sql.c_str(), {pg::integer(to_ms(now)), pg::integer(static_cast<std::int64_t>(limit))});
        if (!rows) return from_store(rows.error());
        return read_all(*rows);
    }

    result<std::size_t> purge_expired(Clock::time_point now) override {
        auto rows =
            db_.query("DELETE FROM warden_tasks WHERE expires_at IS NOT NULL AND expires_at <= $1",
                      {pg::integer(to_ms(now))});
        if (!rows) return from_store(rows.error());
        return static_cast<std::size_t>(rows->affected());
    }

    result<void> hold(const std::vector<std::string>& ids, Clock::time_point until) override {
        if (ids.empty()) return {};
        // A text[] literal: task ids are base64url, nothing in them needs quoting.
        std::string array = "{";
        for (const auto& id : ids) {
            if (array.size() > 1) array += ',';
            array += id;
        }
        array += '}';
        auto rows = db_.query(
            "UPDATE warden_tasks SET lease_until = $1 WHERE id = ANY($2::text[]) AND "
            "status = 'working'",
            {pg::integer(to_ms(until)), pg::text(array)});
        if (!rows) return from_store(rows.error());
        return {};
    }

    result<std::size_t> fail_abandoned(Clock::time_point now) override {
        static const std::string error = json::serialize(
            json::object{{"code", -32603},
                         {"message", "The server running this task stopped; call the tool again"}});
        auto rows = db_.query(
            "UPDATE warden_tasks SET status = 'failed', status_message = $2, error = $3, "
            "updated_at = $1, lease_until = NULL WHERE status = 'working' AND lease_until < $1 "
            "AND (expires_at IS NULL OR expires_at > $1)",
            {pg::integer(to_ms(now)), pg::text("The server running this task stopped"),
             pg::text(error)});
        if (!rows) return from_store(rows.error());
        return static_cast<std::size_t>(rows->affected());
    }

  private:
    // The owner's live task, its row locked until the transaction ends.
    static result<Task> locked_owned(pg::Transaction& tx, std::string_view id, const Owner& owner,
                                     Clock::time_point now) {
        static const std::string sql = select(kOwnedLive) + " FOR UPDATE";
        const auto params = owner_params(id, owner, now);
        return read_one(tx.query(sql.c_str(), params));
    }

    pg::Database db_;
    StoreOptions options_;
};

}  // namespace

result<std::shared_ptr<TaskStore>> open_postgres_task_store(const std::string& conninfo,
                                                            StoreOptions options) {
    auto store = std::make_shared<PostgresTaskStore>(conninfo, options);
    // A newer schema is refused now; a database that is down now is reached later.
    if (auto c = store->connect(); !c && c.error() == Error::store_schema_too_new) return c.error();
    return std::shared_ptr<TaskStore>(store);
}

result<std::shared_ptr<TaskStore>> open_task_store(std::string_view url,
                                                   const std::string& default_path,
                                                   StoreOptions options) {
    if (url.empty()) return open_sqlite_task_store(default_path, options);
    if (url.starts_with("sqlite:"))
        return open_sqlite_task_store(std::string(url.substr(7)), options);
    if (url.starts_with("postgresql://") || url.starts_with("postgres://"))
        return open_postgres_task_store(std::string(url), options);
    return Error::bad_store_url;
}

}  // namespace warden::tasks
