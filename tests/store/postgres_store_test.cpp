// The PostgreSQL token store against a real PostgreSQL 15 server, started by
// scripts/test-postgres.sh, which passes its URL in WARDEN_TEST_POSTGRES_URL and the
// commands that stop and start it in WARDEN_TEST_POSTGRES_STOP / _START.

#include <warden/auth/dpop.hpp>
#include <warden/state/replay_cache.hpp>
#include <warden/tasks/task_store.hpp>
#include <warden/toolauth/state.hpp>
#include <warden/toolauth/token_store.hpp>

#include <libpq-fe.h>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>

#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

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

// A TCP relay on a free loopback port in front of the test server that can stop
// answering without closing anything: what a hung host, proxy or pooler looks like to
// libpq (bytes are accepted and acknowledged, no answer ever comes). Stopped by its
// destructor, which closes every socket it opened and joins its threads.
class SilentableRelay {
  public:
    explicit SilentableRelay(int upstream_port) : upstream_port_(upstream_port) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&a), len), 0);
        EXPECT_EQ(::listen(listener_, 16), 0);
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        acceptor_ = std::thread([this] { accept_loop(); });
    }
    ~SilentableRelay() {
        stopping_ = true;
        ::shutdown(listener_, SHUT_RDWR);
        acceptor_.join();
        for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
        for (auto& t : pumps_) t.join();
        ::close(listener_);
        for (int fd : fds_) ::close(fd);
    }
    int port() const { return port_; }
    void go_silent(bool silent) { silent_ = silent; }

  private:
    void accept_loop() {
        while (!stopping_) {
            int client = ::accept(listener_, nullptr, nullptr);
            if (client < 0) return;
            int upstream = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            a.sin_port = htons(static_cast<std::uint16_t>(upstream_port_));
            if (::connect(upstream, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
                ::close(client);
                ::close(upstream);
                continue;
            }
            fds_.push_back(client);
            fds_.push_back(upstream);
            pumps_.emplace_back([this, client, upstream] { pump(client, upstream); });
            pumps_.emplace_back([this, client, upstream] { pump(upstream, client); });
        }
    }
    // Copies `from` to `to` until either end closes; while silent, swallows what it reads.
    void pump(int from, int to) {
        char buf[16384];
        for (;;) {
            const ssize_t n = ::read(from, buf, sizeof buf);
            if (n <= 0) break;
            if (silent_) continue;
            if (::write(to, buf, static_cast<std::size_t>(n)) != n) break;
        }
        ::shutdown(to, SHUT_WR);
    }

    const int upstream_port_;
    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> silent_{false};
    std::thread acceptor_;
    std::vector<int> fds_;            // only the acceptor adds, until it is joined
    std::vector<std::thread> pumps_;  // likewise
};

int port_of(const std::string& url) {  // postgresql://user@127.0.0.1:PORT/db
    const auto colon = url.rfind(':');
    return std::atoi(url.c_str() + colon + 1);
}

class PostgresStore : public ::testing::Test {
  protected:
    void SetUp() override {
        url_ = env("WARDEN_TEST_POSTGRES_URL");
        ASSERT_FALSE(url_.empty()) << "run through scripts/test-postgres.sh";
        sql("DROP TABLE IF EXISTS warden_tokens, warden_pending, warden_single_use, "
            "warden_tasks, warden_schema");
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

PendingAuthorization pending_for(std::string user) {
    PendingAuthorization p;
    p.user_id = std::move(user);
    p.provider = "github";
    p.scopes = {"repo"};
    p.code_verifier = "verifier-that-must-stay-secret";
    p.redirect_uri = "http://127.0.0.1:9/oauth/callback";
    p.leg = Leg::login;
    p.bound_issuer = "https://as.example";
    p.bound_subject = "alice-sub";
    p.nonce = "n-0S6_WzA2Mj";
    p.cookie_name = "warden_auth_abc";
    p.cookie_hash = std::string("\x00\xff binary hash", 15);
    return p;
}

std::shared_ptr<PendingStore> open_pending(
    const std::string& url, std::size_t per_user = 16, std::size_t total = 100000,
    std::chrono::seconds lifetime = std::chrono::minutes(10)) {
    auto s =
        open_shared_pending_store(StoreLocation{true, url}, key_of(7), lifetime, per_user, total);
    EXPECT_TRUE(s);
    return *s;
}

TEST_F(PostgresStore, AFlowStartedOnOneReplicaCompletesOnAnotherOnce) {
    auto a = open_pending(url_);
    auto b = open_pending(url_);
    auto state = a->issue(pending_for("alice"));
    ASSERT_TRUE(state) << state.error().message();
    auto got = b->consume(*state);
    ASSERT_TRUE(got) << got.error().message();
    const auto want = pending_for("alice");
    EXPECT_EQ(got->user_id, want.user_id);
    EXPECT_EQ(got->provider, want.provider);
    EXPECT_EQ(got->scopes, want.scopes);
    EXPECT_EQ(got->code_verifier, want.code_verifier);
    EXPECT_EQ(got->redirect_uri, want.redirect_uri);
    EXPECT_EQ(got->leg, Leg::login);
    EXPECT_EQ(got->bound_issuer, want.bound_issuer);
    EXPECT_EQ(got->bound_subject, want.bound_subject);
    EXPECT_EQ(got->nonce, want.nonce);
    EXPECT_EQ(got->cookie_name, want.cookie_name);
    EXPECT_EQ(got->cookie_hash, want.cookie_hash);
    EXPECT_GT(got->expires_at, std::chrono::steady_clock::now() + std::chrono::minutes(9));
    // Single use on every replica.
    EXPECT_EQ(a->consume(*state).error(), Error::invalid_state);
    EXPECT_EQ(b->consume(*state).error(), Error::invalid_state);
    EXPECT_EQ(b->consume("never-issued").error(), Error::invalid_state);
}

TEST_F(PostgresStore, PendingFlowsAreSealedAndBoundToTheirState) {
    auto a = open_pending(url_);
    auto s1 = a->issue(pending_for("alice"));
    auto s2 = a->issue(pending_for("mallory"));
    ASSERT_TRUE(s1 && s2);
    PGconn* c = PQconnectdb(url_.c_str());
    PGresult* r = PQexec(c, "SELECT encode(payload, 'escape') FROM warden_pending");
    ASSERT_EQ(PQntuples(r), 2);
    for (int i = 0; i < 2; ++i)
        EXPECT_EQ(std::string(PQgetvalue(r, i, 0)).find("verifier"), std::string::npos);
    PQclear(r);
    PQfinish(c);
    // Moving alice's sealed flow under mallory's state is detected, not used.
    sql("UPDATE warden_pending SET payload = (SELECT payload FROM warden_pending WHERE user_id "
        "= 'alice') WHERE user_id = 'mallory'");
    EXPECT_EQ(a->consume(*s2).error(), Error::store_decrypt_failed);
    // Another key opens nothing.
    auto other =
        open_shared_pending_store(StoreLocation{true, url_}, key_of(8), std::chrono::minutes(10));
    ASSERT_TRUE(other);
    EXPECT_EQ((*other)->consume(*s1).error(), Error::store_decrypt_failed);
}

TEST_F(PostgresStore, PendingFlowsAreBoundedPerUserAndInAll) {
    auto a = open_pending(url_, 2, 3);
    auto b = open_pending(url_, 2, 3);
    auto first = a->issue(pending_for("alice"));
    auto second = b->issue(pending_for("alice"));
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // later expiry second
    auto third = a->issue(pending_for("alice"));
    ASSERT_TRUE(first && second && third);
    // alice's oldest made room; the newest two are alive.
    EXPECT_TRUE(b->consume(*third));
    int alive = (b->consume(*first) ? 1 : 0) + (b->consume(*second) ? 1 : 0);
    EXPECT_EQ(alive, 1);
    ASSERT_TRUE(a->issue(pending_for("bob")));
    ASSERT_TRUE(a->issue(pending_for("carol")));
    ASSERT_TRUE(a->issue(pending_for("dave")));
    EXPECT_EQ(b->issue(pending_for("erin")).error(), Error::too_many_pending);
}

TEST_F(PostgresStore, AnExpiredFlowIsRefusedAndSwept) {
    auto a = open_pending(url_, 16, 100000, std::chrono::seconds(1));
    auto state = a->issue(pending_for("alice"));
    ASSERT_TRUE(state);
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    EXPECT_EQ(a->consume(*state).error(), Error::state_expired);
    ASSERT_TRUE(a->issue(pending_for("bob")));
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    ASSERT_TRUE(a->issue(pending_for("carol")));  // sweeps bob's expired flow
    PGconn* c = PQconnectdb(url_.c_str());
    PGresult* r = PQexec(c, "SELECT user_id FROM warden_pending");
    ASSERT_EQ(PQntuples(r), 1);
    EXPECT_STREQ(PQgetvalue(r, 0, 0), "carol");
    PQclear(r);
    PQfinish(c);
}

TEST_F(PostgresStore, RequestStateIsSingleUseAcrossReplicas) {
    auto a = state::make_postgres_replay_cache(url_);
    auto b = state::make_postgres_replay_cache(url_);
    const auto now = state::Clock::now();
    const auto later = now + std::chrono::minutes(5);
    auto first = a->consume("state-id-1", "alice", later, now);
    ASSERT_TRUE(first) << first.error().message();
    EXPECT_TRUE(*first);
    EXPECT_FALSE(*b->consume("state-id-1", "alice", later, now)) << "a replay on another replica";
    EXPECT_FALSE(*a->consume("state-id-1", "alice", later, now));
    EXPECT_TRUE(*b->consume("state-id-2", "alice", later, now));
    EXPECT_EQ(a->size(), 2u);
    // Once its state has expired, an id may be recorded again (it can no longer open).
    EXPECT_TRUE(*b->consume("state-id-1", "alice", later + std::chrono::minutes(5), later));
}

TEST_F(PostgresStore, RacingReplicasAcceptAStateOnce) {
    std::vector<std::shared_ptr<state::ReplayCache>> caches;
    for (int i = 0; i < 3; ++i) caches.push_back(state::make_postgres_replay_cache(url_));
    const auto now = state::Clock::now();
    for (int round = 0; round < 20; ++round) {
        std::atomic<int> accepted{0}, failed{0};
        std::vector<std::thread> threads;
        const std::string id = "race-" + std::to_string(round);
        for (auto& cache : caches)
            threads.emplace_back([&, cache] {
                auto r = cache->consume(id, "alice", now + std::chrono::minutes(1), now);
                if (!r)
                    ++failed;
                else if (*r)
                    ++accepted;
            });
        for (auto& t : threads) t.join();
        EXPECT_EQ(failed.load(), 0);
        EXPECT_EQ(accepted.load(), 1) << id;
    }
}

TEST_F(PostgresStore, DpopProofsAreSingleUseAcrossReplicas) {
    auto a = auth::DpopReplayCache::on_postgres(url_);
    auto b = auth::DpopReplayCache::on_postgres(url_);
    auth::DpopReplayCache::Key key{};
    key.fill(0xab);
    const auto now = std::chrono::system_clock::now();
    using V = auth::DpopReplayCache::Verdict;
    EXPECT_EQ(a->remember(key, now + std::chrono::minutes(1), now), V::fresh);
    EXPECT_EQ(b->remember(key, now + std::chrono::minutes(1), now), V::replayed);
    key[0] = 0;
    EXPECT_EQ(b->remember(key, now + std::chrono::minutes(1), now), V::fresh);
}

TEST_F(PostgresStore, SingleUseCachesFailClosedWhileTheServerIsDown) {
    const auto stop = env("WARDEN_TEST_POSTGRES_STOP");
    const auto start = env("WARDEN_TEST_POSTGRES_START");
    auto cache = state::make_postgres_replay_cache(url_);
    auto dpop = auth::DpopReplayCache::on_postgres(url_);
    auto pending = open_pending(url_);
    const auto now = state::Clock::now();
    ASSERT_TRUE(*cache->consume("before", "alice", now + std::chrono::minutes(1), now));
    auto flow = pending->issue(pending_for("alice"));
    ASSERT_TRUE(flow);
    ASSERT_EQ(std::system(stop.c_str()), 0);
    auto down = cache->consume("during", "alice", now + std::chrono::minutes(1), now);
    ASSERT_FALSE(down);
    EXPECT_EQ(down.error(), state::Error::store_unavailable);
    auth::DpopReplayCache::Key key{};
    EXPECT_EQ(dpop->remember(key, now + std::chrono::minutes(1), now),
              auth::DpopReplayCache::Verdict::unavailable);
    EXPECT_EQ(pending->issue(pending_for("bob")).error(), Error::store_unavailable);
    EXPECT_EQ(pending->consume(*flow).error(), Error::store_unavailable);
    ASSERT_EQ(std::system(start.c_str()), 0);
    EXPECT_FALSE(*cache->consume("before", "alice", now + std::chrono::minutes(1), now));
    EXPECT_TRUE(*cache->consume("during", "alice", now + std::chrono::minutes(1), now));
    EXPECT_TRUE(pending->consume(*flow)) << "the flow survived the restart";
}

// A database that stops answering (without closing anything) cannot hold a caller for
// long: the statement fails as unavailable (fail closed) instead of waiting on TCP, and
// once the path answers again the next statement reconnects and succeeds.
TEST_F(PostgresStore, AServerThatStopsAnsweringFailsTheStatementAndIsReconnected) {
    SilentableRelay relay(port_of(url_));
    std::string via = url_;
    via.replace(via.rfind(':') + 1, via.find('/', via.rfind(':')) - via.rfind(':') - 1,
                std::to_string(relay.port()));
    auto dpop = auth::DpopReplayCache::on_postgres(via);
    const auto now = std::chrono::system_clock::now();
    const auto later = now + std::chrono::minutes(1);
    using V = auth::DpopReplayCache::Verdict;
    auth::DpopReplayCache::Key key{};
    key.fill(1);
    ASSERT_EQ(dpop->remember(key, later, now), V::fresh);
    relay.go_silent(true);
    key.fill(2);
    // Before: libpq waited for an answer that never came, and this call never returned.
    EXPECT_EQ(dpop->remember(key, later, now), V::unavailable);
    relay.go_silent(false);
    key.fill(3);
    EXPECT_EQ(dpop->remember(key, later, now), V::fresh);
    key.fill(1);
    EXPECT_EQ(dpop->remember(key, later, now), V::replayed) << "the first proof is still known";
}

tasks::NewTask task_for(const tasks::Owner& owner) {
    tasks::NewTask n;
    n.owner = owner;
    n.method = "tools/call";
    n.params = boost::json::parse(R"({"name":"slow","arguments":{}})").as_object();
    n.ttl = std::chrono::minutes(5);
    return n;
}

TEST_F(PostgresStore, ATaskCreatedInOneProcessIsPolledAndAnsweredInAnother) {
    const tasks::Owner alice{"https://as.example", "alice", "client"};
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {  // replica A: creates the task and asks for input, then exits
        ::close(fds[0]);
        auto a = tasks::open_postgres_task_store(url_);
        auto t = a ? (*a)->create(task_for(alice), tasks::Clock::now())
                   : tasks::result<tasks::Task>(tasks::Error::store_unavailable);
        tasks::Update ask;
        ask.status = tasks::Status::input_required;
        ask.input_requests =
            boost::json::parse(R"({"q":{"method":"elicitation/create","params":{}}})").as_object();
        if (!t || !(*a)->update(t->id, ask, tasks::Clock::now())) ::_exit(1);
        if (::write(fds[1], t->id.data(), t->id.size()) != static_cast<ssize_t>(t->id.size()))
            ::_exit(1);
        ::_exit(0);
    }
    ::close(fds[1]);
    char buf[64] = {};
    const auto n = ::read(fds[0], buf, sizeof buf);
    ::close(fds[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ASSERT_GT(n, 0);
    const std::string id(buf, static_cast<std::size_t>(n));
    // Replica B: polls it, answers it, and it resumes.
    auto b = tasks::open_postgres_task_store(url_);
    ASSERT_TRUE(b);
    auto got = (*b)->get(id, alice, tasks::Clock::now());
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(got->status, tasks::Status::input_required);
    auto answered = (*b)->submit_input(
        id, alice, boost::json::parse(R"({"q":{"action":"accept"}})").as_object(),
        tasks::Clock::now());
    ASSERT_TRUE(answered);
    EXPECT_TRUE(answered->resumed);
    EXPECT_EQ(
        (*b)->get(id, tasks::Owner{"https://as.example", "mallory", "client"}, tasks::Clock::now())
            .error(),
        tasks::Error::not_found);
}

TEST_F(PostgresStore, RacingReplicasApplyOneAnswerToATaskOnce) {
    const tasks::Owner alice{"https://as.example", "alice", "client"};
    std::vector<std::shared_ptr<tasks::TaskStore>> replicas;
    for (int i = 0; i < 3; ++i) replicas.push_back(*tasks::open_postgres_task_store(url_));
    for (int round = 0; round < 10; ++round) {
        auto t = replicas[0]->create(task_for(alice), tasks::Clock::now());
        ASSERT_TRUE(t);
        tasks::Update ask;
        ask.status = tasks::Status::input_required;
        ask.input_requests =
            boost::json::parse(R"({"q":{"method":"elicitation/create","params":{}}})").as_object();
        ASSERT_TRUE(replicas[1]->update(t->id, ask, tasks::Clock::now()));
        std::atomic<int> resumed{0}, failed{0};
        std::vector<std::thread> threads;
        for (auto& r : replicas)
            threads.emplace_back([&, r] {
                auto out = r->submit_input(
                    t->id, alice, boost::json::parse(R"({"q":{"action":"accept"}})").as_object(),
                    tasks::Clock::now());
                if (!out)
                    ++failed;
                else if (out->resumed)
                    ++resumed;
            });
        for (auto& th : threads) th.join();
        EXPECT_EQ(failed.load(), 0);
        EXPECT_EQ(resumed.load(), 1) << "one replica resumes the task, never two";
    }
}

TEST_F(PostgresStore, TaskStoreRefusesASchemaFromTheFuture) {
    sql("CREATE TABLE warden_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL); "
        "INSERT INTO warden_schema VALUES ('tasks', 99)");
    EXPECT_EQ(tasks::open_postgres_task_store(url_).error(), tasks::Error::store_schema_too_new);
}

}  // namespace
}  // namespace warden::toolauth
