// Fuzzes the DPoP proof parser and checks (RFC 9449 section 4.3), the RFC 7638 thumbprint
// of whatever JSON the proof's header carries, and the htu normalization.
#include "warden/jose.hpp"

#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view proof(reinterpret_cast<const char*>(data), size);
    warden::jose::DpopExpectations x;
    x.method = "POST";
    x.url = "https://mcp.example.com/mcp";
    // The seeds are dated 1700000000; a wide window lets them reach every check.
    x.now = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
    x.iat_window = std::chrono::seconds(3600);
    if (size % 2) x.access_token = "fuzz-access-token";
    auto verified = warden::jose::verify_dpop_proof(proof, x);
    if (verified) {
        // Only a real signature by the key in the header gets here.
        if (verified.value().jkt.size() != 43 || verified.value().jti.empty()) __builtin_trap();
    } else if (verified.error().message().empty()) {
        __builtin_trap();
    }
    boost::system::error_code ec;
    auto json = boost::json::parse(proof, ec);
    if (!ec && json.is_object()) {
        auto jkt = warden::jose::jwk_thumbprint(json.get_object());
        if (jkt && jkt.value().size() != 43) __builtin_trap();
    }
    // Normalization is symmetric and a URI that parses matches itself.
    if (warden::jose::dpop_htu_matches(proof, x.url) !=
        warden::jose::dpop_htu_matches(x.url, proof))
        __builtin_trap();
    return 0;
}
