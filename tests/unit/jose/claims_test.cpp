// Time claims at +-1 s around the leeway, typ matching, and fail-closed options.
#include "vectors.hpp"

#include "jose/jws.hpp"

#include <gtest/gtest.h>

namespace {

using namespace warden_test;
using jose::Error;

// "valid ES256" has exp = now + 3600 and iat = now - 60; move the clock instead of the token.
const double kExp = vectors().at("now").to_number<double>() + 3600;

boost::system::result<jose::VerifiedToken> verify_at(double now, int leeway,
                                                     std::string_view name = "valid ES256") {
    auto o = vector_options();
    o.now = at_seconds(now);
    o.leeway = std::chrono::seconds(leeway);
    return jose::verify(vector_token(name), *vector_keys(), o);
}

TEST(ClaimsExp, AcceptsOneSecondBeforeExpiry) {
    EXPECT_TRUE(verify_at(kExp - 1, 0));
}

TEST(ClaimsExp, RejectsAtExpiry) {
    EXPECT_EQ(verify_at(kExp, 0).error(), Error::expired);
}

TEST(ClaimsExp, AcceptsOneSecondInsideLeeway) {
    EXPECT_TRUE(verify_at(kExp + 29, 30));
}

TEST(ClaimsExp, RejectsOneSecondOutsideLeeway) {
    EXPECT_EQ(verify_at(kExp + 31, 30).error(), Error::expired);
}

TEST(ClaimsExp, CanBeSwitchedOff) {
    auto o = vector_options();
    o.now = at_seconds(kExp + 1000);
    o.verify_exp = false;
    EXPECT_TRUE(jose::verify(vector_token("valid ES256"), *vector_keys(), o));
    EXPECT_TRUE(jose::verify(vector_token("missing exp"), *vector_keys(), o));
}

TEST(ClaimsIat, RejectsOneSecondOutsideLeeway) {
    // iat = now - 60: a clock 61 s behind sees it 1 s in the future (outside 0 leeway).
    const double iat = kExp - 3660;
    EXPECT_EQ(verify_at(iat - 1, 0).error(), Error::issued_in_future);
    EXPECT_TRUE(verify_at(iat - 9, 10));
    EXPECT_EQ(verify_at(iat - 11, 10).error(), Error::issued_in_future);
}

TEST(ClaimsNbf, ChecksAroundLeeway) {
    const double nbf = vectors().at("now").to_number<double>() + 59;  // "nbf within leeway"
    EXPECT_EQ(verify_at(nbf - 1, 0, "nbf within leeway").error(), Error::not_yet_valid);
    EXPECT_TRUE(verify_at(nbf, 0, "nbf within leeway"));
    EXPECT_TRUE(verify_at(nbf - 9, 10, "nbf within leeway"));
    EXPECT_EQ(verify_at(nbf - 11, 10, "nbf within leeway").error(), Error::not_yet_valid);
}

TEST(ClaimsNbf, CanBeSwitchedOff) {
    auto o = vector_options();
    o.verify_nbf = false;
    EXPECT_TRUE(jose::verify(vector_token("nbf in the future"), *vector_keys(), o));
    o.verify_iat = false;
    EXPECT_TRUE(jose::verify(vector_token("iat in the future"), *vector_keys(), o));
}

TEST(ClaimsIss, CanBeSwitchedOffButStillTypeChecked) {
    auto o = vector_options();
    o.verify_iss = false;
    o.issuers.clear();
    EXPECT_TRUE(jose::verify(vector_token("wrong issuer"), *vector_keys(), o));
    EXPECT_TRUE(jose::verify(vector_token("missing issuer"), *vector_keys(), o));
    EXPECT_EQ(jose::verify(vector_token("numeric issuer"), *vector_keys(), o).error(),
              Error::bad_claim_type);
}

TEST(VerifyOptions, FailsClosedWithoutAlgorithms) {
    auto o = vector_options();
    o.algorithms = {};
    EXPECT_EQ(jose::verify(vector_token("valid RS256"), *vector_keys(), o).error(),
              Error::no_algorithms_configured);
    EXPECT_TRUE(jose::VerifyOptions{}.algorithms.empty());
}

TEST(VerifyOptions, FailsClosedWithoutAudience) {
    auto o = vector_options();
    o.audiences.clear();
    auto r = jose::verify(vector_token("valid RS256"), *vector_keys(), o);
    EXPECT_EQ(r.error(), Error::no_audience_configured);
    EXPECT_EQ(r.error(), jose::Condition::invalid_configuration);
}

TEST(VerifyOptions, FailsClosedWithoutIssuer) {
    auto o = vector_options();
    o.issuers.clear();
    EXPECT_EQ(jose::verify(vector_token("valid RS256"), *vector_keys(), o).error(),
              Error::no_issuer_configured);
}

TEST(VerifyOptions, AllAsymmetricIsEveryAlgorithm) {
    for (std::string_view name : {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
                                  "ES384", "ES512", "EdDSA"}) {
        EXPECT_TRUE(jose::kAllAsymmetricAlgorithms.contains(jose::parse_algorithm(name).value()));
    }
    for (std::string_view name : {"none", "HS256", "HS384", "HS512", "rs256", "ES256K", ""}) {
        EXPECT_FALSE(jose::parse_algorithm(name)) << name;
    }
}

TEST(VerifyOptions, RespectsTokenSizeLimit) {
    auto o = vector_options();
    const std::string token = vector_token("valid RS256");
    o.max_token_size = token.size();
    EXPECT_TRUE(jose::verify(token, *vector_keys(), o));
    o.max_token_size = token.size() - 1;
    auto r = jose::verify(token, *vector_keys(), o);
    EXPECT_EQ(r.error(), Error::token_too_large);
    EXPECT_EQ(r.error(), jose::Condition::invalid_request);
}

TEST(TypMatch, IgnoresCaseAndApplicationPrefix) {
    using warden::jose::detail::typ_matches;
    EXPECT_TRUE(typ_matches("at+jwt", "at+jwt"));
    EXPECT_TRUE(typ_matches("application/AT+JWT", "at+jwt"));
    EXPECT_TRUE(typ_matches("at+jwt", "Application/at+jwt"));
    EXPECT_FALSE(typ_matches("jwt", "at+jwt"));
    EXPECT_FALSE(typ_matches("", "at+jwt"));
    EXPECT_FALSE(typ_matches("application/", "at+jwt"));
    EXPECT_FALSE(typ_matches("text/at+jwt", "at+jwt"));
}

TEST(ErrorCodes, HaveCategoryMessagesAndConditions) {
    EXPECT_STREQ(jose::error_category().name(), "warden.jose");
    for (int e = 1; e <= static_cast<int>(Error::key_not_for_verify); ++e) {
        const auto ec = jose::make_error_code(static_cast<Error>(e));
        EXPECT_NE(ec.message().find_first_not_of(' '), std::string::npos);
        EXPECT_EQ(ec.message().find("unknown"), std::string::npos) << e;
    }
    EXPECT_EQ(jose::make_error_code(Error::expired), jose::Condition::invalid_token);
    EXPECT_EQ(jose::make_error_code(Error::bad_signature), jose::Condition::invalid_token);
    EXPECT_NE(jose::make_error_code(Error::expired), jose::Condition::invalid_request);
}

TEST(DecodeUnverified, ReturnsHeaderAndClaims) {
    auto d = jose::decode_unverified(vector_token("alg none"));
    ASSERT_TRUE(d);
    EXPECT_EQ(d.value().header.at("alg").as_string(), "none");
    EXPECT_EQ(d.value().claims.at("sub").as_string(), "user-123");
    EXPECT_EQ(jose::decode_unverified("a.b").error(), Error::malformed);
    EXPECT_EQ(jose::decode_unverified(vector_token("non-JSON payload")).error(),
              Error::bad_payload);
}

}  // namespace
