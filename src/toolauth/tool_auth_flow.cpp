// The per-call half of ToolAuth: secrets, token lookup, refresh, authorization.
#include <warden/toolauth/scopes.hpp>
#include <warden/toolauth/tool_auth.hpp>

#include "protocol/jsonrpc.hpp"
#include "server/call_state.hpp"
#include "server/input_round.hpp"
#include "server/waiting_calls.hpp"
#include "toolauth/crypto.hpp"
#include "toolauth/oauth_client.hpp"
#include "toolauth/tool_auth_impl.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/value_from.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <variant>

namespace warden::toolauth {
namespace {

// Whose downstream tokens these are. Over authenticated HTTP the issuer is part of the
// key: two authorization servers may each have a user "alice", and they are not the same
// person (sessions are bound to issuer + subject for the same reason). Without a
// principal (stdio) it is the local user id.
std::string token_owner(const Context& ctx) {
    if (const Principal* p = ctx.principal()) return p->issuer + "|" + p->user_id;
    return ctx.user_id();
}

// Tokens this close to expiry are refreshed first: they could expire mid-call.
constexpr auto kExpirySkew = std::chrono::seconds(30);

bool expired(const TokenRecord& r) {
    return r.expires_at && *r.expires_at <= Clock::now() + kExpirySkew;
}

// A token the provider issued a moment ago: valid unless actually past its expiry. The
// refresh margin does not apply here, or a provider issuing tokens shorter-lived than the
// margin would make a waiting call ignore the authorization it waits for.
bool just_issued_and_valid(const TokenRecord& r) {
    return !r.expires_at || *r.expires_at > Clock::now();
}

std::string quoted_list(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
}

ToolResult not_issued(const Tool& tool, const boost::system::error_code& why) {
    if (why != Error::too_many_pending)
        return ToolResult::error("Tool '" + tool.name +
                                 "' needs an authorization, and the store of pending "
                                 "authorizations is unavailable (" +
                                 why.message() + "); try again shortly.");
    return ToolResult::error("Tool '" + tool.name +
                             "' needs an authorization, and too many authorizations are "
                             "pending on this server right now; try again in a few minutes.");
}

void hand_over(Context& ctx, const TokenRecord& r) {
    register_secret_value(r.access_token);
    auto& call = ctx.state();
    call.auth_token = r.access_token;
    call.auth_scopes = r.scopes;
}

}  // namespace

std::optional<ToolResult> ToolAuth::prepare(const Tool& tool, Context& ctx) {
    auto& impl = *impl_;
    // Over HTTP without server-level auth nobody is known: handing a user's credentials
    // to an anonymous network caller would give them to anyone who can reach the port.
    if (ctx.transport() == TransportKind::http && !ctx.principal()) {
        return ToolResult::error(
            "Tool '" + tool.name +
            "' needs the user's credentials (downstream authorization or secrets), and this "
            "server runs over HTTP without server-level authentication, so it cannot tell who "
            "is calling. To fix: configure the server's OAuth resource server "
            "(MCP_RESOURCE_SERVER_* environment variables) so callers authenticate, or run "
            "the server over stdio for a single local user.");
    }

    // Secrets: exactly the declared ones, all present, before anything runs.
    std::vector<std::string> missing, reserved;
    std::map<std::string, std::string, std::less<>> values;
    for (const auto& name : tool.requires_secrets) {
        if (SecretSource::is_reserved(name)) {
            reserved.push_back(name);
            continue;
        }
        auto v = impl.secrets.find(name);
        if (!v)
            missing.push_back(name);
        else
            values[name] = std::move(*v);
    }
    if (!reserved.empty())
        return ToolResult::error("Tool '" + tool.name + "' declares secret(s) " +
                                 quoted_list(reserved) +
                                 " whose names are reserved for Warden's own configuration "
                                 "(WARDEN_*, MCP_RESOURCE_SERVER_*); Warden never hands those "
                                 "to tools. Rename the secret.");
    if (!missing.empty())
        return ToolResult::error("Tool '" + tool.name + "' cannot run: missing secret(s) " +
                                 quoted_list(missing) +
                                 ". Set them in the server's environment, its .env file, or "
                                 "the secrets file named by WARDEN_SECRETS_FILE.");
    for (auto& [name, value] : values) register_secret_value(value);
    ctx.state().secrets = std::move(values);

    if (!tool.requires_auth) return std::nullopt;
    return obtain_token(tool, ctx);
}

std::optional<ToolResult> ToolAuth::obtain_token(const Tool& tool, Context& ctx) {
    auto& impl = *impl_;
    const auto& need = *tool.requires_auth;
    const Provider* provider = this->provider(need.provider);
    if (!provider)
        return ToolResult::error("Tool '" + tool.name + "' needs the unknown provider '" +
                                 need.provider + "'; configure it in ToolAuthOptions::providers.");
    if (provider->client_id.empty())
        return ToolResult::error("Tool '" + tool.name + "' needs authorization at " +
                                 provider->display_name +
                                 ", which is not configured on this server: set " +
                                 provider_env_name(provider->id, "CLIENT_ID") + " and " +
                                 provider_env_name(provider->id, "CLIENT_SECRET") + ".");
    auto store = impl.store();
    if (!store)
        return ToolResult::error("Tool '" + tool.name +
                                 "' cannot run: the token store is unavailable (" +
                                 store.error().message() + ").");
    const auto needed = scope_union({}, need.scopes);
    const std::string user = token_owner(ctx);

    boost::system::error_code store_error;
    auto lookup = [&]() -> std::optional<TokenRecord> {
        auto r = (*store)->get(user, provider->id);
        if (!r) {
            store_error = r.error();
            // Fail closed: an undecryptable record is never used; a new authorization
            // replaces it.
            spdlog::warn("toolauth: stored {} token of user {} unusable: {}", provider->id, user,
                         r.error().message());
            return std::nullopt;
        }
        return std::move(*r);
    };

    auto record = lookup();
    // A store that cannot be reached (a shared database restarting) is not a reason to
    // send the user through the provider again: say so, and let the client retry.
    if (store_error && store_error != Error::store_decrypt_failed)
        return ToolResult::error("Tool '" + tool.name +
                                 "' cannot run now: the token store is unavailable (" +
                                 store_error.message() + "); try again shortly.");
    if (record && scopes_cover(record->scopes, needed)) {
        if (!expired(*record)) {
            hand_over(ctx, *record);
            return std::nullopt;
        }
        if (!record->refresh_token.empty()) {
            auto flight = impl.flight(user, provider->id);
            std::lock_guard in_flight(*flight);
            // Someone else may have refreshed while this call waited for the lock.
            record = lookup();
            if (record && !expired(*record) && scopes_cover(record->scopes, needed)) {
                hand_over(ctx, *record);
                return std::nullopt;
            }
            if (record && !record->refresh_token.empty()) {
                auto fresh = oauth::refresh(*provider, record->refresh_token);
                if (fresh) {
                    register_secret_value(fresh->access_token);
                    register_secret_value(fresh->refresh_token);
                    record->access_token = std::move(fresh->access_token);
                    // RFC 6749 §6: without a new refresh token the old one stays valid.
                    if (!fresh->refresh_token.empty())
                        record->refresh_token = std::move(fresh->refresh_token);
                    if (!fresh->scopes.empty()) record->scopes = fresh->scopes;
                    record->expires_at = fresh->expires_at;
                    record->updated_at = Clock::now();
                    if (auto put = (*store)->put(*record); !put)
                        spdlog::warn("toolauth: cannot store refreshed {} token: {}", provider->id,
                                     put.error().message());
                    spdlog::info("toolauth: refreshed {} token of user {}", provider->id, user);
                    hand_over(ctx, *record);
                    return std::nullopt;
                }
                spdlog::info(
                    "toolauth: refresh of {} token for user {} failed; "
                    "authorizing again",
                    provider->id, user);
            }
        }
    }
    // Incremental authorization: ask for what the user already granted plus what this
    // tool needs, so the new token serves both.
    const auto scopes = record ? scope_union(record->scopes, needed) : needed;
    return authorize(tool, ctx, *provider, scopes);
}

namespace {

// A pending authorization for `provider` and its link: the front-door-bound "link" leg when
// the caller signed in at an authorization server this server can check (MCP 2025-11-25
// elicitation, URL mode, "Phishing"), else the provider's authorization URL with PKCE.
// Either the URL, or the result to answer with instead.
std::variant<std::string, ToolResult> start_authorization(ToolAuth::Impl& impl, const Tool& tool,
                                                          const Context& ctx,
                                                          const Provider& provider,
                                                          const std::vector<std::string>& scopes,
                                                          const std::string& redirect) {
    PendingAuthorization pending;
    pending.user_id = token_owner(ctx);
    pending.provider = provider.id;
    pending.scopes = scopes;
    pending.redirect_uri = redirect;
    if (const Principal* principal = ctx.principal()) {
        // Over HTTP with server-level auth the link must be completed by its initiator:
        // the browser signs in at the front-door AS first, and the flow goes on only for
        // the same issuer and subject.
        if (impl.login.contains(principal->issuer)) {
            pending.leg = Leg::link;
            pending.bound_issuer = principal->issuer;
            pending.bound_subject = principal->user_id;
            auto pending_store = impl.pending();
            if (!pending_store) return not_issued(tool, pending_store.error());
            auto link = (*pending_store)->issue(std::move(pending));
            if (!link) return not_issued(tool, link.error());
            boost::urls::url u(redirect);
            u.params().append({"link", *link});
            return std::string(u.buffer());
        }
        if (!impl.unbound_links)
            return ToolResult::error(
                "Tool '" + tool.name + "' needs authorization at " + provider.display_name +
                ", and this server cannot check that whoever approves it is you: an "
                "authorization link completed by someone else would connect their account "
                "to yours. To fix: configure sign-in at your authorization server "
                "(WARDEN_TOOLAUTH_LOGIN_ISSUER, _CLIENT_ID, _CLIENT_SECRET; see "
                "docs/tool-level-auth.md), or "
                "accept the risk with WARDEN_TOOLAUTH_UNBOUND_LINKS=1.");
    }
    const auto pkce = make_pkce();
    pending.code_verifier = pkce.verifier;
    auto pending_store = impl.pending();
    if (!pending_store) return not_issued(tool, pending_store.error());
    auto state = (*pending_store)->issue(std::move(pending));
    if (!state) return not_issued(tool, state.error());
    return oauth::authorization_url(provider, scopes, *state, pkce.challenge, redirect);
}

std::string authorization_message(const Tool& tool, const Provider& provider,
                                  const std::vector<std::string>& scopes) {
    return "Authorize access to your " + provider.display_name + " account (" +
           join_scopes(scopes, ", ") + ") so the tool '" + tool.name + "' can run.";
}

// No URL elicitation: hand the URL to the model, as arcade-mcp does.
ToolResult link_for_the_model(const Tool& tool, const Provider& provider,
                              const std::vector<std::string>& scopes, const std::string& url) {
    auto result = ToolResult::error(
        "Authorization required: tool '" + tool.name + "' needs access to the user's " +
        provider.display_name + " account (scopes: " + join_scopes(scopes, ", ") +
        "). Ask the user to open this URL in a browser and approve access, then call the tool "
        "again:\n\n" +
        url);
    result.meta["warden"] = json::object{{"authorization_required", true},
                                         {"authorization_url", url},
                                         {"provider", provider.id},
                                         {"scopes", json::value_from(scopes)}};
    return result;
}

bool client_takes_url_elicitation(const Context& ctx) {
    const auto* e = ctx.client_capabilities().if_contains("elicitation");
    return e && e->is_object() && e->get_object().contains("url");
}

// MCP 2026-07-28 (client/elicitation, "URL Mode Elicitation for OAuth Flows"): the link
// goes out as a URL-mode input request of an InputRequiredResult, and nothing waits. The
// retry re-runs the guard: obtain_token finds the token the redirect stored, and the tool
// runs; if the user accepted but the flow has not completed yet, the same link is asked
// again under the next key (the spec's "another InputRequiredResult"). The link, its
// elicitation id and the attempt travel in the sealed requestState ("toolauth.<provider>"),
// so a retry on any replica reuses the pending authorization instead of starting a new one.
std::optional<ToolResult> authorize_by_input_request(ToolAuth::Impl& impl, const Tool& tool,
                                                     Context& ctx, const Provider& provider,
                                                     const std::vector<std::string>& scopes,
                                                     const std::string& redirect) {
    auto* round = ctx.state().input.get();
    const std::string owner = "toolauth." + provider.id;
    const std::string message = authorization_message(tool, provider, scopes);
    auto key = [&](std::int64_t attempt) {
        return "warden.authorize." + provider.id + "." + std::to_string(attempt);
    };
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    std::int64_t attempt = 0, issued = 0;
    std::string url, id;
    if (const json::value memo = round ? round->framework(owner) : json::value();
        memo.is_object()) {
        const auto& m = memo.get_object();
        if (m.contains("n") && m.at("n").is_int64() && m.contains("url") &&
            m.at("url").is_string() && m.contains("id") && m.at("id").is_string() &&
            m.contains("t") && m.at("t").is_int64()) {
            attempt = m.at("n").get_int64();
            url = m.at("url").get_string();
            id = m.at("id").get_string();
            issued = m.at("t").get_int64();
        }
    }
    const bool url_mode = round && client_takes_url_elicitation(ctx);
    if (attempt > 0 && url_mode) {
        auto answer = ctx.elicit_url(message, url, id, key(attempt));
        // Not answered: asked again under the same key.
        if (!answer)
            return ToolResult::error("Authorization at " + provider.display_name + " is pending.");
        if (answer->action != "accept")
            return ToolResult::error("The user did not authorize access to " +
                                     provider.display_name + "; tool '" + tool.name +
                                     "' did not run.");
        ++attempt;
    }
    // A link older than most of its life is replaced: the user may need minutes to finish.
    const auto lifetime = static_cast<std::int64_t>(impl.options.state_lifetime.count());
    if (url.empty() || now - issued > lifetime - std::min<std::int64_t>(60, lifetime / 2)) {
        auto started = start_authorization(impl, tool, ctx, provider, scopes, redirect);
        if (auto* refusal = std::get_if<ToolResult>(&started)) return std::move(*refusal);
        url = std::get<std::string>(std::move(started));
        id = crypto::random_token(16);
        issued = now;
    }
    if (!url_mode) return link_for_the_model(tool, provider, scopes, url);
    attempt = std::max<std::int64_t>(attempt, 1);
    round->set_framework(owner,
                         json::object{{"n", attempt}, {"url", url}, {"id", id}, {"t", issued}});
    auto answer = ctx.elicit_url(message, url, id, key(attempt));
    if (answer && answer->action == "accept")
        // Answered in the same request that asks (no requestState to say which link):
        // nothing completed yet.
        return ToolResult::error("Authorization at " + provider.display_name +
                                 " has not completed yet; call the tool again once it has.");
    if (answer)
        return ToolResult::error("The user did not authorize access to " + provider.display_name +
                                 "; tool '" + tool.name + "' did not run.");
    // input_required: the request ends with the link as a URL-mode input request.
    return ToolResult::error("Authorization at " + provider.display_name + " is pending.");
}

}  // namespace

std::optional<ToolResult> ToolAuth::authorize(const Tool& tool, Context& ctx,
                                              const Provider& provider,
                                              const std::vector<std::string>& scopes) {
    auto& impl = *impl_;
    auto redirect = impl.redirect_uri();
    if (!redirect)
        return ToolResult::error("Tool '" + tool.name + "' needs authorization at " +
                                 provider.display_name +
                                 ", but the server has no OAuth redirect endpoint (" +
                                 redirect.error().message() + ").");
    if (ctx.modern())
        return authorize_by_input_request(impl, tool, ctx, provider, scopes, *redirect);
    auto started = start_authorization(impl, tool, ctx, provider, scopes, *redirect);
    if (auto* refusal = std::get_if<ToolResult>(&started)) return std::move(*refusal);
    const std::string url = std::get<std::string>(std::move(started));

    std::uint64_t seen;
    {
        std::lock_guard lock(impl.done_mutex);
        seen = impl.authorizations;
    }
    const std::string elicitation_id = crypto::random_token(16);
    // The elicitation and the wait for the redirect hold this worker: they count with every
    // other wait on the client (ServerOptions::max_waiting_calls*). Past the cap the link
    // goes back in the result instead, and the worker is free at once.
    auto& call = ctx.state();
    call.wait_slot = server::enter_wait(call);
    struct Release {
        std::shared_ptr<void>& slot;
        ~Release() { slot.reset(); }
    } release{call.wait_slot};
    result<ElicitResult> answer = make_error_code(ClientRequestError::too_many_waiting);
    if (call.wait_slot)
        answer = ctx.elicit_url(authorization_message(tool, provider, scopes), url, elicitation_id);
    if (answer && answer->action != "accept")
        return ToolResult::error("The user did not authorize access to " + provider.display_name +
                                 "; tool '" + tool.name + "' did not run.");
    if (answer) {
        // Wait for the redirect, then go on with the fresh token.
        const auto deadline = std::chrono::steady_clock::now() + impl.options.authorization_wait;
        const auto needed = scope_union({}, tool.requires_auth->scopes);
        for (;;) {
            bool changed;
            {
                std::unique_lock lock(impl.done_mutex);
                changed = impl.done_cv.wait_for(lock, std::chrono::milliseconds(200),
                                                [&] { return impl.authorizations != seen; });
                seen = impl.authorizations;
            }
            if (auto store = impl.store(); changed && store) {
                auto r = (*store)->get(token_owner(ctx), provider.id);
                if (r && *r && scopes_cover((*r)->scopes, needed) && just_issued_and_valid(**r)) {
                    ctx.state().exchange->send(protocol::make_notification(
                        "notifications/elicitation/complete",
                        json::object{{"elicitationId", elicitation_id}}));
                    hand_over(ctx, **r);
                    return std::nullopt;
                }
            }
            if (ctx.cancelled() || std::chrono::steady_clock::now() >= deadline) break;
        }
        return ToolResult::error("Authorization at " + provider.display_name +
                                 " did not complete in time; call the tool again.");
    }
    return link_for_the_model(tool, provider, scopes, url);
}

}  // namespace warden::toolauth
