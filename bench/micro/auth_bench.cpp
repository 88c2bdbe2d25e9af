// Micro benchmarks of the auth module: the verified-token cache hit path (what a client
// that reuses its token pays per request) against a full validation with a cached key set.
#include <warden/auth.hpp>
#include <warden/jose/base64url.hpp>

#include "auth/token_cache.hpp"

#include <benchmark/benchmark.h>
#include <boost/json.hpp>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

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

std::string coord(EVP_PKEY* key, const char* name) {
    BIGNUM* bn = nullptr;
    EVP_PKEY_get_bn_param(key, name, &bn);
    std::string out(32, '\0');
    BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), 32);
    BN_free(bn);
    return jose::base64url_encode(out);
}

// An ES256 token like an AS issues (~600 bytes) and its JWKS.
std::pair<std::string, std::string> token_and_jwks() {
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    boost::json::object claims{{"iss", "https://as.example"},
                               {"sub", "user-1234567890"},
                               {"aud", "https://mcp.example/mcp"},
                               {"exp", now + 3600},
                               {"iat", now},
                               {"scope", "mcp:tools mcp:read openid profile"},
                               {"client_id", "client-abcdef"},
                               {"jti", std::string(43, 'j')}};
    std::string input = jose::base64url_encode(R"({"alg":"ES256","kid":"k1","typ":"at+jwt"})") +
                        "." + jose::base64url_encode(boost::json::serialize(claims));
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t len = 0;
    EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
    EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                   input.size());
    std::string der(len, '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(der.data()), &len,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    EVP_MD_CTX_free(ctx);
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len));
    std::string raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
    ECDSA_SIG_free(sig);
    boost::json::object jwk{{"kty", "EC"},
                            {"crv", "P-256"},
                            {"kid", "k1"},
                            {"x", coord(key, OSSL_PKEY_PARAM_EC_PUB_X)},
                            {"y", coord(key, OSSL_PKEY_PARAM_EC_PUB_Y)}};
    EVP_PKEY_free(key);
    return {input + "." + jose::base64url_encode(raw),
            boost::json::serialize(boost::json::object{{"keys", boost::json::array{jwk}}})};
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

void BM_TokenCacheHit(benchmark::State& state) {
    auto [token, jwks] = token_and_jwks();
    auto v = make(jwks, 10000);
    v->validate(token, [](auth::ValidationResult) {});
    for (auto _ : state) benchmark::DoNotOptimize(v->cached(token));
    state.SetItemsProcessed(state.iterations());
    state.SetLabel(std::to_string(token.size()) + "-byte token");
}
BENCHMARK(BM_TokenCacheHit);

void BM_HashToken(benchmark::State& state) {
    auto [token, jwks] = token_and_jwks();
    for (auto _ : state) benchmark::DoNotOptimize(auth::hash_token(token));
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

}  // namespace
