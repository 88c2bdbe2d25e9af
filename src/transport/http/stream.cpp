#include "transport/http/stream.hpp"

#include "protocol/jsonrpc.hpp"
#include "server/call_state.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>

namespace warden::transport::http {

unsigned modern_error_status(int code) noexcept {
    namespace ec = protocol::error_code;
    // MCP 2026-07-28 "Streamable HTTP": an unimplemented method is 404 (which tells a
    // modern server from a legacy endpoint); version, header and capability errors are 400.
    switch (code) {
        case ec::method_not_found:
            return 404;
        case ec::header_mismatch:
        case ec::missing_client_capability:
        case ec::unsupported_protocol_version:
            return 400;
        default:
            return 200;
    }
}

Stream::Stream(std::string id, StreamSettings settings, bool standalone)
    : id_(std::move(id)), settings_(settings), standalone_(standalone) {
    if (standalone_) {
        mode_ = Mode::sse;
        if (settings_.priming) push_event_locked({});
    }
}

void Stream::push_event_locked(std::string data) {
    events_.push_back({next_seq_++, std::move(data)});
    // Bounded memory: the oldest events go first; a client resuming from before them
    // gets what is left.
    if (events_.size() > settings_.max_events)
        events_.erase(
            events_.begin(),
            events_.begin() + static_cast<std::ptrdiff_t>(events_.size() - settings_.max_events));
}

void Stream::wake_locked() {
    if (wake_) wake_();
}

void Stream::send(json::object message) {
    std::lock_guard lock(mutex_);
    // JSON mode answers POSTs with one JSON body, so a request's notifications have nowhere
    // to go; the standalone GET stream is SSE in every mode and keeps its notifications.
    if (finished_ || (settings_.json_only && !standalone_)) return;
    if (mode_ == Mode::undecided) {
        mode_ = Mode::sse;
        if (settings_.priming) push_event_locked({});
    }
    push_event_locked(json::serialize(message));
    wake_locked();
}

void Stream::complete(json::value response) {
    if (response.is_null()) {
        finish(std::nullopt, 200);
        return;
    }
    // 2026-07-28: an error answered as JSON carries its HTTP status.
    unsigned status = 200;
    if (settings_.modern)
        if (const auto* obj = response.if_object())
            if (const auto* error = obj->if_contains("error"); error && error->is_object())
                if (const auto* code = error->get_object().if_contains("code");
                    code && code->is_int64())
                    status = modern_error_status(static_cast<int>(code->get_int64()));
    finish(json::serialize(response), status);
}

void Stream::complete_serialized(std::string response) {
    finish(std::move(response), 200);  // a result
}

void Stream::finish(std::optional<std::string> reply, unsigned json_status) {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    finished_ = true;
    // Undecided: the answer is the response body (or there is none); otherwise it is the
    // stream's last event.
    if (mode_ == Mode::undecided) {
        mode_ = Mode::json;
        if (reply) {
            json_status_ = json_status;
            json_reply_ = std::move(*reply);
        } else {
            no_reply_ = true;
        }
    } else if (reply) {
        push_event_locked(std::move(*reply));
    }
    wake_locked();
}

void Stream::close_stream() {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    if (mode_ == Mode::undecided) {
        // Switch to SSE so the client has an event id to resume from.
        mode_ = Mode::sse;
        push_event_locked({});
    }
    close_requested_ = true;
    wake_locked();
}

void Stream::bind_call(std::weak_ptr<detail::CallState> call) {
    std::lock_guard lock(mutex_);
    call_ = std::move(call);
}

void Stream::abandon() {
    std::shared_ptr<detail::CallState> call;
    {
        std::lock_guard lock(mutex_);
        if (!settings_.modern || finished_) return;
        call = call_.lock();
    }
    // MCP 2026-07-28 "Cancellation": closing the response stream cancels the request.
    if (call) call->cancelled = true;
}

Stream::Pending Stream::take(std::uint64_t from_seq) {
    std::lock_guard lock(mutex_);
    Pending p;
    p.mode = mode_;
    if (mode_ == Mode::json) {
        p.json_reply = std::move(json_reply_);  // one writer, one JSON answer
        p.json_status = json_status_;
        p.no_reply = no_reply_;
        p.finished = true;
        return p;
    }
    for (const auto& e : events_)
        if (e.seq >= from_seq) p.events.push_back(e);
    p.finished = finished_;
    p.close_requested = close_requested_;
    close_requested_ = false;  // one close per request to close
    return p;
}

std::uint64_t Stream::attach(std::function<void()> wake, bool take_over) {
    std::lock_guard lock(mutex_);
    if (writer_ != 0) {
        if (!take_over) return 0;
        wake_locked();  // the old writer wakes, sees it was superseded, and leaves
    }
    wake_ = std::move(wake);
    writer_ = ++last_writer_;
    return writer_;
}

void Stream::detach(std::uint64_t token) {
    std::lock_guard lock(mutex_);
    if (token != writer_) return;
    wake_ = nullptr;
    writer_ = 0;
}

bool Stream::superseded(std::uint64_t token) const {
    std::lock_guard lock(mutex_);
    return token != writer_;
}

void Stream::interrupt() {
    std::lock_guard lock(mutex_);
    wake_locked();
}

void Stream::mark_sent(std::uint64_t seq) {
    std::lock_guard lock(mutex_);
    sent_ = std::max(sent_, seq);
}

std::uint64_t Stream::begin_fresh_delivery() {
    std::lock_guard lock(mutex_);
    if (settings_.priming &&
        (events_.empty() || !events_.back().data.empty() || events_.back().seq < sent_))
        push_event_locked({});
    return sent_;
}

std::string Stream::event_id(std::uint64_t seq) const {
    return id_ + "_" + std::to_string(seq);
}

bool Stream::finished() const {
    std::lock_guard lock(mutex_);
    return finished_;
}

bool Stream::answered_with_json() const {
    std::lock_guard lock(mutex_);
    return finished_ && mode_ == Mode::json;
}

bool Stream::attached() const {
    std::lock_guard lock(mutex_);
    return writer_ != 0;
}

std::optional<std::pair<std::string, std::uint64_t>> parse_event_id(std::string_view event_id) {
    auto sep = event_id.rfind('_');
    if (sep == std::string_view::npos || sep == 0) return std::nullopt;
    std::uint64_t seq = 0;
    auto digits = event_id.substr(sep + 1);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || digits.empty())
        return std::nullopt;
    return std::pair{std::string(event_id.substr(0, sep)), seq};
}

}  // namespace warden::transport::http
