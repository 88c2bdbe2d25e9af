#pragma once
// The sealed `requestState` of multi round-trip requests (MCP 2026-07-28): keys, binding,
// sealing and opening, single use. See docs/input-required-and-tasks.md.

#include <warden/state/error.hpp>
#include <warden/state/replay_cache.hpp>
#include <warden/state/request_state.hpp>
