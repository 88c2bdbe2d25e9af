// JWKS parsing: skip-and-report, the kid index, key/algorithm fit.
#include "vectors.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace {

using namespace warden_test;
using jose::Error;

TEST(JwksParse, SkipsAndReportsUnusableKeys) {
    const auto keys = vector_keys();
    const auto& expected = vectors().at("expected_skipped").as_array();
    ASSERT_EQ(keys->skipped().size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto& want = expected[i].as_object();
        const jose::SkippedKey& got = keys->skipped()[i];
        EXPECT_EQ(got.index, want.at("index").to_number<std::size_t>());
        EXPECT_EQ(got.kid, want.at("kid").as_string());
        EXPECT_EQ(error_name(got.reason), want.at("reason").as_string()) << got.kid;
    }
    EXPECT_EQ(keys->keys().size(), 7u);
}

TEST(JwksParse, IndexesByKid) {
    const auto keys = vector_keys();
    ASSERT_EQ(keys->find("ec-p384").size(), 1u);
    const jose::Jwk& k = keys->find("ec-p384").front();
    EXPECT_EQ(k.type(), jose::KeyType::ec);
    EXPECT_EQ(k.curve(), jose::Curve::p384);
    EXPECT_EQ(k.bits(), 384);
    EXPECT_TRUE(k.fits(jose::Algorithm::ES384));
    EXPECT_FALSE(k.fits(jose::Algorithm::ES256));
    EXPECT_TRUE(keys->find("rsa-1024").empty());
    EXPECT_TRUE(keys->find("nope").empty());
    EXPECT_TRUE(keys->find("").empty());
}

TEST(JwksParse, KeyAlgRestrictsAlgorithms) {
    const jose::Jwk& k = vector_keys()->find("rsa-rs256-only").front();
    EXPECT_EQ(k.alg(), jose::Algorithm::RS256);
    EXPECT_TRUE(k.fits(jose::Algorithm::RS256));
    EXPECT_FALSE(k.fits(jose::Algorithm::RS384));
    EXPECT_FALSE(k.fits(jose::Algorithm::PS256));
    const jose::Jwk& rsa = vector_keys()->find("rsa-2048").front();
    EXPECT_EQ(rsa.bits(), 2048);
    EXPECT_TRUE(rsa.fits(jose::Algorithm::PS512));
    EXPECT_FALSE(rsa.fits(jose::Algorithm::EdDSA));
}

TEST(JwksParse, RejectsNonJwksDocuments) {
    for (std::string_view doc : {"", "[]", "{}", "{\"keys\":{}}", "{\"keys\":", "null"}) {
        auto r = jose::parse_jwks(doc);
        ASSERT_FALSE(r) << doc;
        EXPECT_EQ(r.error(), Error::bad_jwks);
        EXPECT_EQ(r.error(), jose::Condition::invalid_configuration);
    }
    auto empty = jose::parse_jwks(R"({"keys":[]})");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty.value()->empty());
}

boost::system::error_code jwk_error(std::string_view json) {
    auto r = jose::parse_jwk(boost::json::parse(json).as_object());
    return r ? boost::system::error_code{} : r.error();
}

TEST(JwkParse, RejectsMalformedMembers) {
    const auto& rsa = vector_keys()->find("rsa-2048");
    ASSERT_FALSE(rsa.empty());
    EXPECT_EQ(jwk_error(R"({"kty":"RSA","n":"AQAB=","e":"AQAB"})"), Error::bad_jwk);
    EXPECT_EQ(jwk_error(R"({"kty":"RSA","n":1,"e":"AQAB"})"), Error::bad_jwk);
    EXPECT_EQ(jwk_error(R"({"kty":"EC","crv":"P-256","x":"AA","y":"AA"})"), Error::bad_jwk);
    EXPECT_EQ(jwk_error(R"({"kty":"EC","crv":"secp256k1","x":"AA","y":"AA"})"),
              Error::unsupported_key);
    EXPECT_EQ(jwk_error(R"({"kty":"OKP","crv":"Ed448","x":"AA"})"), Error::unsupported_key);
    EXPECT_EQ(jwk_error(R"({"kty":"OKP","crv":"Ed25519","x":"AA"})"), Error::bad_jwk);
    EXPECT_EQ(jwk_error(R"({"x":"AA"})"), Error::bad_jwk);
    EXPECT_EQ(jwk_error(R"({"kty":"RSA","use":"sig","key_ops":"verify","n":"AQAB","e":"AQAB"})"),
              Error::bad_jwk);
    EXPECT_EQ(jwk_error(R"({"kty":"RSA","alg":"RSA-OAEP","n":"AQAB","e":"AQAB"})"),
              Error::unsupported_key);
    EXPECT_EQ(jwk_error(R"({"kty":"RSA","alg":"HS256","n":"AQAB","e":"AQAB"})"),
              Error::unsupported_key);
}

TEST(JwkSetSnapshot, IsSharedImmutably) {
    std::shared_ptr<const jose::JwkSet> a = vector_keys();
    std::shared_ptr<const jose::JwkSet> b = a;  // snapshots are swapped whole
    EXPECT_EQ(a->keys().data(), b->keys().data());
    jose::JwkSet copy(std::vector<jose::Jwk>(a->keys().begin(), a->keys().end()));
    auto r = jose::verify(vector_token("valid EdDSA"), copy, vector_options());
    EXPECT_TRUE(r);
}

TEST(JwsVerify, BoundsKeysTriedWithoutKid) {
    auto o = vector_options();
    o.max_keys_without_kid = 0;
    EXPECT_EQ(jose::verify(vector_token("valid RS256 without kid"), *vector_keys(), o).error(),
              Error::unknown_key);
    o.max_keys_without_kid = 1;
    EXPECT_TRUE(jose::verify(vector_token("valid ES256 without kid"), *vector_keys(), o));
}

}  // namespace

namespace {

TEST(JwkSetSnapshot, VerifiesFromManyThreadsAtOnce) {
    const auto keys = warden_test::vector_keys();
    const auto options = warden_test::vector_options();
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (const char* alg : {"RS256", "PS384", "ES256", "EdDSA"}) {
        threads.emplace_back([&, alg] {
            const std::string t = warden_test::vector_token(std::string("valid ") + alg);
            for (int i = 0; i < 200; ++i) {
                if (!warden::jose::verify(t, *keys, options)) ++failures;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
}

}  // namespace
