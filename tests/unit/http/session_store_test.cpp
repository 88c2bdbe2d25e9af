// Sessions of a stateful HTTP server: CSPRNG ids, principal binding, the cap, idle sweep.
#include "transport/http/session_store.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <mutex>
#include <set>
#include <thread>

namespace {

using warden::Principal;
using warden::transport::http::random_hex;
using warden::transport::http::SessionStore;
using warden::transport::http::StreamSettings;

class SessionStoreTest : public ::testing::Test {
  protected:
    std::shared_ptr<warden::server::ServerCore> core = std::make_shared<warden::server::ServerCore>(
        warden::ServerInfo{.name = "t"}, warden::ServerOptions{.worker_threads = 1});
    void TearDown() override { core->shutdown(); }
};

Principal principal(std::string issuer, std::string subject) {
    Principal p;
    p.issuer = std::move(issuer);
    p.user_id = std::move(subject);
    return p;
}

bool is_lower_hex(const std::string& s) {
    return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(SessionRandomHex, LengthAndAlphabet) {
    EXPECT_EQ(random_hex(0), "");
    auto h = random_hex(16);
    EXPECT_EQ(h.size(), 32u);
    EXPECT_TRUE(is_lower_hex(h));
}

// Ids come from a per-thread pool of getrandom() bytes: sizes that straddle a refill, and
// ids drawn on several threads at once, never repeat.
TEST(SessionRandomHex, UniqueAcrossRefillsAndThreads) {
    std::set<std::string> ids;
    std::mutex mutex;
    auto draw = [&] {
        for (int i = 0; i < 2000; ++i) {
            auto id = random_hex(static_cast<std::size_t>(7 + i % 13));
            std::lock_guard lock(mutex);
            EXPECT_TRUE(ids.insert(id).second) << id;
        }
    };
    std::thread a(draw), b(draw);
    draw();
    a.join();
    b.join();
    EXPECT_EQ(ids.size(), 6000u);
}

// A forked child must not hand out the ids its parent is about to hand out from the
// same (copied) pool.
TEST(SessionRandomHex, ForkedChildDrawsFreshBytes) {
    random_hex(8);  // the pool now holds unused bytes the child inherits
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        auto id = random_hex(16);
        [[maybe_unused]] auto n = ::write(fds[1], id.data(), id.size());
        ::_exit(0);
    }
    ::close(fds[1]);
    const auto mine = random_hex(16);
    std::string theirs(32, '\0');
    ASSERT_EQ(::read(fds[0], theirs.data(), theirs.size()), 32);
    ::close(fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_NE(mine, theirs);
}

TEST_F(SessionStoreTest, IdsAre32HexCharsAndUnique) {
    SessionStore store(10000);
    std::set<std::string> ids;
    for (int i = 0; i < 1000; ++i) {
        auto s = store.create(*core, nullptr);
        ASSERT_TRUE(s);
        EXPECT_EQ(s->id().size(), 32u);
        EXPECT_TRUE(is_lower_hex(s->id())) << s->id();
        ids.insert(s->id());
    }
    EXPECT_EQ(ids.size(), 1000u);
    EXPECT_EQ(store.size(), 1000u);
}

TEST_F(SessionStoreTest, AReplicaPrefixStartsEveryIdAndKeepsItsRandomPart) {
    SessionStore store(10, 10, "b.");
    auto s = store.create(*core, nullptr);
    ASSERT_TRUE(s);
    ASSERT_EQ(s->id().size(), 34u);
    EXPECT_EQ(s->id().substr(0, 2), "b.");
    EXPECT_TRUE(is_lower_hex(s->id().substr(2))) << s->id();
    EXPECT_EQ(store.find(s->id()), s);
    EXPECT_FALSE(store.find(s->id().substr(2))) << "the id is the whole string";
}

TEST_F(SessionStoreTest, FindAndRemove) {
    SessionStore store(10);
    auto s = store.create(*core, nullptr);
    ASSERT_TRUE(s);
    EXPECT_EQ(store.find(s->id()), s);
    EXPECT_FALSE(store.find("0123456789abcdef0123456789abcdef"));
    EXPECT_FALSE(store.find(""));
    EXPECT_TRUE(store.remove(s->id()));
    EXPECT_FALSE(store.find(s->id()));
    EXPECT_FALSE(store.remove(s->id()));
}

TEST_F(SessionStoreTest, BoundToTheCreatingPrincipal) {
    SessionStore store(10);
    auto alice = principal("https://as.example", "alice");
    auto s = store.create(*core, &alice);
    ASSERT_TRUE(s);
    auto alice_again = principal("https://as.example", "alice");
    EXPECT_TRUE(s->bound_to(&alice_again));
    auto bob = principal("https://as.example", "bob");
    EXPECT_FALSE(s->bound_to(&bob));
    // The same subject from another issuer is another user.
    auto other_alice = principal("https://other.example", "alice");
    EXPECT_FALSE(s->bound_to(&other_alice));
    EXPECT_FALSE(s->bound_to(nullptr));
}

TEST_F(SessionStoreTest, AnonymousSessionRefusesAPrincipal) {
    SessionStore store(10);
    auto s = store.create(*core, nullptr);
    EXPECT_TRUE(s->bound_to(nullptr));
    auto alice = principal("https://as.example", "alice");
    EXPECT_FALSE(s->bound_to(&alice));
}

TEST_F(SessionStoreTest, CapRefusesFurtherSessions) {
    SessionStore store(2);
    auto a = store.create(*core, nullptr);
    auto b = store.create(*core, nullptr);
    ASSERT_TRUE(a && b);
    EXPECT_FALSE(store.create(*core, nullptr));
    store.remove(a->id());
    EXPECT_TRUE(store.create(*core, nullptr));
    EXPECT_FALSE(store.create(*core, nullptr));
}

TEST_F(SessionStoreTest, SweepForgetsIdleSessionsOnly) {
    SessionStore store(10);
    auto idle = store.create(*core, nullptr);
    EXPECT_EQ(store.sweep(std::chrono::hours(1)), 0u);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto fresh = store.create(*core, nullptr);
    // Only what has been unused for longer than the limit goes.
    EXPECT_EQ(store.sweep(std::chrono::milliseconds(10)), 1u);
    EXPECT_FALSE(store.find(idle->id()));
    EXPECT_TRUE(store.find(fresh->id()));
}

TEST_F(SessionStoreTest, TouchKeepsASessionAlive) {
    SessionStore store(10);
    auto s = store.create(*core, nullptr);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    s->touch();
    EXPECT_EQ(store.sweep(std::chrono::milliseconds(10)), 0u);
    EXPECT_TRUE(store.find(s->id()));
}

TEST_F(SessionStoreTest, SweepSparesSessionsWithAnAttachedStream) {
    SessionStore store(10);
    auto s = store.create(*core, nullptr);
    auto standalone = s->standalone(StreamSettings{});
    auto token = standalone->attach([] {});
    ASSERT_NE(token, 0u);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(store.sweep(std::chrono::milliseconds(10)), 0u);
    standalone->detach(token);
    EXPECT_EQ(store.sweep(std::chrono::milliseconds(10)), 1u);
}

TEST_F(SessionStoreTest, SweepSparesSessionsWithARunningRequest) {
    SessionStore store(10);
    auto s = store.create(*core, nullptr);
    auto stream = std::make_shared<warden::transport::http::Stream>("s1", StreamSettings{}, false);
    s->remember(stream);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(store.sweep(std::chrono::milliseconds(10)), 0u);
    stream->complete(nullptr);
    EXPECT_EQ(store.sweep(std::chrono::milliseconds(10)), 1u);
}

TEST_F(SessionStoreTest, StreamsAreFoundForResumption) {
    SessionStore store(10);
    auto s = store.create(*core, nullptr);
    auto stream = std::make_shared<warden::transport::http::Stream>("s1", StreamSettings{}, false);
    s->remember(stream);
    EXPECT_EQ(s->find_stream("s1"), stream);
    auto standalone = s->standalone(StreamSettings{});
    EXPECT_EQ(s->standalone(StreamSettings{}), standalone) << "one standalone stream";
    EXPECT_EQ(s->find_stream(standalone->id()), standalone);
    EXPECT_FALSE(s->find_stream("nope"));
}

TEST_F(SessionStoreTest, RememberForgetsOldFinishedStreams) {
    SessionStore store(10);
    auto s = store.create(*core, nullptr);
    auto running =
        std::make_shared<warden::transport::http::Stream>("run", StreamSettings{}, false);
    s->remember(running, 2);
    for (int i = 0; i < 4; ++i) {
        auto done = std::make_shared<warden::transport::http::Stream>("d" + std::to_string(i),
                                                                      StreamSettings{}, false);
        done->send({{"jsonrpc", "2.0"}, {"method", "notifications/progress"}});  // now SSE
        done->complete(nullptr);
        s->remember(done, 2);
    }
    EXPECT_TRUE(s->find_stream("run")) << "a running stream is kept";
    EXPECT_FALSE(s->find_stream("d0"));
    EXPECT_TRUE(s->find_stream("d3"));
}

TEST_F(SessionStoreTest, StreamsAnsweredWithJsonAreNotKept) {
    SessionStore store(10);
    auto s = store.create(*core, nullptr);
    auto answered =
        std::make_shared<warden::transport::http::Stream>("json", StreamSettings{}, false);
    answered->complete(boost::json::object{{"jsonrpc", "2.0"}, {"id", 1}, {"result", {}}});
    s->remember(answered);
    EXPECT_FALSE(s->find_stream("json")) << "no event id was handed out: nothing to resume";

    auto later =
        std::make_shared<warden::transport::http::Stream>("later", StreamSettings{}, false);
    s->remember(later);  // still running: kept
    later->complete(boost::json::object{{"jsonrpc", "2.0"}, {"id", 2}, {"result", {}}});
    EXPECT_TRUE(s->find_stream("later"));
    s->remember(std::make_shared<warden::transport::http::Stream>("next", StreamSettings{}, false));
    EXPECT_FALSE(s->find_stream("later")) << "forgotten once it answered with JSON";
    EXPECT_TRUE(s->find_stream("next"));
}

TEST_F(SessionStoreTest, CloseAllEmptiesTheStore) {
    SessionStore store(10);
    store.create(*core, nullptr);
    store.create(*core, nullptr);
    store.close_all();
    EXPECT_EQ(store.size(), 0u);
}

}  // namespace

namespace {

using warden::transport::http::SessionRefusal;

TEST_F(SessionStoreTest, OnePrincipalCannotTakeEverySession) {
    SessionStore store(10, 2);
    auto alice = principal("https://as.example", "alice");
    auto bob = principal("https://as.example", "bob");
    ASSERT_TRUE(store.create(*core, &alice));
    auto second = store.create(*core, &alice);
    ASSERT_TRUE(second);
    SessionRefusal why = SessionRefusal::none;
    EXPECT_FALSE(store.create(*core, &alice, &why));
    EXPECT_EQ(why, SessionRefusal::principal_full);
    // Another user, and the same subject from another issuer, are unaffected.
    EXPECT_TRUE(store.create(*core, &bob, &why));
    EXPECT_EQ(why, SessionRefusal::none);
    auto other_alice = principal("https://other.example", "alice");
    EXPECT_TRUE(store.create(*core, &other_alice));
    // Ending a session gives the place back.
    ASSERT_TRUE(store.remove(second->id()));
    EXPECT_TRUE(store.create(*core, &alice));
    EXPECT_FALSE(store.create(*core, &alice));
}

TEST_F(SessionStoreTest, ExpiredSessionsGiveTheirPrincipalsPlacesBack) {
    SessionStore store(10, 1);
    auto alice = principal("https://as.example", "alice");
    ASSERT_TRUE(store.create(*core, &alice));
    EXPECT_FALSE(store.create(*core, &alice));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(store.sweep(std::chrono::milliseconds(1)), 1u);
    EXPECT_TRUE(store.create(*core, &alice));
    store.close_all();
    EXPECT_TRUE(store.create(*core, &alice));
}

TEST_F(SessionStoreTest, TheGlobalCapIsReportedAsSuch) {
    SessionStore store(1, 5);
    auto alice = principal("https://as.example", "alice");
    auto bob = principal("https://as.example", "bob");
    ASSERT_TRUE(store.create(*core, &alice));
    SessionRefusal why = SessionRefusal::none;
    EXPECT_FALSE(store.create(*core, &bob, &why));
    EXPECT_EQ(why, SessionRefusal::server_full);
}

TEST_F(SessionStoreTest, AnonymousSessionsHaveOnlyTheGlobalCap) {
    // Without auth every client is the same nobody: a per-principal cap would be a global one.
    SessionStore store(5, 1);
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(store.create(*core, nullptr)) << i;
}

}  // namespace
