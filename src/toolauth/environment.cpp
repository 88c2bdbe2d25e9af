#include <warden/toolauth/environment.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>

namespace warden::toolauth {
namespace {

using Vars = std::map<std::string, std::string, std::less<>>;

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t\r");
    return std::string(s.substr(b, e - b + 1));
}

std::shared_ptr<const Vars> read_file(const std::string& path) {
    auto vars = std::make_shared<Vars>();
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        auto text = trim(line);
        if (text.empty() || text[0] == '#') continue;
        if (text.starts_with("export ")) text = trim(text.substr(7));
        const auto eq = text.find('=');
        if (eq == std::string::npos) continue;
        auto key = trim(text.substr(0, eq));
        auto value = trim(text.substr(eq + 1));
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
            value.back() == value.front())
            value = value.substr(1, value.size() - 2);
        if (!key.empty()) (*vars)[key] = value;
    }
    return vars;
}

}  // namespace

EnvLookup file_environment(const std::string& path) {
    auto vars = path.empty() ? std::make_shared<const Vars>() : read_file(path);
    return [vars](std::string_view name) -> std::optional<std::string> {
        auto it = vars->find(name);
        if (it == vars->end()) return std::nullopt;
        return it->second;
    };
}

EnvLookup process_environment(const std::string& dotenv_path) {
    auto dotenv = file_environment(dotenv_path);
    return [dotenv](std::string_view name) -> std::optional<std::string> {
        const std::string key(name);
        if (const char* v = std::getenv(key.c_str())) return std::string(v);
        return dotenv(name);
    };
}

}  // namespace warden::toolauth
