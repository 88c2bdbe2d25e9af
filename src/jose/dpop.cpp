// DPoP proof verification: RFC 9449 section 4.3, in the order of its checks, so the
// cheapest rejections come first and the signature is checked before any claim is trusted.
#include "jws.hpp"

#include "warden/jose/base64url.hpp"
#include "warden/jose/dpop.hpp"

#include <openssl/evp.h>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <cmath>
#include <initializer_list>
#include <optional>
#include <span>

namespace warden::jose {

namespace json = boost::json;
using boost::system::result;

namespace {

boost::system::error_code fail(DpopError e) {
    return make_error_code(e);
}

std::string sha256_base64url(std::string_view bytes) {
    static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    std::array<unsigned char, 32> digest{};
    unsigned int len = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest.data(), &len, sha256, nullptr);
    return base64url_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), len));
}

// RFC 7517 section 9.3 / RFC 7518 section 6: the members that make a JWK private. A
// proof's key is published with every request; a client that puts its private key there
// has lost it, and accepting the proof would teach it that this is fine.
bool has_private_members(const json::object& jwk) {
    for (std::string_view m : {"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
        if (jwk.contains(m)) return true;
    return false;
}

// Constant time: the expected values derive from a credential (ath) or bind one (jkt).
bool equal_constant_time(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

const json::string* string_claim(const json::object& claims, std::string_view name) {
    const json::value* v = claims.if_contains(name);
    return v != nullptr && v->is_string() ? &v->get_string() : nullptr;
}

// A client signs every proof with the same key, and importing it (with the full check that
// the point is on the curve and of the right order) costs more than the signature check:
// each thread keeps its last few imported keys, found by the exact JSON of the `jwk`
// member, so `use`, `key_ops` and `alg` are part of the match. Bounded; a client with
// fresh keys only churns it.
result<Jwk> import_proof_key(const json::object& jwk) {
    struct Slot {
        std::string text;
        Jwk key;
    };
    constexpr std::size_t kSlots = 8;
    thread_local std::array<std::optional<Slot>, kSlots> slots;
    thread_local std::size_t next = 0;
    std::string text = json::serialize(jwk);
    for (const auto& slot : slots)
        if (slot && slot->text == text) return slot->key;
    auto key = parse_jwk(jwk);
    if (!key) return key;
    slots[next++ % kSlots] = Slot{std::move(text), *key};
    return key;
}

}  // namespace

result<std::string> jwk_thumbprint(const json::object& jwk) {
    const json::value* kty = jwk.if_contains("kty");
    if (kty == nullptr || !kty->is_string()) return fail(DpopError::bad_jwk);
    static constexpr std::array<std::string_view, 4> kEc{"crv", "kty", "x", "y"};
    static constexpr std::array<std::string_view, 3> kRsa{"e", "kty", "n"};
    static constexpr std::array<std::string_view, 3> kOkp{"crv", "kty", "x"};
    std::span<const std::string_view> members;
    if (kty->get_string() == "EC") {
        members = kEc;
    } else if (kty->get_string() == "RSA") {
        members = kRsa;
    } else if (kty->get_string() == "OKP") {
        members = kOkp;
    } else {
        return fail(DpopError::bad_jwk);
    }
    // RFC 7638 section 3.3: members in lexicographic order, no whitespace, values as the
    // JSON strings they are (serialize escapes them the standard way).
    std::string canonical = "{";
    for (std::string_view m : members) {
        const json::value* v = jwk.if_contains(m);
        if (v == nullptr || !v->is_string()) return fail(DpopError::bad_jwk);
        if (canonical.size() > 1) canonical.push_back(',');
        canonical += json::serialize(json::string(m));
        canonical.push_back(':');
        canonical += json::serialize(*v);
    }
    canonical.push_back('}');
    return sha256_base64url(canonical);
}

std::string dpop_access_token_hash(std::string_view access_token) {
    return sha256_base64url(access_token);
}

result<VerifiedDpopProof> verify_dpop_proof(std::string_view proof, const DpopExpectations& x) {
    if (proof.size() > x.max_proof_size) return fail(DpopError::proof_too_large);
    auto parts = detail::split_compact(proof, x.max_proof_size);
    if (!parts) return fail(DpopError::malformed);
    auto header = detail::decode_object(parts->header, Error::bad_header);
    if (!header) return fail(DpopError::malformed);

    // Check 4: explicit typing keeps other JWTs (access tokens, ID tokens) from being
    // replayed as proofs. Compared exactly as RFC 9449 section 4.2 registers it.
    const json::string* typ = string_claim(*header, "typ");
    if (typ == nullptr || *typ != "dpop+jwt") return fail(DpopError::bad_typ);
    // Check 5: an asymmetric algorithm the server allows; never none or a MAC.
    const json::string* alg_name = string_claim(*header, "alg");
    if (alg_name == nullptr) return fail(DpopError::alg_not_allowed);
    const auto alg = parse_algorithm(*alg_name);
    if (!alg || !x.algorithms.contains(*alg)) return fail(DpopError::alg_not_allowed);
    if (header->contains("crit")) return fail(DpopError::malformed);

    // Check 7: the key is in the header, public, and fits the algorithm.
    const json::value* jwk_value = header->if_contains("jwk");
    if (jwk_value == nullptr || !jwk_value->is_object()) return fail(DpopError::bad_jwk);
    const json::object& jwk_object = jwk_value->get_object();
    if (has_private_members(jwk_object)) return fail(DpopError::private_key);
    auto key = import_proof_key(jwk_object);
    if (!key || !key->fits(*alg)) return fail(DpopError::bad_jwk);

    // Check 6: the signature, before any claim is believed.
    auto signature = base64url_decode(parts->signature);
    if (!signature ||
        !detail::verify_signature(*alg, key->material(), parts->signing_input, *signature))
        return fail(DpopError::bad_signature);

    auto claims = detail::decode_object(parts->payload, Error::bad_payload);
    if (!claims) return fail(DpopError::malformed);
    const json::string* jti = string_claim(*claims, "jti");
    const json::string* htm = string_claim(*claims, "htm");
    const json::string* htu = string_claim(*claims, "htu");
    const json::value* iat = claims->if_contains("iat");
    if (jti == nullptr || jti->empty() || htm == nullptr || htu == nullptr || iat == nullptr ||
        !iat->is_number())
        return fail(DpopError::missing_claim);

    // Checks 8 and 9: the proof was made for this request, not another one.
    if (*htm != x.method) return fail(DpopError::htm_mismatch);
    if (!dpop_htu_matches(*htu, x.url)) return fail(DpopError::htu_mismatch);

    // Check 11: recent enough that the replay cache still remembers its jti.
    const double issued = iat->to_number<double>();
    const double now = static_cast<double>(
        std::chrono::duration_cast<std::chrono::seconds>(x.now.time_since_epoch()).count());
    const double window = static_cast<double>((x.iat_window + x.leeway).count());
    if (!std::isfinite(issued) || issued < now - window) return fail(DpopError::stale);
    if (issued > now + window) return fail(DpopError::issued_in_future);

    // Check 12: bound to this access token, and the token bound to this key.
    if (!x.access_token.empty()) {
        const json::string* ath = string_claim(*claims, "ath");
        if (ath == nullptr || !equal_constant_time(*ath, dpop_access_token_hash(x.access_token)))
            return fail(DpopError::ath_mismatch);
    }
    auto jkt = jwk_thumbprint(jwk_object);
    if (!jkt) return jkt.error();
    if (!x.jkt.empty() && !equal_constant_time(*jkt, x.jkt)) return fail(DpopError::key_mismatch);

    VerifiedDpopProof out;
    out.alg = *alg;
    out.jkt = std::move(*jkt);
    out.jti = std::string(*jti);
    out.iat = static_cast<std::int64_t>(issued);
    if (const json::value* nonce = claims->if_contains("nonce")) {
        if (!nonce->is_string()) return fail(DpopError::use_dpop_nonce);
        out.nonce = std::string(nonce->get_string());
    }
    return out;
}

}  // namespace warden::jose
