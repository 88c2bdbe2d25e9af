// Pending authorizations: single use, expiry, binding; PKCE.
#include <warden/toolauth/state.hpp>

#include <gtest/gtest.h>

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
    const auto s = states.issue(pending_for("alice"));
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
    const auto s = states.issue(pending_for("alice"));
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
    const auto s = states.issue(pending_for("alice"));
    clock->now += 60s;
    EXPECT_EQ(states.consume(s).error(), ta::Error::state_expired);
    EXPECT_EQ(states.consume(s).error(), ta::Error::invalid_state);  // and gone
    const auto t = states.issue(pending_for("bob"));
    clock->now += 59s;
    EXPECT_TRUE(states.consume(t));
}

TEST(StateStore, StatesAreUnique) {
    ta::StateStore states;
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(states.issue(pending_for("a"))).second);
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
