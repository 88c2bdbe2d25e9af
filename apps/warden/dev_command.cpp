// `warden dev keygen` and `warden dev token`: a local signing key and tokens minted with
// it, so server-level auth can be tried without an external authorization server.
// For development only: whoever holds the key can mint any identity.
#include "commands.hpp"

#include "warden/jose/base64url.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <boost/json/serialize.hpp>

#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

namespace warden::cli {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* kDefaultDir = ".warden/dev";
constexpr const char* kDefaultIssuer = "http://localhost/warden-dev";

struct PkeyFree {
    void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

int fail(int code, std::string_view what) {
    std::cerr << "warden: " << what << '\n';
    return code;
}

std::string coordinate(const EVP_PKEY* key, const char* name) {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) return {};
    std::string out(32, '\0');
    BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), 32);
    BN_free(bn);
    return jose::base64url_encode(out);
}

// The public JWK with its RFC 7638 thumbprint as `kid`.
json::object public_jwk(const EVP_PKEY* key) {
    const std::string x = coordinate(key, OSSL_PKEY_PARAM_EC_PUB_X);
    const std::string y = coordinate(key, OSSL_PKEY_PARAM_EC_PUB_Y);
    // RFC 7638 section 3.2: required members only, lexicographic order, no whitespace.
    const std::string canonical =
        R"({"crv":"P-256","kty":"EC","x":")" + x + R"(","y":")" + y + R"("})";
    unsigned char digest[32];
    unsigned int len = 0;
    EVP_Digest(canonical.data(), canonical.size(), digest, &len, EVP_sha256(), nullptr);
    const std::string kid =
        jose::base64url_encode(std::string_view(reinterpret_cast<char*>(digest), len));
    return {{"kty", "EC"}, {"crv", "P-256"}, {"x", x},        {"y", y},
            {"kid", kid},  {"use", "sig"},   {"alg", "ES256"}};
}

Pkey load_key(const std::string& path) {
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
    if (!f) return nullptr;
    return Pkey(PEM_read_PrivateKey(f.get(), nullptr, nullptr, nullptr));
}

int keygen(const std::string& dir, bool force) {
    const fs::path key_path = fs::path(dir) / "signing-key.pem";
    const fs::path jwks_path = fs::path(dir) / "jwks.json";
    if (fs::exists(key_path) && !force)
        return fail(kExitUsage, key_path.string() + " exists; pass --force to replace it");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return fail(kExitRejected, "cannot create " + dir + ": " + ec.message());
    Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key) return fail(kExitRejected, "key generation failed");
    {
        const mode_t old = ::umask(077);  // the private key is readable by its owner only
        std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(key_path.c_str(), "wb"), std::fclose);
        ::umask(old);
        if (!f ||
            PEM_write_PrivateKey(f.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
            return fail(kExitRejected, "cannot write " + key_path.string());
    }
    std::ofstream(jwks_path) << json::serialize(
                                    json::object{{"keys", json::array{public_jwk(key.get())}}})
                             << '\n';
    const auto abs_jwks = fs::absolute(jwks_path).string();
    std::cout
        << "wrote " << key_path.string() << " (private, keep it out of git)\n"
        << "wrote " << jwks_path.string() << "\n\n"
        << "Turn auth on for a server at http://127.0.0.1:8000/mcp:\n"
        << "  export MCP_RESOURCE_SERVER_CANONICAL_URL=http://127.0.0.1:8000/mcp\n"
        << "  export MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS='[{\"authorization_server_url\":"
           "\""
        << kDefaultIssuer << "\",\"issuer\":\"" << kDefaultIssuer << "\",\"jwks_uri\":\"file://"
        << abs_jwks << "\"}]'\n"
        << "Mint a token:\n"
        << "  warden dev token --sub alice --aud http://127.0.0.1:8000/mcp\n";
    return kExitOk;
}

struct TokenArgs {
    std::string key = std::string(kDefaultDir) + "/signing-key.pem";
    std::string sub;
    std::string scope;
    std::string aud;
    std::string iss = kDefaultIssuer;
    std::string client_id = "warden-dev";
    long long ttl = 3600;
};

std::optional<std::string> sign_es256(EVP_PKEY* key, std::string_view input) {
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    std::size_t len = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
        return std::nullopt;
    std::string der(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &len,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
        return std::nullopt;
    // JWS wants r || s, 32 bytes each (RFC 7518 section 3.4), not DER.
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    std::unique_ptr<ECDSA_SIG, void (*)(ECDSA_SIG*)> sig(
        d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)), ECDSA_SIG_free);
    if (!sig) return std::nullopt;
    std::string raw(64, '\0');
    auto* out = reinterpret_cast<unsigned char*>(raw.data());
    BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + 32, 32);
    return raw;
}

int mint(const TokenArgs& a) {
    Pkey key = load_key(a.key);
    if (!key)
        return fail(kExitUsage,
                    "cannot read the signing key " + a.key + " (run `warden dev keygen` first)");
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    json::object header{{"alg", "ES256"}, {"typ", "at+jwt"}, {"kid", public_jwk(key.get())["kid"]}};
    json::object claims{{"iss", a.iss}, {"sub", a.sub},
                        {"aud", a.aud}, {"client_id", a.client_id},
                        {"iat", now},   {"exp", now + a.ttl}};
    if (!a.scope.empty()) claims["scope"] = a.scope;
    const std::string input = jose::base64url_encode(json::serialize(header)) + "." +
                              jose::base64url_encode(json::serialize(claims));
    auto sig = sign_es256(key.get(), input);
    if (!sig) return fail(kExitRejected, "signing failed");
    std::cout << input << '.' << jose::base64url_encode(*sig) << '\n';
    return kExitOk;
}

}  // namespace

void add_dev_command(CLI::App& app, int& exit_code) {
    auto* dev =
        app.add_subcommand("dev", "Local development: a signing key and tokens minted with it");
    dev->require_subcommand(1);

    auto* keygen_cmd = dev->add_subcommand("keygen", "Write an ES256 signing key and its JWKS");
    auto dir = std::make_shared<std::string>(kDefaultDir);
    auto force = std::make_shared<bool>(false);
    keygen_cmd->add_option("--dir", *dir, "where to write signing-key.pem and jwks.json")
        ->capture_default_str();
    keygen_cmd->add_flag("--force", *force, "replace an existing key");
    keygen_cmd->callback([&exit_code, dir, force] { exit_code = keygen(*dir, *force); });

    auto* token_cmd =
        dev->add_subcommand("token", "Mint an access token (JWT, ES256) with the dev key");
    auto args = std::make_shared<TokenArgs>();
    token_cmd->add_option("--key", args->key, "the signing key")->capture_default_str();
    token_cmd->add_option("--sub", args->sub, "the user id")->required();
    token_cmd->add_option("--aud", args->aud, "the audience: the server's canonical URL")
        ->required();
    token_cmd->add_option("--scope", args->scope, "space-separated scopes");
    token_cmd->add_option("--iss", args->iss, "the issuer")->capture_default_str();
    token_cmd->add_option("--client-id", args->client_id, "the client_id claim")
        ->capture_default_str();
    token_cmd->add_option("--ttl", args->ttl, "seconds until exp (negative: already expired)")
        ->capture_default_str();
    token_cmd->callback([&exit_code, args] { exit_code = mint(*args); });
}

}  // namespace warden::cli
