// The `htu` comparison of RFC 9449 section 4.3 (check 9): the URI without query and
// fragment, after syntax- and scheme-based normalization (RFC 3986 sections 6.2.2, 6.2.3).
#include "warden/jose/dpop.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <optional>

namespace warden::jose {
namespace {

std::optional<std::string> normalized(std::string_view text) {
    auto parsed = boost::urls::parse_absolute_uri(text.substr(0, text.find('#')));
    if (!parsed) {
        // parse_absolute_uri refuses a fragment only; anything else is not a URI.
        return std::nullopt;
    }
    boost::urls::url u(*parsed);
    u.remove_query();
    u.normalize();  // case of scheme and host, percent-encoding, dot segments
    // Userinfo never belongs in a request URI (RFC 9110 section 4.2.4).
    if (u.has_userinfo()) return std::nullopt;
    // Scheme-based normalization: the default port and an empty path say nothing. Built
    // by hand from the normalized parts (Boost 1.81's set_encoded_path("/") gives "/./").
    std::string out = std::string(u.scheme()) + "://" + std::string(u.encoded_host());
    const bool default_port =
        (u.scheme() == "https" && u.port() == "443") || (u.scheme() == "http" && u.port() == "80");
    if (u.has_port() && !default_port) out += ":" + std::string(u.port());
    out += u.encoded_path().empty() ? std::string("/") : std::string(u.encoded_path());
    return out;
}

}  // namespace

bool dpop_htu_matches(std::string_view htu, std::string_view expected) {
    auto a = normalized(htu);
    auto b = normalized(expected);
    return a && b && *a == *b;
}

}  // namespace warden::jose
