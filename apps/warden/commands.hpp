#pragma once
// Subcommands of the `warden` CLI. Each lives in its own .cpp and registers itself on the
// app; its callback stores the process exit code in `exit_code`.
// Exit codes: 0 success, 1 the input was examined and rejected, 2 usage error.

#include <CLI/CLI.hpp>

namespace warden::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRejected = 1;
inline constexpr int kExitUsage = 2;

/// `warden jwt verify|decode` (jwt_command.cpp).
void add_jwt_command(CLI::App& app, int& exit_code);
/// `warden tokens list|revoke` (tokens_command.cpp).
void add_tokens_command(CLI::App& app, int& exit_code);

/// `warden dev keygen|token` (dev_command.cpp).
void add_dev_command(CLI::App& app, int& exit_code);

}  // namespace warden::cli
