// `warden dev keygen`, `warden dev token` and `warden dev dpop-proof`: a local signing key,
// tokens minted with it (optionally DPoP-bound), and DPoP proofs, so server-level auth can
// be tried with curl without an external authorization server.
// For development only: whoever holds the key can mint any identity.
#include "commands.hpp"

#include "warden/jose/base64url.hpp"
#include "warden/jose/dpop.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

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
    std::string dpop_jkt;  ///< bind the token to this key thumbprint (cnf.jkt)
    std::string dpop_key;  ///< or to this DPoP key (its thumbprint)
};

struct ProofArgs {
    std::string key = std::string(kDefaultDir) + "/dpop-key.pem";
    std::string method = "POST";
    std::string url;
    std::string token;
    std::string nonce;
    bool print_jkt = false;
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

// The DPoP key at `path`, created (P-256, mode 0600) when absent: a client's own key.
Pkey load_or_create_dpop_key(const std::string& path) {
    if (fs::exists(path)) return load_key(path);
    std::error_code ec;
    if (auto dir = fs::path(path).parent_path(); !dir.empty()) fs::create_directories(dir, ec);
    Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key) return nullptr;
    const mode_t old = ::umask(077);
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "wb"), std::fclose);
    ::umask(old);
    if (!f || PEM_write_PrivateKey(f.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return nullptr;
    std::cerr << "warden: wrote a new DPoP key " << path << '\n';
    return key;
}

long long unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// RFC 9449 section 4.2: a proof for one request, signed with the DPoP key.
int dpop_proof(const ProofArgs& a) {
    Pkey key = load_or_create_dpop_key(a.key);
    if (!key) return fail(kExitUsage, "cannot read or create the DPoP key " + a.key);
    json::object jwk = public_jwk(key.get());
    if (a.print_jkt) {
        std::cout << std::string_view(jwk["kid"].as_string()) << '\n';
        return kExitOk;
    }
    if (a.url.empty()) return fail(kExitUsage, "--url is required (the server's canonical URL)");
    json::object header{
        {"typ", "dpop+jwt"},
        {"alg", "ES256"},
        {"jwk", {{"kty", "EC"}, {"crv", "P-256"}, {"x", jwk["x"]}, {"y", jwk["y"]}}}};
    unsigned char random[16];
    RAND_bytes(random, sizeof random);
    json::object claims{
        {"jti", jose::base64url_encode(std::string_view(reinterpret_cast<char*>(random), 16))},
        {"htm", a.method},
        {"htu", a.url},
        {"iat", unix_now()}};
    if (!a.token.empty()) claims["ath"] = jose::dpop_access_token_hash(a.token);
    if (!a.nonce.empty()) claims["nonce"] = a.nonce;
    const std::string input = jose::base64url_encode(json::serialize(header)) + "." +
                              jose::base64url_encode(json::serialize(claims));
    auto sig = sign_es256(key.get(), input);
    if (!sig) return fail(kExitRejected, "signing failed");
    std::cout << input << '.' << jose::base64url_encode(*sig) << '\n';
    return kExitOk;
}

int mint(const TokenArgs& a) {
    std::string jkt = a.dpop_jkt;
    if (!a.dpop_key.empty()) {
        Pkey dpop_key = load_or_create_dpop_key(a.dpop_key);
        if (!dpop_key) return fail(kExitUsage, "cannot read or create the DPoP key " + a.dpop_key);
        jkt = std::string(public_jwk(dpop_key.get())["kid"].as_string());
    }
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
    // RFC 9449 section 6.1: a DPoP-bound token names its key's thumbprint.
    if (!jkt.empty()) claims["cnf"] = {{"jkt", jkt}};
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
    auto* bind = token_cmd->add_option("--dpop-jkt", args->dpop_jkt,
                                       "bind the token to this DPoP key thumbprint (cnf.jkt)");
    token_cmd
        ->add_option("--dpop-key", args->dpop_key,
                     "bind the token to this DPoP key (PEM; created when absent)")
        ->excludes(bind);
    token_cmd->callback([&exit_code, args] { exit_code = mint(*args); });

    auto* proof_cmd = dev->add_subcommand(
        "dpop-proof", "Sign a DPoP proof (RFC 9449) for one request, to send as the DPoP header");
    auto proof = std::make_shared<ProofArgs>();
    proof_cmd->add_option("--key", proof->key, "the DPoP key (PEM; created when absent)")
        ->capture_default_str();
    proof_cmd->add_option("--method", proof->method, "the request method (htm)")
        ->capture_default_str();
    proof_cmd->add_option("--url", proof->url, "the request URL (htu): the canonical URL");
    proof_cmd->add_option("--token", proof->token, "the access token the proof goes with (ath)");
    proof_cmd->add_option("--nonce", proof->nonce, "the server's DPoP-Nonce, when it asks");
    proof_cmd->add_flag("--jkt", proof->print_jkt, "print the key's thumbprint instead");
    proof_cmd->callback([&exit_code, proof] { exit_code = dpop_proof(*proof); });
}

}  // namespace warden::cli
