#include <warden/toolauth/scopes.hpp>

#include <algorithm>

namespace warden::toolauth {

std::vector<std::string> parse_scopes(std::string_view text) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < text.size()) {
        auto end = text.find_first_of(" ,", i);
        if (end == std::string_view::npos) end = text.size();
        if (end > i) out.emplace_back(text.substr(i, end - i));
        i = end + 1;
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::string join_scopes(const std::vector<std::string>& scopes, std::string_view separator) {
    std::string out;
    for (const auto& s : scopes) {
        if (!out.empty()) out += separator;
        out += s;
    }
    return out;
}

bool scopes_cover(const std::vector<std::string>& granted, const std::vector<std::string>& needed) {
    return std::all_of(needed.begin(), needed.end(), [&](const std::string& s) {
        return std::find(granted.begin(), granted.end(), s) != granted.end();
    });
}

std::vector<std::string> scope_union(const std::vector<std::string>& a,
                                     const std::vector<std::string>& b) {
    std::vector<std::string> out(a);
    out.insert(out.end(), b.begin(), b.end());
    out.erase(std::remove(out.begin(), out.end(), std::string()), out.end());
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace warden::toolauth
