// JWK and JWKS parsing (RFC 7517), key/algorithm fit (RFC 7518 section 3.1).
#include "key_material.hpp"

#include "warden/jose/base64url.hpp"
#include "warden/jose/error.hpp"

#include <openssl/err.h>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>

namespace warden::jose {

namespace json = boost::json;
using boost::system::result;

struct JwkBuilder {
    static Jwk make(std::string kid, KeyType type, Curve curve, std::optional<Algorithm> alg,
                    detail::PkeyPtr pkey) {
        Jwk k;
        k.kid_ = std::move(kid);
        k.type_ = type;
        k.curve_ = curve;
        k.alg_ = alg;
        k.bits_ = EVP_PKEY_get_bits(pkey.get());
        auto material = std::make_shared<detail::KeyMaterial>(pkey.release());
        for (std::size_t i = 0; i < material->verify_templates.size(); ++i) {
            const auto a = static_cast<Algorithm>(i);
            if (k.fits(a))
                material->verify_templates[i] = detail::make_verify_template(a, material->pkey);
        }
        k.key_ = std::move(material);
        return k;
    }
};

namespace {

// The member `name` as a string; absent -> nullopt; present but not a string -> bad_jwk.
result<std::optional<std::string_view>> optional_string(const json::object& o,
                                                        std::string_view name) {
    const json::value* v = o.if_contains(name);
    if (v == nullptr) return std::optional<std::string_view>{};
    if (!v->is_string()) return make_error_code(Error::bad_jwk);
    return std::optional<std::string_view>{std::string_view(v->get_string())};
}

// A required base64url member, decoded.
result<std::string> required_bytes(const json::object& o, std::string_view name) {
    const json::value* v = o.if_contains(name);
    if (v == nullptr || !v->is_string()) return make_error_code(Error::bad_jwk);
    auto bytes = base64url_decode(v->get_string());
    if (!bytes) return make_error_code(Error::bad_jwk);
    return std::move(*bytes);
}

// RFC 7517 section 4.2 and 4.3: a verification key has use "sig" (or none) and, if it
// lists key_ops, lists "verify".
boost::system::error_code check_usage(const json::object& o) {
    auto use = optional_string(o, "use");
    if (!use) return use.error();
    if (*use && **use != "sig") return make_error_code(Error::key_not_for_verify);
    if (const json::value* ops = o.if_contains("key_ops")) {
        if (!ops->is_array()) return make_error_code(Error::bad_jwk);
        bool verify = false;
        for (const json::value& op : ops->get_array()) {
            if (!op.is_string()) return make_error_code(Error::bad_jwk);
            verify = verify || op.get_string() == "verify";
        }
        if (!verify) return make_error_code(Error::key_not_for_verify);
    }
    return {};
}

result<Curve> parse_curve(const json::object& o, KeyType type) {
    auto crv = optional_string(o, "crv");
    if (!crv) return crv.error();
    if (!*crv) return make_error_code(Error::bad_jwk);
    const std::string_view name = **crv;
    if (type == KeyType::ec) {
        if (name == "P-256") return Curve::p256;
        if (name == "P-384") return Curve::p384;
        if (name == "P-521") return Curve::p521;
    } else if (name == "Ed25519") {
        return Curve::ed25519;
    }
    return make_error_code(Error::unsupported_key);
}

result<detail::PkeyPtr> import_key(const json::object& o, KeyType type, Curve curve) {
    if (type == KeyType::rsa) {
        auto n = required_bytes(o, "n");
        if (!n) return n.error();
        auto e = required_bytes(o, "e");
        if (!e) return e.error();
        return detail::import_rsa(*n, *e);
    }
    auto x = required_bytes(o, "x");
    if (!x) return x.error();
    if (type == KeyType::okp) return detail::import_ed25519(*x);
    auto y = required_bytes(o, "y");
    if (!y) return y.error();
    return detail::import_ec(curve, *x, *y);
}

}  // namespace

bool Jwk::fits(Algorithm alg) const noexcept {
    if (alg_ && *alg_ != alg) return false;
    switch (alg) {
        case Algorithm::RS256:
        case Algorithm::RS384:
        case Algorithm::RS512:
        case Algorithm::PS256:
        case Algorithm::PS384:
        case Algorithm::PS512:
            return type_ == KeyType::rsa;
        case Algorithm::ES256:
            return curve_ == Curve::p256;
        case Algorithm::ES384:
            return curve_ == Curve::p384;
        case Algorithm::ES512:
            return curve_ == Curve::p521;
        case Algorithm::EdDSA:
            return curve_ == Curve::ed25519;
    }
    return false;
}

result<Jwk> parse_jwk(const json::object& o) {
    auto kty = optional_string(o, "kty");
    if (!kty) return kty.error();
    if (!*kty) return make_error_code(Error::bad_jwk);
    KeyType type;
    if (**kty == "RSA") {
        type = KeyType::rsa;
    } else if (**kty == "EC") {
        type = KeyType::ec;
    } else if (**kty == "OKP") {
        type = KeyType::okp;
    } else {
        return make_error_code(Error::unsupported_key);  // includes "oct": no shared secrets
    }
    auto kid = optional_string(o, "kid");
    if (!kid) return kid.error();
    if (auto ec = check_usage(o)) return ec;

    Curve curve = Curve::none;
    if (type != KeyType::rsa) {
        auto c = parse_curve(o, type);
        if (!c) return c.error();
        curve = *c;
    }
    std::optional<Algorithm> alg;
    auto alg_name = optional_string(o, "alg");
    if (!alg_name) return alg_name.error();
    if (*alg_name) {
        alg = parse_algorithm(**alg_name);
        if (!alg) return make_error_code(Error::unsupported_key);
    }
    auto pkey = import_key(o, type, curve);
    if (!pkey) {
        ERR_clear_error();
        return pkey.error();
    }
    Jwk key = JwkBuilder::make(std::string(kid->value_or("")), type, curve, alg, std::move(*pkey));
    // A key whose own alg does not fit its type is inconsistent (RFC 7517 section 4.4).
    if (alg && !key.fits(*alg)) return make_error_code(Error::bad_jwk);
    return key;
}

JwkSet::JwkSet(std::vector<Jwk> keys, std::vector<SkippedKey> skipped)
    : keys_(std::move(keys)), skipped_(std::move(skipped)) {
    std::stable_sort(keys_.begin(), keys_.end(),
                     [](const Jwk& a, const Jwk& b) { return a.kid() < b.kid(); });
}

std::span<const Jwk> JwkSet::find(std::string_view kid) const noexcept {
    struct ByKid {
        bool operator()(const Jwk& k, std::string_view id) const noexcept { return k.kid() < id; }
        bool operator()(std::string_view id, const Jwk& k) const noexcept { return id < k.kid(); }
    };
    auto [first, last] = std::equal_range(keys_.begin(), keys_.end(), kid, ByKid{});
    return {first, last};
}

result<std::shared_ptr<const JwkSet>> parse_jwks(const json::object& doc) {
    const json::value* keys = doc.if_contains("keys");
    if (keys == nullptr || !keys->is_array()) return make_error_code(Error::bad_jwks);
    std::vector<Jwk> usable;
    std::vector<SkippedKey> skipped;
    const json::array& list = keys->get_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
        const json::object* o = list[i].if_object();
        std::string kid;
        if (o != nullptr) {
            if (const json::value* k = o->if_contains("kid"); k && k->is_string()) {
                kid = std::string(k->get_string());
            }
        }
        // RFC 7517 section 5: implementations SHOULD ignore keys they do not understand.
        auto key = o ? parse_jwk(*o) : result<Jwk>(make_error_code(Error::bad_jwk));
        if (key) {
            usable.push_back(std::move(*key));
        } else {
            skipped.push_back({i, std::move(kid), key.error()});
        }
    }
    return std::make_shared<const JwkSet>(std::move(usable), std::move(skipped));
}

result<std::shared_ptr<const JwkSet>> parse_jwks(std::string_view json_text) {
    boost::system::error_code ec;
    json::value doc = json::parse(json_text, ec);
    if (ec || !doc.is_object()) return make_error_code(Error::bad_jwks);
    return parse_jwks(doc.get_object());
}

}  // namespace warden::jose
