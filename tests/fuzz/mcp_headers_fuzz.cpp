// Fuzzes the 2026-07-28 request metadata headers (transport/http/mcp_headers): the Base64
// sentinel decoder, the standard headers (MCP-Protocol-Version, Mcp-Method, Mcp-Name)
// against a JSON-RPC body, and the Mcp-Param-{Name} headers of a fixed input schema against
// the call's arguments. Besides crashes, it traps when a check accepts what the body
// contradicts, judged by oracles written apart from the code under test.
//
// Input: '\0'-separated fields: MCP-Protocol-Version, Mcp-Method, Mcp-Name, the body, then
// Mcp-Param-Region, -Priority, -DryRun, -Zone (missing fields are absent headers).
#include "fields.hpp"
#include "transport/http/mcp_headers.hpp"

#include <boost/json/parse.hpp>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

namespace json = boost::json;
namespace pr = warden::protocol;
using namespace warden::transport::http;

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(std::string_view in) {
    std::string out;
    std::size_t i = 0;
    for (; i + 3 <= in.size(); i += 3) {
        const auto n = (std::uint32_t(std::uint8_t(in[i])) << 16) |
                       (std::uint32_t(std::uint8_t(in[i + 1])) << 8) | std::uint8_t(in[i + 2]);
        for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
    }
    if (const auto rest = in.size() - i; rest > 0) {
        std::uint32_t n = std::uint32_t(std::uint8_t(in[i])) << 16;
        if (rest == 2) n |= std::uint32_t(std::uint8_t(in[i + 1])) << 8;
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

bool header_safe(std::string_view v) {
    for (unsigned char c : v)
        if (c != '\t' && (c < 0x20 || c > 0x7e)) return false;
    return true;
}

// The decoder's contract: only header-safe values decode; a plain value is itself; a
// sentinel holds padded Base64 whose re-encoding matches it (up to the unused low bits of
// its last character, which RFC 4648 section 3.5 lets a decoder ignore).
void check_decode(std::string_view raw) {
    auto decoded = decode_header_value(raw);
    if (!decoded) return;
    if (!header_safe(raw)) __builtin_trap();
    constexpr std::string_view prefix = "=?base64?", suffix = "?=";
    if (raw.size() < prefix.size() + suffix.size() || !raw.starts_with(prefix) ||
        !raw.ends_with(suffix)) {
        if (*decoded != raw) __builtin_trap();
        return;
    }
    auto payload = raw.substr(prefix.size(), raw.size() - prefix.size() - suffix.size());
    const auto again = base64_encode(*decoded);
    if (again.size() != payload.size()) __builtin_trap();
    auto last = payload.find_last_not_of('=');
    for (std::size_t i = 0; i < payload.size(); ++i)
        if (i != last && again[i] != payload[i]) __builtin_trap();
}

// Does a header accepted for `body` really say the same value? Integers are judged with
// long double (64-bit mantissa: exact for every 64-bit integer), apart from from_chars.
bool says(std::string_view header, const json::value& body) {
    if (body.is_string()) return header == body.get_string();
    if (body.is_bool()) return header == (body.get_bool() ? "true" : "false");
    const std::string text(header);
    if (text.empty() || text.find_first_not_of("0123456789+-.eE") != std::string::npos)
        return false;
    char* end = nullptr;
    const long double parsed = std::strtold(text.c_str(), &end);
    if (end != text.c_str() + text.size()) return false;
    if (body.is_int64()) return parsed == static_cast<long double>(body.get_int64());
    if (body.is_uint64()) return parsed == static_cast<long double>(body.get_uint64());
    if (body.is_double()) return static_cast<double>(parsed) == body.get_double();
    return false;
}

const json::object& schema() {
    static const json::object s = json::parse(R"json({
        "type": "object",
        "properties": {
            "region": {"type": "string", "x-mcp-header": "Region"},
            "priority": {"type": "integer", "x-mcp-header": "Priority"},
            "dryRun": {"type": "boolean", "x-mcp-header": "DryRun"},
            "place": {"type": "object", "properties": {
                "zone": {"type": "string", "x-mcp-header": "Zone"}}},
            "bad": {"type": "string", "x-mcp-header": "not a token"}
        }})json")
                                      .as_object();
    return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto fields = warden::fuzz::split_fields({reinterpret_cast<const char*>(data), size});
    auto field = [&](std::size_t i) { return i < fields.size() ? fields[i] : std::string_view(); };
    static constexpr std::array<std::string_view, 7> kNames = {
        "MCP-Protocol-Version", "Mcp-Method",         "Mcp-Name",        "",
        "Mcp-Param-Region",     "Mcp-Param-Priority", "Mcp-Param-DryRun"};
    std::map<std::string, std::string_view, std::less<>> headers;
    for (std::size_t i = 0; i < kNames.size(); ++i)
        if (!kNames[i].empty() && i < fields.size()) headers.emplace(kNames[i], fields[i]);
    if (fields.size() > 7) headers.emplace("Mcp-Param-Zone", fields[7]);
    const HeaderLookup header = [&headers](std::string_view name) {
        auto it = headers.find(name);
        return it == headers.end() ? std::string_view() : it->second;
    };
    for (const auto& f : fields) check_decode(f);

    auto body = pr::parse(field(3));
    if (!body) return 0;
    auto c = pr::classify(*body);
    if (c.kind != pr::MessageKind::request) return 0;

    if (!check_standard_headers(header, c)) {
        const auto version = header("MCP-Protocol-Version");
        if (version.empty() || header("Mcp-Method") != c.method) __builtin_trap();
        const json::object* meta = nullptr;
        if (c.params)
            if (const auto* m = c.params->if_contains("_meta"); m && m->is_object())
                meta = &m->get_object();
        if (meta)
            if (const auto* v = meta->if_contains("io.modelcontextprotocol/protocolVersion");
                v && v->is_string() && v->get_string() != version)
                __builtin_trap();
        std::string_view source = c.method == "resources/read"                            ? "uri"
                                  : c.method == "tools/call" || c.method == "prompts/get" ? "name"
                                                                                          : "";
        if (!source.empty()) {
            const auto* v = c.params ? c.params->if_contains(source) : nullptr;
            auto name = decode_header_value(header("Mcp-Name"));
            if (!v || !v->is_string() || !name || *name != v->get_string()) __builtin_trap();
        }
    }

    if (c.method != "tools/call" || !c.params) return 0;
    const auto* args = c.params->if_contains("arguments");
    const json::object* arguments = args && args->is_object() ? &args->get_object() : nullptr;
    if (check_param_headers(header, schema(), arguments)) return 0;
    if (!arguments) return 0;
    // Accepted: every mirrored value present in the body has its header, saying the same.
    auto agrees = [&](std::string_view name, const json::value* value) {
        if (!value || value->is_null()) return;
        auto decoded = decode_header_value(header(std::string("Mcp-Param-") + std::string(name)));
        if (header(std::string("Mcp-Param-") + std::string(name)).empty() || !decoded ||
            !says(*decoded, *value))
            __builtin_trap();
    };
    agrees("Region", arguments->if_contains("region"));
    agrees("Priority", arguments->if_contains("priority"));
    agrees("DryRun", arguments->if_contains("dryRun"));
    if (const auto* place = arguments->if_contains("place"); place && place->is_object())
        agrees("Zone", place->get_object().if_contains("zone"));
    return 0;
}
