#pragma once
// The HTTP-facing pieces of a resource server, transport-neutral: parsing the
// Authorization header, RFC 6750 challenges, RFC 9728 protected resource metadata.

#include <warden/auth/config.hpp>

#include <boost/json/object.hpp>
#include <boost/system/result.hpp>

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace warden::auth {

/// The bearer token of an Authorization header value (scheme case-insensitive, RFC 6750
/// section 2.1). Errors: missing_token (empty value or another scheme), malformed_header
/// (no token, or characters outside b64token).
boost::system::result<std::string_view> bearer_token(std::string_view authorization);

/// The token of an Authorization header with the Bearer or the DPoP scheme (RFC 9449
/// section 7.1: `Authorization: DPoP <token>`). Errors as bearer_token().
struct PresentedToken {
    bool dpop = false;  ///< the DPoP scheme, not Bearer
    std::string_view token;
};
boost::system::result<PresentedToken> presented_token(std::string_view authorization);

/// The parameters of a `WWW-Authenticate: Bearer` (or `DPoP`) challenge.
struct Challenge {
    std::string resource_metadata;  ///< RFC 9728 section 5.1
    std::vector<std::string> scopes;
    std::string error;  ///< "", "invalid_request", "invalid_token", "insufficient_scope"
    std::string error_description;
    std::string scheme = "Bearer";  ///< or "DPoP"
    std::string algs{};             ///< DPoP only: accepted proof algorithms (RFC 9449 7.1)
};

/// Formats a challenge: `Bearer resource_metadata="...", scope="...", error="...",
/// error_description="..."`, omitting empty parameters, values quoted and escaped
/// (quoted-string, RFC 9110 section 5.6.4; control characters dropped).
std::string format_challenge(const Challenge& challenge);

/// The metadata URL of a resource (RFC 9728 section 3.1): the well-known path inserted
/// between the host and the path, e.g. https://h/mcp -> https://h/.well-known/
/// oauth-protected-resource/mcp. Precondition: `canonical_url` passed validate().
std::string resource_metadata_url(std::string_view canonical_url);

/// The request paths that serve the metadata: the path-specific one and the bare root.
std::vector<std::string> resource_metadata_paths(std::string_view canonical_url);

/// The protected resource metadata document (RFC 9728 section 2).
boost::json::object protected_resource_metadata(const ResourceServerAuth& config);

/// The scopes a 403 asks for: those of `required` the token has plus the missing ones,
/// i.e. all of `required`, followed by the token's other scopes from `relevant`.
std::vector<std::string> step_up_scopes(const std::vector<std::string>& required,
                                        const std::vector<std::string>& granted_relevant);

/// The scopes of `required` that `principal_scopes` lacks.
std::vector<std::string> missing_scopes(const std::vector<std::string>& required,
                                        const std::set<std::string>& principal_scopes);

}  // namespace warden::auth
