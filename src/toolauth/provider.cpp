#include <warden/toolauth/provider.hpp>
#include <warden/toolauth/scopes.hpp>

#include <cctype>

namespace warden::toolauth {

namespace providers {

Provider github() {
    Provider p;
    p.id = "github";
    p.display_name = "GitHub";
    p.authorization_endpoint = "https://github.com/login/oauth/authorize";
    p.token_endpoint = "https://github.com/login/oauth/access_token";
    p.api_base_url = "https://api.github.com";
    return p;
}

Provider google() {
    Provider p;
    p.id = "google";
    p.display_name = "Google";
    p.authorization_endpoint = "https://accounts.google.com/o/oauth2/v2/auth";
    p.token_endpoint = "https://oauth2.googleapis.com/token";
    p.issuer = "https://accounts.google.com";
    p.api_base_url = "https://www.googleapis.com";
    // Refresh tokens only come with offline access; keep earlier grants when adding scopes.
    p.extra_authorize_params = {{"access_type", "offline"}, {"include_granted_scopes", "true"}};
    return p;
}

Provider microsoft(std::string tenant) {
    Provider p;
    p.id = "microsoft";
    p.display_name = "Microsoft";
    const std::string base = "https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/";
    p.authorization_endpoint = base + "authorize";
    p.token_endpoint = base + "token";
    p.api_base_url = "https://graph.microsoft.com";
    p.base_scopes = {"offline_access"};
    return p;
}

Provider slack() {
    Provider p;
    p.id = "slack";
    p.display_name = "Slack";
    p.authorization_endpoint = "https://slack.com/oauth/v2/authorize";
    p.token_endpoint = "https://slack.com/api/oauth.v2.access";
    p.api_base_url = "https://slack.com/api";
    p.scope_parameter = "user_scope";
    return p;
}

Provider oauth2(std::string id, std::string authorization_endpoint, std::string token_endpoint) {
    Provider p;
    p.display_name = id;
    p.id = std::move(id);
    p.authorization_endpoint = std::move(authorization_endpoint);
    p.token_endpoint = std::move(token_endpoint);
    return p;
}

std::vector<Provider> presets() {
    return {github(), google(), microsoft(), slack()};
}

}  // namespace providers

std::string provider_env_name(std::string_view id, std::string_view field) {
    std::string out = "WARDEN_PROVIDER_";
    for (char c : id)
        out += c == '-' || c == '.'
                   ? '_'
                   : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out += '_';
    out += field;
    return out;
}

void apply_environment(Provider& p, const EnvLookup& env, bool endpoints_from_code) {
    auto get = [&](std::string_view field) { return env(provider_env_name(p.id, field)); };
    // Credentials: code wins, the environment fills what code left empty.
    if (p.client_id.empty())
        if (auto v = get("CLIENT_ID")) p.client_id = *v;
    if (p.client_secret.empty())
        if (auto v = get("CLIENT_SECRET")) p.client_secret = *v;
    // Endpoints: the environment overrides a preset, not what code set explicitly.
    auto endpoint = [&](std::string& field, std::string_view name) {
        if (endpoints_from_code && !field.empty()) return;
        if (auto v = get(name)) field = *v;
    };
    endpoint(p.authorization_endpoint, "AUTHORIZATION_ENDPOINT");
    endpoint(p.token_endpoint, "TOKEN_ENDPOINT");
    endpoint(p.issuer, "ISSUER");
    endpoint(p.api_base_url, "API_BASE_URL");
    if (!endpoints_from_code || p.base_scopes.empty())
        if (auto v = get("BASE_SCOPES")) p.base_scopes = parse_scopes(*v);
}

}  // namespace warden::toolauth
