#include <warden/crypto.hpp>

#include <warden/jose/base64url.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

namespace warden::crypto {
namespace {

constexpr std::size_t kNonce = 12;  // 96 bits, the GCM standard size (NIST SP 800-38D)
constexpr std::size_t kTag = 16;
static_assert(kNonce + kTag == kSealOverhead);

struct CtxFree {
    void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string random_bytes(std::size_t n) {
    std::string out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
        throw std::runtime_error("CSPRNG failure");
    return out;
}

std::string random_token(std::size_t n) {
    return jose::base64url_encode(random_bytes(n));
}

std::string sha256(std::string_view data) {
    std::string out(32, '\0');
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len,
               EVP_sha256(), nullptr);
    return out;
}

bool equal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string seal(std::string_view key, std::string_view plaintext, std::string_view aad) {
    std::string out = random_bytes(kNonce);
    out.resize(kNonce + plaintext.size() + kTag);
    auto* dst = reinterpret_cast<unsigned char*>(out.data());
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    if (!ctx || key.size() != 32 ||
        EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), dst) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(aad), static_cast<int>(aad.size())) !=
            1 ||
        EVP_EncryptUpdate(ctx.get(), dst + kNonce, &len, bytes(plaintext),
                          static_cast<int>(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), dst + kNonce + len, &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag,
                            dst + kNonce + plaintext.size()) != 1)
        throw std::runtime_error("AES-GCM encryption failed");
    return out;
}

result<std::string> open(std::string_view key, std::string_view sealed, std::string_view aad) {
    if (key.size() != 32 || sealed.size() < kNonce + kTag) return Error::decrypt_failed;
    const std::size_t n = sealed.size() - kNonce - kTag;
    std::string out(n, '\0');
    auto* dst = reinterpret_cast<unsigned char*>(out.data());
    std::string tag(sealed.substr(kNonce + n));
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    if (!ctx ||
        EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), bytes(sealed)) != 1 ||
        EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(aad), static_cast<int>(aad.size())) !=
            1 ||
        EVP_DecryptUpdate(ctx.get(), dst, &len, bytes(sealed) + kNonce, static_cast<int>(n)) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), dst + len, &len) != 1) {
        OPENSSL_cleanse(out.data(), out.size());
        return Error::decrypt_failed;
    }
    return out;
}

}  // namespace warden::crypto
