#include "toolauth/oauth_client.hpp"

#include "net/http_fetch.hpp"

#include <warden/jose/base64url.hpp>
#include <warden/toolauth/scopes.hpp>

#include <spdlog/spdlog.h>
#include <boost/json/parse.hpp>
#include <boost/url/url.hpp>

#include <openssl/evp.h>

namespace warden::toolauth::oauth {
namespace {

std::string base64(std::string_view in) {
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(in.data()),
                            static_cast<int>(in.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

result<TokenResponse> call_token_endpoint(const Provider& p, net::FormFields fields,
                                          Error failure) {
    std::vector<std::string> headers{"Accept: application/json"};
    if (!p.client_secret.empty() && p.client_auth == ClientAuth::basic) {
        headers.push_back("Authorization: Basic " + base64(net::form_encode(p.client_id) + ":" +
                                                           net::form_encode(p.client_secret)));
    } else {
        fields.emplace_back("client_id", p.client_id);
        if (!p.client_secret.empty()) fields.emplace_back("client_secret", p.client_secret);
    }
    auto res = net::http_post_form(p.token_endpoint, fields, headers, {});
    if (!res) {
        spdlog::warn("toolauth: token endpoint of {} unreachable: {}", p.id, res.error().message());
        return failure;
    }
    return parse_token_response(res->status, res->body, failure);
}

}  // namespace

std::string authorization_url(const Provider& p, const std::vector<std::string>& scopes,
                              const std::string& state, const std::string& code_challenge,
                              const std::string& redirect_uri) {
    boost::urls::url url(p.authorization_endpoint);
    auto params = url.params();
    params.append({"response_type", "code"});
    params.append({"client_id", p.client_id});
    params.append({"redirect_uri", redirect_uri});
    params.append({p.scope_parameter, join_scopes(scope_union(p.base_scopes, scopes))});
    params.append({"state", state});
    params.append({"code_challenge", code_challenge});
    params.append({"code_challenge_method", "S256"});
    for (const auto& [k, v] : p.extra_authorize_params) params.append({k, v});
    return std::string(url.buffer());
}

result<TokenResponse> parse_token_response(long status, std::string_view body, Error failure) {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    const auto* obj = ec ? nullptr : v.if_object();
    if (status != 200 || !obj) {
        // Only the error code goes to the log: descriptions can echo request values.
        const auto* err = obj ? obj->if_contains("error") : nullptr;
        spdlog::warn("toolauth: token endpoint answered {} ({})", status,
                     err && err->is_string() ? std::string(err->get_string()) : "no error code");
        return failure;
    }
    // Slack's user tokens come nested in `authed_user`.
    if (!obj->contains("access_token"))
        if (const auto* u = obj->if_contains("authed_user"); u && u->is_object())
            obj = &u->get_object();
    auto str = [&](std::string_view k) -> std::string {
        const auto* x = obj->if_contains(k);
        return x && x->is_string() ? std::string(x->get_string()) : std::string();
    };
    TokenResponse out;
    out.access_token = str("access_token");
    if (out.access_token.empty()) {
        const auto* err = obj->if_contains("error");
        spdlog::warn("toolauth: token endpoint gave no access token ({})",
                     err && err->is_string() ? std::string(err->get_string()) : "no error code");
        return failure;
    }
    if (auto type = str("token_type"); !type.empty()) {
        for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (type != "bearer" && type != "user") return failure;
    }
    out.refresh_token = str("refresh_token");
    out.id_token = str("id_token");
    out.scopes = parse_scopes(str("scope"));
    if (const auto* e = obj->if_contains("expires_in"); e && (e->is_int64() || e->is_uint64())) {
        const auto secs =
            e->is_int64() ? e->get_int64() : static_cast<std::int64_t>(e->get_uint64());
        if (secs > 0) out.expires_at = Clock::now() + std::chrono::seconds(secs);
    }
    return out;
}

result<TokenResponse> exchange_code(const Provider& p, const std::string& code,
                                    const std::string& code_verifier,
                                    const std::string& redirect_uri) {
    return call_token_endpoint(p,
                               {{"grant_type", "authorization_code"},
                                {"code", code},
                                {"redirect_uri", redirect_uri},
                                {"code_verifier", code_verifier}},
                               Error::token_exchange_failed);
}

result<TokenResponse> refresh(const Provider& p, const std::string& refresh_token) {
    return call_token_endpoint(p,
                               {{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}},
                               Error::refresh_failed);
}

}  // namespace warden::toolauth::oauth
