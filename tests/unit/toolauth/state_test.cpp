// Pending authorizations: single use, expiry, binding; PKCE.
#include <warden/toolauth/state.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include <unistd.h>
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

namespace warden::toolauth {
namespace {

class SharedPendingSqlite : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("warden-pending-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::shared_ptr<PendingStore> open(std::size_t per_user = 16, std::size_t total = 1000,
                                       unsigned char fill = 1) {
        StoreKey key;
        key.bytes.fill(fill);
        auto s =
            open_shared_pending_store(StoreLocation{false, (dir_ / "tokens.db").string()},
                                      std::move(key), std::chrono::minutes(10), per_user, total);
        EXPECT_TRUE(s);
        return *s;
    }
    std::filesystem::path dir_;
};

PendingAuthorization flow(std::string user) {
    PendingAuthorization p;
    p.user_id = std::move(user);
    p.provider = "github";
    p.scopes = {"repo", "read:user"};
    p.code_verifier = "verifier";
    p.redirect_uri = "http://127.0.0.1:1/oauth/callback";
    p.leg = Leg::link;
    p.cookie_hash = std::string("\0\1\2", 3);
    return p;
}

TEST_F(SharedPendingSqlite, TwoProcessesShareOneFileAndEachStateOpensOnce) {
    auto a = open();
    auto b = open();  // another process on the same file
    auto state = a->issue(flow("alice"));
    ASSERT_TRUE(state);
    auto got = b->consume(*state);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->user_id, "alice");
    EXPECT_EQ(got->scopes, (std::vector<std::string>{"repo", "read:user"}));
    EXPECT_EQ(got->leg, Leg::link);
    EXPECT_EQ(got->cookie_hash, std::string("\0\1\2", 3));
    EXPECT_EQ(a->consume(*state).error(), Error::invalid_state);
    EXPECT_EQ(open(16, 1000, 2)->consume(*a->issue(flow("bob"))).error(),
              Error::store_decrypt_failed)
        << "another key opens nothing";
}

TEST_F(SharedPendingSqlite, BoundsHoldPerUserAndInAll) {
    auto s = open(1, 2);
    auto first = s->issue(flow("alice"));
    auto second = s->issue(flow("alice"));
    ASSERT_TRUE(first && second);
    EXPECT_EQ(s->consume(*first).error(), Error::invalid_state) << "alice's oldest made room";
    ASSERT_TRUE(s->issue(flow("bob")));
    EXPECT_EQ(s->issue(flow("carol")).error(), Error::too_many_pending);
    EXPECT_TRUE(s->consume(*second));
}

}  // namespace
}  // namespace warden::toolauth
