// Stateless DPoP server nonces (RFC 9449 sections 8 and 9). A nonce is
//   version (1) || key id (4) || IV (12) || AES-256-GCM(issued-at, 8 bytes BE) || tag (16)
// in base64url; version and key id are authenticated as AAD. Nothing is stored: a replica
// with the same key accepts it, a forged or foreign-key nonce fails the tag check.
#include <warden/auth/dpop.hpp>
#include <warden/jose/base64url.hpp>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstring>
#include <stdexcept>

namespace warden::auth {
namespace {

constexpr unsigned char kVersion = 1;
constexpr std::size_t kKeyIdSize = 4;
constexpr std::size_t kIvSize = 12;
constexpr std::size_t kTimeSize = 8;
constexpr std::size_t kTagSize = 16;
constexpr std::size_t kHeaderSize = 1 + kKeyIdSize;
constexpr std::size_t kNonceSize = kHeaderSize + kIvSize + kTimeSize + kTagSize;
// A nonce dated this far ahead of our clock is still taken (replicas' clocks differ).
constexpr std::int64_t kFutureSlack = 5;

struct CipherCtxFree {
    void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

const EVP_CIPHER* aes_256_gcm() {
    static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    return cipher;
}

std::int64_t seconds_of(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

struct DpopNonces::Impl {
    std::array<unsigned char, 32> key{};
    std::array<unsigned char, kKeyIdSize> key_id{};
    std::int64_t lifetime = 0;
};

DpopNonces::DpopNonces(std::string_view key, std::chrono::seconds lifetime)
    : impl_(std::make_unique<Impl>()) {
    if (key.size() != impl_->key.size())
        throw std::invalid_argument("DpopNonces: the key must be 32 bytes");
    std::memcpy(impl_->key.data(), key.data(), key.size());
    // The key id names the key without revealing it: the start of SHA-256 over a label
    // and the key, so rotation can be told apart from forgery in logs and tests.
    std::array<unsigned char, 32> digest{};
    unsigned int len = 0;
    std::string input = "warden dpop nonce key id:";
    input.append(key);
    EVP_Digest(input.data(), input.size(), digest.data(), &len, EVP_sha256(), nullptr);
    OPENSSL_cleanse(input.data(), input.size());
    std::memcpy(impl_->key_id.data(), digest.data(), kKeyIdSize);
    impl_->lifetime = lifetime.count();
}

DpopNonces::~DpopNonces() {
    OPENSSL_cleanse(impl_->key.data(), impl_->key.size());
}

std::string DpopNonces::issue(std::chrono::system_clock::time_point now) const {
    std::array<unsigned char, kNonceSize> out{};
    out[0] = kVersion;
    std::memcpy(out.data() + 1, impl_->key_id.data(), kKeyIdSize);
    unsigned char* iv = out.data() + kHeaderSize;
    unsigned char* ct = iv + kIvSize;
    unsigned char* tag = ct + kTimeSize;
    std::array<unsigned char, kTimeSize> plain{};
    auto t = static_cast<std::uint64_t>(seconds_of(now));
    for (std::size_t i = 0; i < kTimeSize; ++i)
        plain[kTimeSize - 1 - i] = static_cast<unsigned char>(t >> (8 * i));
    // Random 96-bit IVs: nonces are issued on challenges and refreshes, not per request,
    // far below the 2^32 messages per key of NIST SP 800-38D section 8.3.
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    if (RAND_bytes(iv, static_cast<int>(kIvSize)) != 1 || !ctx ||
        EVP_EncryptInit_ex2(ctx.get(), aes_256_gcm(), impl_->key.data(), iv, nullptr) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &len, out.data(), static_cast<int>(kHeaderSize)) !=
            1 ||
        EVP_EncryptUpdate(ctx.get(), ct, &len, plain.data(), static_cast<int>(kTimeSize)) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), ct + len, &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize), tag) != 1)
        throw std::runtime_error("DPoP nonce: AES-256-GCM failed");
    return jose::base64url_encode(
        std::string_view(reinterpret_cast<const char*>(out.data()), out.size()));
}

DpopNonces::Check DpopNonces::check(std::string_view nonce,
                                    std::chrono::system_clock::time_point now) const {
    if (nonce.size() > 2 * kNonceSize) return Check::invalid;
    auto bytes = jose::base64url_decode(nonce);
    if (!bytes || bytes->size() != kNonceSize) return Check::invalid;
    const auto* in = reinterpret_cast<const unsigned char*>(bytes->data());
    if (in[0] != kVersion || std::memcmp(in + 1, impl_->key_id.data(), kKeyIdSize) != 0)
        return Check::invalid;
    const unsigned char* iv = in + kHeaderSize;
    const unsigned char* ct = iv + kIvSize;
    std::array<unsigned char, kTagSize> tag{};
    std::memcpy(tag.data(), ct + kTimeSize, kTagSize);
    std::array<unsigned char, kTimeSize + 16> plain{};
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    if (!ctx ||
        EVP_DecryptInit_ex2(ctx.get(), aes_256_gcm(), impl_->key.data(), iv, nullptr) != 1 ||
        EVP_DecryptUpdate(ctx.get(), nullptr, &len, in, static_cast<int>(kHeaderSize)) != 1 ||
        EVP_DecryptUpdate(ctx.get(), plain.data(), &len, ct, static_cast<int>(kTimeSize)) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize),
                            tag.data()) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), plain.data() + len, &len) != 1)
        return Check::invalid;
    std::uint64_t t = 0;
    for (std::size_t i = 0; i < kTimeSize; ++i) t = (t << 8) | plain[i];
    const auto issued = static_cast<std::int64_t>(t);
    const std::int64_t age = seconds_of(now) - issued;
    if (age < -kFutureSlack || age >= impl_->lifetime) return Check::invalid;
    return age >= impl_->lifetime / 2 ? Check::valid_refresh : Check::valid;
}

}  // namespace warden::auth
