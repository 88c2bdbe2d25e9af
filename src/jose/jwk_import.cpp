// Imports JWK key material into OpenSSL 3 keys with EVP_PKEY_fromdata (no deprecated
// RSA_* / EC_KEY_* calls).
#include "key_material.hpp"

#include "warden/jose/error.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include <string>

namespace warden::jose::detail {
namespace {

constexpr int kMinRsaBits = 2048;  // RFC 7518 section 3.3
constexpr int kMaxRsaBits = 16384;

struct BnFree {
    void operator()(BIGNUM* b) const noexcept { BN_free(b); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
struct BldFree {
    void operator()(OSSL_PARAM_BLD* b) const noexcept { OSSL_PARAM_BLD_free(b); }
};
struct ParamFree {
    void operator()(OSSL_PARAM* p) const noexcept { OSSL_PARAM_free(p); }
};
struct CtxFree {
    void operator()(EVP_PKEY_CTX* c) const noexcept { EVP_PKEY_CTX_free(c); }
};
using CtxPtr = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;

BnPtr to_bn(std::string_view bytes) {
    return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                           static_cast<int>(bytes.size()), nullptr));
}

// Builds a public key of `type` ("RSA", "EC") from the parameters in `bld`.
PkeyPtr from_params(const char* type, OSSL_PARAM_BLD* bld) {
    std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld));
    CtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0) return nullptr;
    EVP_PKEY* pkey = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
        return nullptr;
    }
    return PkeyPtr(pkey);
}

const char* group_name(Curve curve) noexcept {
    switch (curve) {
        case Curve::p256:
            return "P-256";
        case Curve::p384:
            return "P-384";
        case Curve::p521:
            return "P-521";
        case Curve::none:
        case Curve::ed25519:
            return nullptr;
    }
    return nullptr;
}

}  // namespace

std::size_t coordinate_size(Curve curve) noexcept {
    switch (curve) {
        case Curve::p256:
            return 32;
        case Curve::p384:
            return 48;
        case Curve::p521:
            return 66;
        case Curve::ed25519:
            return 32;
        case Curve::none:
            return 0;
    }
    return 0;
}

boost::system::result<PkeyPtr> import_rsa(std::string_view n, std::string_view e) {
    // RFC 7518 section 6.3.1.1: n is unsigned big-endian with no leading zero octets.
    if (n.empty() || e.empty() || n.front() == '\0' || e.front() == '\0') {
        return make_error_code(Error::bad_jwk);
    }
    if (e.size() > 8) return make_error_code(Error::bad_jwk);
    BnPtr bn_n = to_bn(n);
    BnPtr bn_e = to_bn(e);
    if (!bn_n || !bn_e) return make_error_code(Error::bad_jwk);
    const int bits = BN_num_bits(bn_n.get());
    if (bits < kMinRsaBits) return make_error_code(Error::weak_key);
    if (bits > kMaxRsaBits) return make_error_code(Error::unsupported_key);
    // An even modulus or an exponent below 3 or even cannot be a valid RSA public key.
    if (!BN_is_odd(bn_n.get()) || !BN_is_odd(bn_e.get()) || BN_is_one(bn_e.get())) {
        return make_error_code(Error::bad_jwk);
    }
    std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
    if (!bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get())) {
        return make_error_code(Error::bad_jwk);
    }
    PkeyPtr pkey = from_params("RSA", bld.get());
    if (!pkey) return make_error_code(Error::bad_jwk);
    return pkey;
}

boost::system::result<PkeyPtr> import_ec(Curve curve, std::string_view x, std::string_view y) {
    const std::size_t size = coordinate_size(curve);
    const char* group = group_name(curve);
    // RFC 7518 section 6.2.1.2: x and y are exactly the coordinate size, zero-padded.
    if (group == nullptr || x.size() != size || y.size() != size) {
        return make_error_code(Error::bad_jwk);
    }
    std::string point;
    point.reserve(1 + 2 * size);
    point.push_back('\x04');  // uncompressed point (SEC 1 section 2.3.3)
    point.append(x);
    point.append(y);
    std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
    if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                          point.size())) {
        return make_error_code(Error::bad_jwk);
    }
    PkeyPtr pkey = from_params("EC", bld.get());
    if (!pkey) return make_error_code(Error::bad_jwk);
    // Invalid-curve attacks (RFC 8725 section 3.4 for ECDH; harmless hygiene for ECDSA):
    // insist on a full public key check, the point on the curve and of the right order.
    CtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
    if (!check || EVP_PKEY_public_check(check.get()) != 1) return make_error_code(Error::bad_jwk);
    return pkey;
}

boost::system::result<PkeyPtr> import_ed25519(std::string_view x) {
    if (x.size() != coordinate_size(Curve::ed25519)) return make_error_code(Error::bad_jwk);
    PkeyPtr pkey(EVP_PKEY_new_raw_public_key_ex(
        nullptr, "ED25519", nullptr, reinterpret_cast<const unsigned char*>(x.data()), x.size()));
    if (!pkey) return make_error_code(Error::bad_jwk);
    return pkey;
}

}  // namespace warden::jose::detail
