#pragma once
// Splits a fuzz input into '\0'-separated fields (always at least one).
#include <string_view>
#include <vector>

namespace warden::fuzz {

inline std::vector<std::string_view> split_fields(std::string_view s) {
    std::vector<std::string_view> out;
    for (;;) {
        const auto i = s.find('\0');
        out.push_back(s.substr(0, i));
        if (i == std::string_view::npos) return out;
        s.remove_prefix(i + 1);
    }
}

}  // namespace warden::fuzz
