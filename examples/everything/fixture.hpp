#pragma once
// The conformance fixture's parts: each file registers one kind of capability on the App.
// Names, texts and shapes follow @modelcontextprotocol/conformance's server scenarios and
// its reference everything-server.

#include <warden/warden.hpp>

#include <optional>

#include <atomic>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace everything {

/// A 1x1 red PNG pixel.
inline constexpr std::string_view kTestImageBase64 =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg"
    "==";
/// A minimal WAV file (RIFF header, one silent sample).
inline constexpr std::string_view kTestAudioBase64 =
    "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

inline constexpr std::string_view kWatchedResourceUri = "test://watched-resource";

/// Completion candidates, in order, that start with what was typed so far.
inline std::vector<std::string> starting_with(std::string_view partial,
                                              std::initializer_list<std::string_view> candidates) {
    std::vector<std::string> out;
    for (auto c : candidates)
        if (c.starts_with(partial)) out.emplace_back(c);
    return out;
}

/// Tools: test_simple_text ... test_reconnection, json_schema_2020_12_tool.
void register_tools(warden::App& app);
/// What the 2026-07-28 scenarios add: capability, logging and header diagnostics, and
/// hooks that change the tool and prompt lists.
void register_modern_tools(warden::App& app);
/// The input-required (multi round-trip) scenarios' test_input_required_result_* tools and
/// prompt.
void register_input_required(warden::App& app);
/// Resources test://static-text, test://static-binary, test://watched-resource and the
/// template test://template/{id}/data. `watched_revision` counts updates of the watched one.
void register_resources(warden::App& app, const std::atomic<int>& watched_revision);
/// Prompts test_simple_prompt, test_prompt_with_arguments, test_prompt_with_embedded_resource,
/// test_prompt_with_image.
void register_prompts(warden::App& app);

/// Fixture only, conformance issue #480: removes `--conformance-auth-scopes URL` from argv
/// and returns the resource-server configuration it asks for (opaque tokens checked at the
/// RFC 7662 endpoint URL; canonical URL from --host/--port), after which contract_scopes
/// gives the contract's scopes. nullopt without the flag, with `-` as the URL (scopes on,
/// auth from MCP_RESOURCE_SERVER_*), or with `error` set.
std::optional<warden::auth::ResourceServerAuth> take_conformance_auth(int& argc, char** argv,
                                                                      std::string& error);

/// The scopes an item needs under the #480 contract ("tools:test_simple_text" ->
/// mcp:conformance:tools:call + mcp:conformance:tools:test_simple_text); empty unless
/// take_conformance_auth found the flag.
std::vector<std::string> contract_scopes(std::string_view item);

}  // namespace everything
