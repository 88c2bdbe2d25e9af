#pragma once
// Internal: the DPoP part of the MCP_RESOURCE_SERVER_* environment configuration.

#include <warden/auth/config.hpp>
#include <warden/auth/env_config.hpp>

#include <boost/json/value.hpp>

#include <optional>

namespace warden::auth {

/// An entry's `"dpop"`: "off", "allowed" or "required"; nullopt for anything else.
std::optional<DpopPolicy> parse_dpop_policy(const boost::json::value& v);

/// Reads MCP_RESOURCE_SERVER_DPOP_NONCE (true/false), _DPOP_NONCE_KEY (base64url of 32
/// bytes), _DPOP_NONCE_KEY_FILE (a file of mode 0600 or stricter holding the same),
/// _DPOP_ALGORITHMS (space- or comma-separated) and _DPOP_PROOF_WINDOW (seconds) into
/// `out`. With nonces on, a PostgreSQL store (WARDEN_STORE_URL) and no key, the random
/// per-process key is refused: replicas must share it. Errors name the variable.
boost::system::result<void, ConfigError> load_dpop_env(const EnvLookup& env, DpopSettings& out);

}  // namespace warden::auth
