#include "store/sqlite.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

// boost::system::error_category has a protected non-virtual destructor by design.
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"

namespace warden::store {
namespace {

class Category final : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "warden.store"; }
    std::string message(int ev) const override {
        switch (static_cast<Error>(ev)) {
            case Error::unavailable:
                return "store unavailable";
            case Error::schema_too_new:
                return "store schema is newer than this build";
        }
        return "unknown warden.store error";
    }
};

}  // namespace

const boost::system::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

namespace sqlite {

void Statement::Finalize::operator()(sqlite3_stmt* s) const noexcept {
    sqlite3_finalize(s);
}

void Database::Close::operator()(sqlite3* db) const noexcept {
    sqlite3_close_v2(db);
}

void Statement::bind(int i, std::string_view text) {
    sqlite3_bind_text(stmt_.get(), i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void Statement::bind(int i, std::int64_t value) {
    sqlite3_bind_int64(stmt_.get(), i, value);
}

void Statement::bind_blob(int i, std::string_view bytes) {
    sqlite3_bind_blob(stmt_.get(), i, bytes.data(), static_cast<int>(bytes.size()),
                      SQLITE_TRANSIENT);
}

void Statement::bind_null(int i) {
    sqlite3_bind_null(stmt_.get(), i);
}

void Statement::bind(int i, const std::optional<std::int64_t>& value) {
    if (value)
        bind(i, *value);
    else
        bind_null(i);
}

result<bool> Statement::step() {
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return Error::unavailable;
}

bool Statement::is_null(int col) const {
    return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL;
}

std::string Statement::text(int col) const {
    const auto* p = sqlite3_column_text(stmt_.get(), col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), col)))
             : std::string();
}

std::string Statement::blob(int col) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_.get(), col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), col)))
             : std::string();
}

std::int64_t Statement::int64(int col) const {
    return sqlite3_column_int64(stmt_.get(), col);
}

result<Database> Database::open(const std::string& path) {
    std::error_code ec;
    auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    // Create the file 0600 ourselves rather than changing the process-wide umask, which
    // races with every other thread creating files. SQLite gives its -wal and -shm files
    // the database file's mode.
    if (int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        fd >= 0)
        ::close(fd);
    else if (errno != EEXIST)
        return Error::unavailable;
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(
        path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
        nullptr);
    Database db;
    db.db_.reset(raw);
    if (rc != SQLITE_OK) return Error::unavailable;
    db.exec("PRAGMA journal_mode = WAL");
    sqlite3_busy_timeout(raw, 5000);
    return db;
}

bool Database::exec(const char* sql) {
    return sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr) == SQLITE_OK;
}

Statement Database::prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    Statement st;
    if (sqlite3_prepare_v2(db_.get(), sql, -1, &s, nullptr) == SQLITE_OK) st.stmt_.reset(s);
    return st;
}

std::int64_t Database::changes() const {
    return sqlite3_changes64(db_.get());
}

result<void> migrate(Database& db, std::string_view component,
                     std::span<const std::string_view> steps) {
    if (!db.exec("BEGIN IMMEDIATE")) return Error::unavailable;
    auto fail = [&](Error e) -> result<void> {
        db.exec("ROLLBACK");
        return e;
    };
    if (!db.exec("CREATE TABLE IF NOT EXISTS warden_schema (component TEXT PRIMARY KEY, "
                 "version INTEGER NOT NULL)"))
        return fail(Error::unavailable);
    std::int64_t version = 0;
    {
        auto st = db.prepare("SELECT version FROM warden_schema WHERE component = ?1");
        if (!st) return fail(Error::unavailable);
        st.bind(1, component);
        auto row = st.step();
        if (!row) return fail(Error::unavailable);
        if (*row) version = st.int64(0);
    }
    const auto target = static_cast<std::int64_t>(steps.size());
    if (version > target) return fail(Error::schema_too_new);
    for (; version < target; ++version) {
        if (!db.exec(std::string(steps[static_cast<std::size_t>(version)]).c_str()))
            return fail(Error::unavailable);
    }
    auto st =
        db.prepare("INSERT OR REPLACE INTO warden_schema (component, version) VALUES (?1, ?2)");
    if (!st) return fail(Error::unavailable);
    st.bind(1, component);
    st.bind(2, target);
    if (!st.step()) return fail(Error::unavailable);
    if (!db.exec("COMMIT")) return fail(Error::unavailable);
    return {};
}

}  // namespace sqlite
}  // namespace warden::store
