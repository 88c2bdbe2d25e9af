#include "transport/http/resource_server_gate.hpp"

#include "transport/http/server_state.hpp"

#include <warden/auth/http.hpp>
#include <warden/jose/dpop.hpp>

#include <spdlog/spdlog.h>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace warden::transport::http {

namespace bhttp = boost::beast::http;

namespace {

// Completes on the awaiting coroutine's executor whatever thread the validator calls
// back on (a fetch thread after a key fetch, or inline on a cache hit).
template <class CompletionToken>
auto async_validate(auth::TokenValidator& validator, std::string token, CompletionToken&& ct) {
    return boost::asio::async_initiate<CompletionToken, void(auth::ValidationResult)>(
        [&validator](auto handler, std::string bearer) {
            using Handler = decltype(handler);
            auto shared = std::make_shared<Handler>(std::move(handler));
            validator.validate(std::move(bearer), [shared](auth::ValidationResult r) {
                auto ex = boost::asio::get_associated_executor(*shared);
                boost::asio::post(ex, [shared, r = std::move(r)]() mutable {
                    std::move (*shared)(std::move(r));
                });
            });
        },
        ct, std::move(token));
}

// guard.admit() on `pool`, completing on the awaiting coroutine's executor. The request
// and principal belong to the suspended caller and outlive the call.
template <class CompletionToken>
auto async_admit(boost::asio::thread_pool& pool, std::shared_ptr<auth::DpopGuard> guard,
                 const auth::DpopRequest& request, const Principal& principal,
                 CompletionToken&& ct) {
    return boost::asio::async_initiate<CompletionToken, void(auth::DpopOutcome)>(
        [&pool, &request, &principal](auto handler, std::shared_ptr<auth::DpopGuard> g) {
            auto shared = std::make_shared<decltype(handler)>(std::move(handler));
            boost::asio::post(pool, [shared, g = std::move(g), &request, &principal] {
                auto outcome = g->admit(request, principal);
                auto ex = boost::asio::get_associated_executor(*shared);
                boost::asio::post(ex, [shared, outcome = std::move(outcome)]() mutable {
                    std::move (*shared)(std::move(outcome));
                });
            });
        },
        ct, std::move(guard));
}

AuthDecision with_reason(AuthDecision d, std::string_view reason) {
    d.reason = reason;
    return d;
}

std::string error_body(std::string_view error, std::string_view description) {
    boost::json::object o{{"error", error}};
    if (!description.empty()) o["error_description"] = description;
    return boost::json::serialize(o);
}

}  // namespace

ResourceServerGate::ResourceServerGate(auth::ResourceServerAuth config,
                                       std::shared_ptr<auth::TokenValidator> validator)
    : config_(std::move(config)),
      hierarchy_(auth::ScopeHierarchy::create(config_.scope_implications).value()),
      validator_(std::move(validator)),
      dpop_(auth::DpopGuard::create(config_).value()),
      metadata_url_(auth::resource_metadata_url(config_.canonical_url)),
      metadata_paths_(auth::resource_metadata_paths(config_.canonical_url)),
      metadata_body_(boost::json::serialize(auth::protected_resource_metadata(config_))) {
    // Two threads: the store runs one statement at a time per connection anyway; the
    // second takes the next proof while the first waits.
    if (config_.dpop.replay_cache && config_.dpop.replay_cache->waits())
        store_pool_ = std::make_unique<boost::asio::thread_pool>(2);
}

std::string ResourceServerGate::challenges(auth::Challenge c, bool dpop) const {
    // RFC 9449 section 7.1: one challenge per accepted scheme, Bearer first (MCP clients
    // read resource_metadata from it). The error goes where the client can act on it.
    if (!dpop_->accepts_dpop()) return auth::format_challenge(c);
    dpop = dpop || !dpop_->accepts_bearer();
    auth::Challenge bare;
    bare.resource_metadata = c.resource_metadata;
    bare.scopes = c.scopes;
    std::string out;
    if (dpop_->accepts_bearer()) out = auth::format_challenge(dpop ? bare : c) + ", ";
    auth::Challenge d = dpop ? std::move(c) : std::move(bare);
    d.scheme = "DPoP";
    d.algs = dpop_->algs();
    return out + auth::format_challenge(d);
}

AuthDecision ResourceServerGate::decide_dpop(const auth::DpopOutcome& outcome, bool dpop_scheme,
                                             std::vector<std::string> scopes) const {
    using jose::DpopError;
    const auto& ec = outcome.error;
    spdlog::debug("auth: DPoP refused: {} [{}:{}]", ec.message(), ec.category().name(), ec.value());
    const auto e = static_cast<DpopError>(ec.value());
    if (e == DpopError::replay_store_unavailable) {
        // Not the client's fault and not fixable by a new proof or token: a server-side
        // outage (the shared store), like an unreachable AS.
        AuthDecision d;
        d.status = 503;
        d.body = error_body("temporarily_unavailable", ec.message());
        return d;
    }
    // Token errors (wrong scheme for the token, policy) are invalid_token on the challenge
    // of the scheme used; proof errors are invalid_dpop_proof or use_dpop_nonce (7.1, 9).
    const bool token_error = e == DpopError::bound_token_as_bearer ||
                             e == DpopError::token_not_bound || e == DpopError::dpop_required ||
                             e == DpopError::dpop_not_accepted;
    auth::Challenge c;
    c.resource_metadata = metadata_url_;
    c.scopes = std::move(scopes);
    c.error = token_error                      ? "invalid_token"
              : e == DpopError::use_dpop_nonce ? "use_dpop_nonce"
                                               : "invalid_dpop_proof";
    c.error_description = ec.message();
    AuthDecision d;
    d.status = 401;
    d.body = error_body(c.error, c.error_description);
    d.www_authenticate = challenges(std::move(c), token_error ? dpop_scheme : true);
    d.dpop_nonce = outcome.nonce;
    return d;
}

AuthDecision ResourceServerGate::decide(auth::Condition condition, bool token_presented,
                                        std::string_view description,
                                        std::vector<std::string> scopes, bool dpop) const {
    AuthDecision d;
    auth::Challenge c;
    c.resource_metadata = metadata_url_;
    std::erase(scopes, std::string(auth::kOfflineAccess));
    c.scopes = std::move(scopes);
    switch (condition) {
        case auth::Condition::invalid_request:
            d.status = 400;
            c.error = "invalid_request";
            break;
        case auth::Condition::invalid_token:
            d.status = 401;
            if (token_presented) c.error = "invalid_token";
            break;
        case auth::Condition::insufficient_scope:
            d.status = 403;
            c.error = "insufficient_scope";
            break;
        case auth::Condition::unavailable:
            // The AS cannot be reached and no keys are known: a server-side problem the
            // client cannot fix by re-authenticating.
            d.status = 503;
            d.body = error_body("temporarily_unavailable",
                                "the authorization server is unreachable; try again later");
            return d;
    }
    if (!c.error.empty()) c.error_description = std::string(description);
    d.www_authenticate = challenges(c, dpop);
    // RFC 9449 section 8: a nonce up front spares the client a use_dpop_nonce round trip.
    if (d.status == 401 && dpop_->requires_nonce()) d.dpop_nonce = dpop_->fresh_nonce();
    d.body = c.error.empty() ? error_body("unauthorized", "a bearer token is required")
                             : error_body(c.error, description);
    return d;
}

std::vector<std::string> ResourceServerGate::relevant_scopes(const Principal& principal) const {
    // The token's scopes that this server knows about; all of them when it lists none.
    std::vector<std::string> out;
    for (const auto& s : principal.scopes) {
        const auto known = [&](const std::vector<std::string>& v) {
            return std::find(v.begin(), v.end(), s) != v.end();
        };
        if (config_.scopes_supported.empty() || known(config_.scopes_supported) ||
            known(config_.required_scopes))
            out.push_back(s);
    }
    return out;
}

AuthDecision ResourceServerGate::insufficient_scope(const Principal& principal,
                                                    const std::vector<std::string>& needed,
                                                    GrantedScopes granted) {
    return decide(
        auth::Condition::insufficient_scope, true, "the token lacks a scope this request requires",
        granted == GrantedScopes::kept ? auth::step_up_scopes(needed, relevant_scopes(principal))
                                       : needed,
        !auth::bound_thumbprint(principal).empty());
}

AuthDecision ResourceServerGate::check_required_scopes(
    std::shared_ptr<const Principal> principal) const {
    if (!hierarchy_.missing(principal->scopes, config_.required_scopes).empty())
        return decide(auth::Condition::insufficient_scope, true,
                      "the token lacks a scope this server requires",
                      auth::step_up_scopes(config_.required_scopes, relevant_scopes(*principal)),
                      !auth::bound_thumbprint(*principal).empty());
    AuthDecision d;
    d.principal = std::move(principal);
    return d;
}

boost::asio::awaitable<AuthDecision> ResourceServerGate::authenticate(const Request& request) {
    const auto challenge_scopes = config_.default_challenge_scopes.empty()
                                      ? config_.required_scopes
                                      : config_.default_challenge_scopes;
    // RFC 6750 section 2: one method per request; several Authorization headers are
    // ambiguous. The query string is never read (section 2.3 is not supported).
    if (request.count(bhttp::field::authorization) > 1)
        co_return with_reason(decide(auth::Condition::invalid_request, true,
                                     "more than one Authorization header", challenge_scopes),
                              "malformed_header");
    auto presented = auth::presented_token(request[bhttp::field::authorization]);
    if (!presented) {
        if (presented.error() == auth::Error::missing_token)
            co_return with_reason(
                decide(auth::Condition::invalid_token, false, {}, challenge_scopes),
                "missing_token");
        co_return with_reason(decide(auth::Condition::invalid_request, true,
                                     "malformed Authorization header", challenge_scopes),
                              "malformed_header");
    }
    const std::string_view token = presented->token;
    const bool dpop = presented->dpop;
    // The token part keeps its verified-token cache; the proof is new on every request.
    auto principal = validator_->cached(token);
    if (!principal) {
        auto verdict =
            co_await async_validate(*validator_, std::string(token), boost::asio::use_awaitable);
        if (!verdict) {
            const auto& ec = verdict.error();
            // The reason only: never the token, its claims or the key.
            spdlog::debug("auth: token rejected: {} [{}:{}]", ec.message(), ec.category().name(),
                          ec.value());
            co_return with_reason(
                decide(auth::condition_of(ec), true, ec.message(), challenge_scopes, dpop),
                auth::reason_of(ec));
        }
        principal = std::move(verdict.value());
    }
    std::vector<std::string_view> proofs;
    for (auto [it, end] = request.equal_range("DPoP"); it != end; ++it)
        proofs.push_back(it->value());
    const auth::DpopRequest dpop_request{dpop ? auth::TokenScheme::dpop : auth::TokenScheme::bearer,
                                         request.method_string(), token, proofs};
    // (An if, not a conditional expression: GCC 12 miscompiles co_await inside one.)
    auth::DpopOutcome outcome;
    if (store_pool_ && dpop_->admit_waits(dpop_request))
        outcome = co_await async_admit(*store_pool_, dpop_, dpop_request, *principal,
                                       boost::asio::use_awaitable);
    else
        outcome = dpop_->admit(dpop_request, *principal);
    if (outcome.error)
        co_return with_reason(decide_dpop(outcome, dpop, challenge_scopes),
                              auth::reason_of(outcome.error));
    auto decision = check_required_scopes(std::move(principal));
    if (decision.status != 0) decision.reason = "insufficient_scope";
    if (decision.status == 0) decision.dpop_nonce = std::move(outcome.nonce);
    co_return decision;
}

void ResourceServerGate::stop() {
    if (store_pool_) store_pool_->join();
}

std::optional<Response> ResourceServerGate::route(const Request& request) {
    auto target = request.target();
    auto path = target.substr(0, target.find('?'));
    if (std::find(metadata_paths_.begin(), metadata_paths_.end(), path) == metadata_paths_.end())
        return std::nullopt;
    if (request.method() == bhttp::verb::options) {
        Response res = make_preflight(request);
        res.set(bhttp::field::access_control_allow_methods, "GET, OPTIONS");
        return res;
    }
    if (request.method() != bhttp::verb::get) {
        Response res = make_response(request, 405, error_body("method_not_allowed", {}));
        res.set(bhttp::field::allow, "GET, OPTIONS");
        return res;
    }
    Response res = make_response(request, 200, metadata_body_);
    res.set(bhttp::field::cache_control, "public, max-age=3600");
    return res;
}

}  // namespace warden::transport::http
