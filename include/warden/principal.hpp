#pragma once
// The verified identity behind a request (server-level auth). Absent over stdio and
// over HTTP without auth.

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <set>
#include <string>

namespace warden {

/// Who is calling, as established by a validated access token.
struct Principal {
    std::string user_id{};    ///< the token's `sub`
    std::string client_id{};  ///< `client_id` or `azp`; empty when the token has neither
    std::string issuer{};     ///< `iss`
    std::set<std::string> scopes{};
    boost::json::object claims{};  ///< every claim of the token
    std::optional<std::chrono::system_clock::time_point> expires_at{};

    bool has_scope(const std::string& scope) const { return scopes.contains(scope); }
};

}  // namespace warden
