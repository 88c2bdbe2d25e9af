#pragma once
// What a server offers: tools, resources, resource templates and prompts, in the
// type-erased form the server core stores. `app.hpp` adds typed conveniences on top.

#include <warden/content.hpp>
#include <warden/context.hpp>

#include <boost/json/object.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace warden {

namespace json = boost::json;

/// An icon for a tool, resource, prompt or the server (MCP 2025-11-25).
struct Icon {
    std::string src{};
    std::string mime_type{};
    std::vector<std::string> sizes{};
    std::string theme{};  ///< "light", "dark" or empty
};

/// Behaviour hints for clients (MCP ToolAnnotations). Unset hints are not sent.
struct ToolAnnotations {
    std::string title{};
    std::optional<bool> read_only{};
    std::optional<bool> destructive{};
    std::optional<bool> idempotent{};
    std::optional<bool> open_world{};
};

/// A downstream OAuth 2.0 authorization a tool needs: the user's token at `provider`
/// (a provider id such as "github") carrying at least `scopes`. See docs/tool-level-auth.md.
struct AuthRequirement {
    std::string provider{};
    std::vector<std::string> scopes{};
};

/// Whether a tool runs as a task (the tasks extension `io.modelcontextprotocol/tasks` in
/// 2026-07-28, `execution.taskSupport` of the 2025-11-25 experimental tasks). See
/// docs/building-servers.md, "Tasks".
enum class TaskSupport {
    forbidden,  ///< always answers directly (the default)
    optional,   ///< a task when the client supports tasks, a direct answer otherwise
    required,   ///< only as a task: a client without task support gets -32021 (2026-07-28)
};

/// A tool handler: validated arguments in, result out. Runs on the worker pool, or on the
/// thread that received the request when the tool is `non_blocking`.
using ToolHandler = std::function<ToolResult(const json::object& arguments, Context& ctx)>;

/// A tool as the server core stores it.
struct Tool {
    std::string name{};
    std::string description{};
    std::string title{};
    json::object input_schema{{"type", "object"}};
    std::optional<json::object> output_schema{};
    ToolAnnotations annotations{};
    std::vector<Icon> icons{};
    json::object meta{};
    /// Scopes the caller's token must carry to call this tool (server-level auth).
    std::vector<std::string> required_scopes{};
    /// Client capabilities the tool cannot work without (e.g. "sampling", "elicitation").
    /// A 2026-07-28 request that does not declare them is refused before the handler runs
    /// with MissingRequiredClientCapabilityError (-32021). Legacy sessions run the tool,
    /// whose `Context` requests then fail with `capability_missing`.
    std::vector<std::string> required_client_capabilities{};
    /// The user's downstream token this tool needs (tool-level auth); handed over as
    /// `Context::auth_token()`. Listed in the tool's `_meta` by tools/list.
    std::optional<AuthRequirement> requires_auth{};
    /// Names of secrets this tool needs; handed over as `Context::secret(name)`.
    std::vector<std::string> requires_secrets{};
    /// The handler returns quickly and never waits: no elicitation, sampling or roots, no
    /// network or disk I/O, no sleeps or locks held by slow code. Such a tool runs on the
    /// thread that received the request instead of the worker pool, which saves two thread
    /// hand-offs per call (over HTTP, the I/O thread: a slow handler there delays every
    /// connection that thread serves). `Context` requests to the client fail with
    /// `ClientRequestError::would_block`. Cannot be combined with `requires_auth` or
    /// `requires_secrets` (their guard may refresh tokens over the network).
    bool non_blocking = false;
    /// Runs as a task for clients that support tasks: the call answers at once with the
    /// task's id, the handler runs on the worker pool, and the client polls `tasks/get`.
    /// Cannot be combined with `non_blocking`.
    TaskSupport task_support = TaskSupport::forbidden;
    /// With task support: the handler runs first as an ordinary call (its input requests
    /// go through InputRequiredResult rounds in 2026-07-28) and decides where the task
    /// starts by calling `Context::continue_as_task()`; the answers gathered so far carry
    /// over into the task. Without it the task starts before the handler.
    bool task_starts_in_handler = false;
    /// Checks arguments before the handler runs; returns an error message or empty.
    std::function<std::string(const json::object& arguments)> validate{};
    ToolHandler handler{};
};

/// One item of `resources/read` contents: text or base64 blob.
struct ResourceContents {
    std::string uri{};
    std::string mime_type{};
    std::optional<std::string> text{};
    std::optional<std::string> blob{};  ///< base64
    json::object meta{};

    static ResourceContents of_text(std::string uri, std::string text,
                                    std::string mime_type = "text/plain");
    static ResourceContents of_blob(std::string uri, std::string base64_blob,
                                    std::string mime_type);
    json::object to_json() const;
};

using ResourceReader = std::function<std::vector<ResourceContents>(Context& ctx)>;

/// A resource with a fixed URI.
struct Resource {
    std::string uri{};
    std::string name{};
    std::string title{};
    std::string description{};
    std::string mime_type{};
    std::optional<std::int64_t> size{};
    std::vector<Icon> icons{};
    json::object annotations{};
    json::object meta{};
    /// Scopes the caller's token must carry to read this resource (server-level auth).
    std::vector<std::string> required_scopes{};
    ResourceReader read{};
};

/// Suggests values for an argument being typed: the partial value and the other
/// arguments already chosen; returns candidates (at most 100 are sent).
using Completer = std::function<std::vector<std::string>(
    std::string_view partial, const std::map<std::string, std::string>& context)>;

/// Variables matched from a template URI, e.g. {"id": "42"} for test://template/{id}/data.
using UriVariables = std::map<std::string, std::string>;
using TemplateReader = std::function<std::vector<ResourceContents>(
    const std::string& uri, const UriVariables&, Context& ctx)>;

/// A family of resources addressed by an RFC 6570 level-1 URI template.
struct ResourceTemplate {
    std::string uri_template{};
    std::string name{};
    std::string title{};
    std::string description{};
    std::string mime_type{};
    std::vector<Icon> icons{};
    json::object annotations{};
    json::object meta{};
    /// Scopes the caller's token must carry to read a resource of this template
    /// (server-level auth). A scope may name the template's variables, expanded from the
    /// URI read (RFC 6570 simple expansion): "files:read:{id}" for test://files/{id}. A
    /// scope naming any other variable is refused at registration (std::invalid_argument).
    std::vector<std::string> required_scopes{};
    TemplateReader read{};
    std::map<std::string, Completer> completions{};  ///< per template variable
};

struct PromptArgument {
    std::string name{};
    std::string description{};
    bool required = false;
    std::string title{};
};

struct PromptMessage {
    std::string role{};  ///< "user" or "assistant"
    Content content = Content::text({});
};

struct PromptResult {
    std::string description{};
    std::vector<PromptMessage> messages{};
    json::object to_json() const;
};

using PromptHandler =
    std::function<PromptResult(const std::map<std::string, std::string>& arguments, Context&)>;

struct Prompt {
    std::string name{};
    std::string description{};
    std::string title{};
    std::vector<PromptArgument> arguments{};
    std::vector<Icon> icons{};
    json::object meta{};
    /// Scopes the caller's token must carry to get this prompt (server-level auth).
    std::vector<std::string> required_scopes{};
    PromptHandler get{};
    std::map<std::string, Completer> completions{};  ///< per argument
};

}  // namespace warden
