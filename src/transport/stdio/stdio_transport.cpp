#include "transport/stdio/stdio_transport.hpp"

#include "protocol/jsonrpc.hpp"
#include "server/session.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/serialize.hpp>

#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>
#include <string>

namespace warden::transport {

namespace {

namespace pr = warden::protocol;

// Written by the signal handler, read by the poll loop (self-pipe trick).
std::atomic<int> g_wake_fd{-1};

extern "C" void on_stop_signal(int) {
    int fd = g_wake_fd.load();
    if (fd >= 0) {
        char byte = 1;
        [[maybe_unused]] auto n = ::write(fd, &byte, 1);
    }
}

// Every message goes out as one line; writes from worker threads are serialized.
class LineWriter {
  public:
    explicit LineWriter(int fd) : fd_(fd) {}
    void write(const json::value& message) { write_line(boost::json::serialize(message)); }
    void write_line(std::string line) {
        line.push_back('\n');
        std::lock_guard lock(mutex_);
        const char* p = line.data();
        std::size_t left = line.size();
        while (left > 0) {
            ssize_t n = ::write(fd_, p, left);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return;  // the reader is gone; nothing more can be delivered
            p += n;
            left -= static_cast<std::size_t>(n);
        }
    }

  private:
    int fd_;
    std::mutex mutex_;
};

class StdioExchange : public server::Exchange {
  public:
    explicit StdioExchange(std::shared_ptr<LineWriter> writer) : writer_(std::move(writer)) {}
    void send(json::object message) override { writer_->write(message); }
    void complete(json::value response) override {
        if (!response.is_null()) writer_->write(response);
    }
    void complete_serialized(std::string response) override {
        writer_->write_line(std::move(response));
    }
    TransportKind transport() const override { return TransportKind::stdio; }

  private:
    std::shared_ptr<LineWriter> writer_;
};

class SignalScope {
  public:
    explicit SignalScope(bool enabled) : enabled_(enabled) {
        if (::pipe(fds_) != 0) fds_[0] = fds_[1] = -1;
        if (!enabled_ || fds_[1] < 0) return;
        g_wake_fd = fds_[1];
        struct sigaction sa {};
        sa.sa_handler = on_stop_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int_);
        sigaction(SIGTERM, &sa, &old_term_);
    }
    ~SignalScope() {
        if (enabled_ && fds_[1] >= 0) {
            sigaction(SIGINT, &old_int_, nullptr);
            sigaction(SIGTERM, &old_term_, nullptr);
            g_wake_fd = -1;
        }
        for (int fd : fds_)
            if (fd >= 0) ::close(fd);
    }
    int read_fd() const { return fds_[0]; }

  private:
    bool enabled_;
    int fds_[2] = {-1, -1};
    struct sigaction old_int_ {};
    struct sigaction old_term_ {};
};

}  // namespace

int serve_stdio(const std::shared_ptr<server::ServerCore>& core, const StdioOptions& options) {
    std::signal(SIGPIPE, SIG_IGN);
    auto writer = std::make_shared<LineWriter>(options.out_fd);
    auto exchange = std::make_shared<StdioExchange>(writer);
    auto session = core->create_session({});
    session->set_standalone(exchange);
    SignalScope signals(options.handle_signals);

    std::string buffer;
    bool discarding = false;  // inside an over-long line, skipping to its end
    char chunk[64 * 1024];
    bool stopped_by_signal = false;

    auto dispatch_line = [&](std::string_view line) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find_first_not_of(" \t") == std::string_view::npos) return;
        session->handle_text(line, exchange);
    };

    for (;;) {
        pollfd fds[2] = {{options.in_fd, POLLIN, 0}, {signals.read_fd(), POLLIN, 0}};
        int ready = ::poll(fds, signals.read_fd() >= 0 ? 2 : 1, -1);
        if (ready < 0) {
            if (errno == EINTR) continue;
            spdlog::error("stdio: poll failed: {}", std::strerror(errno));
            break;
        }
        if (signals.read_fd() >= 0 && (fds[1].revents & POLLIN)) {
            stopped_by_signal = true;
            break;
        }
        if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t n = ::read(options.in_fd, chunk, sizeof chunk);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) break;  // end of input
        std::string_view data(chunk, static_cast<std::size_t>(n));
        while (!data.empty()) {
            auto nl = data.find('\n');
            if (discarding) {
                if (nl == std::string_view::npos) break;
                discarding = false;
                data.remove_prefix(nl + 1);
                continue;
            }
            if (nl == std::string_view::npos) {
                buffer.append(data);
                if (buffer.size() > options.max_message_bytes) {
                    buffer.clear();
                    discarding = true;
                    exchange->complete(pr::make_error(nullptr, pr::error_code::invalid_request,
                                                      "Invalid request: message too large"));
                }
                break;
            }
            if (buffer.empty()) {
                dispatch_line(data.substr(0, nl));
            } else {
                buffer.append(data.substr(0, nl));
                dispatch_line(buffer);
                buffer.clear();
            }
            data.remove_prefix(nl + 1);
        }
    }
    if (!discarding && !buffer.empty()) dispatch_line(buffer);

    if (stopped_by_signal) {
        spdlog::info("stdio: stopping on signal");
        session->close();
    } else {
        // The client can no longer answer; let calls in flight finish without waiting on it.
        session->end_input();
    }
    core->wait_idle(std::chrono::seconds(10));
    session->close();
    return 0;
}

}  // namespace warden::transport
