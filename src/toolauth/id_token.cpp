#include "toolauth/id_token.hpp"

#include "toolauth/crypto.hpp"

#include <warden/jose/base64url.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>

namespace warden::toolauth {

result<std::string> check_id_token(std::string_view id_token, const IdTokenExpectations& expect) {
    const auto bad = Error::wrong_user;
    if (id_token.size() > 16 * 1024) return bad;
    const auto first = id_token.find('.');
    const auto second = first == id_token.npos ? id_token.npos : id_token.find('.', first + 1);
    if (second == id_token.npos || id_token.find('.', second + 1) != id_token.npos) return bad;
    auto payload = jose::base64url_decode(id_token.substr(first + 1, second - first - 1));
    if (!payload) return bad;
    boost::system::error_code ec;
    auto doc = boost::json::parse(*payload, ec);
    if (ec || !doc.is_object()) return bad;
    const auto& claims = doc.get_object();
    auto text = [&](std::string_view name) -> std::string_view {
        const auto* v = claims.if_contains(name);
        return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
    };

    // §3.1.3.7 item 2: iss exactly the issuer.
    if (expect.issuer.empty() || text("iss") != expect.issuer) return bad;
    // Items 3-4: aud contains our client id; with other audiences too, azp must be us.
    const auto* aud = claims.if_contains("aud");
    if (!aud) return bad;
    if (aud->is_string()) {
        if (aud->get_string() != expect.client_id) return bad;
    } else if (aud->is_array()) {
        const auto& list = aud->get_array();
        const bool ours = std::any_of(list.begin(), list.end(), [&](const auto& a) {
            return a.is_string() && a.get_string() == expect.client_id;
        });
        if (!ours || (list.size() > 1 && text("azp") != expect.client_id)) return bad;
    } else {
        return bad;
    }
    if (const auto azp = text("azp"); !azp.empty() && azp != expect.client_id) return bad;
    // Item 9: not expired.
    const auto* exp = claims.if_contains("exp");
    if (!exp || !exp->is_number()) return bad;
    const double exp_s = exp->to_number<double>();
    const double now_s = std::chrono::duration<double>(expect.now.time_since_epoch()).count();
    if (!(exp_s > now_s)) return bad;
    // Item 11: the nonce we sent, so a code from another sign-in cannot be swapped in.
    if (expect.nonce.empty() || !crypto::equal(text("nonce"), expect.nonce)) return bad;
    const auto sub = text("sub");
    if (sub.empty()) return bad;
    return std::string(sub);
}

}  // namespace warden::toolauth
