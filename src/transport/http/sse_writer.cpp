// Delivering a Stream: one JSON body, or SSE events over a chunked response.
#include "transport/http/server_state.hpp"

#include "observability/hub.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/write.hpp>

namespace warden::transport::http {

namespace bhttp = boost::beast::http;

namespace {

// A comment line every so often keeps proxies from timing the stream out and lets us
// notice a client that went away.
constexpr auto kKeepAliveInterval = std::chrono::seconds(15);
constexpr auto kWriteTimeout = std::chrono::seconds(30);

std::string format_event(const Stream& stream, const SseEvent& e) {
    std::string out;
    out.reserve(e.data.size() + 48);
    if (stream.modern()) {
        // 2026-07-28: no event ids, nothing to resume.
        out += "event: message\ndata: ";
        out += e.data;
        out += "\n\n";
        return out;
    }
    out += "id: ";
    out += stream.event_id(e.seq);
    out += '\n';
    if (e.data.empty()) {
        // The priming event (2025-11-25): an id and empty data, plus how soon to reconnect.
        out += "retry: ";
        out += std::to_string(stream.retry_ms());
        out += "\ndata: \n\n";
        return out;
    }
    out += "event: message\ndata: ";
    out += e.data;  // serialized JSON has no raw newlines
    out += "\n\n";
    return out;
}

net::awaitable<bool> write_chunk(Connection& conn, const std::string& data) {
    conn.expires_after(kWriteTimeout);
    auto [ec, n] = co_await net::async_write(conn.socket, bhttp::make_chunk(net::buffer(data)),
                                             net::as_tuple(net::use_awaitable));
    conn.expires_never();
    co_return !ec;
}

net::awaitable<bool> write_last_chunk(Connection& conn) {
    conn.expires_after(kWriteTimeout);
    auto [ec, n] = co_await net::async_write(conn.socket, bhttp::make_chunk_last(),
                                             net::as_tuple(net::use_awaitable));
    conn.expires_never();
    co_return !ec;
}

net::awaitable<bool> write_sse_head(Connection& conn, const Request& request, Response& head) {
    bhttp::response<bhttp::empty_body> res{bhttp::status::ok, request.version()};
    for (const auto& field : head) res.set(field.name_string(), field.value());
    res.set(bhttp::field::content_type, "text/event-stream");
    res.set(bhttp::field::cache_control, "no-cache");
    // Tells nginx and its kind not to buffer the stream (MCP 2026-07-28 "Receiving Messages").
    res.set("X-Accel-Buffering", "no");
    res.erase(bhttp::field::content_length);
    res.keep_alive(request.keep_alive());
    res.chunked(true);
    bhttp::response_serializer<bhttp::empty_body> sr{res};
    conn.expires_after(kWriteTimeout);
    auto [ec, n] =
        co_await bhttp::async_write_header(conn.socket, sr, net::as_tuple(net::use_awaitable));
    conn.expires_never();
    co_return !ec;
}

// The answer of a stream that ended in JSON mode: one body, or 202 when the request was
// cancelled and has no response.
net::awaitable<bool> write_json_answer(Connection& conn, const Request& request, Response& head,
                                       Stream::Pending& pending) {
    if (pending.no_reply)
        co_return co_await write_response(conn, make_response(request, 202), kWriteTimeout) &&
            request.keep_alive();
    head.result(static_cast<bhttp::status>(pending.json_status));
    head.set(bhttp::field::content_type, "application/json");
    head.body() = std::move(*pending.json_reply);
    head.prepare_payload();
    co_return co_await write_response(conn, std::move(head), kWriteTimeout) && request.keep_alive();
}

// Detaches the writer from the stream however the delivery ends.
struct Attachment {
    std::shared_ptr<Stream> stream;
    std::uint64_t token;
    ~Attachment() {
        // A delivery that ends before the answer lost its reader: modern requests are
        // cancelled by that (a no-op for legacy streams, which the client may resume).
        if (!stream->finished()) stream->abandon();
        stream->detach(token);
    }
};

}  // namespace

net::awaitable<bool> deliver_stream(HttpServer::Impl& server, Connection& conn,
                                    const Request& request, const std::shared_ptr<Stream>& stream,
                                    Response head, std::uint64_t from_seq, bool take_over) {
    // Answered already (a quick handler ran inline): no writer to attach, nothing to wait for.
    if (stream->answered_with_json()) {
        auto pending = stream->take(from_seq);
        co_return co_await write_json_answer(conn, request, head, pending);
    }
    auto wake = std::make_shared<net::steady_timer>(conn.socket.get_executor());
    // Set by a wake-up, cleared before each take(); both run on the connection's strand.
    // A wake-up that lands while this coroutine is suspended in a write (not in the wait)
    // cancels nothing, so without the flag its news would wait for the keep-alive timer.
    auto news = std::make_shared<bool>(false);
    const auto token = stream->attach(
        [wake, news] {
            net::post(wake->get_executor(), [wake, news] {
                *news = true;
                wake->cancel();
            });
        },
        take_over);
    if (token == 0) {
        co_await write_response(
            conn, make_rpc_error(request, 409, -32600, "Conflict: the stream already has a reader"),
            kWriteTimeout);
        co_return request.keep_alive();
    }
    Attachment attachment{stream, token};

    bool head_written = false;
    std::optional<observability::LevelHold> sse_open;  // warden_sse_streams while SSE
    std::uint64_t next = from_seq;
    for (;;) {
        // A resuming reader took the stream over: this connection is presumably dead.
        if (stream->superseded(token)) co_return false;
        *news = false;
        auto pending = stream->take(next);
        if (pending.mode == Stream::Mode::json)
            co_return co_await write_json_answer(conn, request, head, pending);
        if (pending.mode == Stream::Mode::sse) {
            if (!head_written) {
                if (!co_await write_sse_head(conn, request, head)) co_return false;
                head_written = true;
                sse_open.emplace(observability::Level::sse_streams);
            }
            if (!pending.events.empty()) {
                std::string batch;
                for (const auto& e : pending.events) batch += format_event(*stream, e);
                next = pending.events.back().seq + 1;
                if (!co_await write_chunk(conn, batch)) co_return false;
                stream->mark_sent(next);
            }
            if (pending.finished || pending.close_requested) {
                if (!co_await write_last_chunk(conn)) co_return false;
                co_return request.keep_alive();
            }
        }
        if (server.stopping && (stream->standalone() || stream->finished())) {
            if (head_written && !co_await write_last_chunk(conn)) co_return false;
            co_return false;
        }
        if (*news) continue;
        wake->expires_after(kKeepAliveInterval);
        auto [ec] = co_await wake->async_wait(net::as_tuple(net::use_awaitable));
        if (!ec && head_written) {
            // Timer ran out (no news): a comment keeps the stream alive.
            if (!co_await write_chunk(conn, ":\n\n")) co_return false;
        }
    }
}

}  // namespace warden::transport::http
