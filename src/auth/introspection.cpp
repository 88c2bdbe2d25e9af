#include "auth/introspection.hpp"

#include "auth/numeric_date.hpp"

#include <warden/auth/validator.hpp>

#include <boost/json/parse.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/grammar/alnum_chars.hpp>
#include <boost/url/grammar/lut_chars.hpp>

#include <algorithm>

namespace warden::auth {

std::string form_encode(std::string_view value) {
    // The WHATWG application/x-www-form-urlencoded byte set: space as '+'.
    static constexpr auto kKept =
        boost::urls::grammar::lut_chars(boost::urls::grammar::alnum_chars) +
        boost::urls::grammar::lut_chars("-._*");
    boost::urls::encoding_opts opts;
    opts.space_as_plus = true;
    return boost::urls::encode(value, kKept, opts);
}

FetchRequest introspection_request(const Introspection& config, std::string_view token) {
    FetchRequest r;
    r.url = config.endpoint;
    r.accept = "application/json";
    r.form_body = "token=" + form_encode(token) + "&token_type_hint=access_token";
    if (config.client_auth == Introspection::ClientAuth::client_secret_basic) {
        r.basic_user = form_encode(config.client_id);
        r.basic_password = form_encode(config.client_secret);
    } else {
        r.form_body += "&client_id=" + form_encode(config.client_id) +
                       "&client_secret=" + form_encode(config.client_secret);
    }
    return r;
}

boost::system::result<Principal> parse_introspection(std::string_view body, std::string_view issuer,
                                                     const std::vector<std::string>& audiences,
                                                     std::chrono::system_clock::time_point now,
                                                     std::chrono::seconds leeway) {
    boost::system::error_code ec;
    auto doc = boost::json::parse(body, ec);
    if (ec || !doc.is_object()) return make_error_code(Error::bad_introspection_response);
    const auto& o = doc.get_object();
    const auto* active = o.if_contains("active");
    if (!active || !active->is_bool()) return make_error_code(Error::bad_introspection_response);
    if (!active->get_bool()) return make_error_code(Error::token_inactive);

    const auto inactive = make_error_code(Error::token_inactive);
    if (const auto* exp = o.if_contains("exp")) {
        if (!exp->is_number()) return make_error_code(Error::bad_introspection_response);
        const auto at = from_numeric_date(exp->to_number<double>());
        if (now >= at + leeway) return inactive;
    }
    if (const auto* iss = o.if_contains("iss"))
        if (!iss->is_string() || iss->get_string() != issuer) return inactive;
    const auto* aud = o.if_contains("aud");
    bool aud_ok = false;
    auto matches = [&](const boost::json::value& v) {
        return v.is_string() &&
               std::find(audiences.begin(), audiences.end(), v.get_string()) != audiences.end();
    };
    if (aud && aud->is_array())
        aud_ok = std::any_of(aud->get_array().begin(), aud->get_array().end(), matches);
    else if (aud)
        aud_ok = matches(*aud);
    if (!aud_ok) return inactive;

    Principal p = principal_from_claims(o);
    // Without `sub` (RFC 7662 §2.2 makes it optional) the token names no user: the client
    // acts for itself (client_credentials). It must not become the user its client id
    // spells (a client registered as "alice" is not the user alice), so its id lives in a
    // namespace of its own and the principal says it is a client.
    if (p.user_id.empty()) {
        if (p.client_id.empty()) return inactive;
        p.user_id = std::string(kClientSubjectPrefix) + p.client_id;
        p.is_client = true;
    }
    if (p.issuer.empty()) p.issuer = std::string(issuer);
    return p;
}

}  // namespace warden::auth
