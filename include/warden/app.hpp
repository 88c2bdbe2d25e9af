#pragma once
// `App`: the one object a server author uses. Register tools, resources and prompts,
// then `run()` serves them over stdio or Streamable HTTP as the command line says.
//
//     struct EchoArgs { std::string text; };
//     BOOST_DESCRIBE_STRUCT(EchoArgs, (), (text))
//
//     int main(int argc, char** argv) {
//         warden::App app({.name = "demo", .version = "1.0.0"});
//         app.tool("echo", "Echo the text back", [](const EchoArgs& a) { return a.text; });
//         return app.run(argc, argv);
//     }

#include <warden/auth/config.hpp>
#include <warden/content.hpp>
#include <warden/context.hpp>
#include <warden/definitions.hpp>
#include <warden/http_options.hpp>
#include <warden/observability_options.hpp>
#include <warden/options.hpp>
#include <warden/tool.hpp>
#include <warden/toolauth/options.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace warden {

namespace server {
class ServerCore;
}
namespace toolauth {
class ToolAuth;
}

/// How `run()` serves: the command-line flags `--transport`, `--host`, `--port`,
/// `--stateless` fill this in; a program may also set it directly and call `serve()`.
struct RunOptions {
    enum class Transport { stdio, http };
    Transport transport = Transport::stdio;
    HttpOptions http{};  ///< host, port, stateless, limits, allowed hosts/origins
    std::string log_level = "info";
    ObservabilityOptions observability{};  ///< metrics and the audit log (off by default)
};

class App {
  public:
    explicit App(ServerInfo info, ServerOptions options = {});
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    /// Registers a tool with a handler already in type-erased form.
    App& add_tool(Tool tool);
    /// Registers a typed tool; see `make_tool` for the accepted signatures.
    template <class F>
    App& tool(std::string name, std::string description, F fn) {
        Tool spec;
        spec.name = std::move(name);
        spec.description = std::move(description);
        return add_tool(make_tool(std::move(spec), std::move(fn)));
    }
    /// Registers a typed tool with title, annotations, icons, scopes, ... set in `spec`.
    template <class F>
    App& tool(Tool spec, F fn) {
        return add_tool(make_tool(std::move(spec), std::move(fn)));
    }
    App& add_resource(Resource resource);
    App& add_resource_template(ResourceTemplate resource_template);
    App& add_prompt(Prompt prompt);

    /// Configures tool-level auth (providers, token store, secrets file, redirect URI) for
    /// tools with `requires_auth` / `requires_secrets`. Optional: without it the defaults
    /// and the environment apply (docs/tool-level-auth.md). Call before `run()`.
    App& tool_auth(toolauth::ToolAuthOptions options);

    /// Removal at run time notifies clients (list_changed). Returns false when absent.
    bool remove_tool(std::string_view name);
    bool remove_resource(std::string_view uri_or_template);
    bool remove_prompt(std::string_view name);

    /// Tells subscribed clients that a resource changed (notifications/resources/updated).
    void notify_resource_updated(std::string_view uri);

    /// Turns server-level auth on for HTTP: every request needs a bearer token from one
    /// of the configured authorization servers. Without this call, `serve()` reads the
    /// MCP_RESOURCE_SERVER_* environment (and `.env`); an invalid configuration stops the
    /// server at startup. Over stdio there is no server-level auth.
    App& auth(auth::ResourceServerAuth config);

    /// Parses the command line (--transport stdio|http, --host, --port, --stateless,
    /// --json-response, --allowed-host, --allowed-origin, the HTTP limits --max-body-bytes,
    /// --max-header-bytes, --max-sessions, --session-idle-timeout-ms, --read-timeout-ms,
    /// --shutdown-grace-ms, --log-level, and the observability flags --metrics-port,
    /// --metrics-host, --metrics-on-main-port, --metrics-path, --audit-log) and serves until
    /// stopped. Returns the process exit code.
    int run(int argc, char** argv);
    /// Serves with the given options until stopped. Returns the process exit code.
    int serve(const RunOptions& options);

    /// The server core, for transports and tests.
    const std::shared_ptr<server::ServerCore>& core() const { return core_; }

  private:
    std::shared_ptr<server::ServerCore> core_{};
    std::shared_ptr<toolauth::ToolAuth> tool_auth_{};
    std::optional<auth::ResourceServerAuth> auth_{};
};

}  // namespace warden
