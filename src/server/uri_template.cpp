#include "server/uri_template.hpp"

#include <cctype>

namespace warden::server {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out.push_back(s[i]);
            continue;
        }
        if (i + 2 >= s.size()) return std::nullopt;
        int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}

struct Part {
    bool variable;
    std::string_view text;  // the literal, or the variable name
};

std::optional<std::vector<Part>> split(std::string_view tpl) {
    std::vector<Part> parts;
    std::size_t i = 0;
    while (i < tpl.size()) {
        auto open = tpl.find('{', i);
        if (open == std::string_view::npos) {
            if (tpl.find('}', i) != std::string_view::npos) return std::nullopt;
            parts.push_back({false, tpl.substr(i)});
            break;
        }
        if (open > i) {
            auto literal = tpl.substr(i, open - i);
            if (literal.find('}') != std::string_view::npos) return std::nullopt;
            parts.push_back({false, literal});
        }
        auto close = tpl.find('}', open);
        if (close == std::string_view::npos || close == open + 1) return std::nullopt;
        auto name = tpl.substr(open + 1, close - open - 1);
        for (char c : name)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'))
                return std::nullopt;  // operators ({+x}, {?x}) are beyond level 1
        // Two adjacent variables cannot be told apart.
        if (!parts.empty() && parts.back().variable) return std::nullopt;
        parts.push_back({true, name});
        i = close + 1;
    }
    return parts;
}

}  // namespace

std::optional<UriVariables> match_uri_template(std::string_view uri_template,
                                               std::string_view uri) {
    auto parts = split(uri_template);
    if (!parts) return std::nullopt;
    UriVariables vars;
    std::size_t pos = 0;
    for (std::size_t p = 0; p < parts->size(); ++p) {
        const Part& part = (*parts)[p];
        if (!part.variable) {
            if (uri.substr(pos, part.text.size()) != part.text) return std::nullopt;
            pos += part.text.size();
            continue;
        }
        std::size_t end;
        if (p + 1 < parts->size()) {
            end = uri.find((*parts)[p + 1].text, pos);
            if (end == std::string_view::npos) return std::nullopt;
        } else {
            end = uri.size();
        }
        auto raw = uri.substr(pos, end - pos);
        if (raw.empty() || raw.find('/') != std::string_view::npos) return std::nullopt;
        auto decoded = percent_decode(raw);
        if (!decoded) return std::nullopt;
        // A variable named twice must match the same value both times (RFC 6570 expands
        // every occurrence of a name to the same value).
        auto [it, inserted] = vars.emplace(std::string(part.text), *decoded);
        if (!inserted && it->second != *decoded) return std::nullopt;
        pos = end;
    }
    if (pos != uri.size()) return std::nullopt;
    return vars;
}

std::optional<std::string> expand_uri_template(std::string_view uri_template,
                                               const UriVariables& vars) {
    auto parts = split(uri_template);
    if (!parts) return std::nullopt;
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const auto& part : *parts) {
        if (!part.variable) {
            out += part.text;
            continue;
        }
        auto it = vars.find(std::string(part.text));
        if (it == vars.end()) return std::nullopt;
        for (char c : it->second) {
            const auto u = static_cast<unsigned char>(c);
            // unreserved (RFC 3986 section 2.3) passes; everything else is pct-encoded.
            const bool alnum =
                (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (alnum || c == '-' || c == '.' || c == '_' || c == '~') {
                out.push_back(c);
            } else {
                out.push_back('%');
                out.push_back(kHex[u >> 4]);
                out.push_back(kHex[u & 0xf]);
            }
        }
    }
    return out;
}

std::vector<std::string> template_variables(std::string_view uri_template) {
    std::vector<std::string> names;
    auto parts = split(uri_template);
    if (!parts) return names;
    for (const auto& part : *parts)
        if (part.variable) names.emplace_back(part.text);
    return names;
}

}  // namespace warden::server
