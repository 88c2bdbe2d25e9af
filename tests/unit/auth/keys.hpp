#pragma once
// Test keys and tokens signed with OpenSSL (ES256), independent of the code under test.

#include <warden/jose/base64url.hpp>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <boost/json.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace warden::auth::testing {

class TestKey {
  public:
    explicit TestKey(std::string kid)
        : kid_(std::move(kid)), key_(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")) {}
    ~TestKey() { EVP_PKEY_free(key_); }
    TestKey(const TestKey&) = delete;
    TestKey& operator=(const TestKey&) = delete;

    boost::json::object jwk() const {
        return {{"kty", "EC"},
                {"crv", "P-256"},
                {"kid", kid_},
                {"x", coord(OSSL_PKEY_PARAM_EC_PUB_X)},
                {"y", coord(OSSL_PKEY_PARAM_EC_PUB_Y)}};
    }

    /// A token with header `typ` (none when empty). `high_s`: the signature's s replaced
    /// by n - s, the other valid ECDSA signature of the same input.
    std::string sign(const boost::json::object& claims, std::string_view typ = "at+jwt",
                     bool high_s = false) const {
        boost::json::object header{{"alg", "ES256"}, {"kid", kid_}};
        if (!typ.empty()) header["typ"] = typ;
        std::string input = jose::base64url_encode(boost::json::serialize(header)) + "." +
                            jose::base64url_encode(boost::json::serialize(claims));
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        std::size_t len = 0;
        EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_);
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
        BIGNUM* s = BN_dup(ECDSA_SIG_get0_s(sig));
        BIGNUM* order = BN_new();
        BN_hex2bn(&order, "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
        BIGNUM* half = BN_new();
        BN_rshift1(half, order);
        // Either form on request: low (s <= n/2) or high (s > n/2).
        if ((BN_cmp(s, half) > 0) != high_s) BN_sub(s, order, s);
        BN_bn2binpad(s, reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
        BN_free(s);
        BN_free(order);
        BN_free(half);
        ECDSA_SIG_free(sig);
        return input + "." + jose::base64url_encode(raw);
    }

  private:
    std::string coord(const char* name) const {
        BIGNUM* bn = nullptr;
        EVP_PKEY_get_bn_param(key_, name, &bn);
        std::string out(32, '\0');
        BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), 32);
        BN_free(bn);
        return jose::base64url_encode(out);
    }
    std::string kid_;
    EVP_PKEY* key_;
};

inline std::string jwks_of(std::initializer_list<const TestKey*> keys) {
    boost::json::array arr;
    for (const auto* k : keys) arr.push_back(k->jwk());
    return boost::json::serialize(boost::json::object{{"keys", arr}});
}

}  // namespace warden::auth::testing
