#include <warden/auth.hpp>
#include <warden/jose/error.hpp>
#include <warden/jose/jwk.hpp>
#include <warden/jose/verify.hpp>

#include "auth/discovery.hpp"
#include "auth/introspection.hpp"
#include "auth/token_cache.hpp"
#include "fakes.hpp"
#include "keys.hpp"

#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <thread>

namespace warden::auth {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::FakeFetcher;
using testing::TestKey;
namespace json = boost::json;

constexpr const char* kCanonical = "https://mcp.example/mcp";

struct ValidatorTest : ::testing::Test {
    std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
    std::shared_ptr<FakeFetcher> fetcher = std::make_shared<FakeFetcher>();
    TestKey k1{"k1"}, k2{"k2"};
    ResourceServerAuth config;
    std::shared_ptr<TokenValidator> validator;

    void SetUp() override {
        config.canonical_url = kCanonical;
        config.authorization_servers = {{.authorization_server_url = "https://as.example",
                                         .issuer = "https://as.example",
                                         .jwks_uri = "https://as.example/jwks"},
                                        // A regional URL of the same issuer, sharing the key set.
                                        {.authorization_server_url = "https://eu.as.example",
                                         .issuer = "https://as.example",
                                         .jwks_uri = "https://as.example/jwks"}};
    }
    void make() { validator = make_validator(config, {clock, fetcher}).value(); }
    // A fetch left in flight holds its callback, and the callback holds the validator:
    // drop them so the validator is freed (LeakSanitizer runs these tests).
    void TearDown() override { fetcher->pending.clear(); }

    json::object claims(std::string iss = "https://as.example") const {
        const auto now =
            std::chrono::duration_cast<std::chrono::seconds>(clock->now().time_since_epoch())
                .count();
        return {{"iss", iss},         {"sub", "alice"}, {"aud", kCanonical},
                {"exp", now + 600},   {"iat", now},     {"scope", "mcp:tools mcp:read"},
                {"client_id", "app1"}};
    }

    struct Answer {
        bool called = false;
        ValidationResult r = make_error_code(Error::unavailable);
    };
    std::shared_ptr<Answer> validate(std::string token) {
        auto a = std::make_shared<Answer>();
        validator->validate(std::move(token), [a](ValidationResult r) {
            a->called = true;
            a->r = std::move(r);
        });
        return a;
    }
};

TEST_F(ValidatorTest, ValidJwtBecomesPrincipalAndIsCached) {
    make();
    const auto token = k1.sign(claims());
    auto a = validate(token);
    ASSERT_EQ(fetcher->count, 1);
    fetcher->complete_ok(testing::jwks_of({&k1}));
    ASSERT_TRUE(a->called);
    ASSERT_TRUE(a->r) << a->r.error().message();
    const auto& p = *a->r.value();
    EXPECT_EQ(p.user_id, "alice");
    EXPECT_EQ(p.client_id, "app1");
    EXPECT_EQ(p.issuer, "https://as.example");
    EXPECT_EQ(p.scopes, (std::set<std::string>{"mcp:read", "mcp:tools"}));
    EXPECT_EQ(p.claims.at("sub"), "alice");
    ASSERT_TRUE(p.expires_at);
    // The second time: from the cache, same principal object.
    EXPECT_EQ(validator->cached(token), a->r.value());
    auto b = validate(token);
    EXPECT_TRUE(b->called);
    EXPECT_EQ(b->r.value(), a->r.value());
    // Cached entries end with the token.
    clock->advance(600s);
    EXPECT_EQ(validator->cached(token), nullptr);
}

TEST_F(ValidatorTest, EntriesSharingAnIssuerAreTriedInOrder) {
    config.authorization_servers[1].jwks_uri = "https://eu.as.example/jwks";
    make();
    auto a = validate(k2.sign(claims()));
    ASSERT_EQ(fetcher->pending.front().request.url, "https://as.example/jwks");
    fetcher->complete_ok(testing::jwks_of({&k1}));  // first entry: no such key
    ASSERT_EQ(fetcher->pending.front().request.url, "https://eu.as.example/jwks");
    fetcher->complete_ok(testing::jwks_of({&k2}));
    ASSERT_TRUE(a->called);
    ASSERT_TRUE(a->r) << a->r.error().message();
    // A token no entry can verify reports the first entry's reason.
    clock->advance(31s);
    TestKey k3{"k3"};
    auto b = validate(k3.sign(claims()));
    fetcher->complete_ok(testing::jwks_of({&k1}));
    fetcher->complete_ok(testing::jwks_of({&k2}));
    EXPECT_EQ(b->r.error(), jose::Error::unknown_key);
}

// Issue 15 item 8: without require_typ, JWTs that are not access tokens are still refused.
TEST_F(ValidatorTest, OtherTokenTypesAreRefusedByDefault) {
    make();
    auto ok = [&](const std::string& token) {
        auto a = validate(token);
        if (!fetcher->pending.empty()) fetcher->complete_ok(testing::jwks_of({&k1}));
        EXPECT_TRUE(a->called);
        return bool(a->r);
    };
    EXPECT_TRUE(ok(k1.sign(claims(), "at+jwt")));
    EXPECT_TRUE(ok(k1.sign(claims(), "JWT")));
    EXPECT_TRUE(ok(k1.sign(claims(), "")));
    EXPECT_TRUE(ok(k1.sign(claims(), "application/AT+JWT")));
    for (const char* typ : {"logout+jwt", "secevent+jwt", "dpop+jwt", "id_token+jwt", "jose",
                            "application/logout+jwt", "token-introspection+jwt"})
        EXPECT_FALSE(ok(k1.sign(claims(), typ))) << typ;
    // ID-token and event shapes under a plain typ (Keycloak, Entra: "JWT") ...
    for (const char* claim : {"nonce", "at_hash", "c_hash", "s_hash", "events"}) {
        auto c = claims();
        c[claim] = claim == std::string("events") ? json::value(json::object{})
                                                  : json::value(std::string_view("x"));
        EXPECT_FALSE(ok(k1.sign(c, "JWT"))) << claim;
        EXPECT_FALSE(ok(k1.sign(c, ""))) << claim;
        // ... but an explicitly typed access token is taken at its word.
        EXPECT_TRUE(ok(k1.sign(c, "at+jwt"))) << claim;
    }
    // An explicit required_typ is authoritative: the heuristics step aside.
    auto strict = jose::VerifyOptions{};
    strict.algorithms = jose::AlgorithmSet{jose::Algorithm::ES256};
    strict.issuers = {"https://as.example"};
    strict.audiences = {kCanonical};
    strict.now = clock->now();
    strict.required_typ = "dpop+jwt";
    auto keys = jose::parse_jwks(testing::jwks_of({&k1}));
    ASSERT_TRUE(keys);
    auto proof = claims();
    proof["nonce"] = "server-nonce";
    EXPECT_TRUE(jose::verify(k1.sign(proof, "dpop+jwt"), **keys, strict));
    EXPECT_FALSE(jose::verify(k1.sign(proof, "JWT"), **keys, strict));
    // auth_time and azp are access-token claims too (RFC 9068 section 2.2.1): accepted.
    auto c = claims();
    c["auth_time"] = c["iat"];
    c["azp"] = "app1";
    EXPECT_TRUE(ok(k1.sign(c, "JWT")));
}

// RFC 7518 section 3.4 does not require low-S ECDSA signatures and OpenSSL accepts both;
// Warden takes both too (see docs/jwt-validation.md): a bearer token is replayable anyway,
// and nothing keys on signature bytes. This pins that decision.
TEST_F(ValidatorTest, HighSEcdsaSignatureIsAccepted) {
    make();
    auto a = validate(k1.sign(claims(), "at+jwt", true));
    fetcher->complete_ok(testing::jwks_of({&k1}));
    ASSERT_TRUE(a->called);
    EXPECT_TRUE(a->r);
}

TEST_F(ValidatorTest, UnknownIssuerIsRejectedWithoutNetwork) {
    make();
    auto a = validate(k1.sign(claims("https://evil.example")));
    ASSERT_TRUE(a->called);
    EXPECT_EQ(a->r.error(), Error::untrusted_issuer);
    EXPECT_EQ(fetcher->count, 0);
}

TEST_F(ValidatorTest, WrongAudienceExpiredAndTamperedAreInvalid) {
    make();
    auto warm = validate(k1.sign(claims()));
    fetcher->complete_ok(testing::jwks_of({&k1}));
    auto c = claims();
    c["aud"] = "https://other.example/mcp";
    EXPECT_EQ(validate(k1.sign(c))->r.error(), jose::Error::audience_mismatch);
    c = claims();
    c["exp"] = c["iat"].as_int64() - 1;
    EXPECT_EQ(validate(k1.sign(c))->r.error(), jose::Error::expired);
    auto token = k1.sign(claims());
    token[token.size() - 5] = token[token.size() - 5] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(validate(token)->r);
    for (auto& e : {validate(k1.sign(c))})
        EXPECT_EQ(condition_of(e->r.error()), Condition::invalid_token);
}

TEST_F(ValidatorTest, RotatedKeyIsFoundThroughKidMiss) {
    make();
    validate(k1.sign(claims()));
    fetcher->complete_ok(testing::jwks_of({&k1}));
    clock->advance(31s);
    auto a = validate(k2.sign(claims()));
    ASSERT_EQ(fetcher->count, 2);
    fetcher->complete_ok(testing::jwks_of({&k2}));
    ASSERT_TRUE(a->r);
}

TEST_F(ValidatorTest, CachedTokenStopsWhenItsKeyLeavesTheSet) {
    make();
    const auto old_token = k1.sign(claims());
    validate(old_token);
    fetcher->complete_ok(testing::jwks_of({&k1}));
    ASSERT_NE(validator->cached(old_token), nullptr);
    clock->advance(31s);
    validate(k2.sign(claims()));
    fetcher->complete_ok(testing::jwks_of({&k2}));  // k1 removed
    EXPECT_EQ(validator->cached(old_token), nullptr);
    EXPECT_FALSE(validate(old_token)->r);
}

TEST_F(ValidatorTest, UnreachableAsKeepsKnownKeys) {
    make();
    const auto token1 = k1.sign(claims());
    validate(token1);
    fetcher->complete_ok(testing::jwks_of({&k1}), "max-age=60");
    clock->advance(120s);  // keys expired, AS down
    auto other = claims();
    other["sub"] = "bob";
    auto a = validate(k1.sign(other));
    fetcher->complete(boost::system::error_code(make_error_code(Error::unavailable)));
    ASSERT_TRUE(a->r);                     // stale keys still verify
    auto b = validate(k2.sign(claims()));  // unknown kid within the cooldown: invalid
    EXPECT_EQ(condition_of(b->r.error()), Condition::invalid_token);
}

TEST_F(ValidatorTest, DiscoversJwksUriFromIssuerMetadata) {
    config.authorization_servers = {
        {.authorization_server_url = "https://as.example", .issuer = "https://as.example/t1"}};
    make();
    auto a = validate(k1.sign(claims("https://as.example/t1")));
    ASSERT_EQ(fetcher->pending.front().request.url,
              "https://as.example/.well-known/oauth-authorization-server/t1");
    FetchResponse notfound;
    notfound.status = 404;
    fetcher->complete(notfound);
    ASSERT_EQ(fetcher->pending.front().request.url,
              "https://as.example/t1/.well-known/openid-configuration");
    fetcher->complete_ok(R"({"issuer":"https://as.example/t1","jwks_uri":"https://as.example/k"})");
    ASSERT_EQ(fetcher->pending.front().request.url, "https://as.example/k");
    fetcher->complete_ok(testing::jwks_of({&k1}));
    ASSERT_TRUE(a->r) << a->r.error().message();
}

TEST(Discovery, MetadataIssuerMustMatch) {
    EXPECT_EQ(
        jwks_uri_from_metadata(R"({"issuer":"https://evil","jwks_uri":"https://a/k"})", "https://a")
            .error(),
        Error::bad_document);
    EXPECT_EQ(jwks_uri_from_metadata(R"({"issuer":"https://a","jwks_uri":"http://a.example/k"})",
                                     "https://a")
                  .error(),
              Error::bad_document);
    EXPECT_EQ(discovery_urls("https://a.example").front(),
              "https://a.example/.well-known/oauth-authorization-server");
}

TEST(Introspection, RequestUsesClientAuthentication) {
    Introspection in{
        .endpoint = "https://as/introspect", .client_id = "rs 1", .client_secret = "s:&"};
    auto basic = introspection_request(in, "tok+/=");
    EXPECT_EQ(basic.form_body, "token=tok%2B%2F%3D&token_type_hint=access_token");
    EXPECT_EQ(basic.basic_user, "rs+1");
    EXPECT_EQ(basic.basic_password, "s%3A%26");
    in.client_auth = Introspection::ClientAuth::client_secret_post;
    auto post = introspection_request(in, "t");
    EXPECT_EQ(post.form_body,
              "token=t&token_type_hint=access_token&client_id=rs+1&client_secret=s%3A%26");
    EXPECT_TRUE(post.basic_user.empty());
}

TEST(Introspection, ParsesActiveAndRejectsTheRest) {
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1000));
    const std::vector<std::string> aud{kCanonical};
    auto p = parse_introspection(
        R"({"active":true,"sub":"alice","client_id":"c","scope":"a b","exp":2000,
            "aud":["x","https://mcp.example/mcp"],"iss":"https://as"})",
        "https://as", aud, now, 0s);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->user_id, "alice");
    EXPECT_EQ(p->scopes, (std::set<std::string>{"a", "b"}));
    EXPECT_EQ(parse_introspection(R"({"active":false})", "https://as", aud, now, 0s).error(),
              Error::token_inactive);
    EXPECT_EQ(parse_introspection(
                  R"({"active":true,"sub":"a","exp":999,"aud":"https://mcp.example/mcp"})",
                  "https://as", aud, now, 0s)
                  .error(),
              Error::token_inactive);
    EXPECT_EQ(parse_introspection(R"({"active":true,"sub":"a","aud":"other"})", "https://as", aud,
                                  now, 0s)
                  .error(),
              Error::token_inactive);
    EXPECT_EQ(
        parse_introspection(R"({"active":true,"sub":"a"})", "https://as", aud, now, 0s).error(),
        Error::token_inactive);  // no aud: the audience check cannot be skipped
    // Absurd NumericDates are clamped, never overflow the clock (found by fuzzing).
    EXPECT_TRUE(parse_introspection(
        R"({"active":true,"sub":"a","exp":1e300,"aud":"https://mcp.example/mcp"})", "https://as",
        aud, now, 0s));
    EXPECT_FALSE(parse_introspection(
        R"({"active":true,"sub":"a","exp":-1e300,"aud":"https://mcp.example/mcp"})", "https://as",
        aud, now, 0s));
    EXPECT_EQ(parse_introspection("[]", "https://as", aud, now, 0s).error(),
              Error::bad_introspection_response);
}

// Issue 15 item 9: a token without `sub` is its client acting for itself, never the user
// its client id spells.
TEST(Introspection, ClientWithoutSubIsNotAUser) {
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1000));
    const std::vector<std::string> aud{kCanonical};
    auto p = parse_introspection(
        R"({"active":true,"client_id":"alice","aud":"https://mcp.example/mcp"})", "https://as", aud,
        now, 0s);
    ASSERT_TRUE(p);
    EXPECT_NE(p->user_id, "alice");
    EXPECT_EQ(p->user_id, "client:alice");
    EXPECT_TRUE(p->is_client);
    EXPECT_EQ(p->client_id, "alice");
    auto user = parse_introspection(
        R"({"active":true,"sub":"alice","client_id":"app","aud":"https://mcp.example/mcp"})",
        "https://as", aud, now, 0s);
    ASSERT_TRUE(user);
    EXPECT_EQ(user->user_id, "alice");
    EXPECT_FALSE(user->is_client);
    EXPECT_FALSE(parse_introspection(R"({"active":true,"aud":"https://mcp.example/mcp"})",
                                     "https://as", aud, now, 0s));
}

TEST_F(ValidatorTest, OpaqueTokensAreIntrospectedAndCached) {
    config.authorization_servers[0].introspection = Introspection{
        .endpoint = "https://as.example/introspect", .client_id = "rs", .client_secret = "sec"};
    make();
    auto a = validate("opaque-token-1");
    ASSERT_EQ(fetcher->pending.front().request.url, "https://as.example/introspect");
    fetcher->complete_ok(R"({"active":true,"sub":"alice","aud":"https://mcp.example/mcp"})");
    ASSERT_TRUE(a->r);
    EXPECT_NE(validator->cached("opaque-token-1"), nullptr);
    auto b = validate("opaque-token-2");
    fetcher->complete_ok(R"({"active":false})");
    EXPECT_EQ(b->r.error(), Error::token_inactive);
    auto c = validate("opaque-token-2");  // negative cache: no second call
    EXPECT_EQ(c->r.error(), Error::token_inactive);
    EXPECT_EQ(fetcher->count, 2);
    clock->advance(11s);
    validate("opaque-token-2");
    EXPECT_EQ(fetcher->count, 3);
}

TEST(TokenCache, BoundedAndNeverBeyondExpiry) {
    TokenCache cache(32, std::chrono::seconds(600));
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1000));
    auto p = std::make_shared<const Principal>();
    for (int i = 0; i < 1000; ++i) cache.insert(hash_token(std::to_string(i)), p, now + 60s, now);
    EXPECT_LE(cache.size(), 32u);
    cache.insert(hash_token("x"), p, now + 60s, now);
    EXPECT_EQ(cache.find(hash_token("x"), now + 59s), p);
    EXPECT_EQ(cache.find(hash_token("x"), now + 60s), nullptr);
    cache.insert(hash_token("y"), p, now + 9999s, now);  // capped by max_ttl
    EXPECT_EQ(cache.find(hash_token("y"), now + 601s), nullptr);
}

TEST(TokenCache, HashTokenIsSha256WhateverItHashedBefore) {
    // hash_token remembers the last token per thread; the answer must not depend on it.
    const auto sha256 = [](std::string_view s) {
        TokenHash out{};
        unsigned int len = 0;
        EVP_Digest(s.data(), s.size(), out.data(), &len, EVP_sha256(), nullptr);
        return out;
    };
    const std::string a = "eyJhbGciOiJFUzI1NiJ9.payload-a.signature";
    const std::string b = "eyJhbGciOiJFUzI1NiJ9.payload-b.signature";  // same length as a
    const std::string a_prefix = a.substr(0, a.size() - 1);
    for (const auto* s : {&a, &a, &b, &a, &a_prefix, &a, &b, &b})
        EXPECT_EQ(hash_token(*s), sha256(*s)) << *s;
    EXPECT_EQ(hash_token(""), sha256(""));
    EXPECT_EQ(hash_token(""), sha256(""));
    // Another thread has its own memo.
    TokenHash from_thread{};
    std::thread([&] { from_thread = hash_token(b); }).join();
    EXPECT_EQ(from_thread, sha256(b));
    EXPECT_EQ(hash_token(a), sha256(a));
}

}  // namespace
}  // namespace warden::auth
