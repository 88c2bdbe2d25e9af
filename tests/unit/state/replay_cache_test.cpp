// The bounded in-memory replay cache: single use, forgets only expired ids, refuses when
// full of live ones.
#include <warden/state/replay_cache.hpp>

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace {

namespace st = warden::state;
using namespace std::chrono_literals;

const st::Clock::time_point kT0 = st::Clock::time_point(1'800'000'000s);

TEST(ReplayCache, SecondUseIsAReplay) {
    auto c = st::make_memory_replay_cache(10);
    EXPECT_TRUE(*c->consume("a", "alice", kT0 + 10s, kT0));
    EXPECT_FALSE(*c->consume("a", "alice", kT0 + 10s, kT0 + 9s));
    EXPECT_TRUE(*c->consume("b", "alice", kT0 + 10s, kT0));
}

TEST(ReplayCache, FullOfLiveIdsRefusesInsteadOfEvicting) {
    auto c = st::make_memory_replay_cache(2);
    EXPECT_TRUE(*c->consume("a", "alice", kT0 + 10s, kT0));
    EXPECT_TRUE(*c->consume("b", "alice", kT0 + 20s, kT0));
    EXPECT_EQ(c->consume("c", "alice", kT0 + 30s, kT0 + 5s).error(), st::Error::replay_cache_full);
    // Both live ids are still remembered.
    EXPECT_FALSE(*c->consume("a", "alice", kT0 + 10s, kT0 + 5s));
    EXPECT_FALSE(*c->consume("b", "alice", kT0 + 20s, kT0 + 5s));
    EXPECT_EQ(c->size(), 2u);
}

TEST(ReplayCache, ForgetsIdsOnlyFromTheirExpiry) {
    auto c = st::make_memory_replay_cache(2);
    EXPECT_TRUE(*c->consume("a", "alice", kT0 + 10s, kT0));
    EXPECT_TRUE(*c->consume("b", "alice", kT0 + 20s, kT0));
    EXPECT_EQ(c->consume("c", "alice", kT0 + 30s, kT0 + 9s).error(), st::Error::replay_cache_full);
    EXPECT_TRUE(*c->consume("c", "alice", kT0 + 30s, kT0 + 10s));  // a expired at +10 s: forgotten
    EXPECT_EQ(c->size(), 2u);
    EXPECT_FALSE(*c->consume("b", "alice", kT0 + 20s, kT0 + 19s));
}

TEST(ReplayCache, ConcurrentConsumersAgreeOnOneWinner) {
    auto c = st::make_memory_replay_cache(100'000);
    std::vector<int> wins(4, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 2000; ++i)
                if (*c->consume("id" + std::to_string(i), "alice", kT0 + 60s, kT0)) ++wins[t];
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(wins[0] + wins[1] + wins[2] + wins[3], 2000);
    EXPECT_EQ(c->size(), 2000u);
}

// One owner's round trips fill that owner's share only: the others keep room, and the
// owner gets room back as its ids expire.
TEST(ReplayCache, OneOwnerCannotFillTheCacheForOthers) {
    auto c = st::make_memory_replay_cache(10, 3);
    for (auto id : {"m1", "m2", "m3"}) EXPECT_TRUE(*c->consume(id, "mallory", kT0 + 10s, kT0));
    EXPECT_EQ(c->consume("m4", "mallory", kT0 + 10s, kT0).error(), st::Error::replay_cache_full);
    EXPECT_TRUE(*c->consume("a1", "alice", kT0 + 10s, kT0));
    EXPECT_FALSE(*c->consume("m1", "mallory", kT0 + 10s, kT0 + 1s));  // still a replay
    EXPECT_TRUE(*c->consume("m4", "mallory", kT0 + 20s, kT0 + 10s));  // m1..m3 expired
    EXPECT_EQ(c->size(), 1u);  // a1 expired with them; m4 remains
}

}  // namespace
