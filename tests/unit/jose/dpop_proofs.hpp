#pragma once
// A DPoP client for tests: a P-256 key and proofs signed with OpenSSL directly, so the
// verifier is checked against something it did not produce.

#include <warden/jose/base64url.hpp>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <boost/json.hpp>

#include <chrono>
#include <string>

namespace warden::testing {

class DpopClient {
  public:
    DpopClient() : key_(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")) {}
    ~DpopClient() { EVP_PKEY_free(key_); }
    DpopClient(const DpopClient&) = delete;
    DpopClient& operator=(const DpopClient&) = delete;

    boost::json::object public_jwk() const {
        return {{"kty", "EC"},
                {"crv", "P-256"},
                {"x", coord(OSSL_PKEY_PARAM_EC_PUB_X)},
                {"y", coord(OSSL_PKEY_PARAM_EC_PUB_Y)}};
    }

    /// The private scalar, base64url: for the "private key in jwk" test.
    std::string private_d() const { return coord(OSSL_PKEY_PARAM_PRIV_KEY); }

    static boost::json::object header_for(const boost::json::object& jwk) {
        return {{"typ", "dpop+jwt"}, {"alg", "ES256"}, {"jwk", jwk}};
    }
    boost::json::object header() const { return header_for(public_jwk()); }

    static boost::json::object claims(std::string_view method, std::string_view url,
                                      std::int64_t iat, std::string_view ath,
                                      std::string jti = {}) {
        static int counter = 0;
        if (jti.empty()) jti = "jti-" + std::to_string(++counter) + "-" + std::to_string(iat);
        boost::json::object c{{"jti", jti}, {"htm", method}, {"htu", url}, {"iat", iat}};
        if (!ath.empty()) c["ath"] = ath;
        return c;
    }

    std::string sign(const boost::json::object& header, const boost::json::object& claims) const {
        const std::string input = jose::base64url_encode(boost::json::serialize(header)) + "." +
                                  jose::base64url_encode(boost::json::serialize(claims));
        return input + "." + jose::base64url_encode(raw_signature(input));
    }

    std::string raw_signature(std::string_view input) const {
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
        BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
        ECDSA_SIG_free(sig);
        return raw;
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
    EVP_PKEY* key_;
};

}  // namespace warden::testing
