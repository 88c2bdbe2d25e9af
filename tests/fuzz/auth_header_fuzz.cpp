// Fuzzes both directions of RFC 6750 header handling: the Authorization header a client
// sends (bearer_token) and the WWW-Authenticate challenge Warden sends back
// (format_challenge), whose quoted values come partly from error messages and
// configuration. Input: '\0'-separated fields: Authorization value, resource_metadata,
// error, error_description, then scopes.
#include "fields.hpp"

#include <warden/auth/http.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

bool b64token_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
}

// The value of parameter `name` in a formatted challenge, unescaped; "" when absent. Walks
// the whole parameter list (`Bearer name="value", name="value"`), so text that looks like
// a parameter inside another parameter's quoted value is not taken for one; traps on a
// list that is not well formed.
std::string param(std::string_view header, std::string_view name) {
    std::size_t i = header.find(' ');
    if (i == std::string_view::npos) return {};
    ++i;
    std::string found;
    while (i < header.size()) {
        const auto eq = header.find('=', i);
        if (eq == std::string_view::npos || eq + 1 >= header.size() || header[eq + 1] != '"')
            __builtin_trap();
        const std::string_view key = header.substr(i, eq - i);
        std::string value;
        i = eq + 2;
        for (;; ++i) {
            if (i >= header.size()) __builtin_trap();  // an unterminated quoted-string
            if (header[i] == '\\' && i + 1 < header.size()) {
                value.push_back(header[++i]);
                continue;
            }
            if (header[i] == '"') break;
            value.push_back(header[i]);
        }
        ++i;
        if (key == name) found = value;
        if (i == header.size()) break;
        if (header.substr(i, 2) != ", ") __builtin_trap();
        i += 2;
    }
    return found;
}

std::string printable(std::string_view s) {
    std::string out;
    for (char c : s)
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out.push_back(c);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace auth = warden::auth;
    const auto f =
        warden::fuzz::split_fields(std::string_view(reinterpret_cast<const char*>(data), size));
    if (auto token = auth::bearer_token(f[0])) {
        if (token->empty()) __builtin_trap();
        // The token is a slice of the header, and only b64token characters.
        if (token->data() < f[0].data() ||
            token->data() + token->size() > f[0].data() + f[0].size())
            __builtin_trap();
        for (char c : *token)
            if (!b64token_char(c)) __builtin_trap();
    }
    auth::Challenge c;
    if (f.size() > 1) c.resource_metadata = f[1];
    if (f.size() > 2) c.error = f[2];
    if (f.size() > 3) c.error_description = f[3];
    for (std::size_t i = 4; i < f.size(); ++i)
        if (!f[i].empty()) c.scopes.emplace_back(f[i]);
    const auto header = auth::format_challenge(c);
    if (!header.starts_with("Bearer")) __builtin_trap();
    // Header injection: nothing may end the header line or smuggle another one.
    for (char ch : header)
        if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) __builtin_trap();
    // The list is well formed and the description round-trips (minus controls), whatever
    // the other values hold (e.g. an error that reads `x error_description=`).
    if (!c.error_description.empty() &&
        param(header, "error_description") != printable(c.error_description))
        __builtin_trap();
    return 0;
}
