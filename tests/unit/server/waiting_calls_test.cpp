// Calls waiting on the client: capped per principal and in all (issue 15, item 4).
#include "server/waiting_calls.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace {

using warden::server::WaitingCalls;

TEST(WaitingCalls, OnePrincipalCannotTakeEverySlot) {
    auto waiting = std::make_shared<WaitingCalls>(2, 4);
    std::vector<std::unique_ptr<WaitingCalls::Slot>> alice;
    for (int i = 0; i < 2; ++i) alice.push_back(waiting->try_enter("alice"));
    EXPECT_TRUE(alice[0] && alice[1]);
    EXPECT_EQ(waiting->try_enter("alice"), nullptr);  // her cap
    auto bob = waiting->try_enter("bob");             // others still get in
    EXPECT_TRUE(bob);
    EXPECT_EQ(waiting->of("alice"), 2u);
    alice.pop_back();  // one of her waits ends: she may wait again
    EXPECT_TRUE(waiting->try_enter("alice"));
    EXPECT_EQ(waiting->total(), 2u);  // the temporary slot above is gone already
}

TEST(WaitingCalls, TotalCapHoldsAcrossPrincipals) {
    auto waiting = std::make_shared<WaitingCalls>(2, 3);
    auto a = waiting->try_enter("a");
    auto b = waiting->try_enter("b");
    auto c = waiting->try_enter("c");
    EXPECT_TRUE(a && b && c);
    EXPECT_EQ(waiting->try_enter("d"), nullptr);
    // Without the per-principal cap (stdio's single user) only the total applies.
    c.reset();
    auto local1 = waiting->try_enter("local", false);
    EXPECT_TRUE(local1);
    EXPECT_EQ(waiting->try_enter("local", false), nullptr);
    EXPECT_EQ(waiting->total(), 3u);
}

}  // namespace
