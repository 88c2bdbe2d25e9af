#pragma once
// Internal to the app module: which keys seal the `requestState` of MCP 2026-07-28 input
// requests.

#include "server/core.hpp"

#include <warden/crypto/key.hpp>

namespace warden::app {

/// Unless ServerOptions::state_keys set them, installs the keys of `WARDEN_STATE_KEY`, or
/// of `WARDEN_STATE_KEY_FILE` (created 0600 when absent), on `core`; with neither, the
/// core keeps its random key of this process, which a PostgreSQL store (`WARDEN_STORE_URL`,
/// several replicas) refuses: a retry landing on another replica could never be opened.
/// False (logged) when the configuration is unusable.
bool configure_state_keys(server::ServerCore& core, const crypto::EnvLookup& env);

}  // namespace warden::app
