#pragma once
// DNS-rebinding protection: which Host and Origin headers the server accepts
// (MCP 2025-11-25, Streamable HTTP "Security Warning").

#include <warden/http_options.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace warden::transport::http {

class OriginPolicy {
  public:
    /// Loopback names (localhost, 127.0.0.1, [::1], [::ffff:127.0.0.1]), any port, are the
    /// default when the server is bound to loopback; explicit allow-lists replace them.
    OriginPolicy(const HttpOptions& options);

    /// True when the Host header value is acceptable. An absent Host (HTTP/1.0) is not.
    bool host_allowed(std::string_view host) const;
    /// True when the Origin header value is acceptable given the request's Host. An absent
    /// Origin (non-browser clients) is always fine.
    bool origin_allowed(std::string_view origin, std::string_view host) const;

    /// True for a loopback bind address: `localhost`, 127.0.0.0/8, `::1`, and IPv4-mapped
    /// loopback (`::ffff:127.0.0.1`), with or without brackets.
    static bool is_loopback_address(std::string_view address);

    /// Why a server with `options` must not start, empty when it may: bound to a
    /// non-loopback address with neither `allowed_hosts` nor server-level auth
    /// (`authenticated`), it would answer any Host, so a page that rebinds its DNS name to
    /// the server's address could call its tools.
    static std::string bind_refusal(const HttpOptions& options, bool authenticated);

  private:
    bool loopback_defaults_ = false;
    std::vector<std::string> hosts_;
    std::vector<std::string> origins_;
};

/// The host part of a Host header ("example.com:8443" -> "example.com", "[::1]:80" -> "[::1]").
std::string_view host_name(std::string_view host_header);

}  // namespace warden::transport::http
