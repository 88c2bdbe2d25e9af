// The scope algebra: closure, satisfaction, missing scopes, hierarchy validation and the
// JSON form of implications.
#include <warden/auth/config.hpp>
#include <warden/auth/scopes.hpp>

#include <gtest/gtest.h>

namespace warden::auth {
namespace {

ScopeHierarchy hierarchy(const ScopeImplications& implications) {
    auto h = ScopeHierarchy::create(implications);
    EXPECT_TRUE(h) << (h ? "" : h.error().message);
    return h ? std::move(h.value()) : ScopeHierarchy{};
}

std::string create_error(const ScopeImplications& implications) {
    auto h = ScopeHierarchy::create(implications);
    return h ? std::string("<ok>") : h.error().message;
}

std::string parse_error(std::string_view text) {
    auto r = parse_scope_implications(text);
    return r ? std::string("<ok>") : r.error().message;
}

TEST(ScopeAlgebra, WithoutImplicationsAScopeSatisfiesOnlyItself) {
    ScopeHierarchy h;
    EXPECT_TRUE(h.empty());
    EXPECT_TRUE(h.satisfies({"a"}, "a"));
    EXPECT_FALSE(h.satisfies({"a"}, "b"));
    EXPECT_FALSE(h.satisfies({}, "a"));
    EXPECT_EQ(h.closure({"a", "b"}), (std::set<std::string>{"a", "b"}));
}

TEST(ScopeAlgebra, BroadScopeSatisfiesNarrowOneButNotTheReverse) {
    auto h = hierarchy({{"mcp:admin", {"mcp:tools"}}});
    EXPECT_TRUE(h.satisfies({"mcp:admin"}, "mcp:tools"));
    EXPECT_TRUE(h.satisfies({"mcp:admin"}, "mcp:admin"));
    EXPECT_FALSE(h.satisfies({"mcp:tools"}, "mcp:admin"));
}

TEST(ScopeAlgebra, ImplicationIsTransitive) {
    auto h = hierarchy({{"a", {"b"}}, {"b", {"c"}}, {"c", {"d"}}});
    EXPECT_TRUE(h.satisfies({"a"}, "d"));
    EXPECT_TRUE(h.satisfies({"b"}, "d"));
    EXPECT_FALSE(h.satisfies({"c"}, "b"));
    EXPECT_EQ(h.closure({"a"}), (std::set<std::string>{"a", "b", "c", "d"}));
    EXPECT_EQ(h.closure({"c"}), (std::set<std::string>{"c", "d"}));
}

TEST(ScopeAlgebra, CyclesTerminateAndMakeScopesEquivalent) {
    auto h = hierarchy({{"a", {"b"}}, {"b", {"c"}}, {"c", {"a"}}, {"self", {"self"}}});
    for (const char* from : {"a", "b", "c"})
        for (const char* to : {"a", "b", "c"}) EXPECT_TRUE(h.satisfies({from}, to)) << from << to;
    EXPECT_EQ(h.closure({"b"}), (std::set<std::string>{"a", "b", "c"}));
    EXPECT_EQ(h.closure({"self"}), (std::set<std::string>{"self"}));
    EXPECT_FALSE(h.satisfies({"self"}, "a"));
}

TEST(ScopeAlgebra, DiamondAndSeveralGrantedScopes) {
    auto h = hierarchy({{"root", {"left", "right"}}, {"left", {"leaf"}}, {"right", {"leaf"}}});
    EXPECT_EQ(h.closure({"root"}), (std::set<std::string>{"root", "left", "right", "leaf"}));
    EXPECT_TRUE(h.satisfies({"other", "right"}, "leaf"));
    EXPECT_EQ(h.closure({"left", "x"}), (std::set<std::string>{"left", "leaf", "x"}));
}

TEST(ScopeAlgebra, UnrelatedImplicationsDoNotLeak) {
    auto h = hierarchy({{"a", {"b"}}, {"x", {"y"}}});
    EXPECT_FALSE(h.satisfies({"a"}, "y"));
    EXPECT_FALSE(h.satisfies({"b"}, "b2"));
}

TEST(ScopeAlgebra, MissingKeepsOrderDropsDuplicatesAndHonoursHierarchy) {
    auto h = hierarchy({{"mcp:admin", {"mcp:tools", "mcp:prompts"}}});
    EXPECT_TRUE(h.missing({"mcp:admin"}, {"mcp:tools", "mcp:prompts", "mcp:admin"}).empty());
    EXPECT_EQ(h.missing({"mcp:tools"}, {"z", "mcp:tools", "a", "z", "mcp:admin"}),
              (std::vector<std::string>{"z", "a", "mcp:admin"}));
    EXPECT_TRUE(h.missing({}, {}).empty());
    EXPECT_EQ(h.missing({}, {"mcp:tools"}), (std::vector<std::string>{"mcp:tools"}));
}

// docs/secure-your-mcp-server.md, "Scope hierarchies".
TEST(ScopeAlgebra, WorkedExampleFromTheDocs) {
    auto parsed = parse_scope_implications(
        R"({"mcp:admin": ["mcp:write", "mcp:audit"],
            "mcp:write": ["tools:call", "resources:read"],
            "mcp:audit": ["prompts:get"]})");
    ASSERT_TRUE(parsed);
    auto h = hierarchy(*parsed);
    const std::vector<std::string> tool = {"tools:call", "mcp:write"};
    EXPECT_TRUE(h.missing({"mcp:admin"}, tool).empty());
    EXPECT_TRUE(h.missing({"mcp:write"}, tool).empty());
    EXPECT_EQ(h.missing({"tools:call"}, tool), (std::vector<std::string>{"mcp:write"}));
    EXPECT_EQ(h.missing({"mcp:audit"}, tool), tool);
    EXPECT_EQ(h.closure({"mcp:admin"}),
              (std::set<std::string>{"mcp:admin", "mcp:write", "mcp:audit", "tools:call",
                                     "resources:read", "prompts:get"}));
}

TEST(ScopeAlgebra, ScopeNamesAreComparedExactly) {
    auto h = hierarchy({{"mcp:admin", {"mcp:tools"}}});
    EXPECT_FALSE(h.satisfies({"MCP:ADMIN"}, "mcp:tools"));
    EXPECT_FALSE(h.satisfies({"mcp:admin"}, "mcp:tool"));
    EXPECT_FALSE(h.satisfies({"mcp:admin "}, "mcp:tools"));
}

TEST(ScopeAlgebra, ScopeTokenFollowsRfc6749) {
    EXPECT_TRUE(is_scope_token("mcp:conformance:resources:template:123"));
    EXPECT_TRUE(is_scope_token("a%20b"));
    EXPECT_TRUE(is_scope_token("!#[]~"));
    EXPECT_FALSE(is_scope_token(""));
    EXPECT_FALSE(is_scope_token("a b"));
    EXPECT_FALSE(is_scope_token("a\"b"));
    EXPECT_FALSE(is_scope_token("a\\b"));
    EXPECT_FALSE(is_scope_token("a\tb"));
    EXPECT_FALSE(is_scope_token("caf\xc3\xa9"));
    EXPECT_FALSE(is_scope_token(std::string_view("a\0b", 3)));
}

TEST(ScopeAlgebra, CreateRejectsInvalidScopeNames) {
    EXPECT_EQ(create_error({{"", {"a"}}}), "\"\" is not a valid scope (RFC 6749 section 3.3)");
    EXPECT_EQ(create_error({{"a", {"b c"}}}),
              "\"a\" implies \"b c\", which is not a valid scope (RFC 6749 section 3.3)");
    EXPECT_EQ(create_error({{"a", {}}}), "<ok>");
}

TEST(ScopeImplicationsJson, ParsesAnObjectOfArrays) {
    auto r = parse_scope_implications(R"({"mcp:admin":["mcp:tools","mcp:resources"],"x":[]})");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->at("mcp:admin"), (std::vector<std::string>{"mcp:tools", "mcp:resources"}));
    EXPECT_TRUE(r->at("x").empty());
    EXPECT_EQ(parse_error("{}"), "<ok>");
}

TEST(ScopeImplicationsJson, RejectsMalformedInputWithAClearMessage) {
    EXPECT_TRUE(parse_error("{").starts_with("is not valid JSON"));
    EXPECT_TRUE(parse_error(R"(["a"])").starts_with("must be a JSON object mapping a scope"));
    EXPECT_EQ(parse_error(R"({"a":"b"})"), "the value of \"a\" must be an array of scopes");
    EXPECT_EQ(parse_error(R"({"a":[1]})"), "\"a\" must list scopes as strings");
    EXPECT_EQ(parse_error(R"({"a":["b c"]})"),
              "\"a\" implies \"b c\", which is not a valid scope (RFC 6749 section 3.3)");
    EXPECT_EQ(parse_error(R"({"a b":["c"]})"),
              "\"a b\" is not a valid scope (RFC 6749 section 3.3)");
}

TEST(ScopeUnion, KeepsOrderWithoutDuplicates) {
    EXPECT_EQ(scope_union({"a", "b"}, {"b", "c", "a", "d"}),
              (std::vector<std::string>{"a", "b", "c", "d"}));
    EXPECT_EQ(scope_union({}, {"x"}), (std::vector<std::string>{"x"}));
}

TEST(OfflineAccess, IsDroppedFromEveryScopeListAndReported) {
    ResourceServerAuth config;
    config.scopes_supported = {"mcp:tools", "offline_access"};
    config.default_challenge_scopes = {"offline_access", "mcp:tools"};
    config.required_scopes = {"mcp:tools"};
    auto where = drop_offline_access(config);
    EXPECT_EQ(where, (std::vector<std::string>{"scopes_supported", "default_challenge_scopes"}));
    EXPECT_EQ(config.scopes_supported, (std::vector<std::string>{"mcp:tools"}));
    EXPECT_EQ(config.default_challenge_scopes, (std::vector<std::string>{"mcp:tools"}));
    EXPECT_TRUE(drop_offline_access(config).empty());
}

}  // namespace
}  // namespace warden::auth
