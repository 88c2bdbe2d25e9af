// Fuzzes RFC 6570 level-1 template matching: input is "<template>\n<uri>". A match must
// never produce a variable that contains '/' (variables do not span path segments).
#include "server/uri_template.hpp"

#include <cstddef>
#include <cstdint>
#include <set>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto nl = input.find('\n');
    auto tpl = input.substr(0, nl);
    auto uri = nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);
    auto names = warden::server::template_variables(tpl);
    if (auto vars = warden::server::match_uri_template(tpl, uri)) {
        std::set<std::string> unique(names.begin(), names.end());
        if (vars->size() != unique.size()) __builtin_trap();
        for (const auto& [name, value] : *vars)
            if (value.empty()) __builtin_trap();
    }
    return 0;
}
