// Token endpoint answers (RFC 6749 §5.1, §5.2): what is taken from them and what is refused.
#include "toolauth/oauth_client.hpp"

#include <gtest/gtest.h>

namespace {

namespace ta = warden::toolauth;
using ta::oauth::parse_token_response;

constexpr auto kFail = ta::Error::token_exchange_failed;

TEST(TokenResponse, TakesTokensScopesAndExpiry) {
    const auto before = ta::Clock::now();
    auto r =
        parse_token_response(200,
                             R"({"access_token":"at-1","token_type":"Bearer","expires_in":3600,)"
                             R"("refresh_token":"rt-1","scope":"repo read:user"})",
                             kFail);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->access_token, "at-1");
    EXPECT_EQ(r->refresh_token, "rt-1");
    EXPECT_EQ(r->scopes, (std::vector<std::string>{"read:user", "repo"}));
    ASSERT_TRUE(r->expires_at);
    EXPECT_GE(*r->expires_at, before + std::chrono::seconds(3600));
    EXPECT_LE(*r->expires_at, ta::Clock::now() + std::chrono::seconds(3600));
}

TEST(TokenResponse, GithubCommaScopesAndNoExpiry) {
    auto r = parse_token_response(
        200, R"({"access_token":"gho_x","token_type":"bearer","scope":"repo,gist"})", kFail);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->scopes, (std::vector<std::string>{"gist", "repo"}));
    EXPECT_FALSE(r->expires_at);  // GitHub OAuth app tokens do not expire
    EXPECT_TRUE(r->refresh_token.empty());
}

TEST(TokenResponse, AbsentScopeMeansNotSaid) {
    // RFC 6749 §5.1: scope is optional when it equals what was requested; the caller
    // then records the requested scopes.
    auto r = parse_token_response(200, R"({"access_token":"a","token_type":"Bearer"})", kFail);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->scopes.empty());
    auto empty = parse_token_response(200, R"({"access_token":"a","scope":""})", kFail);
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->scopes.empty());
}

TEST(TokenResponse, NonPositiveOrNonNumericExpiresInIsIgnored) {
    for (const char* e : {"0", "-5", "\"3600\"", "null", "1.5"}) {
        auto r = parse_token_response(
            200, std::string(R"({"access_token":"a","expires_in":)") + e + "}", kFail);
        ASSERT_TRUE(r) << e;
        EXPECT_FALSE(r->expires_at) << e;
    }
}

TEST(TokenResponse, TokenTypeMustBeBearerWhenPresent) {
    EXPECT_TRUE(parse_token_response(200, R"({"access_token":"a","token_type":"BEARER"})", kFail));
    EXPECT_TRUE(parse_token_response(200, R"({"access_token":"a"})", kFail));
    // Slack's user tokens say "user".
    EXPECT_TRUE(parse_token_response(200, R"({"access_token":"a","token_type":"user"})", kFail));
    for (const char* t : {"mac", "DPoP", "N_A"}) {
        auto r = parse_token_response(
            200, std::string(R"({"access_token":"a","token_type":")") + t + "\"}", kFail);
        ASSERT_FALSE(r) << t;
        EXPECT_EQ(r.error(), kFail);
    }
}

TEST(TokenResponse, ErrorResponsesFailWithTheGivenCode) {
    // RFC 6749 §5.2: 400 with an error object.
    auto r = parse_token_response(400, R"({"error":"invalid_grant"})", ta::Error::refresh_failed);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), ta::Error::refresh_failed);
    // GitHub answers errors with 200.
    EXPECT_FALSE(parse_token_response(200, R"({"error":"bad_verification_code"})", kFail));
    // A token in a non-200 answer is never used.
    EXPECT_FALSE(parse_token_response(500, R"({"access_token":"a"})", kFail));
    EXPECT_FALSE(parse_token_response(200, "not json", kFail));
    EXPECT_FALSE(parse_token_response(200, R"(["access_token"])", kFail));
    EXPECT_FALSE(parse_token_response(200, R"({"access_token":""})", kFail));
    EXPECT_FALSE(parse_token_response(200, R"({"access_token":42})", kFail));
}

TEST(TokenResponse, SlackUserTokenIsNested) {
    auto r = parse_token_response(200,
                                  R"({"ok":true,"authed_user":{"id":"U1","scope":"search:read",)"
                                  R"("access_token":"xoxp-1","token_type":"user"}})",
                                  kFail);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->access_token, "xoxp-1");
    EXPECT_EQ(r->scopes, (std::vector<std::string>{"search:read"}));
}

}  // namespace
