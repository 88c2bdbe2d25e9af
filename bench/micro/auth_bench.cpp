// Micro benchmarks of the auth module: the verified-token cache hit path (what a client
// that reuses its token pays per request) against a full validation with a cached key set.
#include <warden/auth.hpp>
#include <warden/jose/base64url.hpp>

#include "auth/token_cache.hpp"
#include "unit/auth/keys.hpp"

#include <benchmark/benchmark.h>
#include <boost/json.hpp>

#include <chrono>

namespace {

namespace auth = warden::auth;
namespace jose = warden::jose;

// A fetcher that serves one JWKS inline (no network in a benchmark).
class InlineFetcher final : public auth::Fetcher {
  public:
    explicit InlineFetcher(std::string body) : body_(std::move(body)) {}
    void fetch(auth::FetchRequest, auth::FetchCallback done) override {
        auth::FetchResponse r;
        r.status = 200;
        r.content_type = "application/json";
        r.body = body_;
        done(std::move(r));
    }

  private:
    std::string body_;
};

// An ES256 token like an AS issues (~600 bytes) and its JWKS.
std::pair<std::string, std::string> token_and_jwks(std::string_view sub = "user-1234567890") {
    static const auth::testing::TestKey key("k1");
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    boost::json::object claims{{"iss", "https://as.example"},
                               {"sub", sub},
                               {"aud", "https://mcp.example/mcp"},
                               {"exp", now + 3600},
                               {"iat", now},
                               {"scope", "mcp:tools mcp:read openid profile"},
                               {"client_id", "client-abcdef"},
                               {"jti", std::string(43, 'j')}};
    return {key.sign(claims), auth::testing::jwks_of({&key})};
}

std::shared_ptr<auth::TokenValidator> make(const std::string& jwks, std::size_t cache_entries) {
    auth::ResourceServerAuth c;
    c.canonical_url = "https://mcp.example/mcp";
    c.authorization_servers = {{.authorization_server_url = "https://as.example",
                                .issuer = "https://as.example",
                                .jwks_uri = "https://as.example/jwks"}};
    c.token_cache.max_entries = cache_entries;
    return auth::make_validator(c, {auth::Clock::system(), std::make_shared<InlineFetcher>(jwks)})
        .value();
}

// A client reusing its token: the thread hashed the same token last time (hash_token
// remembers it), so a hit is a compare, a lookup and the expiry check.
void BM_TokenCacheHit(benchmark::State& state) {
    auto [token, jwks] = token_and_jwks();
    auto v = make(jwks, 10000);
    v->validate(token, [](auth::ValidationResult) {});
    for (auto _ : state) benchmark::DoNotOptimize(v->cached(token));
    state.SetItemsProcessed(state.iterations());
    state.SetLabel(std::to_string(token.size()) + "-byte token");
}
BENCHMARK(BM_TokenCacheHit);

// Two clients taking turns on one thread: every hit hashes its token again.
void BM_TokenCacheHitInterleaved(benchmark::State& state) {
    auto [a, jwks] = token_and_jwks("user-a");
    auto b = token_and_jwks("user-b").first;
    auto v = make(jwks, 10000);
    v->validate(a, [](auth::ValidationResult) {});
    v->validate(b, [](auth::ValidationResult) {});
    bool flip = false;
    for (auto _ : state) {
        benchmark::DoNotOptimize(v->cached(flip ? a : b));
        flip = !flip;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TokenCacheHitInterleaved);

// SHA-256 of a token (two alternating, so the per-thread memo never answers).
void BM_HashToken(benchmark::State& state) {
    auto a = token_and_jwks("user-a").first;
    auto b = token_and_jwks("user-b").first;
    bool flip = false;
    for (auto _ : state) {
        benchmark::DoNotOptimize(auth::hash_token(flip ? a : b));
        flip = !flip;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HashToken);

void BM_ValidateWithoutTokenCache(benchmark::State& state) {
    auto [token, jwks] = token_and_jwks();
    auto v = make(jwks, 0);
    for (auto _ : state)
        v->validate(token, [](auth::ValidationResult r) { benchmark::DoNotOptimize(r); });
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ValidateWithoutTokenCache);

// What every 401/403 answer formats (RFC 6750 section 3).
void BM_FormatChallenge(benchmark::State& state) {
    const auth::Challenge c{
        .resource_metadata = "https://mcp.example/.well-known/oauth-protected-resource/mcp",
        .scopes = {"mcp:tools"},
        .error = "invalid_token",
        .error_description = "the token has expired"};
    for (auto _ : state) benchmark::DoNotOptimize(auth::format_challenge(c));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FormatChallenge);

}  // namespace
