// Micro benchmarks of the jose module: full token verification per algorithm (no result
// cache: every iteration checks the signature), JWKS parsing and kid lookup.
#include "warden/jose.hpp"

#include <benchmark/benchmark.h>
#include <boost/json.hpp>

#include <fstream>
#include <sstream>

namespace {

namespace jose = warden::jose;

const boost::json::object& vectors() {
    static const boost::json::object doc = [] {
        std::ifstream in(WARDEN_SOURCE_DIR "/tests/vectors/jose/vectors.json");
        std::stringstream ss;
        ss << in.rdbuf();
        return boost::json::parse(ss.str()).as_object();
    }();
    return doc;
}

std::string jwks_text() {
    return boost::json::serialize(vectors().at("jwks"));
}

std::string token(std::string_view name) {
    for (const auto& t : vectors().at("tokens").as_array()) {
        if (t.at("name").as_string() == name) return std::string(t.at("token").as_string());
    }
    return {};
}

void BM_Verify(benchmark::State& state, const char* alg) {
    const auto keys = jose::parse_jwks(jwks_text()).value();
    const std::string t = token(std::string("valid ") + alg);
    jose::VerifyOptions o;
    o.algorithms = jose::kAllAsymmetricAlgorithms;
    o.issuers = {std::string(vectors().at("issuer").as_string())};
    o.audiences = {std::string(vectors().at("audience").as_string())};
    o.now = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
    for (auto _ : state) {
        auto r = jose::verify(t, *keys, o);
        if (!r) state.SkipWithError("verification failed");
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_JwksParse(benchmark::State& state) {
    const std::string text = jwks_text();
    for (auto _ : state) benchmark::DoNotOptimize(jose::parse_jwks(text));
    state.SetItemsProcessed(state.iterations());
}

void BM_JwksFindKid(benchmark::State& state) {
    const auto keys = jose::parse_jwks(jwks_text()).value();
    for (auto _ : state) benchmark::DoNotOptimize(keys->find("ec-p384"));
    state.SetItemsProcessed(state.iterations());
}

void BM_DecodeUnverified(benchmark::State& state) {
    const std::string t = token("valid ES256");
    for (auto _ : state) benchmark::DoNotOptimize(jose::decode_unverified(t));
    state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK_CAPTURE(BM_Verify, RS256, "RS256");
BENCHMARK_CAPTURE(BM_Verify, RS384, "RS384");
BENCHMARK_CAPTURE(BM_Verify, RS512, "RS512");
BENCHMARK_CAPTURE(BM_Verify, PS256, "PS256");
BENCHMARK_CAPTURE(BM_Verify, PS384, "PS384");
BENCHMARK_CAPTURE(BM_Verify, PS512, "PS512");
BENCHMARK_CAPTURE(BM_Verify, ES256, "ES256");
BENCHMARK_CAPTURE(BM_Verify, ES384, "ES384");
BENCHMARK_CAPTURE(BM_Verify, ES512, "ES512");
BENCHMARK_CAPTURE(BM_Verify, EdDSA, "EdDSA");
BENCHMARK(BM_JwksParse);
BENCHMARK(BM_JwksFindKid);
BENCHMARK(BM_DecodeUnverified);

BENCHMARK_MAIN();
