#pragma once
// Internal pieces of verify(): compact splitting, header parsing, signatures, claims.

#include "key_material.hpp"

#include "warden/jose/error.hpp"
#include "warden/jose/verify.hpp"

#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>

namespace warden::jose::detail {

/// The three segments of a compact JWS, still base64url-encoded.
struct CompactToken {
    std::string_view header;
    std::string_view payload;
    std::string_view signature;
    std::string_view signing_input;  ///< header '.' payload, what the signature covers
};

/// Splits a compact JWS (RFC 7515 section 7.1): three segments, header and payload
/// non-empty. Errors: token_too_large, malformed.
boost::system::result<CompactToken> split_compact(std::string_view token, std::size_t max_size);

/// Decodes a base64url segment holding a JSON object; `not_object` when it does not.
boost::system::result<boost::json::object> decode_object(std::string_view segment, Error not_object,
                                                         boost::json::storage_ptr sp = {});

/// Reads alg, kid, typ from a decoded header and rejects crit. Errors: bad_header,
/// crit_unsupported, alg_not_allowed (none, HMAC, unknown names).
boost::system::result<JoseHeader> parse_header(const boost::json::object& header);

/// True when typ equals required, ignoring case and an "application/" prefix.
bool typ_matches(std::string_view typ, std::string_view required) noexcept;
/// True when `typ` (the header value, empty when absent) can name an access token: absent,
/// "JWT" or "at+jwt". Every other value, e.g. "logout+jwt", "secevent+jwt", "dpop+jwt",
/// "id_token+jwt", names another kind of token (RFC 8725 section 3.11).
bool may_be_access_token_typ(std::string_view typ) noexcept;
/// True when `claims` holds a claim that only ID tokens (`nonce`, `at_hash`, `c_hash`,
/// `s_hash`; OpenID Connect Core 1.0 section 2 and 3.3.2.11, FAPI) or security event tokens
/// (`events`, RFC 8417 section 2.2, which logout tokens are) carry.
bool has_other_token_claims(const boost::json::object& claims) noexcept;

/// Verifies a JWS signature (raw JOSE encoding) over `signing_input` with `key`.
/// The caller has checked that the key fits `alg`.
bool verify_signature(Algorithm alg, const KeyMaterial& key, std::string_view signing_input,
                      std::string_view signature) noexcept;

/// Converts a JOSE ECDSA signature (r || s, each `raw.size() / 2` bytes) to DER.
/// Returns the DER length written to `out` (>= 141 bytes), or 0 if r or s is zero.
std::size_t ecdsa_raw_to_der(std::string_view raw, unsigned char* out) noexcept;

/// Checks the registered claims and builds the verified token.
boost::system::result<VerifiedToken> check_claims(boost::json::object claims, JoseHeader header,
                                                  const VerifyOptions& options);

}  // namespace warden::jose::detail
