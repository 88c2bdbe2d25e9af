#pragma once
// Authorization of one operation, decided before its handler runs and independent of the
// transport: which scopes a tools/call, resources/read or prompts/get needs (server-wide
// plus the operation's own), and whether the caller's token has them. The legacy HTTP
// endpoint finds the operations in the JSON-RPC body (operations_in); the 2026-07-28 path
// names the operation from its validated Mcp-Method / Mcp-Name headers. Both then call
// authorize() and answer a denial with one 403 insufficient_scope listing `needed`.

#include <warden/definitions.hpp>
#include <warden/principal.hpp>

#include <boost/json/value.hpp>

#include <functional>
#include <string>
#include <vector>

namespace warden::server {

class ServerCore;
class Registry;

/// What a request invokes.
enum class OperationKind {
    tool_call,      ///< tools/call; target is the tool name
    resource_read,  ///< resources/read; target is the URI
    prompt_get,     ///< prompts/get; target is the prompt name
};

struct Operation {
    OperationKind kind{};
    std::string target{};
};

/// The verdict on one operation for one caller.
struct AccessDecision {
    bool allowed = true;
    /// When denied: every scope the operation needs (server-wide first, then the
    /// operation's own), whether or not the token has some of them (MCP 2026-07-28,
    /// "Runtime Insufficient Scope Errors": all of them in a single challenge).
    std::vector<std::string> needed{};
};

/// The scope policy the app installs when server-level auth is on: given the scopes an
/// operation declares, decides for a principal (server-wide scopes and scope hierarchies
/// are the policy's business). Must be thread-safe.
using ScopePolicy = std::function<AccessDecision(const std::vector<std::string>& operation_scopes,
                                                 const Principal& principal)>;

/// The operation a method invokes: tools/call, resources/read, prompts/get; false for
/// every other method (nothing to authorize beyond the server-wide scopes).
bool operation_kind_of(std::string_view method, OperationKind& kind);

/// The operations a JSON-RPC message invokes, read from its body: none, one, or several
/// for a batch. Requests whose params lack the name/uri string are skipped (the handler
/// answers them with invalid params).
std::vector<Operation> operations_in(const boost::json::value& message);

/// The scopes `operation` itself declares: the tool's, the resource's, the first matching
/// template's with its variables expanded from the URI (the lookup order of
/// resources/read), or the prompt's. Empty for an unknown target (the handler answers
/// "not found"; nothing is revealed by a 403).
std::vector<std::string> declared_scopes(const Registry& registry, const Operation& operation);

/// Decides `operation` for `principal` with the core's scope policy (without one, the
/// declared scopes are matched exactly). Allowed without a principal (auth off, stdio).
/// Thread-safe.
AccessDecision authorize(const ServerCore& core, const Operation& operation,
                         const Principal* principal);

/// Decides every operation of `message` (see operations_in): allowed when all are; else
/// denied with the union of what the denied operations need, so one step-up covers the
/// whole batch.
AccessDecision authorize_message(const ServerCore& core, const boost::json::value& message,
                                 const Principal* principal);

/// Whether a listed item is shown to `principal`: false when the policy would deny the
/// scopes it declares. Template scopes that name variables are skipped here (their value
/// depends on the URI read). Always true without a policy or principal.
bool visible_to(const ServerCore& core, const std::vector<std::string>& declared,
                const Principal* principal);

}  // namespace warden::server
