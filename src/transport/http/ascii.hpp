#pragma once
// Case-insensitive comparison of header tokens.

#include <algorithm>
#include <string_view>

namespace warden::transport::http {

/// Equal ignoring ASCII case: header tokens are not locale text (and <cctype> calls the
/// locale per character). Not Boost's: in Boost 1.81 both beast::iequals and
/// urls::grammar::ci_is_equal read one byte past the end after a difference in case only
/// (fuzz_auth_parsers found it under AddressSanitizer).
inline bool ascii_iequals(std::string_view a, std::string_view b) {
    constexpr auto lower = [](char c) {
        return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    };
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [&](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace warden::transport::http
