#include "transport/http/origin_policy.hpp"

#include "transport/http/ascii.hpp"

#include <algorithm>

namespace warden::transport::http {

namespace {

bool is_loopback_name(std::string_view name) {
    return ascii_iequals(name, "localhost") || name == "127.0.0.1" || name == "[::1]";
}

bool listed(const std::vector<std::string>& list, std::string_view value) {
    return std::any_of(list.begin(), list.end(),
                       [&](const std::string& item) { return ascii_iequals(item, value); });
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
    // An Origin is exactly scheme "://" host [":" port] (RFC 6454 §6.2). Parsed by hand:
    // Boost.URL 1.81 reads "http://127.0.0.1.evil.example" as host 127.0.0.1 followed by
    // the path ".evil.example", which let any site named 127.0.0.1.<anything> through.
    // "null" origins (sandboxed frames, file://) are never trusted.
    auto sep = origin.find("://");
    if (sep == std::string_view::npos) return false;
    auto scheme = origin.substr(0, sep);
    if (!ascii_iequals(scheme, "http") && !ascii_iequals(scheme, "https")) return false;
    auto authority = origin.substr(sep + 3);
    if (authority.empty() || authority.find_first_of("/?#@\\ ") != std::string_view::npos)
        return false;
    auto name = host_name(authority);
    auto rest = authority.substr(name.size());
    if (name.empty() || name == "[" || name.back() == ':') return false;
    if (!rest.empty() && (rest.size() == 1 || rest.front() != ':' ||
                          rest.find_first_not_of("0123456789", 1) != std::string_view::npos))
        return false;
    if (loopback_defaults_) return is_loopback_name(name);
    // Same origin as the request itself: the page was served by this host.
    return ascii_iequals(authority, host);
}

}  // namespace warden::transport::http
