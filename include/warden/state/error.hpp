#pragma once
// Errors of the sealed `requestState` (MCP 2026-07-28 multi round-trip requests):
// category "warden.state". Each way a presented state can be wrong has its own code, so
// logs and metrics tell them apart; `rpc_error` turns any of them into the JSON-RPC error
// the client sees.

#include <boost/json/object.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <type_traits>

namespace warden::state {

/// Why a `requestState` was refused, or could not be made. Values start at 1.
enum class Error {
    /// Not a state Warden made: not base64url, too short or too long, unknown format
    /// version, a malformed key id, or a payload that is not what Warden writes.
    malformed = 1,
    /// Sealed with a key id this server does not hold (retired key, or another
    /// deployment's state).
    unknown_key,
    /// The AEAD tag does not verify: tampered, truncated in the ciphertext, or forged.
    authentication_failed,
    /// Older than its time to live (or issued implausibly far in the future).
    expired,
    /// Already used once: each state opens at most once.
    replayed,
    /// Issued to another principal (issuer + subject, or anonymous).
    principal_mismatch,
    /// Issued for another method (e.g. a `prompts/get` state on `tools/call`).
    method_mismatch,
    /// Issued for a request with other parameters (another tool, other arguments).
    params_mismatch,
    /// The single-use cache is full of states that have not expired yet; refused rather
    /// than forgetting one that could then be replayed.
    replay_cache_full,
    /// The state would be larger than the configured limit.
    too_large,
    /// No usable key: none configured, a malformed `WARDEN_STATE_KEY`, duplicate or
    /// invalid key ids, or an unsafe key file.
    bad_key,
    /// `inputResponses` is not an object, or an answer in it is not an object.
    bad_input_responses,
    /// The shared single-use store (PostgreSQL) cannot be reached now; the state is
    /// neither accepted nor spent: the same request may be sent again shortly.
    store_unavailable,
};

/// The "warden.state" category.
const boost::system::error_category& error_category() noexcept;

inline boost::system::error_code make_error_code(Error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

template <class T>
using result = boost::system::result<T>;

/// The JSON-RPC error object for a refused state: `{"code", "message", "data": {"reason"}}`.
/// Every way the client's state (or `inputResponses`) can be wrong is -32602 (Invalid params: the
/// `requestState` parameter is invalid; MCP 2026-07-28 basic/patterns/mrtr asks servers to
/// reject state that fails verification); `replay_cache_full`, `too_large` and `bad_key`
/// are the server's problem: -32603. `reason` is the enumerator's name (e.g. "expired").
/// The message never contains state bytes.
boost::json::object rpc_error(boost::system::error_code ec);

/// The enumerator's name ("expired", "replayed", ...), "unknown" for other categories.
const char* reason(boost::system::error_code ec) noexcept;

}  // namespace warden::state

template <>
struct boost::system::is_error_code_enum<warden::state::Error> : std::true_type {};
