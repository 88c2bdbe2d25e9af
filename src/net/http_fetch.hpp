#pragma once
// Internal: tiny blocking HTTP requests on libcurl: GET of JWKS and metadata documents,
// form POSTs to introspection and OAuth token endpoints. https only (plain http only to a
// loopback host), no redirects, bounded time and size.

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace warden::net {

/// Why a fetch failed. Values start at 1.
enum class FetchError {
    /// The URL is not an absolute http(s) URL.
    bad_url = 1,
    /// Plain http to a host other than loopback.
    insecure_url,
    /// Could not connect, TLS failed, or the transfer broke off.
    transport_failed,
    /// The request took longer than FetchOptions::timeout.
    timed_out,
    /// The body is larger than FetchOptions::max_body_size.
    body_too_large,
    /// The server answered with a redirect; redirects are not followed.
    redirected,
    /// The server answered with a status other than 200.
    bad_status,
};

const boost::system::error_category& fetch_error_category() noexcept;
boost::system::error_code make_error_code(FetchError e) noexcept;

/// Limits of one fetch.
struct FetchOptions {
    std::chrono::milliseconds connect_timeout{3000};
    std::chrono::milliseconds timeout{10000};
    std::size_t max_body_size = 1024 * 1024;
};

/// One outbound request: GET, or POST of a form body (introspection).
struct HttpRequest {
    std::string url;
    /// Empty for GET; otherwise POSTed as application/x-www-form-urlencoded.
    std::string form_body;
    /// HTTP Basic credentials (RFC 7617), already form-encoded by the caller when needed.
    std::string basic_user;
    std::string basic_password;
    /// Sent as the Accept header when not empty.
    std::string accept;
    /// Further headers, "Name: value". Never logged.
    std::vector<std::string> headers;
};

/// What came back: the status, two headers the callers need, and the body.
struct HttpResponse {
    long status = 0;
    std::string content_type;
    std::string cache_control;
    std::string body;
};

/// Sends `request` and returns any complete response (any status; redirects are not
/// followed and reported as FetchError::redirected). Blocks the calling thread; never call
/// it on an I/O thread. Thread-safe.
boost::system::result<HttpResponse> http_send(const HttpRequest& request,
                                              const FetchOptions& options);

/// GETs `url` and returns the body of a 200 response. Blocks the calling thread; use it
/// from a worker or the CLI, never from an I/O thread. Thread-safe.
boost::system::result<std::string> http_get(std::string_view url, const FetchOptions& options);

/// Form fields, sent application/x-www-form-urlencoded in this order.
using FormFields = std::vector<std::pair<std::string, std::string>>;

/// One name or value for an application/x-www-form-urlencoded body or for HTTP Basic
/// credentials (RFC 6749 §2.3.1): RFC 3986 unreserved characters kept, the rest %XX.
std::string form_encode(std::string_view value);
/// Encodes `fields` as application/x-www-form-urlencoded, each with form_encode.
std::string encode_form(const FormFields& fields);

/// POSTs `fields` to `url` with extra `headers` ("Name: value") and returns the response
/// whatever its status; redirects are errors (`redirected`). Blocks the calling thread:
/// never call it from an I/O thread. Field values and headers are never logged. Thread-safe.
boost::system::result<HttpResponse> http_post_form(std::string_view url, const FormFields& fields,
                                                   const std::vector<std::string>& headers,
                                                   const FetchOptions& options);

/// True for an https URL, or an http URL whose host is loopback (localhost, 127/8, ::1).
bool is_allowed_url(std::string_view url);

}  // namespace warden::net

template <>
struct boost::system::is_error_code_enum<warden::net::FetchError> : std::true_type {};
