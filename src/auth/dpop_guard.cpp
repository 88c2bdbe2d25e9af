// Which token may go with which scheme, and the stateful checks of a DPoP proof (server
// nonce, replay) around the pure jose::verify_dpop_proof.
#include <warden/auth/dpop.hpp>
#include <warden/jose/dpop.hpp>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace warden::auth {
namespace {

using jose::DpopError;

DpopOutcome refuse(DpopError e) {
    return {make_error_code(e), {}};
}

// The replay key: a proof's jti is unique for its key (RFC 9449 section 11.1), so the
// thumbprint goes in too and one client cannot block another's jti.
DpopReplayCache::Key replay_key(std::string_view jkt, std::string_view jti) {
    DpopReplayCache::Key key{};
    std::string input(jkt);
    input.push_back('.');
    input.append(jti);
    unsigned int len = 0;
    EVP_Digest(input.data(), input.size(), key.data(), &len, EVP_sha256(), nullptr);
    return key;
}

std::string random_key() {
    std::string key(32, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), 32) != 1)
        throw std::runtime_error("DPoP: no random bytes for the nonce key");
    return key;
}

}  // namespace

std::string_view bound_thumbprint(const Principal& principal) {
    const auto* cnf = principal.claims.if_contains("cnf");
    if (cnf == nullptr || !cnf->is_object()) return {};
    const auto* jkt = cnf->get_object().if_contains("jkt");
    if (jkt == nullptr || !jkt->is_string()) return {};
    return jkt->get_string();
}

boost::system::result<std::shared_ptr<DpopGuard>, ConfigError> DpopGuard::create(
    const ResourceServerAuth& config, std::shared_ptr<Clock> clock) {
    if (auto valid = validate(config); !valid) return valid.error();
    std::string key = config.dpop.nonce_key.empty() ? random_key() : config.dpop.nonce_key;
    return std::make_shared<DpopGuard>(config, clock ? std::move(clock) : Clock::system(),
                                       std::move(key));
}

DpopGuard::DpopGuard(const ResourceServerAuth& config, std::shared_ptr<Clock> clock,
                     std::string key)
    : config_(config),
      clock_(std::move(clock)),
      replay_(config.dpop.replay_cache
                  ? config.dpop.replay_cache
                  : DpopReplayCache::in_memory(config.dpop.replay_cache_max_entries)),
      nonces_(key, config.dpop.nonce_lifetime) {
    std::fill(key.begin(), key.end(), '\0');
    for (const auto& e : config_.authorization_servers) {
        accepts_bearer_ = accepts_bearer_ || e.dpop != DpopPolicy::required;
        accepts_dpop_ = accepts_dpop_ || e.dpop != DpopPolicy::off;
    }
    // A custom validator decides on tokens itself; Bearer stays possible.
    if (config_.validator) accepts_bearer_ = true;
    for (int i = 0; i <= static_cast<int>(jose::Algorithm::EdDSA); ++i) {
        const auto alg = static_cast<jose::Algorithm>(i);
        if (!config_.dpop.algorithms.contains(alg)) continue;
        if (!algs_.empty()) algs_.push_back(' ');
        algs_ += jose::to_string(alg);
    }
}

std::string DpopGuard::fresh_nonce() const {
    return nonces_.issue(clock_->now());
}

DpopPolicy DpopGuard::policy_for(const Principal& principal) const {
    for (const auto& e : config_.authorization_servers)
        if (e.issuer == principal.issuer) return e.dpop;
    return DpopPolicy::allowed;
}

DpopOutcome DpopGuard::admit(const DpopRequest& request, const Principal& principal) const {
    const std::string_view jkt = bound_thumbprint(principal);
    const DpopPolicy policy = policy_for(principal);
    if (request.scheme == TokenScheme::bearer) {
        // RFC 9449 section 7.2: a bound token used as a bearer token is exactly what a
        // thief would do; whatever the policy, it is refused.
        if (!jkt.empty()) return refuse(DpopError::bound_token_as_bearer);
        if (policy == DpopPolicy::required) return refuse(DpopError::dpop_required);
        return {};
    }
    if (policy == DpopPolicy::off) return refuse(DpopError::dpop_not_accepted);
    if (jkt.empty()) return refuse(DpopError::token_not_bound);
    return check_proof(request, jkt);
}

DpopOutcome DpopGuard::check_proof(const DpopRequest& request, std::string_view jkt) const {
    // RFC 9449 section 4.3, check 1: exactly one DPoP header field.
    if (request.proofs.empty()) return refuse(DpopError::missing_proof);
    if (request.proofs.size() > 1) return refuse(DpopError::multiple_proofs);
    const auto now = clock_->now();
    const auto& s = config_.dpop;
    jose::DpopExpectations x;
    x.algorithms = s.algorithms;
    x.method = request.method;
    // Check 9 against the configured canonical URL: the Host header is the client's word.
    x.url = config_.canonical_url;
    x.access_token = request.access_token;
    x.jkt = jkt;
    x.now = now;
    x.iat_window = s.iat_window;
    x.leeway = s.leeway;
    auto proof = jose::verify_dpop_proof(request.proofs.front(), x);
    if (!proof) {
        // A nonce of the wrong type: answer as for a missing one, with a fresh nonce.
        if (proof.error() == DpopError::use_dpop_nonce && s.require_nonce)
            return {proof.error(), nonces_.issue(now)};
        return {proof.error(), {}};
    }

    DpopOutcome out;
    if (s.require_nonce) {
        // Section 9: without our nonce, or with a stale one, the client retries with the
        // fresh nonce sent along; past half its lifetime a successor is offered early.
        const auto check =
            proof->nonce ? nonces_.check(*proof->nonce, now) : DpopNonces::Check::invalid;
        if (check == DpopNonces::Check::invalid)
            return {make_error_code(DpopError::use_dpop_nonce), nonces_.issue(now)};
        if (check == DpopNonces::Check::valid_refresh) out.nonce = nonces_.issue(now);
    }
    // Section 11.1: remembered until the proof's iat leaves the window, after which the
    // iat check refuses it by itself.
    const auto expires = std::chrono::system_clock::time_point(std::chrono::seconds(proof->iat)) +
                         s.iat_window + s.leeway + std::chrono::seconds(1);
    switch (replay_->remember(replay_key(proof->jkt, proof->jti), expires, now)) {
        case DpopReplayCache::Verdict::fresh:
            return out;
        case DpopReplayCache::Verdict::replayed:
            return refuse(DpopError::replayed);
        case DpopReplayCache::Verdict::full:
            return refuse(DpopError::replay_cache_full);
        case DpopReplayCache::Verdict::unavailable:
            return refuse(DpopError::replay_store_unavailable);
    }
    return refuse(DpopError::replayed);
}

}  // namespace warden::auth
