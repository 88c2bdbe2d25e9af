#include <warden/auth.hpp>
#include <warden/jose/error.hpp>

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <cstring>
#include <memory>

namespace warden::auth {
namespace {

TEST(BearerToken, SchemeIsCaseInsensitive) {
    EXPECT_EQ(bearer_token("Bearer abc.def-ghi_~+/=").value(), "abc.def-ghi_~+/=");
    EXPECT_EQ(bearer_token("bearer abc").value(), "abc");
    EXPECT_EQ(bearer_token("BEARER   abc").value(), "abc");
}

TEST(BearerToken, MissingAndMalformed) {
    EXPECT_EQ(bearer_token("").error(), Error::missing_token);
    EXPECT_EQ(bearer_token("Basic dXNlcjpwYXNz").error(), Error::missing_token);
    EXPECT_EQ(bearer_token("Bearer").error(), Error::malformed_header);
    EXPECT_EQ(bearer_token("Bearer a b").error(), Error::malformed_header);
    EXPECT_EQ(bearer_token("Bearer a=b").error(), Error::malformed_header);
    EXPECT_EQ(bearer_token("Bearer \"abc\"").error(), Error::malformed_header);
}

TEST(BearerToken, EveryByteAgainstTheB64TokenGrammar) {
    // RFC 6750 section 2.1, byte by byte, inside a long token (the checker works on many
    // bytes at once) and at every position of it.
    const std::string allowed =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+/";
    const std::string base(200, 'a');
    for (int c = 0; c < 256; ++c) {
        const char ch = static_cast<char>(c);
        const bool ok = allowed.find(ch) != std::string::npos;
        for (std::size_t at : {std::size_t{0}, std::size_t{1}, std::size_t{63}, std::size_t{64},
                               std::size_t{130}, std::size_t{199}}) {
            auto token = base;
            token[at] = ch;
            const auto got = bearer_token("Bearer " + token);
            // Spaces around the token are trimmed, and "=" at the very end is padding.
            if ((ch == ' ' && (at == 0 || at == 199)) || (ch == '=' && at == 199)) continue;
            EXPECT_EQ(got.has_value(), ok) << "byte " << c << " at " << at;
        }
    }
    EXPECT_EQ(bearer_token("Bearer abc==").value(), "abc==");
    EXPECT_EQ(bearer_token("Bearer ===").error(), Error::malformed_header);
    EXPECT_EQ(bearer_token("Bearer " + base + "=a").error(), Error::malformed_header);
}

TEST(BearerToken, CaseOnlyDifferenceReadsNothingPastTheHeader) {
    // The header value in a buffer of exactly its size: AddressSanitizer reports a read
    // past it (Boost 1.81's beast::iequals made one; fuzz_auth_parsers found it).
    for (std::string_view header : {"bEaReR", "BEARER", "bearer x"}) {
        auto exact = std::make_unique<char[]>(header.size());
        std::memcpy(exact.get(), header.data(), header.size());
        const auto got = bearer_token(std::string_view(exact.get(), header.size()));
        EXPECT_EQ(got.has_value(), header.size() > 6) << header;
    }
}

TEST(Challenge, NoErrorWithoutToken) {
    Challenge c;
    c.resource_metadata = "https://m/.well-known/oauth-protected-resource/mcp";
    c.scopes = {"mcp:tools", "mcp:read"};
    EXPECT_EQ(format_challenge(c),
              "Bearer resource_metadata=\"https://m/.well-known/oauth-protected-resource/mcp\", "
              "scope=\"mcp:tools mcp:read\"");
}

TEST(Challenge, QuotesEscapesAndDropsControlCharacters) {
    Challenge c;
    c.resource_metadata = "https://m/x";
    c.error = "invalid_token";
    c.error_description = "bad \"quote\" and \\ backslash\r\nInjected: header";
    EXPECT_EQ(format_challenge(c),
              "Bearer resource_metadata=\"https://m/x\", error=\"invalid_token\", "
              "error_description=\"bad \\\"quote\\\" and \\\\ backslashInjected: header\"");
}

TEST(Scopes, StepUpKeepsGrantedAndAddsMissing) {
    EXPECT_EQ(step_up_scopes({"mcp:admin"}, {"mcp:tools"}),
              (std::vector<std::string>{"mcp:tools", "mcp:admin"}));
    EXPECT_EQ(step_up_scopes({"a", "b"}, {"a"}), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(missing_scopes({"a", "b"}, {"b", "c"}), (std::vector<std::string>{"a"}));
}

TEST(Metadata, UrlsAndPaths) {
    EXPECT_EQ(resource_metadata_url("https://m.example/mcp"),
              "https://m.example/.well-known/oauth-protected-resource/mcp");
    EXPECT_EQ(resource_metadata_url("http://127.0.0.1:8000/mcp"),
              "http://127.0.0.1:8000/.well-known/oauth-protected-resource/mcp");
    EXPECT_EQ(resource_metadata_url("https://m.example/"),
              "https://m.example/.well-known/oauth-protected-resource");
    EXPECT_EQ(resource_metadata_paths("https://m.example/a/mcp"),
              (std::vector<std::string>{"/.well-known/oauth-protected-resource/a/mcp",
                                        "/.well-known/oauth-protected-resource"}));
    EXPECT_EQ(resource_metadata_paths("https://m.example"),
              (std::vector<std::string>{"/.well-known/oauth-protected-resource"}));
}

TEST(Metadata, Document) {
    ResourceServerAuth c;
    c.canonical_url = "https://m.example/mcp";
    c.authorization_servers = {{.authorization_server_url = "https://b", .issuer = "https://b"},
                               {.authorization_server_url = "https://a", .issuer = "https://a"},
                               {.authorization_server_url = "https://b", .issuer = "https://b2"}};
    EXPECT_EQ(
        boost::json::serialize(protected_resource_metadata(c)),
        R"({"resource":"https://m.example/mcp","authorization_servers":["https://b","https://a"],)"
        R"("bearer_methods_supported":["header"],)"
        R"("dpop_signing_alg_values_supported":["RS256","RS384","RS512","PS256","PS384",)"
        R"("PS512","ES256","ES384","ES512","EdDSA"],"dpop_bound_access_tokens_required":false})");
    c.scopes_supported = {"x", "y"};
    EXPECT_EQ(protected_resource_metadata(c).at("scopes_supported"),
              (boost::json::array{"x", "y"}));
}

TEST(Errors, ConditionsGroupCodes) {
    EXPECT_EQ(condition_of(make_error_code(Error::untrusted_issuer)), Condition::invalid_token);
    EXPECT_EQ(condition_of(make_error_code(Error::unavailable)), Condition::unavailable);
    EXPECT_EQ(condition_of(make_error_code(Error::malformed_header)), Condition::invalid_request);
    EXPECT_EQ(condition_of(make_error_code(jose::Error::expired)), Condition::invalid_token);
    EXPECT_EQ(condition_of(make_error_code(jose::Error::token_too_large)),
              Condition::invalid_request);
    EXPECT_STREQ(error_category().name(), "warden.auth");
    for (int e = 1; e <= static_cast<int>(Error::stopped); ++e)
        EXPECT_NE(error_category().message(e), "unknown warden.auth error");
}

}  // namespace
}  // namespace warden::auth
