#pragma once
// Secrets tools declare (`requires_secrets`): from the environment, the .env file, or a
// secrets file; and log redaction so no secret value reaches a log line.

#include <warden/toolauth/environment.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace warden::toolauth {

/// Where tool secrets come from: `env` (the process environment and .env), then the
/// secrets file (KEY=VALUE lines). Thread-safe.
class SecretSource {
  public:
    SecretSource(EnvLookup env, std::string secrets_file);
    /// The secret's value; nullopt when unset or when `name` is reserved.
    std::optional<std::string> find(std::string_view name) const;
    /// Names Warden keeps for itself and never hands to a tool: WARDEN_* (the store key,
    /// provider client secrets) and MCP_RESOURCE_SERVER_*.
    static bool is_reserved(std::string_view name);

  private:
    EnvLookup env_;
    EnvLookup file_;
};

/// Remembers `value` as secret: from now on it is replaced by "[REDACTED]" in every line
/// logged through spdlog (once `install_log_redaction` ran). Values shorter than 4 bytes
/// are ignored. Thread-safe.
void register_secret_value(std::string_view value);
/// Replaces every registered secret value in `text`.
std::string redact(std::string_view text);
/// Wraps the sinks of spdlog's default logger so every line is redacted. Idempotent.
void install_log_redaction();

}  // namespace warden::toolauth
