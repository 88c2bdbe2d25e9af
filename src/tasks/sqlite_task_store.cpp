#include <warden/tasks/task_store.hpp>

#include "store/sqlite.hpp"
#include "tasks/transitions.hpp"

#include <warden/crypto.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <mutex>

namespace warden::tasks {
namespace {

namespace json = boost::json;
using store::sqlite::Database;
using store::sqlite::Statement;

// Version 1. A new version appends a step; never edit a released one.
constexpr std::array<std::string_view, 1> kSchema = {
    "CREATE TABLE tasks ("
    " id TEXT PRIMARY KEY,"
    " issuer TEXT NOT NULL, subject TEXT NOT NULL, client_id TEXT NOT NULL,"
    " status TEXT NOT NULL, status_message TEXT NOT NULL DEFAULT '',"
    " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
    " ttl_ms INTEGER, expires_at INTEGER, poll_interval_ms INTEGER,"
    " method TEXT NOT NULL, params TEXT NOT NULL,"
    " input_requests TEXT NOT NULL DEFAULT '{}', input_responses TEXT NOT NULL DEFAULT '{}',"
    " resume_state BLOB, result TEXT, error TEXT,"
    " cancel_requested INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX tasks_by_expiry ON tasks (expires_at) WHERE expires_at IS NOT NULL;"
    "CREATE INDEX tasks_by_owner ON tasks (issuer, subject, client_id, created_at);"};

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
    return std::string("SELECT ") + kColumns + " FROM tasks WHERE " + where;
}

// The owner condition and liveness, used by every caller-facing query: another owner's
// task and an expired one take the same path as an unknown id.
constexpr const char* kOwnedLive =
    "id = ?1 AND issuer = ?2 AND subject = ?3 AND client_id = ?4 AND "
    "(expires_at IS NULL OR expires_at > ?5)";

result<Task> read_row(const Statement& st) {
    Task t;
    t.id = st.text(0);
    t.owner = Owner{st.text(1), st.text(2), st.text(3)};
    auto status = parse_status(st.text(4));
    if (!status) return Error::store_unavailable;
    t.status = *status;
    t.status_message = st.text(5);
    t.created_at = from_ms(st.int64(6));
    t.updated_at = from_ms(st.int64(7));
    if (!st.is_null(8)) t.ttl = Millis(st.int64(8));
    if (!st.is_null(9)) t.poll_interval = Millis(st.int64(9));
    t.method = st.text(10);
    auto params = parse_object(st.text(11));
    auto requests = parse_object(st.text(12));
    auto responses = parse_object(st.text(13));
    if (!params || !requests || !responses) return Error::store_unavailable;
    t.params = std::move(*params);
    t.input_requests = std::move(*requests);
    t.input_responses = std::move(*responses);
    if (!st.is_null(14)) t.resume_state = st.blob(14);
    if (!st.is_null(15)) {
        t.result = parse_object(st.text(15));
        if (!t.result) return Error::store_unavailable;
    }
    if (!st.is_null(16)) {
        t.error = parse_object(st.text(16));
        if (!t.error) return Error::store_unavailable;
    }
    t.cancel_requested = st.int64(17) != 0;
    return t;
}

class SqliteTaskStore final : public TaskStore {
  public:
    SqliteTaskStore(Database db, StoreOptions options) : db_(std::move(db)), options_(options) {}

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
        t.input_responses = n.input_responses;

        std::lock_guard lock(mutex_);
        Transaction tx(db_);
        if (!tx) return Error::store_unavailable;
        auto count = db_.prepare(
            "SELECT COUNT(*) FROM tasks WHERE issuer = ?1 AND subject = ?2 AND client_id = ?3 "
            "AND status IN ('working', 'input_required') AND "
            "(expires_at IS NULL OR expires_at > ?4)");
        if (!count) return Error::store_unavailable;
        bind_owner(count, n.owner, 1);
        count.bind(4, to_ms(now));
        if (auto row = count.step(); !row || !*row) return Error::store_unavailable;
        if (static_cast<std::size_t>(count.int64(0)) >= options_.max_active_per_owner)
            return Error::too_many_tasks;

        auto st = db_.prepare(
            "INSERT INTO tasks (id, issuer, subject, client_id, status, status_message, "
            "created_at, updated_at, ttl_ms, expires_at, poll_interval_ms, method, params, "
            "input_responses) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
        if (!st) return Error::store_unavailable;
        st.bind(1, t.id);
        bind_owner(st, t.owner, 2);
        st.bind(5, to_string(t.status));
        st.bind(6, t.status_message);
        st.bind(7, to_ms(t.created_at));
        st.bind(8, t.ttl ? std::optional<std::int64_t>(t.ttl->count()) : std::nullopt);
        st.bind(9, t.ttl ? std::optional<std::int64_t>(to_ms(t.created_at) + t.ttl->count())
                         : std::nullopt);
        st.bind(10, t.poll_interval ? std::optional<std::int64_t>(t.poll_interval->count())
                                    : std::nullopt);
        st.bind(11, t.method);
        st.bind(12, json::serialize(t.params));
        st.bind(13, json::serialize(t.input_responses));
        if (!st.step()) return Error::store_unavailable;
        if (!tx.commit()) return Error::store_unavailable;
        return t;
    }

    result<Task> get(std::string_view id, const Owner& owner, Clock::time_point now) override {
        std::lock_guard lock(mutex_);
        return find_owned(id, owner, now);
    }

    result<SubmitOutcome> submit_input(std::string_view id, const Owner& owner,
                                       const json::object& responses,
                                       Clock::time_point now) override {
        std::lock_guard lock(mutex_);
        Transaction tx(db_);
        if (!tx) return Error::store_unavailable;
        auto t = find_owned(id, owner, now);
        if (!t) return t.error();
        bool changed = false;
        SubmitOutcome out = transitions::submit_input(*t, responses, changed);
        if (!changed) return out;
        t->updated_at = from_ms(to_ms(now));
        if (auto w = write(*t); !w) return w.error();
        if (!tx.commit()) return Error::store_unavailable;
        return out;
    }

    result<CancelOutcome> request_cancel(std::string_view id, const Owner& owner,
                                         Clock::time_point now) override {
        std::lock_guard lock(mutex_);
        Transaction tx(db_);
        if (!tx) return Error::store_unavailable;
        auto t = find_owned(id, owner, now);
        if (!t) return t.error();
        bool changed = false;
        const CancelOutcome outcome = transitions::request_cancel(*t, changed);
        if (!changed) return outcome;
        t->updated_at = from_ms(to_ms(now));
        if (auto w = write(*t); !w) return w.error();
        if (!tx.commit()) return Error::store_unavailable;
        return outcome;
    }

    result<std::vector<Task>> list(const Owner& owner, Clock::time_point now, std::size_t limit,
                                   std::string_view after_id) override {
        std::lock_guard lock(mutex_);
        std::int64_t cursor_time = std::numeric_limits<std::int64_t>::max();
        std::string cursor_id;
        if (!after_id.empty()) {
            auto after = find_owned(after_id, owner, now);
            if (!after) return after.error();
            cursor_time = to_ms(after->created_at);
            cursor_id = after->id;
        }
        const std::string sql = select(
            "issuer = ?1 AND subject = ?2 AND client_id = ?3 AND "
            "(expires_at IS NULL OR expires_at > ?4) AND "
            "(created_at < ?5 OR (created_at = ?5 AND id < ?6) OR ?6 = '') "
            "ORDER BY created_at DESC, id DESC LIMIT ?7");
        auto st = db_.prepare(sql.c_str());
        if (!st) return Error::store_unavailable;
        bind_owner(st, owner, 1);
        st.bind(4, to_ms(now));
        st.bind(5, cursor_time);
        st.bind(6, cursor_id);
        st.bind(7, static_cast<std::int64_t>(limit));
        return read_all(st);
    }

    result<Task> load(std::string_view id) override {
        std::lock_guard lock(mutex_);
        return find_any(id);
    }

    result<Task> update(std::string_view id, const Update& u, Clock::time_point now) override {
        std::lock_guard lock(mutex_);
        Transaction tx(db_);
        if (!tx) return Error::store_unavailable;
        auto t = find_any(id);
        if (!t) return t.error();
        if (auto applied = transitions::update(*t, u); !applied) return applied.error();
        t->updated_at = from_ms(to_ms(now));
        if (auto w = write(*t); !w) return w.error();
        if (!tx.commit()) return Error::store_unavailable;
        return std::move(*t);
    }

    result<std::vector<Task>> unfinished(Clock::time_point now, std::size_t limit) override {
        std::lock_guard lock(mutex_);
        const std::string sql = select(
            "status = 'working' AND (expires_at IS NULL OR expires_at > ?1) "
            "ORDER BY created_at, id LIMIT ?2");
        auto st = db_.prepare(sql.c_str());
        if (!st) return Error::store_unavailable;
        st.bind(1, to_ms(now));
        st.bind(2, static_cast<std::int64_t>(limit));
        return read_all(st);
    }

    result<std::size_t> purge_expired(Clock::time_point now) override {
        std::lock_guard lock(mutex_);
        auto st =
            db_.prepare("DELETE FROM tasks WHERE expires_at IS NOT NULL AND expires_at <= ?1");
        if (!st) return Error::store_unavailable;
        st.bind(1, to_ms(now));
        if (!st.step()) return Error::store_unavailable;
        return static_cast<std::size_t>(db_.changes());
    }

  private:
    // BEGIN IMMEDIATE: the write lock up front, so read-modify-write is atomic also
    // between processes sharing the file. Rolls back unless committed.
    class Transaction {
      public:
        explicit Transaction(Database& db) : db_(db), open_(db.exec("BEGIN IMMEDIATE")) {}
        ~Transaction() {
            if (open_) db_.exec("ROLLBACK");
        }
        explicit operator bool() const noexcept { return open_; }
        bool commit() {
            open_ = !db_.exec("COMMIT");
            return !open_;
        }

      private:
        Database& db_;
        bool open_;
    };

    static void bind_owner(Statement& st, const Owner& o, int first) {
        st.bind(first, o.issuer);
        st.bind(first + 1, o.subject);
        st.bind(first + 2, o.client_id);
    }

    result<Task> find_owned(std::string_view id, const Owner& owner, Clock::time_point now) {
        static const std::string sql = select(kOwnedLive);
        auto st = db_.prepare(sql.c_str());
        if (!st) return Error::store_unavailable;
        st.bind(1, id);
        bind_owner(st, owner, 2);
        st.bind(5, to_ms(now));
        return read_one(st);
    }

    result<Task> find_any(std::string_view id) {
        static const std::string sql = select("id = ?1");
        auto st = db_.prepare(sql.c_str());
        if (!st) return Error::store_unavailable;
        st.bind(1, id);
        return read_one(st);
    }

    static result<std::vector<Task>> read_all(Statement& st) {
        std::vector<Task> out;
        while (true) {
            auto row = st.step();
            if (!row) return Error::store_unavailable;
            if (!*row) return out;
            auto t = read_row(st);
            if (!t) return t.error();
            out.push_back(std::move(*t));
        }
    }

    static result<Task> read_one(Statement& st) {
        auto row = st.step();
        if (!row) return Error::store_unavailable;
        if (!*row) return Error::not_found;
        return read_row(st);
    }

    result<void> write(const Task& t) {
        auto st = db_.prepare(
            "UPDATE tasks SET status = ?2, status_message = ?3, updated_at = ?4, "
            "input_requests = ?5, input_responses = ?6, resume_state = ?7, result = ?8, "
            "error = ?9, cancel_requested = ?10 WHERE id = ?1");
        if (!st) return Error::store_unavailable;
        st.bind(1, t.id);
        st.bind(2, to_string(t.status));
        st.bind(3, t.status_message);
        st.bind(4, to_ms(t.updated_at));
        st.bind(5, json::serialize(t.input_requests));
        st.bind(6, json::serialize(t.input_responses));
        if (t.resume_state.empty())
            st.bind_null(7);
        else
            st.bind_blob(7, t.resume_state);
        if (t.result)
            st.bind(8, json::serialize(*t.result));
        else
            st.bind_null(8);
        if (t.error)
            st.bind(9, json::serialize(*t.error));
        else
            st.bind_null(9);
        st.bind(10, std::int64_t{t.cancel_requested ? 1 : 0});
        if (!st.step()) return Error::store_unavailable;
        return {};
    }

    std::mutex mutex_;
    Database db_;
    StoreOptions options_;
};

}  // namespace

result<std::shared_ptr<TaskStore>> open_sqlite_task_store(const std::string& path,
                                                          StoreOptions options) {
    auto db = Database::open(path);
    if (!db) return Error::store_unavailable;
    if (auto m = store::sqlite::migrate(*db, "tasks", kSchema); !m)
        return m.error() == store::Error::schema_too_new ? Error::store_schema_too_new
                                                         : Error::store_unavailable;
    return std::shared_ptr<TaskStore>(std::make_shared<SqliteTaskStore>(std::move(*db), options));
}

}  // namespace warden::tasks
