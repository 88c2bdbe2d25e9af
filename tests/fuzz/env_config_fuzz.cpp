// Fuzzes the whole MCP_RESOURCE_SERVER_* configuration as the server reads it at startup:
// load_from_env over a lookup built from the input, with a `.env` text behind the real
// variables (as make_env_lookup does). Input: one byte saying which of the eight variables
// are set (bit i: variable i), then '\0'-separated fields: the set variables' values in
// order, then the .env text. A configuration that loads must also pass validate().
#include "fields.hpp"

#include <warden/auth/env_config.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::array<std::string_view, 8> kNames = {
    "MCP_RESOURCE_SERVER_CANONICAL_URL",         "MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS",
    "MCP_RESOURCE_SERVER_SCOPES_SUPPORTED",      "MCP_RESOURCE_SERVER_DEFAULT_CHALLENGE_SCOPES",
    "MCP_RESOURCE_SERVER_REQUIRED_SCOPES",       "MCP_RESOURCE_SERVER_HIDE_UNAUTHORIZED_TOOLS",
    "MCP_RESOURCE_SERVER_JWKS_REFETCH_COOLDOWN", "MCP_RESOURCE_SERVER_JWKS_MAX_STALE",
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    namespace auth = warden::auth;
    const unsigned mask = data[0];
    const auto fields = warden::fuzz::split_fields(
        std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
    std::map<std::string, std::string, std::less<>> real;
    std::size_t next = 0;
    for (std::size_t i = 0; i < kNames.size(); ++i)
        if ((mask >> i) & 1U && next < fields.size())
            real.emplace(std::string(kNames[i]), std::string(fields[next++]));
    std::map<std::string, std::string> dotenv;
    if (next < fields.size())
        if (auto parsed = auth::parse_dotenv(fields[next])) dotenv = std::move(parsed.value());
    const auth::EnvLookup lookup = [&](std::string_view name) -> std::optional<std::string> {
        if (auto it = real.find(name); it != real.end()) return it->second;
        if (auto it = dotenv.find(std::string(name)); it != dotenv.end()) return it->second;
        return std::nullopt;
    };
    auto loaded = auth::load_from_env(lookup);
    if (!loaded) {
        if (loaded.error().message.empty()) __builtin_trap();  // errors always say why
        return 0;
    }
    if (!loaded->has_value()) return 0;
    const auto& config = **loaded;
    if (config.canonical_url.empty() || config.authorization_servers.empty()) __builtin_trap();
    if (!auth::validate(config)) __builtin_trap();
    for (const auto& e : config.authorization_servers)
        if (e.issuer.empty() || e.validation_options.leeway > std::chrono::seconds(600))
            __builtin_trap();
    return 0;
}
