// warden-everything: the fixture the official MCP conformance suite
// (@modelcontextprotocol/conformance, server mode) and Warden's end-to-end tests run against.
// Serve it with `build/bin/warden-everything` (stdio) or `--transport http --port 3001`.
//
// test://watched-resource changes every WARDEN_EVERYTHING_WATCH_MS milliseconds (default 3000,
// 0 turns it off), and subscribed clients get notifications/resources/updated.
//
// Fixture only: `--conformance-auth-scopes INTROSPECTION_URL --port N` turns on the
// server-auth scope contract of conformance issue #480 (auth_scopes.cpp).
#include "fixture.hpp"

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <stop_token>
#include <thread>

namespace {

std::chrono::milliseconds watch_interval() {
    const char* env = std::getenv("WARDEN_EVERYTHING_WATCH_MS");
    if (!env || !*env) return std::chrono::milliseconds(3000);
    char* end = nullptr;
    long ms = std::strtol(env, &end, 10);
    return std::chrono::milliseconds(end && *end == '\0' && ms > 0 ? ms : 0);
}

}  // namespace

int main(int argc, char** argv) {
    // Before registration: the contract decides the items' required scopes.
    std::string auth_error;
    auto conformance_auth = everything::take_conformance_auth(argc, argv, auth_error);
    if (!auth_error.empty()) {
        std::fprintf(stderr, "warden-everything: %s\n", auth_error.c_str());
        return 2;
    }
    warden::App app({.name = "warden-everything",
                     .version = "0.1.0",
                     .title = "Warden conformance fixture",
                     .description = "Every MCP feature the conformance suite exercises",
                     .instructions = "A test fixture: tools, resources and prompts named as the "
                                     "MCP conformance suite expects."});

    if (conformance_auth) app.auth(std::move(*conformance_auth));

    std::atomic<int> watched_revision{0};
    everything::register_tools(app);
    everything::register_modern_tools(app);
    everything::register_input_required(app);
    everything::register_resources(app, watched_revision);
    everything::register_prompts(app);

    // Declared after `app`, so it stops and joins before the App goes away.
    std::jthread watcher;
    if (auto interval = watch_interval(); interval.count() > 0) {
        watcher = std::jthread([&app, &watched_revision, interval](std::stop_token stop) {
            std::mutex mutex;
            std::condition_variable_any wake;
            std::unique_lock lock(mutex);
            // wait_for returns the predicate's value, never true here: test the token.
            for (;;) {
                wake.wait_for(lock, stop, interval, [] { return false; });
                if (stop.stop_requested()) break;
                ++watched_revision;
                app.notify_resource_updated(everything::kWatchedResourceUri);
            }
        });
    }
    return app.run(argc, argv);
}
