// In-process reference: the bare OpenSSL verification that `openssl speed` measures, on the
// same keys, so the cost jose::verify adds can be read without cross-process noise.
#include "jose/key_material.hpp"
#include "warden/jose.hpp"

#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <boost/json.hpp>

#include <fstream>
#include <sstream>
#include <vector>

namespace {

namespace jose = warden::jose;

std::shared_ptr<const jose::JwkSet> reference_keys() {
    std::ifstream in(WARDEN_SOURCE_DIR "/tests/vectors/jose/jwks.json");
    std::stringstream ss;
    ss << in.rdbuf();
    return jose::parse_jwks(ss.str()).value();
}

// Sign-free reference: verify a signature over a fixed digest with a context set up once,
// as `openssl speed rsa2048/ecdsap256/ecdsap384` does. The signature is invalid, which
// costs the same public-key operation as a valid one for RSA and ECDSA.
void BM_OpenSslVerifyPrehashed(benchmark::State& state, const char* kid) {
    const auto keys = reference_keys();
    EVP_PKEY* pkey = keys->find(kid).front().material().pkey;
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr);
    EVP_PKEY_verify_init(ctx);
    EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256());
    const std::vector<unsigned char> digest(32, 0x5a);
    std::vector<unsigned char> sig(static_cast<std::size_t>(EVP_PKEY_get_size(pkey)), 0x11);
    if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC) {
        // A well-formed DER ECDSA-Sig-Value with r = s = 0x11...: a full verification runs.
        const std::size_t n = static_cast<std::size_t>(EVP_PKEY_get_bits(pkey) + 7) / 8 - 1;
        sig.assign(
            {0x30, static_cast<unsigned char>(2 * (n + 2)), 0x02, static_cast<unsigned char>(n)});
        sig.insert(sig.end(), n, 0x11);
        sig.insert(sig.end(), {0x02, static_cast<unsigned char>(n)});
        sig.insert(sig.end(), n, 0x11);
    }
    for (auto _ : state) {
        benchmark::DoNotOptimize(
            EVP_PKEY_verify(ctx, sig.data(), sig.size(), digest.data(), digest.size()));
    }
    EVP_PKEY_CTX_free(ctx);
    state.SetItemsProcessed(state.iterations());
}

// Ed25519 has no prehashed form: a one-shot EVP_DigestVerify over a token-sized message,
// as `openssl speed ed25519` does. S is below the group order, so the whole check runs.
void BM_OpenSslVerifyEd25519(benchmark::State& state) {
    const auto keys = reference_keys();
    EVP_PKEY* pkey = keys->find("ed25519").front().material().pkey;
    const std::vector<unsigned char> message(400, 0x5a);
    std::vector<unsigned char> sig(64, 0x11);
    sig[63] = 0x01;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    for (auto _ : state) {
        EVP_DigestVerifyInit_ex(ctx, nullptr, nullptr, nullptr, nullptr, pkey, nullptr);
        benchmark::DoNotOptimize(
            EVP_DigestVerify(ctx, sig.data(), sig.size(), message.data(), message.size()));
    }
    EVP_MD_CTX_free(ctx);
    state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK_CAPTURE(BM_OpenSslVerifyPrehashed, RS256, "rsa-2048");
BENCHMARK_CAPTURE(BM_OpenSslVerifyPrehashed, ES256, "ec-p256");
BENCHMARK_CAPTURE(BM_OpenSslVerifyPrehashed, ES384, "ec-p384");
BENCHMARK(BM_OpenSslVerifyEd25519);
