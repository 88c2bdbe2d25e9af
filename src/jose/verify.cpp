// verify(): the order of checks, RFC 8725 section 3 applied to RFC 9068 access tokens.
#include "jws.hpp"

#include "warden/jose/base64url.hpp"

#include <boost/json/monotonic_resource.hpp>

#include <array>

namespace warden::jose {

namespace json = boost::json;
using boost::system::result;

namespace {

// Configuration errors come first, so that a misconfigured verifier rejects every token
// the same way (fail closed) instead of depending on what the token says.
boost::system::error_code check_options(const VerifyOptions& o) {
    if (o.algorithms.empty()) return make_error_code(Error::no_algorithms_configured);
    if (o.audiences.empty()) return make_error_code(Error::no_audience_configured);
    if (o.verify_iss && o.issuers.empty()) return make_error_code(Error::no_issuer_configured);
    return {};
}

// Finds a key that fits `alg` and verifies the signature with it. With a kid only keys
// with that kid are tried; without one, at most `limit` keys of a fitting type.
boost::system::error_code verify_with_keys(const JoseHeader& h, const JwkSet& keys,
                                           std::string_view signing_input,
                                           std::string_view signature, std::size_t limit) {
    const bool by_kid = !h.kid.empty();
    std::span<const Jwk> candidates = by_kid ? keys.find(h.kid) : keys.keys();
    if (candidates.empty()) return make_error_code(Error::unknown_key);
    std::size_t tried = 0;
    for (const Jwk& key : candidates) {
        if (!key.fits(h.alg)) continue;
        if (!by_kid && tried == limit) break;
        ++tried;
        if (detail::verify_signature(h.alg, key.material(), signing_input, signature)) {
            return {};
        }
    }
    if (tried == 0) {
        return make_error_code(by_kid ? Error::alg_key_mismatch : Error::unknown_key);
    }
    return make_error_code(Error::bad_signature);
}

}  // namespace

result<VerifiedToken> verify(std::string_view token, const JwkSet& keys,
                             const VerifyOptions& options) {
    if (auto ec = check_options(options)) return ec;
    auto parts = detail::split_compact(token, options.max_token_size);
    if (!parts) return parts.error();
    // The header object lives only in this call: parse it into a stack buffer.
    std::array<unsigned char, 2048> header_buffer;
    json::monotonic_resource header_memory(header_buffer.data(), header_buffer.size());
    auto header_json = detail::decode_object(parts->header, Error::bad_header, &header_memory);
    if (!header_json) return header_json.error();
    auto parsed = detail::parse_header(*header_json);
    if (!parsed) return parsed.error();
    // value() after the check cannot throw; it keeps GCC's -Wnull-dereference quiet.
    JoseHeader header = std::move(parsed).value();
    // RFC 8725 section 3.1: the verifier, not the token, decides the algorithm.
    if (!options.algorithms.contains(header.alg)) return make_error_code(Error::alg_not_allowed);
    // RFC 8725 section 3.11 / RFC 9068 section 4: explicit typing keeps other JWT kinds
    // (ID tokens, logout tokens) from being accepted as access tokens.
    if (options.required_typ && !detail::typ_matches(header.typ, *options.required_typ)) {
        return make_error_code(Error::typ_mismatch);
    }
    // Without an explicit type to require, refuse what says it is another kind of JWT
    // (with one, that check above is authoritative: a caller verifying DPoP proofs
    // requires dpop+jwt, and those may carry `nonce`).
    const bool screen_types = options.reject_other_token_types && !options.required_typ;
    if (screen_types && !detail::may_be_access_token_typ(header.typ))
        return make_error_code(Error::typ_mismatch);
    auto signature = base64url_decode(parts->signature);
    if (!signature) return signature.error();
    if (auto ec = verify_with_keys(header, keys, parts->signing_input, signature.value(),
                                   options.max_keys_without_kid)) {
        return ec;
    }
    // The payload is parsed only once it is known to come from the key holder.
    auto claims = detail::decode_object(parts->payload, Error::bad_payload);
    if (!claims) return claims.error();
    if (screen_types && !detail::typ_matches(header.typ, "at+jwt") &&
        detail::has_other_token_claims(*claims))
        return make_error_code(Error::typ_mismatch);
    return detail::check_claims(std::move(claims).value(), std::move(header), options);
}

result<UnverifiedToken> decode_unverified(std::string_view token, std::size_t max_token_size) {
    auto parts = detail::split_compact(token, max_token_size);
    if (!parts) return parts.error();
    auto header = detail::decode_object(parts->header, Error::bad_header);
    if (!header) return header.error();
    auto claims = detail::decode_object(parts->payload, Error::bad_payload);
    if (!claims) return claims.error();
    return UnverifiedToken{std::move(header).value(), std::move(claims).value()};
}

}  // namespace warden::jose
