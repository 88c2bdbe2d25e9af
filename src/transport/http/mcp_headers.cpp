#include "transport/http/mcp_headers.hpp"

#include <array>
#include <charconv>
#include <cstdint>

namespace warden::transport::http {

namespace json = boost::json;

namespace {

constexpr std::string_view kSentinelPrefix = "=?base64?";
constexpr std::string_view kSentinelSuffix = "?=";

// RFC 9110 section 5.5: visible ASCII, space and tab.
bool plain_header_value(std::string_view v) {
    for (unsigned char c : v)
        if (!(c == '\t' || (c >= 0x20 && c <= 0x7e))) return false;
    return true;
}

std::optional<std::string> base64_decode(std::string_view in) {
    static constexpr auto table = [] {
        std::array<signed char, 256> t{};
        t.fill(-1);
        constexpr std::string_view alphabet =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (std::size_t i = 0; i < alphabet.size(); ++i)
            t[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
        return t;
    }();
    // Padded Base64 (RFC 4648 section 4): whole quads, at most two '=' at the end.
    if (in.size() % 4 != 0) return std::nullopt;
    for (int i = 0; i < 2 && !in.empty() && in.back() == '='; ++i) in.remove_suffix(1);
    std::string out;
    out.reserve(in.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (unsigned char c : in) {
        int v = table[c];
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xff));
        }
    }
    return out;
}

// The string at params[key]; nullopt when params has none (then no header can match it).
std::optional<std::string_view> string_param(const json::object* params, std::string_view key) {
    if (!params) return std::nullopt;
    const auto* v = params->if_contains(key);
    if (!v || !v->is_string()) return std::nullopt;
    return std::string_view(v->get_string());
}

// Header field names are tokens (RFC 9110 section 5.1).
bool is_token(std::string_view s) {
    if (s.empty()) return false;
    for (unsigned char c : s) {
        bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) !=
                      std::string_view::npos;
        if (!ok) return false;
    }
    return true;
}

// Does the header value stand for the body value? Strings exactly, booleans as
// "true"/"false", integers numerically.
bool same_value(std::string_view header, const json::value& body) {
    if (body.is_string()) return header == body.get_string();
    if (body.is_bool()) return header == (body.get_bool() ? "true" : "false");
    if (body.is_int64() || body.is_uint64()) {
        // "Value Encoding": an integer is its decimal string. Compared exactly, as integers
        // (a double holds them only up to 2^53, and 2^53 + 1 must not match "2^53"); a
        // fraction of zeros ("42.0") is still the same number.
        if (auto dot = header.find('.'); dot != std::string_view::npos) {
            const auto fraction = header.substr(dot + 1);
            if (fraction.empty() || fraction.find_first_not_of('0') != std::string_view::npos)
                return false;
            header = header.substr(0, dot);
        }
        const char* const end = header.data() + header.size();
        if (body.is_int64()) {
            std::int64_t parsed = 0;
            auto [ptr, ec] = std::from_chars(header.data(), end, parsed);
            return ec == std::errc() && ptr == end && parsed == body.get_int64();
        }
        std::uint64_t parsed = 0;
        auto [ptr, ec] = std::from_chars(header.data(), end, parsed);
        return ec == std::errc() && ptr == end && parsed == body.get_uint64();
    }
    if (!body.is_double()) return false;
    double parsed = 0;
    const char* const end = header.data() + header.size();
    auto [ptr, ec] = std::from_chars(header.data(), end, parsed);
    return ec == std::errc() && ptr == end && parsed == body.get_double();
}

struct ParamWalk {
    const HeaderLookup& header;
    std::optional<std::string> problem;

    // Only chains of `properties` keys are statically reachable (SEP-2243).
    void walk(const json::object& schema, const json::object* instance) {
        const auto* props = schema.if_contains("properties");
        if (!props || !props->is_object()) return;
        for (const auto& kv : props->get_object()) {
            if (problem || !kv.value().is_object()) continue;
            const auto& sub = kv.value().get_object();
            const json::value* value = instance ? instance->if_contains(kv.key()) : nullptr;
            if (const auto* name = sub.if_contains("x-mcp-header");
                name && name->is_string() && is_token(name->get_string()))
                check(name->get_string(), value);
            if (value && value->is_object()) walk(sub, &value->get_object());
        }
    }

    void check(std::string_view name, const json::value* value) {
        const std::string field = "Mcp-Param-" + std::string(name);
        auto raw = header(field);
        if (!value || value->is_null()) return;  // nothing to mirror: the header is not expected
        if (raw.empty()) {
            problem = "the " + field + " header is required (the arguments carry a value)";
            return;
        }
        auto decoded = decode_header_value(raw);
        if (!decoded) {
            problem = "the " + field + " header has invalid characters or bad Base64";
            return;
        }
        if (!same_value(*decoded, *value))
            problem = "the " + field + " header does not match the argument's value";
    }
};

}  // namespace

std::optional<std::string> decode_header_value(std::string_view value) {
    if (!plain_header_value(value)) return std::nullopt;
    if (value.size() >= kSentinelPrefix.size() + kSentinelSuffix.size() &&
        value.starts_with(kSentinelPrefix) && value.ends_with(kSentinelSuffix)) {
        value.remove_prefix(kSentinelPrefix.size());
        value.remove_suffix(kSentinelSuffix.size());
        return base64_decode(value);
    }
    return std::string(value);
}

std::optional<std::string> check_standard_headers(const HeaderLookup& header,
                                                  const protocol::Classified& request) {
    auto version = header("MCP-Protocol-Version");
    if (version.empty()) return "the MCP-Protocol-Version header is required";
    const json::object* meta = nullptr;
    if (request.params)
        if (const auto* m = request.params->if_contains("_meta"); m && m->is_object())
            meta = &m->get_object();
    if (meta)
        if (const auto* v = meta->if_contains("io.modelcontextprotocol/protocolVersion");
            v && v->is_string() && v->get_string() != version)
            return "the MCP-Protocol-Version header '" + std::string(version) +
                   "' does not match _meta io.modelcontextprotocol/protocolVersion";

    auto method = header("Mcp-Method");
    if (method.empty()) return "the Mcp-Method header is required";
    if (method != request.method)
        return "the Mcp-Method header '" + std::string(method) + "' does not match the body's '" +
               std::string(request.method) + "'";

    std::string_view source;
    if (request.method == "tools/call" || request.method == "prompts/get")
        source = "name";
    else if (request.method == "resources/read")
        source = "uri";
    // SEP-2663 "Streamable HTTP: Routing Headers": a task request names its task, so that
    // intermediaries can route it to where the task lives.
    else if (request.method == "tasks/get" || request.method == "tasks/update" ||
             request.method == "tasks/cancel")
        source = "taskId";
    if (source.empty()) return std::nullopt;
    auto raw = header("Mcp-Name");
    if (raw.empty()) return "the Mcp-Name header is required for " + std::string(request.method);
    auto name = decode_header_value(raw);
    if (!name) return "the Mcp-Name header has invalid characters or bad Base64";
    auto expected = string_param(request.params, source);
    if (!expected || *name != *expected)
        return "the Mcp-Name header does not match params." + std::string(source);
    return std::nullopt;
}

std::optional<std::string> check_param_headers(const HeaderLookup& header,
                                               const json::object& input_schema,
                                               const json::object* arguments) {
    ParamWalk walk{header, std::nullopt};
    walk.walk(input_schema, arguments);
    return walk.problem;
}

}  // namespace warden::transport::http
