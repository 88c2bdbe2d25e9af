#include "app/state_keys.hpp"

#include <spdlog/spdlog.h>

namespace warden::app {

namespace {
bool set(const crypto::EnvLookup& env, std::string_view name) {
    auto v = env(name);
    return v && !v->empty();
}
}  // namespace

bool configure_state_keys(server::ServerCore& core, const crypto::EnvLookup& env) {
    if (!core.state_key_is_ephemeral()) return true;  // ServerOptions::state_keys
    if (set(env, "WARDEN_STATE_KEY") || set(env, "WARDEN_STATE_KEY_FILE")) {
        auto ring = state::load_key_ring(env, true);
        if (!ring) {
            // Never the key: only which setting is wrong.
            spdlog::critical(
                "not starting: requestState key: {} (WARDEN_STATE_KEY is 64 hex digits, "
                "base64url of 32 bytes, or id:key,id:key; WARDEN_STATE_KEY_FILE a 0600 file "
                "of 32 bytes)",
                ring.error().message());
            return false;
        }
        spdlog::info("requestState sealed with key id {} ({} key(s))", ring->current().id,
                     ring->size());
        core.set_state_keys(std::move(*ring));
        return true;
    }
    if (auto store = env("WARDEN_STORE_URL");
        store && (store->starts_with("postgres://") || store->starts_with("postgresql://"))) {
        spdlog::critical(
            "not starting: replicas sharing a PostgreSQL store need a shared requestState "
            "key: set WARDEN_STATE_KEY or WARDEN_STATE_KEY_FILE");
        return false;
    }
    spdlog::debug(
        "requestState sealed with a random key of this process (set WARDEN_STATE_KEY for "
        "several replicas)");
    return true;
}

}  // namespace warden::app
