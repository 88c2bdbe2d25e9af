#pragma once
// Token validators: the interface a custom one implements, and the built-in ones.

#include <warden/auth/config.hpp>
#include <warden/auth/runtime.hpp>
#include <warden/principal.hpp>

#include <boost/system/result.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace warden::auth {

using PrincipalPtr = std::shared_ptr<const Principal>;
/// The verdict on a token: the principal, or an error whose condition_of() is
/// invalid_token or unavailable.
using ValidationResult = boost::system::result<PrincipalPtr>;
using ValidationCallback = std::function<void(ValidationResult)>;

/// Turns a bearer token into a Principal (arcade-mcp `ResourceServerValidator`).
/// Implementations must not block the calling thread on the network: complete `done`
/// later, from any thread, exactly once. Thread-safe.
class TokenValidator {
  public:
    virtual ~TokenValidator() = default;
    /// Validates `token` (the bearer credential, never logged) and calls `done`.
    virtual void validate(std::string token, ValidationCallback done) = 0;
    /// A cached verdict for `token` without any work beyond a hash lookup; null when the
    /// validator has none.
    virtual PrincipalPtr cached(std::string_view /*token*/) { return nullptr; }
    /// Stops background work (fetches); pending callbacks may never run. Idempotent.
    virtual void stop() {}
};

/// A single-issuer JWT validator (arcade-mcp `JWKSTokenValidator`).
struct JwksValidatorOptions {
    std::string jwks_uri;
    std::vector<std::string> issuers;    ///< at least one
    std::vector<std::string> audiences;  ///< at least one; never "any"
    jose::AlgorithmSet algorithms = jose::kAllAsymmetricAlgorithms;
    ValidationOptions validation_options{};
    JwksCacheSettings jwks_cache{};
    TokenCacheSettings token_cache{};
};

/// The validator of a resource server configuration: JWTs routed by `iss` to their entry
/// and checked against its JWKS; opaque tokens introspected when an entry allows it.
/// Errors: the configuration is invalid.
boost::system::result<std::shared_ptr<TokenValidator>, ConfigError> make_validator(
    const ResourceServerAuth& config, Runtime runtime = {});

/// A validator for one JWKS URI and its issuers and audiences.
boost::system::result<std::shared_ptr<TokenValidator>, ConfigError> make_jwks_validator(
    const JwksValidatorOptions& options, Runtime runtime = {});

/// The Principal of verified claims: sub, client_id (else azp), iss, scopes (`scope`
/// and `scp`), exp, and every claim.
Principal principal_from_claims(const boost::json::object& claims);

}  // namespace warden::auth
