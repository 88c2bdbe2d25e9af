#pragma once
// Warden auth: the MCP server as an OAuth 2.1 resource server (MCP authorization spec,
// RFC 6750, 7662, 8414, 8707, 9068, 9728).
//
//   warden::auth::ResourceServerAuth config;          // or load_from_env(...)
//   config.canonical_url = "https://mcp.example.com/mcp";
//   config.authorization_servers = {{.authorization_server_url = "https://as.example.com",
//                                    .issuer = "https://as.example.com"}};
//   app.auth(config);                                  // App does the rest
//
// Pieces for other transports: make_validator() (token -> Principal), bearer_token(),
// format_challenge(), protected_resource_metadata(), JwksCache.

#include <warden/auth/config.hpp>
#include <warden/auth/dpop.hpp>
#include <warden/auth/env_config.hpp>
#include <warden/auth/error.hpp>
#include <warden/auth/http.hpp>
#include <warden/auth/jwks_cache.hpp>
#include <warden/auth/runtime.hpp>
#include <warden/auth/scopes.hpp>
#include <warden/auth/validator.hpp>
