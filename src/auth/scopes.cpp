// Scope algebra: closure, satisfaction and missing scopes under declared implications.
#include <warden/auth/scopes.hpp>

#include <warden/auth/config.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>

namespace warden::auth {
namespace {

ConfigError problem(std::string what) {
    return {make_error_code(Error::bad_configuration), std::move(what)};
}

}  // namespace

bool is_scope_token(std::string_view scope) noexcept {
    // RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
    return !scope.empty() && std::all_of(scope.begin(), scope.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u >= 0x21 && u <= 0x7e && u != 0x22 && u != 0x5c;
    });
}

boost::system::result<ScopeHierarchy, ConfigError> ScopeHierarchy::create(
    const ScopeImplications& implications) {
    for (const auto& [broad, narrower] : implications) {
        if (!is_scope_token(broad))
            return problem("\"" + broad + "\" is not a valid scope (RFC 6749 section 3.3)");
        for (const auto& n : narrower)
            if (!is_scope_token(n))
                return problem("\"" + broad + "\" implies \"" + n +
                               "\", which is not a valid scope (RFC 6749 section 3.3)");
    }
    ScopeHierarchy h;
    // A depth-first walk per broad scope; `seen` makes cycles terminate.
    for (const auto& [broad, direct] : implications) {
        std::set<std::string, std::less<>> seen;
        std::vector<std::string> todo(direct.begin(), direct.end());
        while (!todo.empty()) {
            auto s = std::move(todo.back());
            todo.pop_back();
            if (!seen.insert(s).second) continue;
            if (auto it = implications.find(s); it != implications.end())
                todo.insert(todo.end(), it->second.begin(), it->second.end());
        }
        if (!seen.empty()) h.implied_.emplace(broad, std::move(seen));
    }
    return h;
}

std::set<std::string> ScopeHierarchy::closure(const std::set<std::string>& granted) const {
    std::set<std::string> out = granted;
    for (const auto& g : granted)
        if (auto it = implied_.find(g); it != implied_.end())
            out.insert(it->second.begin(), it->second.end());
    return out;
}

bool ScopeHierarchy::satisfies(const std::set<std::string>& granted,
                               std::string_view required) const {
    if (granted.find(std::string(required)) != granted.end()) return true;
    // Usually a handful of granted scopes: scanning them beats building the closure.
    return std::any_of(granted.begin(), granted.end(), [&](const std::string& g) {
        auto it = implied_.find(g);
        return it != implied_.end() && it->second.find(required) != it->second.end();
    });
}

std::vector<std::string> ScopeHierarchy::missing(const std::set<std::string>& granted,
                                                 const std::vector<std::string>& required) const {
    std::vector<std::string> out;
    for (const auto& r : required)
        if (!satisfies(granted, r) && std::find(out.begin(), out.end(), r) == out.end())
            out.push_back(r);
    return out;
}

boost::system::result<ScopeImplications, ConfigError> parse_scope_implications(
    std::string_view json_text) {
    boost::system::error_code ec;
    auto doc = boost::json::parse(json_text, ec);
    if (ec) return problem("is not valid JSON (" + ec.message() + ")");
    if (!doc.is_object())
        return problem(
            "must be a JSON object mapping a scope to the array of scopes it implies, e.g. "
            "{\"mcp:admin\": [\"mcp:tools\"]}");
    ScopeImplications out;
    for (const auto& kv : doc.get_object()) {
        const std::string broad(kv.key());
        if (!kv.value().is_array())
            return problem("the value of \"" + broad + "\" must be an array of scopes");
        auto& implied = out[broad];
        for (const auto& v : kv.value().get_array()) {
            if (!v.is_string()) return problem("\"" + broad + "\" must list scopes as strings");
            implied.emplace_back(v.get_string());
        }
    }
    // Names are checked where every source of implications meets: ScopeHierarchy::create.
    if (auto checked = ScopeHierarchy::create(out); !checked) return checked.error();
    return out;
}

std::vector<std::string> scope_union(std::vector<std::string> a,
                                     const std::vector<std::string>& b) {
    for (const auto& s : b)
        if (std::find(a.begin(), a.end(), s) == a.end()) a.push_back(s);
    return a;
}

std::vector<std::string> drop_offline_access(ResourceServerAuth& config) {
    std::vector<std::string> where;
    for (auto [name, list] :
         {std::pair{"scopes_supported", &config.scopes_supported},
          std::pair{"default_challenge_scopes", &config.default_challenge_scopes},
          std::pair{"required_scopes", &config.required_scopes}})
        if (std::erase(*list, std::string(kOfflineAccess)) > 0) where.emplace_back(name);
    return where;
}

}  // namespace warden::auth
