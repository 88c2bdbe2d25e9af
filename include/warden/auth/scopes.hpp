#pragma once
// Scope algebra: which granted scopes satisfy which required ones, given declared scope
// hierarchies ("mcp:admin" implies "mcp:tools"). MCP authorization 2026-07-28, "Step-Up
// Authorization Flow": servers MUST account for scope hierarchies, where a broader scope
// implies narrower ones, when deciding whether a token is sufficient for an operation.
//
//   auto h = ScopeHierarchy::create({{"mcp:admin", {"mcp:tools", "mcp:resources"}}});
//   h->satisfies({"mcp:admin"}, "mcp:tools");          // true
//   h->missing({"mcp:tools"}, {"mcp:tools", "mcp:admin"});   // {"mcp:admin"}
//
// Pure: no I/O, no clock, no logging.

#include <warden/auth/error.hpp>

#include <boost/system/result.hpp>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace warden::auth {

/// Declared implications: a broad scope -> the narrower scopes it implies directly.
/// Implication is transitive; cycles are allowed (the scopes in a cycle imply each other).
using ScopeImplications = std::map<std::string, std::vector<std::string>>;

/// The scope `offline_access` (OpenID Connect Core 1.0 section 11): asks for a refresh
/// token. MCP 2026-07-28: a server SHOULD NOT put it in challenges or in `scopes_supported`.
inline constexpr std::string_view kOfflineAccess = "offline_access";

/// True when `scope` is a valid scope token (RFC 6749 section 3.3: one or more of
/// %x21 / %x23-5B / %x5D-7E; no space, quote or backslash).
bool is_scope_token(std::string_view scope) noexcept;

/// A closed set of scope implications. Immutable after create(); thread-safe to share.
class ScopeHierarchy {
  public:
    /// No implications: a scope satisfies only itself.
    ScopeHierarchy() = default;

    /// Checks `implications` (every name a valid scope token) and computes the transitive
    /// closure once. Cycles are fine. Error: bad_configuration, with a
    /// message naming the offending scope.
    static boost::system::result<ScopeHierarchy, ConfigError> create(
        const ScopeImplications& implications);

    /// Every scope `granted` stands for: the granted scopes and all they imply.
    std::set<std::string> closure(const std::set<std::string>& granted) const;

    /// True when `required` is granted or implied by a granted scope.
    bool satisfies(const std::set<std::string>& granted, std::string_view required) const;

    /// The scopes of `required` that `granted` does not satisfy, in `required`'s order,
    /// without duplicates. Empty: access allowed.
    std::vector<std::string> missing(const std::set<std::string>& granted,
                                     const std::vector<std::string>& required) const;

    /// True when no implication is declared.
    bool empty() const noexcept { return implied_.empty(); }

  private:
    // broad scope -> every scope it implies, transitively (itself excluded unless cyclic).
    std::map<std::string, std::set<std::string, std::less<>>, std::less<>> implied_;
};

/// Parses the JSON form of implications, an object `{"scope": ["implied", ...], ...}`
/// (MCP_RESOURCE_SERVER_SCOPE_IMPLICATIONS). The result still goes through
/// ScopeHierarchy::create. Error: bad_configuration with a message that says what is
/// wrong (the message does not name the variable; the caller prefixes it).
boost::system::result<ScopeImplications, ConfigError> parse_scope_implications(
    std::string_view json_text);

/// `a` followed by the scopes of `b` not already in it: an ordered union without duplicates.
std::vector<std::string> scope_union(std::vector<std::string> a, const std::vector<std::string>& b);

}  // namespace warden::auth
