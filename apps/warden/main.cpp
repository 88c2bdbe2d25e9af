// The `warden` command-line tool. Subcommands register in commands.hpp.
#include "commands.hpp"

#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"warden: tools for Warden MCP servers"};
    app.require_subcommand(1);
    int exit_code = warden::cli::kExitOk;
    warden::cli::add_jwt_command(app, exit_code);
    warden::cli::add_tokens_command(app, exit_code);
    warden::cli::add_dev_command(app, exit_code);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? warden::cli::kExitOk : warden::cli::kExitUsage;
    }
    return exit_code;
}
