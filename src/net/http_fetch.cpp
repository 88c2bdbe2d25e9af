#include "net/http_fetch.hpp"

#include <curl/curl.h>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <cctype>
#include <memory>
#include <mutex>

// boost::system::error_category has a protected non-virtual destructor by design.
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"

namespace warden::net {
namespace {

class FetchCategory final : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "warden.net"; }
    std::string message(int ev) const override {
        switch (static_cast<FetchError>(ev)) {
            case FetchError::bad_url:
                return "URL is not an absolute http(s) URL";
            case FetchError::insecure_url:
                return "URL must use https (http only for loopback)";
            case FetchError::transport_failed:
                return "HTTP transfer failed";
            case FetchError::timed_out:
                return "HTTP request timed out";
            case FetchError::body_too_large:
                return "HTTP response body is too large";
            case FetchError::redirected:
                return "HTTP redirect not followed";
            case FetchError::bad_status:
                return "HTTP status is not 200";
        }
        return "unknown warden.net error";
    }
};

struct Body {
    std::string data;
    std::size_t limit;
    bool too_large = false;
};

extern "C" std::size_t write_body(char* ptr, std::size_t size, std::size_t n, void* user) {
    auto* body = static_cast<Body*>(user);
    const std::size_t bytes = size * n;
    if (body->data.size() + bytes > body->limit) {
        body->too_large = true;
        return 0;  // makes curl abort with CURLE_WRITE_ERROR
    }
    body->data.append(ptr, bytes);
    return bytes;
}

struct CurlFree {
    void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};

bool is_loopback(std::string_view host) {
    return host == "localhost" || host == "[::1]" || host.starts_with("127.");
}

}  // namespace

const boost::system::error_category& fetch_error_category() noexcept {
    static const FetchCategory category;
    return category;
}

boost::system::error_code make_error_code(FetchError e) noexcept {
    return {static_cast<int>(e), fetch_error_category()};
}

bool is_allowed_url(std::string_view url) {
    auto u = boost::urls::parse_absolute_uri(url);
    if (!u || !u->has_authority()) return false;
    if (u->scheme() == "https") return true;
    return u->scheme() == "http" && is_loopback(u->encoded_host());
}

// Collects the two response headers callers need (of the last response only).
extern "C" std::size_t write_header(char* ptr, std::size_t size, std::size_t n, void* user) {
    auto* out = static_cast<HttpResponse*>(user);
    const std::size_t bytes = size * n;
    std::string_view line(ptr, bytes);
    if (line.starts_with("HTTP/")) {  // a new response (after 100 Continue): start over
        out->content_type.clear();
        out->cache_control.clear();
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return bytes;
    std::string name(line.substr(0, colon));
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
        value.remove_suffix(1);
    if (name == "content-type") out->content_type = value;
    if (name == "cache-control") out->cache_control = value;
    return bytes;
}

boost::system::result<HttpResponse> http_send(const HttpRequest& request,
                                              const FetchOptions& options) {
    auto u = boost::urls::parse_absolute_uri(request.url);
    if (!u || !u->has_authority() || (u->scheme() != "https" && u->scheme() != "http")) {
        return make_error_code(FetchError::bad_url);
    }
    if (!is_allowed_url(request.url)) return make_error_code(FetchError::insecure_url);

    static std::once_flag init;
    std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
    if (!curl) return make_error_code(FetchError::transport_failed);
    HttpResponse response;
    Body body{{}, options.max_body_size};
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect could leave the host
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options.connect_timeout.count()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_body_size));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, write_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &response);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "warden/0.1");
    struct SlistFree {
        void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
    };
    std::unique_ptr<curl_slist, SlistFree> headers;
    curl_slist* list = nullptr;
    if (!request.accept.empty())
        list = curl_slist_append(list, ("Accept: " + request.accept).c_str());
    for (const auto& h : request.headers) list = curl_slist_append(list, h.c_str());
    headers.reset(list);
    if (list) curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    if (!request.form_body.empty()) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.form_body.c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.form_body.size()));
    }
    if (!request.basic_user.empty()) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERNAME, request.basic_user.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, request.basic_password.c_str());
    }
    const CURLcode rc = curl_easy_perform(c);
    if (body.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
        return make_error_code(FetchError::body_too_large);
    }
    if (rc == CURLE_OPERATION_TIMEDOUT) return make_error_code(FetchError::timed_out);
    if (rc != CURLE_OK) return make_error_code(FetchError::transport_failed);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
    if (response.status >= 300 && response.status < 400)
        return make_error_code(FetchError::redirected);
    response.body = std::move(body.data);
    return response;
}

boost::system::result<std::string> http_get(std::string_view url, const FetchOptions& options) {
    HttpRequest request;
    request.url = std::string(url);
    auto response = http_send(request, options);
    if (!response) return response.error();
    if (response->status != 200) return make_error_code(FetchError::bad_status);
    return std::move(response->body);
}

std::string form_encode(std::string_view value) {
    return boost::urls::encode(value, boost::urls::unreserved_chars);
}

std::string encode_form(const FormFields& fields) {
    std::string out;
    for (const auto& [name, value] : fields) {
        if (!out.empty()) out.push_back('&');
        out += form_encode(name);
        out.push_back('=');
        out += form_encode(value);
    }
    return out;
}

boost::system::result<HttpResponse> http_post_form(std::string_view url, const FormFields& fields,
                                                   const std::vector<std::string>& headers,
                                                   const FetchOptions& options) {
    HttpRequest request;
    request.url = std::string(url);
    request.form_body = encode_form(fields);
    request.headers = headers;
    return http_send(request, options);
}

}  // namespace warden::net
