// The Warden quickstart: a small MCP server with a few tools, a resource and a prompt.
// Run it with `build/bin/warden-quickstart` (stdio) or add `--transport http`.
#include <warden/warden.hpp>

#include <curl/curl.h>
#include <boost/describe.hpp>
#include <boost/json/parse.hpp>

#include <chrono>
#include <cstdlib>
#include <thread>

// Tool arguments are plain structs. Boost.Describe lists the fields; Warden turns them
// into the tool's JSON Schema and validates what the client sends before your code runs.
struct EchoArgs {
    std::string text;
    static constexpr std::pair<std::string_view, std::string_view> field_docs[] = {
        {"text", "The text to send back"}};
};
BOOST_DESCRIBE_STRUCT(EchoArgs, (), (text))

enum class Unit { celsius, fahrenheit };
BOOST_DESCRIBE_ENUM(Unit, celsius, fahrenheit)

struct ConvertArgs {
    double value;
    Unit to;
};
BOOST_DESCRIBE_STRUCT(ConvertArgs, (), (value, to))

// A struct returned from a tool becomes structured content with an output schema.
struct Temperature {
    double value;
    Unit unit;
};
BOOST_DESCRIBE_STRUCT(Temperature, (), (value, unit))

// whoami's answer: who the server-level auth says is calling.
struct Caller {
    std::string user_id;
    std::string client_id;
    std::string issuer;
    std::vector<std::string> scopes;
    std::string trace_id;  // the W3C trace this call belongs to (docs/operations.md)
};
BOOST_DESCRIBE_STRUCT(Caller, (), (user_id, client_id, issuer, scopes, trace_id))

struct NoArgs {};
BOOST_DESCRIBE_STRUCT(NoArgs, (), ())

struct CountdownArgs {
    int from;
    std::optional<int> delay_ms;  // optional fields are not required in the schema
};
BOOST_DESCRIBE_STRUCT(CountdownArgs, (), (from, delay_ms))

// A plain GET with the user's downstream token, for list_my_repos. Tool code talks to
// the provider's API itself; Warden only hands it the token.
static std::optional<std::string> get_with_bearer(const std::string& url, const std::string& token,
                                                  long& status) {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return std::nullopt;
    std::string body;
    const std::string auth = "Authorization: Bearer " + token;
    curl_slist* headers = curl_slist_append(nullptr, auth.c_str());
    headers = curl_slist_append(headers, "Accept: application/vnd.github+json");
    headers = curl_slist_append(headers, "User-Agent: warden-quickstart");
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(
        curl.get(), CURLOPT_WRITEFUNCTION,
        +[](char* p, std::size_t size, std::size_t n, void* out) {
            static_cast<std::string*>(out)->append(p, size * n);
            return size * n;
        });
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
    const CURLcode rc = curl_easy_perform(curl.get());
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) return std::nullopt;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
    return body;
}

int main(int argc, char** argv) {
    warden::App app({.name = "warden-quickstart",
                     .version = "0.1.0",
                     .title = "Warden quickstart",
                     .instructions =
                         "Tools: echo, convert_temperature, countdown, whoami, admin_ping, "
                         "weather_key_status, list_my_repos."});

    // A quick handler that never waits can say so: it then runs on the thread that read the
    // request, without a hand-off to the worker pool (see docs/building-servers.md).
    app.tool(
        warden::Tool{
            .name = "echo", .description = "Echo the given text back", .non_blocking = true},
        [](const EchoArgs& args) { return args.text; });

    app.tool("convert_temperature", "Convert a temperature to celsius or fahrenheit",
             [](const ConvertArgs& args) {
                 return args.to == Unit::fahrenheit
                            ? Temperature{args.value * 9 / 5 + 32, Unit::fahrenheit}
                            : Temperature{(args.value - 32) * 5 / 9, Unit::celsius};
             });

    // Handlers run on a worker pool, so blocking is fine; the Context reports progress,
    // logs to the client, and tells the handler when the client cancelled.
    app.tool(
        "countdown", "Count down to zero, reporting progress",
        [](const CountdownArgs& args, warden::Context& ctx) {
            for (int i = args.from; i > 0; --i) {
                if (ctx.cancelled()) return warden::ToolResult::error("cancelled");
                ctx.progress(args.from - i, args.from, std::to_string(i) + "...");
                std::this_thread::sleep_for(std::chrono::milliseconds(args.delay_ms.value_or(100)));
            }
            ctx.info("liftoff");
            return warden::ToolResult::text("liftoff");
        });

    // With server-level auth on (MCP_RESOURCE_SERVER_* in the environment or .env, over
    // HTTP), the verified token's identity reaches every handler through the Context.
    app.tool("whoami", "Who is calling: the user id, client id, issuer and scopes of the token",
             [](const NoArgs&, warden::Context& ctx) {
                 Caller caller;
                 caller.user_id = ctx.user_id();
                 if (const auto* p = ctx.principal()) {
                     caller.client_id = p->client_id;
                     caller.issuer = p->issuer;
                     caller.scopes.assign(p->scopes.begin(), p->scopes.end());
                 }
                 caller.trace_id = ctx.trace_id();
                 return caller;
             });

    // A tool that needs a scope: a token without mcp:admin gets 403 insufficient_scope and
    // the client can step up.
    app.tool({.name = "admin_ping",
              .description = "Answer pong; needs the scope mcp:admin",
              .required_scopes = {"mcp:admin"}},
             [](const NoArgs&, warden::Context& ctx) { return "pong for " + ctx.user_id(); });

    // Tool-level auth: this tool needs a secret. Warden hands it exactly the secrets it
    // declares (from the environment, .env or the secrets file) and refuses to run it when
    // one is missing.
    app.tool({.name = "weather_key_status",
              .description = "Report whether the weather API key is configured (never its value)",
              .requires_secrets = {"WEATHER_API_KEY"}},
             [](warden::Context& ctx) {
                 const std::string* key = ctx.secret("WEATHER_API_KEY");
                 return "WEATHER_API_KEY is set (" + std::to_string(key->size()) + " characters)";
             });

    // Tool-level auth: this tool needs the user's own GitHub token with the `repo` scope.
    // Warden runs the OAuth flow for the user (once), stores the token encrypted, refreshes
    // it, and hands it over here. Set WARDEN_PROVIDER_GITHUB_CLIENT_ID / _CLIENT_SECRET.
    app.tool(
        {.name = "list_my_repos",
         .description = "List the calling user's GitHub repositories",
         .annotations = {.read_only = true, .open_world = true},
         .requires_auth = warden::AuthRequirement{"github", {"repo"}}},
        [](warden::Context& ctx) {
            const char* base = std::getenv("WARDEN_PROVIDER_GITHUB_API_BASE_URL");
            const std::string url = std::string(base && *base ? base : "https://api.github.com") +
                                    "/user/repos?per_page=100";
            long status = 0;
            auto body = get_with_bearer(url, ctx.auth_token(), status);
            if (!body) return warden::ToolResult::error("GitHub API unreachable");
            if (status != 200)
                return warden::ToolResult::error("GitHub API answered " + std::to_string(status));
            std::string names;
            boost::system::error_code ec;
            auto repos = boost::json::parse(*body, ec);
            if (!ec && repos.is_array())
                for (const auto& r : repos.get_array())
                    if (const auto* n =
                            r.is_object() ? r.get_object().if_contains("full_name") : nullptr;
                        n && n->is_string())
                        names += std::string(n->get_string()) + "\n";
            return warden::ToolResult::text(names.empty() ? "(no repositories)" : names);
        });

    app.add_resource(
        {.uri = "quickstart://readme",
         .name = "readme",
         .description = "What this server is",
         .mime_type = "text/markdown",
         .read = [](warden::Context&) {
             return std::vector{warden::ResourceContents::of_text(
                 "quickstart://readme", "# Quickstart\nA tiny Warden server.", "text/markdown")};
         }});

    app.add_prompt(
        {.name = "greet",
         .description = "Write a greeting for someone",
         .arguments = {{.name = "name", .description = "Who to greet", .required = true}},
         .get = [](const std::map<std::string, std::string>& args, warden::Context&) {
             return warden::PromptResult{
                 .messages = {{"user", warden::Content::text("Write a short greeting for " +
                                                             args.at("name"))}}};
         }});

    return app.run(argc, argv);
}
