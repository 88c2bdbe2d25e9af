#include <warden/toolauth/secrets.hpp>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <mutex>
#include <set>
#include <shared_mutex>

namespace warden::toolauth {
namespace {

// Every log line is checked against every value, and tokens keep arriving (refreshes), so
// the set is bounded: the oldest values go first. Redaction is a second line of defence;
// Warden's own code never logs token values in the first place.
constexpr std::size_t kMaxValues = 4096;

struct Registry {
    std::shared_mutex mutex;
    using Values = std::set<std::string, std::greater<>>;
    Values values;                       // longest-first among shared prefixes
    std::deque<Values::iterator> order;  // insertion order, for eviction (no second copy)
};

Registry& registry() {
    static Registry r;
    return r;
}

// Forwards every message, redacted, to the sinks it replaced.
class RedactingSink final : public spdlog::sinks::base_sink<std::mutex> {
  public:
    explicit RedactingSink(std::vector<spdlog::sink_ptr> inner) : inner_(std::move(inner)) {}

  protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        const std::string text = redact(std::string_view(msg.payload.data(), msg.payload.size()));
        spdlog::details::log_msg copy(msg.time, msg.source, msg.logger_name, msg.level, text);
        copy.thread_id = msg.thread_id;
        for (auto& s : inner_)
            if (s->should_log(copy.level)) s->log(copy);
    }
    void flush_() override {
        for (auto& s : inner_) s->flush();
    }

  private:
    std::vector<spdlog::sink_ptr> inner_;
};

}  // namespace

void register_secret_value(std::string_view value) {
    if (value.size() < 4) return;  // too short to redact without mangling ordinary text
    auto& r = registry();
    std::unique_lock lock(r.mutex);
    auto [it, added] = r.values.emplace(value);
    if (!added) return;
    r.order.push_back(it);
    if (r.order.size() > kMaxValues) {
        r.values.erase(r.order.front());
        r.order.pop_front();
    }
}

std::string redact(std::string_view text) {
    std::string out(text);
    auto& r = registry();
    std::shared_lock lock(r.mutex);
    for (const auto& v : r.values) {
        for (auto pos = out.find(v); pos != std::string::npos; pos = out.find(v, pos))
            out.replace(pos, v.size(), "[REDACTED]");
    }
    return out;
}

void install_log_redaction() {
    static std::mutex once;
    std::lock_guard lock(once);
    auto logger = spdlog::default_logger();
    if (!logger) return;
    auto& sinks = logger->sinks();
    if (sinks.size() == 1 && std::dynamic_pointer_cast<RedactingSink>(sinks.front())) return;
    auto wrapped = std::make_shared<RedactingSink>(sinks);
    sinks.clear();
    sinks.push_back(std::move(wrapped));
}

}  // namespace warden::toolauth
