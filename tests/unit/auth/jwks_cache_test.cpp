#include <warden/auth/jwks_cache.hpp>

#include "fakes.hpp"
#include "keys.hpp"

#include <gtest/gtest.h>

namespace warden::auth {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::FakeFetcher;
using testing::TestKey;

struct JwksCacheTest : ::testing::Test {
    std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
    std::shared_ptr<FakeFetcher> fetcher = std::make_shared<FakeFetcher>();
    JwksCacheSettings settings;
    TestKey k1{"k1"}, k2{"k2"};
    std::shared_ptr<JwksCache> cache;
    void SetUp() override { make(); }
    void make() { cache = JwksCache::create("https://as/jwks", settings, {clock, fetcher}); }

    // Calls get(kid) and returns where the answer went.
    struct Answer {
        bool called = false;
        boost::system::result<KeySnapshot> r = make_error_code(Error::unavailable);
    };
    std::shared_ptr<Answer> get(std::string_view kid) {
        auto a = std::make_shared<Answer>();
        cache->get(kid, [a](boost::system::result<KeySnapshot> r) {
            a->called = true;
            a->r = std::move(r);
        });
        return a;
    }
};

TEST_F(JwksCacheTest, FirstGetFetchesAndWaiters) {
    auto a = get("k1");
    auto b = get("k1");
    EXPECT_FALSE(a->called);
    ASSERT_EQ(fetcher->count, 1);  // one fetch in flight for both
    EXPECT_EQ(fetcher->pending.front().request.url, "https://as/jwks");
    fetcher->complete_ok(testing::jwks_of({&k1}));
    ASSERT_TRUE(a->called && b->called);
    ASSERT_TRUE(a->r);
    EXPECT_EQ(a->r->generation, 1u);
    EXPECT_FALSE(a->r->keys->find("k1").empty());
    auto c = get("k1");  // now served inline
    EXPECT_TRUE(c->called);
    EXPECT_EQ(fetcher->count, 1);
}

TEST_F(JwksCacheTest, TtlFromCacheControlWithinBounds) {
    get("");
    fetcher->complete_ok(testing::jwks_of({&k1}), "public, max-age=120");
    clock->advance(119s);
    EXPECT_TRUE(get("")->called);
    clock->advance(1s);
    EXPECT_TRUE(get("")->called);  // expired: answered with the known keys...
    EXPECT_EQ(fetcher->count, 2);  // ...while a re-fetch runs
    EXPECT_EQ(ttl_from_cache_control("max-age=5", settings), settings.min_ttl);
    EXPECT_EQ(ttl_from_cache_control("max-age=999999999", settings), settings.max_ttl);
    EXPECT_EQ(ttl_from_cache_control("", settings), std::chrono::seconds(3600));
    EXPECT_EQ(ttl_from_cache_control("s-maxage=7200", settings), std::chrono::seconds(3600));
    EXPECT_EQ(ttl_from_cache_control("no-store", settings), settings.min_ttl);
    EXPECT_EQ(ttl_from_cache_control("Max-Age=600", settings), std::chrono::seconds(600));
}

TEST_F(JwksCacheTest, KidMissRefetchesOncePerCooldownWithOneFetchInFlight) {
    get("k1");
    fetcher->complete_ok(testing::jwks_of({&k1}));
    clock->advance(31s);
    // A flood of random kids: one fetch.
    std::vector<std::shared_ptr<Answer>> flood;
    for (int i = 0; i < 100; ++i) flood.push_back(get("random" + std::to_string(i)));
    EXPECT_EQ(fetcher->count, 2);
    fetcher->complete_ok(testing::jwks_of({&k1}));
    for (auto& a : flood) EXPECT_TRUE(a->called && a->r);
    // Within the cooldown: answered inline with the current keys, no fetch.
    clock->advance(10s);
    auto again = get("random-again");
    EXPECT_TRUE(again->called);
    EXPECT_EQ(fetcher->count, 2);
    // After the cooldown a new kid (rotation) is fetched and found.
    clock->advance(21s);
    auto rotated = get("k2");
    EXPECT_FALSE(rotated->called);
    fetcher->complete_ok(testing::jwks_of({&k1, &k2}));
    ASSERT_TRUE(rotated->r);
    EXPECT_FALSE(rotated->r->keys->find("k2").empty());
    EXPECT_EQ(rotated->r->generation, 3u);
}

// Once the TTL has run out, known keys answer at once and one background fetch refreshes
// the set; an unknown kid still waits for that fetch; a key the new set drops is gone.
TEST_F(JwksCacheTest, StaleWhileRevalidateForKnownKeys) {
    get("");
    fetcher->complete_ok(testing::jwks_of({&k1}), "max-age=600");
    clock->advance(601s);
    auto known = get("k1");
    ASSERT_TRUE(known->called);
    ASSERT_TRUE(known->r);
    EXPECT_EQ(known->r->generation, 1u);
    EXPECT_EQ(fetcher->count, 2);
    auto again = get("k1");  // the refresh is in flight: no second fetch
    EXPECT_TRUE(again->called);
    EXPECT_EQ(fetcher->count, 2);
    auto unknown = get("k2");  // not stale-served: waits for the fetch
    EXPECT_FALSE(unknown->called);
    fetcher->complete_ok(testing::jwks_of({&k2}), "max-age=600");
    ASSERT_TRUE(unknown->called && unknown->r);
    EXPECT_EQ(unknown->r->generation, 2u);
    EXPECT_FALSE(unknown->r->keys->find("k2").empty());
    // k1 left the set: within the cooldown the answer is the new set, without k1.
    auto dropped = get("k1");
    ASSERT_TRUE(dropped->called && dropped->r);
    EXPECT_TRUE(dropped->r->keys->find("k1").empty());
    EXPECT_EQ(fetcher->count, 2);
}

// Past max_stale nothing is served stale: the caller waits for the fetch.
TEST_F(JwksCacheTest, NoStaleServingBeyondMaxStale) {
    settings.max_stale = 1h;
    make();
    get("");
    fetcher->complete_ok(testing::jwks_of({&k1}), "max-age=600");
    clock->advance(1h + 1s);
    auto late = get("k1");
    EXPECT_FALSE(late->called);
    fetcher->complete_ok(testing::jwks_of({&k1}), "max-age=600");
    ASSERT_TRUE(late->called && late->r);
    EXPECT_EQ(late->r->generation, 2u);
}

TEST_F(JwksCacheTest, StaleIfErrorUpToMaxStale) {
    settings.max_stale = 2h;
    make();
    get("");
    fetcher->complete_ok(testing::jwks_of({&k1}), "max-age=3600");
    clock->advance(3601s);
    auto a = get("k1");
    fetcher->complete(boost::system::error_code(make_error_code(Error::unavailable)));
    ASSERT_TRUE(a->called);
    ASSERT_TRUE(a->r);  // the last good keys
    EXPECT_FALSE(a->r->keys->find("k1").empty());
    clock->advance(2h);
    auto b = get("k1");
    fetcher->complete(boost::system::error_code(make_error_code(Error::unavailable)));
    ASSERT_TRUE(b->called);
    EXPECT_EQ(b->r.error(), Error::unavailable);
}

TEST_F(JwksCacheTest, NoKeysAndUnreachableIsUnavailableAndRateLimited) {
    auto a = get("k1");
    fetcher->complete(boost::system::error_code(make_error_code(Error::unavailable)));
    EXPECT_EQ(a->r.error(), Error::unavailable);
    auto b = get("k1");  // within the cooldown: no new fetch
    EXPECT_TRUE(b->called);
    EXPECT_EQ(fetcher->count, 1);
}

TEST_F(JwksCacheTest, RejectsWrongMediaTypeAndBadDocuments) {
    auto a = get("");
    fetcher->complete_ok(testing::jwks_of({&k1}), {}, "text/html");
    EXPECT_FALSE(a->r);
    clock->advance(31s);
    auto b = get("");
    fetcher->complete_ok("{not json");
    EXPECT_FALSE(b->r);
    clock->advance(31s);
    auto c = get("");
    fetcher->complete_ok(testing::jwks_of({&k1}), {}, "application/jwk-set+json; charset=utf-8");
    EXPECT_TRUE(c->r);
    EXPECT_TRUE(is_jwks_media_type("Application/JSON ; charset=UTF-8"));
    EXPECT_FALSE(is_jwks_media_type("application/jsonx"));
}

}  // namespace
}  // namespace warden::auth
