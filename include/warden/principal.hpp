#pragma once
// The verified identity behind a request (server-level auth). Absent over stdio and
// over HTTP without auth.

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace warden {

/// The `user_id` prefix of a principal that is a client acting for itself.
inline constexpr std::string_view kClientSubjectPrefix = "client:";

/// Who is calling, as established by a validated access token.
struct Principal {
    /// The token's `sub`. An introspected token without `sub` is the client acting for
    /// itself: then `is_client` is true and this is "client:<client_id>", never the bare
    /// client id (a client registered as "alice" must not pass for the user alice).
    std::string user_id{};
    std::string client_id{};  ///< `client_id` or `azp`; empty when the token has neither
    std::string issuer{};     ///< `iss`
    std::set<std::string> scopes{};
    boost::json::object claims{};  ///< every claim of the token
    std::optional<std::chrono::system_clock::time_point> expires_at{};
    bool is_client = false;  ///< the token names no user (see user_id)

    bool has_scope(const std::string& scope) const { return scopes.contains(scope); }
};

}  // namespace warden
