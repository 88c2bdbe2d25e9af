#include <warden/toolauth/tool_auth.hpp>

#include "toolauth/oauth_client.hpp"
#include "toolauth/tool_auth_impl.hpp"

#include <spdlog/spdlog.h>
#include <boost/url/parse_query.hpp>

#include <cstdlib>

namespace warden::toolauth {
namespace {

std::string page(std::string_view title, std::string_view text) {
    return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + std::string(title) +
           "</title></head><body style=\"font-family:sans-serif;margin:3em\"><h1>" +
           std::string(title) + "</h1><p>" + std::string(text) + "</p></body></html>";
}

CallbackPage failure(unsigned status, std::string_view text) {
    return {status, page("Authorization failed", text)};
}

std::string env_or(const EnvLookup& env, std::string_view name, std::string fallback) {
    if (auto v = env(name); v && !v->empty()) return *v;
    return fallback;
}

}  // namespace

ToolAuth::Impl::Impl(ToolAuthOptions options_, EnvLookup env_)
    : options(std::move(options_)),
      env(std::move(env_)),
      secrets(env, options.secrets_file.empty() ? env_or(env, "WARDEN_SECRETS_FILE", "")
                                                : options.secrets_file),
      states(options.state_lifetime) {
    for (auto& p : providers::presets()) providers[p.id] = std::move(p);
    for (auto& p : options.providers) {
        apply_environment(p, env, true);
        providers[p.id] = p;
    }
    for (auto& [id, p] : providers) {
        if (!std::any_of(options.providers.begin(), options.providers.end(),
                         [&](const Provider& q) { return q.id == id; }))
            apply_environment(p, env, false);
        register_secret_value(p.client_secret);
    }
}

result<StoreLocation> ToolAuth::Impl::store_location() const {
    const std::string url =
        options.store_url.empty() ? env_or(env, "WARDEN_STORE_URL", "") : options.store_url;
    return parse_store_url(
        url, options.store_path.empty() ? default_store_path(env) : options.store_path);
}

result<StoreKey> ToolAuth::Impl::load_key(const StoreLocation& where) const {
    const auto key_path = options.key_file.empty() ? default_key_path(env) : options.key_file;
    // Replicas on one database must share one key: a key file made up here on first use
    // would encrypt records that no other replica can read.
    auto key = load_store_key(env, key_path, !where.postgres);
    if (!key && where.postgres)
        spdlog::error(
            "toolauth: a PostgreSQL store needs the key every replica shares: set "
            "WARDEN_TOOLAUTH_KEY, or WARDEN_TOOLAUTH_KEY_FILE to a 0600 key file present on "
            "each replica ({} not usable)",
            key_path);
    else if (!key)
        spdlog::error("toolauth: cannot load the token-store key from WARDEN_TOOLAUTH_KEY or {}",
                      key_path);
    return key;
}

result<std::shared_ptr<TokenStore>> ToolAuth::Impl::store() {
    std::lock_guard lock(mutex);
    if (store_) return store_;
    if (options.store) return store_ = options.store;
    const auto where = store_location();
    if (!where) return where.error();
    auto key = load_key(*where);
    if (!key) return key.error();
    auto opened = open_token_store(*where, std::move(*key));
    // The PostgreSQL URL may hold a password: name only the SQLite path.
    const std::string name = where->postgres ? "on PostgreSQL" : where->target;
    if (!opened) {
        spdlog::error("toolauth: cannot open the token store {}: {}", name,
                      opened.error().message());
        return opened.error();
    }
    spdlog::info("toolauth: token store {}", name);
    return store_ = *opened;
}

result<std::string> ToolAuth::Impl::redirect_uri() {
    std::lock_guard lock(mutex);
    if (!options.redirect_uri.empty()) return options.redirect_uri;
    if (auto v = env("WARDEN_TOOLAUTH_REDIRECT_URI"); v && !v->empty()) return *v;
    if (!redirect_uri_.empty()) return redirect_uri_;
    if (!start_listener) return Error::callback_unavailable;
    unsigned short port = options.callback_port;
    if (auto v = env("WARDEN_TOOLAUTH_CALLBACK_PORT"); port == 0 && v)
        port = static_cast<unsigned short>(std::strtoul(v->c_str(), nullptr, 10));
    auto base = start_listener(port);
    start_listener = nullptr;  // one attempt: a failed bind is reported, not retried in a loop
    if (!base) return base.error();
    redirect_uri_ = *base + options.callback_path;
    spdlog::info("toolauth: OAuth redirect listener at {}", redirect_uri_);
    return redirect_uri_;
}

void ToolAuth::Impl::notify_authorized() {
    {
        std::lock_guard lock(done_mutex);
        ++authorizations;
    }
    done_cv.notify_all();
}

std::shared_ptr<std::mutex> ToolAuth::Impl::flight(const std::string& user,
                                                   const std::string& provider) {
    std::lock_guard lock(flights_mutex);
    std::erase_if(flights, [](const auto& kv) { return kv.second.expired(); });
    auto& slot = flights[user + '\0' + provider];
    auto m = slot.lock();
    if (!m) slot = m = std::make_shared<std::mutex>();
    return m;
}

std::shared_ptr<ToolAuth> ToolAuth::create(ToolAuthOptions options, EnvLookup env) {
    return std::shared_ptr<ToolAuth>(
        new ToolAuth(std::make_unique<Impl>(std::move(options), std::move(env))));
}

ToolAuth::ToolAuth(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

result<void> ToolAuth::check_configuration() const {
    if (impl_->options.store) return {};
    const auto where = impl_->store_location();
    if (!where) {
        spdlog::error("toolauth: WARDEN_STORE_URL must be sqlite:PATH or postgresql://...");
        return where.error();
    }
    if (!where->postgres) return {};  // SQLite makes its key on first use, as always
    auto key = impl_->load_key(*where);
    if (!key) return key.error();
    return {};
}
ToolAuth::~ToolAuth() = default;

void ToolAuth::set_redirect_uri(std::string redirect_uri) {
    std::lock_guard lock(impl_->mutex);
    impl_->redirect_uri_ = std::move(redirect_uri);
}

void ToolAuth::set_listener_starter(std::function<result<std::string>(unsigned short)> start) {
    std::lock_guard lock(impl_->mutex);
    impl_->start_listener = std::move(start);
}

const Provider* ToolAuth::provider(std::string_view id) const {
    auto it = impl_->providers.find(id);
    return it == impl_->providers.end() ? nullptr : &it->second;
}

const ToolAuthOptions& ToolAuth::options() const {
    return impl_->options;
}

CallbackPage ToolAuth::handle_callback(std::string_view query) {
    auto params = boost::urls::parse_query(query);
    if (!params) return failure(400, "The request is malformed.");
    // The redirect's parameters are form-encoded (RFC 6749 §4.1.2, Appendix B): compare
    // decoded values, or an `iss` such as "https%3A%2F%2F..." never equals the issuer.
    boost::urls::encoding_opts form;
    form.space_as_plus = true;
    std::optional<std::string> state, code, error, iss;
    for (const auto& p : *params) {
        if (!p.has_value) continue;
        const auto key = p.key.decode(form);
        if (key == "state") state = p.value.decode(form);
        if (key == "code") code = p.value.decode(form);
        if (key == "error") error = p.value.decode(form);
        if (key == "iss") iss = p.value.decode(form);
    }
    if (!state) return failure(400, "The request has no state.");
    // Consumed first: whatever happens next, this state cannot be replayed.
    auto pending = impl_->states.consume(*state);
    if (!pending) {
        spdlog::warn("toolauth: redirect rejected: {}", pending.error().message());
        return failure(400,
                       "This authorization link is invalid, expired or was already used. "
                       "Run the tool again to get a new one.");
    }
    const Provider* provider = this->provider(pending->provider);
    if (!provider) return failure(400, "The provider is no longer configured.");
    // RFC 9207 §2.4: a mismatching iss means a mix-up attack; drop the response.
    if ((iss && (provider->issuer.empty() ? false : *iss != provider->issuer)) ||
        (!iss && provider->requires_iss)) {
        spdlog::warn("toolauth: redirect for {} rejected: issuer mismatch", provider->id);
        return failure(400, "The authorization response came from an unexpected issuer.");
    }
    if (error) {
        spdlog::info("toolauth: {} authorization for user {} not granted", provider->id,
                     pending->user_id);
        return failure(403, "Access was not granted. You can close this tab.");
    }
    if (!code || code->empty()) return failure(400, "The response has no authorization code.");
    auto tokens =
        oauth::exchange_code(*provider, *code, pending->code_verifier, pending->redirect_uri);
    if (!tokens) return failure(502, "The provider refused the authorization code.");
    register_secret_value(tokens->access_token);
    register_secret_value(tokens->refresh_token);
    auto store = impl_->store();
    if (!store) return failure(500, "The token store is unavailable.");
    TokenRecord record;
    record.user_id = pending->user_id;
    record.provider = provider->id;
    record.access_token = std::move(tokens->access_token);
    record.refresh_token = std::move(tokens->refresh_token);
    // Providers that do not echo the granted scopes granted what was asked (RFC 6749 §5.1).
    record.scopes = tokens->scopes.empty() ? pending->scopes : tokens->scopes;
    record.expires_at = tokens->expires_at;
    record.updated_at = Clock::now();
    if (auto put = (*store)->put(record); !put)
        return failure(500, "The token store is unavailable.");
    spdlog::info("toolauth: stored {} tokens for user {}", provider->id, record.user_id);
    impl_->notify_authorized();
    return {200, page("Authorized", "Warden is now connected to your " + provider->display_name +
                                        " account. You can close this tab.")};
}

}  // namespace warden::toolauth
