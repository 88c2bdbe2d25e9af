// Compact JWS splitting and JOSE header parsing (RFC 7515 sections 4 and 7.1).
#include "jws.hpp"

#include "warden/jose/base64url.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>

namespace warden::jose::detail {

namespace json = boost::json;
using boost::system::result;

result<CompactToken> split_compact(std::string_view token, std::size_t max_size) {
    if (token.size() > max_size) return make_error_code(Error::token_too_large);
    const std::size_t first = token.find('.');
    if (first == std::string_view::npos) return make_error_code(Error::malformed);
    const std::size_t second = token.find('.', first + 1);
    // Exactly three segments: a fourth would be JWE-like or garbage (RFC 7516 has five).
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
        return make_error_code(Error::malformed);
    }
    CompactToken t;
    t.header = token.substr(0, first);
    t.payload = token.substr(first + 1, second - first - 1);
    t.signature = token.substr(second + 1);
    t.signing_input = token.substr(0, second);
    // An empty signature (as `alg: none` has) is left to fail as a bad signature after
    // the algorithm check, so that `none` is reported as what it is.
    if (t.header.empty() || t.payload.empty()) return make_error_code(Error::malformed);
    return t;
}

result<json::object> decode_object(std::string_view segment, Error not_object,
                                   json::storage_ptr sp) {
    auto bytes = base64url_decode(segment);
    if (!bytes) return bytes.error();
    boost::system::error_code ec;
    // Boost.JSON keeps the last of duplicate members, which RFC 7515 section 4 permits.
    json::value v = json::parse(*bytes, ec, std::move(sp));
    if (ec || !v.is_object()) return make_error_code(not_object);
    return std::move(v.get_object());
}

result<JoseHeader> parse_header(const json::object& h) {
    // RFC 7515 section 4.1.11: a recipient that does not understand a crit extension must
    // reject; Warden understands none, so any crit is rejected.
    if (h.contains("crit")) return make_error_code(Error::crit_unsupported);
    const json::value* alg = h.if_contains("alg");
    if (alg == nullptr || !alg->is_string()) return make_error_code(Error::bad_header);
    JoseHeader out;
    // RFC 8725 section 3.1: `none` and HMAC (a public key used as a secret) never pass.
    auto parsed = parse_algorithm(alg->get_string());
    if (!parsed) return make_error_code(Error::alg_not_allowed);
    out.alg = *parsed;
    if (const json::value* kid = h.if_contains("kid")) {
        if (!kid->is_string()) return make_error_code(Error::bad_header);
        out.kid = std::string(kid->get_string());
    }
    if (const json::value* typ = h.if_contains("typ")) {
        if (!typ->is_string()) return make_error_code(Error::bad_header);
        out.typ = std::string(typ->get_string());
    }
    // jku, x5u, jwk and x5c are deliberately not read: a key named by the token itself
    // proves nothing (RFC 8725 section 3.10).
    return out;
}

namespace {

std::string_view strip_application(std::string_view t) noexcept {
    constexpr std::string_view kPrefix = "application/";
    if (t.size() > kPrefix.size() &&
        std::equal(kPrefix.begin(), kPrefix.end(), t.begin(), [](char a, char b) {
            return a == std::tolower(static_cast<unsigned char>(b));
        })) {
        t.remove_prefix(kPrefix.size());
    }
    return t;
}

}  // namespace

bool typ_matches(std::string_view typ, std::string_view required) noexcept {
    typ = strip_application(typ);
    required = strip_application(required);
    return typ.size() == required.size() &&
           std::equal(typ.begin(), typ.end(), required.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) ==
                      std::tolower(static_cast<unsigned char>(b));
           });
}

bool may_be_access_token_typ(std::string_view typ) noexcept {
    return typ.empty() || typ_matches(typ, "JWT") || typ_matches(typ, "at+jwt");
}

bool has_other_token_claims(const boost::json::object& claims) noexcept {
    for (std::string_view name : {"nonce", "at_hash", "c_hash", "s_hash", "events"})
        if (claims.contains(name)) return true;
    return false;
}

}  // namespace warden::jose::detail
