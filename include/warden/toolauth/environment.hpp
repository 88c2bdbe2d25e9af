#pragma once
// Where tool-level auth reads configuration: the process environment, then a `.env` file.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace warden::toolauth {

/// Looks up a configuration variable by name; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

/// The process environment, then `dotenv_path` (KEY=VALUE lines, `#` comments, optional
/// quotes; read once here). Real environment variables win. Thread-safe.
EnvLookup process_environment(const std::string& dotenv_path = ".env");

/// Parses KEY=VALUE lines (the .env and secrets-file format) from a file; an unreadable
/// file gives an empty lookup.
EnvLookup file_environment(const std::string& path);

}  // namespace warden::toolauth
