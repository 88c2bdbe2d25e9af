// The extra cost of DPoP per request (RFC 9449): a proof is new on every request, so it is
// verified every time (import of the header's key, ES256 signature, claims, thumbprint),
// while the access token itself stays in the verified-token cache. wrk cannot sign a fresh
// proof per request from Lua, so this is measured here rather than in scripts/bench.sh.
#include "unit/jose/dpop_proofs.hpp"

#include <warden/auth/dpop.hpp>
#include <warden/jose/dpop.hpp>

#include <benchmark/benchmark.h>

#include <vector>

namespace {

namespace jose = warden::jose;
namespace auth = warden::auth;
using warden::testing::DpopClient;

constexpr std::string_view kUrl = "https://mcp.example.com/mcp";
constexpr std::string_view kToken =
    "eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJhbGljZSIsImNuZiI6e319.c2ln";
constexpr std::int64_t kNow = 1'800'000'000;

class FixedClock final : public auth::Clock {
  public:
    std::chrono::system_clock::time_point now() const override {
        return std::chrono::system_clock::time_point(std::chrono::seconds(kNow));
    }
};

void BM_DpopProofVerifyEs256(benchmark::State& state) {
    DpopClient client;
    const std::string proof =
        client.sign(client.header(),
                    DpopClient::claims("POST", kUrl, kNow, jose::dpop_access_token_hash(kToken)));
    const std::string jkt = jose::jwk_thumbprint(client.public_jwk()).value();
    jose::DpopExpectations x;
    x.method = "POST";
    x.url = kUrl;
    x.access_token = kToken;
    x.jkt = jkt;
    x.now = std::chrono::system_clock::time_point(std::chrono::seconds(kNow));
    for (auto _ : state) {
        auto r = jose::verify_dpop_proof(proof, x);
        if (!r) state.SkipWithError("verification failed");
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DpopProofVerifyEs256);

// The whole guard: policy, proof, replay cache insert; every proof is distinct.
void BM_DpopGuardAdmitEs256(benchmark::State& state) {
    constexpr std::size_t kProofs = 20000;
    DpopClient client;
    const std::string ath = jose::dpop_access_token_hash(kToken);
    std::vector<std::string> proofs;
    proofs.reserve(kProofs);
    for (std::size_t i = 0; i < kProofs; ++i)
        proofs.push_back(client.sign(
            client.header(), DpopClient::claims("POST", kUrl, kNow, ath, "j" + std::to_string(i))));
    auth::ResourceServerAuth config;
    config.canonical_url = std::string(kUrl);
    auth::AuthorizationServerEntry e;
    e.authorization_server_url = "https://as.example.com";
    e.issuer = "https://as.example.com";
    e.jwks_uri = "https://as.example.com/jwks";
    config.authorization_servers.push_back(e);
    warden::Principal principal;
    principal.issuer = e.issuer;
    principal.claims["cnf"] = {{"jkt", jose::jwk_thumbprint(client.public_jwk()).value()}};
    std::size_t i = 0;
    auto guard = auth::DpopGuard::create(config, std::make_shared<FixedClock>()).value();
    for (auto _ : state) {
        const std::string_view p = proofs[i++];
        auto out = guard->admit({auth::TokenScheme::dpop, "POST", kToken, {&p, 1}}, principal);
        if (out.error) state.SkipWithError(out.error.message().c_str());
        benchmark::DoNotOptimize(out);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DpopGuardAdmitEs256)->Iterations(20000);

void BM_DpopThumbprint(benchmark::State& state) {
    DpopClient client;
    const auto jwk = client.public_jwk();
    for (auto _ : state) benchmark::DoNotOptimize(jose::jwk_thumbprint(jwk));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DpopThumbprint);

}  // namespace
