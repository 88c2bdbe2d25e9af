#pragma once
// Internal: RFC 7662 token introspection for opaque access tokens.

#include <warden/auth/config.hpp>
#include <warden/auth/runtime.hpp>
#include <warden/principal.hpp>

#include <boost/system/result.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace warden::auth {

/// application/x-www-form-urlencoded encoding of one value (RFC 6749 appendix B).
std::string form_encode(std::string_view value);

/// The POST request for `token` with the configured client authentication: HTTP Basic
/// with form-encoded id and secret (RFC 6749 section 2.3.1), or both in the body.
FetchRequest introspection_request(const Introspection& config, std::string_view token);

/// Reads an introspection response (RFC 7662 section 2.2). An active token must carry
/// `aud` containing one of `audiences` (the audience check cannot be switched off), a
/// `sub` (or at least a `client_id`), an unexpired `exp` if present, and an `iss` equal
/// to `issuer` if present. Errors: token_inactive (active false or a failed check),
/// bad_introspection_response.
boost::system::result<Principal> parse_introspection(std::string_view body, std::string_view issuer,
                                                     const std::vector<std::string>& audiences,
                                                     std::chrono::system_clock::time_point now,
                                                     std::chrono::seconds leeway);

}  // namespace warden::auth
