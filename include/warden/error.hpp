#pragma once
// Errors returned by Warden's server core to handlers (server-to-client requests).

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <type_traits>

namespace warden {

/// Failures of a request the server sent to the client (sampling, elicitation, roots).
enum class ClientRequestError {
    /// The client did not declare the capability the request needs.
    capability_missing = 1,
    /// The client did not answer within the timeout.
    timeout,
    /// The tool call was cancelled while waiting.
    cancelled,
    /// The client answered with a JSON-RPC error.
    rejected,
    /// The session or transport closed before the answer came.
    session_closed,
    /// The transport cannot carry server-to-client requests (e.g. stateless HTTP).
    not_deliverable,
    /// The tool is declared `non_blocking`, so it may not wait for the client.
    would_block,
    /// Too many calls of this principal (or of the server) already wait on the client.
    too_many_waiting,
    /// MCP 2026-07-28: the answer is not known yet. The request was recorded; when the
    /// handler returns, the request ends with an `InputRequiredResult` asking every
    /// recorded question at once, and the retry runs the handler again with the answers.
    input_required,
};

/// The "warden.client_request" category.
const boost::system::error_category& client_request_category() noexcept;

inline boost::system::error_code make_error_code(ClientRequestError e) noexcept {
    return {static_cast<int>(e), client_request_category()};
}

template <class T>
using result = boost::system::result<T>;

}  // namespace warden

template <>
struct boost::system::is_error_code_enum<warden::ClientRequestError> : std::true_type {};
