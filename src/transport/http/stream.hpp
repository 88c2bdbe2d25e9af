#pragma once
// One server-to-client message stream of the Streamable HTTP transport: the answer to a
// POST (JSON or SSE), or a session's standalone GET stream. Messages are numbered and kept
// (bounded) so a client that lost the connection can resume with Last-Event-ID.

#include "server/exchange.hpp"

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace warden::transport::http {

namespace json = boost::json;

struct SseEvent {
    std::uint64_t seq;
    std::string data;  ///< serialized JSON-RPC message; empty for the priming event
};

struct StreamSettings {
    bool json_only = false;         ///< never switch to SSE (HttpOptions::json_response)
    bool can_request = true;        ///< the client can answer requests (not stateless)
    bool priming = true;            ///< send the 2025-11-25 priming event
    std::size_t max_events = 256;   ///< kept for resumption
    std::uint64_t retry_ms = 1000;  ///< SSE retry field
    /// MCP 2026-07-28: no event ids (streams are not resumable), closing the stream
    /// cancels the request, and a JSON error answer carries its HTTP status (404 for an
    /// unknown method, 400 for the protocol's own errors).
    bool modern = false;
};

/// The HTTP status of a modern JSON answer carrying JSON-RPC error `code`.
unsigned modern_error_status(int code) noexcept;

/// Thread-safe. Producers are handler threads (send/complete); the consumer is the one
/// connection currently attached as writer.
class Stream : public server::Exchange {
  public:
    enum class Mode { undecided, json, sse };

    Stream(std::string id, StreamSettings settings, bool standalone);

    // server::Exchange
    void send(json::object message) override;
    void complete(json::value response) override;
    void complete_serialized(std::string response) override;
    bool can_request() const override { return settings_.can_request && !settings_.json_only; }
    TransportKind transport() const override { return TransportKind::http; }
    void close_stream() override;
    void bind_call(std::weak_ptr<detail::CallState> call) override;
    std::pair<std::string_view, std::string_view> trace_headers() const override {
        return {traceparent_, tracestate_};
    }
    /// Keeps the request's `traceparent`/`tracestate` headers for the call it carries.
    /// Call before handing the stream to the core.
    void keep_trace_headers(std::string_view traceparent, std::string_view tracestate) {
        traceparent_ = traceparent;
        tracestate_ = tracestate;
    }

    /// The reader went away before the answer (modern era: that cancels the request).
    void abandon();
    bool modern() const { return settings_.modern; }

    /// What the writer may deliver now.
    struct Pending {
        Mode mode = Mode::undecided;
        std::optional<std::string> json_reply;  ///< Mode::json: the one response body
        unsigned json_status = 200;             ///< Mode::json: its HTTP status
        bool no_reply = false;                  ///< the request ended without a response
        std::vector<SseEvent> events;           ///< Mode::sse: events with seq >= from
        bool finished = false;                  ///< the final event is among those delivered
        bool close_requested = false;           ///< the server asked to end this HTTP stream
    };
    Pending take(std::uint64_t from_seq);

    /// Attaches the writer; `wake` is called (from any thread) when there is news. Returns
    /// the writer's token (never 0), or 0 when another writer is attached and `take_over`
    /// is false. With `take_over` the previous writer is woken and `superseded()` tells it
    /// to stop: a client resuming with Last-Event-ID has lost the old connection, though
    /// the server may not have noticed yet.
    std::uint64_t attach(std::function<void()> wake, bool take_over = false);
    /// Detaches the writer with `token`; a no-op when it was superseded.
    void detach(std::uint64_t token);
    /// True when the writer with `token` is no longer the attached one.
    bool superseded(std::uint64_t token) const;
    /// Wakes the writer so it notices shutdown.
    void interrupt();
    /// Records that events before `seq` were written to a client.
    void mark_sent(std::uint64_t seq);
    /// For a new reader without Last-Event-ID: where to start (the first event no reader
    /// was given), after adding a fresh priming event so the reader has an id to resume from.
    std::uint64_t begin_fresh_delivery();

    const std::string& id() const { return id_; }
    bool standalone() const { return standalone_; }
    /// The event id for a sequence number: "<stream id>_<seq>".
    std::string event_id(std::uint64_t seq) const;
    std::uint64_t retry_ms() const { return settings_.retry_ms; }
    bool finished() const;
    /// True once the stream answered with one JSON body: it handed out no event id, so no
    /// client can resume it.
    bool answered_with_json() const;
    bool attached() const;

  private:
    void push_event_locked(std::string data);
    /// The final answer, serialized (none: nothing to send), with its status if it turns
    /// out to be the JSON response.
    void finish(std::optional<std::string> reply, unsigned json_status);
    void wake_locked();

    const std::string id_;
    const StreamSettings settings_;
    const bool standalone_;
    std::string traceparent_;
    std::string tracestate_;

    mutable std::mutex mutex_;
    Mode mode_ = Mode::undecided;
    std::optional<std::string> json_reply_;
    unsigned json_status_ = 200;
    std::weak_ptr<detail::CallState> call_;
    bool no_reply_ = false;
    // A vector, not a deque: most streams answer with one JSON body and never hold an
    // event, and an empty std::deque already allocates 576 bytes. Trimming the front
    // moves at most max_events elements.
    std::vector<SseEvent> events_;
    std::uint64_t next_seq_ = 0;
    std::uint64_t sent_ = 0;  // events before this seq were written to some reader
    bool finished_ = false;
    bool close_requested_ = false;
    std::function<void()> wake_;
    std::uint64_t writer_ = 0;       // token of the attached writer; 0 when none
    std::uint64_t last_writer_ = 0;  // tokens are never reused
};

/// Parses "<stream id>_<seq>"; nullopt when malformed.
std::optional<std::pair<std::string, std::uint64_t>> parse_event_id(std::string_view event_id);

}  // namespace warden::transport::http
