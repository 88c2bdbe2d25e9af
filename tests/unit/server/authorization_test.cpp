// Per-operation authorization: the operations a message invokes, the scopes each declares
// (template scopes expanded from the URI), the decision with a scope policy, and hiding.
#include "server/authorization.hpp"
#include "server/call_state.hpp"
#include "server/core.hpp"
#include "server/methods.hpp"
#include "server/uri_template.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <algorithm>

namespace warden::server {
namespace {

namespace json = boost::json;
using Scopes = std::vector<std::string>;

std::vector<ResourceContents> no_contents(Context&) {
    return {};
}

std::shared_ptr<ServerCore> make_core() {
    auto core = std::make_shared<ServerCore>(ServerInfo{.name = "t", .version = "1"},
                                             ServerOptions{.worker_threads = 1});
    auto& r = core->registry();
    r.add(Tool{.name = "open",
               .handler = [](const json::object&, Context&) { return ToolResult{}; }});
    r.add(Tool{.name = "admin",
               .required_scopes = {"tools:call", "tools:admin"},
               .handler = [](const json::object&, Context&) { return ToolResult{}; }});
    r.add(Resource{.uri = "test://static",
                   .name = "s",
                   .required_scopes = {"res:static"},
                   .read = no_contents});
    r.add(ResourceTemplate{.uri_template = "test://t/{id}/data",
                           .name = "t",
                           .required_scopes = {"res:read", "res:t:{id}"},
                           .read = [](const std::string&, const UriVariables&, Context&) {
                               return std::vector<ResourceContents>{};
                           }});
    r.add(Prompt{
        .name = "p",
        .required_scopes = {"prompts:p"},
        .get = [](const std::map<std::string, std::string>&, Context&) { return PromptResult{}; }});
    return core;
}

// Server-wide "base" plus the operation's; no hierarchy (that is auth's ScopeHierarchy).
ScopePolicy exact_policy() {
    return [](const Scopes& op, const Principal& p) {
        Scopes needed{"base"};
        for (const auto& s : op)
            if (std::find(needed.begin(), needed.end(), s) == needed.end()) needed.push_back(s);
        AccessDecision d;
        for (const auto& s : needed)
            if (!p.has_scope(s)) d.allowed = false;
        if (!d.allowed) d.needed = needed;
        return d;
    };
}

Principal with(std::set<std::string> scopes) {
    return Principal{.user_id = "u", .scopes = std::move(scopes)};
}

TEST(Operations, ReadFromRequestsAndBatches) {
    auto ops = operations_in(json::parse(R"([
        {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"admin"}},
        {"jsonrpc":"2.0","id":2,"method":"ping"},
        {"jsonrpc":"2.0","id":3,"method":"resources/read","params":{"uri":"test://static"}},
        {"jsonrpc":"2.0","id":4,"method":"prompts/get","params":{"name":"p"}},
        {"jsonrpc":"2.0","id":5,"method":"prompts/get","params":{"name":7}},
        {"jsonrpc":"2.0","id":6,"method":"tools/call","params":[]},
        {"jsonrpc":"2.0","id":7,"method":"resources/read","params":{"name":"x"}}])"));
    ASSERT_EQ(ops.size(), 3u);
    EXPECT_EQ(ops[0].kind, OperationKind::tool_call);
    EXPECT_EQ(ops[0].target, "admin");
    EXPECT_EQ(ops[1].kind, OperationKind::resource_read);
    EXPECT_EQ(ops[1].target, "test://static");
    EXPECT_EQ(ops[2].kind, OperationKind::prompt_get);
    EXPECT_TRUE(
        operations_in(json::parse(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})")).empty());
    OperationKind k{};
    EXPECT_FALSE(operation_kind_of("completion/complete", k));
}

TEST(DeclaredScopes, PerKindAndUnknownTargets) {
    auto core = make_core();
    const auto& r = core->registry();
    EXPECT_EQ(declared_scopes(r, {OperationKind::tool_call, "admin"}),
              (Scopes{"tools:call", "tools:admin"}));
    EXPECT_TRUE(declared_scopes(r, {OperationKind::tool_call, "open"}).empty());
    EXPECT_TRUE(declared_scopes(r, {OperationKind::tool_call, "nope"}).empty());
    EXPECT_EQ(declared_scopes(r, {OperationKind::resource_read, "test://static"}),
              (Scopes{"res:static"}));
    EXPECT_EQ(declared_scopes(r, {OperationKind::prompt_get, "p"}), (Scopes{"prompts:p"}));
    EXPECT_TRUE(declared_scopes(r, {OperationKind::resource_read, "test://other"}).empty());
}

TEST(DeclaredScopes, TemplateVariablesAreExpandedFromTheUri) {
    auto core = make_core();
    const auto& r = core->registry();
    EXPECT_EQ(declared_scopes(r, {OperationKind::resource_read, "test://t/123/data"}),
              (Scopes{"res:read", "res:t:123"}));
    // Decoded from the URI, then re-encoded: a scope never holds a space or a quote.
    EXPECT_EQ(declared_scopes(r, {OperationKind::resource_read, "test://t/a%20b%22/data"})[1],
              "res:t:a%20b%22");
    EXPECT_EQ(declared_scopes(r, {OperationKind::resource_read, "test://t/x~y.z_-/data"})[1],
              "res:t:x~y.z_-");
}

TEST(DeclaredScopes, ATemplateScopeNamingAnUnknownVariableIsRefused) {
    auto core = make_core();
    auto bad = [] {
        return ResourceTemplate{.uri_template = "test://u/{id}",
                                .name = "u",
                                .required_scopes = {"u:{other}"},
                                .read = [](const std::string&, const UriVariables&, Context&) {
                                    return std::vector<ResourceContents>{};
                                }};
    };
    EXPECT_THROW(core->registry().add(bad()), std::invalid_argument);
    auto good = bad();
    good.required_scopes = {"u:{id}", "u:{id}:{id}"};
    EXPECT_NO_THROW(core->registry().add(std::move(good)));
}

TEST(UriTemplateExpansion, SimpleStringExpansion) {
    EXPECT_EQ(expand_uri_template("a:{x}:b", {{"x", "1 2"}}), "a:1%202:b");
    EXPECT_EQ(expand_uri_template("{x}{y}", {{"x", "1"}, {"y", "2"}}), std::nullopt);  // adjacent
    EXPECT_EQ(expand_uri_template("a:{x}", {}), std::nullopt);
    EXPECT_EQ(expand_uri_template("a:{x", {{"x", "1"}}), std::nullopt);
    EXPECT_EQ(expand_uri_template("plain", {}), "plain");
    EXPECT_EQ(expand_uri_template("{x}", {{"x", "\xc3\xa9/\\"}}), "%C3%A9%2F%5C");
}

TEST(Authorize, WithoutPrincipalEverythingIsAllowed) {
    auto core = make_core();
    core->set_scope_policy(exact_policy(), true);
    EXPECT_TRUE(authorize(*core, {OperationKind::tool_call, "admin"}, nullptr).allowed);
}

TEST(Authorize, DeniedListsEveryNeededScopeEvenThoseHeld) {
    auto core = make_core();
    core->set_scope_policy(exact_policy(), false);
    auto p = with({"base", "tools:call"});
    auto d = authorize(*core, {OperationKind::tool_call, "admin"}, &p);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.needed, (Scopes{"base", "tools:call", "tools:admin"}));
    auto full = with({"base", "tools:call", "tools:admin"});
    EXPECT_TRUE(authorize(*core, {OperationKind::tool_call, "admin"}, &full).allowed);
    EXPECT_TRUE(authorize(*core, {OperationKind::tool_call, "open"}, &full).allowed);
}

TEST(Authorize, WithoutPolicyDeclaredScopesStillBind) {
    auto core = make_core();
    auto p = with({"tools:call"});
    auto d = authorize(*core, {OperationKind::tool_call, "admin"}, &p);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.needed, (Scopes{"tools:call", "tools:admin"}));
}

TEST(Authorize, BatchDeniedWithTheUnionOfWhatItsOperationsNeed) {
    auto core = make_core();
    core->set_scope_policy(exact_policy(), false);
    auto p = with({"base"});
    auto d = authorize_message(*core, json::parse(R"([
        {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"admin"}},
        {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"open"}},
        {"jsonrpc":"2.0","id":3,"method":"prompts/get","params":{"name":"p"}}])"),
                               &p);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.needed, (Scopes{"base", "tools:call", "tools:admin", "prompts:p"}));
    EXPECT_TRUE(authorize_message(*core,
                                  json::parse(R"({"jsonrpc":"2.0","id":2,"method":"tools/call",
                                                  "params":{"name":"open"}})"),
                                  &p)
                    .allowed);
}

// A legacy-era request's state, as a 2025-11-25 session would make it, for `principal`.
std::unique_ptr<detail::CallState> call_by(const Principal* principal) {
    auto call = std::make_unique<detail::CallState>();
    call->protocol_version = "2025-11-25";
    if (principal) call->principal = std::make_shared<const Principal>(*principal);
    return call;
}

TEST(Hiding, ListsLeaveOutWhatTheCallerCannotUse) {
    auto core = make_core();
    EXPECT_FALSE(core->lists_vary_by_caller());
    core->set_scope_policy(exact_policy(), true);
    EXPECT_TRUE(core->lists_vary_by_caller());
    auto p = with({"base", "res:read"});
    auto caller = call_by(&p);
    auto anonymous = call_by(nullptr);
    const auto names = [](const MethodResult& r, const char* key, const char* field) {
        std::vector<std::string> out;
        for (const auto& item : std::get<json::value>(r).as_object().at(key).as_array())
            out.emplace_back(item.as_object().at(field).as_string());
        return out;
    };
    EXPECT_EQ(names(methods::list_tools(*core, *caller, nullptr), "tools", "name"),
              (Scopes{"open"}));
    EXPECT_TRUE(
        names(methods::list_resources(*core, *caller, nullptr), "resources", "uri").empty());
    // The template's fixed scope is held; its per-URI scopes cannot be judged in a list.
    EXPECT_EQ(names(methods::list_resource_templates(*core, *caller, nullptr), "resourceTemplates",
                    "uriTemplate"),
              (Scopes{"test://t/{id}/data"}));
    EXPECT_TRUE(names(methods::list_prompts(*core, *caller, nullptr), "prompts", "name").empty());
    // Without a principal (stdio) everything is listed.
    EXPECT_EQ(names(methods::list_prompts(*core, *anonymous, nullptr), "prompts", "name"),
              (Scopes{"p"}));
    core->shutdown();
}

TEST(Hiding, OffByDefault) {
    auto core = make_core();
    core->set_scope_policy(exact_policy(), false);
    auto p = with({});
    auto r = methods::list_tools(*core, *call_by(&p), nullptr);
    EXPECT_EQ(std::get<json::value>(r).as_object().at("tools").as_array().size(), 2u);
    core->shutdown();
}

}  // namespace
}  // namespace warden::server
