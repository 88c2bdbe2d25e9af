#pragma once
// What a request's header alone says about whether it can be served at all: its message
// framing (RFC 9112 §6.1, §6.3) and its Host (RFC 9112 §3.2). Checked before the body is
// read, so a request the server cannot frame reliably never has its body taken for the
// next request (request smuggling).

#include "transport/http/message.hpp"

#include <string_view>

namespace warden::transport::http {

/// A request the header already condemns: the status to answer (400 or 501) and why. The
/// connection must close after the answer: the rest of what the client sent cannot be
/// framed. `status == 0` when the header is fine.
struct HeadVerdict {
    unsigned status = 0;
    std::string_view reason{};
    explicit operator bool() const { return status != 0; }
};

/// Checks the framing and Host of a request whose header `head` is complete. `chunked` is
/// the parser's verdict that chunked is the final transfer coding. Not allowed:
/// Transfer-Encoding in HTTP/1.0 (400), a Transfer-Encoding whose final coding is not
/// chunked (400: the body length cannot be known), any coding besides chunked (501: none is
/// implemented), a missing Host in HTTP/1.1, more than one Host, or a Host that is not
/// `uri-host [":" port]` (400). Content-Length errors are the parser's own.
HeadVerdict check_request_head(const Request& head, bool chunked);

/// True when `value` is a syntactically valid Host field value: `uri-host [":" port]`
/// (RFC 9112 §3.2, RFC 3986 §3.2.2): an IP literal in brackets, or a reg-name (letters,
/// digits, `-._~`, `%XX`, sub-delims), then an optional port of digits. Empty is valid
/// syntax (the Host policy refuses it).
bool valid_host_value(std::string_view value);

}  // namespace warden::transport::http
