// The PostgreSQL token store against a real PostgreSQL 15 server, started by
// scripts/test-postgres.sh, which passes its URL in WARDEN_TEST_POSTGRES_URL and the
// commands that stop and start it in WARDEN_TEST_POSTGRES_STOP / _START.

#include <warden/toolauth/token_store.hpp>

#include <libpq-fe.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

namespace warden::toolauth {
namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

StoreKey key_of(unsigned char fill) {
    StoreKey k;
    k.bytes.fill(fill);
    return k;
}

TokenRecord record(std::string user, std::string token) {
    TokenRecord r;
    r.user_id = std::move(user);
    r.provider = "github";
    r.access_token = std::move(token);
    r.refresh_token = "refresh-" + r.access_token;
    r.scopes = {"repo", "read:user"};
    r.expires_at = Clock::time_point(std::chrono::seconds(2'000'000'000));
    r.updated_at = Clock::time_point(std::chrono::seconds(1'700'000'000));
    return r;
}

void sql(const std::string& statement) {
    PGconn* c = PQconnectdb(env("WARDEN_TEST_POSTGRES_URL").c_str());
    ASSERT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    PGresult* r = PQexec(c, statement.c_str());
    EXPECT_TRUE(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK)
        << PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(c);
}

class PostgresStore : public ::testing::Test {
  protected:
    void SetUp() override {
        url_ = env("WARDEN_TEST_POSTGRES_URL");
        ASSERT_FALSE(url_.empty()) << "run through scripts/test-postgres.sh";
        sql("DROP TABLE IF EXISTS warden_tokens; DROP TABLE IF EXISTS warden_schema");
    }
    std::shared_ptr<TokenStore> open(std::optional<StoreKey> key = key_of(7)) {
        auto s = open_postgres_token_store(url_, std::move(key));
        EXPECT_TRUE(s);
        return *s;
    }
    std::string url_;
};

TEST_F(PostgresStore, WhatOneReplicaStoresAnotherReads) {
    auto a = open();
    auto b = open();
    ASSERT_TRUE(a->put(record("alice", "gho_alice")));
    auto got = b->get("alice", "github");
    ASSERT_TRUE(got);
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ((*got)->access_token, "gho_alice");
    EXPECT_EQ((*got)->refresh_token, "refresh-gho_alice");
    EXPECT_EQ((*got)->scopes, (std::vector<std::string>{"read:user", "repo"}));  // normalized
    EXPECT_EQ((*got)->expires_at, record("alice", "x").expires_at);
    // Replacing keeps one row.
    ASSERT_TRUE(b->put(record("alice", "gho_alice2")));
    EXPECT_EQ((*a->get("alice", "github"))->access_token, "gho_alice2");
    auto all = a->list();
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 1u);
    EXPECT_TRUE((*all)[0].has_refresh_token);
    EXPECT_EQ(*a->remove("alice", ""), 1u);
    EXPECT_FALSE(b->get("alice", "github")->has_value());
}

TEST_F(PostgresStore, TokensAreSealedAndBoundToTheirRow) {
    auto s = open();
    ASSERT_TRUE(s->put(record("alice", "gho_secret_alice")));
    ASSERT_TRUE(s->put(record("mallory", "gho_mallory")));
    // Nothing in the database reads as the token.
    PGconn* c = PQconnectdb(url_.c_str());
    PGresult* r = PQexec(c, "SELECT encode(access_token, 'escape') FROM warden_tokens");
    for (int i = 0; i < PQntuples(r); ++i)
        EXPECT_EQ(std::string(PQgetvalue(r, i, 0)).find("gho_"), std::string::npos);
    PQclear(r);
    PQfinish(c);
    // Someone with database access moves alice's sealed token to mallory's row: refused.
    sql("UPDATE warden_tokens SET access_token = (SELECT access_token FROM warden_tokens WHERE "
        "user_id = 'alice') WHERE user_id = 'mallory'");
    auto got = s->get("mallory", "github");
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error(), Error::store_decrypt_failed);
    // Another key reads nothing.
    auto other = open(key_of(8));
    auto wrong = other->get("alice", "github");
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error(), Error::store_decrypt_failed);
    // Without a key: list and remove only.
    auto keyless = open(std::nullopt);
    EXPECT_EQ(keyless->get("alice", "github").error(), Error::bad_key);
    EXPECT_TRUE(keyless->list());
}

TEST_F(PostgresStore, ReplicasStartingAtOnceMigrateOnce) {
    std::vector<std::thread> threads;
    std::vector<std::shared_ptr<TokenStore>> stores(3);
    for (int i = 0; i < 3; ++i)
        threads.emplace_back([&, i] { stores[i] = *open_postgres_token_store(url_, key_of(7)); });
    for (auto& t : threads) t.join();
    for (auto& s : stores) {
        ASSERT_TRUE(s);
        EXPECT_TRUE(s->list()) << "every replica can use the store";
    }
    PGconn* c = PQconnectdb(url_.c_str());
    PGresult* r = PQexec(c, "SELECT version FROM warden_schema WHERE component = 'toolauth'");
    ASSERT_EQ(PQntuples(r), 1);
    EXPECT_STREQ(PQgetvalue(r, 0, 0), "1");
    PQclear(r);
    PQfinish(c);
}

TEST_F(PostgresStore, RefusesASchemaFromTheFuture) {
    sql("CREATE TABLE warden_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL); "
        "INSERT INTO warden_schema VALUES ('toolauth', 99)");
    auto s = open();
    auto got = s->list();
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error(), Error::store_schema_too_new);
}

TEST_F(PostgresStore, AnswersUnavailableWhileTheServerIsDownAndReconnects) {
    const auto stop = env("WARDEN_TEST_POSTGRES_STOP");
    const auto start = env("WARDEN_TEST_POSTGRES_START");
    ASSERT_FALSE(stop.empty() || start.empty());
    auto s = open();
    ASSERT_TRUE(s->put(record("alice", "gho_before")));
    ASSERT_EQ(std::system(stop.c_str()), 0);
    auto down = s->get("alice", "github");
    ASSERT_FALSE(down);
    EXPECT_EQ(down.error(), Error::store_unavailable);
    EXPECT_FALSE(s->put(record("bob", "gho_bob")));
    ASSERT_EQ(std::system(start.c_str()), 0);
    auto back = s->get("alice", "github");
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ((*back)->access_token, "gho_before");
}

}  // namespace
}  // namespace warden::toolauth
