// `.env` files: the subset of the dotenv format that python-dotenv and arcade-mcp users
// write, parsed strictly enough that a typo is reported rather than half-read.
#include <warden/auth/env_config.hpp>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace warden::auth {
namespace {

ConfigError bad_line(std::size_t line, std::string what) {
    return {make_error_code(Error::bad_configuration),
            ".env line " + std::to_string(line) + ": " + std::move(what)};
}

bool is_name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

}  // namespace

boost::system::result<std::map<std::string, std::string>, ConfigError> parse_dotenv(
    std::string_view text) {
    std::map<std::string, std::string> out;
    std::size_t pos = 0;
    std::size_t line_no = 0;
    while (pos < text.size()) {
        ++line_no;
        auto end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = trim(text.substr(pos, end - pos));
        pos = end + 1;
        if (line.empty() || line.front() == '#') continue;
        if (line.starts_with("export ")) line = trim(line.substr(7));
        const auto eq = line.find('=');
        if (eq == std::string_view::npos) return bad_line(line_no, "expected KEY=VALUE");
        const std::string_view key = trim(line.substr(0, eq));
        if (key.empty() || std::isdigit(static_cast<unsigned char>(key.front())))
            return bad_line(line_no, "invalid variable name");
        for (char c : key)
            if (!is_name_char(c)) return bad_line(line_no, "invalid variable name");
        // The value starts after '=' on the raw text: a quoted value may span lines.
        std::size_t v = static_cast<std::size_t>(line.data() - text.data()) + eq + 1;
        while (v < text.size() && (text[v] == ' ' || text[v] == '\t')) ++v;
        std::string value;
        if (v < text.size() && (text[v] == '\'' || text[v] == '"')) {
            const char quote = text[v];
            const std::size_t start_line = line_no;
            std::size_t i = v + 1;
            bool closed = false;
            for (; i < text.size(); ++i) {
                const char c = text[i];
                if (c == quote) {
                    closed = true;
                    break;
                }
                if (quote == '"' && c == '\\' && i + 1 < text.size()) {
                    const char n = text[++i];
                    value.push_back(n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n);
                    continue;
                }
                if (c == '\n') ++line_no;
                value.push_back(c);
            }
            if (!closed) return bad_line(start_line, "unterminated quoted value");
            // After the closing quote only blanks and a comment may follow.
            auto rest_end = text.find('\n', i + 1);
            if (rest_end == std::string_view::npos) rest_end = text.size();
            auto rest = trim(text.substr(i + 1, rest_end - i - 1));
            if (!rest.empty() && rest.front() != '#')
                return bad_line(line_no, "unexpected text after the closing quote");
            pos = rest_end + 1;
        } else {
            std::string_view raw = text.substr(v, end - std::min(v, end));
            if (auto hash = raw.find(" #"); hash != std::string_view::npos)
                raw = raw.substr(0, hash);
            value = std::string(trim(raw));
        }
        out[std::string(key)] = std::move(value);
    }
    return out;
}

boost::system::result<EnvLookup, ConfigError> make_env_lookup(const std::string& dotenv_path) {
    std::map<std::string, std::string> file;
    if (std::ifstream in(dotenv_path, std::ios::binary); in) {
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto parsed = parse_dotenv(text);
        if (!parsed) {
            auto e = parsed.error();
            e.message = dotenv_path + ": " + e.message;
            return e;
        }
        file = std::move(parsed.value());
    }
    return EnvLookup([file = std::move(file)](std::string_view name) -> std::optional<std::string> {
        if (const char* real = std::getenv(std::string(name).c_str())) return std::string(real);
        if (auto it = file.find(std::string(name)); it != file.end()) return it->second;
        return std::nullopt;
    });
}

}  // namespace warden::auth
