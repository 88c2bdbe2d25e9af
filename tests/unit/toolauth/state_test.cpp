// Pending authorizations: single use, expiry, binding; PKCE.
#include <warden/toolauth/state.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace {

namespace ta = warden::toolauth;
using namespace std::chrono_literals;

struct FakeClock {
    std::chrono::steady_clock::time_point now{};
};

ta::PendingAuthorization pending_for(std::string user) {
    ta::PendingAuthorization p;
    p.user_id = std::move(user);
    p.provider = "github";
    p.scopes = {"repo"};
    p.code_verifier = "verifier";
    p.redirect_uri = "http://127.0.0.1:1/oauth/callback";
    return p;
}

TEST(StateStore, StateIsSingleUseAndBound) {
    ta::StateStore states;
    const auto s = states.issue(pending_for("alice")).value();
    EXPECT_GE(s.size(), 43u);  // 256 bits of base64url
    auto p = states.consume(s);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->user_id, "alice");
    EXPECT_EQ(p->provider, "github");
    EXPECT_EQ(p->scopes, std::vector<std::string>{"repo"});
    EXPECT_EQ(p->code_verifier, "verifier");
    auto replay = states.consume(s);
    ASSERT_FALSE(replay);
    EXPECT_EQ(replay.error(), ta::Error::invalid_state);
}

TEST(StateStore, ForgedOrAlteredStateIsRejected) {
    ta::StateStore states;
    const auto s = states.issue(pending_for("alice")).value();
    std::string altered = s;
    altered.back() = altered.back() == 'A' ? 'B' : 'A';
    EXPECT_EQ(states.consume(altered).error(), ta::Error::invalid_state);
    EXPECT_EQ(states.consume("").error(), ta::Error::invalid_state);
    EXPECT_EQ(states.consume(std::string(1000, 'a')).error(), ta::Error::invalid_state);
    EXPECT_TRUE(states.consume(s));  // the real one still works once
}

TEST(StateStore, ExpiresAfterItsLifetime) {
    auto clock = std::make_shared<FakeClock>();
    ta::StateStore states(60s, [clock] { return clock->now; });
    const auto s = states.issue(pending_for("alice")).value();
    clock->now += 60s;
    EXPECT_EQ(states.consume(s).error(), ta::Error::state_expired);
    EXPECT_EQ(states.consume(s).error(), ta::Error::invalid_state);  // and gone
    const auto t = states.issue(pending_for("bob")).value();
    clock->now += 59s;
    EXPECT_TRUE(states.consume(t));
}

TEST(StateStore, StatesAreUnique) {
    ta::StateStore states;
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i)
        EXPECT_TRUE(seen.insert(states.issue(pending_for("a")).value()).second);
}

// Issue 15 item 7: one user looping on a tool keeps at most `per_user` links; the oldest
// goes, other users' links stay.
TEST(StateStore, PerUserCapDropsThatUsersOldest) {
    FakeClock clock;
    ta::StateStore states(
        10min, [&] { return clock.now; }, 3, 100);
    const auto bob = states.issue(pending_for("bob")).value();
    std::vector<std::string> alice;
    for (int i = 0; i < 5; ++i) {
        clock.now += 1s;
        alice.push_back(states.issue(pending_for("alice")).value());
    }
    EXPECT_EQ(states.size(), 4u);
    EXPECT_FALSE(states.consume(alice[0]));
    EXPECT_FALSE(states.consume(alice[1]));
    for (int i = 2; i < 5; ++i) EXPECT_TRUE(states.consume(alice[i]));
    EXPECT_TRUE(states.consume(bob));
}

TEST(StateStore, TotalCapRefusesWithClearError) {
    ta::StateStore states(10min, {}, 16, 3);
    for (const char* u : {"a", "b", "c"}) ASSERT_TRUE(states.issue(pending_for(u)));
    auto refused = states.issue(pending_for("d"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error(), ta::Error::too_many_pending);
    EXPECT_EQ(states.size(), 3u);
}

TEST(Pkce, ChallengeIsS256OfVerifier) {
    // BASE64URL(SHA256(verifier)), computed independently with Python's hashlib.
    EXPECT_EQ(ta::pkce_challenge("dBjftJeZ4CVP-mJ92K1l-4n6zWgjEsa2VtTddfo2hk8"),
              "8xbC5jZCjsU3lvtVZ1Y1X-OzFxaOvSdt8ogkbBr8nJg");
    auto p = ta::make_pkce();
    EXPECT_EQ(p.verifier.size(), 43u);
    EXPECT_EQ(p.challenge, ta::pkce_challenge(p.verifier));
}

}  // namespace
