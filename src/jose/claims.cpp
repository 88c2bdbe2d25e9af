// Registered claim checks (RFC 7519 section 4.1, RFC 9068 section 4).
#include "jws.hpp"

#include <boost/json/value.hpp>

#include <algorithm>

namespace warden::jose::detail {

namespace json = boost::json;
using boost::system::result;

namespace {

// A NumericDate (RFC 7519 section 2): a JSON number, fractions allowed. A string is
// malformed, not "absent".
result<std::optional<double>> numeric_date(const json::object& c, std::string_view name) {
    const json::value* v = c.if_contains(name);
    if (v == nullptr) return std::optional<double>{};
    if (!v->is_number()) return make_error_code(Error::bad_claim_type);
    boost::system::error_code ec;
    const double d = v->to_number<double>(ec);
    if (ec) return make_error_code(Error::bad_claim_type);
    return std::optional<double>{d};
}

result<std::optional<std::string>> string_claim(const json::object& c, std::string_view name) {
    const json::value* v = c.if_contains(name);
    if (v == nullptr) return std::optional<std::string>{};
    if (!v->is_string()) return make_error_code(Error::bad_claim_type);
    return std::optional<std::string>{std::string(v->get_string())};
}

void add_scopes(std::string_view list, std::set<std::string, std::less<>>& out) {
    while (!list.empty()) {
        const std::size_t space = list.find(' ');
        if (space != 0) out.emplace(list.substr(0, space));
        if (space == std::string_view::npos) break;
        list.remove_prefix(space + 1);
    }
}

// RFC 7519 section 4.1.3: aud is a string or an array of strings.
result<std::vector<std::string>> audiences(const json::object& c) {
    std::vector<std::string> out;
    const json::value* v = c.if_contains("aud");
    if (v == nullptr) return out;
    if (v->is_string()) {
        out.emplace_back(v->get_string());
        return out;
    }
    if (!v->is_array()) return make_error_code(Error::bad_claim_type);
    for (const json::value& a : v->get_array()) {
        if (!a.is_string()) return make_error_code(Error::bad_claim_type);
        out.emplace_back(a.get_string());
    }
    return out;
}

// RFC 8693 section 4.2 `scope`, and the `scp` array some servers (Entra, Okta) issue.
boost::system::error_code scopes(const json::object& c, std::set<std::string, std::less<>>& out) {
    if (const json::value* v = c.if_contains("scope")) {
        if (!v->is_string()) return make_error_code(Error::bad_claim_type);
        add_scopes(v->get_string(), out);
    }
    if (const json::value* v = c.if_contains("scp")) {
        if (v->is_string()) {
            add_scopes(v->get_string(), out);
        } else if (v->is_array()) {
            for (const json::value& s : v->get_array()) {
                if (!s.is_string()) return make_error_code(Error::bad_claim_type);
                if (!s.get_string().empty()) out.emplace(s.get_string());
            }
        } else {
            return make_error_code(Error::bad_claim_type);
        }
    }
    return {};
}

bool contains(const std::vector<std::string>& list, std::string_view v) {
    return std::find(list.begin(), list.end(), v) != list.end();
}

boost::system::error_code check_times(VerifiedToken& t, const VerifyOptions& o) {
    const double now = std::chrono::duration<double>(o.now.time_since_epoch()).count();
    const auto leeway = static_cast<double>(o.leeway.count());
    auto exp = numeric_date(t.claims, "exp");
    if (!exp) return exp.error();
    auto nbf = numeric_date(t.claims, "nbf");
    if (!nbf) return nbf.error();
    auto iat = numeric_date(t.claims, "iat");
    if (!iat) return iat.error();
    t.expires_at = *exp;
    t.not_before = *nbf;
    t.issued_at = *iat;
    // RFC 7519 section 4.1.4: the current time MUST be before exp; RFC 9068 section 2.2
    // makes exp required in an access token.
    if (o.verify_exp && (!*exp || now >= **exp + leeway)) return make_error_code(Error::expired);
    // RFC 7519 section 4.1.5: the current time must be after or equal to nbf.
    if (o.verify_nbf && *nbf && **nbf > now + leeway) return make_error_code(Error::not_yet_valid);
    // A token from the future means a broken clock or a forged token.
    if (o.verify_iat && *iat && **iat > now + leeway) {
        return make_error_code(Error::issued_in_future);
    }
    return {};
}

}  // namespace

result<VerifiedToken> check_claims(json::object claims, JoseHeader header,
                                   const VerifyOptions& options) {
    VerifiedToken t;
    t.header = std::move(header);
    t.claims = std::move(claims);
    if (auto ec = check_times(t, options)) return ec;

    auto iss = string_claim(t.claims, "iss");
    if (!iss) return iss.error();
    if (options.verify_iss && (!*iss || !contains(options.issuers, **iss))) {
        return make_error_code(Error::issuer_mismatch);
    }
    t.issuer = iss->value_or("");

    // RFC 7519 section 4.1.3 and RFC 9068 section 4: reject unless aud names us.
    auto aud = audiences(t.claims);
    if (!aud) return aud.error();
    if (std::none_of(aud->begin(), aud->end(),
                     [&](const std::string& a) { return contains(options.audiences, a); })) {
        return make_error_code(Error::audience_mismatch);
    }
    t.audiences = std::move(*aud);

    auto sub = string_claim(t.claims, "sub");
    if (!sub) return sub.error();
    if (!*sub || (*sub)->empty()) return make_error_code(Error::missing_subject);
    t.subject = std::move(**sub);

    if (auto ec = scopes(t.claims, t.scopes)) return ec;
    auto client_id = string_claim(t.claims, "client_id");
    if (!client_id) return client_id.error();
    auto azp = string_claim(t.claims, "azp");
    if (!azp) return azp.error();
    t.client_id = client_id->value_or(azp->value_or(""));
    return t;
}

}  // namespace warden::jose::detail
