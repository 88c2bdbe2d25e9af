#pragma once
// The resource server on Beast: reads the bearer token, asks the validator without
// blocking the I/O thread, answers with RFC 6750 challenges, and serves the RFC 9728
// metadata.

#include "transport/http/auth_gate.hpp"

#include <warden/auth/config.hpp>
#include <warden/auth/dpop.hpp>
#include <warden/auth/error.hpp>
#include <warden/auth/http.hpp>
#include <warden/auth/scopes.hpp>
#include <warden/auth/validator.hpp>

#include <boost/asio/thread_pool.hpp>

#include <memory>
#include <string>
#include <vector>

namespace warden::transport::http {

class ResourceServerGate final : public AuthGate {
  public:
    /// `config` must have passed auth::validate(); `validator` checks the tokens. The
    /// server-wide required scopes are checked with config.scope_implications.
    ResourceServerGate(auth::ResourceServerAuth config,
                       std::shared_ptr<auth::TokenValidator> validator);

    boost::asio::awaitable<AuthDecision> authenticate(const Request& request) override;
    AuthDecision insufficient_scope(const Principal& principal,
                                    const std::vector<std::string>& needed,
                                    GrantedScopes granted) override;
    std::optional<Response> route(const Request& request) override;
    void stop() override;

    /// THE mapping of a condition to an HTTP status and a WWW-Authenticate header.
    /// `token_presented` adds the error code (RFC 6750 section 3.1: none without
    /// credentials); `scopes` goes into the challenge's `scope`, never `offline_access`
    /// (MCP 2026-07-28: refresh tokens are not a resource requirement). `dpop`: the error
    /// belongs to the DPoP challenge (the request used DPoP, or the token is DPoP-bound).
    AuthDecision decide(auth::Condition condition, bool token_presented,
                        std::string_view description, std::vector<std::string> scopes,
                        bool dpop = false) const;

  private:
    /// The answer to a DPoP refusal (RFC 9449 sections 7.1 and 9).
    AuthDecision decide_dpop(const auth::DpopOutcome& outcome, bool dpop_scheme,
                             std::vector<std::string> scopes) const;
    /// `Bearer ...` and/or `DPoP algs="..."`, the error on the one `dpop` names.
    std::string challenges(auth::Challenge c, bool dpop) const;

    AuthDecision check_required_scopes(std::shared_ptr<const Principal> principal) const;
    std::vector<std::string> relevant_scopes(const Principal& principal) const;

    const auth::ResourceServerAuth config_;
    const auth::ScopeHierarchy hierarchy_;
    const std::shared_ptr<auth::TokenValidator> validator_;
    const std::shared_ptr<auth::DpopGuard> dpop_;
    const std::string metadata_url_;
    const std::vector<std::string> metadata_paths_;
    const std::string metadata_body_;
    /// Where DPoP proofs are admitted when the replay cache waits on a store (created only
    /// then): a slow or silent database holds these threads, never an I/O thread.
    std::unique_ptr<boost::asio::thread_pool> store_pool_;
};

}  // namespace warden::transport::http
