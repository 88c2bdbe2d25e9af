#pragma once
// RFC 6570 level-1 URI templates ("test://template/{id}/data"): matching a URI against a
// template to recover its variables.

#include <warden/definitions.hpp>

#include <optional>
#include <string_view>
#include <vector>

namespace warden::server {

/// Matches `uri` against `uri_template`. A variable matches one or more characters up to
/// the next literal part (and never a '/'), so "a/{x}/b" does not match "a/1/2/b".
/// Returns the variables (percent-decoded), or nullopt when the URI does not match or the
/// template is malformed.
std::optional<UriVariables> match_uri_template(std::string_view uri_template, std::string_view uri);

/// Expands `uri_template` with `vars` (RFC 6570 section 3.2.2, simple string expansion:
/// characters outside unreserved are percent-encoded). nullopt when the template is
/// malformed or names a variable `vars` lacks.
std::optional<std::string> expand_uri_template(std::string_view uri_template,
                                               const UriVariables& vars);

/// The variable names of a template, in order; empty when malformed.
std::vector<std::string> template_variables(std::string_view uri_template);

}  // namespace warden::server
