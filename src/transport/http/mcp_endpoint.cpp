// The MCP endpoint: POST (messages), GET (standalone stream / resumption), DELETE (end a
// session), per MCP 2025-11-25 "Streamable HTTP"; and the 2026-07-28 revision's stateless
// POSTs beside them, told apart by their protocol version (header or `_meta`).
#include "protocol/jsonrpc.hpp"
#include "protocol/versions.hpp"
#include "server/authorization.hpp"
#include "server/dispatch.hpp"
#include "server/request_meta.hpp"
#include "transport/http/ascii.hpp"
#include "transport/http/mcp_headers.hpp"
#include "transport/http/media_type.hpp"
#include "transport/http/observe.hpp"
#include "transport/http/server_state.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>
#include <variant>

namespace warden::transport::http {

namespace bhttp = boost::beast::http;
namespace pr = warden::protocol;
using json_value = boost::json::value;

namespace {

constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr std::string_view kSessionHeader = "Mcp-Session-Id";
constexpr std::string_view kVersionHeader = "MCP-Protocol-Version";

Response bad_request(const Request& req, std::string_view message) {
    return make_rpc_error(req, 400, pr::error_code::invalid_request, message);
}

Response session_not_found(const Request& req) {
    return make_rpc_error(req, 404, pr::error_code::invalid_request, "Session not found");
}

bool is_initialize(const json_value& message) {
    const auto* obj = message.if_object();
    if (!obj) return false;
    const auto* method = obj->if_contains("method");
    return method && method->is_string() && method->get_string() == "initialize";
}

bool batch_contains_initialize(const json_value& message) {
    const auto* arr = message.if_array();
    if (!arr) return false;
    for (const auto& item : *arr)
        if (is_initialize(item)) return true;
    return false;
}

// Per-operation scopes, decided from the body before any handler runs or any SSE stream
// opens, so POST JSON, SSE, batches and stateless mode get the same answer: one 403
// insufficient_scope naming every scope the operation needs (MCP authorization,
// "Runtime Insufficient Scope Errors"), from which the client steps up once.
// Legacy era (2024-11-05 .. 2025-11-25): the challenge keeps the token's scopes, for
// clients that replace their scope with the challenge's (GrantedScopes::kept); 2026-07-28
// clients accumulate, so they get exactly the needed scopes (GrantedScopes::omitted).
std::optional<Response> check_operation_scopes(HttpServer::Impl& server, const Request& req,
                                               const json_value& message,
                                               const Principal* principal,
                                               GrantedScopes granted = GrantedScopes::kept) {
    if (!server.auth || !principal) return std::nullopt;
    auto verdict = server::authorize_message(*server.core, message, principal);
    if (verdict.allowed) return std::nullopt;
    observe_scope_refusal(req, message, *principal, verdict.needed);
    return make_auth_answer(req,
                            server.auth->insufficient_scope(*principal, verdict.needed, granted));
}

// The session a GET/POST/DELETE names, or the answer to send instead: 400 without the
// header, 404 for an unknown session or another principal's (reported alike, so ids
// cannot be probed). A found session counts as used.
std::variant<std::shared_ptr<HttpSession>, Response> find_session(HttpServer::Impl& server,
                                                                  const Request& req,
                                                                  const Principal* principal) {
    auto id = req[kSessionHeader];
    if (id.empty()) return bad_request(req, "Bad Request: Mcp-Session-Id header is required");
    auto http_session = server.sessions.find(std::string(id));
    if (!http_session || !http_session->bound_to(principal)) return session_not_found(req);
    http_session->touch();
    return http_session;
}

// GET and DELETE concern sessions, which a stateless server does not have.
Response stateless_not_allowed(const Request& req) {
    Response res = make_rpc_error(req, 405, pr::error_code::invalid_request,
                                  "Method Not Allowed: this server is stateless");
    res.set(bhttp::field::allow, "POST, OPTIONS");
    return res;
}

// A modern-era rejection: the JSON-RPC error echoes the request's id (MCP 2026-07-28).
Response modern_error(const Request& req, unsigned status, const json_value& id, int code,
                      std::string_view message, std::optional<json_value> data = std::nullopt) {
    return make_response(
        req, status, boost::json::serialize(pr::make_error(id, code, message, std::move(data))));
}

// The headers a POST's handling reads, found in one pass over the fields (the first of
// each name, as Beast's lookup gives): a lookup by a name Beast does not know costs a hash
// against its table of known fields, then a search of the message's fields, each time.
struct McpHeaderValues {
    std::string_view version;  // MCP-Protocol-Version
    std::string_view method;   // Mcp-Method (2026-07-28)
    std::string_view name;     // Mcp-Name (2026-07-28)
};

McpHeaderValues read_mcp_headers(const Request& req) {
    McpHeaderValues out;
    bool version = false, method = false, name = false;
    for (const auto& field : req) {
        const auto n = field.name_string();
        if (!version && ascii_iequals(n, kVersionHeader)) {
            out.version = field.value();
            version = true;
        } else if (!method && ascii_iequals(n, "Mcp-Method")) {
            out.method = field.value();
            method = true;
        } else if (!name && ascii_iequals(n, "Mcp-Name")) {
            out.name = field.value();
            name = true;
        }
    }
    return out;
}

// MCP 2026-07-28 "Versioning": a request is modern when it names a modern (or unknown)
// version in the MCP-Protocol-Version header, or carries the per-request `_meta`.
bool is_modern_post(std::string_view version, const json_value& message) {
    if (!version.empty() && !pr::is_supported_version(version)) return true;
    const auto* obj = message.if_object();
    if (!obj) return false;
    const auto* params = obj->if_contains("params");
    return params && params->is_object() && server::has_modern_meta(&params->get_object());
}

Response stream_head(const Request& req, const std::string& session_id) {
    Response head = make_response(req, 200);
    if (!session_id.empty()) head.set(kSessionHeader, session_id);
    return head;
}

// One 2026-07-28 request: its headers are checked against its body before anything runs
// (a gateway may have routed or authorized on them), then the core answers it in the
// context its `_meta` gives. No session is looked up or made; Mcp-Session-Id and
// Last-Event-ID are ignored.
net::awaitable<bool> handle_modern_post(HttpServer::Impl& server, Connection& conn, Request& req,
                                        const McpHeaderValues& mcp, const json_value& message,
                                        const std::shared_ptr<const Principal>& principal) {
    static const json_value kNoId;
    if (!message.is_object())
        co_return co_await write_response(
            conn,
            modern_error(req, 400, kNoId, pr::error_code::invalid_request,
                         "Invalid request: the body must be one JSON-RPC request"),
            kWriteTimeout);
    auto c = pr::classify(message);
    const json_value& id = c.id ? *c.id : kNoId;
    if (c.kind == pr::MessageKind::invalid)
        co_return co_await write_response(
            conn,
            modern_error(req, 400, id, pr::error_code::invalid_request,
                         "Invalid request: " + c.problem),
            kWriteTimeout);
    // Closing the stream is the cancellation over HTTP; a notification needs nothing.
    if (c.kind == pr::MessageKind::notification)
        co_return co_await write_response(conn, make_response(req, 202), kWriteTimeout) &&
            req.keep_alive();
    if (c.kind != pr::MessageKind::request)
        co_return co_await write_response(
            conn,
            modern_error(req, 400, id, pr::error_code::invalid_request,
                         "Invalid request: clients send requests and notifications only"),
            kWriteTimeout);

    // A version no era of this server speaks: UnsupportedProtocolVersionError, whether
    // or not the rest of the request is well formed (the client picks from data.supported).
    if (auto version = mcp.version;
        !version.empty() && !pr::is_supported_version(version) && !pr::is_modern_version(version)) {
        auto error = server::unsupported_version_error(version);
        co_return co_await write_response(
            conn,
            modern_error(
                req, 400, id, error.code,
                "Unsupported protocol version: MCP-Protocol-Version " + std::string(version),
                error.data),
            kWriteTimeout);
    }
    const HeaderLookup header = [&req, &mcp](std::string_view name) -> std::string_view {
        if (name == kVersionHeader) return mcp.version;
        if (name == "Mcp-Method") return mcp.method;
        if (name == "Mcp-Name") return mcp.name;
        return req[name];
    };
    if (auto problem = check_standard_headers(header, c))
        co_return co_await write_response(
            conn,
            modern_error(req, 400, id, pr::error_code::header_mismatch,
                         "Header mismatch: " + *problem),
            kWriteTimeout);
    // -32602 for a missing or malformed `_meta`, -32022 for a version not served: both
    // are rejections of the request as sent (400).
    auto meta = server::read_modern_meta(c.params);
    if (auto* error = std::get_if<server::RpcError>(&meta))
        co_return co_await write_response(
            conn, modern_error(req, 400, id, error->code, error->message, error->data),
            kWriteTimeout);
    if (!server::is_modern_method(c.method))
        co_return co_await write_response(
            conn,
            modern_error(req, 404, id, pr::error_code::method_not_found,
                         "Method not found: " + std::string(c.method)),
            kWriteTimeout);
    if (c.method == "tools/call" && c.params && server.core->registry().any_header_params()) {
        const auto* name = c.params->if_contains("name");
        if (name && name->is_string())
            if (auto tool = server.core->registry().find_tool(name->get_string())) {
                const auto* args = c.params->if_contains("arguments");
                if (auto problem = check_param_headers(
                        header, tool->input_schema,
                        args && args->is_object() ? &args->get_object() : nullptr))
                    co_return co_await write_response(
                        conn,
                        modern_error(req, 400, id, pr::error_code::header_mismatch,
                                     "Header mismatch: " + *problem),
                        kWriteTimeout);
            }
    }
    // Per-operation authorization decides here, once Mcp-Method/Mcp-Name agree with the
    // body, before any handler runs or any stream opens.
    if (auto denied =
            check_operation_scopes(server, req, message, principal.get(), GrantedScopes::omitted))
        co_return co_await write_response(conn, std::move(*denied), kWriteTimeout);

    auto settings = server.stream_settings(nullptr);
    settings.modern = true;
    settings.priming = false;
    settings.can_request = false;
    // A listen stream is SSE from the start and lives until the client closes it.
    const bool listen = c.method == "subscriptions/listen";
    auto stream = std::make_shared<Stream>(std::string(), settings, listen);
    carry_trace(req, *stream);
    ++server.requests_in_flight;
    struct InFlight {
        std::atomic<std::size_t>& n;
        ~InFlight() { --n; }
    } in_flight{server.requests_in_flight};
    server::handle_modern_request(*server.core, c, std::move(std::get<server::ModernMeta>(meta)),
                                  stream, principal, nullptr);
    co_return co_await deliver_stream(server, conn, req, stream, make_response(req, 200), 0);
}

net::awaitable<bool> handle_post(HttpServer::Impl& server, Connection& conn, Request& req,
                                 const std::shared_ptr<const Principal>& principal) {
    if (!content_type_is(req[bhttp::field::content_type], "application/json")) {
        co_return co_await write_response(
            conn,
            make_rpc_error(req, 415, pr::error_code::invalid_request,
                           "Unsupported Media Type: Content-Type must be application/json"),
            kWriteTimeout);
    }
    auto accept = req[bhttp::field::accept];
    if (!accepts(accept, "application/json") || !accepts(accept, "text/event-stream")) {
        co_return co_await write_response(
            conn,
            make_rpc_error(req, 406, pr::error_code::invalid_request,
                           "Not Acceptable: Accept must include application/json and "
                           "text/event-stream"),
            kWriteTimeout);
    }
    auto message = pr::parse(req.body());
    if (!message) {
        co_return co_await write_response(conn,
                                          make_rpc_error(req, 400, pr::error_code::parse_error,
                                                         "Parse error: the body is not valid JSON"),
                                          kWriteTimeout);
    }
    const auto mcp = read_mcp_headers(req);
    if (is_modern_post(mcp.version, *message))
        co_return co_await handle_modern_post(server, conn, req, mcp, *message, principal);
    if (batch_contains_initialize(*message)) {
        co_return co_await write_response(
            conn, bad_request(req, "Invalid request: initialize cannot be batched"), kWriteTimeout);
    }
    if (auto denied = check_operation_scopes(server, req, *message, principal.get()))
        co_return co_await write_response(conn, std::move(*denied), kWriteTimeout);

    const bool initialize = is_initialize(*message);
    std::shared_ptr<HttpSession> http_session;
    std::shared_ptr<server::Session> session;

    const auto single = message->is_object() ? pr::classify(*message) : pr::Classified{};
    if (server.options.stateless &&
        (single.kind == pr::MessageKind::notification || single.kind == pr::MessageKind::response ||
         single.kind == pr::MessageKind::error_response))
        // Nothing to answer, and no session for a notification to affect.
        co_return co_await write_response(conn, make_response(req, 202), kWriteTimeout) &&
            req.keep_alive();
    if (server.options.stateless && single.kind == pr::MessageKind::request) {
        // One request, no session: the request-centric core answers it with the context
        // the headers give (batches, 2025-03-26 only, still go through a session below).
        const auto& c = single;
        auto version = mcp.version;
        auto settings = server.stream_settings(nullptr);
        settings.priming = version >= pr::kVersion2025_11_25;
        auto stream = std::make_shared<Stream>(settings.json_only ? std::string() : random_hex(8),
                                               settings, false);
        carry_trace(req, *stream);
        ++server.requests_in_flight;
        struct InFlight {
            std::atomic<std::size_t>& n;
            ~InFlight() { --n; }
        } in_flight{server.requests_in_flight};
        // No header means 2025-03-26 (MCP: the server assumes it for compatibility).
        server::handle_legacy_stateless_request(
            *server.core, c,
            version.empty() ? std::string(pr::kVersion2025_03_26) : std::string(version), stream,
            principal);
        co_return co_await deliver_stream(server, conn, req, stream, stream_head(req, {}), 0);
    }
    if (server.options.stateless) {
        session = server.core->create_session({});
        session->set_stateless(true);
        if (!initialize) {
            auto version = mcp.version;
            // No header means 2025-03-26 (MCP: the server assumes it for compatibility).
            session->assume_initialized(version.empty() ? std::string(pr::kVersion2025_03_26)
                                                        : std::string(version));
        }
    } else if (initialize) {
        SessionRefusal refusal = SessionRefusal::none;
        http_session = server.sessions.create(*server.core, principal.get(), &refusal);
        if (refusal == SessionRefusal::principal_full) {
            co_return co_await write_response(
                conn,
                make_rpc_error(req, 429, pr::error_code::invalid_request,
                               "Too Many Requests: this user holds the most sessions allowed; "
                               "end one (DELETE) or let one expire"),
                kWriteTimeout);
        }
        if (!http_session) {
            spdlog::warn("http: session limit ({}) reached", server.options.max_sessions);
            co_return co_await write_response(
                conn,
                make_rpc_error(req, 503, pr::error_code::internal_error,
                               "Service Unavailable: too many sessions; try again later"),
                kWriteTimeout);
        }
        session = http_session->session();
    } else {
        auto found = find_session(server, req, principal.get());
        if (auto* answer = std::get_if<Response>(&found))
            co_return co_await write_response(conn, std::move(*answer), kWriteTimeout);
        http_session = std::get<std::shared_ptr<HttpSession>>(std::move(found));
        session = http_session->session();
    }

    // A stream's id names its SSE events (and finds it again on resumption). A stateless
    // JSON-only stream has neither: it needs no random id.
    auto settings = server.stream_settings(session.get());
    auto stream = std::make_shared<Stream>(
        http_session || !settings.json_only ? random_hex(8) : std::string(), settings, false);
    carry_trace(req, *stream);
    ++server.requests_in_flight;
    auto outcome = session->handle(*message, stream, principal);
    struct InFlight {
        std::atomic<std::size_t>& n;
        ~InFlight() { --n; }
    } in_flight{server.requests_in_flight};

    if (outcome == server::Session::Outcome::accepted)
        co_return co_await write_response(conn, make_response(req, 202), kWriteTimeout) &&
            req.keep_alive();

    std::string session_id;
    if (http_session) {
        if (initialize && !session->initialized()) {
            // A failed initialize leaves no session behind.
            server.sessions.remove(http_session->id());
        } else {
            session_id = http_session->id();
            http_session->remember(stream);
        }
    }
    co_return co_await deliver_stream(server, conn, req, stream, stream_head(req, session_id), 0);
}

net::awaitable<bool> handle_get(HttpServer::Impl& server, Connection& conn, Request& req,
                                const std::shared_ptr<const Principal>& principal) {
    if (server.options.stateless)
        co_return co_await write_response(conn, stateless_not_allowed(req), kWriteTimeout);
    if (!accepts(req[bhttp::field::accept], "text/event-stream"))
        co_return co_await write_response(
            conn,
            make_rpc_error(req, 406, pr::error_code::invalid_request,
                           "Not Acceptable: Accept must include text/event-stream"),
            kWriteTimeout);
    auto found = find_session(server, req, principal.get());
    if (auto* answer = std::get_if<Response>(&found))
        co_return co_await write_response(conn, std::move(*answer), kWriteTimeout);
    auto http_session = std::get<std::shared_ptr<HttpSession>>(std::move(found));

    std::shared_ptr<Stream> stream;
    std::uint64_t from = 0;
    if (auto last = req["Last-Event-ID"]; !last.empty()) {
        // Resumption: replay what followed the last event the client saw, on this stream.
        auto parsed = parse_event_id(last);
        if (parsed) stream = http_session->find_stream(parsed->first);
        if (!stream)
            co_return co_await write_response(
                conn,
                make_rpc_error(req, 404, pr::error_code::invalid_request,
                               "Not Found: unknown Last-Event-ID"),
                kWriteTimeout);
        from = parsed->second + 1;
    } else {
        stream = http_session->standalone(server.stream_settings(http_session->session().get()));
        if (stream->attached())
            co_return co_await write_response(
                conn,
                make_rpc_error(req, 409, pr::error_code::invalid_request,
                               "Conflict: the session already has a standalone stream"),
                kWriteTimeout);
        from = stream->begin_fresh_delivery();
    }
    // A client resumes because it lost its connection; the server may not have noticed
    // yet (nothing was written since), so the resuming reader takes the stream over
    // rather than getting 409 until the old writer's next write fails.
    const bool resuming = !req["Last-Event-ID"].empty();
    co_return co_await deliver_stream(server, conn, req, stream, stream_head(req, {}), from,
                                      resuming);
}

net::awaitable<bool> handle_delete(HttpServer::Impl& server, Connection& conn, Request& req,
                                   const std::shared_ptr<const Principal>& principal) {
    if (server.options.stateless)
        co_return co_await write_response(conn, stateless_not_allowed(req), kWriteTimeout);
    auto found = find_session(server, req, principal.get());
    if (auto* answer = std::get_if<Response>(&found))
        co_return co_await write_response(conn, std::move(*answer), kWriteTimeout);
    auto http_session = std::get<std::shared_ptr<HttpSession>>(std::move(found));
    server.sessions.remove(http_session->id());
    co_return co_await write_response(conn, make_response(req, 200), kWriteTimeout);
}

}  // namespace

net::awaitable<bool> handle_mcp(HttpServer::Impl& server, Connection& conn, Request& req,
                                const std::shared_ptr<const Principal>& principal) {
    // OPTIONS, other methods and credentials were answered from the header
    // (HttpServer::Impl::answer_from_headers).
    const auto method = req.method();
    if (method == bhttp::verb::post) co_return co_await handle_post(server, conn, req, principal);
    // 2026-07-28 has neither the GET stream nor sessions to DELETE ("Earlier Streamable
    // HTTP Revisions": 405).
    if (auto version = req[kVersionHeader];
        !version.empty() && !pr::is_supported_version(version)) {
        Response res =
            make_rpc_error(req, 405, pr::error_code::invalid_request,
                           "Method Not Allowed: MCP " + std::string(version) + " uses POST only");
        res.set(bhttp::field::allow, "POST, OPTIONS");
        co_return co_await write_response(conn, std::move(res), kWriteTimeout);
    }
    if (method == bhttp::verb::get) co_return co_await handle_get(server, conn, req, principal);
    co_return co_await handle_delete(server, conn, req, principal);
}

}  // namespace warden::transport::http
