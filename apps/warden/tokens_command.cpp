// `warden tokens list` and `warden tokens revoke`: inspect and delete the downstream
// tokens tool-level auth stored. Never prints a token; works without the store key.
#include "commands.hpp"

#include <warden/toolauth/token_store.hpp>

#include <ctime>
#include <iostream>
#include <memory>

namespace warden::cli {
namespace {

struct TokensArgs {
    std::string db;
    std::string user;
    std::string provider;
};

std::string iso8601(toolauth::Clock::time_point t) {
    const std::time_t s = toolauth::Clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&s, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

toolauth::result<std::shared_ptr<toolauth::TokenStore>> open_store(const TokensArgs& args) {
    auto env = toolauth::process_environment();
    // --db names a SQLite file; otherwise the store the servers use (WARDEN_STORE_URL).
    if (!args.db.empty()) return toolauth::open_sqlite_token_store(args.db, std::nullopt);
    auto where = toolauth::parse_store_url(env("WARDEN_STORE_URL").value_or(""),
                                           toolauth::default_store_path(env));
    if (!where) return where.error();
    return toolauth::open_token_store(*where, std::nullopt);
}

int run_list(const TokensArgs& args) {
    auto store = open_store(args);
    if (!store) {
        std::cerr << "warden: " << store.error().message() << '\n';
        return kExitRejected;
    }
    auto rows = (*store)->list();
    if (!rows) {
        std::cerr << "warden: " << rows.error().message() << '\n';
        return kExitRejected;
    }
    if (rows->empty()) std::cerr << "no stored tokens\n";
    for (const auto& r : *rows) {
        std::cout << r.user_id << '\t' << r.provider << "\tscopes=";
        for (std::size_t i = 0; i < r.scopes.size(); ++i)
            std::cout << (i ? "," : "") << r.scopes[i];
        std::cout << "\texpires=" << (r.expires_at ? iso8601(*r.expires_at) : "never")
                  << "\trefresh=" << (r.has_refresh_token ? "yes" : "no")
                  << "\tupdated=" << iso8601(r.updated_at) << '\n';
    }
    return kExitOk;
}

int run_revoke(const TokensArgs& args) {
    auto store = open_store(args);
    if (!store) {
        std::cerr << "warden: " << store.error().message() << '\n';
        return kExitRejected;
    }
    auto n = (*store)->remove(args.user, args.provider);
    if (!n) {
        std::cerr << "warden: " << n.error().message() << '\n';
        return kExitRejected;
    }
    std::cout << "revoked " << *n << " token record(s)\n";
    return kExitOk;
}

}  // namespace

void add_tokens_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<TokensArgs>();
    auto* tokens = app.add_subcommand("tokens", "Downstream tokens stored by tool-level auth");
    tokens->require_subcommand(1);
    auto* list = tokens->add_subcommand("list", "List stored tokens (never their values)");
    list->add_option("--db", args->db,
                     "token store (default: $WARDEN_TOOLAUTH_DB or "
                     "~/.local/share/warden/tokens.db)");
    list->callback([args, &exit_code] { exit_code = run_list(*args); });

    auto* revoke = tokens->add_subcommand(
        "revoke",
        "Delete Warden's copy of a user's tokens (all providers unless --provider); the "
        "provider is not told (no RFC 7009 revocation)");
    revoke->add_option("--db", args->db, "token store");
    revoke->add_option("--user", args->user, "user id")->required();
    revoke->add_option("--provider", args->provider, "provider id (github, google, ...)");
    revoke->callback([args, &exit_code] { exit_code = run_revoke(*args); });
}

}  // namespace warden::cli
