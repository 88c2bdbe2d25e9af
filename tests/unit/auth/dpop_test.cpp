// DPoP at the resource server: policy per authorization server, Bearer use of bound
// tokens, proof count, replay, server nonces, configuration, metadata and challenges.
#include "../jose/dpop_proofs.hpp"
#include "fakes.hpp"

#include <warden/auth.hpp>
#include <warden/jose/dpop.hpp>

#include "auth/dpop_env.hpp"
#include "auth/introspection.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <map>

namespace warden::auth {
namespace {

using jose::DpopError;
using testing::FakeClock;
using warden::testing::DpopClient;
namespace json = boost::json;

constexpr std::string_view kUrl = "https://mcp.example.com/mcp";
constexpr std::string_view kIssuer = "https://as.example.com";
constexpr std::string_view kToken = "aaaa.bbbb.cccc";

ResourceServerAuth config_with(DpopPolicy policy) {
    ResourceServerAuth c;
    c.canonical_url = std::string(kUrl);
    AuthorizationServerEntry e;
    e.authorization_server_url = std::string(kIssuer);
    e.issuer = std::string(kIssuer);
    e.jwks_uri = "https://as.example.com/jwks";
    e.dpop = policy;
    c.authorization_servers.push_back(e);
    return c;
}

struct Guard : ::testing::Test {
    std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
    DpopClient client;
    std::string jkt = jose::jwk_thumbprint(client.public_jwk()).value();

    std::int64_t now() const {
        return std::chrono::duration_cast<std::chrono::seconds>(clock->now().time_since_epoch())
            .count();
    }
    Principal principal(bool bound = true) const {
        Principal p;
        p.user_id = "alice";
        p.issuer = std::string(kIssuer);
        if (bound) p.claims["cnf"] = json::object{{"jkt", jkt}};
        return p;
    }
    std::string proof(std::string_view nonce = {}, std::string jti = {}) const {
        auto c = DpopClient::claims("POST", kUrl, now(), jose::dpop_access_token_hash(kToken),
                                    std::move(jti));
        if (!nonce.empty()) c["nonce"] = nonce;
        return client.sign(client.header(), c);
    }
    std::shared_ptr<DpopGuard> guard(ResourceServerAuth c) const {
        return DpopGuard::create(c, clock).value();
    }
    static DpopOutcome admit(const DpopGuard& g, TokenScheme scheme,
                             std::vector<std::string_view> proofs, const Principal& p) {
        return g.admit({scheme, "POST", kToken, proofs}, p);
    }
};

TEST_F(Guard, AcceptsBoundTokenWithValidProof) {
    auto g = guard(config_with(DpopPolicy::allowed));
    const auto p = proof();
    auto out = admit(*g, TokenScheme::dpop, {p}, principal());
    EXPECT_FALSE(out.error) << out.error.message();
    EXPECT_TRUE(out.nonce.empty());
}

// A shared replay store that cannot be reached (PostgreSQL down).
struct UnreachableReplayStore final : DpopReplayCache {
    Verdict remember(const Key&, std::chrono::system_clock::time_point,
                     std::chrono::system_clock::time_point) override {
        return Verdict::unavailable;
    }
};

TEST_F(Guard, AnUnreachableReplayStoreRefusesEveryProofAsTheServersProblem) {
    auto c = config_with(DpopPolicy::allowed);
    c.dpop.replay_cache = std::make_shared<UnreachableReplayStore>();
    auto g = guard(c);
    const auto p = proof();
    EXPECT_EQ(admit(*g, TokenScheme::dpop, {p}, principal()).error,
              make_error_code(jose::DpopError::replay_store_unavailable));
}

TEST_F(Guard, RefusesBoundTokenAsBearerUnderEveryPolicy) {
    for (auto policy : {DpopPolicy::off, DpopPolicy::allowed, DpopPolicy::required}) {
        auto g = guard(config_with(policy));
        const auto p = proof();
        EXPECT_EQ(admit(*g, TokenScheme::bearer, {}, principal()).error,
                  DpopError::bound_token_as_bearer);
        // A proof beside the Bearer scheme does not make it right.
        EXPECT_EQ(admit(*g, TokenScheme::bearer, {p}, principal()).error,
                  DpopError::bound_token_as_bearer);
    }
}

TEST_F(Guard, PolicyDecidesForUnboundBearerTokens) {
    EXPECT_FALSE(
        admit(*guard(config_with(DpopPolicy::allowed)), TokenScheme::bearer, {}, principal(false))
            .error);
    EXPECT_FALSE(
        admit(*guard(config_with(DpopPolicy::off)), TokenScheme::bearer, {}, principal(false))
            .error);
    EXPECT_EQ(
        admit(*guard(config_with(DpopPolicy::required)), TokenScheme::bearer, {}, principal(false))
            .error,
        DpopError::dpop_required);
}

TEST_F(Guard, OffRefusesTheDpopScheme) {
    const auto p = proof();
    EXPECT_EQ(
        admit(*guard(config_with(DpopPolicy::off)), TokenScheme::dpop, {p}, principal()).error,
        DpopError::dpop_not_accepted);
}

TEST_F(Guard, DpopSchemeNeedsABoundToken) {
    const auto p = proof();
    EXPECT_EQ(
        admit(*guard(config_with(DpopPolicy::allowed)), TokenScheme::dpop, {p}, principal(false))
            .error,
        DpopError::token_not_bound);
}

TEST_F(Guard, RequiresExactlyOneProof) {
    auto g = guard(config_with(DpopPolicy::required));
    EXPECT_EQ(admit(*g, TokenScheme::dpop, {}, principal()).error, DpopError::missing_proof);
    const auto a = proof();
    const auto b = proof();
    EXPECT_EQ(admit(*g, TokenScheme::dpop, {a, b}, principal()).error, DpopError::multiple_proofs);
}

TEST_F(Guard, RefusesAReplayedProof) {
    auto g = guard(config_with(DpopPolicy::allowed));
    const auto p = proof();
    EXPECT_FALSE(admit(*g, TokenScheme::dpop, {p}, principal()).error);
    EXPECT_EQ(admit(*g, TokenScheme::dpop, {p}, principal()).error, DpopError::replayed);
    // Another proof with the same jti is a replay too.
    const auto same_jti = proof({}, "fixed-jti");
    EXPECT_FALSE(admit(*g, TokenScheme::dpop, {same_jti}, principal()).error);
    EXPECT_EQ(admit(*g, TokenScheme::dpop, {proof({}, "fixed-jti")}, principal()).error,
              DpopError::replayed);
}

TEST_F(Guard, ReplayedProofIsStaleOnceForgotten) {
    auto g = guard(config_with(DpopPolicy::allowed));
    const auto p = proof();
    EXPECT_FALSE(admit(*g, TokenScheme::dpop, {p}, principal()).error);
    clock->advance(std::chrono::seconds(301));
    EXPECT_EQ(admit(*g, TokenScheme::dpop, {p}, principal()).error, DpopError::stale);
}

TEST_F(Guard, RefusesAProofByAnotherKey) {
    auto g = guard(config_with(DpopPolicy::allowed));
    DpopClient thief;
    const auto p =
        thief.sign(thief.header(),
                   DpopClient::claims("POST", kUrl, now(), jose::dpop_access_token_hash(kToken)));
    EXPECT_EQ(admit(*g, TokenScheme::dpop, {p}, principal()).error, DpopError::key_mismatch);
}

TEST_F(Guard, ChecksAgainstTheCanonicalUrlAndMethod) {
    auto g = guard(config_with(DpopPolicy::allowed));
    const auto p = proof();
    EXPECT_EQ(
        g->admit({TokenScheme::dpop, "GET", kToken, std::vector<std::string_view>{p}}, principal())
            .error,
        DpopError::htm_mismatch);
    const auto other = client.sign(client.header(),
                                   DpopClient::claims("POST", "https://attacker.example/mcp", now(),
                                                      jose::dpop_access_token_hash(kToken)));
    EXPECT_EQ(admit(*g, TokenScheme::dpop, {other}, principal()).error, DpopError::htu_mismatch);
    EXPECT_EQ(g->admit({TokenScheme::dpop, "POST", "other-token", std::vector<std::string_view>{p}},
                       principal())
                  .error,
              DpopError::ath_mismatch);
}

TEST_F(Guard, NonceFlow) {
    auto c = config_with(DpopPolicy::allowed);
    c.dpop.require_nonce = true;
    c.dpop.nonce_lifetime = std::chrono::seconds(120);
    auto g = guard(c);
    // No nonce: use_dpop_nonce with a fresh one.
    const auto first = proof();
    auto out = admit(*g, TokenScheme::dpop, {first}, principal());
    ASSERT_EQ(out.error, DpopError::use_dpop_nonce);
    ASSERT_FALSE(out.nonce.empty());
    for (char ch : out.nonce)
        EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_');
    const std::string nonce = out.nonce;
    // With it: accepted, nothing new offered while young.
    out = admit(*g, TokenScheme::dpop, {proof(nonce)}, principal());
    EXPECT_FALSE(out.error) << out.error.message();
    EXPECT_TRUE(out.nonce.empty());
    // Past half its lifetime: accepted, and a successor offered.
    clock->advance(std::chrono::seconds(61));
    out = admit(*g, TokenScheme::dpop, {proof(nonce)}, principal());
    EXPECT_FALSE(out.error);
    ASSERT_FALSE(out.nonce.empty());
    EXPECT_NE(out.nonce, nonce);
    const std::string successor = out.nonce;
    // Expired: refused with a fresh one; the successor still works.
    clock->advance(std::chrono::seconds(60));
    out = admit(*g, TokenScheme::dpop, {proof(nonce)}, principal());
    EXPECT_EQ(out.error, DpopError::use_dpop_nonce);
    EXPECT_FALSE(out.nonce.empty());
    EXPECT_FALSE(admit(*g, TokenScheme::dpop, {proof(successor)}, principal()).error);
    // A made-up nonce is refused.
    EXPECT_EQ(admit(*g, TokenScheme::dpop, {proof("bm90LWEtbm9uY2U")}, principal()).error,
              DpopError::use_dpop_nonce);
}

TEST(DpopNonces, SharedKeyWorksAcrossInstancesAndOtherKeysFail) {
    const std::string key(32, 'k');
    const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
    DpopNonces a(key, std::chrono::seconds(300));
    DpopNonces b(key, std::chrono::seconds(300));
    DpopNonces other(std::string(32, 'o'), std::chrono::seconds(300));
    const auto n = a.issue(t);
    EXPECT_EQ(b.check(n, t), DpopNonces::Check::valid);
    EXPECT_EQ(other.check(n, t), DpopNonces::Check::invalid);
    EXPECT_NE(a.issue(t), n);  // random IV
    EXPECT_EQ(a.check(n, t + std::chrono::seconds(299)), DpopNonces::Check::valid_refresh);
    EXPECT_EQ(a.check(n, t + std::chrono::seconds(300)), DpopNonces::Check::invalid);
    EXPECT_EQ(a.check(n, t - std::chrono::seconds(60)), DpopNonces::Check::invalid);
    EXPECT_EQ(a.check("", t), DpopNonces::Check::invalid);
    // Every bit of the nonce is authenticated.
    auto bytes = jose::base64url_decode(n).value();
    for (std::size_t bit = 0; bit < bytes.size() * 8; ++bit) {
        std::string flipped = bytes;
        flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
        EXPECT_EQ(a.check(jose::base64url_encode(flipped), t), DpopNonces::Check::invalid) << bit;
    }
}

TEST(DpopReplayCache, BoundedShrinksTheWindowAndNeverForgetsAReplay) {
    auto cache = DpopReplayCache::in_memory(16);  // one entry per shard
    const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1000));
    using V = DpopReplayCache::Verdict;
    DpopReplayCache::Key a{};
    DpopReplayCache::Key b{};
    b[1] = 1;  // same shard as a
    EXPECT_EQ(cache->remember(a, t + std::chrono::seconds(10), t), V::fresh);
    EXPECT_EQ(cache->remember(a, t + std::chrono::seconds(10), t), V::replayed);
    // The shard is full: b (expiring later) pushes a out and moves the horizon to a's expiry.
    EXPECT_EQ(cache->remember(b, t + std::chrono::seconds(20), t), V::fresh);
    // a cannot come back, nor anything expiring as early: refused, not accepted.
    EXPECT_EQ(cache->remember(a, t + std::chrono::seconds(10), t), V::full);
    DpopReplayCache::Key c{};
    c[1] = 2;
    EXPECT_EQ(cache->remember(c, t + std::chrono::seconds(9), t), V::full);
    EXPECT_EQ(cache->remember(b, t + std::chrono::seconds(20), t), V::replayed);
    // A fresher proof passes (and pushes b out).
    EXPECT_EQ(cache->remember(c, t + std::chrono::seconds(30), t), V::fresh);
    EXPECT_EQ(cache->remember(b, t + std::chrono::seconds(20), t), V::full);
    // Other shards are unaffected.
    DpopReplayCache::Key d{};
    d[0] = 1;
    EXPECT_EQ(cache->remember(d, t + std::chrono::seconds(5), t), V::fresh);
    // Expired entries are forgotten without moving the horizon.
    EXPECT_EQ(cache->remember(d, t + std::chrono::seconds(50), t + std::chrono::seconds(6)),
              V::fresh);
}

TEST(DpopBinding, ReadsCnfJkt) {
    Principal p;
    EXPECT_EQ(bound_thumbprint(p), "");
    p.claims["cnf"] = json::object{{"x5t#S256", "abc"}};
    EXPECT_EQ(bound_thumbprint(p), "");
    p.claims["cnf"] = json::object{{"jkt", "abc"}};
    EXPECT_EQ(bound_thumbprint(p), "abc");
    p.claims["cnf"] = "jkt";
    EXPECT_EQ(bound_thumbprint(p), "");
}

TEST_F(Guard, IntrospectedTokensBindThroughTheirCnf) {
    // RFC 9449 section 6.2: the introspection answer carries the binding.
    const std::string body = R"({"active":true,"sub":"alice","aud":"https://mcp.example.com/mcp",)"
                             R"("iss":"https://as.example.com","cnf":{"jkt":")" +
                             jkt + R"("}})";
    auto p = parse_introspection(body, kIssuer, {std::string(kUrl)}, clock->now(),
                                 std::chrono::seconds(0));
    ASSERT_TRUE(p);
    EXPECT_EQ(bound_thumbprint(*p), jkt);
    auto g = guard(config_with(DpopPolicy::allowed));
    EXPECT_EQ(admit(*g, TokenScheme::bearer, {}, *p).error, DpopError::bound_token_as_bearer);
    const auto pr = proof();
    EXPECT_FALSE(admit(*g, TokenScheme::dpop, {pr}, *p).error);
}

TEST(DpopHttp, ParsesBothSchemes) {
    auto d = presented_token("DPoP abc.def");
    ASSERT_TRUE(d);
    EXPECT_TRUE(d->dpop);
    EXPECT_EQ(d->token, "abc.def");
    auto b = presented_token("bearer abc");
    ASSERT_TRUE(b);
    EXPECT_FALSE(b->dpop);
    EXPECT_TRUE(presented_token("dpop abc")->dpop);
    EXPECT_EQ(presented_token("DPoPx abc").error(), Error::missing_token);
    EXPECT_EQ(presented_token("DPoP").error(), Error::malformed_header);
    EXPECT_EQ(bearer_token("DPoP abc").error(), Error::missing_token);
}

TEST(DpopHttp, FormatsDpopChallenge) {
    Challenge c;
    c.scheme = "DPoP";
    c.error = "use_dpop_nonce";
    c.error_description = "a fresh DPoP nonce is required";
    c.algs = "ES256 EdDSA";
    EXPECT_EQ(format_challenge(c), R"(DPoP error="use_dpop_nonce", )"
                                   R"(error_description="a fresh DPoP nonce is required", )"
                                   R"(algs="ES256 EdDSA")");
}

TEST(DpopMetadata, PublishesAlgorithmsAndWhetherRequired) {
    auto c = config_with(DpopPolicy::required);
    c.dpop.algorithms = {jose::Algorithm::ES256, jose::Algorithm::PS256};
    auto doc = protected_resource_metadata(c);
    EXPECT_EQ(doc.at("dpop_signing_alg_values_supported"), (json::array{"PS256", "ES256"}));
    EXPECT_EQ(doc.at("dpop_bound_access_tokens_required"), true);
    doc = protected_resource_metadata(config_with(DpopPolicy::allowed));
    EXPECT_EQ(doc.at("dpop_bound_access_tokens_required"), false);
    doc = protected_resource_metadata(config_with(DpopPolicy::off));
    EXPECT_FALSE(doc.contains("dpop_signing_alg_values_supported"));
    EXPECT_FALSE(doc.contains("dpop_bound_access_tokens_required"));
}

EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        if (auto it = vars.find(std::string(name)); it != vars.end()) return it->second;
        return std::nullopt;
    };
}

std::map<std::string, std::string> env_with(std::string entry_extra) {
    return {{"MCP_RESOURCE_SERVER_CANONICAL_URL", "https://mcp.example.com/mcp"},
            {"MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS",
             R"([{"authorization_server_url":"https://as.example","issuer":"https://as.example",)"
             R"("jwks_uri":"https://as.example/jwks")" +
                 entry_extra + "}]"}};
}

TEST(DpopEnv, ReadsPolicyPerEntry) {
    auto r = load_from_env(env_of(env_with("")));
    ASSERT_TRUE(r && *r);
    EXPECT_EQ((*r)->authorization_servers[0].dpop, DpopPolicy::allowed);
    r = load_from_env(env_of(env_with(R"(,"dpop":"required")")));
    ASSERT_TRUE(r && *r);
    EXPECT_EQ((*r)->authorization_servers[0].dpop, DpopPolicy::required);
    r = load_from_env(env_of(env_with(R"(,"dpop":"off")")));
    ASSERT_TRUE(r && *r);
    EXPECT_EQ((*r)->authorization_servers[0].dpop, DpopPolicy::off);
    for (std::string bad : {R"(,"dpop":"on")", R"(,"dpop":true)", R"(,"dpop":"Required")"}) {
        r = load_from_env(env_of(env_with(bad)));
        ASSERT_FALSE(r) << bad;
        EXPECT_NE(r.error().message.find("dpop must be"), std::string::npos);
    }
}

TEST(DpopEnv, ReadsNonceSettingsAndKeys) {
    auto vars = env_with("");
    vars["MCP_RESOURCE_SERVER_DPOP_NONCE"] = "true";
    vars["MCP_RESOURCE_SERVER_DPOP_NONCE_KEY"] = jose::base64url_encode(std::string(32, 'z'));
    vars["MCP_RESOURCE_SERVER_DPOP_ALGORITHMS"] = "ES256, EdDSA";
    vars["MCP_RESOURCE_SERVER_DPOP_PROOF_WINDOW"] = "60";
    auto r = load_from_env(env_of(vars));
    ASSERT_TRUE(r && *r) << (r ? "" : r.error().message);
    const auto& d = (*r)->dpop;
    EXPECT_TRUE(d.require_nonce);
    EXPECT_EQ(d.nonce_key, std::string(32, 'z'));
    EXPECT_EQ(d.algorithms, (jose::AlgorithmSet{jose::Algorithm::ES256, jose::Algorithm::EdDSA}));
    EXPECT_EQ(d.iat_window, std::chrono::seconds(60));

    vars["MCP_RESOURCE_SERVER_DPOP_NONCE_KEY"] = "c2hvcnQ";
    EXPECT_FALSE(load_from_env(env_of(vars)));
    vars.erase("MCP_RESOURCE_SERVER_DPOP_NONCE_KEY");
    vars["MCP_RESOURCE_SERVER_DPOP_ALGORITHMS"] = "HS256";
    EXPECT_FALSE(load_from_env(env_of(vars)));
    vars.erase("MCP_RESOURCE_SERVER_DPOP_ALGORITHMS");
    vars["WARDEN_STORE_URL"] = "postgresql://db/warden";
    auto refused = load_from_env(env_of(vars));
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("shared nonce key"), std::string::npos);
}

TEST(DpopEnv, KeyFileMustBePrivate) {
    const std::string path = ::testing::TempDir() + "dpop-nonce-key";
    std::ofstream(path) << jose::base64url_encode(std::string(32, 'f')) << "\n";
    auto vars = env_with("");
    vars["MCP_RESOURCE_SERVER_DPOP_NONCE_KEY_FILE"] = path;
    ::chmod(path.c_str(), 0644);
    auto r = load_from_env(env_of(vars));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("0600"), std::string::npos);
    ::chmod(path.c_str(), 0600);
    r = load_from_env(env_of(vars));
    ASSERT_TRUE(r && *r);
    EXPECT_EQ((*r)->dpop.nonce_key, std::string(32, 'f'));
    std::remove(path.c_str());
}

}  // namespace
}  // namespace warden::auth
