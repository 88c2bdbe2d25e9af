// JWS signature verification with EVP_DigestVerify (RFC 7518 section 3, RFC 8037 section 3.1).
#include "jws.hpp"

#include <openssl/err.h>
#include <openssl/rsa.h>

#include <array>

namespace warden::jose::detail {
namespace {

// Digests are fetched once; EVP_MD objects are immutable and safe to share between threads.
const EVP_MD* fetch_digest(const char* name) noexcept { return EVP_MD_fetch(nullptr, name, nullptr); }

const EVP_MD* digest_for(Algorithm alg) noexcept {
    static const EVP_MD* const sha256 = fetch_digest("SHA256");
    static const EVP_MD* const sha384 = fetch_digest("SHA384");
    static const EVP_MD* const sha512 = fetch_digest("SHA512");
    switch (alg) {
        case Algorithm::RS256:
        case Algorithm::PS256:
        case Algorithm::ES256: return sha256;
        case Algorithm::RS384:
        case Algorithm::PS384:
        case Algorithm::ES384: return sha384;
        case Algorithm::RS512:
        case Algorithm::PS512:
        case Algorithm::ES512: return sha512;
        case Algorithm::EdDSA: return nullptr;  // Ed25519 hashes internally
    }
    return nullptr;
}

bool is_pss(Algorithm alg) noexcept {
    return alg == Algorithm::PS256 || alg == Algorithm::PS384 || alg == Algorithm::PS512;
}

bool is_ecdsa(Algorithm alg) noexcept {
    return alg == Algorithm::ES256 || alg == Algorithm::ES384 || alg == Algorithm::ES512;
}

std::size_t ecdsa_component_size(Algorithm alg) noexcept {
    switch (alg) {
        case Algorithm::ES256: return 32;
        case Algorithm::ES384: return 48;
        case Algorithm::ES512: return 66;
        default: return 0;
    }
}

struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};

// Appends a DER INTEGER holding the unsigned big-endian `v`; false if v is zero.
bool put_der_integer(std::string_view v, unsigned char*& out) noexcept {
    std::size_t skip = 0;
    while (skip < v.size() && v[skip] == '\0') ++skip;
    if (skip == v.size()) return false;
    v.remove_prefix(skip);
    const bool pad = (static_cast<unsigned char>(v.front()) & 0x80u) != 0;
    *out++ = 0x02;
    *out++ = static_cast<unsigned char>(v.size() + (pad ? 1 : 0));
    if (pad) *out++ = 0x00;
    for (char c : v) *out++ = static_cast<unsigned char>(c);
    return true;
}

}  // namespace

std::size_t ecdsa_raw_to_der(std::string_view raw, unsigned char* out) noexcept {
    // Each INTEGER is at most 2 + 67 bytes (P-521), so the body fits a one-byte long length.
    std::array<unsigned char, 140> body{};
    unsigned char* p = body.data();
    const std::size_t half = raw.size() / 2;
    if (half == 0 || half > 66 || !put_der_integer(raw.substr(0, half), p) ||
        !put_der_integer(raw.substr(half), p)) {
        return 0;
    }
    const auto len = static_cast<std::size_t>(p - body.data());
    std::size_t n = 0;
    out[n++] = 0x30;
    if (len >= 0x80) out[n++] = 0x81;
    out[n++] = static_cast<unsigned char>(len);
    std::copy(body.data(), p, out + n);
    return n + len;
}

bool verify_signature(Algorithm alg, const KeyMaterial& key, std::string_view signing_input,
                      std::string_view signature) noexcept {
    EVP_PKEY* pkey = key.pkey;
    const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
    std::size_t sig_len = signature.size();
    std::array<unsigned char, 144> der{};
    if (is_ecdsa(alg)) {
        // RFC 7518 section 3.4: exactly r || s, each the size of the group order; a DER
        // signature or one of the wrong length is rejected rather than guessed at.
        if (sig_len != 2 * ecdsa_component_size(alg)) return false;
        sig_len = ecdsa_raw_to_der(signature, der.data());
        if (sig_len == 0) return false;
        sig = der.data();
    } else if (alg == Algorithm::EdDSA) {
        if (sig_len != 64) return false;
    } else if (sig_len != static_cast<std::size_t>(EVP_PKEY_get_size(pkey))) {
        // RFC 8017 section 8.2.2 / 8.1.2: an RSA signature is exactly k octets long.
        return false;
    }

    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
    const EVP_MD* md = digest_for(alg);
    bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, pkey) == 1;
    if (ok && is_pss(alg)) {
        // RFC 7518 section 3.5: MGF1 with the same hash, salt as long as the hash.
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
    }
    ok = ok && EVP_DigestVerify(ctx.get(), sig, sig_len,
                                reinterpret_cast<const unsigned char*>(signing_input.data()),
                                signing_input.size()) == 1;
    if (!ok) ERR_clear_error();
    return ok;
}

}  // namespace warden::jose::detail
