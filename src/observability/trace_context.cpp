#include "observability/trace_context.hpp"

#include <openssl/rand.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>

namespace warden::observability {

namespace {

bool is_lower_hex(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool all_zero(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; });
}

// xoshiro256** (Blackman, Vigna), one per thread, seeded from the CSPRNG: trace ids need
// uniqueness, not secrecy, and a request should not pay a RAND_bytes call for them.
class IdGenerator {
  public:
    IdGenerator() {
        if (RAND_bytes(reinterpret_cast<unsigned char*>(state_), sizeof state_) != 1) {
            // No CSPRNG: the address and the clock still make ids unlikely to collide.
            state_[0] = reinterpret_cast<std::uintptr_t>(this);
            state_[1] = static_cast<std::uint64_t>(
                std::chrono::steady_clock::now().time_since_epoch().count());
            state_[2] = 0x9e3779b97f4a7c15ULL;
            state_[3] = 0xbf58476d1ce4e5b9ULL;
        }
    }
    std::uint64_t next() noexcept {
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }

  private:
    static std::uint64_t rotl(std::uint64_t x, int k) noexcept {
        return (x << k) | (x >> (64 - k));
    }
    std::uint64_t state_[4]{};
};

std::string random_hex(std::size_t bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    thread_local IdGenerator generator;
    std::string out(bytes * 2, '0');  // written in place: one per request, on every request
    do {
        for (std::size_t i = 0; i < bytes; i += 8) {
            std::uint64_t v = generator.next();
            for (std::size_t j = 0; j < 8 && i + j < bytes; ++j, v >>= 8) {
                out[2 * (i + j)] = kDigits[(v >> 4) & 0xf];
                out[2 * (i + j) + 1] = kDigits[v & 0xf];
            }
        }
    } while (all_zero(out));  // W3C: an all-zero id is invalid
    return out;
}

thread_local const std::string* current_trace = nullptr;

class TraceIdFlag final : public spdlog::custom_flag_formatter {
  public:
    void format(const spdlog::details::log_msg&, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        if (!current_trace || current_trace->empty()) return;
        static constexpr std::string_view kPrefix = " trace_id=";
        dest.append(kPrefix.data(), kPrefix.data() + kPrefix.size());
        dest.append(current_trace->data(), current_trace->data() + current_trace->size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<TraceIdFlag>();
    }
};

}  // namespace

std::string TraceContext::traceparent() const {
    return "00-" + trace_id + "-" + parent_id + "-" + flags;
}

std::optional<TraceContext> parse_traceparent(std::string_view value) {
    // version "-" trace-id "-" parent-id "-" flags: 2 + 1 + 32 + 1 + 16 + 1 + 2 = 55.
    if (value.size() < 55) return std::nullopt;
    const auto version = value.substr(0, 2);
    if (!is_lower_hex(version) || version == "ff") return std::nullopt;
    if (value[2] != '-' || value[35] != '-' || value[52] != '-') return std::nullopt;
    if (version == "00" && value.size() != 55) return std::nullopt;
    if (value.size() > 55 && value[55] != '-') return std::nullopt;
    TraceContext out;
    out.trace_id = std::string(value.substr(3, 32));
    out.parent_id = std::string(value.substr(36, 16));
    out.flags = std::string(value.substr(53, 2));
    if (!is_lower_hex(out.trace_id) || !is_lower_hex(out.parent_id) || !is_lower_hex(out.flags))
        return std::nullopt;
    if (all_zero(out.trace_id) || all_zero(out.parent_id)) return std::nullopt;
    return out;
}

std::string sanitize_tracestate(std::string_view value) {
    if (value.size() > 512) return {};
    bool has_equals = false;
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u > 0x7e) return {};
        if (c == '=') has_equals = true;
    }
    return has_equals ? std::string(value) : std::string();
}

TraceContext continue_or_start(std::string_view traceparent, std::string_view tracestate) {
    if (!traceparent.empty())
        if (auto parsed = parse_traceparent(traceparent)) {
            parsed->tracestate = sanitize_tracestate(tracestate);
            return std::move(*parsed);
        }
    return new_trace();
}

std::string_view current_trace_id() noexcept {
    return current_trace ? std::string_view(*current_trace) : std::string_view();
}

TraceScope::TraceScope(const std::string& trace_id) noexcept : previous_(current_trace) {
    current_trace = &trace_id;
}

TraceScope::~TraceScope() {
    current_trace = previous_;
}

void add_trace_id_to_log_lines() {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    // spdlog's default pattern, then the trace id of the request being handled, if any.
    formatter->add_flag<TraceIdFlag>('*').set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%n] [%^%l%$] %v%*");
    spdlog::set_formatter(std::move(formatter));
}

TraceContext new_trace() {
    TraceContext out;
    out.trace_id = random_hex(16);
    out.parent_id = random_hex(8);
    return out;
}

}  // namespace warden::observability
