#pragma once
// OAuth scope sets (RFC 6749 §3.3): parsing, coverage and union.

#include <string>
#include <string_view>
#include <vector>

namespace warden::toolauth {

/// Splits a scope string on spaces and commas (GitHub reports scopes comma-separated);
/// sorted, without duplicates or empty entries.
std::vector<std::string> parse_scopes(std::string_view text);
/// Joins scopes with `separator`.
std::string join_scopes(const std::vector<std::string>& scopes, std::string_view separator = " ");
/// True when every scope in `needed` is in `granted`.
bool scopes_cover(const std::vector<std::string>& granted, const std::vector<std::string>& needed);
/// The sorted union of two scope lists, without duplicates.
std::vector<std::string> scope_union(const std::vector<std::string>& a,
                                     const std::vector<std::string>& b);

}  // namespace warden::toolauth
