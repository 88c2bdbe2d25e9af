// MCP_RESOURCE_SERVER_* variables (arcade-mcp compatible) -> ResourceServerAuth.
#include <warden/auth/env_config.hpp>

#include "auth/dpop_env.hpp"

#include <boost/json/parse.hpp>

#include <set>

namespace warden::auth {
namespace {

namespace json = boost::json;

constexpr std::string_view kCanonical = "MCP_RESOURCE_SERVER_CANONICAL_URL";
constexpr std::string_view kServers = "MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS";
constexpr std::string_view kScopes = "MCP_RESOURCE_SERVER_SCOPES_SUPPORTED";
constexpr std::string_view kChallenge = "MCP_RESOURCE_SERVER_DEFAULT_CHALLENGE_SCOPES";
constexpr std::string_view kRequired = "MCP_RESOURCE_SERVER_REQUIRED_SCOPES";
constexpr std::string_view kHide = "MCP_RESOURCE_SERVER_HIDE_UNAUTHORIZED_TOOLS";
constexpr std::string_view kImplications = "MCP_RESOURCE_SERVER_SCOPE_IMPLICATIONS";
constexpr std::string_view kCooldown = "MCP_RESOURCE_SERVER_JWKS_REFETCH_COOLDOWN";
constexpr std::string_view kMaxStale = "MCP_RESOURCE_SERVER_JWKS_MAX_STALE";

ConfigError problem(std::string_view where, std::string what) {
    return {make_error_code(Error::bad_configuration), std::string(where) + ": " + what};
}

// A whole number of seconds, for the JWKS cache variables.
boost::system::result<std::chrono::seconds, ConfigError> parse_seconds(std::string_view name,
                                                                       const std::string& v) {
    if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
        return problem(name, "must be a whole number of seconds");
    return std::chrono::seconds(std::stoll(v));
}

std::vector<std::string> split_scopes(std::string_view s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == ',')) ++i;
        auto j = i;
        while (j < s.size() && s[j] != ' ' && s[j] != '\t' && s[j] != ',') ++j;
        if (j > i) out.emplace_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

boost::system::result<std::string, ConfigError> get_string(const json::object& o,
                                                           std::string_view key,
                                                           const std::string& at, bool required) {
    const auto* v = o.if_contains(key);
    if (!v || v->is_null()) {
        if (required)
            return problem(std::string(kServers), at + " is missing \"" + std::string(key) + "\"");
        return std::string{};
    }
    if (!v->is_string() || v->get_string().empty())
        return problem(std::string(kServers),
                       at + "." + std::string(key) + " must be a non-empty string");
    return std::string(v->get_string());
}

boost::system::result<bool, ConfigError> get_bool(const json::object& o, std::string_view key,
                                                  const std::string& at, bool fallback) {
    const auto* v = o.if_contains(key);
    if (!v) return fallback;
    if (!v->is_bool())
        return problem(std::string(kServers),
                       at + "." + std::string(key) + " must be true or false");
    return v->get_bool();
}

boost::system::result<jose::AlgorithmSet, ConfigError> parse_algorithms(const json::object& o,
                                                                        const std::string& at) {
    const auto* one = o.if_contains("algorithm");
    const auto* many = o.if_contains("algorithms");
    if (one && many)
        return problem(kServers, at + " has both \"algorithm\" and \"algorithms\"; use one");
    if (!one && !many) return jose::kAllAsymmetricAlgorithms;
    std::vector<const json::value*> names;
    if (one) {
        names.push_back(one);
    } else {
        if (!many->is_array() || many->get_array().empty())
            return problem(kServers, at + ".algorithms must be a non-empty array of names");
        for (const auto& v : many->get_array()) names.push_back(&v);
    }
    jose::AlgorithmSet set;
    for (const auto* v : names) {
        if (!v->is_string()) return problem(kServers, at + ": an algorithm must be a string");
        const std::string name(v->get_string());
        auto alg = jose::parse_algorithm(name);
        if (!alg) {
            std::string why = "\"" + name + "\" is not an allowed algorithm";
            if (name.starts_with("HS") || name == "none")
                why += " (none and HMAC are never accepted: RFC 8725 section 3.1)";
            return problem(kServers, at + ": " + why);
        }
        set.insert(*alg);
    }
    return set;
}

// Warden's extension: {"endpoint", "client_id", "client_secret", "client_auth",
// "positive_ttl", "negative_ttl"}.
boost::system::result<Introspection, ConfigError> parse_introspection_config(
    const json::value& v, const std::string& at) {
    if (!v.is_object()) return problem(kServers, at + " must be an object");
    const auto& o = v.get_object();
    for (const auto& kv : o)
        if (kv.key() != "endpoint" && kv.key() != "client_id" && kv.key() != "client_secret" &&
            kv.key() != "client_auth" && kv.key() != "positive_ttl" && kv.key() != "negative_ttl")
            return problem(kServers,
                           at + " has an unknown field \"" + std::string(kv.key()) + "\"");
    Introspection in;
    for (auto [key, field] :
         {std::pair{"endpoint", &in.endpoint}, std::pair{"client_id", &in.client_id},
          std::pair{"client_secret", &in.client_secret}}) {
        auto s = get_string(o, key, at, true);
        if (!s) return s.error();
        *field = s.value();
    }
    auto method = get_string(o, "client_auth", at, false);
    if (!method) return method.error();
    if (method.value() == "client_secret_post")
        in.client_auth = Introspection::ClientAuth::client_secret_post;
    else if (!method.value().empty() && method.value() != "client_secret_basic")
        return problem(kServers,
                       at + ".client_auth must be client_secret_basic or client_secret_post");
    // How long a revoked token keeps working (positive) or a bad one stays refused
    // (negative) without asking the AS again: 0 asks on every request.
    for (auto [key, field] : {std::pair{"positive_ttl", &in.positive_ttl},
                              std::pair{"negative_ttl", &in.negative_ttl}}) {
        const auto* ttl = o.if_contains(key);
        if (!ttl) continue;
        if (!ttl->is_number() || ttl->to_number<double>() < 0 || ttl->to_number<double>() > 86400)
            return problem(kServers,
                           at + "." + key + " must be a number of seconds from 0 to 86400");
        *field = std::chrono::seconds(static_cast<long long>(ttl->to_number<double>()));
    }
    return in;
}

boost::system::result<AuthorizationServerEntry, ConfigError> parse_entry(const json::value& v,
                                                                         std::size_t index) {
    const std::string at = "entry " + std::to_string(index);
    if (!v.is_object()) return problem(kServers, at + " must be a JSON object");
    const auto& o = v.get_object();
    static const std::set<std::string, std::less<>> kKnown = {"authorization_server_url",
                                                              "issuer",
                                                              "jwks_uri",
                                                              "algorithm",
                                                              "algorithms",
                                                              "expected_audiences",
                                                              "validation_options",
                                                              "introspection",
                                                              "dpop"};
    for (const auto& kv : o)
        if (!kKnown.contains(kv.key()))
            return problem(kServers,
                           at + " has an unknown field \"" + std::string(kv.key()) + "\"");
    AuthorizationServerEntry e;
    auto url = get_string(o, "authorization_server_url", at, true);
    if (!url) return url.error();
    e.authorization_server_url = url.value();
    auto iss = get_string(o, "issuer", at, true);
    if (!iss) return iss.error();
    e.issuer = iss.value();
    auto jwks = get_string(o, "jwks_uri", at, false);
    if (!jwks) return jwks.error();
    e.jwks_uri = jwks.value();
    auto algs = parse_algorithms(o, at);
    if (!algs) return algs.error();
    e.algorithms = algs.value();
    if (const auto* aud = o.if_contains("expected_audiences")) {
        if (!aud->is_array() || aud->get_array().empty())
            return problem(kServers, at + ".expected_audiences must be a non-empty array");
        for (const auto& a : aud->get_array()) {
            if (!a.is_string() || a.get_string().empty())
                return problem(kServers, at + ".expected_audiences must hold non-empty strings");
            e.expected_audiences.emplace_back(a.get_string());
        }
    }
    if (const auto* dpop = o.if_contains("dpop")) {
        auto policy = parse_dpop_policy(*dpop);
        if (!policy)
            return problem(kServers, at + ".dpop must be \"off\", \"allowed\" or \"required\"");
        e.dpop = *policy;
    }
    if (const auto* in = o.if_contains("introspection")) {
        auto parsed = parse_introspection_config(*in, at + ".introspection");
        if (!parsed) return parsed.error();
        e.introspection = std::move(parsed.value());
    }
    if (const auto* vo = o.if_contains("validation_options")) {
        if (!vo->is_object())
            return problem(kServers, at + ".validation_options must be an object");
        const auto& opts = vo->get_object();
        const std::string vat = at + ".validation_options";
        static const std::set<std::string, std::less<>> kOptions = {
            "verify_exp", "verify_iat", "verify_iss", "verify_nbf", "leeway", "require_typ"};
        for (const auto& kv : opts)
            if (!kOptions.contains(kv.key()))
                return problem(kServers,
                               vat + " has an unknown field \"" + std::string(kv.key()) + "\"");
        auto& out = e.validation_options;
        for (auto [key, field] :
             {std::pair{"verify_exp", &out.verify_exp}, std::pair{"verify_iat", &out.verify_iat},
              std::pair{"verify_iss", &out.verify_iss}, std::pair{"verify_nbf", &out.verify_nbf}}) {
            auto b = get_bool(opts, key, vat, true);
            if (!b) return b.error();
            *field = b.value();
        }
        if (const auto* leeway = opts.if_contains("leeway")) {
            if (!leeway->is_number() || leeway->to_number<double>() < 0)
                return problem(kServers, vat + ".leeway must be a non-negative number of seconds");
            if (leeway->to_number<double>() > 600)
                return problem(kServers, vat + ".leeway must be at most 600 seconds");
            out.leeway = std::chrono::seconds(static_cast<long long>(leeway->to_number<double>()));
        }
        if (const auto* typ = opts.if_contains("require_typ")) {
            if (!typ->is_string()) return problem(kServers, vat + ".require_typ must be a string");
            out.required_typ = std::string(typ->get_string());
        }
    }
    return e;
}

}  // namespace

boost::system::result<std::vector<AuthorizationServerEntry>, ConfigError>
parse_authorization_servers(std::string_view text) {
    boost::system::error_code ec;
    json::value doc = json::parse(text, ec);
    if (ec) return problem(kServers, "is not valid JSON (" + ec.message() + ")");
    // A single object is accepted as a one-entry list.
    if (doc.is_object()) doc = json::array{doc};
    if (!doc.is_array()) return problem(kServers, "must be a JSON array of objects");
    if (doc.get_array().empty()) return problem(kServers, "is an empty array");
    std::vector<AuthorizationServerEntry> out;
    for (std::size_t i = 0; i < doc.get_array().size(); ++i) {
        auto e = parse_entry(doc.get_array()[i], i);
        if (!e) return e.error();
        out.push_back(std::move(e.value()));
    }
    return out;
}

boost::system::result<std::optional<ResourceServerAuth>, ConfigError> load_from_env(
    const EnvLookup& env) {
    auto canonical = env(kCanonical);
    auto servers = env(kServers);
    auto scopes = env(kScopes);
    auto challenge = env(kChallenge);
    auto required = env(kRequired);
    auto hide = env(kHide);
    auto cooldown = env(kCooldown);
    auto max_stale = env(kMaxStale);
    auto implications = env(kImplications);
    if (!canonical && !servers && !scopes && !challenge && !required && !hide && !cooldown &&
        !max_stale && !implications)
        return std::optional<ResourceServerAuth>{};
    if (!canonical || canonical->empty())
        return problem(kCanonical,
                       "is required when other MCP_RESOURCE_SERVER_* variables are set");
    if (!servers || servers->empty())
        return problem(kServers, "is required with " + std::string(kCanonical));
    ResourceServerAuth config;
    config.canonical_url = *canonical;
    auto entries = parse_authorization_servers(*servers);
    if (!entries) return entries.error();
    config.authorization_servers = std::move(entries.value());
    if (scopes) config.scopes_supported = split_scopes(*scopes);
    if (challenge) config.default_challenge_scopes = split_scopes(*challenge);
    if (required) config.required_scopes = split_scopes(*required);
    if (implications && !implications->empty()) {
        auto parsed = parse_scope_implications(*implications);
        if (!parsed) return problem(kImplications, parsed.error().message);
        config.scope_implications = std::move(parsed.value());
    }
    if (hide) {
        if (*hide == "1" || *hide == "true")
            config.hide_unauthorized_tools = true;
        else if (*hide != "0" && *hide != "false" && !hide->empty())
            return problem(kHide, "must be true, false, 1 or 0");
    }
    if (cooldown) {
        auto s = parse_seconds(kCooldown, *cooldown);
        if (!s) return s.error();
        config.jwks_cache.refetch_cooldown = s.value();
    }
    if (max_stale) {
        auto s = parse_seconds(kMaxStale, *max_stale);
        if (!s) return s.error();
        config.jwks_cache.max_stale = s.value();
    }
    if (auto dpop = load_dpop_env(env, config.dpop); !dpop) return dpop.error();
    if (auto valid = validate(config); !valid) {
        // Name the variable that carries the setting.
        auto e = valid.error();
        if (e.message.starts_with("canonical_url"))
            e.message = std::string(kCanonical) + e.message.substr(13);
        else if (e.message.starts_with("authorization_servers"))
            e.message = std::string(kServers) + e.message.substr(21);
        else if (e.message.starts_with("scopes"))
            e.message = "MCP_RESOURCE_SERVER_*_SCOPES" + e.message.substr(6);
        return e;
    }
    return std::optional<ResourceServerAuth>(std::move(config));
}

}  // namespace warden::auth
