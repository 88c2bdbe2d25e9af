#pragma once
// Internal: finding an issuer's jwks_uri from its RFC 8414 metadata, then OpenID
// Connect discovery, asynchronously through the injected fetcher.

#include <warden/auth/runtime.hpp>

#include <boost/system/result.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace warden::auth {

/// The metadata URLs to try for `issuer`, in order: RFC 8414 section 3.1 (well-known
/// inserted before the issuer's path), then OpenID Connect Discovery 1.0 section 4
/// (appended), then the RFC 8414 section 5 compatibility form when the issuer has a path.
std::vector<std::string> discovery_urls(std::string_view issuer);

/// The `jwks_uri` of a metadata document whose `issuer` must equal `issuer` exactly
/// (RFC 8414 section 3.3). Errors: bad_document.
boost::system::result<std::string> jwks_uri_from_metadata(std::string_view document,
                                                          std::string_view issuer);

/// Tries the discovery URLs in order and calls `done` with the first usable jwks_uri.
/// Errors: unavailable (nothing reachable), bad_document.
void discover_jwks_uri(Fetcher& fetcher, std::string issuer,
                       std::function<void(boost::system::result<std::string>)> done);

}  // namespace warden::auth
