#include "transport/http/origin_policy.hpp"

#include "transport/http/ascii.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>

namespace warden::transport::http {

namespace {

bool is_loopback_name(std::string_view name) {
    return ascii_iequals(name, "localhost") || name == "127.0.0.1" || name == "[::1]" ||
           ascii_iequals(name, "[::ffff:127.0.0.1]");
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
    if (ascii_iequals(address, "localhost")) return true;
    if (address.size() > 2 && address.front() == '[' && address.back() == ']')
        address = address.substr(1, address.size() - 2);
    boost::system::error_code ec;
    const auto ip = boost::asio::ip::make_address(std::string(address), ec);
    if (ec) return false;
    if (ip.is_v4()) return ip.to_v4().is_loopback();
    // An IPv4-mapped loopback address (::ffff:127.0.0.1) is loopback too: a socket bound to
    // it accepts only connections from 127.0.0.1.
    const auto v6 = ip.to_v6();
    return v6.is_loopback() ||
           (v6.is_v4_mapped() &&
            boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).is_loopback());
}

std::string OriginPolicy::bind_refusal(const HttpOptions& options, bool authenticated) {
    if (is_loopback_address(options.host) || !options.allowed_hosts.empty() || authenticated)
        return {};
    // Without auth and without a Host list, a web page whose DNS name an attacker rebinds
    // to this address would be served as a same-origin page (MCP transports: servers must
    // validate Origin; RFC 9110 §7.2).
    return "refusing to listen on " + options.host +
           " without server-level auth and without an allowed-hosts list: any web page could "
           "reach it through DNS rebinding. Name the Host values clients use with "
           "--allowed-host (HttpOptions::allowed_hosts), configure MCP_RESOURCE_SERVER_*, or "
           "bind to 127.0.0.1";
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
