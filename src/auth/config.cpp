#include <warden/auth/config.hpp>

#include <boost/url/parse.hpp>

namespace warden::auth {
namespace {

ConfigError problem(std::string setting, std::string what) {
    return {make_error_code(Error::bad_configuration), std::move(setting) + ": " + what};
}

bool is_loopback_host(std::string_view host) {
    return host == "localhost" || host == "[::1]" || host.starts_with("127.");
}

// https, or http on a loopback host (MCP authorization: "all authorization server
// endpoints MUST be served over HTTPS"; loopback is for development).
std::optional<std::string> check_url(std::string_view url, bool allow_file = false) {
    if (url.empty()) return "is empty";
    auto u = boost::urls::parse_absolute_uri(url);
    if (!u) {
        // parse_absolute_uri rejects fragments; say why precisely.
        if (url.find('#') != std::string_view::npos) return "must not contain a fragment";
        return "is not an absolute URL";
    }
    if (allow_file && u->scheme() == "file") return std::nullopt;
    if (u->scheme() != "https" && u->scheme() != "http") return "must be an https URL";
    if (!u->has_authority() || u->encoded_host().empty()) return "has no host";
    if (u->scheme() == "http" && !is_loopback_host(u->encoded_host()))
        return "must use https (plain http is allowed only for loopback hosts)";
    return std::nullopt;
}

std::optional<std::pair<std::string, std::string>> check_dpop(const DpopSettings& d) {
    if (d.algorithms.empty()) return std::pair{"algorithms", "is empty"};
    if (d.iat_window.count() <= 0 || d.iat_window > std::chrono::hours(1))
        return std::pair{"iat_window", "must be between 1 and 3600 seconds"};
    if (d.leeway.count() < 0 || d.leeway > std::chrono::minutes(10))
        return std::pair{"leeway", "must be between 0 and 600 seconds"};
    if (d.nonce_lifetime < std::chrono::seconds(10) || d.nonce_lifetime > std::chrono::hours(24))
        return std::pair{"nonce_lifetime", "must be between 10 seconds and 24 hours"};
    if (!d.nonce_key.empty() && d.nonce_key.size() != 32)
        return std::pair{"nonce_key", "must be 32 bytes (AES-256)"};
    if (d.replay_cache_max_entries == 0 && !d.replay_cache)
        return std::pair{"replay_cache_max_entries", "must not be 0"};
    return std::nullopt;
}

}  // namespace

boost::system::result<void, ConfigError> validate(const ResourceServerAuth& config) {
    if (auto bad = check_url(config.canonical_url)) return problem("canonical_url", *bad);
    if (config.canonical_url.find('#') != std::string::npos)
        return problem("canonical_url", "must not contain a fragment");
    if (auto h = ScopeHierarchy::create(config.scope_implications); !h)
        return problem("scope_implications", h.error().message);
    if (config.authorization_servers.empty())
        return problem("authorization_servers", "at least one authorization server is needed");
    for (std::size_t i = 0; i < config.authorization_servers.size(); ++i) {
        const auto& e = config.authorization_servers[i];
        const std::string at = "authorization_servers[" + std::to_string(i) + "].";
        if (auto bad = check_url(e.authorization_server_url))
            return problem(at + "authorization_server_url", *bad);
        if (e.issuer.empty()) return problem(at + "issuer", "is empty");
        if (!e.jwks_uri.empty()) {
            if (auto bad = check_url(e.jwks_uri, true)) return problem(at + "jwks_uri", *bad);
        } else if (auto bad = check_url(e.issuer)) {
            return problem(at + "issuer",
                           "must be an https URL when jwks_uri is omitted (it is discovered "
                           "from the issuer's metadata): " +
                               *bad);
        }
        if (e.algorithms.empty()) return problem(at + "algorithms", "is empty");
        for (const auto& aud : e.expected_audiences)
            if (aud.empty()) return problem(at + "expected_audiences", "contains an empty string");
        if (e.validation_options.leeway.count() < 0)
            return problem(at + "validation_options.leeway", "must not be negative");
        if (e.validation_options.leeway > std::chrono::minutes(10))
            return problem(at + "validation_options.leeway", "must be at most 600 seconds");
        if (e.introspection) {
            const auto& in = *e.introspection;
            if (auto bad = check_url(in.endpoint))
                return problem(at + "introspection.endpoint", *bad);
            if (in.client_id.empty()) return problem(at + "introspection.client_id", "is empty");
            if (in.client_secret.empty())
                return problem(at + "introspection.client_secret", "is empty");
        }
    }
    if (auto bad = check_dpop(config.dpop)) return problem("dpop." + bad->first, bad->second);
    const auto& j = config.jwks_cache;
    if (j.min_ttl > j.max_ttl) return problem("jwks_cache.min_ttl", "is larger than max_ttl");
    if (j.refetch_cooldown.count() < 0)
        return problem("jwks_cache.refetch_cooldown", "must not be negative");
    for (const auto* list :
         {&config.scopes_supported, &config.default_challenge_scopes, &config.required_scopes})
        for (const auto& scope : *list)
            if (scope.empty() || scope.find_first_of(" \"\\") != std::string::npos)
                return problem("scopes",
                               "a scope is empty or contains a space, quote or "
                               "backslash (RFC 6749 section 3.3)");
    return {};
}

std::vector<std::string> expected_audiences(const ResourceServerAuth& config,
                                            const AuthorizationServerEntry& entry) {
    if (!entry.expected_audiences.empty()) return entry.expected_audiences;
    return {config.canonical_url};
}

}  // namespace warden::auth
