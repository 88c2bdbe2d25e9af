#include <warden/toolauth/secrets.hpp>

namespace warden::toolauth {

SecretSource::SecretSource(EnvLookup env, std::string secrets_file)
    : env_(std::move(env)), file_(file_environment(secrets_file)) {}

bool SecretSource::is_reserved(std::string_view name) {
    return name.starts_with("WARDEN_") || name.starts_with("MCP_RESOURCE_SERVER_");
}

std::optional<std::string> SecretSource::find(std::string_view name) const {
    if (name.empty() || is_reserved(name)) return std::nullopt;
    if (env_)
        if (auto v = env_(name)) return v;
    return file_(name);
}

}  // namespace warden::toolauth
