#include "transport/http/request_head.hpp"

#include "transport/http/ascii.hpp"

namespace warden::transport::http {

namespace bhttp = boost::beast::http;

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// RFC 3986 §2.3 unreserved and §2.2 sub-delims: what a reg-name or an IP literal is made of.
bool is_unreserved_or_sub_delim(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c)) return true;
    return std::string_view("-._~!$&'()*+,;=").find(c) != std::string_view::npos;
}

bool all_digits(std::string_view s) {
    for (char c : s)
        if (!is_digit(c)) return false;
    return true;
}

// reg-name = *( unreserved / pct-encoded / sub-delims )
bool valid_reg_name(std::string_view name) {
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (name[i] == '%') {
            if (i + 2 >= name.size() || !is_hex(name[i + 1]) || !is_hex(name[i + 2])) return false;
            i += 2;
        } else if (!is_unreserved_or_sub_delim(name[i])) {
            return false;
        }
    }
    return true;
}

// Whether a Transfer-Encoding list (RFC 9110 §5.6.1: elements separated by commas and
// optional whitespace, empty elements allowed) names chunked and nothing else.
bool only_chunked(std::string_view list, bool& seen) {
    while (!list.empty()) {
        auto comma = list.find(',');
        auto item = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
            item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (item.empty()) continue;
        if (!ascii_iequals(item, "chunked") || seen) return false;
        seen = true;
    }
    return true;
}

}  // namespace

bool valid_host_value(std::string_view value) {
    std::string_view rest;
    if (!value.empty() && value.front() == '[') {
        // IP-literal = "[" ( IPv6address / IPvFuture ) "]"; both are drawn from hex digits,
        // ':', '.', and for IPvFuture "v" unreserved and sub-delims.
        const auto close = value.find(']');
        if (close == std::string_view::npos || close == 1) return false;
        for (char c : value.substr(1, close - 1))
            if (c != ':' && !is_unreserved_or_sub_delim(c)) return false;
        rest = value.substr(close + 1);
    } else {
        const auto colon = value.find(':');
        if (!valid_reg_name(value.substr(0, colon))) return false;
        rest = colon == std::string_view::npos ? std::string_view{} : value.substr(colon);
    }
    return rest.empty() || (rest.front() == ':' && all_digits(rest.substr(1)));
}

HeadVerdict check_request_head(const Request& head, bool chunked) {
    // RFC 9112 §6.1: Transfer-Encoding.
    if (head.find(bhttp::field::transfer_encoding) != head.end()) {
        if (head.version() < 11)
            return {400, "Bad Request: Transfer-Encoding in an HTTP/1.0 request"};
        // The final coding must be chunked, else the body's length cannot be determined:
        // 400 and close (what a smuggled second request hides behind: identity, gzip, ...).
        if (!chunked) return {400, "Bad Request: chunked must be the final transfer coding"};
        // Chunked is the only coding this server implements (§6.1: 501 for the others).
        // Beast's equal_range spans, in message order, from the first such field to the
        // last, other fields in between included: hence the name test.
        bool seen = false;
        const auto [first, last] = head.equal_range(bhttp::field::transfer_encoding);
        for (auto f = first; f != last; ++f)
            if (f->name() == bhttp::field::transfer_encoding && !only_chunked(f->value(), seen))
                return {501, "Not Implemented: the only transfer coding accepted is chunked"};
    }
    // RFC 9112 §3.2: exactly one Host in HTTP/1.1, with a valid value. (HTTP/1.0 may omit
    // it; the Host policy then refuses the request.)
    const auto host = head.find(bhttp::field::host);
    if (host == head.end()) {
        if (head.version() >= 11) return {400, "Bad Request: the Host header is required"};
        return {};
    }
    if (head.count(bhttp::field::host) > 1) return {400, "Bad Request: more than one Host header"};
    if (!valid_host_value(host->value())) return {400, "Bad Request: malformed Host header"};
    return {};
}

}  // namespace warden::transport::http
