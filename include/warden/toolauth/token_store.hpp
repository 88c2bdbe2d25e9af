#pragma once
// The downstream token store: per (user, provider) access and refresh tokens, encrypted at
// rest. SQLite by default; PostgreSQL for several replicas (`WARDEN_STORE_URL`).

#include <warden/toolauth/environment.hpp>
#include <warden/toolauth/error.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace warden::toolauth {

using Clock = std::chrono::system_clock;

/// One user's tokens at one provider.
struct TokenRecord {
    std::string user_id{};
    std::string provider{};
    std::string access_token{};
    std::string refresh_token{};        ///< empty when the provider issued none
    std::vector<std::string> scopes{};  ///< granted scopes
    std::optional<Clock::time_point> expires_at{};
    Clock::time_point updated_at{};
};

/// What `list` shows: never a token.
struct TokenInfo {
    std::string user_id{};
    std::string provider{};
    std::vector<std::string> scopes{};
    std::optional<Clock::time_point> expires_at{};
    Clock::time_point updated_at{};
    bool has_refresh_token = false;
};

/// A 256-bit AES key for the store. Wiped on destruction.
struct StoreKey {
    std::array<unsigned char, 32> bytes{};
    ~StoreKey();
};

/// Stores tokens by (user, provider). Implementations are thread-safe.
class TokenStore {
  public:
    virtual ~TokenStore() = default;
    /// The record, nullopt when absent. Errors: store_unavailable, store_decrypt_failed
    /// (wrong key, tampered record: never returns a partially trusted record), bad_key.
    virtual result<std::optional<TokenRecord>> get(const std::string& user_id,
                                                   const std::string& provider) = 0;
    /// Inserts or replaces the record. Errors: store_unavailable, bad_key.
    virtual result<void> put(const TokenRecord& record) = 0;
    /// Deletes the user's records (all providers when `provider` is empty); returns how
    /// many. Works without a key.
    virtual result<std::size_t> remove(const std::string& user_id, const std::string& provider) = 0;
    /// Every record's metadata. Works without a key.
    virtual result<std::vector<TokenInfo>> list() = 0;
};

/// Opens (creating on first use, file mode 0600) the SQLite store at `path`, upgrading
/// older schemas. Without `key` only `list` and `remove` work. Errors: store_unavailable,
/// store_schema_too_new.
result<std::shared_ptr<TokenStore>> open_sqlite_token_store(const std::string& path,
                                                            std::optional<StoreKey> key);

/// Opens the store in the PostgreSQL database at `conninfo` (a `postgresql://` URL or a
/// libpq connection string), creating or upgrading its tables; safe when several replicas
/// start at once (an advisory lock serializes migrations). A database that cannot be
/// reached yet is retried on each use (errors: store_unavailable), so replicas may start
/// before it. Without `key` only `list` and `remove` work.
result<std::shared_ptr<TokenStore>> open_postgres_token_store(const std::string& conninfo,
                                                              std::optional<StoreKey> key);

/// Where a token store lives.
struct StoreLocation {
    bool postgres = false;
    std::string target{};  ///< the SQLite path, or the PostgreSQL URL
};

/// Reads a store URL: `sqlite:PATH`, or `postgresql://...` / `postgres://...`; empty:
/// SQLite at `default_path`. Errors: bad_store_url.
result<StoreLocation> parse_store_url(std::string_view url, std::string default_path);

/// Opens the store at `where` (SQLite or PostgreSQL, see above).
result<std::shared_ptr<TokenStore>> open_token_store(const StoreLocation& where,
                                                     std::optional<StoreKey> key);

/// The store key: `WARDEN_TOOLAUTH_KEY` (64 hex digits or base64url of 32 bytes) if set,
/// else the file `key_file` (32 raw bytes), which is created with mode 0600 from a CSPRNG
/// when absent and `create` is true. A key file readable by others is refused (bad_key).
result<StoreKey> load_store_key(const EnvLookup& env, const std::string& key_file, bool create);

/// Default paths: `$WARDEN_TOOLAUTH_DB`, else `$XDG_DATA_HOME/warden/tokens.db` (or
/// `~/.local/share/warden/tokens.db`); the key file beside it as `toolauth.key` unless
/// `$WARDEN_TOOLAUTH_KEY_FILE` says otherwise.
std::string default_store_path(const EnvLookup& env);
std::string default_key_path(const EnvLookup& env);

}  // namespace warden::toolauth
