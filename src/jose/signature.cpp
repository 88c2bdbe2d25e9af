// JWS signature verification with EVP_DigestVerify (RFC 7518 section 3, RFC 8037 section 3.1).
#include "jws.hpp"

#include <openssl/err.h>
#include <openssl/rsa.h>

#include <array>
#include <atomic>

namespace warden::jose::detail {
namespace {

// Digests are fetched once; EVP_MD objects are immutable and safe to share between threads.
const EVP_MD* fetch_digest(const char* name) noexcept {
    return EVP_MD_fetch(nullptr, name, nullptr);
}

const EVP_MD* digest_for(Algorithm alg) noexcept {
    static const EVP_MD* const sha256 = fetch_digest("SHA256");
    static const EVP_MD* const sha384 = fetch_digest("SHA384");
    static const EVP_MD* const sha512 = fetch_digest("SHA512");
    switch (alg) {
        case Algorithm::RS256:
        case Algorithm::PS256:
        case Algorithm::ES256:
            return sha256;
        case Algorithm::RS384:
        case Algorithm::PS384:
        case Algorithm::ES384:
            return sha384;
        case Algorithm::RS512:
        case Algorithm::PS512:
        case Algorithm::ES512:
            return sha512;
        case Algorithm::EdDSA:
            return nullptr;  // Ed25519 hashes internally
    }
    return nullptr;
}

bool is_pss(Algorithm alg) noexcept {
    return alg == Algorithm::PS256 || alg == Algorithm::PS384 || alg == Algorithm::PS512;
}

bool is_ecdsa(Algorithm alg) noexcept {
    return alg == Algorithm::ES256 || alg == Algorithm::ES384 || alg == Algorithm::ES512;
}

// The size of r and of s: the curve's coordinate size (RFC 7518 section 3.4).
std::size_t ecdsa_component_size(Algorithm alg) noexcept {
    const Curve curve = alg == Algorithm::ES256   ? Curve::p256
                        : alg == Algorithm::ES384 ? Curve::p384
                        : alg == Algorithm::ES512 ? Curve::p521
                                                  : Curve::none;
    return coordinate_size(curve);
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

KeyMaterial::KeyMaterial(EVP_PKEY* k) noexcept : pkey(k) {
    static std::atomic<std::uint64_t> next_id{1};
    id = next_id.fetch_add(1, std::memory_order_relaxed);
}

EVP_PKEY_CTX* make_verify_template(Algorithm alg, EVP_PKEY* pkey) noexcept {
    const EVP_MD* md = digest_for(alg);
    if (md == nullptr) return nullptr;
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr);
    bool ok = ctx != nullptr && EVP_PKEY_verify_init(ctx) == 1 &&
              EVP_PKEY_CTX_set_signature_md(ctx, md) == 1;
    if (ok && is_pss(alg)) {
        // RFC 7518 section 3.5: MGF1 with the same hash, salt as long as the hash.
        ok = EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) == 1;
    } else if (ok && !is_ecdsa(alg)) {
        ok = EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1;
    }
    if (!ok) {
        EVP_PKEY_CTX_free(ctx);
        ERR_clear_error();
        return nullptr;
    }
    return ctx;
}

namespace {

bool verify_eddsa(EVP_PKEY* pkey, std::string_view input, std::string_view sig) noexcept {
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey) == 1 &&
           EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()),
                            sig.size(), reinterpret_cast<const unsigned char*>(input.data()),
                            input.size()) == 1;
}

// A small per-thread cache of verification contexts duplicated from key templates, so the
// hot path neither allocates nor duplicates. Entries are named by (key id, algorithm) with
// ids that are never reused, and hold their own reference to the key.
class ThreadContexts {
  public:
    ThreadContexts() = default;
    ThreadContexts(const ThreadContexts&) = delete;
    ThreadContexts& operator=(const ThreadContexts&) = delete;
    ~ThreadContexts() {
        for (Slot& s : slots_) EVP_PKEY_CTX_free(s.ctx);
        EVP_MD_CTX_free(md_);
    }

    EVP_PKEY_CTX* get(const KeyMaterial& key, Algorithm alg) noexcept {
        const std::uint64_t name = key.id * 16 + static_cast<std::uint64_t>(alg);
        Slot& s = slots_[name % slots_.size()];
        if (s.name != name || s.ctx == nullptr) {
            EVP_PKEY_CTX_free(s.ctx);
            s.ctx = EVP_PKEY_CTX_dup(key.verify_templates[static_cast<std::size_t>(alg)]);
            s.name = name;
        }
        return s.ctx;
    }

    EVP_MD_CTX* digest() noexcept {
        if (md_ == nullptr) md_ = EVP_MD_CTX_new();
        return md_;
    }

  private:
    struct Slot {
        std::uint64_t name = 0;
        EVP_PKEY_CTX* ctx = nullptr;
    };
    std::array<Slot, 8> slots_{};
    EVP_MD_CTX* md_ = nullptr;
};

bool digest(const EVP_MD* md, std::string_view in, unsigned char* out, unsigned int* len,
            EVP_MD_CTX* ctx) noexcept {
    return ctx != nullptr && EVP_DigestInit_ex2(ctx, md, nullptr) == 1 &&
           EVP_DigestUpdate(ctx, in.data(), in.size()) == 1 &&
           EVP_DigestFinal_ex(ctx, out, len) == 1;
}

}  // namespace

bool verify_signature(Algorithm alg, const KeyMaterial& key, std::string_view signing_input,
                      std::string_view signature) noexcept {
    EVP_PKEY* pkey = key.pkey;
    const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
    std::size_t sig_len = signature.size();
    std::array<unsigned char, 144> der{};
    if (alg == Algorithm::EdDSA) {
        // RFC 8037 section 3.1: Ed25519 signs the message itself, no prehash.
        const bool ok = sig_len == 64 && verify_eddsa(pkey, signing_input, signature);
        if (!ok) ERR_clear_error();
        return ok;
    }
    if (is_ecdsa(alg)) {
        // RFC 7518 section 3.4: exactly r || s, each the size of the group order; a DER
        // signature or one of the wrong length is rejected rather than guessed at.
        if (sig_len != 2 * ecdsa_component_size(alg)) return false;
        sig_len = ecdsa_raw_to_der(signature, der.data());
        if (sig_len == 0) return false;
        sig = der.data();
    } else if (sig_len != static_cast<std::size_t>(EVP_PKEY_get_size(pkey))) {
        // RFC 8017 sections 8.1.2 and 8.2.2: an RSA signature is exactly k octets long.
        return false;
    }
    if (key.verify_templates[static_cast<std::size_t>(alg)] == nullptr) return false;
    thread_local ThreadContexts contexts;
    std::array<unsigned char, EVP_MAX_MD_SIZE> hash{};
    unsigned int hash_len = 0;
    EVP_PKEY_CTX* ctx = contexts.get(key, alg);
    const bool ok =
        ctx != nullptr &&
        digest(digest_for(alg), signing_input, hash.data(), &hash_len, contexts.digest()) &&
        EVP_PKEY_verify(ctx, sig, sig_len, hash.data(), hash_len) == 1;
    if (!ok) ERR_clear_error();
    return ok;
}

}  // namespace warden::jose::detail
