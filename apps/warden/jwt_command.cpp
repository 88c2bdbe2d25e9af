// `warden jwt verify` and `warden jwt decode`: check an access token the way a Warden
// server would, from the command line.
#include "commands.hpp"

#include "net/http_fetch.hpp"
#include "warden/jose.hpp"

#include <boost/json/serialize.hpp>

#include <cmath>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>

namespace warden::cli {
namespace {

namespace jose = warden::jose;

struct VerifyArgs {
    std::string jwks;
    std::vector<std::string> issuers;
    std::vector<std::string> audiences;
    std::vector<std::string> algorithms;
    long long leeway = 0;
    std::optional<double> now;
    std::string require_typ;
    std::string token;
};

// One line on stderr; never the token, its claims or key material.
int fail(int code, std::string_view what) {
    std::cerr << "warden: " << what << '\n';
    return code;
}

int reject(const boost::system::error_code& ec) {
    std::ostringstream line;
    line << "token rejected: " << ec.message() << " [" << ec.category().name() << ':' << ec.value()
         << ']';
    return fail(kExitRejected, line.str());
}

std::string trim(std::string s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::optional<std::string> read_token(const std::string& arg) {
    if (arg != "-") return arg;
    std::string in((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    if (!std::cin.eof() && std::cin.fail()) return std::nullopt;
    return trim(std::move(in));
}

bool is_url(std::string_view s) {
    return s.starts_with("https://") || s.starts_with("http://");
}

// Loads the JWKS from a file or a URL. nullopt after printing the reason.
std::optional<std::string> load_jwks(const std::string& source, int& code) {
    if (is_url(source)) {
        auto body = net::http_get(source, net::FetchOptions{});
        if (!body) {
            code = fail(kExitRejected, "cannot fetch JWKS: " + body.error().message());
            return std::nullopt;
        }
        return std::move(body).value();
    }
    std::ifstream in(source, std::ios::binary);
    if (!in) {
        code = fail(kExitUsage, "cannot read JWKS file " + source);
        return std::nullopt;
    }
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::optional<jose::AlgorithmSet> parse_algorithms(const std::vector<std::string>& names) {
    if (names.empty()) return jose::kAllAsymmetricAlgorithms;
    jose::AlgorithmSet set;
    for (const std::string& name : names) {
        auto alg = jose::parse_algorithm(name);
        if (!alg) return std::nullopt;
        set.insert(*alg);
    }
    return set;
}

void report_skipped(const jose::JwkSet& keys) {
    for (const jose::SkippedKey& k : keys.skipped()) {
        std::cerr << "warden: note: JWKS key #" << k.index
                  << (k.kid.empty() ? std::string() : " (kid \"" + k.kid + "\")")
                  << " skipped: " << k.reason.message() << '\n';
    }
}

// Without --audience the CLI accepts whatever audience the token names, but still insists
// that it names one (RFC 9068 section 2.2 makes aud required). A server never does this.
std::vector<std::string> audiences_of(const std::string& token) {
    std::vector<std::string> out;
    auto decoded = jose::decode_unverified(token);
    if (!decoded) return out;
    const boost::json::value* aud = decoded.value().claims.if_contains("aud");
    if (aud != nullptr && aud->is_string()) out.emplace_back(aud->get_string());
    if (aud != nullptr && aud->is_array()) {
        for (const auto& a : aud->get_array()) {
            if (a.is_string()) out.emplace_back(a.get_string());
        }
    }
    return out;
}

int run_verify(const VerifyArgs& args) {
    auto token = read_token(args.token);
    if (!token) return fail(kExitUsage, "cannot read the token from stdin");
    auto algorithms = parse_algorithms(args.algorithms);
    if (!algorithms) {
        return fail(kExitUsage,
                    "--algorithms: use RS256, RS384, RS512, PS256, PS384, PS512, "
                    "ES256, ES384, ES512 or EdDSA");
    }
    int code = kExitOk;
    auto jwks_text = load_jwks(args.jwks, code);
    if (!jwks_text) return code;
    auto keys = jose::parse_jwks(*jwks_text);
    if (!keys) return fail(kExitRejected, "JWKS unusable: " + keys.error().message());

    jose::VerifyOptions options;
    options.algorithms = *algorithms;
    options.issuers = args.issuers;
    options.verify_iss = !args.issuers.empty();
    options.leeway = std::chrono::seconds(args.leeway);
    options.now = std::chrono::system_clock::now();
    if (args.now) {
        options.now = std::chrono::system_clock::time_point(
            std::chrono::duration_cast<std::chrono::system_clock::duration>(
                std::chrono::duration<double>(*args.now)));
    }
    if (!args.require_typ.empty()) options.required_typ = args.require_typ;
    options.audiences = args.audiences;
    if (options.audiences.empty()) {
        std::cerr << "warden: warning: no --audience given, the aud claim is not checked "
                     "(a Warden server always checks it)\n";
        options.audiences = audiences_of(*token);
        if (options.audiences.empty()) return reject(jose::Error::audience_mismatch);
    }
    auto verified = jose::verify(*token, *keys.value(), options);
    if (!verified) {
        // The likeliest explanation of an unknown kid is a key the parser left out.
        if (verified.error() == jose::Error::unknown_key) report_skipped(*keys.value());
        return reject(verified.error());
    }
    std::cout << boost::json::serialize(verified.value().claims) << '\n';
    return kExitOk;
}

int run_decode(const std::string& arg) {
    auto token = read_token(arg);
    if (!token) return fail(kExitUsage, "cannot read the token from stdin");
    auto decoded = jose::decode_unverified(*token);
    if (!decoded) {
        return fail(kExitRejected, "cannot decode token: " + decoded.error().message());
    }
    std::cerr << "warden: NOT VERIFIED: decoded only, the signature and claims were not "
                 "checked\n";
    boost::json::object out;
    out["verified"] = false;
    out["header"] = std::move(decoded.value().header);
    out["claims"] = std::move(decoded.value().claims);
    std::cout << boost::json::serialize(out) << '\n';
    return kExitOk;
}

}  // namespace

void add_jwt_command(CLI::App& app, int& exit_code) {
    CLI::App* jwt = app.add_subcommand("jwt", "Verify or decode JWT access tokens");
    jwt->require_subcommand(1);

    auto args = std::make_shared<VerifyArgs>();
    CLI::App* verify = jwt->add_subcommand(
        "verify",
        "Verify a JWT access token; print its claims as JSON if valid (exit 0), "
        "else one reason on stderr (exit 1)");
    verify->add_option("--jwks", args->jwks, "JWKS file or http(s) URL")->required();
    verify->add_option("--issuer", args->issuers,
                       "Accepted issuer (repeatable); "
                       "without it iss is not checked");
    verify->add_option("--audience", args->audiences, "Accepted audience (repeatable)");
    verify
        ->add_option("--algorithms", args->algorithms,
                     "Allowed algorithms, comma-separated (default: all asymmetric)")
        ->delimiter(',');
    verify->add_option("--leeway", args->leeway, "Clock skew allowed, in seconds")
        ->check(CLI::Range(0LL, 86400LL));
    verify->add_option("--now", args->now, "Verify as of this UNIX time");
    verify->add_option("--require-typ", args->require_typ, "Required header typ, e.g. at+jwt");
    verify->add_option("token", args->token, "The token, or - to read it from stdin")->required();
    verify->callback([args, &exit_code] { exit_code = run_verify(*args); });

    auto token = std::make_shared<std::string>();
    CLI::App* decode =
        jwt->add_subcommand("decode", "Print a token's header and claims, NOT verified");
    decode->add_option("token", *token, "The token, or - to read it from stdin")->required();
    decode->callback([token, &exit_code] { exit_code = run_decode(*token); });
}

}  // namespace warden::cli
