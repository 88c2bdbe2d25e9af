// Per-operation authorization (see authorization.hpp).
#include "server/authorization.hpp"

#include "server/core.hpp"
#include "server/registry.hpp"
#include "server/uri_template.hpp"

#include <algorithm>

namespace warden::server {

namespace json = boost::json;

namespace {

void collect(const json::value& message, std::vector<Operation>& out) {
    if (const auto* batch = message.if_array()) {
        for (const auto& item : *batch) collect(item, out);
        return;
    }
    const auto* obj = message.if_object();
    if (!obj) return;
    const auto* method = obj->if_contains("method");
    OperationKind kind{};
    if (!method || !method->is_string() || !operation_kind_of(method->get_string(), kind)) return;
    const auto* params = obj->if_contains("params");
    if (!params || !params->is_object()) return;
    const auto* target =
        params->get_object().if_contains(kind == OperationKind::resource_read ? "uri" : "name");
    if (target && target->is_string()) out.push_back({kind, std::string(target->get_string())});
}

std::vector<std::string> expand_scopes(const ResourceTemplate& t, const UriVariables& vars) {
    std::vector<std::string> out;
    out.reserve(t.required_scopes.size());
    for (const auto& scope : t.required_scopes) {
        if (scope.find('{') == std::string::npos) {
            out.push_back(scope);
            continue;
        }
        // A scope that cannot be expanded stays literal: no token carries it, so the
        // operation is refused rather than allowed (fail closed).
        auto expanded = expand_uri_template(scope, vars);
        out.push_back(expanded ? std::move(*expanded) : scope);
    }
    return out;
}

}  // namespace

bool operation_kind_of(std::string_view method, OperationKind& kind) {
    if (method == "tools/call") {
        kind = OperationKind::tool_call;
    } else if (method == "resources/read") {
        kind = OperationKind::resource_read;
    } else if (method == "prompts/get") {
        kind = OperationKind::prompt_get;
    } else {
        return false;
    }
    return true;
}

std::vector<Operation> operations_in(const json::value& message) {
    std::vector<Operation> out;
    collect(message, out);
    return out;
}

std::vector<std::string> declared_scopes(const Registry& registry, const Operation& operation) {
    switch (operation.kind) {
        case OperationKind::tool_call:
            if (auto tool = registry.find_tool(operation.target)) return tool->required_scopes;
            return {};
        case OperationKind::prompt_get:
            if (auto prompt = registry.find_prompt(operation.target))
                return prompt->required_scopes;
            return {};
        case OperationKind::resource_read:
            // The same lookup as resources/read: a fixed URI first, then the first
            // template (with a reader) that matches.
            if (auto resource = registry.find_resource(operation.target);
                resource && resource->read)
                return resource->required_scopes;
            for (const auto& t : registry.templates()) {
                if (!t->read) continue;
                if (auto vars = match_uri_template(t->uri_template, operation.target))
                    return expand_scopes(*t, *vars);
            }
            return {};
    }
    return {};
}

AccessDecision authorize(const ServerCore& core, const Operation& operation,
                         const Principal* principal) {
    if (!principal) return {};
    auto declared = declared_scopes(core.registry(), operation);
    if (const auto& policy = core.scope_policy()) return policy(declared, *principal);
    // A principal but no policy (a transport wired without the app): the declared scopes
    // still bind, matched exactly.
    AccessDecision d;
    for (const auto& s : declared)
        if (!principal->has_scope(s)) d.allowed = false;
    if (!d.allowed) d.needed = std::move(declared);
    return d;
}

AccessDecision authorize_message(const ServerCore& core, const json::value& message,
                                 const Principal* principal) {
    AccessDecision verdict;
    if (!principal) return verdict;
    for (const auto& op : operations_in(message)) {
        auto one = authorize(core, op, principal);
        if (one.allowed) continue;
        verdict.allowed = false;
        for (auto& s : one.needed)
            if (std::find(verdict.needed.begin(), verdict.needed.end(), s) == verdict.needed.end())
                verdict.needed.push_back(std::move(s));
    }
    return verdict;
}

bool visible_to(const ServerCore& core, const std::vector<std::string>& declared,
                const Principal* principal) {
    const auto& policy = core.scope_policy();
    if (!policy || !principal) return true;
    std::vector<std::string> fixed;
    for (const auto& s : declared)
        if (s.find('{') == std::string::npos) fixed.push_back(s);
    return policy(fixed, *principal).allowed;
}

}  // namespace warden::server
