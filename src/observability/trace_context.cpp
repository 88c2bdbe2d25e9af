#include "observability/trace_context.hpp"

#include <openssl/rand.h>

#include <algorithm>

namespace warden::observability {

namespace {

bool is_lower_hex(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool all_zero(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; });
}

std::string random_hex(std::size_t bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::array<unsigned char, 16> raw{};
    std::string out;
    do {
        // A trace id is a correlation handle, not a secret, but RAND_bytes is the CSPRNG
        // already linked; failure leaves zeros, which the loop refuses.
        if (RAND_bytes(raw.data(), static_cast<int>(bytes)) != 1) raw.fill(0);
        out.clear();
        for (std::size_t i = 0; i < bytes; ++i) {
            out.push_back(kDigits[raw[i] >> 4]);
            out.push_back(kDigits[raw[i] & 0xf]);
        }
    } while (all_zero(out));
    return out;
}

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

TraceContext new_trace() {
    TraceContext out;
    out.trace_id = random_hex(16);
    out.parent_id = random_hex(8);
    return out;
}

}  // namespace warden::observability
