#pragma once
// Internal: the SQLite layer Warden's stores share (token store, task store, and the
// single-use caches to come): a private database file, statements, and per-component
// schema migrations so that several stores can live in one database file
// (`WARDEN_STORE_URL=sqlite:PATH`). No sqlite3.h here: the handles are opaque.

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

struct sqlite3;
struct sqlite3_stmt;

namespace warden::store {

/// Why a store operation failed. Values start at 1. Category "warden.store".
enum class Error {
    /// The database could not be opened, read or written.
    unavailable = 1,
    /// A component's schema is newer than this build understands.
    schema_too_new,
};

const boost::system::error_category& error_category() noexcept;

inline boost::system::error_code make_error_code(Error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

template <class T>
using result = boost::system::result<T>;

namespace sqlite {

/// A prepared statement; false when preparing failed. Bind indexes start at 1, column
/// indexes at 0 (SQLite's convention).
class Statement {
  public:
    Statement() = default;
    explicit operator bool() const noexcept { return stmt_ != nullptr; }

    void bind(int i, std::string_view text);
    void bind(int i, std::int64_t value);
    void bind_blob(int i, std::string_view bytes);
    void bind_null(int i);
    /// Binds `value` or NULL.
    void bind(int i, const std::optional<std::int64_t>& value);

    /// One step: true with a row, false when done. Errors: unavailable.
    result<bool> step();

    bool is_null(int col) const;
    std::string text(int col) const;
    std::string blob(int col) const;
    std::int64_t int64(int col) const;

  private:
    friend class Database;
    struct Finalize {
        void operator()(sqlite3_stmt* s) const noexcept;
    };
    std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
};

/// One connection (serialized mode: usable from any thread, one statement at a time per
/// caller's own lock).
class Database {
  public:
    /// Opens (creating on first use) the database at `path`: the file is created with mode
    /// 0600 and O_EXCL (never taking over a file made meanwhile, never changing the
    /// process umask) and O_NOFOLLOW; parent directories are created; WAL journal; a 5 s
    /// busy timeout so that processes sharing the file wait rather than fail. Errors:
    /// unavailable.
    static result<Database> open(const std::string& path);

    /// Runs SQL without results (may hold several statements). False on error.
    bool exec(const char* sql);
    /// Prepares one statement (invalid on error).
    Statement prepare(const char* sql);
    /// Rows changed by the last statement.
    std::int64_t changes() const;

  private:
    struct Close {
        void operator()(sqlite3* db) const noexcept;
    };
    std::unique_ptr<sqlite3, Close> db_;
};

/// Brings `component`'s schema to version `steps.size()`: `steps[i]` (SQL, may hold
/// several statements) moves it from version i to i + 1. Versions live in the table
/// `warden_schema(component, version)`, so stores sharing one file migrate
/// independently; everything runs in one IMMEDIATE transaction (another process
/// migrating at once waits). Errors: unavailable, schema_too_new.
result<void> migrate(Database& db, std::string_view component,
                     std::span<const std::string_view> steps);

}  // namespace sqlite
}  // namespace warden::store

template <>
struct boost::system::is_error_code_enum<warden::store::Error> : std::true_type {};
