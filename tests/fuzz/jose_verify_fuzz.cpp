// Fuzzes token splitting, header parsing, key selection, signature and claim checks.
#include "warden/jose.hpp"

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>

namespace {

std::shared_ptr<const warden::jose::JwkSet> load_keys() {
    std::ifstream in(WARDEN_SOURCE_DIR "/tests/vectors/jose/jwks.json");
    std::stringstream ss;
    ss << in.rdbuf();
    auto keys = warden::jose::parse_jwks(ss.str());
    return keys ? keys.value() : std::make_shared<const warden::jose::JwkSet>();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const auto keys = load_keys();
    const std::string_view token(reinterpret_cast<const char*>(data), size);
    warden::jose::VerifyOptions options;
    options.algorithms = warden::jose::kAllAsymmetricAlgorithms;
    options.issuers = {"https://as.example.com"};
    options.audiences = {"https://mcp.example.com/mcp"};
    options.now = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
    options.leeway = std::chrono::seconds(60);
    options.required_typ = size % 2 ? std::optional<std::string>("at+jwt") : std::nullopt;
    auto verified = warden::jose::verify(token, *keys, options);
    if (verified) {
        // Only a real signature from the vector keys can get here.
        if (verified.value().subject.empty()) __builtin_trap();
    } else if (verified.error().message().empty()) {
        __builtin_trap();
    }
    auto decoded = warden::jose::decode_unverified(token);
    (void)decoded;
    auto bytes = warden::jose::base64url_decode(token);
    if (bytes && warden::jose::base64url_encode(bytes.value()) != token) __builtin_trap();
    return 0;
}
