#include "transport/http/origin_policy.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>

namespace warden::transport::http {

namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool is_loopback_name(std::string_view name) {
    return iequals(name, "localhost") || name == "127.0.0.1" || name == "[::1]";
}

bool listed(const std::vector<std::string>& list, std::string_view value) {
    return std::any_of(list.begin(), list.end(),
                       [&](const std::string& item) { return iequals(item, value); });
}

}  // namespace

std::string_view host_name(std::string_view host) {
    if (host.starts_with('[')) {
        auto close = host.find(']');
        return close == std::string_view::npos ? host : host.substr(0, close + 1);
    }
    auto colon = host.rfind(':');
    return colon == std::string_view::npos ? host : host.substr(0, colon);
}

bool OriginPolicy::is_loopback_address(std::string_view address) {
    return address == "localhost" || address.starts_with("127.") || address == "::1" ||
           address == "[::1]";
}

OriginPolicy::OriginPolicy(const HttpOptions& options)
    : loopback_defaults_(is_loopback_address(options.host)),
      hosts_(options.allowed_hosts),
      origins_(options.allowed_origins) {}

bool OriginPolicy::host_allowed(std::string_view host) const {
    if (host.empty()) return false;
    if (!hosts_.empty()) return listed(hosts_, host) || listed(hosts_, host_name(host));
    if (loopback_defaults_) return is_loopback_name(host_name(host));
    return true;
}

bool OriginPolicy::origin_allowed(std::string_view origin, std::string_view host) const {
    if (origin.empty()) return true;
    if (!origins_.empty()) return listed(origins_, origin);
    // "null" origins (sandboxed frames, file://) are never trusted.
    auto url = boost::urls::parse_absolute_uri(origin);
    if (!url || !url->has_authority()) return false;
    if (url->scheme() != "http" && url->scheme() != "https") return false;
    if (loopback_defaults_) return is_loopback_name(url->encoded_host_address());
    // Same origin as the request itself: the page was served by this host.
    return iequals(url->encoded_authority(), host);
}

}  // namespace warden::transport::http
