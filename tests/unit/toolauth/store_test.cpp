// The SQLite token store: encryption round trip, wrong key and tampering fail closed,
// schema upgrade, list and remove without a key.
#include "toolauth/crypto.hpp"
#include "toolauth/sqlite_store.hpp"

#include "support/temp_dirs.hpp"

#include <warden/toolauth/token_store.hpp>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <sys/stat.h>
#include <filesystem>
#include <fstream>

namespace {

namespace ta = warden::toolauth;

ta::StoreKey key_of(unsigned char fill) {
    ta::StoreKey k;
    k.bytes.fill(fill);
    return k;
}

std::string temp_path(const std::string& name) {
    const auto dir = warden::testing::fresh_temp_dir("warden-toolauth", name);
    std::filesystem::create_directories(dir);
    return (dir / "tokens.db").string();
}

ta::TokenRecord sample() {
    ta::TokenRecord r;
    r.user_id = "alice";
    r.provider = "github";
    r.access_token = "gho_access_token_value";
    r.refresh_token = "ghr_refresh_token_value";
    r.scopes = {"read:user", "repo"};
    r.expires_at = ta::Clock::time_point(std::chrono::seconds(2000000000));
    r.updated_at = ta::Clock::time_point(std::chrono::seconds(1700000000));
    return r;
}

void exec(const std::string& path, const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
}

TEST(TokenStore, RoundTripsEncryptedRecords) {
    const auto path = temp_path("roundtrip");
    auto store = ta::open_sqlite_token_store(path, key_of(1));
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->put(sample()));
    auto got = (*store)->get("alice", "github");
    ASSERT_TRUE(got && *got);
    EXPECT_EQ((*got)->access_token, "gho_access_token_value");
    EXPECT_EQ((*got)->refresh_token, "ghr_refresh_token_value");
    EXPECT_EQ((*got)->scopes, (std::vector<std::string>{"read:user", "repo"}));
    EXPECT_EQ((*got)->expires_at, sample().expires_at);
    auto none = (*store)->get("bob", "github");
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);
    // Tokens never sit in the file in the clear; the file is private.
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(bytes.find("gho_access_token_value"), std::string::npos);
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 077, 0u);
}

TEST(TokenStore, FilesArePrivateWhateverTheUmaskAndTheUmaskIsLeftAlone) {
    const auto path = temp_path("umask");
    const mode_t old_mask = ::umask(0);
    auto store = ta::open_sqlite_token_store(path, key_of(1));
    const bool put = store && (*store)->put(sample());
    const mode_t during = ::umask(old_mask);
    ASSERT_TRUE(put);
    EXPECT_EQ(during, 0u);  // opening the store never changed the process umask
    for (const auto& file : {path, path + "-wal"}) {
        struct stat st {};
        ASSERT_EQ(::stat(file.c_str(), &st), 0) << file;
        EXPECT_EQ(st.st_mode & 0777, 0600u) << file;
    }
}

TEST(TokenStore, WrongKeyFailsClosed) {
    const auto path = temp_path("wrongkey");
    ASSERT_TRUE((*ta::open_sqlite_token_store(path, key_of(1)))->put(sample()));
    auto other = ta::open_sqlite_token_store(path, key_of(2));
    ASSERT_TRUE(other);
    auto got = (*other)->get("alice", "github");
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error(), ta::Error::store_decrypt_failed);
}

TEST(TokenStore, TamperedCiphertextFails) {
    const auto path = temp_path("tamper");
    ASSERT_TRUE((*ta::open_sqlite_token_store(path, key_of(1)))->put(sample()));
    // Extend the sealed access token by one byte (every single-bit flip is swept below).
    exec(path, "UPDATE tokens SET access_token = access_token || x'00'");
    auto got = (*ta::open_sqlite_token_store(path, key_of(1)))->get("alice", "github");
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error(), ta::Error::store_decrypt_failed);
}

TEST(TokenStore, RecordMovedToAnotherUserFails) {
    const auto path = temp_path("swap");
    ASSERT_TRUE((*ta::open_sqlite_token_store(path, key_of(1)))->put(sample()));
    exec(path, "UPDATE tokens SET user_id = 'mallory'");
    auto got = (*ta::open_sqlite_token_store(path, key_of(1)))->get("mallory", "github");
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error(), ta::Error::store_decrypt_failed);
}

TEST(TokenStore, SealSweepEveryBitFlipFails) {
    const std::string key(32, 'k');
    const auto sealed = ta::crypto::seal(key, "token", "aad");
    for (std::size_t i = 0; i < sealed.size() * 8; ++i) {
        std::string bad = sealed;
        bad[i / 8] = static_cast<char>(bad[i / 8] ^ (1 << (i % 8)));
        EXPECT_FALSE(ta::crypto::open(key, bad, "aad")) << "bit " << i;
    }
    for (std::size_t n = 0; n < sealed.size(); ++n)
        EXPECT_FALSE(ta::crypto::open(key, sealed.substr(0, n), "aad"));
    EXPECT_FALSE(ta::crypto::open(key, sealed, "other aad"));
    EXPECT_EQ(*ta::crypto::open(key, sealed, "aad"), "token");
}

TEST(TokenStore, UpgradesVersionOneSchema) {
    const auto path = temp_path("upgrade");
    // A version-1 store with one record sealed as version 1 did.
    const std::string key(32, '\x01');
    const auto sealed = ta::crypto::seal(
        key, "old_access", ta::sqlite_store::record_aad("carol", "google", "access_token"));
    exec(path,
         "CREATE TABLE tokens (user_id TEXT NOT NULL, provider TEXT NOT NULL, scopes TEXT NOT "
         "NULL, access_token BLOB NOT NULL, refresh_token BLOB, expires_at INTEGER, PRIMARY "
         "KEY (user_id, provider)); PRAGMA user_version = 1;");
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(db,
                           "INSERT INTO tokens VALUES ('carol', 'google', 'email', ?1, NULL, NULL)",
                           -1, &st, nullptr);
        sqlite3_bind_blob(st, 1, sealed.data(), static_cast<int>(sealed.size()), SQLITE_TRANSIENT);
        ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
        sqlite3_finalize(st);
        sqlite3_close(db);
    }
    auto store = ta::open_sqlite_token_store(path, key_of(1));
    ASSERT_TRUE(store);
    auto got = (*store)->get("carol", "google");
    ASSERT_TRUE(got && *got);
    EXPECT_EQ((*got)->access_token, "old_access");
    EXPECT_TRUE((*store)->put(sample()));
}

TEST(TokenStore, RefusesNewerSchema) {
    const auto path = temp_path("newer");
    exec(path, "PRAGMA user_version = 99;");
    auto store = ta::open_sqlite_token_store(path, key_of(1));
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error(), ta::Error::store_schema_too_new);
}

TEST(TokenStore, ListAndRemoveWorkWithoutKey) {
    const auto path = temp_path("nokey");
    auto store = *ta::open_sqlite_token_store(path, key_of(1));
    ASSERT_TRUE(store->put(sample()));
    auto r = sample();
    r.provider = "slack";
    ASSERT_TRUE(store->put(r));
    auto keyless = *ta::open_sqlite_token_store(path, std::nullopt);
    auto rows = keyless->list();
    ASSERT_TRUE(rows);
    ASSERT_EQ(rows->size(), 2u);
    EXPECT_TRUE((*rows)[0].has_refresh_token);
    EXPECT_EQ(keyless->get("alice", "github").error(), ta::Error::bad_key);
    EXPECT_EQ(*keyless->remove("alice", "slack"), 1u);
    EXPECT_EQ(*keyless->remove("alice", ""), 1u);
    EXPECT_TRUE(keyless->list()->empty());
}

TEST(StoreKey, CreatesPrivateKeyFileAndRefusesReadableOne) {
    const auto dir = std::filesystem::path(temp_path("key")).parent_path();
    const auto file = (dir / "toolauth.key").string();
    auto none = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
    EXPECT_FALSE(ta::load_store_key(none, file, false));
    auto created = ta::load_store_key(none, file, true);
    ASSERT_TRUE(created);
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto again = ta::load_store_key(none, file, false);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->bytes, created->bytes);
    ::chmod(file.c_str(), 0644);
    EXPECT_EQ(ta::load_store_key(none, file, false).error(), ta::Error::bad_key);
    auto env = [](std::string_view n) -> std::optional<std::string> {
        if (n == "WARDEN_TOOLAUTH_KEY") return std::string(64, 'a');
        return std::nullopt;
    };
    auto from_env = ta::load_store_key(env, file, false);
    ASSERT_TRUE(from_env);
    EXPECT_EQ(from_env->bytes[0], 0xaa);
}

}  // namespace
