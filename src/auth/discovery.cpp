#include "auth/discovery.hpp"

#include <warden/auth/error.hpp>

#include "net/http_fetch.hpp"

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>

#include <memory>

namespace warden::auth {

std::vector<std::string> discovery_urls(std::string_view issuer) {
    std::vector<std::string> out;
    auto u = boost::urls::parse_absolute_uri(issuer);
    if (!u) return out;
    std::string path(u->encoded_path());
    while (!path.empty() && path.back() == '/') path.pop_back();
    const std::string origin =
        std::string(u->scheme()) + "://" + std::string(u->encoded_authority());
    out.push_back(origin + "/.well-known/oauth-authorization-server" + path);
    out.push_back(origin + path + "/.well-known/openid-configuration");
    if (!path.empty()) out.push_back(origin + "/.well-known/openid-configuration" + path);
    return out;
}

boost::system::result<std::string> jwks_uri_from_metadata(std::string_view document,
                                                          std::string_view issuer) {
    boost::system::error_code ec;
    auto doc = boost::json::parse(document, ec);
    if (ec || !doc.is_object()) return make_error_code(Error::bad_document);
    const auto& o = doc.get_object();
    const auto* iss = o.if_contains("issuer");
    // RFC 8414 section 3.3: a mismatch means the document may come from an impersonator.
    if (!iss || !iss->is_string() || iss->get_string() != issuer)
        return make_error_code(Error::bad_document);
    const auto* jwks = o.if_contains("jwks_uri");
    if (!jwks || !jwks->is_string() || !net::is_allowed_url(jwks->get_string()))
        return make_error_code(Error::bad_document);
    return std::string(jwks->get_string());
}

namespace {

struct Attempt : std::enable_shared_from_this<Attempt> {
    Fetcher& fetcher;
    std::string issuer;
    std::vector<std::string> urls;
    std::size_t next = 0;
    boost::system::error_code last = make_error_code(Error::unavailable);
    std::function<void(boost::system::result<std::string>)> done;

    Attempt(Fetcher& f, std::string iss, std::function<void(boost::system::result<std::string>)> d)
        : fetcher(f), issuer(std::move(iss)), urls(discovery_urls(issuer)), done(std::move(d)) {}

    void step() {
        if (next >= urls.size()) {
            done(last);
            return;
        }
        FetchRequest request;
        request.url = urls[next++];
        request.accept = "application/json";
        fetcher.fetch(std::move(request),
                      [self = shared_from_this()](boost::system::result<FetchResponse> r) {
                          if (r && r->status == 200) {
                              auto uri = jwks_uri_from_metadata(r->body, self->issuer);
                              if (uri) return self->done(std::move(uri));
                              self->last = uri.error();
                          }
                          self->step();
                      });
    }
};

}  // namespace

void discover_jwks_uri(Fetcher& fetcher, std::string issuer,
                       std::function<void(boost::system::result<std::string>)> done) {
    std::make_shared<Attempt>(fetcher, std::move(issuer), std::move(done))->step();
}

}  // namespace warden::auth
