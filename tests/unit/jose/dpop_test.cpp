// DPoP proof verification (RFC 9449 section 4.3): one test per check, and the signature
// sweep every JWS verifier here gets.
#include "dpop_proofs.hpp"

#include <warden/jose/dpop.hpp>

#include <gtest/gtest.h>

namespace warden::jose {
namespace {

using testing::DpopClient;
namespace json = boost::json;

constexpr std::string_view kUrl = "https://mcp.example.com/mcp";
constexpr std::string_view kToken = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln";
constexpr std::int64_t kNow = 1'800'000'000;

struct Fixture : ::testing::Test {
    DpopClient client;
    std::string jkt = jwk_thumbprint(client.public_jwk()).value();
    std::string ath = dpop_access_token_hash(kToken);

    DpopExpectations expect() const {
        DpopExpectations x;
        x.method = "POST";
        x.url = kUrl;
        x.access_token = kToken;
        x.jkt = jkt;
        x.now = std::chrono::system_clock::time_point(std::chrono::seconds(kNow));
        return x;
    }
    json::object claims(std::int64_t iat = kNow) const {
        return DpopClient::claims("POST", kUrl, iat, ath);
    }
    std::string proof(const json::object& c) const { return client.sign(client.header(), c); }
    std::string proof() const { return proof(claims()); }
    boost::system::error_code error_of(std::string_view p) const {
        auto r = verify_dpop_proof(p, expect());
        return r ? boost::system::error_code{} : r.error();
    }
    boost::system::error_code error_of(std::string_view p, const DpopExpectations& x) const {
        auto r = verify_dpop_proof(p, x);
        return r ? boost::system::error_code{} : r.error();
    }
};

using DpopProof = Fixture;

TEST(DpopThumbprint, MatchesRfc7638Example) {
    const json::object rsa{
        {"kty", "RSA"},
        {"n",
         "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_"
         "BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_"
         "FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-"
         "bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"},
        {"e", "AQAB"},
        {"alg", "RS256"},
        {"kid", "2011-04-29"}};
    EXPECT_EQ(jwk_thumbprint(rsa).value(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

TEST(DpopThumbprint, MatchesRfc9449Example) {
    const json::object ec{{"kty", "EC"},
                          {"x", "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs"},
                          {"y", "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"},
                          {"crv", "P-256"}};
    EXPECT_EQ(jwk_thumbprint(ec).value(), "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I");
}

TEST(DpopThumbprint, IgnoresOptionalMembersAndRejectsIncompleteKeys) {
    DpopClient c;
    auto jwk = c.public_jwk();
    const auto base = jwk_thumbprint(jwk).value();
    jwk["kid"] = "k1";
    jwk["use"] = "sig";
    EXPECT_EQ(jwk_thumbprint(jwk).value(), base);
    jwk.erase("y");
    EXPECT_EQ(jwk_thumbprint(jwk).error(), DpopError::bad_jwk);
    EXPECT_EQ(jwk_thumbprint(json::object{{"kty", "oct"}, {"k", "AAAA"}}).error(),
              DpopError::bad_jwk);
}

TEST_F(DpopProof, AcceptsAValidProof) {
    auto r = verify_dpop_proof(proof(), expect());
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->jkt, jkt);
    EXPECT_EQ(r->alg, Algorithm::ES256);
    EXPECT_EQ(r->iat, kNow);
    EXPECT_FALSE(r->nonce);
}

TEST_F(DpopProof, ReturnsTheNonce) {
    auto c = claims();
    c["nonce"] = "n-1";
    auto r = verify_dpop_proof(proof(c), expect());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->nonce, "n-1");
    c["nonce"] = 7;
    EXPECT_EQ(error_of(proof(c)), DpopError::use_dpop_nonce);
}

TEST_F(DpopProof, RejectsWrongMethod) {
    EXPECT_EQ(error_of(proof(DpopClient::claims("GET", kUrl, kNow, ath))), DpopError::htm_mismatch);
    // Methods are case-sensitive (RFC 9110 section 9.1).
    EXPECT_EQ(error_of(proof(DpopClient::claims("post", kUrl, kNow, ath))),
              DpopError::htm_mismatch);
}

TEST_F(DpopProof, RejectsWrongUri) {
    for (std::string_view htu :
         {"https://mcp.example.com/other", "https://evil.example.com/mcp",
          "http://mcp.example.com/mcp", "https://mcp.example.com:8443/mcp",
          "https://mcp.example.com/mcp/", "https://user@mcp.example.com/mcp", "not a uri", ""})
        EXPECT_EQ(error_of(proof(DpopClient::claims("POST", htu, kNow, ath))),
                  DpopError::htu_mismatch)
            << htu;
}

TEST_F(DpopProof, NormalizesUriAndIgnoresQueryAndFragment) {
    for (std::string_view htu :
         {"https://mcp.example.com/mcp?session=1", "https://mcp.example.com/mcp#frag",
          "HTTPS://MCP.Example.COM/mcp", "https://mcp.example.com:443/mcp",
          "https://mcp.example.com/a/../mcp", "https://mcp.example.com/%6dcp"})
        EXPECT_FALSE(error_of(proof(DpopClient::claims("POST", htu, kNow, ath)))) << htu;
    EXPECT_TRUE(dpop_htu_matches("http://127.0.0.1", "http://127.0.0.1:80/"));
}

TEST_F(DpopProof, IatWindowBoundaries) {
    auto x = expect();
    x.iat_window = std::chrono::seconds(300);
    x.leeway = std::chrono::seconds(5);
    EXPECT_FALSE(error_of(proof(claims(kNow - 305)), x));
    EXPECT_EQ(error_of(proof(claims(kNow - 306)), x), DpopError::stale);
    EXPECT_FALSE(error_of(proof(claims(kNow + 305)), x));
    EXPECT_EQ(error_of(proof(claims(kNow + 306)), x), DpopError::issued_in_future);
}

TEST_F(DpopProof, RejectsMissingClaims) {
    for (std::string_view name : {"jti", "htm", "htu", "iat"}) {
        auto c = claims();
        c.erase(name);
        EXPECT_EQ(error_of(proof(c)), DpopError::missing_claim) << name;
    }
    auto c = claims();
    c["iat"] = "1800000000";
    EXPECT_EQ(error_of(proof(c)), DpopError::missing_claim);
    c = claims();
    c["jti"] = "";
    EXPECT_EQ(error_of(proof(c)), DpopError::missing_claim);
}

TEST_F(DpopProof, RejectsWrongOrMissingAth) {
    EXPECT_EQ(error_of(proof(DpopClient::claims("POST", kUrl, kNow, "wrong"))),
              DpopError::ath_mismatch);
    EXPECT_EQ(error_of(proof(DpopClient::claims("POST", kUrl, kNow, ""))), DpopError::ath_mismatch);
    EXPECT_EQ(
        error_of(proof(DpopClient::claims("POST", kUrl, kNow, dpop_access_token_hash("other")))),
        DpopError::ath_mismatch);
}

TEST_F(DpopProof, RejectsThumbprintMismatch) {
    DpopClient thief;
    // A well-formed proof by another key, for the right token: a stolen token replayed.
    EXPECT_EQ(error_of(thief.sign(thief.header(), claims())), DpopError::key_mismatch);
}

TEST_F(DpopProof, RejectsAKeyThatDidNotSign) {
    DpopClient other;
    // The header names the victim's key but another key signed.
    EXPECT_EQ(error_of(other.sign(client.header(), claims())), DpopError::bad_signature);
}

TEST_F(DpopProof, RejectsPrivateKeyInJwk) {
    auto jwk = client.public_jwk();
    jwk["d"] = client.private_d();
    EXPECT_EQ(error_of(client.sign(DpopClient::header_for(jwk), claims())), DpopError::private_key);
}

TEST_F(DpopProof, RejectsWrongTyp) {
    for (const json::value& typ : {json::value("JWT"), json::value("at+jwt"),
                                   json::value("application/dpop+jwt"), json::value(nullptr)}) {
        auto h = client.header();
        if (typ.is_null())
            h.erase("typ");
        else
            h["typ"] = typ;
        EXPECT_EQ(error_of(client.sign(h, claims())), DpopError::bad_typ);
    }
}

TEST_F(DpopProof, RejectsNoneSymmetricAndUnlistedAlgorithms) {
    const std::string payload = jose::base64url_encode(json::serialize(claims()));
    for (std::string_view alg : {"none", "HS256", "ES257"}) {
        auto h = client.header();
        h["alg"] = alg;
        const std::string input = jose::base64url_encode(json::serialize(h)) + "." + payload;
        EXPECT_EQ(error_of(input + "."), DpopError::alg_not_allowed) << alg;
        EXPECT_EQ(error_of(input + ".c2lnbmF0dXJl"), DpopError::alg_not_allowed) << alg;
    }
    auto x = expect();
    x.algorithms = {Algorithm::EdDSA};
    EXPECT_EQ(error_of(proof(), x), DpopError::alg_not_allowed);
    x.algorithms = {};
    EXPECT_EQ(error_of(proof(), x), DpopError::alg_not_allowed);
}

TEST_F(DpopProof, RejectsKeyThatDoesNotFitTheAlgorithm) {
    auto h = client.header();
    h["alg"] = "ES384";
    EXPECT_EQ(error_of(client.sign(h, claims())), DpopError::bad_jwk);
    h = client.header();
    h.erase("jwk");
    EXPECT_EQ(error_of(client.sign(h, claims())), DpopError::bad_jwk);
    h["jwk"] = "not an object";
    EXPECT_EQ(error_of(client.sign(h, claims())), DpopError::bad_jwk);
    h["jwk"] = json::object{{"kty", "oct"}, {"alg", "HS256"}};
    EXPECT_EQ(error_of(client.sign(h, claims())), DpopError::bad_jwk);
}

TEST_F(DpopProof, KeyReuseDoesNotSkipKeyChecks) {
    // The same key again comes from the thread's import cache; members beside the key
    // material still count.
    ASSERT_FALSE(error_of(proof()));
    ASSERT_FALSE(error_of(proof()));
    auto jwk = client.public_jwk();
    jwk["use"] = "enc";
    EXPECT_EQ(error_of(client.sign(DpopClient::header_for(jwk), claims())), DpopError::bad_jwk);
    jwk["use"] = "sig";
    jwk["alg"] = "ES384";
    EXPECT_EQ(error_of(client.sign(DpopClient::header_for(jwk), claims())), DpopError::bad_jwk);
}

TEST_F(DpopProof, RejectsMalformedAndOversizedProofs) {
    for (std::string_view p : {"", "a.b", "a.b.c.d", "!!.??.xx", "e30.e30.", "e30.bm90anNvbg.AA"})
        EXPECT_TRUE(error_of(p)) << p;
    EXPECT_EQ(error_of(std::string(kDefaultMaxProofSize + 1, 'a')), DpopError::proof_too_large);
    auto h = client.header();
    h["crit"] = json::array{"exp"};
    EXPECT_EQ(error_of(client.sign(h, claims())), DpopError::malformed);
}

TEST_F(DpopProof, RejectsFlippedSignatureBit) {
    const std::string input = jose::base64url_encode(json::serialize(client.header())) + "." +
                              jose::base64url_encode(json::serialize(claims()));
    const std::string sig = client.raw_signature(input);
    ASSERT_FALSE(error_of(input + "." + jose::base64url_encode(sig)));
    for (std::size_t bit = 0; bit < sig.size() * 8; ++bit) {
        std::string s = sig;
        s[bit / 8] = static_cast<char>(s[bit / 8] ^ (1 << (bit % 8)));
        EXPECT_EQ(error_of(input + "." + jose::base64url_encode(s)), DpopError::bad_signature)
            << "bit " << bit;
    }
    for (std::size_t len = 0; len < sig.size(); ++len)
        EXPECT_EQ(error_of(input + "." + jose::base64url_encode(sig.substr(0, len))),
                  DpopError::bad_signature)
            << "length " << len;
}

TEST_F(DpopProof, RejectsFlippedPayloadBit) {
    const std::string header = jose::base64url_encode(json::serialize(client.header()));
    const std::string body = json::serialize(claims());
    const std::string sig = client.raw_signature(header + "." + jose::base64url_encode(body));
    for (std::size_t bit = 0; bit < body.size() * 8; bit += 7) {
        std::string b = body;
        b[bit / 8] = static_cast<char>(b[bit / 8] ^ (1 << (bit % 8)));
        EXPECT_TRUE(
            error_of(header + "." + jose::base64url_encode(b) + "." + jose::base64url_encode(sig)))
            << "bit " << bit;
    }
}

TEST_F(DpopProof, SkipsAthAndJktWhenNotExpected) {
    auto x = expect();
    x.access_token = {};
    x.jkt = {};
    DpopClient other;
    EXPECT_FALSE(
        error_of(other.sign(other.header(), DpopClient::claims("POST", kUrl, kNow, "")), x));
}

TEST(DpopErrors, HaveMessagesAndCategory) {
    for (int e = 1; e <= static_cast<int>(DpopError::replay_store_unavailable); ++e) {
        auto ec = make_error_code(static_cast<DpopError>(e));
        EXPECT_STRNE(ec.category().name(), "");
        EXPECT_NE(ec.message(), "unknown DPoP error") << e;
    }
}

}  // namespace
}  // namespace warden::jose
