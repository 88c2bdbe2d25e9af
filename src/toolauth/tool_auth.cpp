#include <warden/toolauth/tool_auth.hpp>

#include "toolauth/crypto.hpp"
#include "toolauth/id_token.hpp"
#include "toolauth/oauth_client.hpp"
#include "toolauth/timed_store.hpp"
#include "toolauth/tool_auth_impl.hpp"

#include "net/http_fetch.hpp"

#include <warden/state/request_state.hpp>

#include <spdlog/spdlog.h>
#include <boost/json/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>

#include <cstdlib>

namespace warden::toolauth {
namespace {

std::string page_html(std::string_view title, std::string_view text) {
    return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + std::string(title) +
           "</title></head><body style=\"font-family:sans-serif;margin:3em\"><h1>" +
           std::string(title) + "</h1><p>" + std::string(text) + "</p></body></html>";
}

CallbackPage failure(unsigned status, std::string_view text) {
    return {status, page_html("Authorization failed", text)};
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
      states(options.state_lifetime, {}, options.max_pending_per_user, options.max_pending) {
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
    for (auto p : options.login) {
        if (p.id.empty()) p.id = "login";
        if (p.display_name.empty()) p.display_name = p.issuer;
        register_secret_value(p.client_secret);
        login[p.issuer] = std::move(p);
    }
    if (auto issuer = env("WARDEN_TOOLAUTH_LOGIN_ISSUER"); issuer && !issuer->empty()) {
        Provider p;
        p.id = "login";
        p.display_name = *issuer;
        p.issuer = *issuer;
        p.client_id = env_or(env, "WARDEN_TOOLAUTH_LOGIN_CLIENT_ID", "");
        p.client_secret = env_or(env, "WARDEN_TOOLAUTH_LOGIN_CLIENT_SECRET", "");
        p.authorization_endpoint = env_or(env, "WARDEN_TOOLAUTH_LOGIN_AUTHORIZATION_ENDPOINT", "");
        p.token_endpoint = env_or(env, "WARDEN_TOOLAUTH_LOGIN_TOKEN_ENDPOINT", "");
        register_secret_value(p.client_secret);
        if (p.client_id.empty())
            spdlog::error(
                "toolauth: WARDEN_TOOLAUTH_LOGIN_ISSUER is set but WARDEN_TOOLAUTH_LOGIN_CLIENT_ID "
                "is not; sign-in binding is off for {}",
                *issuer);
        else
            login.try_emplace(std::string(p.issuer), std::move(p));
    }
    unbound_links =
        options.unbound_links || env_or(env, "WARDEN_TOOLAUTH_UNBOUND_LINKS", "") == "1";
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
    if (options.store) return store_ = timed_token_store(options.store);
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
    return store_ = timed_token_store(*opened);
}

result<PendingStore*> ToolAuth::Impl::pending() {
    std::lock_guard lock(mutex);
    if (pending_) return pending_.get();
    // A token store given in code says nothing of where flows could be shared: memory.
    if (options.store) return &states;
    const auto where = store_location();
    if (!where) return where.error();
    auto key = load_key(*where);
    if (!key) return key.error();
    auto opened = open_shared_pending_store(*where, std::move(*key), options.state_lifetime,
                                            options.max_pending_per_user, options.max_pending);
    if (!opened) {
        spdlog::error("toolauth: cannot open the store of pending authorizations: {}",
                      opened.error().message());
        return opened.error();
    }
    pending_ = *opened;
    return pending_.get();
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

std::optional<Provider> ToolAuth::Impl::sign_in_client(std::string_view issuer) {
    std::lock_guard lock(login_mutex);
    auto it = login.find(issuer);
    if (it == login.end()) return std::nullopt;
    Provider& p = it->second;
    if (!p.authorization_endpoint.empty() && !p.token_endpoint.empty()) return p;
    // OpenID Connect Discovery 1.0 §4: the metadata at the issuer's well-known path, whose
    // `issuer` must be exactly the issuer asked for (§4.3).
    std::string base = p.issuer;
    while (!base.empty() && base.back() == '/') base.pop_back();
    auto body = net::http_get(base + "/.well-known/openid-configuration", {});
    boost::system::error_code ec;
    auto doc = body ? boost::json::parse(*body, ec) : boost::json::value();
    const auto* meta = body && !ec ? doc.if_object() : nullptr;
    auto text = [&](std::string_view key) -> std::string {
        const auto* v = meta ? meta->if_contains(key) : nullptr;
        return v && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    const auto authorization = text("authorization_endpoint");
    const auto token = text("token_endpoint");
    if (!meta || text("issuer") != p.issuer || !net::is_allowed_url(authorization) ||
        !net::is_allowed_url(token)) {
        spdlog::error("toolauth: cannot discover the sign-in endpoints of {}", p.issuer);
        return std::nullopt;
    }
    if (p.authorization_endpoint.empty()) p.authorization_endpoint = authorization;
    if (p.token_endpoint.empty()) p.token_endpoint = token;
    spdlog::info("toolauth: sign-in at {} discovered", p.issuer);
    return p;
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
    // The requestState key: never created here (create = false), so a replica without
    // WARDEN_STATE_KEY or an existing key file stops instead of sealing states that the
    // other replicas cannot open.
    if (auto ring = state::load_key_ring(impl_->env, false); !ring) {
        spdlog::error(
            "state: replicas sharing a PostgreSQL store need the same requestState key: set "
            "WARDEN_STATE_KEY, or WARDEN_STATE_KEY_FILE to a 0600 key file present on each "
            "replica");
        return Error::bad_key;
    }
    return {};
}

std::optional<std::string> ToolAuth::shared_store_url() const {
    if (impl_->options.store) return std::nullopt;
    const auto where = impl_->store_location();
    if (!where || !where->postgres) return std::nullopt;
    return where->target;
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

namespace {

// RFC 9207 §2.4: a mismatching iss means a mix-up attack; drop the response.
bool issuer_ok(const Provider& provider, const std::optional<std::string>& iss) {
    if (iss) return provider.issuer.empty() || *iss == provider.issuer;
    return !provider.requires_iss;
}

// The value of cookie `name` in a Cookie header field (RFC 6265 §5.4: "a=b; c=d").
std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        const auto end = header.find(';');
        auto pair = header.substr(0, end);
        header = end == header.npos ? std::string_view() : header.substr(end + 1);
        while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
        const auto eq = pair.find('=');
        if (eq != pair.npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    }
    return std::nullopt;
}

// The browser binding (see docs/tool-level-auth.md, "Who completes an authorization"): a
// cookie scoped to the callback path, sent back on the top-level redirects from the
// authorization servers (SameSite=Lax allows exactly those), never to scripts.
std::string binding_cookie(const PendingAuthorization& p, std::string_view value,
                           std::chrono::seconds max_age) {
    boost::urls::url_view redirect(p.redirect_uri);
    const auto encoded = redirect.encoded_path();
    std::string path(encoded.data(), encoded.size());
    if (path.empty()) path = "/";
    return p.cookie_name + "=" + std::string(value) + "; Path=" + path +
           "; Max-Age=" + std::to_string(max_age.count()) + "; HttpOnly; SameSite=Lax" +
           (redirect.scheme() == "https" ? "; Secure" : "");
}

bool cookie_matches(const PendingAuthorization& p, std::string_view header) {
    if (p.cookie_name.empty()) return true;
    auto value = cookie_value(header, p.cookie_name);
    return value && crypto::equal(crypto::sha256(*value), p.cookie_hash);
}

CallbackPage unavailable() {
    return failure(503,
                   "The server cannot reach its store of pending authorizations right now. "
                   "Reload this page in a moment.");
}

// The next leg's state, or the page that says why there is none.
boost::system::result<std::string, std::optional<CallbackPage>> issue(ToolAuth::Impl& impl,
                                                                      PendingAuthorization next) {
    auto store = impl.pending();
    auto state = store ? (*store)->issue(std::move(next)) : result<std::string>(store.error());
    if (state) return *state;
    if (state.error() == Error::too_many_pending)
        return std::optional<CallbackPage>(
            failure(503, "Too many authorizations are pending; try again later."));
    return std::optional<CallbackPage>(unavailable());
}

result<PendingAuthorization> consume(ToolAuth::Impl& impl, std::string_view state) {
    auto store = impl.pending();
    if (!store) return store.error();
    return (*store)->consume(state);
}

CallbackPage wrong_browser() {
    return failure(403,
                   "This authorization was started in another browser. Nothing was stored. "
                   "Open the link you were given yourself, in one browser, from the start.");
}

}  // namespace

CallbackPage ToolAuth::start_sign_in(PendingAuthorization link) {
    const auto client = impl_->sign_in_client(link.bound_issuer);
    if (!client) return failure(502, "The sign-in server is not available; try again later.");
    const Provider& login = *client;
    PendingAuthorization next = std::move(link);
    next.leg = Leg::login;
    const auto pkce = make_pkce();
    next.code_verifier = pkce.verifier;
    next.nonce = crypto::random_token(32);
    const std::string cookie = crypto::random_token(32);
    next.cookie_name = "warden_auth_" + crypto::random_token(6);
    next.cookie_hash = crypto::sha256(cookie);
    const auto set_cookie = binding_cookie(next, cookie, impl_->options.state_lifetime);
    Provider with_nonce = login;
    with_nonce.extra_authorize_params.emplace_back("nonce", next.nonce);
    const auto redirect_uri = next.redirect_uri;
    auto state = issue(*impl_, std::move(next));
    if (!state) return *state.error();
    CallbackPage page{302, page_html("Signing in", "Continuing to your sign-in page.")};
    page.location =
        oauth::authorization_url(with_nonce, {"openid"}, *state, pkce.challenge, redirect_uri);
    page.set_cookie = set_cookie;
    return page;
}

CallbackPage ToolAuth::finish_sign_in(PendingAuthorization pending,
                                      const std::optional<std::string>& code,
                                      const std::optional<std::string>& error,
                                      const std::optional<std::string>& iss,
                                      std::string_view cookie) {
    const auto client = impl_->sign_in_client(pending.bound_issuer);
    if (!client) return failure(502, "The sign-in server is not available; try again later.");
    const Provider& login = *client;
    if (!cookie_matches(pending, cookie)) {
        spdlog::warn(
            "toolauth: sign-in for an authorization of user {} arrived without its "
            "browser cookie; refused",
            pending.user_id);
        return wrong_browser();
    }
    if (!issuer_ok(login, iss)) {
        spdlog::warn("toolauth: sign-in redirect rejected: issuer mismatch");
        return failure(400, "The sign-in response came from an unexpected issuer.");
    }
    if (error) return failure(403, "Sign-in did not complete. You can close this tab.");
    if (!code || code->empty()) return failure(400, "The response has no authorization code.");
    auto tokens = oauth::exchange_code(login, *code, pending.code_verifier, pending.redirect_uri);
    if (!tokens) return failure(502, "The sign-in server refused the authorization code.");
    register_secret_value(tokens->access_token);
    register_secret_value(tokens->refresh_token);
    register_secret_value(tokens->id_token);
    auto sub = check_id_token(tokens->id_token, {login.issuer, login.client_id, pending.nonce,
                                                 std::chrono::system_clock::now()});
    if (!sub || *sub != pending.bound_subject || login.issuer != pending.bound_issuer) {
        spdlog::warn(
            "toolauth: authorization started by user {} completed by {}; refused, "
            "nothing stored",
            pending.user_id,
            sub ? pending.bound_issuer + "|" + *sub : std::string("an invalid sign-in"));
        return failure(403,
                       "You signed in as a different user than the one who asked for this "
                       "authorization, so it was refused and nothing was stored. If someone "
                       "sent you this link, do not complete it.");
    }
    const Provider* provider = this->provider(pending.provider);
    if (!provider) return failure(400, "The provider is no longer configured.");
    PendingAuthorization next = std::move(pending);
    next.leg = Leg::downstream;
    const auto pkce = make_pkce();
    next.code_verifier = pkce.verifier;
    const auto scopes = next.scopes;
    const auto redirect_uri = next.redirect_uri;
    auto state = issue(*impl_, std::move(next));
    if (!state) return *state.error();
    CallbackPage page{302, page_html("Signed in", "Continuing to " + provider->display_name + ".")};
    page.location =
        oauth::authorization_url(*provider, scopes, *state, pkce.challenge, redirect_uri);
    return page;
}

CallbackPage ToolAuth::handle_callback(std::string_view query, std::string_view cookie) {
    auto params = boost::urls::parse_query(query);
    if (!params) return failure(400, "The request is malformed.");
    // The redirect's parameters are form-encoded (RFC 6749 §4.1.2, Appendix B): compare
    // decoded values, or an `iss` such as "https%3A%2F%2F..." never equals the issuer.
    boost::urls::encoding_opts form;
    form.space_as_plus = true;
    std::optional<std::string> state, code, error, iss, link;
    for (const auto& p : *params) {
        if (!p.has_value) continue;
        const auto key = p.key.decode(form);
        if (key == "state") state = p.value.decode(form);
        if (key == "code") code = p.value.decode(form);
        if (key == "error") error = p.value.decode(form);
        if (key == "iss") iss = p.value.decode(form);
        if (key == "link") link = p.value.decode(form);
    }
    const auto invalid = [] {
        return failure(400,
                       "This authorization link is invalid, expired or was already used. "
                       "Run the tool again to get a new one.");
    };
    if (link && !state) {
        auto pending = consume(*impl_, *link);
        if (!pending && pending.error() == Error::store_unavailable) return unavailable();
        if (!pending || pending->leg != Leg::link) return invalid();
        return start_sign_in(std::move(*pending));
    }
    if (!state) return failure(400, "The request has no state.");
    // Consumed first: whatever happens next, this state cannot be replayed.
    auto pending = consume(*impl_, *state);
    if (!pending && pending.error() == Error::store_unavailable) return unavailable();
    if (!pending) {
        spdlog::warn("toolauth: redirect rejected: {}", pending.error().message());
        return invalid();
    }
    if (pending->leg == Leg::link) return invalid();
    if (pending->leg == Leg::login)
        return finish_sign_in(std::move(*pending), code, error, iss, cookie);
    if (!cookie_matches(*pending, cookie)) {
        spdlog::warn(
            "toolauth: redirect for an authorization of user {} arrived without its "
            "browser cookie; refused",
            pending->user_id);
        return wrong_browser();
    }
    const Provider* provider = this->provider(pending->provider);
    if (!provider) return failure(400, "The provider is no longer configured.");
    if (!issuer_ok(*provider, iss)) {
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
    CallbackPage done{
        200, page_html("Authorized", "Warden is now connected to your " + provider->display_name +
                                         " account. You can close this tab.")};
    if (!pending->cookie_name.empty())
        done.set_cookie = binding_cookie(*pending, "", std::chrono::seconds(0));
    return done;
}

}  // namespace warden::toolauth
