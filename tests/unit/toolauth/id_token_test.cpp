// The sign-in binding's ID token check (OpenID Connect Core 1.0 §3.1.3.7).
#include "toolauth/id_token.hpp"

#include <warden/jose/base64url.hpp>

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

namespace {

namespace ta = warden::toolauth;
namespace json = boost::json;

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));

json::object good() {
    return {{"iss", "https://as"},  {"sub", "alice"},       {"aud", "warden-login"},
            {"exp", 1'700'000'600}, {"iat", 1'700'000'000}, {"nonce", "n-123"}};
}

std::string token(const json::object& claims) {
    // Unsigned on purpose: the check relies on TLS to the token endpoint, not the signature.
    return warden::jose::base64url_encode(R"({"alg":"ES256"})") + "." +
           warden::jose::base64url_encode(json::serialize(claims)) + ".c2ln";
}

ta::result<std::string> check(const json::object& claims) {
    return ta::check_id_token(token(claims), {"https://as", "warden-login", "n-123", kNow});
}

TEST(IdToken, ReturnsTheSubjectOfAGoodToken) {
    auto sub = check(good());
    ASSERT_TRUE(sub);
    EXPECT_EQ(*sub, "alice");
    auto c = good();
    c["aud"] = json::array{"warden-login", "other"};
    c["azp"] = "warden-login";
    EXPECT_TRUE(check(c));
}

TEST(IdToken, RefusesEveryClaimOff) {
    auto off = [](const char* name, json::value v) {
        auto c = good();
        if (v.is_null())
            c.erase(name);
        else
            c[name] = std::move(v);
        return c;
    };
    for (const auto& c :
         {off("iss", "https://evil"), off("iss", nullptr), off("aud", "other-client"),
          off("aud", nullptr), off("aud", json::array{"warden-login", "other"}),  // no azp
          off("azp", "other-client"), off("exp", 1'700'000'000), off("exp", nullptr),
          off("nonce", "n-124"), off("nonce", nullptr), off("sub", ""), off("sub", nullptr)}) {
        auto r = check(c);
        ASSERT_FALSE(r) << json::serialize(c);
        EXPECT_EQ(r.error(), ta::Error::wrong_user);
    }
    for (std::string_view bad : {"", "a.b", "a.b.c.d", "x.!!!.y", "x.e30.y"})
        EXPECT_FALSE(ta::check_id_token(bad, {"https://as", "warden-login", "n-123", kNow})) << bad;
}

}  // namespace
