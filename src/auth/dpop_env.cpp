#include "auth/dpop_env.hpp"

#include <warden/jose/base64url.hpp>

#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace warden::auth {
namespace {

constexpr std::string_view kNonce = "MCP_RESOURCE_SERVER_DPOP_NONCE";
constexpr std::string_view kNonceKey = "MCP_RESOURCE_SERVER_DPOP_NONCE_KEY";
constexpr std::string_view kNonceKeyFile = "MCP_RESOURCE_SERVER_DPOP_NONCE_KEY_FILE";
constexpr std::string_view kAlgorithms = "MCP_RESOURCE_SERVER_DPOP_ALGORITHMS";
constexpr std::string_view kWindow = "MCP_RESOURCE_SERVER_DPOP_PROOF_WINDOW";

ConfigError problem(std::string_view where, std::string what) {
    return {make_error_code(Error::bad_configuration), std::string(where) + ": " + what};
}

std::string trim(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    std::size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    return s.substr(i);
}

boost::system::result<std::string, ConfigError> decode_key(std::string_view where,
                                                           const std::string& text) {
    auto key = jose::base64url_decode(trim(text));
    if (!key || key->size() != 32)
        return problem(where,
                       "must be 32 random bytes in base64url (e.g. `openssl rand 32 | "
                       "basenc --base64url | tr -d =`)");
    return std::move(*key);
}

// A key file readable by others is a key others may have: refuse it as ssh does.
boost::system::result<std::string, ConfigError> read_key_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return problem(kNonceKeyFile, "cannot read " + path);
    if ((st.st_mode & 077) != 0)
        return problem(kNonceKeyFile, path + " must not be readable by group or others (0600)");
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) return problem(kNonceKeyFile, "cannot read " + path);
    return decode_key(kNonceKeyFile, text.str());
}

}  // namespace

std::optional<DpopPolicy> parse_dpop_policy(const boost::json::value& v) {
    if (!v.is_string()) return std::nullopt;
    if (v.get_string() == "off") return DpopPolicy::off;
    if (v.get_string() == "allowed") return DpopPolicy::allowed;
    if (v.get_string() == "required") return DpopPolicy::required;
    return std::nullopt;
}

boost::system::result<void, ConfigError> load_dpop_env(const EnvLookup& env, DpopSettings& out) {
    if (auto nonce = env(kNonce)) {
        if (*nonce == "1" || *nonce == "true")
            out.require_nonce = true;
        else if (*nonce == "0" || *nonce == "false" || nonce->empty())
            out.require_nonce = false;
        else
            return problem(kNonce, "must be true, false, 1 or 0");
    }
    auto key = env(kNonceKey);
    auto key_file = env(kNonceKeyFile);
    if (key && key_file)
        return problem(kNonceKey, "set either it or " + std::string(kNonceKeyFile));
    if (key) {
        auto k = decode_key(kNonceKey, *key);
        if (!k) return k.error();
        out.nonce_key = std::move(k.value());
    } else if (key_file) {
        auto k = read_key_file(*key_file);
        if (!k) return k.error();
        out.nonce_key = std::move(k.value());
    }
    if (out.require_nonce && out.nonce_key.empty()) {
        auto store = env("WARDEN_STORE_URL");
        if (store && (store->starts_with("postgres://") || store->starts_with("postgresql://")))
            return problem(kNonce,
                           "replicas sharing a PostgreSQL store need a shared nonce key: set " +
                               std::string(kNonceKey) + " or " + std::string(kNonceKeyFile));
    }
    if (auto algs = env(kAlgorithms)) {
        jose::AlgorithmSet set;
        std::string name;
        std::istringstream in(std::string(*algs) + " ");
        for (char c; in.get(c);) {
            if (c != ' ' && c != ',') {
                name.push_back(c);
                continue;
            }
            if (name.empty()) continue;
            auto alg = jose::parse_algorithm(name);
            if (!alg)
                return problem(kAlgorithms, "\"" + name +
                                                "\" is not an asymmetric JWS algorithm (none and "
                                                "HMAC are never accepted)");
            set.insert(*alg);
            name.clear();
        }
        if (set.empty()) return problem(kAlgorithms, "names no algorithm");
        out.algorithms = set;
    }
    if (auto window = env(kWindow)) {
        if (window->empty() || window->size() > 4 ||
            window->find_first_not_of("0123456789") != std::string::npos)
            return problem(kWindow, "must be a whole number of seconds");
        out.iat_window = std::chrono::seconds(std::stoll(*window));
        if (out.iat_window.count() <= 0 || out.iat_window > std::chrono::hours(1))
            return problem(kWindow, "must be between 1 and 3600 seconds");
    }
    return {};
}

}  // namespace warden::auth
