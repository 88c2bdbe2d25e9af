// Fuzzes the auth module's parsers of untrusted or operator-supplied text: the
// Authorization header, .env files, the authorization-server JSON, Cache-Control,
// introspection responses and AS metadata. The first byte picks the parser.
#include <warden/auth.hpp>

#include "auth/discovery.hpp"
#include "auth/introspection.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    namespace auth = warden::auth;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 6) {
        case 0:
            if (auto t = auth::bearer_token(text); t && t->empty()) __builtin_trap();
            break;
        case 1:
            (void)auth::parse_dotenv(text);
            break;
        case 2:
            if (auto e = auth::parse_authorization_servers(text); e && e->empty()) __builtin_trap();
            break;
        case 3: {
            const auth::JwksCacheSettings s;
            const auto ttl = auth::ttl_from_cache_control(text, s);
            if (ttl < s.min_ttl || ttl > s.max_ttl) __builtin_trap();
            break;
        }
        case 4: {
            const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1000));
            if (auto p = auth::parse_introspection(text, "https://as", {"https://m/mcp"}, now,
                                                   std::chrono::seconds(0));
                p && p->user_id.empty())
                __builtin_trap();
            break;
        }
        case 5:
            (void)auth::jwks_uri_from_metadata(text, "https://as");
            break;
    }
    return 0;
}
