// RFC 9728 protected resource metadata.
#include <warden/auth/http.hpp>

#include <boost/json/array.hpp>
#include <boost/url/parse.hpp>

namespace warden::auth {
namespace {

// The canonical URL's path without a trailing slash ("" for the root).
std::pair<std::string, std::string> origin_and_path(std::string_view canonical_url) {
    auto u = boost::urls::parse_absolute_uri(canonical_url);
    if (!u) return {std::string(canonical_url), {}};
    std::string path(u->encoded_path());
    while (!path.empty() && path.back() == '/') path.pop_back();
    return {std::string(u->scheme()) + "://" + std::string(u->encoded_authority()), path};
}

// RFC 9728 section 2: the DPoP members, when some authorization server's tokens may be
// DPoP-bound (RFC 9449 section 7); required only when every one demands it.
void add_dpop_metadata(const ResourceServerAuth& config, boost::json::object& doc) {
    bool any = false;
    bool all_required = true;
    for (const auto& e : config.authorization_servers) {
        any = any || e.dpop != DpopPolicy::off;
        all_required = all_required && e.dpop == DpopPolicy::required;
    }
    if (!any) return;
    boost::json::array algs;
    for (int i = 0; i <= static_cast<int>(jose::Algorithm::EdDSA); ++i)
        if (config.dpop.algorithms.contains(static_cast<jose::Algorithm>(i)))
            algs.emplace_back(jose::to_string(static_cast<jose::Algorithm>(i)));
    doc["dpop_signing_alg_values_supported"] = std::move(algs);
    doc["dpop_bound_access_tokens_required"] = all_required && !config.validator;
}

}  // namespace

std::string resource_metadata_url(std::string_view canonical_url) {
    auto [origin, path] = origin_and_path(canonical_url);
    return origin + "/.well-known/oauth-protected-resource" + path;
}

std::vector<std::string> resource_metadata_paths(std::string_view canonical_url) {
    auto [origin, path] = origin_and_path(canonical_url);
    std::vector<std::string> out{"/.well-known/oauth-protected-resource" + path};
    if (!path.empty()) out.push_back("/.well-known/oauth-protected-resource");
    return out;
}

boost::json::object protected_resource_metadata(const ResourceServerAuth& config) {
    boost::json::object doc;
    doc["resource"] = config.canonical_url;
    boost::json::array servers;
    for (const auto& e : config.authorization_servers) {
        // Entries may repeat a URL (several issuers, one AS): publish it once.
        const boost::json::value url(e.authorization_server_url);
        if (std::find(servers.begin(), servers.end(), url) == servers.end()) servers.push_back(url);
    }
    doc["authorization_servers"] = std::move(servers);
    doc["bearer_methods_supported"] = boost::json::array{"header"};
    add_dpop_metadata(config, doc);
    if (!config.scopes_supported.empty()) {
        boost::json::array scopes;
        for (const auto& s : config.scopes_supported) scopes.emplace_back(s);
        doc["scopes_supported"] = std::move(scopes);
    }
    return doc;
}

}  // namespace warden::auth
