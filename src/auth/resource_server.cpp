// The built-in validator: a JWT goes by its `iss` to the matching entries and is checked
// against their key sets; an opaque token goes to introspection. Verdicts are cached by
// SHA-256 of the token so a client that reuses its token pays the signature check once.
#include <warden/auth/validator.hpp>

#include <warden/auth/jwks_cache.hpp>
#include <warden/jose/error.hpp>
#include <warden/jose/verify.hpp>

#include "auth/discovery.hpp"
#include "auth/introspection.hpp"
#include "auth/numeric_date.hpp"
#include "auth/token_cache.hpp"
#include "observability/hub.hpp"

#include <algorithm>
#include <map>
#include <mutex>

namespace warden::auth {
namespace {

using time_point = std::chrono::system_clock::time_point;

// One trusted authorization server and its (possibly not yet discovered) key set.
struct EntryState {
    AuthorizationServerEntry entry;
    jose::VerifyOptions options;
    std::mutex mutex;
    std::shared_ptr<JwksCache> jwks;
    bool discovering = false;
    std::optional<time_point> last_discovery_failure;
    std::vector<std::function<void(boost::system::result<std::shared_ptr<JwksCache>>)>> waiters;
};

std::size_t count_dots(std::string_view s) {
    return static_cast<std::size_t>(std::count(s.begin(), s.end(), '.'));
}

class ResourceServerValidator final : public TokenValidator,
                                      public std::enable_shared_from_this<ResourceServerValidator> {
  public:
    ResourceServerValidator(const ResourceServerAuth& config, Runtime runtime)
        : config_(config),
          runtime_(std::move(runtime)),
          cache_(config.token_cache.max_entries, config.token_cache.max_ttl) {
        for (const auto& e : config_.authorization_servers) {
            auto state = std::make_shared<EntryState>();
            state->entry = e;
            auto& o = state->options;
            o.algorithms = e.algorithms;
            o.issuers = {e.issuer};
            o.audiences = expected_audiences(config_, e);
            o.leeway = e.validation_options.leeway;
            o.verify_exp = e.validation_options.verify_exp;
            o.verify_nbf = e.validation_options.verify_nbf;
            o.verify_iat = e.validation_options.verify_iat;
            o.verify_iss = e.validation_options.verify_iss;
            o.required_typ = e.validation_options.required_typ;
            if (!e.jwks_uri.empty()) state->jwks = cache_for(e.jwks_uri);
            entries_.push_back(std::move(state));
        }
    }

    PrincipalPtr cached(std::string_view token) override {
        auto hit = cache_.find(hash_token(token), runtime_.clock->now());
        observability::count(observability::Series::token_cache, {hit ? "hit" : "miss"});
        return hit;
    }

    void validate(std::string token, ValidationCallback done) override {
        const auto now = runtime_.clock->now();
        const TokenHash hash = hash_token(token);
        bool negative = false;
        if (auto hit = cache_.find(hash, now, &negative)) return done(std::move(hit));
        if (negative) return done(make_error_code(Error::token_inactive));

        if (count_dots(token) == 2) {
            auto decoded = jose::decode_unverified(token);
            if (!decoded) return done(decoded.error());
            const auto* iss = decoded->claims.if_contains("iss");
            std::vector<std::shared_ptr<EntryState>> candidates;
            if (iss && iss->is_string())
                for (const auto& e : entries_)
                    if (e->entry.issuer == iss->get_string()) candidates.push_back(e);
            // Unknown issuers cost no network call (and no key lookup at all).
            if (candidates.empty()) return done(make_error_code(Error::untrusted_issuer));
            std::string kid;
            if (const auto* k = decoded->header.if_contains("kid"); k && k->is_string())
                kid = std::string(k->get_string());
            auto job = std::make_shared<Job>(Job{std::move(token),
                                                 hash,
                                                 std::move(kid),
                                                 std::move(candidates),
                                                 0,
                                                 {},
                                                 std::move(done)});
            return try_entry(std::move(job));
        }
        for (const auto& e : entries_)
            if (e->entry.introspection)
                return introspect(e, std::move(token), hash, std::move(done));
        done(make_error_code(jose::Error::malformed));
    }

    void stop() override { runtime_.fetcher->stop(); }

  private:
    struct Job {
        std::string token;
        TokenHash hash;
        std::string kid;
        std::vector<std::shared_ptr<EntryState>> candidates;
        std::size_t next;
        boost::system::error_code first_error;
        ValidationCallback done;
    };

    std::shared_ptr<JwksCache> cache_for(const std::string& uri) {
        std::lock_guard lock(caches_mutex_);
        auto& c = caches_[uri];
        if (!c) c = JwksCache::create(uri, config_.jwks_cache, runtime_);
        return c;
    }

    // The entry's key set, discovering its jwks_uri first when it was not configured.
    void with_jwks(const std::shared_ptr<EntryState>& state,
                   std::function<void(boost::system::result<std::shared_ptr<JwksCache>>)> next) {
        std::unique_lock lock(state->mutex);
        if (state->jwks) {
            auto jwks = state->jwks;
            lock.unlock();
            return next(std::move(jwks));
        }
        const auto now = runtime_.clock->now();
        if (state->last_discovery_failure &&
            now < *state->last_discovery_failure + config_.jwks_cache.refetch_cooldown) {
            lock.unlock();
            return next(make_error_code(Error::unavailable));
        }
        state->waiters.push_back(std::move(next));
        if (state->discovering) return;
        state->discovering = true;
        lock.unlock();
        discover_jwks_uri(
            *runtime_.fetcher, state->entry.issuer,
            [self = shared_from_this(), state](boost::system::result<std::string> uri) {
                self->on_discovered(state, std::move(uri));
            });
    }

    void on_discovered(const std::shared_ptr<EntryState>& state,
                       boost::system::result<std::string> uri) {
        boost::system::result<std::shared_ptr<JwksCache>> answer =
            make_error_code(Error::unavailable);
        if (uri) answer = cache_for(uri.value());
        decltype(state->waiters) waiters;
        {
            std::lock_guard lock(state->mutex);
            state->discovering = false;
            if (answer)
                state->jwks = answer.value();
            else
                state->last_discovery_failure = runtime_.clock->now();
            waiters.swap(state->waiters);
        }
        for (auto& w : waiters) w(answer);
    }

    void try_entry(std::shared_ptr<Job> job) {
        if (job->next >= job->candidates.size()) return job->done(job->first_error);
        auto state = job->candidates[job->next++];
        with_jwks(state, [self = shared_from_this(), job, state](auto jwks) {
            if (!jwks) return self->fail(job, jwks.error());
            auto cache = jwks.value();
            cache->get(job->kid,
                       [self, job, state, cache](boost::system::result<KeySnapshot> keys) {
                           if (!keys) return self->fail(job, keys.error());
                           self->verify(job, *state, cache, keys.value());
                       });
        });
    }

    void fail(const std::shared_ptr<Job>& job, boost::system::error_code ec) {
        if (!job->first_error) job->first_error = ec;
        try_entry(job);
    }

    void verify(const std::shared_ptr<Job>& job, EntryState& state,
                const std::shared_ptr<JwksCache>& cache, const KeySnapshot& keys) {
        auto options = state.options;
        const auto now = runtime_.clock->now();
        options.now = now;
        auto verified = jose::verify(job->token, *keys.keys, options);
        if (!verified) return fail(job, verified.error());
        auto& t = verified.value();
        auto principal = std::make_shared<Principal>();
        principal->user_id = t.subject;
        principal->client_id = t.client_id;
        principal->issuer = t.issuer.empty() ? state.entry.issuer : t.issuer;
        principal->scopes.insert(t.scopes.begin(), t.scopes.end());
        if (t.expires_at) principal->expires_at = from_numeric_date(*t.expires_at);
        principal->claims = std::move(t.claims);
        const auto until = principal->expires_at.value_or(now + config_.token_cache.max_ttl);
        cache_.insert(job->hash, principal, until, now,
                      TokenOrigin{cache, keys.generation, t.header.kid});
        job->done(std::move(principal));
    }

    void introspect(const std::shared_ptr<EntryState>& state, std::string token,
                    const TokenHash& hash, ValidationCallback done) {
        const auto& in = *state->entry.introspection;
        runtime_.fetcher->fetch(
            introspection_request(in, token),
            [self = shared_from_this(), state, hash,
             done = std::move(done)](boost::system::result<FetchResponse> r) {
                const auto& e = state->entry;
                const auto now = self->runtime_.clock->now();
                if (!r || r->status != 200) {
                    observability::count(observability::Series::introspection, {"failure"});
                    return done(make_error_code(Error::unavailable));
                }
                auto p =
                    parse_introspection(r->body, e.issuer, expected_audiences(self->config_, e),
                                        now, e.validation_options.leeway);
                const auto& cfg = *e.introspection;
                observability::count(observability::Series::introspection,
                                     {p                                    ? "active"
                                      : p.error() == Error::token_inactive ? "inactive"
                                                                           : "failure"});
                if (!p) {
                    if (p.error() == Error::token_inactive)
                        self->cache_.insert(hash, nullptr, now + cfg.negative_ttl, now);
                    return done(p.error());
                }
                auto principal = std::make_shared<const Principal>(std::move(p.value()));
                auto until = now + cfg.positive_ttl;
                if (principal->expires_at) until = std::min(until, *principal->expires_at);
                self->cache_.insert(hash, principal, until, now);
                done(std::move(principal));
            });
    }

    const ResourceServerAuth config_;
    const Runtime runtime_;
    TokenCache cache_;
    std::vector<std::shared_ptr<EntryState>> entries_;
    std::mutex caches_mutex_;
    std::map<std::string, std::shared_ptr<JwksCache>> caches_;
};

// The system clock and libcurl fetches unless a test or the caller supplied others.
Runtime with_defaults(Runtime runtime, const JwksCacheSettings& jwks) {
    if (!runtime.clock) runtime.clock = Clock::system();
    if (!runtime.fetcher) runtime.fetcher = Fetcher::curl(2, jwks.fetch_timeout);
    return runtime;
}

}  // namespace

boost::system::result<std::shared_ptr<TokenValidator>, ConfigError> make_validator(
    const ResourceServerAuth& config, Runtime runtime) {
    if (auto valid = validate(config); !valid) return valid.error();
    if (config.validator) return config.validator;
    return std::shared_ptr<TokenValidator>(std::make_shared<ResourceServerValidator>(
        config, with_defaults(std::move(runtime), config.jwks_cache)));
}

boost::system::result<std::shared_ptr<TokenValidator>, ConfigError> make_jwks_validator(
    const JwksValidatorOptions& options, Runtime runtime) {
    if (options.issuers.empty())
        return ConfigError{make_error_code(Error::bad_configuration), "issuers: is empty"};
    if (options.audiences.empty())
        return ConfigError{make_error_code(Error::bad_configuration), "audiences: is empty"};
    if (options.jwks_uri.empty())
        return ConfigError{make_error_code(Error::bad_configuration), "jwks_uri: is empty"};
    ResourceServerAuth config;
    config.canonical_url = options.audiences.front();
    for (const auto& iss : options.issuers) {
        AuthorizationServerEntry e;
        e.authorization_server_url = iss;
        e.issuer = iss;
        e.jwks_uri = options.jwks_uri;
        e.algorithms = options.algorithms;
        e.expected_audiences = options.audiences;
        e.validation_options = options.validation_options;
        config.authorization_servers.push_back(std::move(e));
    }
    config.jwks_cache = options.jwks_cache;
    config.token_cache = options.token_cache;
    // The issuers need not be URLs here (no metadata is published for this validator).
    return std::shared_ptr<TokenValidator>(std::make_shared<ResourceServerValidator>(
        config, with_defaults(std::move(runtime), config.jwks_cache)));
}

Principal principal_from_claims(const boost::json::object& claims) {
    Principal p;
    auto str = [&](std::string_view key) -> std::string {
        const auto* v = claims.if_contains(key);
        return v && v->is_string() ? std::string(v->get_string()) : std::string{};
    };
    p.user_id = str("sub");
    p.client_id = str("client_id");
    if (p.client_id.empty()) p.client_id = str("azp");
    p.issuer = str("iss");
    auto add_scopes = [&](std::string_view s) {
        std::size_t i = 0;
        while (i < s.size()) {
            auto j = s.find(' ', i);
            if (j == std::string_view::npos) j = s.size();
            if (j > i) p.scopes.emplace(s.substr(i, j - i));
            i = j + 1;
        }
    };
    if (const auto* scope = claims.if_contains("scope"); scope && scope->is_string())
        add_scopes(scope->get_string());
    if (const auto* scp = claims.if_contains("scp")) {
        if (scp->is_string()) add_scopes(scp->get_string());
        if (scp->is_array())
            for (const auto& s : scp->get_array())
                if (s.is_string()) p.scopes.emplace(s.get_string());
    }
    if (const auto* exp = claims.if_contains("exp"); exp && exp->is_number())
        p.expires_at = from_numeric_date(exp->to_number<double>());
    p.claims = claims;
    return p;
}

}  // namespace warden::auth
