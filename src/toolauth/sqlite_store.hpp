#pragma once
// Internal: the SQLite token store, exposed for tests (schema versions, record sealing).

#include <warden/toolauth/token_store.hpp>

#include <string>
#include <string_view>

namespace warden::toolauth::sqlite_store {

/// The schema version this build writes (PRAGMA user_version).
/// 1: tokens(user_id, provider, scopes, access_token, refresh_token, expires_at)
/// 2: + updated_at
inline constexpr int kSchemaVersion = 2;

/// The associated data that binds a sealed field to its record: a tag, user, provider
/// and field name, NUL-separated.
std::string record_aad(std::string_view user_id, std::string_view provider, std::string_view field);

/// A record's tokens sealed for storage (AES-256-GCM, a fresh nonce per field and write,
/// `record_aad` binding each to its row); `refresh` is empty when the record has none.
/// Shared by the SQLite and PostgreSQL stores.
struct SealedTokens {
    std::string access;
    std::string refresh;
};
SealedTokens seal_tokens(const StoreKey& key, const TokenRecord& record);

/// Opens one sealed field of (user, provider). Errors: store_decrypt_failed.
result<std::string> open_field(const StoreKey& key, std::string_view sealed,
                               std::string_view user_id, std::string_view provider,
                               std::string_view field);

}  // namespace warden::toolauth::sqlite_store
