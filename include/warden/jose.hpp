#pragma once
// Warden JOSE: JWT access-token validation on OpenSSL 3.
//
//   auto keys = warden::jose::parse_jwks(jwks_json);          // once per JWKS fetch
//   warden::jose::VerifyOptions opt;
//   opt.algorithms = warden::jose::kAllAsymmetricAlgorithms;  // or {Algorithm::RS256}
//   opt.issuers = {"https://as.example"};
//   opt.audiences = {"https://mcp.example/mcp"};
//   opt.now = std::chrono::system_clock::now();
//   auto token = warden::jose::verify(bearer, **keys, opt);  // result<VerifiedToken>
//   if (!token) { token.error() == warden::jose::Condition::invalid_token ... }

#include "warden/jose/algorithm.hpp"
#include "warden/jose/base64url.hpp"
#include "warden/jose/dpop.hpp"
#include "warden/jose/error.hpp"
#include "warden/jose/jwk.hpp"
#include "warden/jose/verify.hpp"
